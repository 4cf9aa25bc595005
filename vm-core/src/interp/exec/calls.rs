//! The parts of calls that do not depend on the dispatch: host calls and `call_indirect`
//! resolution. Out of line, so the handlers that use them stay small and end in a clean tail call.

use std::ptr::NonNull;

use super::{Cx, Op, fail, mem_regs, slow, trap};
use crate::func::{FuncEntity, HostFunc};
use crate::interp::isa::Slot;
use crate::trap::TrapCode;

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
        let n = host.ty.params.len().max(host.ty.results.len());
        let args = fp.add(base as usize);
        if args.add(n) > (*cx).stack_end {
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
        match slow::indirect_target((*cx).store, (*cx).inst, table, ty, index) {
            Ok(target) => target,
            Err(t) => {
                fail(ip, fp, cx, t);
                std::ptr::null()
            }
        }
    }
}
