//! The description of the atomic ops (the threads proposal, `0xFE` prefix), in the format of
//! `ops.rs` (whose `for_each_op!` chains this list after the SIMD ops, so the generator sees one
//! instruction set).
//!
//! Every atomic access has a fast op per kind and width on memory 0 when it is 32-bit (with a
//! 32-bit offset, like the scalar loads and stores): the address checked for alignment, then
//! against `ml`, then the access itself (`runtime::atomic`'s, inlined). Slots hold raw bits
//! zero-extended, so the `i32` and `i64` forms of an access of the same width are the same op
//! (`i32.atomic.load8_u` and `i64.atomic.load8_u`, `i32.atomic.rmw.add` and
//! `i64.atomic.rmw32.add_u`...). Any other memory or offset takes one general op per kind, with
//! the width (and the operation) as an immediate, followed by `MemArg`: the runtime checks the
//! access against the memory it names. `memory.atomic.wait32/64` and `memory.atomic.notify` are
//! rare and slow by nature: general ops only.
//!
//! The read-modify-write ops have one operand more than an op has room for: their value (or
//! expected value and replacement) is in an `Ext` word after the op, or after its `MemArg`.

use super::Sample;
use crate::runtime::atomic::RmwOp;

/// The static offset of a fast atomic access: a `u32`, in a type of its own only so that the
/// dispatch probe's sample address (a slot holding 1, plus this) is aligned for every width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct AtomicOffset(pub u32);

impl Sample for AtomicOffset {
    const SAMPLE: AtomicOffset = AtomicOffset(7);
    #[cfg(test)]
    fn distinct(name: &str) -> AtomicOffset {
        AtomicOffset(u32::distinct(name))
    }
}

/// What a general atomic read-modify-write does, and on how many bytes (1, 2, 4 or 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct AtomicRmwKind {
    pub op: RmwOp,
    pub width: u8,
}

impl Sample for AtomicRmwKind {
    const SAMPLE: AtomicRmwKind = AtomicRmwKind { op: RmwOp::Add, width: 4 };
    #[cfg(test)]
    fn distinct(_: &str) -> AtomicRmwKind {
        AtomicRmwKind { op: RmwOp::Xor, width: 2 }
    }
}

/// Calls `$m!` with the description of every op: `$core`, the ops of `ops.rs` and the SIMD ops,
/// then the atomic ops.
macro_rules! for_each_atomic_op {
    ($m:ident; $($core:tt)*) => {
        $m! {
            $($core)*
            // ---- atomic accesses on memory 0 when it is 32-bit, with a 32-bit offset
            /// `dst = atomic load (addr + offset)`, 1 byte, zero-extended.
            memory AtomicLoad8 { dst: def, addr: use, offset: AtomicOffset };
            memory AtomicLoad16 { dst: def, addr: use, offset: AtomicOffset };
            memory AtomicLoad32 { dst: def, addr: use, offset: AtomicOffset };
            memory AtomicLoad64 { dst: def, addr: use, offset: AtomicOffset };
            /// `atomic store (addr + offset) value`, the low byte.
            memory AtomicStore8 { addr: use, value: use, offset: AtomicOffset };
            memory AtomicStore16 { addr: use, value: use, offset: AtomicOffset };
            memory AtomicStore32 { addr: use, value: use, offset: AtomicOffset };
            memory AtomicStore64 { addr: use, value: use, offset: AtomicOffset };
            /// `dst = atomic fetch-and-add (addr + offset) value`, 1 byte: the old value,
            /// zero-extended; followed by `Ext { a: value }`.
            memory AtomicAdd8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAdd16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAdd32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAdd64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicSub8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicSub16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicSub32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicSub64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAnd8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAnd16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAnd32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicAnd64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicOr8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicOr16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicOr32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicOr64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXor8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXor16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXor32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXor64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXchg8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXchg16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXchg32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicXchg64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            /// `dst = atomic compare-exchange (addr + offset) expected replacement`, 1 byte: the
            /// old value, zero-extended; followed by `Ext { a: expected, b: replacement }`.
            memory AtomicCmpxchg8 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicCmpxchg16 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicCmpxchg32 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            memory AtomicCmpxchg64 { dst: def, addr: use, offset: AtomicOffset } + Ext;
            // ---- the same on any memory at any offset: followed by `MemArg`
            /// An atomic load of `width` bytes from any memory.
            runtime AtomicLoad { width: u32, dst: def, addr: use } + MemArg;
            /// An atomic store of the low `width` bytes of `value` to any memory.
            runtime AtomicStore { width: u32, addr: use, value: use } + MemArg;
            /// An atomic read-modify-write on any memory; followed by `MemArg`, then
            /// `Ext { a: value }`.
            runtime AtomicRmw { kind: AtomicRmwKind, dst: def, addr: use } + MemArg;
            /// An atomic compare-exchange of `width` bytes on any memory; followed by `MemArg`,
            /// then `Ext { a: expected, b: replacement }`.
            runtime AtomicCmpxchg { width: u32, dst: def, addr: use } + MemArg;
            /// `dst = memory.atomic.wait32` (`width` 4) or `wait64` (8); followed by `MemArg`,
            /// then `Ext { a: expected, b: timeout }`.
            runtime MemoryAtomicWait { width: u32, dst: def, addr: use } + MemArg;
            /// `dst = memory.atomic.notify addr count`.
            runtime MemoryAtomicNotify { dst: def, addr: use, count: use } + MemArg;
            /// `atomic.fence`.
            frame AtomicFence {};
        }
    };
}

pub(crate) use for_each_atomic_op;
