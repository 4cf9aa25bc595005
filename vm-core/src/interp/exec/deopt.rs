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
use crate::interp::code::Site;
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

/// One frame of the stack being taken out, outermost first.
enum Piece {
    /// An interpreter frame: its running code, where it is (a caller: the op its call returns to;
    /// the innermost: the call op or the check) and its slots.
    Interp { func: *const InterpFunc, ip: *const super::Op, fp: *const u64 },
    /// A native frame's record.
    Native(*const DeoptRecord),
}

/// The run stopped in a host call or the check hook — interpreted or native frames, or both —
/// as the interpreter's execution state in the code the `Interpreter` strategy runs (without the
/// tiered strategy's hotness counting).
///
/// The runs, outermost first (`outer` links a run entered from native code to the one it
/// interrupts), each hold saved interpreter frames and a current one; every run but the
/// innermost, and the innermost when native code is what stopped, has its current frame running
/// natively: a function's stub, or a frame continued natively from a loop (on-stack
/// replacement), whose native stretch starts with that same function's record. So the stack is
/// each run's saved frames, then its current frame or its stretch of native frames. A host
/// function running below (one that called back into WebAssembly) is refused.
///
/// # Safety
/// `store` points to the live store, inside a host function or check hook that the innermost
/// run `cx` (or native code it runs) called: every run linked from `cx` is live, and the store's
/// list of records is that code's: live records in frames below this call (`vm::deopt`).
pub(super) unsafe fn capture(store: *const StoreOpaque, cx: &Cx) -> Result<ExecState, String> {
    // SAFETY: every run linked from `cx` is live with its saved frames, current code and
    // instance (the run invariants), and so are the frames' slots in the value stack; the records
    // are live (contract). All of it is only read, each record checked to be of this instance
    // before its function is looked at.
    unsafe {
        if (*store).host_calls != 0 {
            return Err("the guest is in a call from the host back into WebAssembly".into());
        }
        let inst = &*cx.inst;
        let module = &inst.module.inner;
        let vmctx: *const crate::vm::VMContext = &inst.vmctx;
        let mut runs: Vec<&Cx> = Vec::new();
        let mut run: *const Cx = cx;
        while !run.is_null() {
            if runs.len() == MAX_FRAMES {
                return Err("the guest's stack is deeper than a state can hold".into());
            }
            if (*run).inst != cx.inst {
                return Err("the guest's stack crosses instances".into());
            }
            runs.push(&*run);
            run = (*run).outer;
        }
        runs.reverse();
        let interp_innermost = cx.in_host || cx.at_check;
        // The native stretches, innermost first: one per run running natively.
        let stretched = runs.len() - usize::from(interp_innermost);
        let mut stretches: Vec<Vec<*const DeoptRecord>> = Vec::with_capacity(stretched);
        let mut r = (*store).deopt_top;
        let mut count = 0usize;
        for _ in 0..stretched {
            let mut stretch = Vec::new();
            while !r.is_null() && (*r).func != deopt::BOUNDARY {
                count += 1;
                if count == MAX_FRAMES {
                    return Err("the guest's stack is deeper than a state can hold".into());
                }
                if (*r).vmctx != vmctx {
                    return Err("the guest's stack crosses instances".into());
                }
                stretch.push(r);
                r = (*r).prev;
            }
            if r.is_null() || stretch.is_empty() {
                return Err("native code keeps no record of its frames (an engine without \
                            `native_checkpoints`)"
                    .into());
            }
            stretch.reverse();
            stretches.push(stretch);
            r = (*r).prev;
        }
        stretches.reverse();
        let mut pieces = Vec::new();
        for (k, run) in runs.iter().enumerate() {
            for d in run.entry_depth..run.depth {
                let f = *run.frames.add(d);
                if f.inst != run.inst {
                    return Err("the guest's stack crosses instances".into());
                }
                pieces.push(Piece::Interp { func: f.func, ip: f.ip, fp: f.fp });
            }
            match stretches.get(k) {
                Some(stretch) => {
                    if (*stretch[0]).func != (*run.func).func_index {
                        return Err("a stretch of native frames does not start with the function \
                                    its run entered natively"
                            .into());
                    }
                    pieces.extend(stretch.iter().map(|&r| Piece::Native(r)));
                }
                None => {
                    pieces.push(Piece::Interp { func: run.func, ip: run.at_ip, fp: run.at_fp });
                }
            }
        }
        rebuild(module, &pieces, !interp_innermost && (*store).native_at_check, cx.at_check)
    }
}

