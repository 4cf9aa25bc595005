//! Translation of the SIMD and relaxed-SIMD instructions: one op each (see `isa/simd_ops.rs`),
//! with `v128` operands and results in two slots.
//!
//! `v128.const` is a stack entry like a scalar constant (`Operand::Const128`), read from the
//! constant pool (two slots, filled once per call) where an op needs it. `i8x16.shuffle`'s lane
//! indices are a `v128` in the pool too. The lane loads and stores are the scalar
//! access and a lane op (see `simd_ops.rs`). Relaxed instructions are translated to the op of the
//! engine's mode (`Config::relaxed_simd_deterministic`), so nothing tests the mode at run time.

use silo_loader::ValType;
use silo_loader::wasmparser::Operator;

use super::{Operand, Translator};
use crate::interp::isa::{Instr, LoadKind, Slot, StoreKind, V128LoadKind};

type Make3 = fn(Slot, Slot, Slot) -> Instr;
type MakeLane = fn(Slot, Slot, u32) -> Instr;

const V128: ValType = ValType::V128;

/// `|dst, src| Instr::$v { dst, src }`.
macro_rules! un {
    ($v:ident) => {
        |dst, src| Instr::$v { dst, src }
    };
}

/// `|dst, lhs, rhs| Instr::$v { dst, lhs, rhs }`.
macro_rules! bin {
    ($v:ident) => {
        |dst, lhs, rhs| Instr::$v { dst, lhs, rhs }
    };
}

/// `|dst, a, b| Instr::$v { dst, a, b }` (a three-operand op, `c` in its extension word).
macro_rules! ter {
    ($v:ident) => {
        |dst, a, b| Instr::$v { dst, a, b }
    };
}

/// `|dst, src, lane| Instr::$v { dst, src, lane }`.
macro_rules! lane {
    ($v:ident) => {
        |dst, src, lane| Instr::$v { dst, src, lane }
    };
}

/// `|dst, addr, offset| Instr::$v { dst, addr, offset }`.
macro_rules! ld {
    ($v:ident) => {
        |dst, addr, offset| Instr::$v { dst, addr, offset }
    };
}

/// `|addr, value, offset| Instr::$v { addr, value, offset }`.
macro_rules! st {
    ($v:ident) => {
        |addr, value, offset| Instr::$v { addr, value, offset }
    };
}

