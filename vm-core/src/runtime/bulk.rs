//! Fuel for bulk work. An instruction that fills or copies many bytes or elements at once
//! (`memory.fill`, `memory.copy`, `memory.init`, the table and array bulk instructions) costs
//! one unit of fuel like any other, plus one for every [`BYTES_PER_FUEL`] bytes it writes, charged
//! after its bounds check and before the work, in both tiers alike (both call the runtime here).
//! So a guest with little fuel cannot `memset` gigabytes, and a deadline is looked at before a
//! long operation starts.

use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// Bytes of bulk work per unit of fuel.
pub(crate) const BYTES_PER_FUEL: u64 = 64;

/// Charges the fuel of `bytes` of bulk work to the store of `inst`. On a stop, the code of the
/// trap (the handlers' register-sized result) and the trap itself left for `meter_trap`.
///
/// # Safety
/// `inst` is a live instance whose context is filled in (so its `store` points to the whole
/// live store), and no reference to the store's meter or `meter_trap` is live.
pub(crate) unsafe fn charge(inst: *const InstanceData, bytes: u64) -> Result<(), TrapCode> {
    // SAFETY: the store is live and no reference into it is held (this function's contract), so
    // this exclusive one is the only one while it lives.
    unsafe { charge_store(&mut *(*inst).vmctx.store, bytes) }
}

/// `charge`, given the store.
pub(crate) fn charge_store(store: &mut StoreOpaque, bytes: u64) -> Result<(), TrapCode> {
    let units = bytes / BYTES_PER_FUEL;
    if units == 0 {
        return Ok(());
    }
    store.meter.charge(units).map_err(|trap| {
        let code = trap.code();
        store.meter_trap = Some(trap);
        code
    })
}

/// The trap for `code` from a bulk instruction: the meter's own (naming the quota) when the
/// charge stopped it, else the plain trap.
pub(crate) fn meter_trap(store: &mut StoreOpaque, code: TrapCode) -> Trap {
    match store.meter_trap.take() {
        Some(t) if t.code() == code => t,
        _ => Trap::new(code),
    }
}
