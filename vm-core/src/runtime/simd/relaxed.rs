//! Relaxed SIMD. Each instruction has two modes (`Config::relaxed_simd_deterministic`), which a
//! translator picks between when it translates: by default the results of the x86-64 instructions
//! (on every machine and in every tier), and in deterministic mode the spec's deterministic
//! profile. Where a mode gives what a plain SIMD instruction gives, the translator uses that
//! instruction's function; what remains is here, named `_x86` for the default mode and `_det` for
//! the deterministic one:
//!
//! | instruction | default (x86-64) | deterministic |
//! |---|---|---|
//! | `i8x16.relaxed_swizzle` | `pshufb` ([`super::bits::pshufb`]) | `i8x16.swizzle` |
//! | `i32x4.relaxed_trunc_f32x4_s` | `cvttps2dq`: NaN or out of range is `i32::MIN` | `trunc_sat` |
//! | `i32x4.relaxed_trunc_f64x2_s_zero` | `cvttpd2dq`, the same, high lanes zero | `trunc_sat` |
//! | `..._u` truncations | `trunc_sat` | `trunc_sat` |
//! | `f32x4`/`f64x2.relaxed_madd`, `nmadd` | fused `a * b + c`, `-a * b + c` | the same |
//! | `i8x16`/`i32x4`/`i64x2.relaxed_laneselect` | the top bit of each mask lane picks | `bitselect` |
//! | `i16x8.relaxed_laneselect` | `bitselect` | `bitselect` |
//! | `relaxed_min`/`relaxed_max` | `pmin`/`pmax` | `min`/`max` |
//! | `i16x8.relaxed_q15mulr_s` | `pmulhrsw` (wraps) | `q15mulr_sat_s` |
//! | `i16x8.relaxed_dot_i8x16_i7x16_s` | `pmaddubsw` (`b` unsigned, saturating) | signed, wrapping |
//! | `i32x4.relaxed_dot_i8x16_i7x16_add_s` | `pmaddubsw`, then pairs added to `c` | exact, then `c` |

use super::{V128, join, lanes, lanewise};

lanewise! {
    /// `i32x4.relaxed_trunc_f32x4_s`, default mode (`cvttps2dq`).
    i32x4_relaxed_trunc_f32x4_s_x86(a): [f32; 4] => [i32; 4], |x| {
        if (-2147483648.0..2147483648.0).contains(&x) { x as i32 } else { i32::MIN }
    };
    /// `i16x8.relaxed_q15mulr_s`, default mode (`pmulhrsw`): `-32768 * -32768` wraps to -32768.
    i16x8_relaxed_q15mulr_s_x86(a, b): [i16; 8] => [i16; 8], |x, y| {
        ((x as i32 * y as i32 + 0x4000) >> 15) as i16
    };
    /// `i8x16.relaxed_laneselect`, default mode (`pblendvb`): the top bit of each mask byte picks.
    i8x16_relaxed_laneselect_x86(a, b, m): [i8; 16] => [i8; 16], |x, y, s| {
        let s = s >> 7;
        (x & s) | (y & !s)
    };
    /// `i32x4.relaxed_laneselect`, default mode (`blendvps`).
    i32x4_relaxed_laneselect_x86(a, b, m): [i32; 4] => [i32; 4], |x, y, s| {
        let s = s >> 31;
        (x & s) | (y & !s)
    };
    /// `i64x2.relaxed_laneselect`, default mode (`blendvpd`).
    i64x2_relaxed_laneselect_x86(a, b, m): [i64; 2] => [i64; 2], |x, y, s| {
        let s = s >> 63;
        (x & s) | (y & !s)
    };
}

/// The fused multiply-adds of both modes: `a * b + c` (`madd`) and `-a * b + c` (`nmadd`), each
/// rounded once. With the CPU's FMA instructions where it has them; elsewhere lane by lane with
/// `mul_add` (the C library's `fma`), out of line so that a handler makes one direct call rather
/// than the library's.
macro_rules! fused {
    ($($name:ident: $t:ty, $n:literal, |$x:ident| $neg:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128, c: V128) -> V128 {
            #[cfg(target_arch = "x86_64")]
            if super::has_fma() {
                // SAFETY: the CPU has FMA (just checked).
                return V128::from_bits(unsafe { fma::$name(a.bits(), b.bits(), c.bits()) });
            }
            V128::from_bits(lanes_fused::$name(a.bits(), b.bits(), c.bits()))
        }
    )*

        /// The fused multiply-adds lane by lane.
        mod lanes_fused {
            use super::super::{V128, join, lanes};
            $(
                #[inline(never)]
                pub(super) fn $name(a: u128, b: u128, c: u128) -> u128 {
                    let [a, b, c] = [a, b, c].map(V128::from_bits);
                    let (a, b, c): ([$t; $n], [$t; $n], [$t; $n]) = (lanes(a), lanes(b), lanes(c));
                    join::<[$t; $n]>(std::array::from_fn(|i| {
                        let $x = a[i];
                        ($neg).mul_add(b[i], c[i])
                    }))
                    .bits()
                }
            )*
        }
    };
}

