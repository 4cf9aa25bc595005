//! Integer lanes: arithmetic (wrapping and saturating), min/max, averages, shifts (the count taken
//! modulo the lane width), comparisons (all-ones lanes where they hold), and the instructions
//! that change the lane width: narrowing with saturation, extension, extending multiplies,
//! pairwise sums, dot products and the Q15 multiply.

use super::{V128, join, lanes, lanewise, mask};

lanewise! {
    i8x16_add(a, b): [u8; 16] => [u8; 16], |x, y| x.wrapping_add(y);
    i8x16_sub(a, b): [u8; 16] => [u8; 16], |x, y| x.wrapping_sub(y);
    i8x16_add_sat_s(a, b): [i8; 16] => [i8; 16], |x, y| x.saturating_add(y);
    i8x16_add_sat_u(a, b): [u8; 16] => [u8; 16], |x, y| x.saturating_add(y);
    i8x16_sub_sat_s(a, b): [i8; 16] => [i8; 16], |x, y| x.saturating_sub(y);
    i8x16_sub_sat_u(a, b): [u8; 16] => [u8; 16], |x, y| x.saturating_sub(y);
    i8x16_min_s(a, b): [i8; 16] => [i8; 16], |x, y| x.min(y);
    i8x16_min_u(a, b): [u8; 16] => [u8; 16], |x, y| x.min(y);
    i8x16_max_s(a, b): [i8; 16] => [i8; 16], |x, y| x.max(y);
    i8x16_max_u(a, b): [u8; 16] => [u8; 16], |x, y| x.max(y);
    i8x16_avgr_u(a, b): [u8; 16] => [u8; 16], |x, y| ((x as u16 + y as u16 + 1) >> 1) as u8;
    i8x16_abs(a): [i8; 16] => [i8; 16], |x| x.wrapping_abs();
    i8x16_neg(a): [i8; 16] => [i8; 16], |x| x.wrapping_neg();
    i8x16_popcnt(a): [u8; 16] => [u8; 16], |x| x.count_ones() as u8;

    i16x8_add(a, b): [u16; 8] => [u16; 8], |x, y| x.wrapping_add(y);
    i16x8_sub(a, b): [u16; 8] => [u16; 8], |x, y| x.wrapping_sub(y);
    i16x8_mul(a, b): [u16; 8] => [u16; 8], |x, y| x.wrapping_mul(y);
    i16x8_add_sat_s(a, b): [i16; 8] => [i16; 8], |x, y| x.saturating_add(y);
    i16x8_add_sat_u(a, b): [u16; 8] => [u16; 8], |x, y| x.saturating_add(y);
    i16x8_sub_sat_s(a, b): [i16; 8] => [i16; 8], |x, y| x.saturating_sub(y);
    i16x8_sub_sat_u(a, b): [u16; 8] => [u16; 8], |x, y| x.saturating_sub(y);
    i16x8_min_s(a, b): [i16; 8] => [i16; 8], |x, y| x.min(y);
    i16x8_min_u(a, b): [u16; 8] => [u16; 8], |x, y| x.min(y);
    i16x8_max_s(a, b): [i16; 8] => [i16; 8], |x, y| x.max(y);
    i16x8_max_u(a, b): [u16; 8] => [u16; 8], |x, y| x.max(y);
    i16x8_avgr_u(a, b): [u16; 8] => [u16; 8], |x, y| ((x as u32 + y as u32 + 1) >> 1) as u16;
    i16x8_abs(a): [i16; 8] => [i16; 8], |x| x.wrapping_abs();
    i16x8_neg(a): [i16; 8] => [i16; 8], |x| x.wrapping_neg();
    /// `(x * y + 0x4000) >> 15`, saturated (only `-32768 * -32768` overflows).
    i16x8_q15mulr_sat_s(a, b): [i16; 8] => [i16; 8], |x, y| {
        let r = (x as i32 * y as i32 + 0x4000) >> 15;
        r.clamp(i16::MIN as i32, i16::MAX as i32) as i16
    };

    i32x4_add(a, b): [u32; 4] => [u32; 4], |x, y| x.wrapping_add(y);
    i32x4_sub(a, b): [u32; 4] => [u32; 4], |x, y| x.wrapping_sub(y);
    i32x4_mul(a, b): [u32; 4] => [u32; 4], |x, y| x.wrapping_mul(y);
    i32x4_min_s(a, b): [i32; 4] => [i32; 4], |x, y| x.min(y);
    i32x4_min_u(a, b): [u32; 4] => [u32; 4], |x, y| x.min(y);
    i32x4_max_s(a, b): [i32; 4] => [i32; 4], |x, y| x.max(y);
    i32x4_max_u(a, b): [u32; 4] => [u32; 4], |x, y| x.max(y);
    i32x4_abs(a): [i32; 4] => [i32; 4], |x| x.wrapping_abs();
    i32x4_neg(a): [i32; 4] => [i32; 4], |x| x.wrapping_neg();

    i64x2_add(a, b): [u64; 2] => [u64; 2], |x, y| x.wrapping_add(y);
    i64x2_sub(a, b): [u64; 2] => [u64; 2], |x, y| x.wrapping_sub(y);
    i64x2_mul(a, b): [u64; 2] => [u64; 2], |x, y| x.wrapping_mul(y);
    i64x2_abs(a): [i64; 2] => [i64; 2], |x| x.wrapping_abs();
    i64x2_neg(a): [i64; 2] => [i64; 2], |x| x.wrapping_neg();

    i8x16_eq(a, b): [u8; 16] => [u8; 16], |x, y| mask(x == y);
    i8x16_ne(a, b): [u8; 16] => [u8; 16], |x, y| mask(x != y);
    i8x16_lt_s(a, b): [i8; 16] => [u8; 16], |x, y| mask(x < y);
    i8x16_lt_u(a, b): [u8; 16] => [u8; 16], |x, y| mask(x < y);
    i8x16_gt_s(a, b): [i8; 16] => [u8; 16], |x, y| mask(x > y);
    i8x16_gt_u(a, b): [u8; 16] => [u8; 16], |x, y| mask(x > y);
    i8x16_le_s(a, b): [i8; 16] => [u8; 16], |x, y| mask(x <= y);
    i8x16_le_u(a, b): [u8; 16] => [u8; 16], |x, y| mask(x <= y);
    i8x16_ge_s(a, b): [i8; 16] => [u8; 16], |x, y| mask(x >= y);
    i8x16_ge_u(a, b): [u8; 16] => [u8; 16], |x, y| mask(x >= y);
    i16x8_eq(a, b): [u16; 8] => [u16; 8], |x, y| mask(x == y);
    i16x8_ne(a, b): [u16; 8] => [u16; 8], |x, y| mask(x != y);
    i16x8_lt_s(a, b): [i16; 8] => [u16; 8], |x, y| mask(x < y);
    i16x8_lt_u(a, b): [u16; 8] => [u16; 8], |x, y| mask(x < y);
    i16x8_gt_s(a, b): [i16; 8] => [u16; 8], |x, y| mask(x > y);
    i16x8_gt_u(a, b): [u16; 8] => [u16; 8], |x, y| mask(x > y);
    i16x8_le_s(a, b): [i16; 8] => [u16; 8], |x, y| mask(x <= y);
    i16x8_le_u(a, b): [u16; 8] => [u16; 8], |x, y| mask(x <= y);
    i16x8_ge_s(a, b): [i16; 8] => [u16; 8], |x, y| mask(x >= y);
    i16x8_ge_u(a, b): [u16; 8] => [u16; 8], |x, y| mask(x >= y);
    i32x4_eq(a, b): [u32; 4] => [u32; 4], |x, y| mask(x == y);
    i32x4_ne(a, b): [u32; 4] => [u32; 4], |x, y| mask(x != y);
    i32x4_lt_s(a, b): [i32; 4] => [u32; 4], |x, y| mask(x < y);
    i32x4_lt_u(a, b): [u32; 4] => [u32; 4], |x, y| mask(x < y);
    i32x4_gt_s(a, b): [i32; 4] => [u32; 4], |x, y| mask(x > y);
    i32x4_gt_u(a, b): [u32; 4] => [u32; 4], |x, y| mask(x > y);
    i32x4_le_s(a, b): [i32; 4] => [u32; 4], |x, y| mask(x <= y);
    i32x4_le_u(a, b): [u32; 4] => [u32; 4], |x, y| mask(x <= y);
    i32x4_ge_s(a, b): [i32; 4] => [u32; 4], |x, y| mask(x >= y);
    i32x4_ge_u(a, b): [u32; 4] => [u32; 4], |x, y| mask(x >= y);
    i64x2_eq(a, b): [u64; 2] => [u64; 2], |x, y| mask(x == y);
    i64x2_ne(a, b): [u64; 2] => [u64; 2], |x, y| mask(x != y);
    i64x2_lt_s(a, b): [i64; 2] => [u64; 2], |x, y| mask(x < y);
    i64x2_gt_s(a, b): [i64; 2] => [u64; 2], |x, y| mask(x > y);
    i64x2_le_s(a, b): [i64; 2] => [u64; 2], |x, y| mask(x <= y);
    i64x2_ge_s(a, b): [i64; 2] => [u64; 2], |x, y| mask(x >= y);
}

