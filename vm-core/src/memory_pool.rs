//! Reused memory reservations: the pooling half of instantiation. A memory reserves the address
//! space it may grow into (a guarded 32-bit memory its whole 4 GiB index space plus a guard, an
//! unguarded one its maximum): reserving is an `mmap`, and releasing an `munmap` whose page-table
//! teardown over the whole range was the largest single cost of starting and dropping a small
//! guest. An engine keeps the reservations its stores release (up to a bound) and hands them to
//! the next memories it creates.
//!
//! A kept reservation stays as its memory left it: its first `accessible` bytes readable and
//! writable, the rest inaccessible, and possibly a module's data image (`MemoryImage`) mapped
//! copy-on-write over its start. Releasing it discards what the guest wrote with one
//! `madvise(MADV_DONTNEED)` over the accessible bytes: anonymous pages read as zero again and
//! the image's pages as the image again, without changing a mapping or a protection. Taking it
//! for a memory of the same size and image then costs nothing more; otherwise only what differs
//! is redone (the protection of the bytes past the new length, the image replaced). Either way a
//! memory made from a kept reservation is indistinguishable from one made from a new
//! reservation: the same bytes readable, the same contents, everything past its length
//! inaccessible.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::memory_image::MemoryImage;

/// How many released reservations an engine keeps for reuse (mostly address space: a kept
/// reservation holds no memory of its own, only page tables and the image's shared pages).
pub(crate) const KEPT_RESERVATIONS: usize = 256;

/// An image mapped over the first bytes of a reservation: which one, and how many bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MappedImage {
    /// The image's [`MemoryImage::id`].
    pub id: u64,
    /// Its length in bytes, from the start of the reservation.
    pub len: usize,
}

impl MappedImage {
    pub(crate) fn of(image: &MemoryImage) -> MappedImage {
        MappedImage { id: image.id(), len: image.len() }
    }
}

/// A reservation handed to a new memory: its first `len` bytes (as asked) readable and writable,
/// zero or the image's, the rest inaccessible.
pub(crate) struct Prepared {
    pub reservation: region::Allocation,
    /// The image now mapped over its start, if any.
    pub image: Option<MappedImage>,
}

/// The reservations an engine keeps for reuse, by size.
pub(crate) struct ReservationPool {
    free: Mutex<Kept>,
}

/// The kept reservations by size, and how many there are in all.
#[derive(Default)]
struct Kept {
    by_size: HashMap<usize, Vec<Slot>>,
    count: usize,
}

/// A released reservation that nothing refers to, reset as the module documentation says.
struct Slot {
    reservation: region::Allocation,
    /// How many of its first bytes are readable and writable.
    accessible: usize,
    /// The image mapped over its start, if any.
    image: Option<MappedImage>,
}

// SAFETY: a kept reservation is an address range owned by the pool alone, with no pointer into
// it held anywhere (its memory was dropped); moving its ownership to another thread (the engine
// is shared between threads) lets that thread only map it again or release it.
unsafe impl Send for Slot {}

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

    /// A kept reservation of `size` bytes, prepared for a memory of `len` bytes that starts as
    /// `image` (zero without one), if there is one: preferably one already in that state.
    pub fn take(&self, size: usize, len: usize, image: Option<&MemoryImage>) -> Option<Prepared> {
        let want = image.map(MappedImage::of);
        // Protections go by host pages: a memory of smaller pages has its last host page whole.
        let len = len.checked_next_multiple_of(region::page::size())?;
        let mut slot = {
            let mut kept = self.free.lock().unwrap_or_else(|e| e.into_inner());
            let slots = kept.by_size.get_mut(&size)?;
            let ready = slots.iter().rposition(|s| s.image == want && s.accessible == len);
            let same_image = || slots.iter().rposition(|s| s.image == want);
            let at = ready.or_else(same_image).or(slots.len().checked_sub(1))?;
            let slot = slots.swap_remove(at);
            kept.count -= 1;
            slot
        };
        // A reservation that cannot be prepared is released for good (its drop unmaps it).
        prepare(&mut slot, len, image).ok()?;
        Some(Prepared { reservation: slot.reservation, image: slot.image })
    }

    /// Takes back `reservation`, whose first `accessible` bytes were readable and writable and
    /// started as `image` (if any): what was written there is discarded. Released for good
    /// instead when the pool is full or the reset fails.
    pub fn give(
        &self,
        reservation: region::Allocation,
        accessible: usize,
        image: Option<MappedImage>,
    ) {
        // As `take`: the accessible bytes are whole host pages.
        let Some(accessible) = accessible.checked_next_multiple_of(region::page::size()) else {
            return;
        };
        let mut slot = Slot { reservation, accessible, image };
        if slot.accessible > slot.reservation.len() || !reset(&mut slot) {
            return;
        }
        let mut kept = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if kept.count >= KEPT_RESERVATIONS {
            return;
        }
        kept.count += 1;
        kept.by_size.entry(slot.reservation.len()).or_default().push(slot);
    }
}

