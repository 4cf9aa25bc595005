//! Whole-vector bitwise operations, lane tests (`any_true`, `all_true`, `bitmask`), splats, lane
//! access, and byte permutations (`swizzle`, `shuffle`). On x86-64 the bitwise operations and
//! tests are SSE2 instructions, and the permutations use SSSE3's `pshufb` when the CPU has it.
//!
//! Lane indices are immediates that validation bounded; they are taken modulo the lane count
//! anyway, so that no index can reach outside the vector.

use super::{V128, join, lanes};

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::{self as x86, __m128i};

/// Runs SSE2 intrinsics.
#[cfg(target_arch = "x86_64")]
macro_rules! sse2 {
    ($e:expr) => {
        // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
        unsafe { $e }
    };
}

/// The SSE2 view of a `v128`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn m(v: V128) -> __m128i {
    v.m()
}

/// The `v128` of an SSE2 value.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn v(m: __m128i) -> V128 {
    V128::of(m)
}

/// `v128.not`.
#[inline(always)]
pub(crate) fn v128_not(a: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(v(x86::_mm_xor_si128(m(a), x86::_mm_set1_epi32(-1))));
    #[cfg(not(target_arch = "x86_64"))]
    return V128::from_bits(!a.bits());
}

/// `v128.and`.
#[inline(always)]
pub(crate) fn v128_and(a: V128, b: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(v(x86::_mm_and_si128(m(a), m(b))));
    #[cfg(not(target_arch = "x86_64"))]
    return V128::from_bits(a.bits() & b.bits());
}

/// `v128.andnot`: `a & !b`.
#[inline(always)]
pub(crate) fn v128_andnot(a: V128, b: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(v(x86::_mm_andnot_si128(m(b), m(a))));
    #[cfg(not(target_arch = "x86_64"))]
    return V128::from_bits(a.bits() & !b.bits());
}

/// `v128.or`.
#[inline(always)]
pub(crate) fn v128_or(a: V128, b: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(v(x86::_mm_or_si128(m(a), m(b))));
    #[cfg(not(target_arch = "x86_64"))]
    return V128::from_bits(a.bits() | b.bits());
}

/// `v128.xor`.
#[inline(always)]
pub(crate) fn v128_xor(a: V128, b: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(v(x86::_mm_xor_si128(m(a), m(b))));
    #[cfg(not(target_arch = "x86_64"))]
    return V128::from_bits(a.bits() ^ b.bits());
}

/// `v128.bitselect`: the bits of `a` where `mask` has ones, of `b` where it has zeros.
#[inline(always)]
pub(crate) fn v128_bitselect(a: V128, b: V128, mask: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(v(x86::_mm_or_si128(
        x86::_mm_and_si128(m(a), m(mask)),
        x86::_mm_andnot_si128(m(mask), m(b)),
    )));
    #[cfg(not(target_arch = "x86_64"))]
    return V128::from_bits((a.bits() & mask.bits()) | (b.bits() & !mask.bits()));
}

/// `v128.any_true`: whether any bit is set.
#[inline(always)]
pub(crate) fn v128_any_true(a: V128) -> bool {
    #[cfg(target_arch = "x86_64")]
    return sse2!(
        x86::_mm_movemask_epi8(x86::_mm_cmpeq_epi8(m(a), x86::_mm_setzero_si128())) != 0xffff
    );
    #[cfg(not(target_arch = "x86_64"))]
    return a.bits() != 0;
}

/// `i8x16.all_true`: whether every lane is non-zero.
#[inline(always)]
pub(crate) fn i8x16_all_true(a: V128) -> bool {
    #[cfg(target_arch = "x86_64")]
    return sse2!(x86::_mm_movemask_epi8(x86::_mm_cmpeq_epi8(m(a), x86::_mm_setzero_si128())) == 0);
    #[cfg(not(target_arch = "x86_64"))]
    return lanes::<[u8; 16]>(a).iter().all(|&x| x != 0);
}

