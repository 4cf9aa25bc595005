//! The SIMD handlers, expanded inside `define_handlers!` (so in both dispatch modes): the family
//! macros below, and one line per op in the files by family (`lanes`: integer lanes, bitwise
//! operations and lane access; `float`: float lanes and conversions; `memory`: loads and stores;
//! `relaxed`: relaxed SIMD). The semantics are `crate::runtime::simd`'s functions, inlined.
//!
//! A handler reads each `v128` operand with one 16-byte load (`rd128`), computes with vector
//! instructions, and writes its result with one 16-byte store (`wr128`), after reading every
//! operand: a result may overwrite its operands' slots.

/// `dst = f(src)`, `v128` to `v128`.
macro_rules! v_unary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src } => { wr128($fp, dst, $f(rd128($fp, src))); });
    )*};
}

/// `dst = f(lhs, rhs)`, `v128`s.
macro_rules! v_binary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => { let r = $f(rd128($fp, lhs), rd128($fp, rhs)); wr128($fp, dst, r); });
    )*};
}

/// `dst = f(a, b, c)`, `v128`s, `c` named by the extension word.
macro_rules! v_ternary {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, a, b } => {
            let (c, _) = ext($ip);
            let r = $f(rd128($fp, a), rd128($fp, b), rd128($fp, c));
            wr128($fp, dst, r);
            return next($ip.add(2), $fp, $mb, $ml, $cx, $acc);
        });
    )*};
}

/// `dst = f(lhs, count)`: a `v128` shifted by the i32 in `rhs`.
macro_rules! v_shift {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, lhs, rhs } => { let r = $f(rd128($fp, lhs), rd($fp, rhs) as u32); wr128($fp, dst, r); });
    )*};
}

/// `dst = f(src)`, a `v128` to an i32 (a `bool` or a `u32`).
macro_rules! v_test {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src } => { wr($fp, dst, $f(rd128($fp, src)) as u64); });
    )*};
}

/// `dst = f(src)`, a scalar (the slot's bits as `$t`) to a `v128`.
macro_rules! v_splat {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident: $t:ty => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src } => { wr128($fp, dst, $f(rd($fp, src) as $t)); });
    )*};
}

/// `dst = f(src, lane)`, a lane as slot bits (`$t` the function's result, sign-extended to 32
/// bits or zero-extended to the slot as a value of that type is).
macro_rules! v_extract {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident => $f:path, |$x:ident| $e:expr;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src, lane } => { let $x = $f(rd128($fp, src), lane); wr($fp, dst, $e); });
    )*};
}

/// `dst = f(src, lane, x)`: `src` with a lane replaced by the scalar the extension word names
/// (its slot bits as `$t`).
macro_rules! v_replace {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($op:ident: $t:ty => $f:path;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, src, lane } => {
            let (x, _) = ext($ip);
            let r = $f(rd128($fp, src), lane, rd($fp, x) as $t);
            wr128($fp, dst, r);
            return next($ip.add(2), $fp, $mb, $ml, $cx, $acc);
        });
    )*};
}

pub(super) use {v_binary, v_extract, v_replace, v_shift, v_splat, v_ternary, v_test, v_unary};

/// Every SIMD handler.
macro_rules! define_simd_handlers {
    () => {
        use super::simd::memory::{v128_bytes, widen};
        use super::simd::{
            v_binary, v_extract, v_replace, v_shift, v_splat, v_ternary, v_test, v_unary,
        };
        use super::{rd128, wr128};
        use crate::interp::isa::V128LoadKind;
        use crate::runtime::simd::{bits, convert, float, int, relaxed};

        super::simd::lanes::define_simd_lane_handlers!();
        super::simd::float::define_simd_float_handlers!();
        super::simd::memory::define_simd_memory_handlers!();
        super::simd::relaxed::define_simd_relaxed_handlers!();
    };
}

pub(super) use define_simd_handlers;

pub(super) mod float;
pub(super) mod lanes;
pub(super) mod memory;
pub(super) mod relaxed;
