//! The interpreter's internal code: a register-style instruction set.
//!
//! Operands are frame slots (`Slot`, 64-bit cells counted from the frame pointer): a function's
//! parameters and locals come first, then the slots its operand stack uses. Locals and constants
//! are used in place rather than pushed; comparisons feeding a branch are fused into it; branch
//! targets are resolved to relative offsets. An instruction is 16 bytes; the few that need more
//! operands are followed by an extension word (`Ext`, `MemArg`) which they consume.
//!
//! Values are raw bits in a slot: an `i32` is zero-extended, an `f32` is its bit pattern in the low
//! half, a reference is its raw form (0 is null). So reinterpretations cost nothing.
//!
//! The ops are declared once, in `ops.rs`; `define.rs` generates the `Instr` type, the payload
//! struct of each op (`fields`), the operand visitors and the dispatch probe's sample from that
//! description.

pub(crate) mod atomic_ops;
mod define;
mod ops;
pub(crate) mod simd_ops;

pub(crate) use atomic_ops::{AtomicOffset, AtomicRmwKind};
pub(crate) use ops::for_each_op;

use define::define_isa;

/// A frame slot index.
pub(crate) type Slot = u32;

/// A branch offset, in instructions, relative to the instruction after the branch.
pub(crate) type Offset = i32;

/// A 64-bit immediate, kept as two 32-bit halves so that every operand is 4-byte aligned and an op
/// stays 16 bytes long.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Wide([u32; 2]);

impl Wide {
    /// The immediate `value`.
    pub(crate) const fn new(value: u64) -> Wide {
        Wide([value as u32, (value >> 32) as u32])
    }

    /// Its value.
    #[inline(always)]
    pub(crate) const fn get(self) -> u64 {
        self.0[0] as u64 | (self.0[1] as u64) << 32
    }
}

impl From<u64> for Wide {
    fn from(value: u64) -> Wide {
        Wide::new(value)
    }
}

impl std::fmt::Debug for Wide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#x}", self.get())
    }
}

/// Width and extension of a load on the general (any memory, any offset) path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)] // each is the load of the same name
pub(crate) enum LoadKind {
    I32,
    I64,
    F32,
    F64,
    I32_8S,
    I32_8U,
    I32_16S,
    I32_16U,
    I64_8S,
    I64_8U,
    I64_16S,
    I64_16U,
    I64_32S,
    I64_32U,
}

/// Width of a store on the general path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum StoreKind {
    /// 8 bytes.
    B64,
    /// 4 bytes.
    B32,
    /// 2 bytes.
    B16,
    /// 1 byte.
    B8,
}

/// The `v128` loads on the general path (`LoadV128`): how many bytes they read and what they make
/// of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)] // each is the load of the same name
pub(crate) enum V128LoadKind {
    V128,
    I8x8S,
    I8x8U,
    I16x4S,
    I16x4U,
    I32x2S,
    I32x2U,
    Splat8,
    Splat16,
    Splat32,
    Splat64,
    Zero32,
    Zero64,
}

impl V128LoadKind {
    /// The bytes the load reads.
    pub(crate) fn size(self) -> u64 {
        match self {
            V128LoadKind::V128 => 16,
            V128LoadKind::I8x8S
            | V128LoadKind::I8x8U
            | V128LoadKind::I16x4S
            | V128LoadKind::I16x4U
            | V128LoadKind::I32x2S
            | V128LoadKind::I32x2U
            | V128LoadKind::Splat64
            | V128LoadKind::Zero64 => 8,
            V128LoadKind::Splat32 | V128LoadKind::Zero32 => 4,
            V128LoadKind::Splat16 => 2,
            V128LoadKind::Splat8 => 1,
        }
    }
}

/// Where an op's operands start in an `Instr`: after its 4-byte tag (every payload struct is at
/// most 4-byte aligned, so `repr(C, u32)` puts them there).
const PAYLOAD_OFFSET: usize = 4;
/// The largest alignment of a payload struct.
const PAYLOAD_ALIGN: usize = 4;
/// The largest size of a payload struct.
const PAYLOAD_SIZE: usize = 12;

for_each_op!(define_isa);