fused! {
    f32x4_relaxed_madd: f32, 4, |x| x;
    f32x4_relaxed_nmadd: f32, 4, |x| -x;
    f64x2_relaxed_madd: f64, 2, |x| x;
    f64x2_relaxed_nmadd: f64, 2, |x| -x;
}

/// The fused multiply-adds with the FMA instructions (`a`'s sign flipped first for `nmadd`, as
/// the lane code does).
#[cfg(target_arch = "x86_64")]
mod fma {
    use std::arch::x86_64::{self as x86, __m128, __m128d};

    // On `u128`s: these are not inlined (see the module `simd`).

    #[target_feature(enable = "fma")]
    pub(super) fn f32x4_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
        bits32(x86::_mm_fmadd_ps(f32s(a), f32s(b), f32s(c)))
    }

    #[target_feature(enable = "fma")]
    pub(super) fn f32x4_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
        let neg = a ^ 0x8000_0000_8000_0000_8000_0000_8000_0000;
        bits32(x86::_mm_fmadd_ps(f32s(neg), f32s(b), f32s(c)))
    }

    #[target_feature(enable = "fma")]
    pub(super) fn f64x2_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
        bits64(x86::_mm_fmadd_pd(f64s(a), f64s(b), f64s(c)))
    }

    #[target_feature(enable = "fma")]
    pub(super) fn f64x2_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
        let neg = a ^ 0x8000_0000_0000_0000_8000_0000_0000_0000;
        bits64(x86::_mm_fmadd_pd(f64s(neg), f64s(b), f64s(c)))
    }

    /// The `f32` vector of a `v128`'s bits.
    #[inline(always)]
    fn f32s(v: u128) -> __m128 {
        // SAFETY: both are 16 plain bytes, in the same order (x86-64 is little-endian).
        unsafe { std::mem::transmute(v) }
    }

    /// The `f64` vector of a `v128`'s bits.
    #[inline(always)]
    fn f64s(v: u128) -> __m128d {
        // SAFETY: as in `f32s`.
        unsafe { std::mem::transmute(v) }
    }

    /// The bits of an `f32` vector.
    #[inline(always)]
    fn bits32(v: __m128) -> u128 {
        // SAFETY: as in `f32s`.
        unsafe { std::mem::transmute(v) }
    }

    /// The bits of an `f64` vector.
    #[inline(always)]
    fn bits64(v: __m128d) -> u128 {
        // SAFETY: as in `f32s`.
        unsafe { std::mem::transmute(v) }
    }
}

/// `i32x4.relaxed_trunc_f64x2_s_zero`, default mode (`cvttpd2dq`): NaN or out of range is
/// `i32::MIN`; the high lanes are zero.
#[inline(always)]
pub(crate) fn i32x4_relaxed_trunc_f64x2_s_zero_x86(v: V128) -> V128 {
    let l: [f64; 2] = lanes(v);
    let t = |x: f64| if x > -2147483649.0 && x < 2147483648.0 { x as i32 } else { i32::MIN };
    join([t(l[0]), t(l[1]), 0, 0])
}

/// `pmaddubsw` with the bytes of `b` as its unsigned operand: lane `i` is
/// `a[2i] * b[2i] + a[2i+1] * b[2i+1]`, the bytes of `a` signed and those of `b` (the `i7x16`
/// operand) unsigned, saturated to `i16`. (This is what x86-64 code runs: Cranelift's
/// `x86_pmaddubsw a, b` is `pmaddubsw b, a`, and the official tests require a negative `a` byte to
/// count as negative where `b`'s bytes are below 128.)
#[inline(always)]
fn pmaddubsw(a: V128, b: V128) -> [i16; 8] {
    let (a, b): ([i8; 16], [u8; 16]) = (lanes(a), lanes(b));
    std::array::from_fn(|i| {
        let sum = a[2 * i] as i32 * b[2 * i] as i32 + a[2 * i + 1] as i32 * b[2 * i + 1] as i32;
        sum.clamp(i16::MIN as i32, i16::MAX as i32) as i16
    })
}

