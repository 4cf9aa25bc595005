//! Linear memories.
//!
//! A memory reserves its whole possible size in virtual memory up front (for a 32-bit memory at
//! most 4 GiB) and commits pages as it grows, so its base address normally never moves. A 64-bit
//! memory without a small maximum reserves a window and moves to a larger one if it outgrows it
//! (on Linux the kernel moves its pages, `mremap`: no byte is copied and untouched pages stay
//! untouched); every tier reloads the base after `memory.grow` and after calls.
//!
//! When the engine runs native code, a 32-bit memory reserves its whole index space (4 GiB) plus
//! a guard region whatever its maximum, all of it inaccessible past the current size: any address
//! plus a static offset up to the guard's size lands inside the reservation, so native code needs
//! no bounds check and an access out of bounds faults, which the native tier turns into the trap.

use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use silo_loader::MemoryType;

use crate::shared_memory::SharedState;

use crate::error::Error;
use crate::memory_image::MemoryImage;
use crate::memory_pool::{MappedImage, ReservationPool};
use crate::store::{AsContext, AsContextMut, StoreId};

/// The most a 64-bit memory reserves before it has to grow into a new reservation.
const MEMORY64_WINDOW: u64 = 8 << 30;

/// A linear memory as the store holds it. `base` and `len` come first: compiled code reads them
/// at fixed offsets.
#[repr(C)]
pub(crate) struct MemoryEntity {
    /// First byte of the memory.
    pub base: *mut u8,
    /// Current size in bytes. Atomic because a shared memory grows while other threads read
    /// it (compiled code reads it with a plain load, which is atomic at this width); for any
    /// other memory the loads and stores are plain ones.
    pub(crate) len: AtomicUsize,
    pub ty: MemoryType,
    /// Largest size in pages the memory may grow to.
    pub max_pages: u64,
    /// The reserved address range; `None` for a memory that can never hold a byte.
    reservation: Option<region::Allocation>,
    /// Where the reservation goes back when the memory is dropped, for the next memory to reuse.
    pool: Option<Arc<ReservationPool>>,
    /// The image mapped copy-on-write over the memory's first bytes, if any (the rest, and all
    /// of them without one, are anonymous pages): the pool resets a released reservation by it.
    image: Option<MappedImage>,
    /// What a shared memory's threads share besides the bytes: the lock growth takes and the
    /// queues of `memory.atomic.wait`. `None` for a memory that is not shared.
    pub(crate) shared: Option<SharedState>,
}

fn reserve(bytes: usize) -> Result<region::Allocation, Error> {
    region::alloc(bytes, region::Protection::NONE)
        .map_err(|e| Error::Limit(format!("cannot reserve {bytes} bytes for a linear memory: {e}")))
}

/// Makes `[from, to)` of the reservation readable and writable.
fn commit(reservation: &region::Allocation, from: usize, to: usize) -> Result<(), Error> {
    if to <= from {
        return Ok(());
    }
    let base: *const u8 = reservation.as_ptr();
    // SAFETY: `from..to` lies inside the reservation (callers keep `to <= reservation.len()`), which
    // this memory owns; changing its protection cannot affect memory outside it.
    unsafe {
        region::protect(base.add(from), to - from, region::Protection::READ_WRITE)
            .map_err(|e| Error::Limit(format!("cannot commit linear memory: {e}")))
    }
}