/// Shifts: `name(v, count)`, every lane shifted by `count` modulo the lane width (`wrapping_shl`
/// and `wrapping_shr` take the count modulo the width).
macro_rules! shifts {
    ($($name:ident: $t:ty, $n:literal, |$x:ident, $c:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(v: V128, count: u32) -> V128 {
            let l: [$t; $n] = lanes(v);
            let $c = count;
            join::<[$t; $n]>(std::array::from_fn(|i| { let $x = l[i]; $e }))
        }
    )*};
}

shifts! {
    i8x16_shl: u8, 16, |x, c| x.wrapping_shl(c);
    i8x16_shr_s: i8, 16, |x, c| x.wrapping_shr(c);
    i8x16_shr_u: u8, 16, |x, c| x.wrapping_shr(c);
    i16x8_shl: u16, 8, |x, c| x.wrapping_shl(c);
    i16x8_shr_s: i16, 8, |x, c| x.wrapping_shr(c);
    i16x8_shr_u: u16, 8, |x, c| x.wrapping_shr(c);
    i32x4_shl: u32, 4, |x, c| x.wrapping_shl(c);
    i32x4_shr_s: i32, 4, |x, c| x.wrapping_shr(c);
    i32x4_shr_u: u32, 4, |x, c| x.wrapping_shr(c);
    i64x2_shl: u64, 2, |x, c| x.wrapping_shl(c);
    i64x2_shr_s: i64, 2, |x, c| x.wrapping_shr(c);
    i64x2_shr_u: u64, 2, |x, c| x.wrapping_shr(c);
}

