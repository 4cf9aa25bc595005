//! A run's execution state, as WebAssembly sees it, and a run started again from it: mid-run
//! checkpoints.
//!
//! The state names each frame by its function and the byte offset of the instruction it is at —
//! a call, or for the innermost frame perhaps the fuel or interrupt check of a loop header or of
//! the function's entry — with the values of its locals and of its whole operand stack there, in
//! the slot form (`vm::slots`). Nothing in it depends on how this Silo translates or compiles code:
//! `deopt::capture` takes it out of interpreted and native frames alike, and `resume` writes it
//! into frames of the function's interpreter code as the `Interpreter` strategy translates it,
//! whose translator records where each operand lives at each call op and check
//! (`InterpFunc::sites`), then drives the run from there: the call op that called the host
//! function, which calls it again, or the op after the check.
//!
//! A state from a file is untrusted. Resuming checks every frame (a defined function; a call or
//! check at that offset; exactly as many values as the frame has there; a next frame whose
//! function returns what its caller's call op expects) before anything is written. References are codes
//! (`frame_values`): each becomes the instance's function or an object of the heap image made in
//! the store, checked against the exact type the validator gives its slot
//! (`translate::site_types`), so no slot holds an address or object its code does not expect. The
//! runs of modules of the exceptions proposal are refused (`portable_values`).

use std::ptr;

use super::frame_values::values_in;
use super::{Cx, Frame, InterpFunc, drive, exhausted};
use crate::heap_image::{HeapCapture, HeapObjects};
use crate::instance::InstanceData;
use crate::interp::code::Site;
use crate::interp::isa::Instr;
use crate::store::StoreOpaque;
use crate::trap::Trap;
use crate::vm::{StackValue, slots::slot_width};
use silo_loader::ValType;

/// One frame of a run stopped at a host call or a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecFrame {
    /// The function's index in its module (a defined function).
    pub func_index: u32,
    /// Byte offset in the module of where the frame is: the call instruction it made (the
    /// innermost frame: the host call it is about to make), or the checked `loop` (the body's
    /// first byte for the entry's check).
    pub offset: u32,
    /// Its locals, then its operand stack there, bottom first, in the slot form: for a call its
    /// arguments too, and on top the table index of `call_indirect`.
    pub values: Vec<u64>,
}

/// A run stopped at a host call or a check, as WebAssembly sees it (see the module
/// documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecState {
    /// The frames, the function the run entered first, the innermost last.
    pub frames: Vec<ExecFrame>,
    /// Whether the innermost frame is at a check rather than a host call.
    pub at_check: bool,
}

/// Refuses the run of an instance of a module whose runs cannot be taken out (`portable_values`;
/// checked once per module).
pub(super) fn portable_only(inst: &InstanceData) -> Result<(), String> {
    let module = &inst.module.inner;
    module
        .values_are_portable
        .get_or_init(|| crate::portable_values::check_values_are_portable(&module.info))
        .clone()
}

/// Each of a frame's values at `site` of `code` (its locals, then its operands) by the type the
/// code gives it: where its first slot is among the values, and the type.
pub(super) fn typed_values(code: &InterpFunc, site: &Site) -> Vec<(usize, ValType)> {
    let types = code.local_types.iter().chain(site.stack.iter().map(|s| &s.ty));
    types
        .scan(0, |at, &ty| {
            let here = *at;
            *at += slot_width(ty);
            Some((here, ty))
        })
        .collect()
}

/// The site of `code` at `offset`: a check when `check`, a call op otherwise.
pub(super) fn site_at(code: &InterpFunc, offset: u32, check: bool) -> Option<&Site> {
    code.sites.iter().find(|s| s.offset == offset && s.check == check)
}

/// The state of the run that is out in a host function or the check hook now.
///
/// # Safety
/// `store` points to the live store, and is called from inside a host function or check hook
/// that a run of it called (nothing of the store is borrowed while this reads the runs, frames,
/// records and stacks).
pub(crate) unsafe fn capture(
    store: *const StoreOpaque,
    heap: &mut HeapCapture,
) -> Result<ExecState, String> {
    // SAFETY: the innermost run's context is live while its host call or check hook runs (it
    // unlinks itself only when it ends), and so is every run it links to (contract).
    unsafe {
        let cx: *const Cx = (*store).exec.innermost;
        if cx.is_null() {
            return Err("no WebAssembly code is running".into());
        }
        let cx = &*cx;
        portable_only(&*cx.inst)?;
        super::deopt::capture(store, cx, heap)
    }
}

/// One frame of a state, checked and laid out: its code, where its slots start, the op it goes
/// on at.
struct Placed {
    code: std::rc::Rc<InterpFunc>,
    fp: usize,
    pc: usize,
    /// For a frame below another, the results its call expects (canonical types).
    expects: Vec<ValType>,
}