/// `i16x8.all_true`.
#[inline(always)]
pub(crate) fn i16x8_all_true(a: V128) -> bool {
    #[cfg(target_arch = "x86_64")]
    return sse2!(
        x86::_mm_movemask_epi8(x86::_mm_cmpeq_epi16(m(a), x86::_mm_setzero_si128())) == 0
    );
    #[cfg(not(target_arch = "x86_64"))]
    return lanes::<[u16; 8]>(a).iter().all(|&x| x != 0);
}

/// `i32x4.all_true`.
#[inline(always)]
pub(crate) fn i32x4_all_true(a: V128) -> bool {
    #[cfg(target_arch = "x86_64")]
    return sse2!(
        x86::_mm_movemask_epi8(x86::_mm_cmpeq_epi32(m(a), x86::_mm_setzero_si128())) == 0
    );
    #[cfg(not(target_arch = "x86_64"))]
    return lanes::<[u32; 4]>(a).iter().all(|&x| x != 0);
}

/// `i64x2.all_true`.
#[inline(always)]
pub(crate) fn i64x2_all_true(a: V128) -> bool {
    let l: [u64; 2] = lanes(a);
    l[0] != 0 && l[1] != 0
}

/// `i8x16.bitmask`: bit `i` is the top bit of lane `i`.
#[inline(always)]
pub(crate) fn i8x16_bitmask(a: V128) -> u32 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(x86::_mm_movemask_epi8(m(a)) as u32);
    #[cfg(not(target_arch = "x86_64"))]
    return lanes::<[u8; 16]>(a).iter().rev().fold(0, |acc, &x| acc << 1 | (x >> 7) as u32);
}

/// `i16x8.bitmask`.
#[inline(always)]
pub(crate) fn i16x8_bitmask(a: V128) -> u32 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(
        x86::_mm_movemask_epi8(x86::_mm_packs_epi16(m(a), x86::_mm_setzero_si128())) as u32
    );
    #[cfg(not(target_arch = "x86_64"))]
    return lanes::<[u16; 8]>(a).iter().rev().fold(0, |acc, &x| acc << 1 | (x >> 15) as u32);
}

/// `i32x4.bitmask`.
#[inline(always)]
pub(crate) fn i32x4_bitmask(a: V128) -> u32 {
    #[cfg(target_arch = "x86_64")]
    return sse2!(x86::_mm_movemask_ps(x86::_mm_castsi128_ps(m(a))) as u32);
    #[cfg(not(target_arch = "x86_64"))]
    return lanes::<[u32; 4]>(a).iter().rev().fold(0, |acc, &x| acc << 1 | x >> 31);
}

/// `i64x2.bitmask`.
#[inline(always)]
pub(crate) fn i64x2_bitmask(a: V128) -> u32 {
    let l: [u64; 2] = lanes(a);
    (l[0] >> 63 | (l[1] >> 63) << 1) as u32
}

/// `i8x16.splat` of the low 8 bits of `x`.
#[inline(always)]
pub(crate) fn i8x16_splat(x: u32) -> V128 {
    join([x as u8; 16])
}

/// `i16x8.splat` of the low 16 bits of `x`.
#[inline(always)]
pub(crate) fn i16x8_splat(x: u32) -> V128 {
    join([x as u16; 8])
}

/// `i32x4.splat` (and `f32x4.splat`, of the bits).
#[inline(always)]
pub(crate) fn i32x4_splat(x: u32) -> V128 {
    join([x; 4])
}

/// `i64x2.splat` (and `f64x2.splat`, of the bits).
#[inline(always)]
pub(crate) fn i64x2_splat(x: u64) -> V128 {
    join([x; 2])
}

/// `i8x16.extract_lane_s`.
#[inline(always)]
pub(crate) fn i8x16_extract_lane_s(a: V128, lane: u32) -> i32 {
    lanes::<[i8; 16]>(a)[lane as usize % 16] as i32
}

