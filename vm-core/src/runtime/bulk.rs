//! Fuel for bulk work. An instruction that fills or copies many bytes or elements at once
//! (`memory.fill`, `memory.copy`, `memory.init`, the table and array bulk instructions) costs
//! one unit of fuel like any other, plus one for every [`BYTES_PER_FUEL`] bytes it writes, charged
//! after its bounds check and before the work, in both tiers alike (both call the runtime here).
//! So a guest with little fuel cannot `memset` gigabytes, and a deadline is looked at before a
//! long operation starts. A long `memory.fill`, `memory.copy`, `table.fill` or `table.copy` also
//! looks at the deadline and the interrupt flag between chunks of [`BULK_CHUNK`] bytes ([`in_chunks`]), so that a guest past
//! its deadline stops within one chunk's time (a few milliseconds), not after gigabytes.

use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// Bytes of bulk work per unit of fuel.
pub(crate) const BYTES_PER_FUEL: u64 = 64;

/// Bytes a long bulk operation does between two looks at the deadline and the interrupt flag.
pub(crate) const BULK_CHUNK: u64 = 16 << 20;

/// Runs `work(offset, n)` over `0..len` in chunks of at most [`BULK_CHUNK`] bytes, ascending or
/// (`backwards`, for a copy to a higher overlapping range) descending, and stops before a chunk
/// when the guest must stop: the trap's code, the trap left for [`meter_trap`]. What was done
/// stays done (the guest is being stopped, as at any other check).
///
/// # Safety
/// As [`charge`]: `inst` is live with its store, and no reference to the store's meter is live.
pub(crate) unsafe fn in_chunks(
    inst: *const InstanceData,
    len: u64,
    backwards: bool,
    mut work: impl FnMut(u64, u64),
) -> Result<(), TrapCode> {
    let chunks = len.div_ceil(BULK_CHUNK);
    for i in 0..chunks {
        let k = if backwards { chunks - 1 - i } else { i };
        if i > 0 {
            // SAFETY: the store is live and its meter not otherwise referenced (contract).
            let store = unsafe { &mut *(*inst).vmctx.store };
            if let Some(trap) = store.meter.stop() {
                let code = trap.code();
                store.meter_trap = Some(trap);
                return Err(code);
            }
        }
        let at = k * BULK_CHUNK;
        work(at, BULK_CHUNK.min(len - at));
    }
    Ok(())
}

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
