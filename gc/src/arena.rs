//! The heap's memory: one address-space reservation, committed from its start as the heap
//! grows, and every raw access to it.
//!
//! This is the only module that touches heap memory through pointers; everything above it goes
//! through the bounds-checked methods here, so no offset — garbage or not — reaches outside the
//! committed range. The base never moves (compiled code may keep it). Pages are committed
//! read-write on demand and can be given back to the system (`madvise(MADV_DONTNEED)` on Linux)
//! when a collection leaves them empty; the bytes of an empty page read as zero either way.

use std::ptr;

use crate::error::GcError;

/// The reservation and how much of it is usable.
pub(crate) struct Arena {
    /// Owns the mapping; unmapped on drop.
    reservation: region::Allocation,
    /// `reservation`'s first byte.
    base: *mut u8,
    /// Bytes reserved (a multiple of the page size).
    reserved: usize,
    /// `[0, committed)` is readable and writable (a multiple of the page size, `<= reserved`).
    committed: usize,
}

// SAFETY: the arena exclusively owns its mapping; `base` is only its address, and every access
// through it goes through `&self` (reads) or `&mut self` (writes), so moving the arena to another
// thread cannot race.
unsafe impl Send for Arena {}
// SAFETY: `&Arena` only allows reads of the mapping (no interior mutability), which may happen
// from several threads at once.
unsafe impl Sync for Arena {}

/// A plain integer that can be read from and written to the heap at any alignment.
pub trait Scalar: Copy + sealed::Sealed {}
impl Scalar for u8 {}
impl Scalar for u16 {}
impl Scalar for u32 {}
impl Scalar for u64 {}
impl Scalar for u128 {}
pub(crate) mod sealed {
    pub trait Sealed: Sized {
        /// The value as the bits of a reference, if it is as wide as one (4 bytes): a store of
        /// it into an object may need the write barrier.
        fn ref_bits(self) -> Option<u32>;

        /// Reads a value at `p`.
        ///
        /// # Safety
        /// `p` is valid for reading `size_of::<Self>()` bytes and aligned to that size, or to 8
        /// for a larger value.
        #[inline(always)]
        unsafe fn load_aligned(p: *const u8) -> Self {
            // SAFETY: valid and aligned for `Self` (contract); implementations wider than 8
            // bytes override this.
            unsafe { p.cast::<Self>().read() }
        }

        /// Writes `self` at `p`.
        ///
        /// # Safety
        /// As [`load_aligned`](Self::load_aligned), for writing.
        #[inline(always)]
        unsafe fn store_aligned(self, p: *mut u8) {
            // SAFETY: as in `load_aligned`.
            unsafe { p.cast::<Self>().write(self) }
        }
    }
    impl Sealed for u8 {
        fn ref_bits(self) -> Option<u32> {
            None
        }
    }
    impl Sealed for u16 {
        fn ref_bits(self) -> Option<u32> {
            None
        }
    }
    impl Sealed for u32 {
        fn ref_bits(self) -> Option<u32> {
            Some(self)
        }
    }
    impl Sealed for u64 {
        fn ref_bits(self) -> Option<u32> {
            None
        }
    }
    impl Sealed for u128 {
        fn ref_bits(self) -> Option<u32> {
            None
        }

        // A `u128` needs 16-byte alignment; objects and their fields have 8: two words, which
        // `[u64; 2]` lays out as a `u128` is (the same bytes, in memory order).
        #[inline(always)]
        unsafe fn load_aligned(p: *const u8) -> u128 {
            // SAFETY: 16 readable bytes aligned to 8 (contract); `[u64; 2]` and `u128` have the
            // same size and every bit pattern is valid for both.
            unsafe { std::mem::transmute::<[u64; 2], u128>(p.cast::<[u64; 2]>().read()) }
        }

        #[inline(always)]
        unsafe fn store_aligned(self, p: *mut u8) {
            // SAFETY: as in `load_aligned`, for writing.
            unsafe { p.cast::<[u64; 2]>().write(std::mem::transmute::<u128, [u64; 2]>(self)) }
        }
    }
}

pub(crate) fn page_size() -> usize {
    region::page::size()
}

pub(crate) fn page_up(n: usize) -> usize {
    n.div_ceil(page_size()).saturating_mul(page_size())
}

impl Arena {
    /// Reserves `bytes` (rounded up to pages) of inaccessible address space.
    pub fn new(bytes: usize) -> Result<Arena, GcError> {
        let bytes = page_up(bytes.max(1));
        let mut reservation = region::alloc(bytes, region::Protection::NONE)
            .map_err(|e| GcError::Reserve { bytes: bytes as u64, reason: e.to_string() })?;
        let base = reservation.as_mut_ptr::<u8>();
        let reserved = reservation.len();
        Ok(Arena { reservation, base, reserved, committed: 0 })
    }

    /// First byte of the heap.
    pub fn base(&self) -> *mut u8 {
        self.base
    }

