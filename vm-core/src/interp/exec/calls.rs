//! The parts of calls that do not depend on the dispatch: host calls and `call_indirect`
//! resolution. Out of line, so the handlers that use them stay small and end in a clean tail call.

use std::ptr::NonNull;
use std::sync::atomic::Ordering;

use super::{Cx, Op, backtrace, fail, fits, mem_regs, trap};
use crate::func::{FuncEntity, HostFunc};
use crate::interp::isa::Slot;
use crate::trap::{Trap, TrapCode};

/// Calls a host function with its arguments at `fp + base`; its results land there. On success
/// the memory registers to continue with (the host may have grown memory) are left in the
/// context's `mb` and `ml`; on failure the trap is recorded. Returns whether it succeeded.
///
/// # Safety
/// `ip`, `fp` and `cx` are the live registers and context of a run; `host` is a live function of
/// the run's store.
#[inline(never)]
pub(super) unsafe fn call_host(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    host: *const HostFunc,
    base: Slot,
) -> bool {
    // SAFETY: per the contract. Nothing borrowed from the store lives across the host call: the
    // host gets the store exclusively for its duration.
    unsafe {
        let host = &*host;
        let n = crate::vm::slots::call_slots(&host.ty);
        let args = fp.add(base as usize);
        if !fits(args, n, (*cx).stack_end) {
            trap(ip, fp, cx, TrapCode::StackOverflow);
            return false;
        }
        let store = (*cx).store;
        let inst = (*cx).inst;
        (*store).exec.depth = (*cx).depth;
        (*store).exec.top = args.add(n).offset_from((*cx).slots_base) as usize;
        let args = std::slice::from_raw_parts_mut(args, n);
        match (host.call)(store, NonNull::new(inst.cast_mut()), args) {
            Ok(()) => {
                ((*cx).mb, (*cx).ml) = mem_regs(inst);
                true
            }
            Err(t) => {
                fail(ip, fp, cx, t);
                false
            }
        }
    }
}

/// The function `call_indirect` reaches through `table` at `index`, checked against module type
/// `ty`; or null after recording the trap.
///
/// # Safety
/// As for `call_host`; `table` and `ty` are indices of the current instance's module.
#[inline(never)]
pub(super) unsafe fn indirect_target(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    table: u32,
    ty: u32,
    index: u64,
) -> *const FuncEntity {
    // SAFETY: per the contract.
    unsafe {
        match crate::runtime::call::indirect_target((*cx).store, (*cx).inst, table, ty, index) {
            Ok(target) => target,
            Err(t) => {
                fail(ip, fp, cx, t);
                std::ptr::null()
            }
        }
    }
}

/// The running function got hot (its hotness counter ran out): have it compiled.
///
/// # Safety
/// `cx` is the live context of a run.
#[cold]
#[inline(never)]
pub(super) unsafe fn hot(cx: *mut Cx) {
    // SAFETY: per the contract; the running function belongs to the running instance's module.
    unsafe {
        let module = &(*(*cx).inst).module.inner;
        let def = (*(*cx).func).func_index - module.info.num_imported.funcs;
        // One request is enough; loops in the function keep counting, to be entered natively.
        module.hotness[def as usize].store(LOOP_RETRY, Ordering::Relaxed);
        module.request_tier_up(def);
    }
}

/// How a frame at a hot loop header goes on.
pub(super) enum LoopExit {
    /// In the interpreter.
    Stay,
    /// It ran to its end natively: its results are in the frame; return.
    Returned,
    /// It trapped natively (the trap is recorded).
    Trapped,
}

/// Iterations before a hot loop looks again for its native entry (compiling in the background).
const LOOP_RETRY: u32 = 1000;

/// The running function got hot at the header of the loop at byte `offset`, with an empty operand
/// stack: have the function compiled for its next calls, and continue this call natively from
/// the loop (on-stack replacement) once the function's entry there is compiled.
///
/// # Safety
/// `fp` and `cx` are the live frame and context of a run, at a `LoopHotness` op.
#[cold]
#[inline(never)]
pub(super) unsafe fn hot_loop(fp: *mut u64, cx: *mut Cx, offset: u32) -> LoopExit {
    // SAFETY: per the contract. The native code gets the store exclusively while it runs.
    unsafe {
        let inst = (*cx).inst;
        let module = &(*inst).module.inner;
        let func = &*(*cx).func;
        let def = func.func_index - module.info.num_imported.funcs;
        module.hotness[def as usize].store(LOOP_RETRY, Ordering::Relaxed);
        // The entry first: this very call gains from it.
        let entry = module.loop_entry(def, offset);
        module.request_tier_up(def);
        let (Some(entry), Some(compiler)) = (entry, module.engine.inner.config.compiler.as_ref())
        else {
            return LoopExit::Stay;
        };
        let n = func.num_results as usize;
        let mut slots = vec![0u64; n.max(1)];
        slots[0] = fp as u64;
        match run_native(fp, cx, compiler.as_ref(), entry, slots.as_mut_ptr()) {
            Ok(()) => {
                std::ptr::copy_nonoverlapping(slots.as_ptr(), fp, n);
                LoopExit::Returned
            }
            Err(trap) => {
                fail_under_stub(cx, trap);
                LoopExit::Trapped
            }
        }
    }
}