/// Moves the first `committed` bytes of `old` (committed, readable and writable) to the start
/// of `new` without copying them: the kernel moves the pages (Linux `mremap`), so pages the
/// guest never touched stay untouched and a grown memory costs no copy of its old length. The
/// rest of `old` is released. Gives `old` back, unchanged, when the pages cannot be moved.
#[cfg(target_os = "linux")]
fn move_pages(
    old: region::Allocation,
    committed: usize,
    new: &mut region::Allocation,
) -> Result<(), region::Allocation> {
    use rustix::mm::{MremapFlags, mremap_fixed, munmap};
    if committed == 0 {
        return Ok(());
    }
    let from = old.as_ptr::<u8>() as *mut std::ffi::c_void;
    let to = new.as_mut_ptr::<u8>() as *mut std::ffi::c_void;
    // SAFETY: `from..from + committed` is mapped and owned by `old` and `to..to + committed` by
    // `new` (it is at least that long); `MREMAP_FIXED` replaces `new`'s first pages with the
    // moved ones, and nothing else maps or reads either range meanwhile (the memory is borrowed
    // mutably). On failure nothing changed.
    let moved = unsafe { mremap_fixed(from, committed, committed, MremapFlags::MAYMOVE, to) };
    if moved.is_err() {
        return Err(old);
    }
    let rest = old.len() - committed;
    if rest > 0 {
        // SAFETY: the tail of `old` past the moved pages is still mapped and owned by `old`,
        // which is forgotten below: nothing will unmap it again.
        let _ = unsafe { munmap(from.cast::<u8>().add(committed).cast(), rest) };
    }
    // Its whole range is unmapped now (moved or released): its drop must not unmap it again,
    // as another mapping may have taken the addresses meanwhile.
    std::mem::forget(old);
    Ok(())
}

/// Without `mremap`, pages are copied (see the Linux version).
#[cfg(not(target_os = "linux"))]
fn move_pages(
    old: region::Allocation,
    _committed: usize,
    _new: &mut region::Allocation,
) -> Result<(), region::Allocation> {
    Err(old)
}

/// Maps `image` over the start of a new `reservation`, readable and writable; when the image
/// cannot be mapped those bytes are fresh zero pages, readable and writable, and nothing is
/// mapped (an error only when even that fails).
fn map_fresh(
    reservation: &region::Allocation,
    image: &MemoryImage,
) -> Result<Option<MappedImage>, Error> {
    let base: *const u8 = reservation.as_ptr();
    // SAFETY: the reservation is new, owned by the memory being made and used by nothing yet;
    // its first `image.len()` bytes (page-aligned: the caller's initial size) lie inside it.
    let mapped = unsafe { image.map_over(base.cast_mut(), image.len()) };
    if mapped.is_ok() {
        return Ok(Some(MappedImage::of(image)));
    }
    // SAFETY: as above; the range (perhaps unmapped by a failed `MAP_FIXED`) gets fresh
    // readable and writable zero pages, as committed ones are.
    unsafe {
        rustix::mm::mmap_anonymous(
            base.cast_mut().cast(),
            image.len(),
            rustix::mm::ProtFlags::READ | rustix::mm::ProtFlags::WRITE,
            rustix::mm::MapFlags::PRIVATE | rustix::mm::MapFlags::FIXED,
        )
    }
    .map(|_| None)
    .map_err(|e| Error::Limit(format!("cannot commit linear memory: {e}")))
}

impl MemoryEntity {
    /// A memory of type `ty`; with `guard`, a 32-bit memory reserves its whole index space and
    /// that many bytes of guard beyond it (see the module documentation).
    pub fn new(ty: MemoryType, guard: Option<u64>) -> Result<MemoryEntity, Error> {
        MemoryEntity::new_pooled(ty, guard, None, None)
    }

