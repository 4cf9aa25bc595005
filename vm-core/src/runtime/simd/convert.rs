//! Conversions between integer and float lanes: saturating truncation (NaN to 0, out of range to
//! the nearest bound, which is what Rust's `as` does), conversion to float (rounding to nearest),
//! and the `f32`/`f64` demotion and promotion, whose missing lanes are zero.

use super::{V128, join, lanes, lanewise};

lanewise! {
    i32x4_trunc_sat_f32x4_s(a): [f32; 4] => [i32; 4], |x| x as i32;
    i32x4_trunc_sat_f32x4_u(a): [f32; 4] => [u32; 4], |x| x as u32;
    f32x4_convert_i32x4_s(a): [i32; 4] => [f32; 4], |x| x as f32;
    f32x4_convert_i32x4_u(a): [u32; 4] => [f32; 4], |x| x as f32;
}

/// `i32x4.trunc_sat_f64x2_s_zero`: the two lanes truncated with saturation, then two zero lanes.
#[inline(always)]
pub(crate) fn i32x4_trunc_sat_f64x2_s_zero(v: V128) -> V128 {
    let l: [f64; 2] = lanes(v);
    join([l[0] as i32, l[1] as i32, 0, 0])
}

/// `i32x4.trunc_sat_f64x2_u_zero`.
#[inline(always)]
pub(crate) fn i32x4_trunc_sat_f64x2_u_zero(v: V128) -> V128 {
    let l: [f64; 2] = lanes(v);
    join([l[0] as u32, l[1] as u32, 0, 0])
}

/// `f64x2.convert_low_i32x4_s`: the two low lanes, exactly.
#[inline(always)]
pub(crate) fn f64x2_convert_low_i32x4_s(v: V128) -> V128 {
    let l: [i32; 4] = lanes(v);
    join([l[0] as f64, l[1] as f64])
}

/// `f64x2.convert_low_i32x4_u`.
#[inline(always)]
pub(crate) fn f64x2_convert_low_i32x4_u(v: V128) -> V128 {
    let l: [u32; 4] = lanes(v);
    join([l[0] as f64, l[1] as f64])
}

/// `f32x4.demote_f64x2_zero`: the two lanes rounded to `f32` (a NaN stays a quiet NaN), then two
/// zero lanes.
#[inline(always)]
pub(crate) fn f32x4_demote_f64x2_zero(v: V128) -> V128 {
    let l: [f64; 2] = lanes(v);
    join([l[0] as f32, l[1] as f32, 0.0, 0.0])
}

/// `f64x2.promote_low_f32x4`: the two low lanes, exactly (a NaN stays a quiet NaN).
#[inline(always)]
pub(crate) fn f64x2_promote_low_f32x4(v: V128) -> V128 {
    let l: [f32; 4] = lanes(v);
    join([l[0] as f64, l[1] as f64])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_saturates_at_the_bounds() {
        let v = join([f32::NAN, 3e9, -3e9, -1.9f32]);
        let s: [i32; 4] = lanes(i32x4_trunc_sat_f32x4_s(v));
        assert_eq!(s, [0, i32::MAX, i32::MIN, -1]);
        let u: [u32; 4] = lanes(i32x4_trunc_sat_f32x4_u(v));
        assert_eq!(u, [0, 3_000_000_000, 0, 0]);
        let u: [u32; 4] =
            lanes(i32x4_trunc_sat_f32x4_u(join([4.3e9f32, 4294967040.0, 0.99, -0.99])));
        assert_eq!(u, [u32::MAX, 4294967040, 0, 0]);
        let d: [i32; 4] =
            lanes(i32x4_trunc_sat_f64x2_s_zero(join([2147483647.9f64, -2147483648.9])));
        assert_eq!(d, [i32::MAX, i32::MIN, 0, 0]);
        let d: [u32; 4] = lanes(i32x4_trunc_sat_f64x2_u_zero(join([4294967295.9f64, f64::NAN])));
        assert_eq!(d, [u32::MAX, 0, 0, 0]);
    }

    #[test]
    fn conversions_round_to_nearest() {
        let f: [f32; 4] = lanes(f32x4_convert_i32x4_u(join([u32::MAX, 16777217, 1, 0])));
        assert_eq!(f, [4294967296.0, 16777216.0, 1.0, 0.0]);
        let f: [f32; 4] = lanes(f32x4_convert_i32x4_s(join([i32::MIN, -16777217, 1, 0])));
        assert_eq!(f, [-2147483648.0, -16777216.0, 1.0, 0.0]);
        let d: [f64; 2] = lanes(f64x2_convert_low_i32x4_u(join([u32::MAX, 7, 9, 9])));
        assert_eq!(d, [4294967295.0, 7.0]);
        let d: [f64; 2] = lanes(f64x2_convert_low_i32x4_s(join([-1i32, i32::MIN, 9, 9])));
        assert_eq!(d, [-1.0, -2147483648.0]);
    }

    #[test]
    fn demotion_and_promotion() {
        let v: [f32; 4] = lanes(f32x4_demote_f64x2_zero(join([1e300f64, 0.1])));
        assert_eq!(v, [f32::INFINITY, 0.1f32, 0.0, 0.0]);
        let n: [f32; 4] = lanes(f32x4_demote_f64x2_zero(join([f64::NAN, -0.0])));
        assert!(n[0].is_nan());
        assert_eq!(n[1].to_bits(), 0x8000_0000);
        let p: [f64; 2] = lanes(f64x2_promote_low_f32x4(join([0.1f32, -0.0, 5.0, 5.0])));
        assert_eq!(p, [0.1f32 as f64, -0.0]);
    }
}
