//! The handlers of `v128` loads and stores: on memory 0 (32-bit, 32-bit offset) with the bounds
//! check inline, `ea + n <= ml` for the `n` bytes the access touches (failing into `beyond_ml`,
//! the out-of-bounds path of every fast access); on any memory at any offset
//! through `slow::address`, which checks the same for the memory it names. Both paths make the
//! same `v128` of the bytes they read (`widen`).

use crate::interp::isa::V128LoadKind;
use crate::runtime::simd::{V128, bits, int};

/// The bytes a load reads: 1, 2, 4, 8 or 16.
pub(in crate::interp::exec) trait LoadBytes {
    /// The `v128` of these bytes (little-endian, zero-extended).
    fn v128(self) -> V128;
}

macro_rules! load_bytes {
    ($($n:literal: $t:ty),*) => {$(
        impl LoadBytes for [u8; $n] {
            #[inline(always)]
            fn v128(self) -> V128 {
                V128::from_bits(<$t>::from_le_bytes(self) as u128)
            }
        }
    )*};
}

load_bytes!(1: u8, 2: u16, 4: u32, 8: u64);

impl LoadBytes for [u8; 16] {
    #[inline(always)]
    fn v128(self) -> V128 {
        V128::from_bytes(self)
    }
}

/// The `v128` of the bytes a load read (little-endian, zero-extended). Converted as integers,
/// with no temporary: a copy into a local array would keep a handler's final call from becoming a
/// jump where debug checks are on.
#[inline(always)]
pub(in crate::interp::exec) fn v128_bytes<B: LoadBytes>(b: B) -> V128 {
    b.v128()
}

/// What a `v128` load of kind `kind` makes of the bytes it read (`bytes`, zero-extended):
/// the vector itself, its low lanes extended, a splat, or the bytes with zeros above.
#[inline(always)]
pub(in crate::interp::exec) fn widen(kind: V128LoadKind, bytes: V128) -> V128 {
    match kind {
        V128LoadKind::V128 | V128LoadKind::Zero32 | V128LoadKind::Zero64 => bytes,
        V128LoadKind::I8x8S => int::i16x8_extend_low_i8x16_s(bytes),
        V128LoadKind::I8x8U => int::i16x8_extend_low_i8x16_u(bytes),
        V128LoadKind::I16x4S => int::i32x4_extend_low_i16x8_s(bytes),
        V128LoadKind::I16x4U => int::i32x4_extend_low_i16x8_u(bytes),
        V128LoadKind::I32x2S => int::i64x2_extend_low_i32x4_s(bytes),
        V128LoadKind::I32x2U => int::i64x2_extend_low_i32x4_u(bytes),
        V128LoadKind::Splat8 => bits::i8x16_splat(bits::i32x4_extract_lane(bytes, 0)),
        V128LoadKind::Splat16 => bits::i16x8_splat(bits::i32x4_extract_lane(bytes, 0)),
        V128LoadKind::Splat32 => bits::i32x4_splat(bits::i32x4_extract_lane(bytes, 0)),
        V128LoadKind::Splat64 => bits::i64x2_splat(bits::i64x2_extract_lane(bytes, 0)),
    }
}

/// The bytes of a general-path load of kind `kind` at `p`.
///
/// # Safety
/// `p` is the start of `kind.size()` readable bytes of guest memory (`slow::address` checked them).
#[inline(always)]
pub(in crate::interp::exec) unsafe fn read(kind: V128LoadKind, p: *const u8) -> V128 {
    use crate::runtime::racy;
    // SAFETY: `p..p + kind.size()` is readable guest memory (this function's contract), and each
    // arm reads exactly that many bytes, as guest memory is read (`runtime::racy`).
    unsafe {
        match kind.size() {
            16 => V128::from_bytes(racy::read::<16>(p)),
            8 => v128_bytes(racy::read::<8>(p)),
            4 => v128_bytes(racy::read::<4>(p)),
            2 => v128_bytes(racy::read::<2>(p)),
            _ => v128_bytes(racy::read::<1>(p)),
        }
    }
}

/// Fast-path loads from memory 0: `$n` bytes, then `widen` of kind `$kind`.
macro_rules! v_load {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($n:literal: $op:ident => $kind:ident;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, addr, offset } => {
            let ea = rd($fp, addr) as u32 as u64 + offset as u64;
            if ea + $n > $ml { return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc) }
            wr128($fp, dst, widen(V128LoadKind::$kind, v128_bytes(load::<$n>($mb, ea))));
        });
    )*};
}

pub(in crate::interp::exec) use v_load;

macro_rules! define_simd_memory_handlers {
    () => {
        super::simd::memory::v_load!(ip, fp, mb, ml, cx, acc;
            16: V128Load => V128;
            8: V128Load8x8S => I8x8S;
            8: V128Load8x8U => I8x8U;
            8: V128Load16x4S => I16x4S;
            8: V128Load16x4U => I16x4U;
            8: V128Load32x2S => I32x2S;
            8: V128Load32x2U => I32x2U;
            1: V128Load8Splat => Splat8;
            2: V128Load16Splat => Splat16;
            4: V128Load32Splat => Splat32;
            8: V128Load64Splat => Splat64;
            4: V128Load32Zero => Zero32;
            8: V128Load64Zero => Zero64;
        );
        h!(ip, fp, mb, ml, cx, acc; V128Store { addr, value, offset } => {
            let ea = rd(fp, addr) as u32 as u64 + offset as u64;
            if ea + 16 > ml { return beyond_ml(ip, fp, mb, ml, cx, acc) }
            store(mb, ea, rd128(fp, value).to_bytes());
        });
        h!(ip, fp, mb, ml, cx, acc; LoadV128 { kind, dst, addr } => {
            let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
            let p = slow::address((*cx).inst, mem, offset, rd(fp, addr), kind.size());
            if p.is_null() { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) }
            wr128(fp, dst, widen(kind, super::simd::memory::read(kind, p)));
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; StoreV128 { addr, value } => {
            let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
            let p = slow::address((*cx).inst, mem, offset, rd(fp, addr), 16);
            if p.is_null() { return trap(ip, fp, cx, TrapCode::MemoryOutOfBounds) }
            crate::runtime::racy::write::<16>(p, rd128(fp, value).to_bytes());
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
    };
}

pub(in crate::interp::exec) use define_simd_memory_handlers;
