//! `GcRef`: the 32-bit form of every reference of the `any`, `extern` and `exn` hierarchies.
//!
//! One encoding everywhere a reference sits: an interpreter slot (zero-extended to 64 bits), a
//! register of native code and a field of a heap object. `0` is null; an odd value is an `i31`
//! (`(v << 1) | 1`), never allocated; any other value is a nonzero multiple of 8, the byte offset
//! of an object's header from the heap's base. Offsets are not pointers: a forged or corrupted
//! reference can at worst name the wrong object of this heap, and every accessor checks it.

/// A reference as it is stored: null, an `i31`, or the offset of an object in the heap.
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct GcRef(u32);

impl GcRef {
    /// The null reference.
    pub const NULL: GcRef = GcRef(0);

    /// A reference from its raw 32-bit form (no check: any value is a valid `GcRef`, it may just
    /// not name a live object).
    #[inline]
    pub const fn from_raw(raw: u32) -> GcRef {
        GcRef(raw)
    }

    /// The raw 32-bit form.
    #[inline]
    pub const fn raw(self) -> u32 {
        self.0
    }

    /// Whether this is the null reference.
    #[inline]
    pub const fn is_null(self) -> bool {
        self.0 == 0
    }

    /// Whether this is an unboxed `i31`.
    #[inline]
    pub const fn is_i31(self) -> bool {
        self.0 & 1 == 1
    }

    /// The `i31` holding the low 31 bits of `value` (`ref.i31` wraps).
    #[inline]
    pub const fn from_i31(value: i32) -> GcRef {
        GcRef(((value as u32) << 1) | 1)
    }

    /// The `i31`'s value, sign-extended (`i31.get_s`). Meaningless unless [`is_i31`](Self::is_i31).
    #[inline]
    pub const fn i31_s(self) -> i32 {
        (self.0 as i32) >> 1
    }

    /// The `i31`'s value, zero-extended (`i31.get_u`). Meaningless unless [`is_i31`](Self::is_i31).
    #[inline]
    pub const fn i31_u(self) -> u32 {
        self.0 >> 1
    }

    /// The offset of the object's header, when this names an object (neither null nor `i31`).
    /// Says nothing of whether an object lives there: the heap's accessors check that.
    #[inline]
    pub const fn object(self) -> Option<u32> {
        if self.0 != 0 && self.0 & 1 == 0 { Some(self.0) } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_zero_and_neither_i31_nor_object() {
        assert_eq!(GcRef::NULL.raw(), 0);
        assert!(GcRef::NULL.is_null());
        assert!(!GcRef::NULL.is_i31());
        assert_eq!(GcRef::NULL.object(), None);
        assert_eq!(GcRef::default(), GcRef::NULL);
    }

    #[test]
    fn i31_round_trips_in_range() {
        for v in [0, 1, -1, 42, -42, (1 << 30) - 1, -(1 << 30), 123_456_789, -987_654] {
            let r = GcRef::from_i31(v);
            assert!(r.is_i31(), "{v}");
            assert!(!r.is_null());
            assert_eq!(r.object(), None);
            assert_eq!(r.i31_s(), v, "{v}");
            assert_eq!(r.i31_u(), (v as u32) & 0x7fff_ffff, "{v}");
        }
    }

    #[test]
    fn i31_wraps_to_31_bits() {
        // 2^30 does not fit a signed 31-bit value: it reads back as -2^30.
        assert_eq!(GcRef::from_i31(1 << 30).i31_s(), -(1 << 30));
        assert_eq!(GcRef::from_i31(1 << 30).i31_u(), 1 << 30);
        // The top bit is dropped.
        assert_eq!(GcRef::from_i31(i32::MIN).i31_s(), 0);
        assert_eq!(GcRef::from_i31(i32::MAX).i31_s(), -1);
        assert_eq!(GcRef::from_i31(i32::MAX).i31_u(), 0x7fff_ffff);
        assert_eq!(GcRef::from_i31(-1).raw(), u32::MAX);
        // A negative value's unsigned view is its 31-bit two's complement.
        assert_eq!(GcRef::from_i31(-2).i31_u(), 0x7fff_fffe);
    }

    #[test]
    fn objects_are_even_nonzero_offsets() {
        let r = GcRef::from_raw(0x40);
        assert_eq!(r.object(), Some(0x40));
        assert!(!r.is_i31());
        assert!(!r.is_null());
        assert_eq!(GcRef::from_raw(0x41).object(), None);
        assert_eq!(GcRef::from_raw(0xffff_fff8).object(), Some(0xffff_fff8));
    }
}
