//! A run taken out of its frames — interpreted, native, or both — as WebAssembly sees it
//! (`ExecState`): the capture half of mid-run checkpoints, deoptimization included.
//!
//! Native code compiled with `Config::native_checkpoints` keeps a record per frame (`vm::deopt`):
//! its function, the call or check it is at (by byte offset), its locals and its operand stack in
//! the slot form — already the state's form. An interpreted frame is read through its function
//! translated again with the place of every operand recorded at each call op and check
//! (`translate_with_sites`, the same code as it runs: checked), which says which call or check the
//! frame's position is and where its locals and operands are. `capture` walks the runs and the
//! records' stretches to put the frames in order (see there); a stack that crosses a call from the
//! host back into WebAssembly, or native code without records, is refused with the reason.

use super::frame_values::values_out;
use super::{Cx, ExecFrame, ExecState, InterpFunc};
use crate::heap_image::HeapCapture;
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
pub(super) unsafe fn capture(
    store: *const StoreOpaque,
    cx: &Cx,
    heap: &mut HeapCapture,
) -> Result<ExecState, String> {
    // SAFETY: every run linked from `cx` is live with its saved frames, current code and
    // instance (the run invariants), and so are the frames' slots in the value stack; the records
    // are live (contract). All of it is only read, each record checked to be of this instance
    // before its function is looked at.
    unsafe {
        if (*store).host_calls != 0 {
            return Err("the guest is in a call from the host back into WebAssembly".into());
        }
        let inst = &*cx.inst;
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
        let native_check = !interp_innermost && (*store).native_at_check;
        rebuild(&*store, inst, &pieces, native_check, cx.at_check, heap)
    }
}

/// The execution state of `pieces` (see `capture`): `native_check`/`interp_check` tell whether
/// the innermost frame is at a check rather than a host call.
///
/// # Safety
/// The pieces' code, frames, slots and records are live (as in `capture`).
unsafe fn rebuild(
    store: &StoreOpaque,
    inst: &crate::instance::InstanceData,
    pieces: &[Piece],
    native_check: bool,
    interp_check: bool,
    heap: &mut HeapCapture,
) -> Result<ExecState, String> {
    let last = pieces.len().checked_sub(1).ok_or("the guest's stack is empty")?;
    let mut frames = Vec::with_capacity(pieces.len());
    let mut codes = Codes::default();
    for (i, piece) in pieces.iter().enumerate() {
        let innermost = i == last;
        let frame = match piece {
            // SAFETY: live (contract).
            Piece::Native(rec) => unsafe {
                let at_check = innermost && native_check;
                native_frame(store, inst, &**rec, (innermost, at_check), heap, &mut codes)?
            },
            // SAFETY: live (contract).
            Piece::Interp { func, ip, fp } => unsafe {
                let at = Position { ip: *ip, fp: *fp, innermost, at_check: interp_check };
                interp_frame(store, inst, &**func, at, heap, &mut codes)?
            },
        };
        frames.push(frame);
    }
    let at_check =
        if matches!(pieces[last], Piece::Native(_)) { native_check } else { interp_check };
    Ok(ExecState { frames, at_check })
}

/// Native frame `rec` as WebAssembly sees it.
///
/// # Safety
/// `rec` is a live record (its values follow it, `slots` of them).
unsafe fn native_frame(
    store: &StoreOpaque,
    inst: &crate::instance::InstanceData,
    rec: &DeoptRecord,
    (innermost, at_check): (bool, bool),
    heap: &mut HeapCapture,
    codes: &mut Codes,
) -> Result<ExecFrame, String> {
    match (rec.kind, innermost) {
        (deopt::AT_CHECK, true) if at_check => {}
        (deopt::AT_CALL, true) if !at_check => {}
        (deopt::AT_CALL | deopt::TAILED, false) => {}
        (deopt::TAILED, true) => {
            return Err("the guest is in a host function a tail call reached".into());
        }
        _ => return Err("the guest's native code is not at a call or a check".into()),
    }
    // SAFETY: the record's values follow its header, `slots` of them (contract).
    let values = unsafe {
        std::slice::from_raw_parts(
            std::ptr::from_ref(rec).cast::<u8>().add(deopt::VALUES as usize).cast::<u64>(),
            rec.slots as usize,
        )
    };
    // The function's own code says which values are function references (host addresses here).
    let module = &inst.module.inner;
    let def = rec
        .func
        .checked_sub(module.info.num_imported.funcs)
        .filter(|&d| d < module.info.num_defined_funcs())
        .ok_or("a native frame names a function that is not the module's own")?;
    let code = codes.get(module, def, false)?;
    let site = super::resume::site_at(&code, rec.offset, at_check)
        .ok_or("a native frame is at no call or check of its function")?;
    let mut values = values.to_vec();
    values_out(store, inst, (&code, site, !innermost), &mut values, heap)?;
    Ok(ExecFrame { func_index: rec.func, offset: rec.offset, values })
}

