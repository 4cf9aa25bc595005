//! Float lanes: arithmetic, `min`/`max` (NaN if either lane is NaN, -0 below +0) and the
//! pseudo-minimum `pmin`/`pmax` (`b < a ? b : a`, no NaN rule), sign operations, square root,
//! rounding (with SSE4.1's `roundps`/`roundpd` when the CPU has it) and comparisons. A NaN result
//! the spec leaves open is the canonical NaN (for `min`/`max`) or the hardware's quieted operand:
//! both are what the spec allows.

use super::{V128, lanewise, mask};

lanewise! {
    f32x4_add(a, b): [f32; 4] => [f32; 4], |x, y| x + y;
    f32x4_sub(a, b): [f32; 4] => [f32; 4], |x, y| x - y;
    f32x4_mul(a, b): [f32; 4] => [f32; 4], |x, y| x * y;
    f32x4_div(a, b): [f32; 4] => [f32; 4], |x, y| x / y;
    f32x4_pmin(a, b): [f32; 4] => [f32; 4], |x, y| if y < x { y } else { x };
    f32x4_pmax(a, b): [f32; 4] => [f32; 4], |x, y| if x < y { y } else { x };
    f32x4_abs(a): [u32; 4] => [u32; 4], |x| x & 0x7fff_ffff;
    f32x4_neg(a): [u32; 4] => [u32; 4], |x| x ^ 0x8000_0000;
    f32x4_sqrt(a): [f32; 4] => [f32; 4], |x| x.sqrt();

    f64x2_add(a, b): [f64; 2] => [f64; 2], |x, y| x + y;
    f64x2_sub(a, b): [f64; 2] => [f64; 2], |x, y| x - y;
    f64x2_mul(a, b): [f64; 2] => [f64; 2], |x, y| x * y;
    f64x2_div(a, b): [f64; 2] => [f64; 2], |x, y| x / y;
    f64x2_pmin(a, b): [f64; 2] => [f64; 2], |x, y| if y < x { y } else { x };
    f64x2_pmax(a, b): [f64; 2] => [f64; 2], |x, y| if x < y { y } else { x };
    f64x2_abs(a): [u64; 2] => [u64; 2], |x| x & 0x7fff_ffff_ffff_ffff;
    f64x2_neg(a): [u64; 2] => [u64; 2], |x| x ^ 0x8000_0000_0000_0000;
    f64x2_sqrt(a): [f64; 2] => [f64; 2], |x| x.sqrt();

    f32x4_eq(a, b): [f32; 4] => [u32; 4], |x, y| mask(x == y);
    f32x4_ne(a, b): [f32; 4] => [u32; 4], |x, y| mask(x != y);
    f32x4_lt(a, b): [f32; 4] => [u32; 4], |x, y| mask(x < y);
    f32x4_gt(a, b): [f32; 4] => [u32; 4], |x, y| mask(x > y);
    f32x4_le(a, b): [f32; 4] => [u32; 4], |x, y| mask(x <= y);
    f32x4_ge(a, b): [f32; 4] => [u32; 4], |x, y| mask(x >= y);
    f64x2_eq(a, b): [f64; 2] => [u64; 2], |x, y| mask(x == y);
    f64x2_ne(a, b): [f64; 2] => [u64; 2], |x, y| mask(x != y);
    f64x2_lt(a, b): [f64; 2] => [u64; 2], |x, y| mask(x < y);
    f64x2_gt(a, b): [f64; 2] => [u64; 2], |x, y| mask(x > y);
    f64x2_le(a, b): [f64; 2] => [u64; 2], |x, y| mask(x <= y);
    f64x2_ge(a, b): [f64; 2] => [u64; 2], |x, y| mask(x >= y);
}

/// Wasm `min`/`max` of whole vectors: on x86-64 with SSE2 (`minps` both ways round, which
/// differ only where a lane is NaN or the lanes are zeros of different signs; OR-ing them gives
/// -0 for `min`, AND-ing +0 for `max`; NaN lanes become the canonical NaN), lane by lane
/// elsewhere.
macro_rules! vector_min_max {
    ($($name:ident: $t:ty, $n:literal, $lane:ident, $sse:ident, $combine:ident, $unord:ident, $srl:ident, $bits:literal, $ps:ident, $si:ident;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            #[cfg(target_arch = "x86_64")]
            {
                use std::arch::x86_64 as x86;
                // SAFETY: SSE2 is part of the x86-64 baseline: every x86-64 CPU has it.
                unsafe {
                    let (x, y) = (x86::$ps(a.m()), x86::$ps(b.m()));
                    let both = x86::$combine(x86::$sse(x, y), x86::$sse(y, x));
                    let nan = x86::$unord(x, y);
                    let r = x86::_mm_or_si128(x86::$si(both), x86::$si(nan));
                    // Keep the sign, exponent and quiet bit of a NaN lane: the canonical NaN.
                    let payload = x86::$srl(x86::$si(nan), $bits);
                    V128::of(x86::_mm_andnot_si128(payload, r))
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                let (x, y): ([$t; $n], [$t; $n]) = (super::lanes(a), super::lanes(b));
                super::join::<[$t; $n]>(std::array::from_fn(|i| $lane(x[i], y[i])))
            }
        }
    )*};
}