    /// As [`MemoryEntity::new`], taking its reservation from `pool` when it has one of the size
    /// needed and giving it back there when dropped (not for shared memories, which other threads
    /// may still reach). With `image` (at least the memory's initial size, at most its maximum,
    /// whole pages), the memory starts at the image's size, and as the image, mapped
    /// copy-on-write, when it can: [`MemoryEntity::image`] says whether it did (otherwise it
    /// starts zero, and the caller writes the contents).
    pub fn new_pooled(
        ty: MemoryType,
        guard: Option<u64>,
        pool: Option<&Arc<ReservationPool>>,
        image: Option<&MemoryImage>,
    ) -> Result<MemoryEntity, Error> {
        let pool = pool.filter(|_| !ty.shared);
        let page = ty.page_size();
        // The index type bounds how many pages are addressable at all.
        let addressable = if ty.index64 { u64::MAX / page } else { (1u64 << 32) / page };
        let max_pages = ty.maximum.unwrap_or(addressable).min(addressable);
        let initial =
            ty.initial.checked_mul(page).filter(|&b| b <= isize::MAX as u64).ok_or_else(|| {
                Error::Limit(format!("memory of {} pages is too large", ty.initial))
            })?;
        let max_bytes = max_pages.saturating_mul(page);
        // An image at least as large as the initial size (and whole pages, within the maximum)
        // is the memory's starting contents and size.
        let image = image.filter(|i| {
            let len = i.len() as u64;
            !ty.shared && len >= initial && len <= max_bytes && len.is_multiple_of(page)
        });
        let initial = image.map_or(initial, |i| i.len() as u64);
        let reserve_bytes = match guard {
            // A shared memory never moves (other threads hold its base): it reserves its
            // maximum, which the type must declare.
            _ if ty.index64 && ty.shared => max_bytes,
            _ if ty.index64 => max_bytes.min(MEMORY64_WINDOW.max(initial)),
            Some(guard) => (1u64 << 32).saturating_add(guard),
            None => max_bytes,
        };
        if ty.shared && ty.maximum.is_none() {
            return Err(Error::Limit("a shared memory must declare its maximum size".into()));
        }
        let reserve_bytes = usize::try_from(reserve_bytes).map_err(|_| {
            Error::Limit(format!("memory of {max_pages} pages is too large to reserve"))
        })?;
        let mut entity = MemoryEntity {
            base: NonNull::dangling().as_ptr(),
            len: AtomicUsize::new(0),
            ty,
            max_pages,
            reservation: None,
            pool: pool.cloned(),
            image: None,
            shared: ty.shared.then(SharedState::default),
        };
        if reserve_bytes > 0 {
            let initial = initial as usize;
            let kept = pool.and_then(|p| p.take(reserve_bytes, initial, image));
            let mut reservation = match kept {
                Some(kept) => {
                    entity.image = kept.image;
                    kept.reservation
                }
                None => {
                    let reservation = reserve(reserve_bytes)?;
                    match image {
                        // The image's pages are the initial ones, readable and writable.
                        Some(image) => entity.image = map_fresh(&reservation, image)?,
                        None => commit(&reservation, 0, initial)?,
                    }
                    reservation
                }
            };
            entity.base = reservation.as_mut_ptr();
            entity.reservation = Some(reservation);
        }
        *entity.len.get_mut() = initial as usize;
        Ok(entity)
    }

    /// The image the memory's first bytes are mapped from, if any.
    pub(crate) fn image(&self) -> Option<MappedImage> {
        self.image
    }

    /// Records which image is now mapped over the memory's first bytes.
    pub(crate) fn set_image(&mut self, image: Option<MappedImage>) {
        self.image = image;
    }

    /// Current size in bytes. For a shared memory, a growth by another thread is seen once it
    /// is complete (its pages are committed before the new size is published).
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Whether the memory is shared between threads.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// The address of byte `offset` (at most the length).
    pub fn ptr_at(&self, offset: usize) -> *mut u8 {
        self.base.wrapping_add(offset)
    }

    pub fn page_size(&self) -> u64 {
        self.ty.page_size()
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.len() as u64 / self.page_size()
    }