/// The trap native code raised: its own, or the one a builtin left in the store; with the native
/// frames.
///
/// # Safety
/// `store` is the live store of the run.
unsafe fn native_trap(
    store: *mut crate::store::StoreOpaque,
    native: crate::vm::NativeTrap,
) -> Trap {
    let trap = match native.code {
        Some(code) => Trap::new(code),
        // SAFETY: per the contract; nothing else holds the store now.
        None => unsafe { (*store).pending_trap.take() }
            .unwrap_or_else(|| Trap::host("internal error: native code trapped without a trap")),
    };
    trap.with_backtrace(native.backtrace, native.omitted)
}

/// Runs the native code of defined function `def` of the running instance with the current frame
/// (a native stub's) as its slot array. On failure the trap is recorded, with the native frames
/// followed by the interpreter's callers. Returns whether it succeeded.
///
/// # Safety
/// `ip`, `fp` and `cx` are the live registers and context of a run whose current function is the
/// native stub of `def`.
#[inline(never)]
pub(super) unsafe fn call_native(ip: *const Op, fp: *mut u64, cx: *mut Cx, def: u32) -> bool {
    // SAFETY: per the contract. Nothing borrowed from the store lives across the native call,
    // which gets the store exclusively for its duration.
    unsafe {
        let inst = (*cx).inst;
        let module = &(*inst).module.inner;
        let (Some(func), Some(compiler)) =
            (module.compiled_native(def), module.engine.inner.config.compiler.as_ref())
        else {
            fail(ip, fp, cx, Trap::host("internal error: a native stub without native code"));
            return false;
        };
        match run_native(fp, cx, compiler.as_ref(), func, fp) {
            Ok(()) => true,
            Err(trap) => {
                fail_under_stub(cx, trap);
                false
            }
        }
    }
}

/// Runs native code `func` of the running instance from the current frame at `fp`, with
/// `slots` as its slot array: the store's stacks and call count are left as this run has them,
/// so that what native code calls in turn starts above them. A host panic under native code is
/// resumed here; a trap comes back with its native frames.
///
/// # Safety
/// `fp` and `cx` are the live frame and context of a run; `func` is native code of the running
/// instance's module, compiled by `compiler`; `slots` is large enough for it.
unsafe fn run_native(
    fp: *mut u64,
    cx: *mut Cx,
    compiler: &dyn crate::vm::Compiler,
    func: crate::vm::NativeFunc,
    slots: *mut u64,
) -> Result<(), Trap> {
    // SAFETY: per the contract. Nothing borrowed from the store lives across the native call,
    // which gets the store exclusively for its duration.
    unsafe {
        let store = (*cx).store;
        let frame_end = fp.add((*(*cx).func).frame_size as usize);
        (*store).exec.depth = (*cx).depth;
        (*store).exec.top = frame_end.offset_from((*cx).slots_base) as usize;
        // Native code counts on from the interpreter's calls (the function counts as native code
        // enters it).
        (*store).call_depth.active = (*cx).depth as u64;
        let vmctx = (&raw const (*(*cx).inst).vmctx).cast_mut();
        let result = compiler.call(func, vmctx, vmctx, slots);
        if let Some(panic) = (*store).pending_panic.take() {
            std::panic::resume_unwind(panic);
        }
        result.map_err(|native| native_trap(store, native))
    }
}

/// Ends the run with `trap` raised under the current function, a native stub: the backtrace goes
/// on with the stub's callers (the native frames already name the function itself).
///
/// # Safety
/// `cx` is the live context of a run.
#[cold]
unsafe fn fail_under_stub(cx: *mut Cx, trap: Trap) {
    // SAFETY: per the contract; frames below `depth` were saved by this run's calls.
    unsafe {
        let cx = &mut *cx;
        let trap = if cx.depth > cx.entry_depth {
            let caller = *cx.frames.add(cx.depth - 1);
            let (trace, omitted) = backtrace(cx.frames, cx.entry_depth, cx.depth - 1, caller);
            trap.with_backtrace(trace, omitted)
        } else {
            trap
        };
        cx.trap = Some(trap);
    }
}
