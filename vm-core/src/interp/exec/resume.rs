//! A run's execution state taken out at a host call or a fuel/interrupt check, and a run started
//! again from it: the interpreter half of mid-run checkpoints.
//!
//! While a run is out in a host function, all of its WebAssembly state is off the host stack:
//! the saved frames `entry_depth..depth` in the store's frame array, the current frame (`Cx::func`
//! at `at_ip`, slots at `at_fp`), and the slots of every frame in the value stack. `capture` copies
//! that out as numbers — each frame's function, op index and where its slots start, and the slots
//! from the entry frame's start — and `resume` writes it back into a store's stacks and drives the
//! run from the same op: the call op that called the host function, which calls it again (or, at
//! a check, the op after it: a check in a loop header or function entry, for a guest that computes
//! without calling the host; see `Store::on_check`). The
//! frames are positions in interpreter code, so resuming needs the same code: a fingerprint of
//! the functions on the stack is checked (the same Silo, and the settings that shape the code:
//! fuel metering, tiering).
//!
//! A state from a file is untrusted. Resuming checks every frame (a defined function, an op index
//! inside its code, slots inside the state) before anything is written; the slots are plain
//! numbers to the handlers only in a module whose functions never hold a reference in their values
//! (`numeric_values`: no op of such a module reads an address from a slot), so both refuse the
//! run of any other module.

use std::hash::{Hash, Hasher};
use std::ptr;

use super::{Cx, Frame, InterpFunc, compiled, drive, exhausted};
use crate::instance::InstanceData;
use crate::interp::isa::Instr;
use crate::store::StoreOpaque;
use crate::trap::Trap;

/// One frame of a run stopped at a host call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecFrame {
    /// The function's index in its module (a defined function).
    pub func_index: u32,
    /// The interpreter op it goes on at: for the innermost frame, the call op that called the
    /// host function; for the others, the op their call returns to.
    pub pc: u32,
    /// Where its slots start, counted from the start of the run's first frame.
    pub fp: u32,
}

/// A run of the interpreter stopped at a host call, as numbers (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecState {
    /// The frames, the function the run entered first, the one calling the host last.
    pub frames: Vec<ExecFrame>,
    /// The slots of every frame, from the first frame's start.
    pub slots: Vec<u64>,
    /// The fingerprint of the interpreter code of the functions on the stack.
    pub code_fingerprint: u64,
}

/// The fingerprint of `funcs`' interpreter code: each function's index, length and op kinds
/// (the tags of `Instr`, stable within one build; operands that are addresses are left out).
pub(super) fn fingerprint<'a>(funcs: impl Iterator<Item = &'a InterpFunc>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in funcs {
        f.func_index.hash(&mut h);
        f.code.len().hash(&mut h);
        for op in f.code.iter() {
            // SAFETY: `Instr` is `#[repr(C, u32)]`: its first four bytes are the tag, always
            // initialized.
            let tag = unsafe { *(&raw const op.instr).cast::<u32>() };
            tag.hash(&mut h);
        }
    }
    h.finish()
}

/// Refuses the run of an instance whose module's functions may hold references in their slots
/// (`numeric_values`; checked once per module).
fn numbers_only(inst: &InstanceData) -> Result<(), String> {
    let module = &inst.module.inner;
    module
        .values_are_numbers
        .get_or_init(|| crate::numeric_values::check_values_are_numbers(&module.info))
        .clone()
}

/// Whether a run stopped in `f` can go on at op `pc`: an op that can call a host function, or
/// the op after a fuel or interrupt check.
fn resumable_at(f: &InterpFunc, pc: usize) -> bool {
    let op = |i: usize| f.code.get(i).map(|op| op.instr);
    let calls_out = matches!(
        op(pc),
        Some(
            Instr::CallImported { .. }
                | Instr::CallIndirect { .. }
                | Instr::ReturnCallImported { .. }
                | Instr::ReturnCallIndirect { .. }
        )
    );
    let after_check =
        pc > 0 && pc < f.code.len() && matches!(op(pc - 1), Some(Instr::Check { .. }));
    calls_out || after_check
}