/// `i8x16.extract_lane_u`.
#[inline(always)]
pub(crate) fn i8x16_extract_lane_u(a: V128, lane: u32) -> u32 {
    lanes::<[u8; 16]>(a)[lane as usize % 16] as u32
}

/// `i16x8.extract_lane_s`.
#[inline(always)]
pub(crate) fn i16x8_extract_lane_s(a: V128, lane: u32) -> i32 {
    lanes::<[i16; 8]>(a)[lane as usize % 8] as i32
}

/// `i16x8.extract_lane_u`.
#[inline(always)]
pub(crate) fn i16x8_extract_lane_u(a: V128, lane: u32) -> u32 {
    lanes::<[u16; 8]>(a)[lane as usize % 8] as u32
}

/// `i32x4.extract_lane` (and `f32x4.extract_lane`, as bits).
#[inline(always)]
pub(crate) fn i32x4_extract_lane(a: V128, lane: u32) -> u32 {
    lanes::<[u32; 4]>(a)[lane as usize % 4]
}

/// `i64x2.extract_lane` (and `f64x2.extract_lane`, as bits).
#[inline(always)]
pub(crate) fn i64x2_extract_lane(a: V128, lane: u32) -> u64 {
    lanes::<[u64; 2]>(a)[lane as usize % 2]
}

/// `i8x16.replace_lane` with the low 8 bits of `x`.
#[inline(always)]
pub(crate) fn i8x16_replace_lane(a: V128, lane: u32, x: u32) -> V128 {
    let mut l: [u8; 16] = lanes(a);
    l[lane as usize % 16] = x as u8;
    join(l)
}

/// `i16x8.replace_lane` with the low 16 bits of `x`.
#[inline(always)]
pub(crate) fn i16x8_replace_lane(a: V128, lane: u32, x: u32) -> V128 {
    let mut l: [u16; 8] = lanes(a);
    l[lane as usize % 8] = x as u16;
    join(l)
}

/// `i32x4.replace_lane` (and `f32x4.replace_lane`, of the bits).
#[inline(always)]
pub(crate) fn i32x4_replace_lane(a: V128, lane: u32, x: u32) -> V128 {
    let mut l: [u32; 4] = lanes(a);
    l[lane as usize % 4] = x;
    join(l)
}

/// `i64x2.replace_lane` (and `f64x2.replace_lane`, of the bits).
#[inline(always)]
pub(crate) fn i64x2_replace_lane(a: V128, lane: u32, x: u64) -> V128 {
    let mut l: [u64; 2] = lanes(a);
    l[lane as usize % 2] = x;
    join(l)
}

/// The byte permutation of `pshufb`: byte `i` is 0 when the top bit of `s[i]` is set, else
/// `a[s[i] & 15]`. `i8x16.swizzle` is built on it, and it is `i8x16.relaxed_swizzle`'s default
/// mode.
#[inline(always)]
pub(crate) fn pshufb(a: V128, s: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    if super::has_ssse3() {
        // SAFETY: the CPU has SSSE3 (just checked).
        return V128::from_bits(unsafe { ssse3::pshufb(a.bits(), s.bits()) });
    }
    V128::from_bits(pshufb_lanes(a.bits(), s.bits()))
}

/// `pshufb` on byte lanes, for CPUs without it. Out of line (on `u128`s, see the module `simd`):
/// sixteen lookups, whose registers a handler should not have to save on the fast path.
#[inline(never)]
fn pshufb_lanes(a: u128, s: u128) -> u128 {
    let (a, s): ([u8; 16], [u8; 16]) = (lanes(V128::from_bits(a)), lanes(V128::from_bits(s)));
    let r: [u8; 16] =
        std::array::from_fn(|i| if s[i] & 0x80 != 0 { 0 } else { a[(s[i] & 15) as usize] });
    join(r).bits()
}