    /// Bytes reserved.
    pub fn reserved(&self) -> usize {
        self.reserved
    }

    /// Bytes readable and writable from the base.
    pub fn committed(&self) -> usize {
        self.committed
    }

    /// Makes at least `[0, bytes)` readable and writable (whole pages; never beyond the
    /// reservation). Newly committed memory reads as zero.
    pub fn commit(&mut self, bytes: usize) -> Result<(), GcError> {
        let to = page_up(bytes).min(self.reserved);
        if to <= self.committed {
            return Ok(());
        }
        debug_assert_eq!(self.reservation.as_ptr::<u8>(), self.base.cast_const());
        // SAFETY: `[committed, to)` lies inside the reservation this arena owns (`to <=
        // reserved`), page-aligned at both ends; changing its protection affects nothing else.
        unsafe {
            region::protect(
                self.base.add(self.committed),
                to - self.committed,
                region::Protection::READ_WRITE,
            )
        }
        .map_err(|e| GcError::Commit(e.to_string()))?;
        self.committed = to;
        Ok(())
    }

    /// Zeroes `[from, to)` (clamped to the committed range) in place, keeping its pages.
    pub fn zero_range(&mut self, from: usize, to: usize) {
        let to = to.min(self.committed);
        if from < to {
            self.zero(from, to - from);
        }
    }

    /// Zeroes `[from, to)` (clamped to the committed range), handing whole pages in it back to
    /// the system where it can, so they stop counting towards the process's resident memory.
    pub fn release(&mut self, from: usize, to: usize) {
        let to = to.min(self.committed);
        if from >= to {
            return;
        }
        let page_start = page_up(from).min(to);
        let page_end = if to == self.committed { to } else { to / page_size() * page_size() };
        let page_end = page_end.max(page_start);
        // Head and tail that are not whole pages: zero them by hand.
        self.zero(from, page_start - from);
        self.zero(page_end, to - page_end);
        if page_end > page_start && !self.discard(page_start, page_end - page_start) {
            self.zero(page_start, page_end - page_start);
        }
    }

    /// `madvise(MADV_DONTNEED)` on whole pages: private anonymous pages read as zero afterwards.
    #[cfg(target_os = "linux")]
    fn discard(&mut self, from: usize, len: usize) -> bool {
        debug_assert!(from.is_multiple_of(page_size()) && from + len <= self.committed);
        // SAFETY: `[from, from + len)` is page-aligned and inside the committed part of the
        // private anonymous mapping this arena owns; nothing holds a Rust reference into it
        // (all access goes through raw pointers), so dropping its contents is not observable
        // except as the zeros this function promises.
        let rc = unsafe { libc::madvise(self.base.add(from).cast(), len, libc::MADV_DONTNEED) };
        rc == 0
    }

    #[cfg(not(target_os = "linux"))]
    fn discard(&mut self, _from: usize, _len: usize) -> bool {
        false
    }

    fn zero(&mut self, from: usize, len: usize) {
        if len == 0 {
            return;
        }
        assert!(self.fits(from as u64, len as u64));
        // SAFETY: checked just above: `[from, from + len)` is inside the committed range.
        unsafe { ptr::write_bytes(self.base.add(from), 0, len) }
    }

    /// Whether `[off, off + len)` lies inside the committed range.
    #[inline]
    pub fn fits(&self, off: u64, len: u64) -> bool {
        off.checked_add(len).is_some_and(|end| end <= self.committed as u64)
    }

    /// The `T` at `off`, any alignment; `None` outside the committed range.
    #[inline]
    pub fn load<T: Scalar>(&self, off: u64) -> Option<T> {
        if !self.fits(off, size_of::<T>() as u64) {
            return None;
        }
        // SAFETY: `[off, off + size_of::<T>())` is committed (checked above) and every bit
        // pattern is a valid `T` (plain integers); the read tolerates any alignment.
        Some(unsafe { self.base.add(off as usize).cast::<T>().read_unaligned() })
    }

    /// Writes `v` at `off`, any alignment; `false` (and nothing written) outside the committed
    /// range.
    #[inline]
    pub fn store<T: Scalar>(&mut self, off: u64, v: T) -> bool {
        if !self.fits(off, size_of::<T>() as u64) {
            return false;
        }
        // SAFETY: `[off, off + size_of::<T>())` is committed (checked above) and only reached
        // through this `&mut self`; the write tolerates any alignment.
        unsafe { self.base.add(off as usize).cast::<T>().write_unaligned(v) };
        true
    }

    /// Copies `len` bytes from `src` to `dst`; the ranges may overlap. `false` (and nothing
    /// copied) when either is outside the committed range.
    pub fn copy(&mut self, src: u64, dst: u64, len: u64) -> bool {
        if !self.fits(src, len) || !self.fits(dst, len) {
            return false;
        }
        // SAFETY: both ranges are committed (checked above); `ptr::copy` allows overlap.
        unsafe {
            ptr::copy(self.base.add(src as usize), self.base.add(dst as usize), len as usize)
        };
        true
    }

