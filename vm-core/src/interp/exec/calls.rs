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
/// `ip`, `fp` and `cx` satisfy the run invariants (see `Handler`); `host` is the host function of
/// a live function entity of the run's store; `fp + base` is inside the frame (where the
/// translator put the call's arguments).
#[inline(never)]
pub(super) unsafe fn call_host(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    host: *const HostFunc,
    base: Slot,
) -> bool {
    // SAFETY: the run invariants hold and `host` is live (this function's contract). The call's
    // `n` slots at `args` (inside the frame) are checked to fit below the value stack's end
    // (`fits`, comparing addresses as integers) before the slice over them is made, so `args + n`
    // is at most the end and `offset_from` measures within the value stack; the slice is the only
    // reference to those slots while the host runs. `cx.store` is the whole store, lent to the
    // run: no reference into it is held across the host call, which gets it exclusively
    // (`host.call` requires exactly that), and `cx.inst` is live for `mem_regs` afterwards.
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
        ((*cx).at_ip, (*cx).at_fp) = (ip, fp);
        (*store).exec.depth = (*cx).depth;
        (*store).exec.top = args.add(n).offset_from((*cx).slots_base) as usize;
        let args = std::slice::from_raw_parts_mut(args, n);
        (*cx).in_host = true;
        let result =
            crate::runtime::call::call_host(store, NonNull::new(inst.cast_mut()), host, args);
        (*cx).in_host = false;
        match result {
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
/// `ty` (whose engine-wide id is `id`); or null after recording the trap. The common case, an
/// element whose type is exactly `ty`, is checked here, inline in the handler.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see `Handler`); `table` is a table index and
/// `ty` a type index of the running instance's module (validated); `id` is `ty`'s id in the
/// engine's registry, or a number that is no type's id. Validation types the table as a table of
/// function references.
#[inline(always)]
pub(super) unsafe fn indirect_target(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    table: u32,
    ty: u32,
    id: u32,
    index: u64,
) -> *const FuncEntity {
    // SAFETY: `cx.inst` is live and `table` one of its tables (this function's contract), so the
    // table entity may be read for the length of this block; a non-null element of a function
    // table is a live function entity of the store, whose `sig` may be read.
    unsafe {
        let t = crate::runtime::table::table((*cx).inst, table);
        let i = crate::runtime::memory::index_of(t.ty.index64, index);
        if let Some(&raw) = usize::try_from(i).ok().and_then(|n| t.elements().get(n)) {
            let target = raw as *const FuncEntity;
            if !target.is_null() && (*target).sig.0 == id {
                return target;
            }
        }
    }
    // SAFETY: as above; the checked path gets the same registers and indices.
    unsafe { indirect_target_checked(ip, fp, cx, table, ty, index) }
}

/// `indirect_target` where the fast path did not match: an error (out of bounds, null, wrong type)
/// or a target whose type is a proper subtype of the expected one.
///
/// # Safety
/// As `indirect_target`.
#[cold]
#[inline(never)]
unsafe fn indirect_target_checked(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    table: u32,
    ty: u32,
    index: u64,
) -> *const FuncEntity {
    // SAFETY: `cx.store` is the whole live store and `cx.inst` a live instance of it, of whose
    // module `table` and `ty` are indices (run invariants and this function's contract), as
    // `runtime::call::indirect_target` requires; `fail` gets the live registers.
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
/// `cx` satisfies the run invariants (see `Handler`).
#[cold]
#[inline(never)]
pub(super) unsafe fn hot(cx: *mut Cx) {
    // SAFETY: `cx.inst` is a live instance and `cx.func` the code of one of its module's defined
    // functions (run invariants, this function's contract), so both may be read, and
    // `func_index` is at least the number of imported functions: `def` indexes `hotness`.
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

/// The running function got hot at the header of the loop at byte `offset`: have the function
/// compiled for its next calls, and continue this call natively from the loop (on-stack
/// replacement) once the function's entry there is compiled.
///
/// # Safety
/// `fp` and `cx` satisfy the run invariants (see `Handler`), at a `LoopHotness` op: the frame
/// holds the locals and, where `InterpFunc::loop_stack` says, the operand stack, which is what the
/// loop entry reads.
#[cold]
#[inline(never)]
pub(super) unsafe fn hot_loop(fp: *mut u64, cx: *mut Cx, offset: u32) -> LoopExit {
    // SAFETY: `cx.inst` is a live instance and `cx.func` the code of one of its module's defined
    // functions (run invariants, this function's contract), so both may be read and `def`
    // indexes the module's functions. The loop entry is native code of that function compiled by
    // the engine's compiler for this code's frames at this loop; its slot array `slots` holds its
    // one argument, the address of the frame whose locals and stack it continues with, and has room
    // for the function's results, as `run_native` requires with the live frame and context. The
    // results are then copied from `slots` to the frame's first `n` slots, which the frame has
    // (`frame_size` counts room for the results), in another allocation.
    unsafe {
        let inst = (*cx).inst;
        let module = &(*inst).module.inner;
        let func = &*(*cx).func;
        let def = func.func_index - module.info.num_imported.funcs;
        module.hotness[def as usize].store(LOOP_RETRY, Ordering::Relaxed);
        // The entry first: it goes before every job waiting (this very call gains from it), and
        // the compiler thread, woken by it, starts on it rather than on the function's own job,
        // which would make the running call wait for two compilations.
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
/// `store` points to the whole live store of the run, and no reference into it is live.
unsafe fn native_trap(
    store: *mut crate::store::StoreOpaque,
    native: crate::vm::NativeTrap,
) -> Trap {
    let trap = match native.code {
        Some(code) => Trap::new(code),
        // SAFETY: `store` is the live store and no reference into it is live (this function's
        // contract): native code has returned, so the `&mut` made for `take` is exclusive.
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
/// `ip`, `fp` and `cx` satisfy the run invariants (see `Handler`), and the current function is
/// the native stub of `def`, a defined function of the running instance's module (so its frame
/// is a slot array for `def`'s parameters and results).
#[inline(never)]
pub(super) unsafe fn call_native(ip: *const Op, fp: *mut u64, cx: *mut Cx, def: u32) -> bool {
    // SAFETY: `cx.inst` is a live instance (run invariants, this function's contract), so its
    // module may be read. Its native code for `def` was compiled by the engine's compiler for
    // that module, and the stub's frame at `fp` is a slot array large enough for `def`
    // (contract), as `run_native` requires; `fail` gets the live registers.
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
/// `fp` and `cx` satisfy the run invariants (see `Handler`); `func` is native code of the running
/// instance's module, compiled by `compiler`; `slots` points to as many writable slots as `func`
/// takes arguments or leaves results in.
unsafe fn run_native(
    fp: *mut u64,
    cx: *mut Cx,
    compiler: &dyn crate::vm::Compiler,
    func: crate::vm::NativeFunc,
    slots: *mut u64,
) -> Result<(), Trap> {
    // SAFETY: the run invariants hold (this function's contract): `cx.store` is the whole live
    // store, lent to the run, with no reference into it held across the native call, which gets
    // it exclusively as `Compiler::call` requires; the frame's `frame_size` slots at `fp` lie
    // inside the value stack, so `frame_end` is at most its end and `offset_from` measures within
    // it; `cx.inst` is live, so its `vmctx` is the context of a live instance whose module `func`
    // was compiled for, with `slots` large enough (contract).
    unsafe {
        let store = (*cx).store;
        let frame_end = fp.add((*(*cx).func).frame_size as usize);
        ((*cx).at_ip, (*cx).at_fp) = ((*(*cx).func).code.as_ptr(), fp);
        (*store).exec.depth = (*cx).depth;
        (*store).exec.top = frame_end.offset_from((*cx).slots_base) as usize;
        // Native code counts on from the interpreter's calls (the function counts as native code
        // enters it).
        (*store).call_depth.active = (*cx).depth as u64;
        let vmctx = (&raw const (*(*cx).inst).vmctx).cast_mut();
        // A new stretch of native frames: the record of the one this run interrupts (if any)
        // stays reachable through `outer` while the call lasts, and is the store's again after.
        let interrupted = std::ptr::read(&raw const (*store).native_exit);
        (*store).native_exit = crate::vm::NativeExit { fp: 0, sp: 0, outer: &interrupted };
        // Its frames' records (`vm::deopt`) start above a boundary of the stretch's own, and
        // the list is the interrupted one's again however the call ends (a trap unwinds past
        // the records' unlinking). Mutable: a tail call in the stretch's first frame marks it.
        let mut boundary = crate::vm::DeoptRecord::boundary((*store).deopt_top);
        (*store).deopt_top = &raw mut boundary;
        let result = compiler.call(func, vmctx, vmctx, slots);
        (*store).deopt_top = boundary.prev;
        (*store).native_exit = interrupted;
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
/// `cx` satisfies the run invariants (see `Handler`).
#[cold]
unsafe fn fail_under_stub(cx: *mut Cx, trap: Trap) {
    // SAFETY: `cx` is the run's context, used by nothing else meanwhile, so the `&mut` is
    // exclusive; `frames[entry_depth..depth]` are the callers this run saved (run invariants,
    // this function's contract), so with `depth > entry_depth`, `frames[depth - 1]` is one of
    // them and `backtrace` gets saved frames only.
    unsafe {
        let cx = &mut *cx;
        if trap.code() == crate::trap::TrapCode::UncaughtException {
            // The native code was the whole current call: the search starts at its caller.
            cx.fault_ip = std::ptr::null();
            cx.trap = Some(trap);
            return;
        }
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