/// Interpreter frame `ip`/`fp` of `running` (code as the engine runs it: perhaps with the tiered
/// strategy's hotness counting) as WebAssembly sees it: the same function translated again with
/// its sites recorded (the same code, checked) says which call or check the frame is at and where
/// its operands are.
///
/// # Safety
/// `running` is live code, `ip` an op of it and `fp` its frame of `frame_size` slots.
unsafe fn interp_frame(
    store: &StoreOpaque,
    inst: &crate::instance::InstanceData,
    running: &InterpFunc,
    at: Position,
    heap: &mut HeapCapture,
    codes: &mut Codes,
) -> Result<ExecFrame, String> {
    let Position { ip, fp, innermost, at_check } = at;
    if is_native_stub(running) {
        return Err("a function's stub is on the stack without native code above it".into());
    }
    let module = &inst.module.inner;
    let def = running.func_index - module.info.num_imported.funcs;
    // SAFETY: `ip` is an op of `running` (contract).
    let at = usize::try_from(unsafe { ip.offset_from(running.code.as_ptr()) })
        .map_err(|_| "a frame is not in its code")?;
    let shaped = codes.get(module, def, true)?;
    if fingerprint(&shaped) != fingerprint(running) {
        return Err(format!("function {}'s code cannot be translated again", running.func_index));
    }
    let is_indirect = |pc: usize| {
        matches!(shaped.code.get(pc).map(|op| op.instr), Some(Instr::CallIndirect { .. }))
    };
    let site = shaped.sites.iter().find(|s| {
        let pc = s.pc as usize;
        match (innermost, at_check) {
            (true, true) => s.check && pc == at,
            (true, false) => !s.check && pc == at,
            (false, _) => {
                !s.check && (pc + 1 == at && !is_indirect(pc) || pc + 2 == at && is_indirect(pc))
            }
        }
    });
    let site = site.ok_or_else(|| {
        format!("function {} is not at a call or a check in its code", running.func_index)
    })?;
    // SAFETY: the frame's `frame_size` slots at `fp` (contract).
    let frame = unsafe { std::slice::from_raw_parts(fp, running.frame_size as usize) };
    let slot = |at: u32, w: usize| -> Result<&[u64], String> {
        frame.get(at as usize..at as usize + w).ok_or_else(|| "slot past the frame".into())
    };
    let mut values = slot(0, running.num_locals as usize)?.to_vec();
    for s in site.stack.iter() {
        match s.value {
            StackValue::Slot(at) => values.extend_from_slice(slot(at, slot_width(s.ty))?),
            StackValue::Bits(bits) => values.push(bits),
            StackValue::Bits128(bits) => {
                values.extend_from_slice(&[bits as u64, (bits >> 64) as u64]);
            }
        }
    }
    values_out(store, inst, (&shaped, site, !innermost), &mut values, heap)?;
    Ok(ExecFrame { func_index: running.func_index, offset: site.offset, values })
}

/// Functions translated again while a state is taken, once each (a deep recursion repeats a few
/// functions many times): as the engine runs them (`true`: `translate_with_sites`) or as the
/// interpreter resumes them (`translate_for_resume`).
#[derive(Default)]
pub(super) struct Codes(std::collections::HashMap<(u32, bool), std::rc::Rc<InterpFunc>>);

impl Codes {
    pub(super) fn get(
        &mut self,
        module: &crate::module::ModuleInner,
        def: u32,
        as_running: bool,
    ) -> Result<std::rc::Rc<InterpFunc>, String> {
        if let Some(code) = self.0.get(&(def, as_running)) {
            return Ok(code.clone());
        }
        let code = std::rc::Rc::new(if as_running {
            crate::interp::translate::translate_with_sites(module, def)?
        } else {
            crate::interp::translate::translate_for_resume(module, def)?
        });
        self.0.insert((def, as_running), code.clone());
        Ok(code)
    }
}

/// Where an interpreter frame is: its op and slots, whether it is the innermost frame and whether
/// that is at a check.
struct Position {
    ip: *const super::Op,
    fp: *const u64,
    innermost: bool,
    at_check: bool,
}

/// What identifies a function's interpreter code: its length and op kinds (the tags of `Instr`;
/// operands that are addresses are left out).
fn fingerprint(f: &InterpFunc) -> Vec<u32> {
    f.code
        .iter()
        .map(|op| {
            // SAFETY: `Instr` is `#[repr(C, u32)]`: its first four bytes are the tag, always
            // initialized.
            unsafe { *(&raw const op.instr).cast::<u32>() }
        })
        .collect()
}