/// Narrowing: the lanes of `a`, then those of `b`, each saturated to the narrower lane (the
/// inputs are signed in both forms; `_u` saturates to the unsigned range).
macro_rules! narrow {
    ($($name:ident: $from:ty, $n:literal => $to:ty, $lo:expr, $hi:expr;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(a: V128, b: V128) -> V128 {
            let (a, b): ([$from; $n], [$from; $n]) = (lanes(a), lanes(b));
            let out: [$to; 2 * $n] = std::array::from_fn(|i| {
                let x = if i < $n { a[i] } else { b[i - $n] };
                x.clamp($lo, $hi) as $to
            });
            join(out)
        }
    )*};
}

narrow! {
    i8x16_narrow_i16x8_s: i16, 8 => i8, i8::MIN as i16, i8::MAX as i16;
    i8x16_narrow_i16x8_u: i16, 8 => u8, 0, u8::MAX as i16;
    i16x8_narrow_i32x4_s: i32, 4 => i16, i16::MIN as i32, i16::MAX as i32;
    i16x8_narrow_i32x4_u: i32, 4 => u16, 0, u16::MAX as i32;
}

/// Extension: the low or high half of the lanes, each widened (sign- or zero-extended).
macro_rules! extend {
    ($($low:ident, $high:ident: $from:ty, $n:literal => $to:ty;)*) => {$(
        #[inline(always)]
        pub(crate) fn $low(v: V128) -> V128 {
            let l: [$from; 2 * $n] = lanes(v);
            join::<[$to; $n]>(std::array::from_fn(|i| l[i] as $to))
        }

        #[inline(always)]
        pub(crate) fn $high(v: V128) -> V128 {
            let l: [$from; 2 * $n] = lanes(v);
            join::<[$to; $n]>(std::array::from_fn(|i| l[$n + i] as $to))
        }
    )*};
}

extend! {
    i16x8_extend_low_i8x16_s, i16x8_extend_high_i8x16_s: i8, 8 => i16;
    i16x8_extend_low_i8x16_u, i16x8_extend_high_i8x16_u: u8, 8 => u16;
    i32x4_extend_low_i16x8_s, i32x4_extend_high_i16x8_s: i16, 4 => i32;
    i32x4_extend_low_i16x8_u, i32x4_extend_high_i16x8_u: u16, 4 => u32;
    i64x2_extend_low_i32x4_s, i64x2_extend_high_i32x4_s: i32, 2 => i64;
    i64x2_extend_low_i32x4_u, i64x2_extend_high_i32x4_u: u32, 2 => u64;
}