/// The state of the run that is out in a host function now, taken out as numbers.
///
/// # Safety
/// `store` points to the live store, and is called from inside a host function that a run of it
/// called (nothing of the store is borrowed while this reads the run's context and stacks).
pub(crate) unsafe fn capture(store: *const StoreOpaque) -> Result<ExecState, String> {
    // SAFETY: the innermost run's context is live while its host call runs (it unlinks itself only
    // when it ends), its saved frames `entry_depth..depth` are initialized frames of the store's
    // array, naming code of live instances, and every frame's slots lie in the value stack, all
    // of which this only reads (contract).
    unsafe {
        let cx: *const Cx = (*store).exec.innermost;
        if cx.is_null() {
            return Err("no WebAssembly code is running".into());
        }
        let cx = &*cx;
        numbers_only(&*cx.inst)?;
        let module = &(*cx.inst).module.inner;
        let strategy = module.engine.config().effective_strategy();
        if strategy != crate::engine::Strategy::Interpreter {
            // Native code may run, or have run (frames it calls into): its frames' records say
            // where, and frames of tiered code are put into the interpreter's own (contract,
            // passed on).
            return super::deopt::capture(store, cx);
        }
        if !cx.outer.is_null() {
            return Err("the guest is in a call from the host back into WebAssembly".into());
        }
        if !(cx.in_host || cx.at_check) || cx.at_ip.is_null() {
            return Err("the guest is not in a host call or at a check its interpreter code made \
                        (native code is running)"
                .into());
        }
        // At a host call the run goes on with the call op, which calls again; at a check, with
        // the op after it (the check has charged its fuel).
        let at = if cx.at_check { cx.at_ip.add(1) } else { cx.at_ip };
        let mut raw: Vec<Frame> = (cx.entry_depth..cx.depth).map(|d| *cx.frames.add(d)).collect();
        raw.push(Frame { func: cx.func, ip: at, fp: cx.at_fp, inst: cx.inst });
        let entry_fp = raw[0].fp;
        let mut frames = Vec::with_capacity(raw.len());
        let mut end = 0usize;
        for f in &raw {
            if f.inst != cx.inst {
                return Err("the guest's stack crosses instances".into());
            }
            let code = &*f.func;
            let pc = f.ip.offset_from(code.code.as_ptr());
            let fp = f.fp.offset_from(entry_fp);
            let (Ok(pc), Ok(fp)) = (u32::try_from(pc), u32::try_from(fp)) else {
                return Err("a frame of the guest's stack is not where it should be".into());
            };
            if code.code.first().is_some_and(|op| matches!(op.instr, Instr::CallNative { .. })) {
                return Err("a function on the guest's stack runs as native code".into());
            }
            end = end.max(fp as usize + code.frame_size as usize);
            frames.push(ExecFrame { func_index: code.func_index, pc, fp });
        }
        let last = raw.last().expect("the current frame");
        if !resumable_at(&*last.func, frames.last().expect("the current frame").pc as usize) {
            return Err("the guest is not at a call op or after a check".into());
        }
        let top = (*store).exec.slots.add((*store).exec.top);
        end = end.max(top.offset_from(entry_fp).max(0) as usize);
        let slots = std::slice::from_raw_parts(entry_fp, end).to_vec();
        let code_fingerprint = fingerprint(raw.iter().map(|f| &*f.func));
        Ok(ExecState { frames, slots, code_fingerprint })
    }
}