/// The execution state of `pieces` (see `capture`): `native_check`/`interp_check` tell whether
/// the innermost frame is at a check rather than a host call.
///
/// # Safety
/// The pieces' code, frames, slots and records are live (as in `capture`).
unsafe fn rebuild(
    module: &crate::module::ModuleInner,
    pieces: &[Piece],
    native_check: bool,
    interp_check: bool,
) -> Result<ExecState, String> {
    let imported = module.info.num_imported.funcs;
    let last = pieces.len().checked_sub(1).ok_or("the guest's stack is empty")?;
    let mut codes = Vec::with_capacity(pieces.len());
    let mut frames = Vec::with_capacity(pieces.len());
    let mut slots: Vec<u64> = Vec::new();
    let mut fp = 0usize;
    for (i, piece) in pieces.iter().enumerate() {
        let innermost = i == last;
        let func_index = match piece {
            // SAFETY: live (contract).
            Piece::Interp { func, .. } => unsafe { (**func).func_index },
            // SAFETY: live (contract).
            Piece::Native(rec) => unsafe { (**rec).func },
        };
        let def = func_index
            .checked_sub(imported)
            .filter(|&d| d < module.info.num_defined_funcs())
            .ok_or("a frame names a function that is not the module's own")?;
        let code = crate::interp::translate::translate_for_resume(module, def)?;
        let size = code.frame_size as usize;
        if slots.len() < fp + size {
            slots.resize(fp + size, 0);
        }
        let frame = &mut slots[fp..fp + size];
        let site = match piece {
            // SAFETY: live (contract).
            Piece::Native(rec) => unsafe {
                native_frame(&**rec, &code, innermost, native_check, frame)?
            },
            // SAFETY: live (contract).
            Piece::Interp { func, ip, fp } => unsafe {
                interp_frame(module, def, &**func, *ip, *fp, &code, innermost, interp_check, frame)?
            },
        };
        let pc = site.pc as usize;
        let op = code.code.get(pc).map(|op| op.instr).ok_or("site past the code")?;
        let (resume_at, base) = match (op, innermost) {
            (Instr::Check { .. }, true) => (pc + 1, None),
            (
                Instr::CallImported { base, .. }
                | Instr::CallIndirect { base, .. }
                | Instr::ReturnCallImported { base, .. }
                | Instr::ReturnCallIndirect { base, .. },
                true,
            ) => (pc, Some(base)),
            (Instr::CallInternal { base, .. }, false)
            | (Instr::CallImported { base, .. }, false)
            | (Instr::CallRef { base, .. }, false) => (pc + 1, Some(base)),
            // The table index follows in an extension word.
            (Instr::CallIndirect { base, .. }, false) => (pc + 2, Some(base)),
            _ => return Err(format!("function {func_index} is not at a call or a check")),
        };
        frames.push(ExecFrame {
            func_index,
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

/// Writes native frame `rec` as `code`'s `frame`; returns the site it is at.
///
/// # Safety
/// `rec` is a live record (its values follow it, `slots` of them).
unsafe fn native_frame<'c>(
    rec: &DeoptRecord,
    code: &'c InterpFunc,
    innermost: bool,
    at_check: bool,
    frame: &mut [u64],
) -> Result<&'c Site, String> {
    match (rec.kind, innermost) {
        (deopt::AT_CHECK, true) if at_check => {}
        (deopt::AT_CALL, true) if !at_check => {}
        (deopt::AT_CALL | deopt::TAILED, false) => {}
        (deopt::TAILED, true) => {
            return Err("the guest is in a host function a tail call reached".into());
        }
        _ => return Err("the guest's native code is not at a call or a check".into()),
    }
    let want_check = innermost && at_check;
    let site =
        code.sites.iter().find(|s| s.offset == rec.offset && s.check == want_check).ok_or_else(
            || {
                format!(
                    "function {} has no {} at byte offset {:#x} in the interpreter's code",
                    rec.func,
                    if want_check { "check" } else { "call" },
                    rec.offset
                )
            },
        )?;
    let widths: Vec<usize> = site.stack.iter().map(|s| slot_width(s.ty)).collect();
    let num_locals = code.num_locals as usize;
    let want = num_locals + widths.iter().sum::<usize>();
    if rec.slots as usize != want {
        return Err(format!(
            "function {}'s native frame at {:#x} holds {} slots, its interpreter frame {want}",
            rec.func, rec.offset, rec.slots
        ));
    }
    // SAFETY: the record's values follow its header, `slots` of them (contract).
    let values = unsafe {
        std::slice::from_raw_parts(
            std::ptr::from_ref(rec).cast::<u8>().add(deopt::VALUES as usize).cast::<u64>(),
            rec.slots as usize,
        )
    };
    let pool = num_locals..num_locals + code.consts.len();
    frame.get_mut(pool).ok_or("constants past the frame")?.copy_from_slice(&code.consts);
    frame
        .get_mut(..num_locals)
        .ok_or("locals past the frame")?
        .copy_from_slice(&values[..num_locals]);
    let mut from = num_locals;
    for (s, &w) in site.stack.iter().zip(&widths) {
        if let StackValue::Slot(at) = s.value {
            let to = frame.get_mut(at as usize..at as usize + w).ok_or("slot past the frame")?;
            to.copy_from_slice(&values[from..from + w]);
        }
        from += w;
    }
    Ok(site)
}

/// Writes interpreter frame `ip`/`fp` of `running` (code as the engine runs it: perhaps with the
/// tiered strategy's hotness counting) as `code`'s `frame`; returns the site it is at in `code`.
/// The two are the same function translated with and without hotness counting, which adds ops
/// but never moves a slot: checked, with the op at the frame's position found again by offset.
///
/// # Safety
/// `running` is live code, `ip` an op of it and `fp` its frame of `frame_size` slots.
#[allow(clippy::too_many_arguments)]
unsafe fn interp_frame<'c>(
    module: &crate::module::ModuleInner,
    def: u32,
    running: &InterpFunc,
    ip: *const super::Op,
    fp: *const u64,
    code: &'c InterpFunc,
    innermost: bool,
    at_check: bool,
    frame: &mut [u64],
) -> Result<&'c Site, String> {
    if is_native_stub(running) {
        return Err("a function's stub is on the stack without native code above it".into());
    }
    if running.frame_size != code.frame_size
        || running.num_locals != code.num_locals
        || running.consts != code.consts
    {
        return Err(format!("function {}'s frame is laid out otherwise", running.func_index));
    }
    // SAFETY: `ip` is an op of `running` (contract).
    let at = usize::try_from(unsafe { ip.offset_from(running.code.as_ptr()) })
        .map_err(|_| "a frame is not in its code")?;
    // Where the frame is in the code as it runs: the sites of that translation.
    let shaped = crate::interp::translate::translate_with_sites(module, def)?;
    if fingerprint(std::iter::once(&shaped)) != fingerprint(std::iter::once(running)) {
        return Err(format!("function {}'s code cannot be translated again", running.func_index));
    }
    let is_indirect = |pc: usize| {
        matches!(shaped.code.get(pc).map(|op| op.instr), Some(Instr::CallIndirect { .. }))
    };
    let found = shaped.sites.iter().find(|s| {
        let pc = s.pc as usize;
        match (innermost, at_check) {
            (true, true) => s.check && pc == at,
            (true, false) => !s.check && pc == at,
            (false, _) => {
                !s.check && (pc + 1 == at && !is_indirect(pc) || pc + 2 == at && is_indirect(pc))
            }
        }
    });
    let found = found.ok_or_else(|| {
        format!("function {} is not at a call or a check in its code", running.func_index)
    })?;
    let site = code
        .sites
        .iter()
        .find(|s| s.offset == found.offset && s.check == found.check)
        .ok_or("the frame's position has no counterpart")?;
    // SAFETY: the frame's `frame_size` slots at `fp` (contract).
    let from = unsafe { std::slice::from_raw_parts(fp, frame.len()) };
    frame.copy_from_slice(from);
    Ok(site)
}
