//! Reused memory reservations. A memory reserves the address space it may grow into (a guarded
//! 32-bit memory its whole 4 GiB index space plus a guard, an unguarded one its maximum): reserving
//! is a `mmap`, and releasing an `munmap` whose page-table teardown over the whole range was the
//! largest single cost of starting and dropping a small guest. An engine
//! keeps the reservations its stores release (up to a bound) and hands them to the next memories
//! it creates: the pages a memory committed are reset to fresh, inaccessible zero pages when it is
//! released (one `mmap` over just that range), so a reused reservation is indistinguishable from a
//! new one.

use std::collections::HashMap;
use std::sync::Mutex;

/// How many released reservations an engine keeps for reuse (address space only: a kept
/// reservation holds no memory).
pub(crate) const KEPT_RESERVATIONS: usize = 256;

/// The reservations an engine keeps for reuse, by size.
pub(crate) struct ReservationPool {
    free: Mutex<Kept>,
}

/// The kept reservations by size, and how many there are in all.
#[derive(Default)]
struct Kept {
    by_size: HashMap<usize, Vec<Reservation>>,
    count: usize,
}

/// A released reservation: an inaccessible address range that nothing refers to.
struct Reservation(region::Allocation);

// SAFETY: a kept reservation is an address range owned by the pool alone, inaccessible, with no
// pointer into it held anywhere (its memory was dropped); moving its ownership to another thread
// (the engine is shared between threads) lets that thread only map it again or release it.
unsafe impl Send for Reservation {}

impl std::fmt::Debug for ReservationPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.free.lock().map_or(0, |k| k.count);
        f.debug_struct("ReservationPool").field("kept", &kept).finish()
    }
}

impl ReservationPool {
    /// An empty pool.
    pub fn new() -> ReservationPool {
        ReservationPool { free: Mutex::new(Kept::default()) }
    }

    /// A kept reservation of `size` bytes, all inaccessible, if there is one.
    pub fn take(&self, size: usize) -> Option<region::Allocation> {
        let mut kept = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let reservation = kept.by_size.get_mut(&size)?.pop()?;
        kept.count -= 1;
        Some(reservation.0)
    }

    /// Takes back `reservation`, whose first `committed` bytes were accessible: they become fresh
    /// inaccessible zero pages again. Released for good instead when the pool is full or the
    /// reset fails.
    pub fn give(&self, reservation: region::Allocation, committed: usize) {
        let mut kept = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if kept.count >= KEPT_RESERVATIONS || !reset(&reservation, committed) {
            return;
        }
        kept.count += 1;
        kept.by_size.entry(reservation.len()).or_default().push(Reservation(reservation));
    }
}

/// Replaces the first `committed` bytes of `reservation` with fresh inaccessible zero pages.
fn reset(reservation: &region::Allocation, committed: usize) -> bool {
    use rustix::mm::{MapFlags, ProtFlags, mmap_anonymous};
    if committed == 0 {
        return true;
    }
    if committed > reservation.len() {
        return false;
    }
    let base: *const u8 = reservation.as_ptr();
    // SAFETY: `base..base + committed` lies inside the reservation, which the memory that owned it
    // has released (it is being dropped: no code of its store runs and no slice of it is alive).
    // `MAP_FIXED` replaces just those pages, whatever they were (anonymous, or a copy-on-write
    // image), with a new private anonymous mapping that cannot be read or written, exactly as
    // `reserve` leaves a new reservation; the allocation still covers the range and unmaps it
    // with the rest when it is dropped for good.
    unsafe {
        mmap_anonymous(
            base.cast_mut().cast(),
            committed,
            ProtFlags::empty(),
            MapFlags::PRIVATE | MapFlags::FIXED,
        )
    }
    .is_ok()
}