vector_min_max! {
    f32x4_min: f32, 4, min_f32, _mm_min_ps, _mm_or_ps, _mm_cmpunord_ps, _mm_srli_epi32, 10, _mm_castsi128_ps, _mm_castps_si128;
    f32x4_max: f32, 4, max_f32, _mm_max_ps, _mm_and_ps, _mm_cmpunord_ps, _mm_srli_epi32, 10, _mm_castsi128_ps, _mm_castps_si128;
    f64x2_min: f64, 2, min_f64, _mm_min_pd, _mm_or_pd, _mm_cmpunord_pd, _mm_srli_epi64, 13, _mm_castsi128_pd, _mm_castpd_si128;
    f64x2_max: f64, 2, max_f64, _mm_max_pd, _mm_and_pd, _mm_cmpunord_pd, _mm_srli_epi64, 13, _mm_castsi128_pd, _mm_castpd_si128;
}

macro_rules! min_max {
    ($min:ident, $max:ident, $f:ty) => {
        /// Wasm `min` of one lane: the canonical NaN if either is NaN; -0 is less than +0.
        // Allowed: x86-64 uses the SSE2 form (these are its tests' reference).
        #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
        #[inline(always)]
        pub(crate) fn $min(x: $f, y: $f) -> $f {
            if x.is_nan() || y.is_nan() {
                <$f>::NAN
            } else if x == y {
                // Only zeros of different signs compare equal with different bits.
                <$f>::from_bits(x.to_bits() | y.to_bits())
            } else if x < y {
                x
            } else {
                y
            }
        }

        /// Wasm `max` of one lane: the canonical NaN if either is NaN; +0 is greater than -0.
        // Allowed: as for the `min`.
        #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
        #[inline(always)]
        pub(crate) fn $max(x: $f, y: $f) -> $f {
            if x.is_nan() || y.is_nan() {
                <$f>::NAN
            } else if x == y {
                <$f>::from_bits(x.to_bits() & y.to_bits())
            } else if x > y {
                x
            } else {
                y
            }
        }
    };
}

min_max!(min_f32, max_f32, f32);
min_max!(min_f64, max_f64, f64);

/// The rounding modes of `roundps`/`roundpd` (with exceptions suppressed), and the same rounding
/// of one lane for the other paths (a NaN lane comes out quieted, as `roundps` returns it: libm's
/// functions return a signalling NaN unchanged, which the spec does not allow).
macro_rules! rounding {
    ($($name32:ident, $name64:ident, $mode:expr, |$x:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name32(v: V128) -> V128 {
            #[cfg(target_arch = "x86_64")]
            if super::has_sse41() {
                // SAFETY: the CPU has SSE4.1 (just checked).
                return V128::from_bits(unsafe { sse41::round_ps::<{ $mode }>(v.bits()) });
            }
            V128::from_bits(round_f32(v.bits(), |$x| $e))
        }

        #[inline(always)]
        pub(crate) fn $name64(v: V128) -> V128 {
            #[cfg(target_arch = "x86_64")]
            if super::has_sse41() {
                // SAFETY: the CPU has SSE4.1 (just checked).
                return V128::from_bits(unsafe { sse41::round_pd::<{ $mode }>(v.bits()) });
            }
            V128::from_bits(round_f64(v.bits(), |$x| $e))
        }
    )*};
}

/// Rounds each `f32` lane with `f`, a NaN lane quieted. Out of line (on `u128`s, see the module
/// `simd`): it calls the C library's rounding functions.
#[inline(never)]
fn round_f32(v: u128, f: impl Fn(f32) -> f32) -> u128 {
    let l: [f32; 4] = super::lanes(V128::from_bits(v));
    super::join(l.map(|x| if x.is_nan() { x + x } else { f(x) })).bits()
}

