//! Calls both tiers make through the runtime: the resolution of `call_indirect` (with its detailed
//! traps and subtyping), and the entry that runs any function — a host function directly, a
//! WebAssembly one in the interpreter, which goes on into native code where it has some.

use std::ptr::NonNull;

use super::memory::index_of;
use super::table::table;
use crate::func::{FuncEntity, FuncKind};
use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// Calls `func` with the arguments in `slots` and leaves its results there (`slots` is laid out
/// as `vm::slots` says). `caller` is the instance making the call, if any: a host function sees
/// it as its caller.
///
/// # Safety
/// - `store` must point to the whole, live store (with provenance over all of it) that owns
///   `func`, lent exclusively for the call: no reference into it is live while the call runs.
/// - `func` must point to a live function entity of that store, and `caller`, if any, to a live
///   instance of it.
/// - `slots` must be at least as long as the larger of `func`'s parameter and result lists,
///   counted in slots.
pub(crate) unsafe fn invoke(
    store: *mut StoreOpaque,
    caller: Option<NonNull<InstanceData>>,
    func: *const FuncEntity,
    slots: &mut [u64],
) -> Result<(), Trap> {
    // SAFETY: `func` is a live function entity of the store (this function's contract), so its
    // `kind` may be read; a WebAssembly function's `instance` is a live instance of the same store
    // and `def_index` a defined-function index of its module. `store`, `caller` and `slots` are as
    // both `call_host` and `exec::run` require (contract).
    unsafe {
        match &(*func).kind {
            FuncKind::Host(h) => call_host(store, caller, h, slots),
            FuncKind::Wasm { instance, def_index, .. } => {
                crate::interp::exec::run(store, instance.as_ptr(), *def_index, slots)
            }
        }
    }
}

/// Runs host function `host` with the arguments in `slots` (its results come back there). The
/// handles made during the call — for its arguments, and any the host makes — are the call's: they
/// read as null once it returns (the results are back in `slots` as raw values by then), so a
/// guest handing the host objects does not keep them alive.
///
/// # Safety
/// `HostFunc::call`'s contract: `store` is the whole live store, lent exclusively for the call,
/// `caller` a live instance of it if any, and `slots` long enough for `host`'s signature.
pub(crate) unsafe fn call_host(
    store: *mut StoreOpaque,
    caller: Option<NonNull<InstanceData>>,
    host: &crate::func::HostFunc,
    slots: &mut [u64],
) -> Result<(), Trap> {
    // SAFETY: the store is live and lent to this call (contract); its host roots are read and
    // truncated only before and after the host function runs, with no borrow of them held.
    unsafe {
        if (*store).host_call_hook.is_some() {
            run_hook(store, caller)?;
        }
        let scope = (*store).gc.host_roots.len();
        (*store).host_calls += 1;
        let result = (host.call)(store, caller, slots);
        (*store).host_calls -= 1;
        (*store).gc.host_roots.truncate(scope);
        result
    }
}

/// Runs the store's host-call hook (out while it runs, so that it may use the store).
///
/// # Safety
/// As `call_host`'s.
#[cold]
unsafe fn run_hook(
    store: *mut StoreOpaque,
    caller: Option<NonNull<InstanceData>>,
) -> Result<(), Trap> {
    // SAFETY: the store is live and lent to this call (contract); the hook is taken out of it
    // before it runs, so it gets the store with no borrow of its own box held.
    unsafe {
        let Some(mut hook) = (*store).host_call_hook.take() else { return Ok(()) };
        let result = hook(store, caller);
        if (*store).host_call_hook.is_none() {
            (*store).host_call_hook = Some(hook);
        }
        result
    }
}

/// The function `call_indirect` reaches through table `t` at `index`, checked against module type
/// `ty`.
///
/// # Safety
/// `store` points to the live store that owns `inst`, and its engine is not being written during
/// the call; `inst` is live (see `super::table`); `t` is a table index and `ty` a type index of
/// its module (validated). The table holds function references: null or live function entities
/// of the store (validation types `call_indirect`'s table as a function table).
pub(crate) unsafe fn indirect_target(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    t: u32,
    ty: u32,
    index: u64,
) -> Result<*const FuncEntity, Trap> {
    // SAFETY: `inst` is live and `t` one of its tables (this function's contract); the instance
    // is only read, and the table entity is a separate allocation, so the references do not
    // overlap.
    let (i, t) = unsafe { (&*inst, table(inst, t)) };
    let index = index_of(t.ty.index64, index);
    let raw = usize::try_from(index)
        .ok()
        .and_then(|n| t.elements().get(n).copied())
        .ok_or_else(|| Trap::detailed(TrapCode::UndefinedElement, index))?;
    let target = raw as *const FuncEntity;
    if target.is_null() {
        return Err(Trap::detailed(TrapCode::UninitializedElement, index));
    }
    let want = i.module.inner.type_ids[ty as usize];
    // SAFETY: `target` is a non-null entry of a function table, so a live function entity of the
    // store (this function's contract).
    let have = unsafe { (*target).sig };
    // SAFETY: `store` is live and its engine not being written (this function's contract); the
    // registry is only read.
    if have != want && !unsafe { &(*store).engine }.inner.registry.is_subtype(have, want) {
        return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
    }
    Ok(target)
}