/// Lays `state` out as interpreter frames of `inst`'s module: each frame's code (translated as
/// the `Interpreter` strategy does, its sites recorded), its slots from the first frame's start,
/// and all the slots. Every frame is checked (see the module documentation).
fn place(
    store: &StoreOpaque,
    inst: &InstanceData,
    state: &ExecState,
    objects: &HeapObjects,
) -> Result<(Vec<Placed>, Vec<u64>), String> {
    let module = &inst.module.inner;
    let info = &module.info;
    let imported = info.num_imported.funcs;
    let last = state.frames.len().checked_sub(1).ok_or("the state has no frame")?;
    let mut placed: Vec<Placed> = Vec::with_capacity(state.frames.len());
    let mut codes = super::deopt::Codes::default();
    let mut slots: Vec<u64> = Vec::new();
    let mut fp = 0usize;
    for (i, f) in state.frames.iter().enumerate() {
        let def = f
            .func_index
            .checked_sub(imported)
            .filter(|&d| d < info.num_defined_funcs())
            .ok_or_else(|| {
                format!("frame {i} names function {}, not one of the module's own", f.func_index)
            })?;
        if let Some(caller) = placed.last() {
            check_callee(inst, store, caller, f.func_index, i)?;
        }
        let code = codes.get(module, def, false).map_err(|e| format!("frame {i}: {e}"))?;
        let innermost = i == last;
        let check = innermost && state.at_check;
        let site = site_at(&code, f.offset, check).ok_or_else(|| {
            format!(
                "frame {i}: function {} has no {} at byte offset {:#x}{}",
                f.func_index,
                if check { "check" } else { "call" },
                f.offset,
                if check { " (an engine without fuel or interrupt checks has none)" } else { "" }
            )
        })?;
        let widths: Vec<usize> = site.stack.iter().map(|s| slot_width(s.ty)).collect();
        let num_locals = code.num_locals as usize;
        let want = num_locals + widths.iter().sum::<usize>();
        if f.values.len() != want {
            return Err(format!(
                "frame {i} holds {} values, its function has {want} there",
                f.values.len()
            ));
        }
        let size = code.frame_size as usize;
        if slots.len() < fp + size {
            slots.resize(fp + size, 0);
        }
        // The values by type: a 32-bit one is the low half of its slot (native code leaves the
        // high half as it was), zero-extended as the interpreter keeps it; a reference is a code,
        // made the instance's function or the image's object, checked against the slot's type.
        let mut values = f.values.clone();
        values_in(store, inst, (&code, site, !innermost), &mut values, objects)
            .map_err(|e| format!("frame {i}: {e}"))?;
        let frame = &mut slots[fp..fp + size];
        let pool = num_locals..num_locals + code.consts.len();
        frame.get_mut(pool).ok_or("constants past the frame")?.copy_from_slice(&code.consts);
        frame
            .get_mut(..num_locals)
            .ok_or("locals past the frame")?
            .copy_from_slice(&values[..num_locals]);
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
        let op = code.code.get(pc).map(|op| op.instr);
        let (resume_at, base) = match (op, innermost) {
            (Some(Instr::Check { .. }), true) => (pc + 1, None),
            (
                Some(
                    Instr::CallImported { base, .. }
                    | Instr::CallIndirect { base, .. }
                    | Instr::CallRef { base, .. }
                    | Instr::ReturnCallRef { base, .. }
                    | Instr::ReturnCallImported { base, .. }
                    | Instr::ReturnCallIndirect { base, .. },
                ),
                true,
            ) => (pc, Some(base)),
            (Some(Instr::CallInternal { base, .. } | Instr::CallRef { base, .. }), false) => {
                (pc + 1, Some(base))
            }
            // The table index follows in an extension word.
            (Some(Instr::CallIndirect { base, .. }), false) => (pc + 2, Some(base)),
            _ => {
                return Err(format!(
                    "frame {i}: function {} cannot go on at byte offset {:#x}{}",
                    f.func_index,
                    f.offset,
                    if innermost { " (not a call of the host)" } else { " (no call to a caller)" }
                ));
            }
        };
        let expects = if innermost { Vec::new() } else { call_results(inst, &code, site)? };
        placed.push(Placed { code, fp, pc: resume_at, expects });
        if let Some(base) = base {
            fp += base as usize;
        }
    }
    Ok((placed, slots))
}