/// Extending multiplies: the low or high halves of both operands, widened, multiplied (the
/// product of two widened lanes always fits, except for the wrap of nothing: it is exact).
macro_rules! extmul {
    ($($low:ident, $high:ident: $from:ty, $n:literal => $to:ty;)*) => {$(
        #[inline(always)]
        pub(crate) fn $low(a: V128, b: V128) -> V128 {
            let (a, b): ([$from; 2 * $n], [$from; 2 * $n]) = (lanes(a), lanes(b));
            join::<[$to; $n]>(std::array::from_fn(|i| (a[i] as $to).wrapping_mul(b[i] as $to)))
        }

        #[inline(always)]
        pub(crate) fn $high(a: V128, b: V128) -> V128 {
            let (a, b): ([$from; 2 * $n], [$from; 2 * $n]) = (lanes(a), lanes(b));
            join::<[$to; $n]>(std::array::from_fn(|i| {
                (a[$n + i] as $to).wrapping_mul(b[$n + i] as $to)
            }))
        }
    )*};
}

extmul! {
    i16x8_extmul_low_i8x16_s, i16x8_extmul_high_i8x16_s: i8, 8 => i16;
    i16x8_extmul_low_i8x16_u, i16x8_extmul_high_i8x16_u: u8, 8 => u16;
    i32x4_extmul_low_i16x8_s, i32x4_extmul_high_i16x8_s: i16, 4 => i32;
    i32x4_extmul_low_i16x8_u, i32x4_extmul_high_i16x8_u: u16, 4 => u32;
    i64x2_extmul_low_i32x4_s, i64x2_extmul_high_i32x4_s: i32, 2 => i64;
    i64x2_extmul_low_i32x4_u, i64x2_extmul_high_i32x4_u: u32, 2 => u64;
}

/// Pairwise sums: lane `i` is the widened sum of lanes `2i` and `2i + 1`.
macro_rules! extadd_pairwise {
    ($($name:ident: $from:ty, $n:literal => $to:ty;)*) => {$(
        #[inline(always)]
        pub(crate) fn $name(v: V128) -> V128 {
            let l: [$from; 2 * $n] = lanes(v);
            join::<[$to; $n]>(std::array::from_fn(|i| l[2 * i] as $to + l[2 * i + 1] as $to))
        }
    )*};
}

extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s: i8, 8 => i16;
    i16x8_extadd_pairwise_i8x16_u: u8, 8 => u16;
    i32x4_extadd_pairwise_i16x8_s: i16, 4 => i32;
    i32x4_extadd_pairwise_i16x8_u: u16, 4 => u32;
}