impl Translator<'_> {
    /// Translates `op` if it is a SIMD or relaxed-SIMD instruction; false when it is not.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        // The relaxed instructions' mode: the x86-64 results, or the deterministic profile.
        let det = self.module.engine.config().relaxed_simd_deterministic;
        match *op {
            O::V128Const { value } => {
                self.push(Operand::Const128(u128::from_le_bytes(*value.bytes())), V128)
            }

            // ---- memory
            O::V128Load { memarg } => self.v128_load(memarg, V128LoadKind::V128, ld!(V128Load))?,
            O::V128Load8x8S { memarg } => {
                self.v128_load(memarg, V128LoadKind::I8x8S, ld!(V128Load8x8S))?
            }
            O::V128Load8x8U { memarg } => {
                self.v128_load(memarg, V128LoadKind::I8x8U, ld!(V128Load8x8U))?
            }
            O::V128Load16x4S { memarg } => {
                self.v128_load(memarg, V128LoadKind::I16x4S, ld!(V128Load16x4S))?
            }
            O::V128Load16x4U { memarg } => {
                self.v128_load(memarg, V128LoadKind::I16x4U, ld!(V128Load16x4U))?
            }
            O::V128Load32x2S { memarg } => {
                self.v128_load(memarg, V128LoadKind::I32x2S, ld!(V128Load32x2S))?
            }
            O::V128Load32x2U { memarg } => {
                self.v128_load(memarg, V128LoadKind::I32x2U, ld!(V128Load32x2U))?
            }
            O::V128Load8Splat { memarg } => {
                self.v128_load(memarg, V128LoadKind::Splat8, ld!(V128Load8Splat))?
            }
            O::V128Load16Splat { memarg } => {
                self.v128_load(memarg, V128LoadKind::Splat16, ld!(V128Load16Splat))?
            }
            O::V128Load32Splat { memarg } => {
                self.v128_load(memarg, V128LoadKind::Splat32, ld!(V128Load32Splat))?
            }
            O::V128Load64Splat { memarg } => {
                self.v128_load(memarg, V128LoadKind::Splat64, ld!(V128Load64Splat))?
            }
            O::V128Load32Zero { memarg } => {
                self.v128_load(memarg, V128LoadKind::Zero32, ld!(V128Load32Zero))?
            }
            O::V128Load64Zero { memarg } => {
                self.v128_load(memarg, V128LoadKind::Zero64, ld!(V128Load64Zero))?
            }
            O::V128Store { memarg } => self.v128_store(memarg)?,
            O::V128Load8Lane { memarg, lane } => self.load_lane(
                memarg,
                lane,
                (LoadKind::I32_8U, ld!(I32Load8U), ValType::I32),
                |dst, src, lane| Instr::I8x16ReplaceLane { dst, src, lane },
            )?,
            O::V128Load16Lane { memarg, lane } => self.load_lane(
                memarg,
                lane,
                (LoadKind::I32_16U, ld!(I32Load16U), ValType::I32),
                |dst, src, lane| Instr::I16x8ReplaceLane { dst, src, lane },
            )?,
            O::V128Load32Lane { memarg, lane } => self.load_lane(
                memarg,
                lane,
                (LoadKind::I32, ld!(I32Load), ValType::I32),
                |dst, src, lane| Instr::I32x4ReplaceLane { dst, src, lane },
            )?,
            O::V128Load64Lane { memarg, lane } => self.load_lane(
                memarg,
                lane,
                (LoadKind::I64, ld!(I64Load), ValType::I64),
                |dst, src, lane| Instr::I64x2ReplaceLane { dst, src, lane },
            )?,
            O::V128Store8Lane { memarg, lane } => self.store_lane(
                memarg,
                lane,
                (lane!(I8x16ExtractLaneU), ValType::I32),
                (StoreKind::B8, st!(I32Store8)),
            )?,
            O::V128Store16Lane { memarg, lane } => self.store_lane(
                memarg,
                lane,
                (lane!(I16x8ExtractLaneU), ValType::I32),
                (StoreKind::B16, st!(I32Store16)),
            )?,
            O::V128Store32Lane { memarg, lane } => self.store_lane(
                memarg,
                lane,
                (lane!(I32x4ExtractLane), ValType::I32),
                (StoreKind::B32, st!(I32Store)),
            )?,
            O::V128Store64Lane { memarg, lane } => self.store_lane(
                memarg,
                lane,
                (lane!(I64x2ExtractLane), ValType::I64),
                (StoreKind::B64, st!(I64Store)),
            )?,

            // ---- lanes and permutations
            O::I8x16ExtractLaneS { lane } => {
                self.extract(lane, lane!(I8x16ExtractLaneS), ValType::I32)
            }
            O::I8x16ExtractLaneU { lane } => {
                self.extract(lane, lane!(I8x16ExtractLaneU), ValType::I32)
            }
            O::I16x8ExtractLaneS { lane } => {
                self.extract(lane, lane!(I16x8ExtractLaneS), ValType::I32)
            }
            O::I16x8ExtractLaneU { lane } => {
                self.extract(lane, lane!(I16x8ExtractLaneU), ValType::I32)
            }
            O::I32x4ExtractLane { lane } => {
                self.extract(lane, lane!(I32x4ExtractLane), ValType::I32)
            }
            O::I64x2ExtractLane { lane } => {
                self.extract(lane, lane!(I64x2ExtractLane), ValType::I64)
            }
            O::F32x4ExtractLane { lane } => {
                self.extract(lane, lane!(I32x4ExtractLane), ValType::F32)
            }
            O::F64x2ExtractLane { lane } => {
                self.extract(lane, lane!(I64x2ExtractLane), ValType::F64)
            }
            O::I8x16ReplaceLane { lane } => self.replace(lane, lane!(I8x16ReplaceLane)),
            O::I16x8ReplaceLane { lane } => self.replace(lane, lane!(I16x8ReplaceLane)),
            O::I32x4ReplaceLane { lane } | O::F32x4ReplaceLane { lane } => {
                self.replace(lane, lane!(I32x4ReplaceLane))
            }
            O::I64x2ReplaceLane { lane } | O::F64x2ReplaceLane { lane } => {
                self.replace(lane, lane!(I64x2ReplaceLane))
            }
            O::I8x16Splat => self.unary(un!(I8x16Splat), V128),
            O::I16x8Splat => self.unary(un!(I16x8Splat), V128),
            O::I32x4Splat | O::F32x4Splat => self.unary(un!(I32x4Splat), V128),
            O::I64x2Splat | O::F64x2Splat => self.unary(un!(I64x2Splat), V128),
            O::I8x16Shuffle { lanes } => self.shuffle(lanes),
            O::I8x16Swizzle => self.v_binary(bin!(I8x16Swizzle)),

            // ---- bitwise and tests
            O::V128Not => self.unary(un!(V128Not), V128),
            O::V128And => self.v_binary(bin!(V128And)),
            O::V128AndNot => self.v_binary(bin!(V128AndNot)),
            O::V128Or => self.v_binary(bin!(V128Or)),
            O::V128Xor => self.v_binary(bin!(V128Xor)),
            O::V128Bitselect => self.v_ternary(ter!(V128Bitselect)),
            O::V128AnyTrue => self.unary(un!(V128AnyTrue), ValType::I32),
            O::I8x16AllTrue => self.unary(un!(I8x16AllTrue), ValType::I32),
            O::I16x8AllTrue => self.unary(un!(I16x8AllTrue), ValType::I32),
            O::I32x4AllTrue => self.unary(un!(I32x4AllTrue), ValType::I32),
            O::I64x2AllTrue => self.unary(un!(I64x2AllTrue), ValType::I32),
            O::I8x16Bitmask => self.unary(un!(I8x16Bitmask), ValType::I32),
            O::I16x8Bitmask => self.unary(un!(I16x8Bitmask), ValType::I32),
            O::I32x4Bitmask => self.unary(un!(I32x4Bitmask), ValType::I32),
            O::I64x2Bitmask => self.unary(un!(I64x2Bitmask), ValType::I32),

            // ---- integer lanes
            O::I8x16Add => self.v_binary(bin!(I8x16Add)),
            O::I8x16AddSatS => self.v_binary(bin!(I8x16AddSatS)),
            O::I8x16AddSatU => self.v_binary(bin!(I8x16AddSatU)),
            O::I8x16Sub => self.v_binary(bin!(I8x16Sub)),
            O::I8x16SubSatS => self.v_binary(bin!(I8x16SubSatS)),
            O::I8x16SubSatU => self.v_binary(bin!(I8x16SubSatU)),
            O::I8x16MinS => self.v_binary(bin!(I8x16MinS)),
            O::I8x16MinU => self.v_binary(bin!(I8x16MinU)),
            O::I8x16MaxS => self.v_binary(bin!(I8x16MaxS)),
            O::I8x16MaxU => self.v_binary(bin!(I8x16MaxU)),
            O::I8x16AvgrU => self.v_binary(bin!(I8x16AvgrU)),
            O::I8x16Abs => self.unary(un!(I8x16Abs), V128),
            O::I8x16Neg => self.unary(un!(I8x16Neg), V128),
            O::I8x16Popcnt => self.unary(un!(I8x16Popcnt), V128),
            O::I8x16Shl => self.v_shift(bin!(I8x16Shl)),
            O::I8x16ShrS => self.v_shift(bin!(I8x16ShrS)),
            O::I8x16ShrU => self.v_shift(bin!(I8x16ShrU)),
            O::I8x16NarrowI16x8S => self.v_binary(bin!(I8x16NarrowI16x8S)),
            O::I8x16NarrowI16x8U => self.v_binary(bin!(I8x16NarrowI16x8U)),
            O::I16x8Add => self.v_binary(bin!(I16x8Add)),
            O::I16x8AddSatS => self.v_binary(bin!(I16x8AddSatS)),
            O::I16x8AddSatU => self.v_binary(bin!(I16x8AddSatU)),
            O::I16x8Sub => self.v_binary(bin!(I16x8Sub)),
            O::I16x8SubSatS => self.v_binary(bin!(I16x8SubSatS)),
            O::I16x8SubSatU => self.v_binary(bin!(I16x8SubSatU)),
            O::I16x8Mul => self.v_binary(bin!(I16x8Mul)),
            O::I16x8MinS => self.v_binary(bin!(I16x8MinS)),
            O::I16x8MinU => self.v_binary(bin!(I16x8MinU)),
            O::I16x8MaxS => self.v_binary(bin!(I16x8MaxS)),
            O::I16x8MaxU => self.v_binary(bin!(I16x8MaxU)),
            O::I16x8AvgrU => self.v_binary(bin!(I16x8AvgrU)),
            O::I16x8Q15MulrSatS => self.v_binary(bin!(I16x8Q15MulrSatS)),
            O::I16x8Abs => self.unary(un!(I16x8Abs), V128),
            O::I16x8Neg => self.unary(un!(I16x8Neg), V128),
            O::I16x8Shl => self.v_shift(bin!(I16x8Shl)),
            O::I16x8ShrS => self.v_shift(bin!(I16x8ShrS)),
            O::I16x8ShrU => self.v_shift(bin!(I16x8ShrU)),
            O::I16x8NarrowI32x4S => self.v_binary(bin!(I16x8NarrowI32x4S)),
            O::I16x8NarrowI32x4U => self.v_binary(bin!(I16x8NarrowI32x4U)),
            O::I16x8ExtendLowI8x16S => self.unary(un!(I16x8ExtendLowI8x16S), V128),
            O::I16x8ExtendHighI8x16S => self.unary(un!(I16x8ExtendHighI8x16S), V128),
            O::I16x8ExtendLowI8x16U => self.unary(un!(I16x8ExtendLowI8x16U), V128),
            O::I16x8ExtendHighI8x16U => self.unary(un!(I16x8ExtendHighI8x16U), V128),
            O::I16x8ExtMulLowI8x16S => self.v_binary(bin!(I16x8ExtMulLowI8x16S)),
            O::I16x8ExtMulHighI8x16S => self.v_binary(bin!(I16x8ExtMulHighI8x16S)),
            O::I16x8ExtMulLowI8x16U => self.v_binary(bin!(I16x8ExtMulLowI8x16U)),
            O::I16x8ExtMulHighI8x16U => self.v_binary(bin!(I16x8ExtMulHighI8x16U)),
            O::I16x8ExtAddPairwiseI8x16S => self.unary(un!(I16x8ExtAddPairwiseI8x16S), V128),
            O::I16x8ExtAddPairwiseI8x16U => self.unary(un!(I16x8ExtAddPairwiseI8x16U), V128),
            O::I32x4Add => self.v_binary(bin!(I32x4Add)),
            O::I32x4Sub => self.v_binary(bin!(I32x4Sub)),
            O::I32x4Mul => self.v_binary(bin!(I32x4Mul)),
            O::I32x4MinS => self.v_binary(bin!(I32x4MinS)),
            O::I32x4MinU => self.v_binary(bin!(I32x4MinU)),
            O::I32x4MaxS => self.v_binary(bin!(I32x4MaxS)),
            O::I32x4MaxU => self.v_binary(bin!(I32x4MaxU)),
            O::I32x4DotI16x8S => self.v_binary(bin!(I32x4DotI16x8S)),
            O::I32x4Abs => self.unary(un!(I32x4Abs), V128),
            O::I32x4Neg => self.unary(un!(I32x4Neg), V128),
            O::I32x4Shl => self.v_shift(bin!(I32x4Shl)),
            O::I32x4ShrS => self.v_shift(bin!(I32x4ShrS)),
            O::I32x4ShrU => self.v_shift(bin!(I32x4ShrU)),
            O::I32x4ExtendLowI16x8S => self.unary(un!(I32x4ExtendLowI16x8S), V128),
            O::I32x4ExtendHighI16x8S => self.unary(un!(I32x4ExtendHighI16x8S), V128),
            O::I32x4ExtendLowI16x8U => self.unary(un!(I32x4ExtendLowI16x8U), V128),
            O::I32x4ExtendHighI16x8U => self.unary(un!(I32x4ExtendHighI16x8U), V128),
            O::I32x4ExtMulLowI16x8S => self.v_binary(bin!(I32x4ExtMulLowI16x8S)),
            O::I32x4ExtMulHighI16x8S => self.v_binary(bin!(I32x4ExtMulHighI16x8S)),
            O::I32x4ExtMulLowI16x8U => self.v_binary(bin!(I32x4ExtMulLowI16x8U)),
            O::I32x4ExtMulHighI16x8U => self.v_binary(bin!(I32x4ExtMulHighI16x8U)),
            O::I32x4ExtAddPairwiseI16x8S => self.unary(un!(I32x4ExtAddPairwiseI16x8S), V128),
            O::I32x4ExtAddPairwiseI16x8U => self.unary(un!(I32x4ExtAddPairwiseI16x8U), V128),
            O::I64x2Add => self.v_binary(bin!(I64x2Add)),
            O::I64x2Sub => self.v_binary(bin!(I64x2Sub)),
            O::I64x2Mul => self.v_binary(bin!(I64x2Mul)),
            O::I64x2Abs => self.unary(un!(I64x2Abs), V128),
            O::I64x2Neg => self.unary(un!(I64x2Neg), V128),
            O::I64x2Shl => self.v_shift(bin!(I64x2Shl)),
            O::I64x2ShrS => self.v_shift(bin!(I64x2ShrS)),
            O::I64x2ShrU => self.v_shift(bin!(I64x2ShrU)),
            O::I64x2ExtendLowI32x4S => self.unary(un!(I64x2ExtendLowI32x4S), V128),
            O::I64x2ExtendHighI32x4S => self.unary(un!(I64x2ExtendHighI32x4S), V128),
            O::I64x2ExtendLowI32x4U => self.unary(un!(I64x2ExtendLowI32x4U), V128),
            O::I64x2ExtendHighI32x4U => self.unary(un!(I64x2ExtendHighI32x4U), V128),
            O::I64x2ExtMulLowI32x4S => self.v_binary(bin!(I64x2ExtMulLowI32x4S)),
            O::I64x2ExtMulHighI32x4S => self.v_binary(bin!(I64x2ExtMulHighI32x4S)),
            O::I64x2ExtMulLowI32x4U => self.v_binary(bin!(I64x2ExtMulLowI32x4U)),
            O::I64x2ExtMulHighI32x4U => self.v_binary(bin!(I64x2ExtMulHighI32x4U)),

            // ---- integer comparisons
            O::I8x16Eq => self.v_binary(bin!(I8x16Eq)),
            O::I8x16Ne => self.v_binary(bin!(I8x16Ne)),
            O::I8x16LtS => self.v_binary(bin!(I8x16LtS)),
            O::I8x16LtU => self.v_binary(bin!(I8x16LtU)),
            O::I8x16GtS => self.v_binary(bin!(I8x16GtS)),
            O::I8x16GtU => self.v_binary(bin!(I8x16GtU)),
            O::I8x16LeS => self.v_binary(bin!(I8x16LeS)),
            O::I8x16LeU => self.v_binary(bin!(I8x16LeU)),
            O::I8x16GeS => self.v_binary(bin!(I8x16GeS)),
            O::I8x16GeU => self.v_binary(bin!(I8x16GeU)),
            O::I16x8Eq => self.v_binary(bin!(I16x8Eq)),
            O::I16x8Ne => self.v_binary(bin!(I16x8Ne)),
            O::I16x8LtS => self.v_binary(bin!(I16x8LtS)),
            O::I16x8LtU => self.v_binary(bin!(I16x8LtU)),
            O::I16x8GtS => self.v_binary(bin!(I16x8GtS)),
            O::I16x8GtU => self.v_binary(bin!(I16x8GtU)),
            O::I16x8LeS => self.v_binary(bin!(I16x8LeS)),
            O::I16x8LeU => self.v_binary(bin!(I16x8LeU)),
            O::I16x8GeS => self.v_binary(bin!(I16x8GeS)),
            O::I16x8GeU => self.v_binary(bin!(I16x8GeU)),
            O::I32x4Eq => self.v_binary(bin!(I32x4Eq)),
            O::I32x4Ne => self.v_binary(bin!(I32x4Ne)),
            O::I32x4LtS => self.v_binary(bin!(I32x4LtS)),
            O::I32x4LtU => self.v_binary(bin!(I32x4LtU)),
            O::I32x4GtS => self.v_binary(bin!(I32x4GtS)),
            O::I32x4GtU => self.v_binary(bin!(I32x4GtU)),
            O::I32x4LeS => self.v_binary(bin!(I32x4LeS)),
            O::I32x4LeU => self.v_binary(bin!(I32x4LeU)),
            O::I32x4GeS => self.v_binary(bin!(I32x4GeS)),
            O::I32x4GeU => self.v_binary(bin!(I32x4GeU)),
            O::I64x2Eq => self.v_binary(bin!(I64x2Eq)),
            O::I64x2Ne => self.v_binary(bin!(I64x2Ne)),
            O::I64x2LtS => self.v_binary(bin!(I64x2LtS)),
            O::I64x2GtS => self.v_binary(bin!(I64x2GtS)),
            O::I64x2LeS => self.v_binary(bin!(I64x2LeS)),
            O::I64x2GeS => self.v_binary(bin!(I64x2GeS)),

            // ---- float lanes
            O::F32x4Add => self.v_binary(bin!(F32x4Add)),
            O::F32x4Sub => self.v_binary(bin!(F32x4Sub)),
            O::F32x4Mul => self.v_binary(bin!(F32x4Mul)),
            O::F32x4Div => self.v_binary(bin!(F32x4Div)),
            O::F32x4Min => self.v_binary(bin!(F32x4Min)),
            O::F32x4Max => self.v_binary(bin!(F32x4Max)),
            O::F32x4PMin => self.v_binary(bin!(F32x4PMin)),
            O::F32x4PMax => self.v_binary(bin!(F32x4PMax)),
            O::F32x4Abs => self.unary(un!(F32x4Abs), V128),
            O::F32x4Neg => self.unary(un!(F32x4Neg), V128),
            O::F32x4Sqrt => self.unary(un!(F32x4Sqrt), V128),
            O::F32x4Ceil => self.unary(un!(F32x4Ceil), V128),
            O::F32x4Floor => self.unary(un!(F32x4Floor), V128),
            O::F32x4Trunc => self.unary(un!(F32x4Trunc), V128),
            O::F32x4Nearest => self.unary(un!(F32x4Nearest), V128),
            O::F64x2Add => self.v_binary(bin!(F64x2Add)),
            O::F64x2Sub => self.v_binary(bin!(F64x2Sub)),
            O::F64x2Mul => self.v_binary(bin!(F64x2Mul)),
            O::F64x2Div => self.v_binary(bin!(F64x2Div)),
            O::F64x2Min => self.v_binary(bin!(F64x2Min)),
            O::F64x2Max => self.v_binary(bin!(F64x2Max)),
            O::F64x2PMin => self.v_binary(bin!(F64x2PMin)),
            O::F64x2PMax => self.v_binary(bin!(F64x2PMax)),
            O::F64x2Abs => self.unary(un!(F64x2Abs), V128),
            O::F64x2Neg => self.unary(un!(F64x2Neg), V128),
            O::F64x2Sqrt => self.unary(un!(F64x2Sqrt), V128),
            O::F64x2Ceil => self.unary(un!(F64x2Ceil), V128),
            O::F64x2Floor => self.unary(un!(F64x2Floor), V128),
            O::F64x2Trunc => self.unary(un!(F64x2Trunc), V128),
            O::F64x2Nearest => self.unary(un!(F64x2Nearest), V128),
            O::F32x4Eq => self.v_binary(bin!(F32x4Eq)),
            O::F32x4Ne => self.v_binary(bin!(F32x4Ne)),
            O::F32x4Lt => self.v_binary(bin!(F32x4Lt)),
            O::F32x4Gt => self.v_binary(bin!(F32x4Gt)),
            O::F32x4Le => self.v_binary(bin!(F32x4Le)),
            O::F32x4Ge => self.v_binary(bin!(F32x4Ge)),
            O::F64x2Eq => self.v_binary(bin!(F64x2Eq)),
            O::F64x2Ne => self.v_binary(bin!(F64x2Ne)),
            O::F64x2Lt => self.v_binary(bin!(F64x2Lt)),
            O::F64x2Gt => self.v_binary(bin!(F64x2Gt)),
            O::F64x2Le => self.v_binary(bin!(F64x2Le)),
            O::F64x2Ge => self.v_binary(bin!(F64x2Ge)),

            // ---- conversions
            O::I32x4TruncSatF32x4S => self.unary(un!(I32x4TruncSatF32x4S), V128),
            O::I32x4TruncSatF32x4U => self.unary(un!(I32x4TruncSatF32x4U), V128),
            O::I32x4TruncSatF64x2SZero => self.unary(un!(I32x4TruncSatF64x2SZero), V128),
            O::I32x4TruncSatF64x2UZero => self.unary(un!(I32x4TruncSatF64x2UZero), V128),
            O::F32x4ConvertI32x4S => self.unary(un!(F32x4ConvertI32x4S), V128),
            O::F32x4ConvertI32x4U => self.unary(un!(F32x4ConvertI32x4U), V128),
            O::F64x2ConvertLowI32x4S => self.unary(un!(F64x2ConvertLowI32x4S), V128),
            O::F64x2ConvertLowI32x4U => self.unary(un!(F64x2ConvertLowI32x4U), V128),
            O::F32x4DemoteF64x2Zero => self.unary(un!(F32x4DemoteF64x2Zero), V128),
            O::F64x2PromoteLowF32x4 => self.unary(un!(F64x2PromoteLowF32x4), V128),

            // ---- relaxed SIMD: the op of the engine's mode
            O::I8x16RelaxedSwizzle => self.v_binary(match det {
                false => bin!(I8x16RelaxedSwizzleX86),
                true => bin!(I8x16Swizzle),
            }),
            O::I32x4RelaxedTruncF32x4S => self.unary(
                match det {
                    false => un!(I32x4RelaxedTruncF32x4SX86),
                    true => un!(I32x4TruncSatF32x4S),
                },
                V128,
            ),
            O::I32x4RelaxedTruncF32x4U => self.unary(un!(I32x4TruncSatF32x4U), V128),
            O::I32x4RelaxedTruncF64x2SZero => self.unary(
                match det {
                    false => un!(I32x4RelaxedTruncF64x2SZeroX86),
                    true => un!(I32x4TruncSatF64x2SZero),
                },
                V128,
            ),
            O::I32x4RelaxedTruncF64x2UZero => self.unary(un!(I32x4TruncSatF64x2UZero), V128),
            O::F32x4RelaxedMadd => self.v_ternary(ter!(F32x4RelaxedMadd)),
            O::F32x4RelaxedNmadd => self.v_ternary(ter!(F32x4RelaxedNmadd)),
            O::F64x2RelaxedMadd => self.v_ternary(ter!(F64x2RelaxedMadd)),
            O::F64x2RelaxedNmadd => self.v_ternary(ter!(F64x2RelaxedNmadd)),
            O::I8x16RelaxedLaneselect => self.v_ternary(match det {
                false => ter!(I8x16RelaxedLaneselectX86),
                true => ter!(V128Bitselect),
            }),
            O::I16x8RelaxedLaneselect => self.v_ternary(ter!(V128Bitselect)),
            O::I32x4RelaxedLaneselect => self.v_ternary(match det {
                false => ter!(I32x4RelaxedLaneselectX86),
                true => ter!(V128Bitselect),
            }),
            O::I64x2RelaxedLaneselect => self.v_ternary(match det {
                false => ter!(I64x2RelaxedLaneselectX86),
                true => ter!(V128Bitselect),
            }),
            O::F32x4RelaxedMin => self.v_binary(match det {
                false => bin!(F32x4PMin),
                true => bin!(F32x4Min),
            }),
            O::F32x4RelaxedMax => self.v_binary(match det {
                false => bin!(F32x4PMax),
                true => bin!(F32x4Max),
            }),
            O::F64x2RelaxedMin => self.v_binary(match det {
                false => bin!(F64x2PMin),
                true => bin!(F64x2Min),
            }),
            O::F64x2RelaxedMax => self.v_binary(match det {
                false => bin!(F64x2PMax),
                true => bin!(F64x2Max),
            }),
            O::I16x8RelaxedQ15mulrS => self.v_binary(match det {
                false => bin!(I16x8RelaxedQ15mulrSX86),
                true => bin!(I16x8Q15MulrSatS),
            }),
            O::I16x8RelaxedDotI8x16I7x16S => self.v_binary(match det {
                false => bin!(I16x8RelaxedDotX86),
                true => bin!(I16x8RelaxedDotDet),
            }),
            O::I32x4RelaxedDotI8x16I7x16AddS => self.v_ternary(match det {
                false => ter!(I32x4RelaxedDotAddX86),
                true => ter!(I32x4RelaxedDotAddDet),
            }),

            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `dst = op lhs rhs`, a `v128` result.
    fn v_binary(&mut self, make: Make3) {
        let [lhs, rhs] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        self.emit_result(make(dst, lhs, rhs), V128);
    }

    /// A shift: a `v128` and an i32 count.
    fn v_shift(&mut self, make: Make3) {
        self.v_binary(make)
    }

    /// `dst = op a b c`, a `v128` result; `c` goes in the extension word.
    fn v_ternary(&mut self, make: Make3) {
        let [a, b, c] = self.pop_three();
        let dst = self.slot_at(self.stack.len());
        self.emit(make(dst, a, b));
        self.emit(Instr::Ext { a: c, b: 0 });
        self.push_temp(V128);
    }

    /// `dst = src[lane]`, a scalar of type `ty`.
    fn extract(&mut self, lane: u8, make: MakeLane, ty: ValType) {
        let (dst, src) = self.pop_unary();
        self.emit_result(make(dst, src, lane as u32), ty);
    }

    /// `dst = src` with lane `lane` replaced by the scalar on top of the stack.
    fn replace(&mut self, lane: u8, make: MakeLane) {
        let [src, x] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        self.emit(make(dst, src, lane as u32));
        self.emit(Instr::Ext { a: x, b: 0 });
        self.push_temp(V128);
    }

    /// `i8x16.shuffle`: its lane indices go to the constant pool, as a `v128`.
    fn shuffle(&mut self, lanes: [u8; 16]) {
        let [lhs, rhs] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        let lanes = self.const_slot128(u128::from_le_bytes(lanes));
        self.emit(Instr::I8x16Shuffle { dst, lhs, rhs });
        self.emit(Instr::Ext { a: lanes, b: 0 });
        self.push_temp(V128);
    }
}