    /// Writes `bytes` at `off`; `false` (and nothing written) outside the committed range.
    pub fn write_bytes(&mut self, off: u64, bytes: &[u8]) -> bool {
        if !self.fits(off, bytes.len() as u64) {
            return false;
        }
        // SAFETY: the destination is committed (checked above) and cannot overlap `bytes`, a
        // Rust slice, which the heap never lends out of its own memory.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), self.base.add(off as usize), bytes.len())
        };
        true
    }

    /// Reads `out.len()` bytes at `off`; `false` (and `out` untouched) outside the committed
    /// range.
    pub fn read_bytes(&self, off: u64, out: &mut [u8]) -> bool {
        if !self.fits(off, out.len() as u64) {
            return false;
        }
        // SAFETY: the source is committed (checked above); `out` is a distinct Rust slice.
        unsafe {
            ptr::copy_nonoverlapping(self.base.add(off as usize), out.as_mut_ptr(), out.len())
        };
        true
    }

    /// Writes `pattern` `count` times from `off`; `false` (and nothing written) outside the
    /// committed range.
    pub fn fill(&mut self, off: u64, pattern: &[u8], count: u64) -> bool {
        let size = pattern.len() as u64;
        let Some(len) = size.checked_mul(count) else { return false };
        if !self.fits(off, len) {
            return false;
        }
        if pattern.iter().all(|&b| b == pattern[0]) && !pattern.is_empty() {
            // SAFETY: the destination is committed (checked above).
            unsafe { ptr::write_bytes(self.base.add(off as usize), pattern[0], len as usize) };
            return true;
        }
        for i in 0..count {
            self.write_bytes(off + i * size, pattern);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_read_write_release() {
        let mut a = Arena::new(1 << 20).unwrap();
        assert_eq!(a.committed(), 0);
        assert_eq!(a.load::<u8>(0), None);
        assert!(!a.store(0, 1u8));
        a.commit(10).unwrap();
        let page = page_size();
        assert_eq!(a.committed(), page);
        assert_eq!(a.load::<u64>(0), Some(0));
        assert!(a.store(3, 0x1122_3344_5566_7788u64), "unaligned store");
        assert_eq!(a.load::<u64>(3), Some(0x1122_3344_5566_7788));
        assert_eq!(a.load::<u32>(page as u64 - 4), Some(0));
        assert_eq!(a.load::<u32>(page as u64 - 3), None, "straddles the committed end");
        assert_eq!(a.load::<u32>(u64::MAX - 1), None, "no overflow");
        a.commit(3 * page).unwrap();
        a.fill(0, &[0xab], 3 * page as u64);
        a.release(5, 3 * page);
        assert_eq!(a.load::<u8>(4), Some(0xab));
        for off in [5, 6, page, 2 * page + 7, 3 * page - 1] {
            assert_eq!(a.load::<u8>(off as u64), Some(0), "{off}");
        }
        // Released memory is still committed and writable.
        assert!(a.store(2 * page as u64, 9u8));
    }

    #[test]
    fn release_in_the_middle_keeps_the_tail() {
        let mut a = Arena::new(1 << 20).unwrap();
        let page = page_size();
        a.commit(4 * page).unwrap();
        a.fill(0, &[7], 4 * page as u64);
        a.release(page / 2, 3 * page + 10);
        assert_eq!(a.load::<u8>(page as u64 / 2 - 1), Some(7));
        assert_eq!(a.load::<u8>(page as u64 / 2), Some(0));
        assert_eq!(a.load::<u8>(3 * page as u64 + 9), Some(0));
        assert_eq!(a.load::<u8>(3 * page as u64 + 10), Some(7));
    }

    #[test]
    fn commit_stops_at_the_reservation() {
        let mut a = Arena::new(2 * page_size()).unwrap();
        a.commit(usize::MAX).unwrap();
        assert_eq!(a.committed(), a.reserved());
    }

    #[test]
    fn bulk_operations() {
        let mut a = Arena::new(1 << 16).unwrap();
        a.commit(64).unwrap();
        assert!(a.write_bytes(8, &[1, 2, 3, 4, 5]));
        assert!(a.copy(8, 10, 5), "overlapping copy");
        let mut out = [0; 7];
        assert!(a.read_bytes(8, &mut out));
        assert_eq!(out, [1, 2, 1, 2, 3, 4, 5]);
        assert!(a.fill(32, &[1, 2], 3));
        let mut out = [0; 7];
        a.read_bytes(32, &mut out);
        assert_eq!(out, [1, 2, 1, 2, 1, 2, 0]);
        let end = a.committed() as u64;
        assert!(!a.copy(0, end - 2, 4));
        assert!(!a.fill(end - 2, &[1, 2], 2));
        assert!(!a.fill(0, &[1, 2], u64::MAX));
        assert!(!a.write_bytes(end, &[1]));
    }
}