/// Runs `state` again in `inst` from where it was taken, until its first frame returns; leaves
/// that function's results in `out`. Every part of the state is checked first (see the module
/// documentation); a state that does not fit is an error and nothing runs.
///
/// # Safety
/// `store` must point to the whole live store, lent exclusively for the call; `inst` is a live
/// instance of it; `out` is at least as long as the first frame's function's results (in slots).
pub(crate) unsafe fn resume(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    state: &ExecState,
    out: &mut Vec<u64>,
) -> Result<(), Trap> {
    let bad = |why: String| Trap::host(format!("cannot resume the guest: {why}"));
    if state.frames.is_empty() {
        return Err(bad("the state has no frame".into()));
    }
    // SAFETY: `inst` is live (contract); the module is only read.
    let module = unsafe { &(*inst).module.inner };
    // Only then is every slot a number to every op the run can reach (see the module
    // documentation): the soundness of what follows rests on it.
    // SAFETY: as above.
    numbers_only(unsafe { &*inst }).map_err(bad)?;
    let imported = module.info.num_imported.funcs;
    // Under the `Jit` strategy the interpreter's code of a function is its native stub, and
    // under `Tiered` it counts hotness: the frames of the state get interpreter code of their
    // own, translated as under the interpreter, kept until the run ends (their calls go on into
    // native or tiered code).
    let native =
        module.engine.config().effective_strategy() != crate::engine::Strategy::Interpreter;
    let mut owned: Vec<Box<InterpFunc>> = Vec::new();
    let mut codes = Vec::with_capacity(state.frames.len());
    for (i, f) in state.frames.iter().enumerate() {
        let def = f
            .func_index
            .checked_sub(imported)
            .filter(|&d| d < module.info.num_defined_funcs())
            .ok_or_else(|| {
                bad(format!(
                    "frame {i} names function {}, not one of the module's own",
                    f.func_index
                ))
            })?;
        let code: &InterpFunc = if native {
            let code = crate::interp::translate::translate_for_resume(module, def)
                .map_err(|e| bad(format!("frame {i}: {e}")))?;
            owned.push(Box::new(code));
            let code: *const InterpFunc = &**owned.last().expect("just pushed");
            // SAFETY: the box is kept in `owned` until the run ends and never moves or changes.
            unsafe { &*code }
        } else {
            // SAFETY: `inst` is live and `def` a defined-function index of its module; the
            // store is the whole live store, lent to this call (contract).
            unsafe { &*compiled(store, inst, def)? }
        };
        if f.pc as usize >= code.code.len() {
            return Err(bad(format!("frame {i} is at op {}, past its function's end", f.pc)));
        }
        let end = u64::from(f.fp) + u64::from(code.frame_size);
        if end > state.slots.len() as u64 {
            return Err(bad(format!("frame {i}'s slots run past the state's")));
        }
        codes.push(code);
    }
    if fingerprint(codes.iter().copied()) != state.code_fingerprint {
        return Err(bad("its code differs from this interpreter's (another Silo, or other \
                        settings: fuel metering, the engine)"
            .into()));
    }
    let last = codes.len() - 1;
    if !resumable_at(codes[last], state.frames[last].pc as usize) {
        return Err(bad("the innermost frame is not at a call op or after a check".into()));
    }
    out.resize(out.len().max(codes[0].num_results as usize), 0);
    // SAFETY: `store` is the whole live store, ours alone for the call (contract), so `stack` is
    // the only reference into it until the run starts. `need` (the state's slots above the
    // current top) is checked against the value stack's length and the frame count against the
    // depth limit before anything is written, so the slots are copied inside the value stack and
    // the frames into the frame array; every frame's op index is inside its code and its
    // `frame_size` slots inside the copied ones (checked above), and every code is of `inst`'s
    // module, which the live instance keeps alive. The slots are numbers to every handler (see
    // the module documentation), so the run invariants hold for the registers set up here.
    let cx = unsafe {
        let stack = &mut (*store).exec;
        stack.ensure_allocated()?;
        let base = stack.top;
        let need = base + state.slots.len();
        let depth = stack.depth + last;
        if need > stack.slots_len || depth > stack.depth_limit {
            let d = stack.depth;
            return Err(exhausted(&mut *store, d));
        }
        let entry_fp = stack.slots.add(base);
        ptr::copy_nonoverlapping(state.slots.as_ptr(), entry_fp, state.slots.len());
        let at = |i: usize| {
            let f = &state.frames[i];
            (codes[i].code.as_ptr().add(f.pc as usize), entry_fp.add(f.fp as usize))
        };
        for (i, &func) in codes.iter().enumerate().take(last) {
            let (ip, fp) = at(i);
            stack.frames.add(stack.depth + i).write(Frame { func, ip, fp, inst });
        }
        stack.top = need;
        let (ip, fp) = at(last);
        Cx::entering(store, stack, codes[last], inst, depth, ip, fp)
    };
    // SAFETY: the context was set up as `drive` requires (above), for the store lent to us;
    // the frames' own code (under `Jit`) outlives the run, which ends before `owned` drops.
    let result = unsafe { drive(store, cx, out) };
    drop(owned);
    result
}
