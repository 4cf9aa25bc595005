//! A run of native code taken out as the interpreter's execution state (deoptimization): the
//! native half of mid-run checkpoints.
//!
//! Native code compiled with `Config::native_checkpoints` keeps a record per frame (`vm::deopt`):
//! its function, the call or check it is at (by byte offset), its locals and its operand stack.
//! While it is out in a host function, or in the check hook at one of its checks, `capture`
//! rebuilds those frames as the interpreter frames the same functions would have at the same
//! points: each function is translated again for the interpreter with the place of every operand
//! recorded at each call op and check (`translate_with_sites`; the code is the interpreter's
//! own), the record's locals go to the locals' slots and its operands to the slots that op reads
//! them from (a constant or a local's value already is where the interpreter looks for it), and
//! each callee's frame starts where its caller's call op puts its arguments. The result is an
//! [`ExecState`] like one taken from the interpreter, with the same checks when it is resumed.
//!
//! The stacks taken this way are the `Jit` strategy's: stretches of native code, each entered
//! through a function's stub (see `capture`). A stack that mixes interpreted and native frames
//! (tiering), or that crosses a call from the host back into WebAssembly, is refused with the
//! reason.

use super::{Cx, ExecFrame, ExecState, InterpFunc, resume::fingerprint};
use crate::interp::isa::Instr;
use crate::store::StoreOpaque;
use crate::vm::deopt::{self, DeoptRecord};
use crate::vm::{StackValue, slots::slot_width};

/// Native frames taken out at most: beyond the deepest stack a store allows, the list is not
/// what native code wrote.
const MAX_FRAMES: usize = 1 << 20;

/// Whether `f` is the stub through which the interpreter enters a function's native code.
pub(super) fn is_native_stub(f: &InterpFunc) -> bool {
    f.code.first().is_some_and(|op| matches!(op.instr, Instr::CallNative { .. }))
}