/// Rounds each `f64` lane with `f`, a NaN lane quieted (as `round_f32`).
#[inline(never)]
fn round_f64(v: u128, f: impl Fn(f64) -> f64) -> u128 {
    let l: [f64; 2] = super::lanes(V128::from_bits(v));
    super::join(l.map(|x| if x.is_nan() { x + x } else { f(x) })).bits()
}

/// `_MM_FROUND_TO_NEAREST_INT`, `_MM_FROUND_TO_NEG_INF`, `_MM_FROUND_TO_POS_INF`,
/// `_MM_FROUND_TO_ZERO`, each with `_MM_FROUND_NO_EXC`.
const NEAREST: i32 = 0x08;
const FLOOR: i32 = 0x09;
const CEIL: i32 = 0x0a;
const TRUNC: i32 = 0x0b;

rounding! {
    f32x4_ceil, f64x2_ceil, CEIL, |x| x.ceil();
    f32x4_floor, f64x2_floor, FLOOR, |x| x.floor();
    f32x4_trunc, f64x2_trunc, TRUNC, |x| x.trunc();
    f32x4_nearest, f64x2_nearest, NEAREST, |x| x.round_ties_even();
}

/// The SSE4.1 rounding instructions, for CPUs that have them.
#[cfg(target_arch = "x86_64")]
mod sse41 {
    use std::arch::x86_64::{
        _mm_castpd_si128, _mm_castps_si128, _mm_castsi128_pd, _mm_castsi128_ps, _mm_round_pd,
        _mm_round_ps,
    };

    use super::V128;

    /// `roundps` with rounding mode `MODE` (on `u128`s: this is not inlined, see the module
    /// `simd`).
    #[target_feature(enable = "sse4.1")]
    pub(super) fn round_ps<const MODE: i32>(v: u128) -> u128 {
        let v = _mm_castsi128_ps(V128::from_bits(v).m());
        V128::of(_mm_castps_si128(_mm_round_ps::<MODE>(v))).bits()
    }

