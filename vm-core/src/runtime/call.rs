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
/// as `vm::slots` says, and long enough for both). `caller` is the instance making the call, if
/// any: a host function sees it as its caller.
///
/// # Safety
/// `store` must point to the whole, live store that owns `func`, lent exclusively for the call.
pub(crate) unsafe fn invoke(
    store: *mut StoreOpaque,
    caller: Option<NonNull<InstanceData>>,
    func: *const FuncEntity,
    slots: &mut [u64],
) -> Result<(), Trap> {
    // SAFETY: `func` is a live entity of this store, per the contract; so is its instance.
    unsafe {
        match &(*func).kind {
            FuncKind::Host(h) => (h.call)(store, caller, slots),
            FuncKind::Wasm { instance, def_index, .. } => {
                crate::interp::exec::run(store, instance.as_ptr(), *def_index, slots)
            }
        }
    }
}

/// The function `call_indirect` reaches through table `t` at `index`, checked against module type
/// `ty`.
///
/// # Safety
/// `store` and `inst` are live; `t` is one of the instance's tables and `ty` one of its types.
pub(crate) unsafe fn indirect_target(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    t: u32,
    ty: u32,
    index: u64,
) -> Result<*const FuncEntity, Trap> {
    // SAFETY: per the contract.
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
    // SAFETY: non-null table entries of a funcref table are live function entities.
    let have = unsafe { (*target).sig };
    // SAFETY: the store is live; the registry is only read.
    if have != want && !unsafe { &(*store).engine }.inner.registry.is_subtype(have, want) {
        return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
    }
    Ok(target)
}