const _: () = assert!(std::mem::size_of::<Instr>() == PAYLOAD_OFFSET + PAYLOAD_SIZE);

/// Reads the operands of `instr` as its payload struct `T`.
///
/// # Safety
/// `T` must be the payload struct (`fields::Name`) of `instr`'s variant.
#[inline(always)]
pub(crate) unsafe fn operands<T: Copy>(instr: *const Instr) -> T {
    // SAFETY: `Instr` is `repr(C, u32)`, so a variant's fields follow the tag laid out as a
    // `repr(C)` struct of them — which `T` is (this function's contract) — at `PAYLOAD_OFFSET`
    // (alignment 4 at most, checked for every payload struct at compile time).
    unsafe { instr.cast::<u8>().add(PAYLOAD_OFFSET).cast::<T>().read() }
}

impl Instr {
    /// Retargets the result of an instruction that writes exactly one slot; false when it does not
    /// have that shape (stores, branches, calls...).
    pub(crate) fn set_dst(&mut self, new: Slot) -> bool {
        match self.dst_mut() {
            Some(dst) => {
                *dst = new;
                true
            }
            None => false,
        }
    }
}

/// Operand values for generated code: the probe's sample, and distinct values for layout checks.
pub(crate) trait Sample: Copy {
    /// What the dispatch probe uses for an immediate of this type.
    const SAMPLE: Self;
    /// A value derived from a field's name, so that different fields get different values.
    #[cfg(test)]
    fn distinct(name: &str) -> Self;
}

/// A hash of a field name, for `Sample::distinct`.
#[cfg(test)]
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

impl Sample for u32 {
    const SAMPLE: u32 = 1;
    #[cfg(test)]
    fn distinct(name: &str) -> u32 {
        name_hash(name) as u32
    }
}

impl Sample for i32 {
    const SAMPLE: i32 = 1;
    #[cfg(test)]
    fn distinct(name: &str) -> i32 {
        name_hash(name) as i32
    }
}

impl Sample for Wide {
    const SAMPLE: Wide = Wide::new(1);
    #[cfg(test)]
    fn distinct(name: &str) -> Wide {
        Wide::new(name_hash(name))
    }
}

impl Sample for LoadKind {
    const SAMPLE: LoadKind = LoadKind::I32;
    #[cfg(test)]
    fn distinct(_: &str) -> LoadKind {
        LoadKind::I64_16S
    }
}

impl Sample for StoreKind {
    const SAMPLE: StoreKind = StoreKind::B32;
    #[cfg(test)]
    fn distinct(_: &str) -> StoreKind {
        StoreKind::B16
    }
}

impl Sample for V128LoadKind {
    const SAMPLE: V128LoadKind = V128LoadKind::V128;
    #[cfg(test)]
    fn distinct(_: &str) -> V128LoadKind {
        V128LoadKind::I16x4U
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 16);
    }

    #[test]
    fn operands_read_back_through_their_payload_structs() {
        check_layouts();
    }

    #[test]
    fn wide_immediates_round_trip() {
        for v in [0, 1, u32::MAX as u64, 1 << 32, u64::MAX, 0x0123_4567_89ab_cdef] {
            assert_eq!(Wide::new(v).get(), v);
        }
    }

    #[test]
    fn visitors_follow_the_operand_kinds() {
        let mut add = Instr::I32Add { dst: 1, lhs: 2, rhs: 3 };
        let mut seen = Vec::new();
        add.for_each_slot_mut(|s| seen.push(*s));
        assert_eq!(seen, [1, 2, 3]);
        assert!(add.set_dst(9));
        assert_eq!(add, Instr::I32Add { dst: 9, lhs: 2, rhs: 3 });
        let mut br = Instr::BrI32LtSImm { lhs: 1, imm: 5, offset: -3 };
        assert_eq!(br.offset_mut().map(|o| *o), Some(-3));
        assert!(!br.set_dst(4));
        let mut store = Instr::I32Store { addr: 1, value: 2, offset: 8 };
        assert!(!store.set_dst(4));
        assert_eq!(store.offset_mut(), None);
        let mut select = Instr::SelectInPlace { dst: 1, cond: 2, src: 3 };
        assert!(!select.set_dst(4), "a slot that is read too is never retargeted");
    }
}