    /// `roundpd` with rounding mode `MODE`.
    #[target_feature(enable = "sse4.1")]
    pub(super) fn round_pd<const MODE: i32>(v: u128) -> u128 {
        let v = _mm_castsi128_pd(V128::from_bits(v).m());
        V128::of(_mm_castpd_si128(_mm_round_pd::<MODE>(v))).bits()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{join, lanes};
    use super::*;

    fn f4(l: [f32; 4]) -> V128 {
        join(l)
    }

    #[test]
    fn min_max_order_zeros_and_give_nan() {
        let a = f4([-0.0, 0.0, f32::NAN, 1.0]);
        let b = f4([0.0, -0.0, 1.0, f32::from_bits(0x7f80_0001)]);
        let mn: [f32; 4] = lanes(f32x4_min(a, b));
        assert_eq!(mn[0].to_bits(), (-0.0f32).to_bits());
        assert_eq!(mn[1].to_bits(), (-0.0f32).to_bits());
        assert!(mn[2].is_nan() && mn[3].is_nan());
        assert_eq!(mn[3].to_bits() & 0x0040_0000, 0x0040_0000, "quiet");
        let mx: [f32; 4] = lanes(f32x4_max(a, b));
        assert_eq!(mx[0].to_bits(), 0);
        assert_eq!(mx[1].to_bits(), 0);
        assert!(mx[2].is_nan());
    }

    #[test]
    fn vector_min_max_match_the_lane_rule() {
        let specials = [
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            f32::NAN,
            -f32::NAN,
            f32::from_bits(0x7f80_0001),
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e-45,
            3.5,
        ];
        // Either sign of the canonical NaN will do; any other NaN would not.
        let canon = |b: u32| if b & 0x7fff_ffff == 0x7fc0_0000 { 0x7fc0_0000 } else { b };
        let canon64 = |b: u64| if b & !(1 << 63) == 0x7ff8 << 48 { 0x7ff8 << 48 } else { b };
        for &x in &specials {
            for &y in &specials {
                let (a, b) = (f4([x, y, x, y]), f4([y, x, y, x]));
                let mn: [u32; 4] = lanes(f32x4_min(a, b));
                let mx: [u32; 4] = lanes(f32x4_max(a, b));
                assert_eq!(canon(mn[0]), canon(min_f32(x, y).to_bits()), "min {x} {y}");
                assert_eq!(canon(mx[0]), canon(max_f32(x, y).to_bits()), "max {x} {y}");
                assert_eq!(canon(mn[1]), canon(min_f32(y, x).to_bits()));
                assert_eq!(canon(mx[1]), canon(max_f32(y, x).to_bits()));
                let (c, d) = (join([x as f64, y as f64]), join([y as f64, x as f64]));
                let (p, q) = (x as f64, y as f64);
                let mn: [u64; 2] = lanes(f64x2_min(c, d));
                let mx: [u64; 2] = lanes(f64x2_max(c, d));
                assert_eq!(canon64(mn[0]), canon64(min_f64(p, q).to_bits()));
                assert_eq!(canon64(mx[1]), canon64(max_f64(q, p).to_bits()));
            }
        }
    }

    #[test]
    fn pmin_pmax_keep_the_first_operand_unless_strictly_ordered() {
        let a = f4([f32::NAN, 1.0, -0.0, 2.0]);
        let b = f4([1.0, f32::NAN, 0.0, 1.0]);
        let p: [f32; 4] = lanes(f32x4_pmin(a, b));
        assert!(p[0].is_nan());
        assert_eq!(p[1], 1.0);
        assert_eq!(p[2].to_bits(), (-0.0f32).to_bits());
        assert_eq!(p[3], 1.0);
        let q: [f32; 4] = lanes(f32x4_pmax(a, b));
        assert!(q[0].is_nan());
        assert_eq!(q[3], 2.0);
    }

    #[test]
    fn rounding_is_exact_and_quiets_nans() {
        let v = f4([2.5, -2.5, -0.4, f32::from_bits(0x7fa0_0000)]);
        let n: [f32; 4] = lanes(f32x4_nearest(v));
        assert_eq!(n[..2], [2.0, -2.0]);
        assert_eq!(n[2].to_bits(), (-0.0f32).to_bits());
        assert!(n[3].is_nan() && n[3].to_bits() & 0x0040_0000 != 0);
        let c: [f32; 4] = lanes(f32x4_ceil(v));
        assert_eq!(c[..3], [3.0, -2.0, -0.0]);
        assert_eq!(c[2].to_bits(), (-0.0f32).to_bits());
        let f: [f64; 2] = lanes(f64x2_floor(join([-0.5f64, 1e300])));
        assert_eq!(f, [-1.0, 1e300]);
        let t: [f64; 2] =
            lanes(f64x2_trunc(join([-0.5f64, f64::from_bits(0x7ff0_0000_0000_0001)])));
        assert_eq!(t[0].to_bits(), (-0.0f64).to_bits());
        assert!(t[1].is_nan() && t[1].to_bits() & (1 << 51) != 0);
    }

    #[test]
    fn lane_rounding_matches_sse41() {
        // The lane code, which runs where SSE4.1 is missing, against the dispatching function.
        let nan = f32::from_bits(0x7fa0_0000);
        let vals = [0.5f32, 1.5, -1.5, -0.0, 1e30, -7.25, f32::INFINITY, nan, -0.7, 8388609.0];
        for c in vals.windows(4) {
            let v = f4([c[0], c[1], c[2], c[3]]);
            let b = v.bits();
            assert_eq!(f32x4_nearest(v).bits(), round_f32(b, f32::round_ties_even));
            assert_eq!(f32x4_ceil(v).bits(), round_f32(b, f32::ceil));
            assert_eq!(f32x4_floor(v).bits(), round_f32(b, f32::floor));
            assert_eq!(f32x4_trunc(v).bits(), round_f32(b, f32::trunc));
            let d = join([c[0] as f64 * 3.25, -(c[1] as f64)]);
            assert_eq!(f64x2_nearest(d).bits(), round_f64(d.bits(), f64::round_ties_even));
            assert_eq!(f64x2_floor(d).bits(), round_f64(d.bits(), f64::floor));
        }
    }

    #[test]
    fn comparisons_with_nan() {
        let a = f4([f32::NAN, 1.0, 1.0, -0.0]);
        let b = f4([f32::NAN, 2.0, 1.0, 0.0]);
        let ne: [u32; 4] = lanes(f32x4_ne(a, b));
        assert_eq!(ne, [!0, !0, 0, 0]);
        let le: [u32; 4] = lanes(f32x4_le(a, b));
        assert_eq!(le, [0, !0, !0, !0]);
    }

    #[test]
    fn sign_operations_touch_only_the_sign() {
        let nan = f32::from_bits(0x7fa0_0001);
        let v = f4([nan, -1.0, 0.0, -0.0]);
        let n: [u32; 4] = lanes(f32x4_neg(v));
        assert_eq!(n, [0xffa0_0001, 0x3f80_0000, 0x8000_0000, 0]);
        let a: [u32; 4] = lanes(f32x4_abs(f4([-nan, -1.0, 0.0, -0.0])));
        assert_eq!(a, [0x7fa0_0001, 0x3f80_0000, 0, 0]);
    }
}