    /// Grows a shared memory by `delta` pages, as `grow`: under the memory's growth lock, the
    /// pages committed before the new size is published, and the base never moving (a shared
    /// memory reserved its maximum), so threads running meanwhile keep valid pointers.
    pub fn grow_shared(&self, delta: u64) -> Option<u64> {
        let state = self.shared.as_ref()?;
        let _growing = state.grow_lock.lock().unwrap_or_else(|e| e.into_inner());
        let old_len = self.len();
        let old = old_len as u64 / self.page_size();
        let new = old.checked_add(delta).filter(|&n| n <= self.max_pages)?;
        let new_len = new.checked_mul(self.page_size()).filter(|&b| b <= isize::MAX as u64)?;
        let new_len = new_len as usize;
        if new_len > old_len {
            let reservation = self.reservation.as_ref()?;
            if new_len > reservation.len() {
                return None;
            }
            commit(reservation, old_len, new_len).ok()?;
            self.len.store(new_len, Ordering::Release);
        }
        Some(old)
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` (leaving the memory as it
    /// was) when the maximum would be exceeded or the system refuses.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        if self.is_shared() {
            return self.grow_shared(delta);
        }
        let old = self.pages();
        let new = old.checked_add(delta).filter(|&n| n <= self.max_pages)?;
        if delta == 0 {
            return Some(old);
        }
        let new_len = new.checked_mul(self.page_size()).filter(|&b| b <= isize::MAX as u64)?;
        let new_len = new_len as usize;
        let reserved = self.reservation.as_ref().map_or(0, |r| r.len());
        if new_len > reserved {
            // Only a 64-bit memory can outgrow its reservation: move to a larger one.
            let want = (new_len as u64)
                .max(reserved as u64 * 2)
                .min(self.max_pages.saturating_mul(self.page_size()));
            let mut bigger = reserve(want as usize).ok()?;
            let old = self.reservation.take()?;
            let len = self.len();
            match move_pages(old, len, &mut bigger) {
                Ok(()) => {}
                Err(old) => {
                    if commit(&bigger, 0, len).is_err() {
                        // The memory stays as it was.
                        self.reservation = Some(old);
                        return None;
                    }
                    let dst: *mut u8 = bigger.as_mut_ptr();
                    // SAFETY: both ranges are committed for at least `len` bytes and belong to
                    // two different reservations, so they cannot overlap.
                    unsafe { std::ptr::copy_nonoverlapping(self.base, dst, len) };
                    drop(old);
                    // The copy is anonymous memory; moved pages keep their image mapping.
                    self.image = None;
                }
            }
            // The old bytes live in `bigger` now, whatever happens next.
            self.base = bigger.as_mut_ptr();
            let committed = commit(&bigger, len, new_len);
            self.reservation = Some(bigger);
            committed.ok()?;
        } else {
            let reservation = self.reservation.as_ref()?;
            commit(reservation, self.len(), new_len).ok()?;
        }
        *self.len.get_mut() = new_len;
        Some(old)
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `base..base + len` is committed, readable and owned by this memory (`new` and
        // `grow` keep it so; `base` is dangling but non-null while `len` is 0), and `len` is at
        // most `isize::MAX`; the borrow of `self` keeps the memory from growing (and moving)
        // while the slice lives, and writes to the bytes go through `&mut self` or a running call
        // that has the store lent exclusively, so none happen meanwhile.
        unsafe { std::slice::from_raw_parts(self.base, self.len()) }
    }

    #[cfg(test)]
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: `base..base + len` is committed, writable and owned by this memory (`new` and
        // `grow` keep it so; `base` is non-null), and `len` is at most `isize::MAX`; the exclusive
        // borrow of `self` keeps anything else from reaching the bytes or moving them while the
        // slice lives.
        unsafe { std::slice::from_raw_parts_mut(self.base, self.len()) }
    }
}

impl Drop for MemoryEntity {
    fn drop(&mut self) {
        if let (Some(pool), Some(reservation)) = (self.pool.take(), self.reservation.take()) {
            pool.give(reservation, self.len(), self.image);
        }
    }
}

/// A linear memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: StoreId,
    pub(crate) ptr: NonNull<MemoryEntity>,
}

// SAFETY: a handle: its pointer is only dereferenced together with the store it belongs to (checked
// by id), under that store's borrow, so sending it to another thread gives that thread nothing it
// can reach without the store.
unsafe impl Send for Memory {}
// SAFETY: a `&Memory` only lets other threads copy the handle; reaching the memory takes a borrow
// of its store, as for `Send`.
unsafe impl Sync for Memory {}

impl Memory {
    /// Creates a memory in the store.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        if ty.shared {
            let ptr = opaque.new_shared_memory(ty)?;
            // SAFETY: the store just attached the shared memory, which keeps it alive.
            opaque.usage.memory_created(unsafe { ptr.as_ref() }.len() as u64)?;
            return Ok(Memory { store: opaque.id, ptr });
        }
        let entity = MemoryEntity::new_pooled(
            ty,
            opaque.engine.config().memory_guard(),
            Some(&opaque.engine.inner.reservations),
            None,
        )?;
        opaque.usage.memory_created(entity.len() as u64)?;
        let ptr = opaque.memories.alloc(entity);
        Ok(Memory { store: opaque.id, ptr })
    }

    fn entity<'a, C: AsContext + 'a>(&self, store: &'a C) -> &'a MemoryEntity {
        self.store.assert_same(store.as_context().opaque().id);
        // SAFETY: the memory belongs to this store (checked above), which owns it in its arena
        // and keeps it at this address while it lives; the shared borrow of the store for `'a`
        // keeps anything from writing it meanwhile.
        unsafe { self.ptr.as_ref() }
    }