/// `i32x4.dot_i16x8_s`: lane `i` is `a[2i] * b[2i] + a[2i+1] * b[2i+1]`, wrapping (only
/// `-32768 * -32768` twice overflows, to `i32::MIN`, as `pmaddwd` does).
#[inline(always)]
pub(crate) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
    let (a, b): ([i16; 8], [i16; 8]) = (lanes(a), lanes(b));
    join::<[i32; 4]>(std::array::from_fn(|i| {
        (a[2 * i] as i32 * b[2 * i] as i32).wrapping_add(a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v8(l: [i8; 16]) -> V128 {
        join(l)
    }
    fn v16(l: [i16; 8]) -> V128 {
        join(l)
    }
    fn v32(l: [i32; 4]) -> V128 {
        join(l)
    }

    #[test]
    fn saturating_arithmetic() {
        let a = v8([127, -128, 100, -100, 0, 1, -1, 50, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = v8([1, -1, 100, -100, 0, -1, 1, 50, 0, 0, 0, 0, 0, 0, 0, 0]);
        let s: [i8; 16] = lanes(i8x16_add_sat_s(a, b));
        assert_eq!(s[..8], [127, -128, 127, -128, 0, 0, 0, 100]);
        let u: [u8; 16] = lanes(i8x16_add_sat_u(a, b));
        assert_eq!(u[..4], [128, 255, 200, 255]);
        let d: [u8; 16] = lanes(i8x16_sub_sat_u(b, a));
        assert_eq!(d[..4], [0, 127, 0, 0]);
        let w: [i16; 8] = lanes(i16x8_sub_sat_s(
            v16([-32768, 32767, 0, 0, 0, 0, 0, 0]),
            v16([1, -1, 0, 0, 0, 0, 0, 0]),
        ));
        assert_eq!(w[..2], [-32768, 32767]);
    }

    #[test]
    fn shift_counts_wrap_at_the_lane_width() {
        let v = v32([1, -8, i32::MIN, 3]);
        assert_eq!(i32x4_shl(v, 33), i32x4_shl(v, 1));
        let s: [i32; 4] = lanes(i32x4_shr_s(v, 32 + 2));
        assert_eq!(s, [0, -2, -(1 << 29), 0]);
        let u: [u32; 4] = lanes(i32x4_shr_u(v, 2));
        assert_eq!(u[1], (-8i32 as u32) >> 2);
        let b: [i8; 16] = lanes(i8x16_shr_s(v8([-128; 16]), 9));
        assert_eq!(b[0], -64);
        let b: [u8; 16] = lanes(i8x16_shl(v8([1; 16]), 15));
        assert_eq!(b[0], 128);
        let q: [i64; 2] = lanes(i64x2_shr_s(join([-4i64, 4]), 65));
        assert_eq!(q, [-2, 2]);
    }

    #[test]
    fn narrowing_saturates() {
        let a = v16([300, -300, 127, -128, 128, -129, 0, 255]);
        let s: [i8; 16] = lanes(i8x16_narrow_i16x8_s(a, a));
        assert_eq!(s[..8], [127, -128, 127, -128, 127, -128, 0, 127]);
        let u: [u8; 16] = lanes(i8x16_narrow_i16x8_u(a, v16([0; 8])));
        assert_eq!(u[..8], [255, 0, 127, 0, 128, 0, 0, 255]);
        assert_eq!(u[8..], [0; 8]);
        let w: [u16; 8] = lanes(i16x8_narrow_i32x4_u(v32([70000, -1, 65535, 1]), v32([0; 4])));
        assert_eq!(w[..4], [65535, 0, 65535, 1]);
    }

    #[test]
    fn widening() {
        let v = v8([-1, 2, -3, 4, 5, 6, 7, 8, -9, 10, 11, 12, 13, 14, 15, -16]);
        let lo: [i16; 8] = lanes(i16x8_extend_low_i8x16_s(v));
        assert_eq!(lo[..3], [-1, 2, -3]);
        let hi: [u16; 8] = lanes(i16x8_extend_high_i8x16_u(v));
        assert_eq!(hi[0], 247);
        assert_eq!(hi[7], 240);
        let p: [i16; 8] = lanes(i16x8_extadd_pairwise_i8x16_s(v));
        assert_eq!(p[0], 1);
        let m: [i64; 2] =
            lanes(i64x2_extmul_high_i32x4_s(v32([0, 0, i32::MIN, -1]), v32([0, 0, i32::MIN, 5])));
        assert_eq!(m, [1 << 62, -5]);
        let mu: [u64; 2] = lanes(i64x2_extmul_low_i32x4_u(v32([-1, 2, 0, 0]), v32([-1, 3, 0, 0])));
        assert_eq!(mu, [u32::MAX as u64 * u32::MAX as u64, 6]);
    }

    #[test]
    fn dot_and_q15() {
        let m = v16([-32768; 8]);
        let d: [i32; 4] = lanes(i32x4_dot_i16x8_s(m, m));
        assert_eq!(d, [i32::MIN; 4]);
        let q: [i16; 8] = lanes(i16x8_q15mulr_sat_s(m, m));
        assert_eq!(q, [32767; 8]);
        let q: [i16; 8] = lanes(i16x8_q15mulr_sat_s(
            v16([16384, -16384, 1, 0, 0, 0, 0, 0]),
            v16([16384, 16384, 16384, 0, 0, 0, 0, 0]),
        ));
        assert_eq!(q[..3], [8192, -8192, 1]);
    }

    #[test]
    fn comparisons_and_min_max() {
        let a = v32([-1, 0, 5, i32::MIN]);
        let b = v32([1, 0, 4, i32::MAX]);
        let lt_s: [i32; 4] = lanes(i32x4_lt_s(a, b));
        assert_eq!(lt_s, [-1, 0, 0, -1]);
        let lt_u: [i32; 4] = lanes(i32x4_lt_u(a, b));
        assert_eq!(lt_u, [0, 0, 0, 0]);
        let ge: [i32; 4] = lanes(i32x4_ge_u(a, b));
        assert_eq!(ge, [-1, -1, -1, -1]);
        let mn: [i32; 4] = lanes(i32x4_min_u(a, b));
        assert_eq!(mn, [1, 0, 4, i32::MAX]);
        let ab: [i32; 4] = lanes(i32x4_abs(a));
        assert_eq!(ab, [1, 0, 5, i32::MIN]);
        let av: [u8; 16] = lanes(i8x16_avgr_u(v8([-1; 16]), v8([-2; 16])));
        assert_eq!(av[0], 255);
        let pc: [u8; 16] =
            lanes(i8x16_popcnt(v8([-1, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
        assert_eq!(pc[..3], [8, 0, 3]);
    }
}