/// `i8x16.swizzle`: byte `i` is `a[s[i]]`, or 0 when `s[i]` is 16 or more. (Adding 0x70 with
/// unsigned saturation keeps the low four bits of an index below 16 and sets the top bit of every
/// other, which is the `pshufb` form.)
#[inline(always)]
pub(crate) fn i8x16_swizzle(a: V128, s: V128) -> V128 {
    let s: [u8; 16] = lanes(s);
    pshufb(a, join(s.map(|x| x.saturating_add(0x70))))
}

/// `i8x16.shuffle` with lane indices `lanes` (each below 32, as validation has them): byte `i` is
/// byte `lanes[i]` of `a` then `b`. With SSSE3, two `pshufb`s: one with the indices below 16 kept
/// (the others get their top bit set by an unsigned saturating add of 0x70, which zeroes them),
/// one with those of `b` brought below 16 (the others wrap to 0xf0 and up); their OR is the
/// shuffle.
#[inline(always)]
pub(crate) fn i8x16_shuffle(a: V128, b: V128, lanes: V128) -> V128 {
    #[cfg(target_arch = "x86_64")]
    if super::has_ssse3() {
        // SAFETY: the CPU has SSSE3 (just checked).
        return V128::from_bits(unsafe { ssse3::shuffle(a.bits(), b.bits(), lanes.bits()) });
    }
    V128::from_bits(shuffle_lanes(a.bits(), b.bits(), lanes.bits()))
}

/// `i8x16.shuffle` lane by lane, for CPUs without `pshufb` (out of line, on `u128`s, as
/// `pshufb_lanes`).
#[inline(never)]
fn shuffle_lanes(a: u128, b: u128, s: u128) -> u128 {
    let (a, b, s): ([u8; 16], [u8; 16], [u8; 16]) =
        (lanes(V128::from_bits(a)), lanes(V128::from_bits(b)), lanes(V128::from_bits(s)));
    let r: [u8; 16] = std::array::from_fn(|i| {
        let l = (s[i] & 31) as usize;
        if l < 16 { a[l] } else { b[l - 16] }
    });
    join(r).bits()
}

/// `pshufb`, for CPUs that have SSSE3.
#[cfg(target_arch = "x86_64")]
mod ssse3 {
    use super::{V128, x86};

    /// `pshufb a, s` (on `u128`s: this is not inlined, see the module `simd`).
    #[target_feature(enable = "ssse3")]
    pub(super) fn pshufb(a: u128, s: u128) -> u128 {
        let (a, s) = (V128::from_bits(a).m(), V128::from_bits(s).m());
        V128::of(x86::_mm_shuffle_epi8(a, s)).bits()
    }

