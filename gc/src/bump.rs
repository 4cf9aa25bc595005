//! The bump allocator's state, at a stable address that compiled code can keep.
//!
//! Native code allocates inline: load `top`, add the object's size (in 64 bits), compare with
//! `limit`, store the new `top`, write the header at `base + old top`; only when the comparison
//! fails does it call the heap's slow path. Memory in `[top, limit)` is always zero, so the fast
//! path writes the type id (and an array's length) and nothing else.
//!
//! `old_top` is where the young generation starts: compiled code's write barrier compares an
//! object being written and the reference written into it with it (see `Heap::write_barrier`).

use std::mem::offset_of;
use std::ptr::NonNull;

/// The allocation pointer. `#[repr(C)]`: compiled code reads it at the `BUMP_*_OFFSET`s.
#[repr(C)]
#[derive(Debug)]
pub struct Bump {
    /// The heap's base (never changes).
    pub base: *mut u8,
    /// Offset of the first free byte (a multiple of 8).
    pub top: u32,
    /// Offset allocation must not pass without the slow path (`top <= limit`).
    pub limit: u32,
    /// Objects below this offset are old (they survived a collection); from it to `top`, young.
    pub old_top: u32,
}

/// Offset of [`Bump::base`].
pub const BUMP_BASE_OFFSET: usize = offset_of!(Bump, base);
/// Offset of [`Bump::top`].
pub const BUMP_TOP_OFFSET: usize = offset_of!(Bump, top);
/// Offset of [`Bump::limit`].
pub const BUMP_LIMIT_OFFSET: usize = offset_of!(Bump, limit);
/// Offset of [`Bump::old_top`].
pub const BUMP_OLD_TOP_OFFSET: usize = offset_of!(Bump, old_top);

/// Owns a heap-allocated [`Bump`] that both Rust (through this) and compiled code (through the
/// raw pointer) read and write. Held as a raw pointer rather than a `Box` so that handing the
/// address out does not conflict with a unique borrow.
pub(crate) struct BumpCell(NonNull<Bump>);

// SAFETY: the cell exclusively owns its allocation (plain data); whoever holds the raw pointer
// from `as_ptr` is bound by the heap's own `&mut` discipline (see `Heap::bump_ptr`).
unsafe impl Send for BumpCell {}
// SAFETY: through `&BumpCell` the value is only read.
unsafe impl Sync for BumpCell {}

impl BumpCell {
    pub fn new(bump: Bump) -> BumpCell {
        BumpCell(NonNull::from(Box::leak(Box::new(bump))))
    }

    pub fn as_ptr(&self) -> *mut Bump {
        self.0.as_ptr()
    }

    #[inline]
    pub fn top(&self) -> u32 {
        // SAFETY: the pointer is the live allocation this cell owns; nothing writes it
        // concurrently (native code that writes it runs on this thread, not during this call).
        unsafe { (*self.0.as_ptr()).top }
    }

    #[inline]
    pub fn limit(&self) -> u32 {
        // SAFETY: as in `top`.
        unsafe { (*self.0.as_ptr()).limit }
    }

    #[inline]
    pub fn old_top(&self) -> u32 {
        // SAFETY: as in `top`.
        unsafe { (*self.0.as_ptr()).old_top }
    }

    #[inline]
    pub fn set_old_top(&mut self, old_top: u32) {
        // SAFETY: as in `set_top`.
        unsafe { (*self.0.as_ptr()).old_top = old_top }
    }

    #[inline]
    pub fn set_top(&mut self, top: u32) {
        // SAFETY: as in `top`; `&mut self` excludes other Rust access.
        unsafe { (*self.0.as_ptr()).top = top }
    }

    #[inline]
    pub fn set_limit(&mut self, limit: u32) {
        // SAFETY: as in `set_top`.
        unsafe { (*self.0.as_ptr()).limit = limit }
    }
}

impl Drop for BumpCell {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::leak` in `new` and is freed only here, once.
        drop(unsafe { Box::from_raw(self.0.as_ptr()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_offsets_are_what_native_code_reads() {
        assert_eq!(BUMP_BASE_OFFSET, 0);
        assert_eq!(BUMP_TOP_OFFSET, size_of::<*mut u8>());
        assert_eq!(BUMP_LIMIT_OFFSET, size_of::<*mut u8>() + 4);
        assert_eq!(BUMP_OLD_TOP_OFFSET, size_of::<*mut u8>() + 8);
    }

    #[test]
    fn cell_reads_what_the_raw_pointer_wrote() {
        let mut c =
            BumpCell::new(Bump { base: std::ptr::null_mut(), top: 8, limit: 64, old_top: 8 });
        let p = c.as_ptr();
        // SAFETY: `p` points to the cell's live allocation; nothing else accesses it now.
        unsafe { (*p).top = 24 };
        assert_eq!(c.top(), 24);
        c.set_limit(32);
        // SAFETY: as above.
        assert_eq!(unsafe { (*p).limit }, 32);
    }
}