/// The results (canonical types) the call op at `site` of `code` expects from its callee: of the
/// function a direct call names, of the type of an indirect call, of the function type of the
/// reference a `call_ref` takes (its exact type at the site).
fn call_results(
    inst: &InstanceData,
    code: &InterpFunc,
    site: &Site,
) -> Result<Vec<ValType>, String> {
    let info = &inst.module.inner.info;
    let type_ids = &inst.module.inner.type_ids;
    let sig = match code.code.get(site.pc as usize).map(|op| op.instr) {
        Some(Instr::CallInternal { func, .. }) => info.func_sig(func + info.num_imported.funcs),
        Some(Instr::CallIndirect { ty, .. }) => info.func_type(ty),
        Some(Instr::CallRef { .. }) => match site.stack.last().map(|s| s.ty) {
            Some(ValType::Ref(silo_loader::RefType {
                heap: silo_loader::HeapType::Concrete(t) | silo_loader::HeapType::Exact(t),
                ..
            })) => info.func_type(t),
            _ => None,
        },
        _ => None,
    };
    let sig = sig.ok_or("a frame below another is not at a call of a function")?;
    Ok(sig.results.iter().map(|&t| crate::registry::canonical_val(t, type_ids)).collect())
}

/// Checks that function `callee` (frame `i`) can be what the call op `caller` goes on after
/// waits for: its results are of the types that call expects. (Its own function, or, after tail
/// calls, any function whose results fit: the frame's values are checked by their own types.)
fn check_callee(
    inst: &InstanceData,
    store: &StoreOpaque,
    caller: &Placed,
    callee: u32,
    i: usize,
) -> Result<(), String> {
    let info = &inst.module.inner.info;
    let type_ids = &inst.module.inner.type_ids;
    let registry = &store.engine.inner.registry;
    let fits = info.func_sig(callee).is_some_and(|sig| {
        sig.results.len() == caller.expects.len()
            && sig.results.iter().zip(&caller.expects).all(|(&have, &want)| {
                registry.val_is_subtype(crate::registry::canonical_val(have, type_ids), want)
            })
    });
    if fits {
        Ok(())
    } else {
        Err(format!("frame {i}'s function {callee} does not return what its caller's call expects"))
    }
}

/// Runs `state` again in `inst` from where it was taken, until its first frame returns; leaves
/// that function's results in `out`. Every part of the state is checked first (see the module
/// documentation); a state that does not fit is an error and nothing runs. The frames run the
/// interpreter code of their functions (whatever the engine's strategy; the calls they make run
/// as the engine runs any call).
///
/// # Safety
/// `store` must point to the whole live store, lent exclusively for the call; `inst` is a live
/// instance of it; `out` is at least as long as the first frame's function's results (in slots).
pub(crate) unsafe fn resume(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    state: &ExecState,
    objects: &HeapObjects,
    out: &mut Vec<u64>,
) -> Result<(), Trap> {
    let bad = |why: String| Trap::host(format!("cannot resume the guest: {why}"));
    // SAFETY: `inst` is live (contract); it is only read.
    let instance = unsafe { &*inst };
    // Only then is every value of every frame one `place` can check against its type (see the
    // module documentation): the soundness of what follows rests on it.
    portable_only(instance).map_err(bad)?;
    // SAFETY: the store is live (contract); it is only read while the frames are placed.
    let (placed, slots) = place(unsafe { &*store }, instance, state, objects).map_err(bad)?;
    let last = placed.len() - 1;
    out.resize(out.len().max(placed[0].code.num_results as usize), 0);
    // SAFETY: `store` is the whole live store, ours alone for the call (contract), so `stack` is
    // the only reference into it until the run starts. `need` (the state's slots above the
    // current top) is checked against the value stack's length and the frame count against the
    // depth limit before anything is written, so the slots are copied inside the value stack and
    // the frames into the frame array; every frame's op index is inside its code and its
    // `frame_size` slots inside the copied ones (`place`), and its code is kept in `placed`
    // until the run ends. Every slot holds a number or a reference of its type (checked by
    // `place`), so the run invariants hold for the registers set up here; nothing allocates
    // between `place` reading the objects' references and the run starting, so they are current.
    let cx = unsafe {
        let stack = &mut (*store).exec;
        stack.ensure_allocated()?;
        let base = stack.top;
        let need = base + slots.len();
        let depth = stack.depth + last;
        if need > stack.slots_len || depth > stack.depth_limit {
            let d = stack.depth;
            return Err(exhausted(&mut *store, d));
        }
        let entry_fp = stack.slots.add(base);
        ptr::copy_nonoverlapping(slots.as_ptr(), entry_fp, slots.len());
        let at = |p: &Placed| (p.code.code.as_ptr().add(p.pc), entry_fp.add(p.fp));
        for (i, p) in placed.iter().enumerate().take(last) {
            let (ip, fp) = at(p);
            let func: *const InterpFunc = &*p.code;
            stack.frames.add(stack.depth + i).write(Frame { func, ip, fp, inst });
        }
        stack.top = need;
        let (ip, fp) = at(&placed[last]);
        Cx::entering(store, stack, &*placed[last].code, inst, depth, ip, fp)
    };
    // SAFETY: the context was set up as `drive` requires (above), for the store lent to us; the
    // frames' code outlives the run, which ends before `placed` drops.
    let result = unsafe { drive(store, cx, out) };
    drop(placed);
    result
}