/// The native frames of the run `cx`, stopped in a host call or the check hook, as the
/// interpreter's execution state.
///
/// Under the `Jit` strategy a run is a chain of stretches of native code: the host entered a
/// function's stub, whose native code may call a function not compiled yet through the
/// interpreter, whose stub compiles it and enters its native code in turn (a nested run, `outer`
/// linking it to the one it interrupts, and a boundary record of its own). So the runs, outermost
/// first, each hold the stub of the first function of one stretch, and the records between
/// boundaries are the stretches' frames; each stretch but the last is at the call that entered
/// the next. A host function running below (one that called back into WebAssembly) is refused.
///
/// # Safety
/// `store` points to the live store, inside a host function or check hook that native code of
/// the run `cx` (its innermost, whose current frame is a native stub) called, so the store's
/// list of records is that code's: live records in frames below this call (`vm::deopt`), and
/// every run linked from `cx` is live.
pub(super) unsafe fn capture(store: *const StoreOpaque, cx: &Cx) -> Result<ExecState, String> {
    // SAFETY: every run linked from `cx` is live with its current code and instance (the run
    // invariants); the records are live and only read (contract), each checked to be of this
    // instance before its function is looked at.
    unsafe {
        if (*store).host_calls != 0 {
            return Err("the guest is in a call from the host back into WebAssembly".into());
        }
        let inst = &*cx.inst;
        let module = &inst.module.inner;
        let vmctx: *const crate::vm::VMContext = &inst.vmctx;
        // The runs, innermost first: each must be one native stub of this instance.
        let mut stubs = Vec::new();
        let mut run: *const Cx = cx;
        while !run.is_null() {
            let r = &*run;
            if r.inst != cx.inst {
                return Err("the guest's stack crosses instances".into());
            }
            if r.depth != r.entry_depth || !is_native_stub(&*r.func) {
                return Err("interpreted frames run below native ones (tiering): such a stack \
                            cannot be taken out yet; use `--engine jit` or `--engine interp`"
                    .into());
            }
            stubs.push((*r.func).func_index);
            run = r.outer;
        }
        stubs.reverse();
        // The records, innermost first, a stretch per run.
        let mut records: Vec<*const DeoptRecord> = Vec::new();
        let mut r = (*store).deopt_top;
        let mut starts = Vec::with_capacity(stubs.len());
        for _ in 0..stubs.len() {
            while !r.is_null() && (*r).func != deopt::BOUNDARY {
                if records.len() == MAX_FRAMES {
                    return Err("the guest's stack is deeper than a state can hold".into());
                }
                if (*r).vmctx != vmctx {
                    return Err("the guest's stack crosses instances".into());
                }
                records.push(r);
                r = (*r).prev;
            }
            if r.is_null() || starts.last().copied().unwrap_or(0) == records.len() {
                return Err("native code keeps no record of its frames (an engine without \
                            `native_checkpoints`)"
                    .into());
            }
            starts.push(records.len());
            r = (*r).prev;
        }
        records.reverse();
        // Where each stretch starts, outermost first, in `records` now.
        let starts: Vec<usize> = starts.iter().rev().map(|&end| records.len() - end).collect();
        for (&start, &stub) in starts.iter().zip(&stubs) {
            match records.get(start) {
                Some(&rec) if (*rec).func == stub => {}
                _ => {
                    return Err("a stretch of native frames does not start with the function \
                                its stub entered"
                        .into());
                }
            }
        }
        let at_check = (*store).native_at_check;
        let imported = module.info.num_imported.funcs;
        let last = records.len() - 1;
        let mut codes = Vec::with_capacity(records.len());
        let mut frames = Vec::with_capacity(records.len());
        let mut slots: Vec<u64> = Vec::new();
        let mut fp = 0usize;
        for (i, &rec) in records.iter().enumerate() {
            let rec = &*rec;
            let innermost = i == last;
            match (rec.kind, innermost) {
                (deopt::AT_CHECK, true) if at_check => {}
                (deopt::AT_CALL, true) if !at_check => {}
                (deopt::AT_CALL | deopt::TAILED, false) => {}
                (deopt::TAILED, true) => {
                    return Err("the guest is in a host function a tail call reached".into());
                }
                _ => return Err("the guest's native code is not at a call or a check".into()),
            }
            let def = rec
                .func
                .checked_sub(imported)
                .filter(|&d| d < module.info.num_defined_funcs())
                .ok_or("a native frame names a function that is not the module's own")?;
            let code = crate::interp::translate::translate_with_sites(module, def)?;
            let want_check = innermost && at_check;
            let site = code
                .sites
                .iter()
                .find(|s| s.offset == rec.offset && s.check == want_check)
                .ok_or_else(|| {
                    format!(
                        "function {} has no {} at byte offset {:#x} in the interpreter's code",
                        rec.func,
                        if want_check { "check" } else { "call" },
                        rec.offset
                    )
                })?;
            let widths: Vec<usize> = site.stack.iter().map(|s| slot_width(s.ty)).collect();
            let stack_slots: usize = widths.iter().sum();
            let num_locals = code.num_locals as usize;
            if rec.slots as usize != num_locals + stack_slots {
                return Err(format!(
                    "function {}'s native frame at {:#x} holds {} slots, its interpreter frame {}",
                    rec.func,
                    rec.offset,
                    rec.slots,
                    num_locals + stack_slots
                ));
            }
            let values = std::slice::from_raw_parts(
                (rec as *const DeoptRecord).cast::<u8>().add(deopt::VALUES as usize).cast::<u64>(),
                rec.slots as usize,
            );
            let size = code.frame_size as usize;
            if slots.len() < fp + size {
                slots.resize(fp + size, 0);
            }
            let frame = &mut slots[fp..fp + size];
            let pool = num_locals..num_locals + code.consts.len();
            frame.get_mut(pool).ok_or("constants past the frame")?.copy_from_slice(&code.consts);
            frame[..num_locals].copy_from_slice(&values[..num_locals]);
            let mut from = num_locals;
            for (s, &w) in site.stack.iter().zip(&widths) {
                if let StackValue::Slot(at) = s.value {
                    let to =
                        frame.get_mut(at as usize..at as usize + w).ok_or("slot past the frame")?;
                    to.copy_from_slice(&values[from..from + w]);
                }
                from += w;
            }
            let pc = site.pc as usize;
            let op = code.code.get(pc).map(|op| op.instr).ok_or("site past the code")?;
            let (resume_at, base) = match (op, innermost) {
                (Instr::Check { .. }, true) => (pc + 1, None),
                (
                    Instr::CallImported { base, .. }
                    | Instr::CallIndirect { base, .. }
                    | Instr::CallRef { base, .. }
                    | Instr::ReturnCallImported { base, .. }
                    | Instr::ReturnCallIndirect { base, .. }
                    | Instr::ReturnCallRef { base, .. },
                    true,
                ) => (pc, Some(base)),
                (Instr::CallInternal { base, .. }, false)
                | (Instr::CallImported { base, .. }, false)
                | (Instr::CallRef { base, .. }, false) => (pc + 1, Some(base)),
                // The table index follows in an extension word.
                (Instr::CallIndirect { base, .. }, false) => (pc + 2, Some(base)),
                _ => return Err(format!("function {} is not at a call or a check", rec.func)),
            };
            frames.push(ExecFrame {
                func_index: rec.func,
                pc: u32::try_from(resume_at).map_err(|_| "op index too large")?,
                fp: u32::try_from(fp).map_err(|_| "the guest's stack is too large")?,
            });
            if let Some(base) = base {
                fp += base as usize;
            }
            codes.push(code);
        }
        let code_fingerprint = fingerprint(codes.iter());
        Ok(ExecState { frames, slots, code_fingerprint })
    }
}