    /// `i8x16.shuffle a, b` with lane indices `s` (see `i8x16_shuffle`).
    #[target_feature(enable = "ssse3")]
    pub(super) fn shuffle(a: u128, b: u128, s: u128) -> u128 {
        let (a, b, s) = (V128::from_bits(a).m(), V128::from_bits(b).m(), V128::from_bits(s).m());
        let from_a = x86::_mm_adds_epu8(s, x86::_mm_set1_epi8(0x70));
        let from_b = x86::_mm_sub_epi8(s, x86::_mm_set1_epi8(16));
        let r =
            x86::_mm_or_si128(x86::_mm_shuffle_epi8(a, from_a), x86::_mm_shuffle_epi8(b, from_b));
        V128::of(r).bits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(f: impl Fn(usize) -> u8) -> V128 {
        join::<[u8; 16]>(std::array::from_fn(f))
    }

    #[test]
    fn swizzle_zeroes_out_of_range_indices() {
        let a = bytes(|i| 0xa0 + i as u8);
        let s = join([0u8, 15, 16, 17, 127, 128, 255, 3, 0x70, 0x8f, 1, 2, 31, 32, 14, 0xff]);
        let r: [u8; 16] = lanes(i8x16_swizzle(a, s));
        assert_eq!(r, [0xa0, 0xaf, 0, 0, 0, 0, 0, 0xa3, 0, 0, 0xa1, 0xa2, 0, 0, 0xae, 0]);
        assert_eq!(pshufb_lanes(a.bits(), s.bits()), pshufb(a, s).bits());
        let p: [u8; 16] = lanes(pshufb(a, s));
        assert_eq!(p[..5], [0xa0, 0xaf, 0xa0, 0xa1, 0xaf]);
        assert_eq!(p[5..7], [0, 0]);
    }

    #[test]
    fn shuffle_picks_from_both_operands() {
        let a = bytes(|i| i as u8);
        let b = bytes(|i| 0x10 + i as u8);
        let idx: [u8; 16] = std::array::from_fn(|i| (31 - 2 * i as u8) % 32);
        let r: [u8; 16] = lanes(i8x16_shuffle(a, b, join(idx)));
        assert_eq!(r, idx);
        let idx: [u8; 16] = [0, 16, 15, 31, 1, 17, 8, 24, 7, 23, 3, 3, 30, 30, 16, 15];
        let r: [u8; 16] = lanes(i8x16_shuffle(a, b, join(idx)));
        assert_eq!(r, idx);
        let (x, y, s) = (a.bits(), b.bits(), join(idx).bits());
        assert_eq!(shuffle_lanes(x, y, s), i8x16_shuffle(a, b, join(idx)).bits());
    }

    #[test]
    fn tests_and_masks() {
        let bits = V128::from_bits;
        assert!(!v128_any_true(bits(0)));
        assert!(v128_any_true(bits(1 << 127)));
        assert!(!i8x16_all_true(bits(!0 >> 8)));
        assert!(i16x8_all_true(join([1u16; 8])));
        assert!(!i32x4_all_true(join([1u32, 1, 0, 1])));
        assert!(!i64x2_all_true(join([0u64, 1])));
        assert!(i64x2_all_true(join([1u64 << 63, 1])));
        assert_eq!(
            i8x16_bitmask(bytes(|i| if i % 3 == 0 { 0x80 } else { 0x7f })),
            0b1001_0010_0100_1001
        );
        assert_eq!(i16x8_bitmask(join([-1i16, 0, 0, -1, 0, 0, 0, i16::MIN])), 0b1000_1001);
        assert_eq!(i32x4_bitmask(join([0i32, -1, 0, -5])), 0b1010);
        assert_eq!(i64x2_bitmask(join([-1i64, 0])), 1);
    }

    #[test]
    fn bitwise() {
        let (a, b, c) = (0xff00_ff00u128 << 64 | 0x1234, 0x0ff0u128, !0u128 << 4);
        let (x, y, z) = (V128::from_bits(a), V128::from_bits(b), V128::from_bits(c));
        assert_eq!(v128_not(x).bits(), !a);
        assert_eq!(v128_and(x, y).bits(), a & b);
        assert_eq!(v128_andnot(x, y).bits(), a & !b);
        assert_eq!(v128_or(x, y).bits(), a | b);
        assert_eq!(v128_xor(x, y).bits(), a ^ b);
        assert_eq!(v128_bitselect(x, y, z).bits(), (a & c) | (b & !c));
    }

    #[test]
    fn lanes_access() {
        let v = join([-1i16, 2, 3, 4, 5, 6, 7, -32768]);
        assert_eq!(i16x8_extract_lane_s(v, 0), -1);
        assert_eq!(i16x8_extract_lane_u(v, 7), 32768);
        assert_eq!(i8x16_extract_lane_s(v, 15), -128);
        let r = i32x4_replace_lane(v, 3, 9);
        assert_eq!(i32x4_extract_lane(r, 3), 9);
        assert_eq!(i64x2_extract_lane(r, 0), i64x2_extract_lane(v, 0));
        assert_eq!(i8x16_splat(0x1ff), join([0xffu8; 16]));
        assert_eq!(i64x2_splat(5).bits(), 5 | 5 << 64);
    }
}