/// Lane `i` is `a[2i] * b[2i] + a[2i+1] * b[2i+1]`, all bytes signed, exact.
#[inline(always)]
fn signed_pairs(a: V128, b: V128) -> [i32; 8] {
    let (a, b): ([i8; 16], [i8; 16]) = (lanes(a), lanes(b));
    std::array::from_fn(|i| {
        a[2 * i] as i32 * b[2 * i] as i32 + a[2 * i + 1] as i32 * b[2 * i + 1] as i32
    })
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`, default mode (`pmaddubsw`).
#[inline(always)]
pub(crate) fn i16x8_relaxed_dot_x86(a: V128, b: V128) -> V128 {
    join(pmaddubsw(a, b))
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`, deterministic mode: both signed, the sum wrapped to `i16`.
#[inline(always)]
pub(crate) fn i16x8_relaxed_dot_det(a: V128, b: V128) -> V128 {
    join(signed_pairs(a, b).map(|s| s as i16))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`, default mode: the `pmaddubsw` lanes added in pairs, then
/// to `c` (wrapping).
#[inline(always)]
pub(crate) fn i32x4_relaxed_dot_add_x86(a: V128, b: V128, c: V128) -> V128 {
    let (d, c): ([i16; 8], [i32; 4]) = (pmaddubsw(a, b), lanes(c));
    join::<[i32; 4]>(std::array::from_fn(|i| {
        (d[2 * i] as i32 + d[2 * i + 1] as i32).wrapping_add(c[i])
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`, deterministic mode: the exact sum of four signed
/// products, added to `c` (wrapping).
#[inline(always)]
pub(crate) fn i32x4_relaxed_dot_add_det(a: V128, b: V128, c: V128) -> V128 {
    let (d, c): ([i32; 8], [i32; 4]) = (signed_pairs(a, b), lanes(c));
    join::<[i32; 4]>(std::array::from_fn(|i| (d[2 * i] + d[2 * i + 1]).wrapping_add(c[i])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_truncation_gives_the_indefinite_integer() {
        let r: [i32; 4] = lanes(i32x4_relaxed_trunc_f32x4_s_x86(join([
            f32::NAN,
            2147483648.0,
            -2147483648.0,
            -2.9f32,
        ])));
        assert_eq!(r, [i32::MIN, i32::MIN, i32::MIN, -2]);
        let r: [i32; 4] = lanes(i32x4_relaxed_trunc_f32x4_s_x86(join([
            f32::INFINITY,
            -3e9,
            2147483520.0,
            0.5f32,
        ])));
        assert_eq!(r, [i32::MIN, i32::MIN, 2147483520, 0]);
        let r: [i32; 4] =
            lanes(i32x4_relaxed_trunc_f64x2_s_zero_x86(join([-2147483648.9f64, 2147483647.9])));
        assert_eq!(r, [i32::MIN, i32::MAX, 0, 0]);
        let r: [i32; 4] =
            lanes(i32x4_relaxed_trunc_f64x2_s_zero_x86(join([2147483648.0f64, f64::NAN])));
        assert_eq!(r, [i32::MIN, i32::MIN, 0, 0]);
    }

    #[test]
    fn q15_wraps_in_the_x86_mode() {
        let m = join([-32768i16; 8]);
        let r: [i16; 8] = lanes(i16x8_relaxed_q15mulr_s_x86(m, m));
        assert_eq!(r, [-32768; 8]);
    }

    #[test]
    fn dot_products_in_both_modes() {
        // a bytes: -1 and -128 (signed in both modes); b bytes: -128 and -127, which the x86 mode
        // reads unsigned (128 and 129).
        let a = join::<[i8; 16]>(std::array::from_fn(|i| if i % 2 == 0 { -1 } else { -128 }));
        let b = join::<[i8; 16]>(std::array::from_fn(|i| if i % 2 == 0 { -128 } else { -127 }));
        // x86: -1 * 128 + -128 * 129 = -16640.
        let x: [i16; 8] = lanes(i16x8_relaxed_dot_x86(a, b));
        assert_eq!(x, [-16640; 8]);
        // deterministic: -1 * -128 + -128 * -127 = 16384.
        let d: [i16; 8] = lanes(i16x8_relaxed_dot_det(a, b));
        assert_eq!(d, [16384; 8]);
        let c = join([1i32, -1, i32::MAX, 0]);
        let x: [i32; 4] = lanes(i32x4_relaxed_dot_add_x86(a, b, c));
        assert_eq!(x, [-33279, -33281, i32::MAX - 33280, -33280]);
        let d: [i32; 4] = lanes(i32x4_relaxed_dot_add_det(a, b, c));
        assert_eq!(d, [32769, 32767, i32::MAX.wrapping_add(32768), 32768]);
        // Saturation in the x86 mode: -128 * 255 twice is -65280, saturated to -32768; then two
        // saturated lanes add to -65536.
        let m = join([-128i8; 16]);
        let n = join([-1i8; 16]);
        let x: [i16; 8] = lanes(i16x8_relaxed_dot_x86(m, n));
        assert_eq!(x, [-32768; 8]);
        let x: [i32; 4] = lanes(i32x4_relaxed_dot_add_x86(m, n, V128::from_bits(0)));
        assert_eq!(x, [-65536; 4]);
        // b bytes below 128: both modes agree (the spec's i7 operand).
        let p = join::<[i8; 16]>(std::array::from_fn(|i| (i as i8) * 7 - 50));
        let q = join::<[i8; 16]>(std::array::from_fn(|i| (i as i8) * 8));
        assert_eq!(i16x8_relaxed_dot_x86(p, q), i16x8_relaxed_dot_det(p, q));
        // Two -128 * -128 products wrap past i16::MAX in the deterministic i16 form.
        let w: [i16; 8] = lanes(i16x8_relaxed_dot_det(m, m));
        assert_eq!(w, [-32768; 8]);
    }

    #[test]
    fn laneselect_takes_the_top_bit() {
        let a = join([0x11u8; 16]);
        let b = join([0x22u8; 16]);
        let m = join::<[u8; 16]>(std::array::from_fn(|i| if i % 2 == 0 { 0x80 } else { 0x7f }));
        let r: [u8; 16] = lanes(i8x16_relaxed_laneselect_x86(a, b, m));
        assert_eq!(r[..4], [0x11, 0x22, 0x11, 0x22]);
        let r: [u32; 4] =
            lanes(i32x4_relaxed_laneselect_x86(a, b, join([0x8000_0000u32, 0x7fff_ffff, !0, 0])));
        assert_eq!(r, [0x1111_1111, 0x2222_2222, 0x1111_1111, 0x2222_2222]);
        let r: [u64; 2] = lanes(i64x2_relaxed_laneselect_x86(a, b, join([1u64 << 63, !0 >> 1])));
        assert_eq!(r, [0x1111_1111_1111_1111, 0x2222_2222_2222_2222]);
    }

    /// The lanes' bits with every NaN the same: the FMA instructions and the C library may give a
    /// NaN operand back with different signs (`-a * b + c` may become `vfnmadd`).
    fn bits32(v: V128) -> [u32; 4] {
        lanes::<[f32; 4]>(v).map(|x| if x.is_nan() { 0x7fc0_0000 } else { x.to_bits() })
    }

    /// As `bits32`, for `f64` lanes.
    fn bits64(v: V128) -> [u64; 2] {
        lanes::<[f64; 2]>(v).map(|x| if x.is_nan() { 0x7ff8 << 48 } else { x.to_bits() })
    }

    #[test]
    fn fma_instructions_match_the_lane_code() {
        let vals = [1.0f32 + f32::EPSILON, -3.5, 1e30, f32::NAN, -0.0, 7.25, f32::INFINITY, 1e-40];
        for w in vals.windows(4) {
            let a = join([w[0], w[1], w[2], w[3]]);
            let b = join([w[3], w[0], w[1], w[2]]);
            let c = join([w[2], w[3], w[0], -w[1]]);
            let (m, n) = (f32x4_relaxed_madd(a, b, c), f32x4_relaxed_nmadd(a, b, c));
            let [ab, bb, cb] = [a, b, c].map(V128::bits);
            let lm = V128::from_bits(lanes_fused::f32x4_relaxed_madd(ab, bb, cb));
            let ln = V128::from_bits(lanes_fused::f32x4_relaxed_nmadd(ab, bb, cb));
            assert_eq!(bits32(m), bits32(lm));
            assert_eq!(bits32(n), bits32(ln));
            let d = join([w[0] as f64 * 1e200, w[1] as f64]);
            let e = join([w[2] as f64, w[3] as f64 * 0.1]);
            let (m, n) = (f64x2_relaxed_madd(d, e, d), f64x2_relaxed_nmadd(d, e, e));
            let (db, eb) = (d.bits(), e.bits());
            let lm = V128::from_bits(lanes_fused::f64x2_relaxed_madd(db, eb, db));
            let ln = V128::from_bits(lanes_fused::f64x2_relaxed_nmadd(db, eb, eb));
            assert_eq!(bits64(m), bits64(lm));
            assert_eq!(bits64(n), bits64(ln));
        }
    }

    #[test]
    fn madd_is_fused() {
        // 1 + 2^-23 squared needs the fused rounding to keep its low bit: (1+e)^2 - 1 = 2e + e^2.
        let e = f32::EPSILON;
        let r: [f32; 4] =
            lanes(f32x4_relaxed_madd(join([1.0 + e; 4]), join([1.0 + e; 4]), join([-1.0f32; 4])));
        assert_eq!(r[0], 2.0 * e + e * e);
        let r: [f32; 4] =
            lanes(f32x4_relaxed_nmadd(join([1.0 + e; 4]), join([1.0 + e; 4]), join([1.0f32; 4])));
        assert_eq!(r[0], -(2.0 * e + e * e));
    }
}