    /// The bytes of the memory behind `ptr`, a memory of a store borrowed exclusively for `'a`.
    ///
    /// # Safety
    /// `ptr` is a memory of a store that is borrowed exclusively for `'a`.
    unsafe fn bytes_of<'a>(ptr: NonNull<MemoryEntity>) -> &'a mut [u8] {
        // SAFETY: the memory is alive and in place while its store is (this function's
        // contract); only a shared reference to the entity is made, since a shared memory's is
        // also other threads'.
        let m = unsafe { ptr.as_ref() };
        // SAFETY: `base..base + len` is committed and writable (`MemoryEntity::new`, `grow`), and
        // the store's exclusive borrow keeps everything of this store from reaching it or growing
        // it for `'a`. A shared memory's bytes are also the other threads' of the guest, which may
        // write them meanwhile; the host reads and writes them as it would any memory another
        // process shares with it (plain bytes, no invariant to break), and the guest decides what
        // its threads do with the memory it hands the host.
        unsafe { std::slice::from_raw_parts_mut(m.base, m.len()) }
    }

    /// The memory's type (its initial size is the one it was created with).
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        self.entity(&store).ty
    }

    /// Current size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store).pages()
    }

    /// Current size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.entity(&store).len()
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: impl Into<crate::store::StoreContext<'a, T>>) -> &'a [u8] {
        let ctx = store.into();
        self.store.assert_same(ctx.opaque().id);
        // SAFETY: the memory belongs to this store (checked above), which keeps it alive and in
        // place; the store is borrowed (shared) for `'a`, so nothing writes the memory while the
        // returned bytes live.
        unsafe { self.ptr.as_ref() }.bytes()
    }

    /// The memory's bytes, mutably.
    pub fn data_mut<'a, T: 'a>(
        &self,
        store: impl Into<crate::store::StoreContextMut<'a, T>>,
    ) -> &'a mut [u8] {
        let ctx = store.into();
        self.store.assert_same(ctx.opaque().id);
        // SAFETY: the memory belongs to this store (checked above), borrowed exclusively for `'a`.
        unsafe { Memory::bytes_of(self.ptr) }
    }

    /// The memory's bytes and the store's host data, both mutably: a host function reads its
    /// arguments from guest memory while updating its own state.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: impl Into<crate::store::StoreContextMut<'a, T>>,
    ) -> (&'a mut [u8], &'a mut T) {
        let ctx = store.into();
        self.store.assert_same(ctx.opaque().id);
        // SAFETY: the memory belongs to this store (checked above), borrowed exclusively for
        // `'a`. The bytes live in their own mapping, apart from the host data, so the two borrows
        // do not overlap.
        (unsafe { Memory::bytes_of(self.ptr) }, &mut ctx.0.data)
    }

    /// Grows the memory by `delta` pages and returns the previous size in pages.
    /// The store's quotas apply (`Store::set_limits`).
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64, Error> {
        let mut ctx = store.as_context_mut();
        self.store.assert_same(ctx.opaque().id);
        let refused = || Error::Limit(format!("failed to grow memory by {delta} pages"));
        // SAFETY: the memory belongs to this store (checked above), which keeps it alive and in
        // place, and the store is borrowed exclusively here, so nothing else of it reaches the
        // memory; the entity is apart from the usage record.
        unsafe { ctx.opaque_mut().usage.grow_memory(self.ptr.as_ptr(), delta) }?.ok_or_else(refused)
    }

    /// Copies bytes out of the memory, or fails if the range is out of bounds.
    pub fn read(&self, store: impl AsContext, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let bytes = self.entity(&store).bytes();
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| bytes.get(offset..end))
            .ok_or_else(|| Error::Limit("out of bounds memory access".into()))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    /// Copies bytes into the memory, or fails if the range is out of bounds.
    pub fn write(
        &self,
        mut store: impl AsContextMut,
        offset: usize,
        data: &[u8],
    ) -> Result<(), Error> {
        let ctx = store.as_context_mut();
        self.store.assert_same(ctx.opaque().id);
        // SAFETY: the memory belongs to this store (checked above), borrowed exclusively here.
        let bytes = unsafe { Memory::bytes_of(self.ptr) };
        let dst = offset
            .checked_add(data.len())
            .and_then(|end| bytes.get_mut(offset..end))
            .ok_or_else(|| Error::Limit("out of bounds memory access".into()))?;
        dst.copy_from_slice(data);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(initial: u64, maximum: Option<u64>, index64: bool) -> MemoryType {
        MemoryType { index64, shared: false, initial, maximum, page_size_log2: None }
    }

    #[test]
    fn grows_within_its_maximum() {
        let mut m = MemoryEntity::new(ty(1, Some(3), false), None).unwrap();
        assert_eq!(m.len(), 65536);
        let base = m.base;
        assert_eq!(m.grow(2), Some(1));
        assert_eq!(m.pages(), 3);
        assert_eq!(m.grow(1), None);
        assert_eq!(m.base, base, "a 32-bit memory never moves");
        m.bytes_mut()[3 * 65536 - 1] = 7;
        assert_eq!(m.bytes()[3 * 65536 - 1], 7);
    }

    #[test]
    fn guarded_memory_reserves_index_space_and_guard() {
        let m = MemoryEntity::new(ty(1, Some(1), false), Some(1 << 31)).unwrap();
        assert_eq!(m.len(), 65536);
        let reserved = m.reservation.as_ref().map(|r| r.len()).unwrap_or(0) as u64;
        assert!(reserved >= (1 << 32) + (1 << 31), "reserved {reserved}");
        let empty = MemoryEntity::new(ty(0, Some(0), false), Some(1 << 31)).unwrap();
        assert!(empty.reservation.is_some(), "native code addresses even an empty memory");
    }

    #[test]
    fn empty_memory_has_no_bytes() {
        let mut m = MemoryEntity::new(ty(0, Some(0), false), None).unwrap();
        assert_eq!(m.bytes().len(), 0);
        assert_eq!(m.grow(0), Some(0));
        assert_eq!(m.grow(1), None);
    }

    #[test]
    fn memory64_outgrows_its_window_and_keeps_its_bytes() {
        let mut m = MemoryEntity::new(ty(1, None, true), None).unwrap();
        m.bytes_mut()[100] = 42;
        let window_pages = MEMORY64_WINDOW / 65536;
        assert_eq!(m.grow(window_pages), Some(1));
        assert_eq!(m.bytes()[100], 42);
        assert_eq!(m.pages(), window_pages + 1);
        let last = m.len() - 1;
        m.bytes_mut()[last] = 7;
        assert_eq!(m.grow(window_pages), Some(window_pages + 1));
        assert_eq!((m.bytes()[100], m.bytes()[last]), (42, 7));
    }

    /// Growing past the window moves the pages instead of copying them: the process's resident
    /// memory grows by the pages touched, not by the memory's old length.
    #[cfg(target_os = "linux")]
    #[test]
    fn memory64_growth_past_the_window_copies_nothing() {
        fn resident_bytes() -> u64 {
            let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
            statm.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 4096
        }
        let mut m = MemoryEntity::new(ty(1, None, true), None).unwrap();
        let window_pages = MEMORY64_WINDOW / 65536;
        // 8 GiB in one step, then 8 more: a copy would touch 8 GiB.
        assert_eq!(m.grow(window_pages - 1), Some(1));
        m.bytes_mut()[5] = 1;
        let before = resident_bytes();
        assert_eq!(m.grow(window_pages), Some(window_pages));
        assert_eq!(m.bytes()[5], 1);
        let grew = resident_bytes().saturating_sub(before);
        assert!(grew < 256 << 20, "resident memory grew by {grew} bytes");
    }
}