/// Discards what was written to the slot's accessible bytes: anonymous pages become zero again,
/// an image's pages the image's again.
#[cfg(target_os = "linux")]
fn reset(slot: &mut Slot) -> bool {
    use rustix::mm::{Advice, madvise};
    if slot.accessible == 0 {
        return true;
    }
    let base: *mut u8 = slot.reservation.as_mut_ptr();
    // SAFETY: `base..base + accessible` lies inside the reservation (checked by `give`), which
    // the memory that owned it has released (it is being dropped: no code of its store runs and
    // no slice of it is alive). `MADV_DONTNEED` drops the pages' private copies; the mappings and
    // their protections stay.
    unsafe { madvise(base.cast(), slot.accessible, Advice::LinuxDontNeed) }.is_ok()
}

/// Without Linux's `MADV_DONTNEED` semantics, the accessible bytes are replaced with fresh
/// inaccessible zero pages.
#[cfg(not(target_os = "linux"))]
fn reset(slot: &mut Slot) -> bool {
    let accessible = slot.accessible;
    slot.accessible = 0;
    slot.image = None;
    remap_zero(&slot.reservation, accessible, false).is_ok()
}

/// Makes the slot's first `len` bytes readable and writable and the rest inaccessible, with
/// `image` mapped over the start (zero pages without one).
fn prepare(slot: &mut Slot, len: usize, image: Option<&MemoryImage>) -> rustix::io::Result<()> {
    let want = image.map(MappedImage::of);
    if want.is_some_and(|w| w.len > len) || len > slot.reservation.len() {
        return Err(rustix::io::Errno::INVAL);
    }
    if let Some(old) = slot.image.filter(|&old| Some(old) != want) {
        // Another image (no longer wanted): zero pages over it, as accessible as it was.
        remap_zero(&slot.reservation, old.len, true)?;
        slot.image = None;
    }
    let base: *const u8 = slot.reservation.as_ptr();
    if slot.accessible != len {
        let (from, to, access) = if slot.accessible < len {
            (slot.accessible, len, region::Protection::READ_WRITE)
        } else {
            (len, slot.accessible, region::Protection::NONE)
        };
        // SAFETY: `from..to` lies inside the reservation (`len` and `accessible` are at most its
        // length), which the pool owns alone; the bytes past `len` were reset by `give` (no
        // guest data in them), and changing protections affects nothing outside the range.
        unsafe { region::protect(base.add(from), to - from, access) }
            .map_err(|_| rustix::io::Errno::NOMEM)?;
        slot.accessible = len;
    }
    if let Some(image) = image.filter(|_| slot.image != want) {
        // SAFETY: the image's length is at most `len` (checked above), so its range lies in the
        // reservation's first, accessible bytes; the pool owns the reservation alone. On failure
        // the caller drops the slot, unmapping the whole reservation.
        unsafe { image.map_over(base.cast_mut(), image.len()) }?;
        slot.image = want;
    }
    Ok(())
}

/// Replaces the first `len` bytes of `reservation` with fresh zero pages, readable and writable
/// or inaccessible.
fn remap_zero(
    reservation: &region::Allocation,
    len: usize,
    accessible: bool,
) -> rustix::io::Result<()> {
    use rustix::mm::{MapFlags, ProtFlags, mmap_anonymous};
    if len == 0 {
        return Ok(());
    }
    let base: *const u8 = reservation.as_ptr();
    let prot = if accessible { ProtFlags::READ | ProtFlags::WRITE } else { ProtFlags::empty() };
    // SAFETY: `base..base + len` lies inside the reservation (callers keep `len` at most its
    // length), which the pool owns alone (no memory uses it, no slice of it is alive).
    // `MAP_FIXED` replaces just those pages, whatever they were, with a new private anonymous
    // mapping; the allocation still covers the range and unmaps it with the rest when dropped.
    unsafe {
        mmap_anonymous(base.cast_mut().cast(), len, prot, MapFlags::PRIVATE | MapFlags::FIXED)
    }
    .map(|_| ())
}
