//! The numeric semantics the spec defines and Rust's operators do not give directly: trapping
//! division and float-to-int conversion, and NaN- and zero-sign-exact `min`/`max`.

use crate::trap::TrapCode;

macro_rules! int_div {
    ($div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident, $s:ty, $u:ty) => {
        #[inline(always)]
        pub fn $div_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivideByZero)
            } else if a == <$s>::MIN && b == -1 {
                Err(TrapCode::IntegerOverflow)
            } else {
                Ok(a / b)
            }
        }

        #[inline(always)]
        pub fn $div_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            if b == 0 { Err(TrapCode::IntegerDivideByZero) } else { Ok(a / b) }
        }

        #[inline(always)]
        pub fn $rem_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 { Err(TrapCode::IntegerDivideByZero) } else { Ok(a.wrapping_rem(b)) }
        }

        #[inline(always)]
        pub fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            if b == 0 { Err(TrapCode::IntegerDivideByZero) } else { Ok(a % b) }
        }
    };
}

int_div!(i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, i32, u32);
int_div!(i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, i64, u64);

macro_rules! float_min_max {
    ($min:ident, $max:ident, $f:ty) => {
        /// `min`: NaN if either operand is NaN; -0 is less than +0.
        #[inline(always)]
        pub fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                // Adding propagates a NaN operand and quiets it: an arithmetic NaN.
                a + b
            } else if a == b {
                // Only zeros of different signs compare equal with different bits.
                <$f>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }

        /// `max`: NaN if either operand is NaN; +0 is greater than -0.
        #[inline(always)]
        pub fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$f>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
    };
}

float_min_max!(f32_min, f32_max, f32);
float_min_max!(f64_min, f64_max, f64);

/// Rounding that returns an arithmetic (quiet) NaN for a NaN operand: libm's rounding functions
/// return a signalling NaN unchanged, which the spec does not allow.
macro_rules! rounding {
    ($name:ident, $f:ty, $op:ident) => {
        #[inline(always)]
        pub fn $name(x: $f) -> $f {
            if x.is_nan() { x + x } else { x.$op() }
        }
    };
}

rounding!(f32_ceil, f32, ceil);
rounding!(f32_floor, f32, floor);
rounding!(f32_trunc, f32, trunc);
rounding!(f32_nearest, f32, round_ties_even);
rounding!(f64_ceil, f64, ceil);
rounding!(f64_floor, f64, floor);
rounding!(f64_trunc, f64, trunc);
rounding!(f64_nearest, f64, round_ties_even);

/// Checked float-to-int truncation: NaN is an invalid conversion, anything whose truncation does
/// not fit is an overflow. `lo` and `hi` are the exclusive bounds of what fits.
macro_rules! trunc {
    ($name:ident, $f:ty, $i:ty, $lo:expr, $hi:expr) => {
        #[inline(always)]
        pub fn $name(x: $f) -> Result<$i, TrapCode> {
            if x.is_nan() {
                Err(TrapCode::BadConversionToInteger)
            } else if x <= $lo || x >= $hi {
                Err(TrapCode::IntegerOverflow)
            } else {
                Ok(x as $i)
            }
        }
    };
}

trunc!(i32_trunc_f32_s, f32, i32, -2147483904.0_f32, 2147483648.0_f32);
trunc!(i32_trunc_f32_u, f32, u32, -1.0_f32, 4294967296.0_f32);
trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0_f64, 2147483648.0_f64);
trunc!(i32_trunc_f64_u, f64, u32, -1.0_f64, 4294967296.0_f64);
trunc!(i64_trunc_f32_s, f32, i64, -9223373136366403584.0_f32, 9223372036854775808.0_f32);
trunc!(i64_trunc_f32_u, f32, u64, -1.0_f32, 18446744073709551616.0_f32);
trunc!(i64_trunc_f64_s, f64, i64, -9223372036854777856.0_f64, 9223372036854775808.0_f64);
trunc!(i64_trunc_f64_u, f64, u64, -1.0_f64, 18446744073709551616.0_f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(7, 0), Err(TrapCode::IntegerDivideByZero));
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(u64::MAX, 2), Ok(u64::MAX / 2));
        assert_eq!(i32_div_s(-7, 2), Ok(-3));
        assert_eq!(i32_rem_s(-7, 2), Ok(-1));
    }

    #[test]
    fn min_max_follow_the_spec() {
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f32_min(0.0, -0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f32_max(-0.0, 0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
    }

    #[test]
    fn rounding_quiets_nan() {
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_floor(snan).to_bits() & 0x7fc0_0000, 0x7fc0_0000);
        assert_eq!(f64_nearest(2.5), 2.0);
        assert_eq!(f64_nearest(-3.5), -4.0);
    }

    #[test]
    fn truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(-1.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i64_trunc_f64_s(f64::NAN), Err(TrapCode::BadConversionToInteger));
        assert_eq!(i64_trunc_f32_u(18446742974197923840.0), Ok(18446742974197923840));
    }
}
