//! The description of the SIMD ops: one op per SIMD and relaxed-SIMD instruction, in the format of
//! `ops.rs` (whose `for_each_op!` chains this list after its own, so the generator sees one
//! instruction set).
//!
//! A `v128` operand or result takes two slots (`use` and `def` name the first), low half first.
//! A `def` of a `v128` is retargeted only to a `v128` local, which has its two slots too. Every
//! handler reads all its operands before it writes its result, so a result may overwrite them.
//!
//! Shapes that differ only in how their lanes are read share an op where the bits are the same:
//! `f32x4.splat`/`extract_lane`/`replace_lane` are the `i32x4` ops, the `f64x2` ones the `i64x2`
//! ops (slots hold raw bits). Relaxed instructions whose two modes (see `runtime::simd::relaxed`)
//! differ have an op per mode (`...X86` for the default mode, `...Det` for the deterministic one,
//! where it is not a plain SIMD op), chosen at translation.
//!
//! Immediates wider than an op: `v128.const` is a constant-pool entry (two slots) read in place,
//! like a scalar constant without an immediate form; `i8x16.shuffle`'s sixteen lane indices are a
//! `v128` in the pool too, which the op's `Ext` names.
//! The lane loads and stores (`v128.load8_lane`...) are the scalar load and `replace_lane`, or
//! `extract_lane` and the scalar store: two ops, each with the paths (memory 0 fast path,
//! general path) its scalar access already has.

/// Calls `$m!` with the description of every op: `$core`, the ops of `ops.rs`, then the SIMD ops
/// (through `atomic_ops.rs`'s `for_each_atomic_op!`, which adds the atomic ops after them).
macro_rules! for_each_simd_op {
    ($m:ident; $($core:tt)*) => {
        $crate::interp::isa::atomic_ops::for_each_atomic_op! { $m;
            $($core)*
            // ---- v128 loads and stores on memory 0 when it is 32-bit, with a 32-bit offset
            /// `dst = v128.load (addr + offset)`.
            memory V128Load { dst: def, addr: use, offset: u32 };
            memory V128Load8x8S { dst: def, addr: use, offset: u32 };
            memory V128Load8x8U { dst: def, addr: use, offset: u32 };
            memory V128Load16x4S { dst: def, addr: use, offset: u32 };
            memory V128Load16x4U { dst: def, addr: use, offset: u32 };
            memory V128Load32x2S { dst: def, addr: use, offset: u32 };
            memory V128Load32x2U { dst: def, addr: use, offset: u32 };
            memory V128Load8Splat { dst: def, addr: use, offset: u32 };
            memory V128Load16Splat { dst: def, addr: use, offset: u32 };
            memory V128Load32Splat { dst: def, addr: use, offset: u32 };
            memory V128Load64Splat { dst: def, addr: use, offset: u32 };
            memory V128Load32Zero { dst: def, addr: use, offset: u32 };
            memory V128Load64Zero { dst: def, addr: use, offset: u32 };
            /// `v128.store (addr + offset) value`.
            memory V128Store { addr: use, value: use, offset: u32 };
            // ---- the same on any memory at any offset: followed by `MemArg`
            /// A `v128` load of kind `kind` from any memory.
            runtime LoadV128 { kind: V128LoadKind, dst: def, addr: use } + MemArg;
            /// `v128.store` to any memory.
            runtime StoreV128 { addr: use, value: use } + MemArg;
            // ---- lanes
            /// `dst = src[lane]`, sign-extended.
            frame I8x16ExtractLaneS { dst: def, src: use, lane: u32 };
            frame I8x16ExtractLaneU { dst: def, src: use, lane: u32 };
            frame I16x8ExtractLaneS { dst: def, src: use, lane: u32 };
            frame I16x8ExtractLaneU { dst: def, src: use, lane: u32 };
            /// Also `f32x4.extract_lane`.
            frame I32x4ExtractLane { dst: def, src: use, lane: u32 };
            /// Also `f64x2.extract_lane`.
            frame I64x2ExtractLane { dst: def, src: use, lane: u32 };
            /// `dst = src` with `src[lane] = x`; followed by `Ext { a: x }`.
            frame I8x16ReplaceLane { dst: def, src: use, lane: u32 } + Ext;
            frame I16x8ReplaceLane { dst: def, src: use, lane: u32 } + Ext;
            /// Also `f32x4.replace_lane`.
            frame I32x4ReplaceLane { dst: def, src: use, lane: u32 } + Ext;
            /// Also `f64x2.replace_lane`.
            frame I64x2ReplaceLane { dst: def, src: use, lane: u32 } + Ext;
            /// `dst` = every lane `src`.
            frame I8x16Splat { dst: def, src: use };
            frame I16x8Splat { dst: def, src: use };
            /// Also `f32x4.splat`.
            frame I32x4Splat { dst: def, src: use };
            /// Also `f64x2.splat`.
            frame I64x2Splat { dst: def, src: use };
            /// `i8x16.shuffle`; followed by `Ext { a: lanes }`, the pool slots of its lane indices.
            frame I8x16Shuffle { dst: def, lhs: use, rhs: use } + Ext;
            frame I8x16Swizzle { dst: def, lhs: use, rhs: use };
            // ---- bitwise, and tests of the whole vector (`dst` an i32)
            frame V128Not { dst: def, src: use };
            frame V128And { dst: def, lhs: use, rhs: use };
            frame V128AndNot { dst: def, lhs: use, rhs: use };
            frame V128Or { dst: def, lhs: use, rhs: use };
            frame V128Xor { dst: def, lhs: use, rhs: use };
            /// `dst = v128.bitselect a b c`; followed by `Ext { a: c }` (the mask).
            frame V128Bitselect { dst: def, a: use, b: use } + Ext;
            frame V128AnyTrue { dst: def, src: use };
            frame I8x16AllTrue { dst: def, src: use };
            frame I16x8AllTrue { dst: def, src: use };
            frame I32x4AllTrue { dst: def, src: use };
            frame I64x2AllTrue { dst: def, src: use };
            frame I8x16Bitmask { dst: def, src: use };
            frame I16x8Bitmask { dst: def, src: use };
            frame I32x4Bitmask { dst: def, src: use };
            frame I64x2Bitmask { dst: def, src: use };
            // ---- integer lanes: `dst = lhs op rhs`, `dst = op src`; shifts take an i32 count in `rhs`
            frame I8x16Add { dst: def, lhs: use, rhs: use };
            frame I8x16AddSatS { dst: def, lhs: use, rhs: use };
            frame I8x16AddSatU { dst: def, lhs: use, rhs: use };
            frame I8x16Sub { dst: def, lhs: use, rhs: use };
            frame I8x16SubSatS { dst: def, lhs: use, rhs: use };
            frame I8x16SubSatU { dst: def, lhs: use, rhs: use };
            frame I8x16MinS { dst: def, lhs: use, rhs: use };
            frame I8x16MinU { dst: def, lhs: use, rhs: use };
            frame I8x16MaxS { dst: def, lhs: use, rhs: use };
            frame I8x16MaxU { dst: def, lhs: use, rhs: use };
            frame I8x16AvgrU { dst: def, lhs: use, rhs: use };
            frame I8x16Abs { dst: def, src: use };
            frame I8x16Neg { dst: def, src: use };
            frame I8x16Popcnt { dst: def, src: use };
            frame I8x16Shl { dst: def, lhs: use, rhs: use };
            frame I8x16ShrS { dst: def, lhs: use, rhs: use };
            frame I8x16ShrU { dst: def, lhs: use, rhs: use };
            frame I8x16NarrowI16x8S { dst: def, lhs: use, rhs: use };
            frame I8x16NarrowI16x8U { dst: def, lhs: use, rhs: use };
            frame I16x8Add { dst: def, lhs: use, rhs: use };
            frame I16x8AddSatS { dst: def, lhs: use, rhs: use };
            frame I16x8AddSatU { dst: def, lhs: use, rhs: use };
            frame I16x8Sub { dst: def, lhs: use, rhs: use };
            frame I16x8SubSatS { dst: def, lhs: use, rhs: use };
            frame I16x8SubSatU { dst: def, lhs: use, rhs: use };
            frame I16x8Mul { dst: def, lhs: use, rhs: use };
            frame I16x8MinS { dst: def, lhs: use, rhs: use };
            frame I16x8MinU { dst: def, lhs: use, rhs: use };
            frame I16x8MaxS { dst: def, lhs: use, rhs: use };
            frame I16x8MaxU { dst: def, lhs: use, rhs: use };
            frame I16x8AvgrU { dst: def, lhs: use, rhs: use };
            frame I16x8Q15MulrSatS { dst: def, lhs: use, rhs: use };
            frame I16x8Abs { dst: def, src: use };
            frame I16x8Neg { dst: def, src: use };
            frame I16x8Shl { dst: def, lhs: use, rhs: use };
            frame I16x8ShrS { dst: def, lhs: use, rhs: use };
            frame I16x8ShrU { dst: def, lhs: use, rhs: use };
            frame I16x8NarrowI32x4S { dst: def, lhs: use, rhs: use };
            frame I16x8NarrowI32x4U { dst: def, lhs: use, rhs: use };
            frame I16x8ExtendLowI8x16S { dst: def, src: use };
            frame I16x8ExtendHighI8x16S { dst: def, src: use };
            frame I16x8ExtendLowI8x16U { dst: def, src: use };
            frame I16x8ExtendHighI8x16U { dst: def, src: use };
            frame I16x8ExtMulLowI8x16S { dst: def, lhs: use, rhs: use };
            frame I16x8ExtMulHighI8x16S { dst: def, lhs: use, rhs: use };
            frame I16x8ExtMulLowI8x16U { dst: def, lhs: use, rhs: use };
            frame I16x8ExtMulHighI8x16U { dst: def, lhs: use, rhs: use };
            frame I16x8ExtAddPairwiseI8x16S { dst: def, src: use };
            frame I16x8ExtAddPairwiseI8x16U { dst: def, src: use };
            frame I32x4Add { dst: def, lhs: use, rhs: use };
            frame I32x4Sub { dst: def, lhs: use, rhs: use };
            frame I32x4Mul { dst: def, lhs: use, rhs: use };
            frame I32x4MinS { dst: def, lhs: use, rhs: use };
            frame I32x4MinU { dst: def, lhs: use, rhs: use };
            frame I32x4MaxS { dst: def, lhs: use, rhs: use };
            frame I32x4MaxU { dst: def, lhs: use, rhs: use };
            frame I32x4DotI16x8S { dst: def, lhs: use, rhs: use };
            frame I32x4Abs { dst: def, src: use };
            frame I32x4Neg { dst: def, src: use };
            frame I32x4Shl { dst: def, lhs: use, rhs: use };
            frame I32x4ShrS { dst: def, lhs: use, rhs: use };
            frame I32x4ShrU { dst: def, lhs: use, rhs: use };
            frame I32x4ExtendLowI16x8S { dst: def, src: use };
            frame I32x4ExtendHighI16x8S { dst: def, src: use };
            frame I32x4ExtendLowI16x8U { dst: def, src: use };
            frame I32x4ExtendHighI16x8U { dst: def, src: use };
            frame I32x4ExtMulLowI16x8S { dst: def, lhs: use, rhs: use };
            frame I32x4ExtMulHighI16x8S { dst: def, lhs: use, rhs: use };
            frame I32x4ExtMulLowI16x8U { dst: def, lhs: use, rhs: use };
            frame I32x4ExtMulHighI16x8U { dst: def, lhs: use, rhs: use };
            frame I32x4ExtAddPairwiseI16x8S { dst: def, src: use };
            frame I32x4ExtAddPairwiseI16x8U { dst: def, src: use };
            frame I64x2Add { dst: def, lhs: use, rhs: use };
            frame I64x2Sub { dst: def, lhs: use, rhs: use };
            frame I64x2Mul { dst: def, lhs: use, rhs: use };
            frame I64x2Abs { dst: def, src: use };
            frame I64x2Neg { dst: def, src: use };
            frame I64x2Shl { dst: def, lhs: use, rhs: use };
            frame I64x2ShrS { dst: def, lhs: use, rhs: use };
            frame I64x2ShrU { dst: def, lhs: use, rhs: use };
            frame I64x2ExtendLowI32x4S { dst: def, src: use };
            frame I64x2ExtendHighI32x4S { dst: def, src: use };
            frame I64x2ExtendLowI32x4U { dst: def, src: use };
            frame I64x2ExtendHighI32x4U { dst: def, src: use };
            frame I64x2ExtMulLowI32x4S { dst: def, lhs: use, rhs: use };
            frame I64x2ExtMulHighI32x4S { dst: def, lhs: use, rhs: use };
            frame I64x2ExtMulLowI32x4U { dst: def, lhs: use, rhs: use };
            frame I64x2ExtMulHighI32x4U { dst: def, lhs: use, rhs: use };
            // ---- integer comparisons: all-ones lanes where they hold
            frame I8x16Eq { dst: def, lhs: use, rhs: use };
            frame I8x16Ne { dst: def, lhs: use, rhs: use };
            frame I8x16LtS { dst: def, lhs: use, rhs: use };
            frame I8x16LtU { dst: def, lhs: use, rhs: use };
            frame I8x16GtS { dst: def, lhs: use, rhs: use };
            frame I8x16GtU { dst: def, lhs: use, rhs: use };
            frame I8x16LeS { dst: def, lhs: use, rhs: use };
            frame I8x16LeU { dst: def, lhs: use, rhs: use };
            frame I8x16GeS { dst: def, lhs: use, rhs: use };
            frame I8x16GeU { dst: def, lhs: use, rhs: use };
            frame I16x8Eq { dst: def, lhs: use, rhs: use };
            frame I16x8Ne { dst: def, lhs: use, rhs: use };
            frame I16x8LtS { dst: def, lhs: use, rhs: use };
            frame I16x8LtU { dst: def, lhs: use, rhs: use };
            frame I16x8GtS { dst: def, lhs: use, rhs: use };
            frame I16x8GtU { dst: def, lhs: use, rhs: use };
            frame I16x8LeS { dst: def, lhs: use, rhs: use };
            frame I16x8LeU { dst: def, lhs: use, rhs: use };
            frame I16x8GeS { dst: def, lhs: use, rhs: use };
            frame I16x8GeU { dst: def, lhs: use, rhs: use };
            frame I32x4Eq { dst: def, lhs: use, rhs: use };
            frame I32x4Ne { dst: def, lhs: use, rhs: use };
            frame I32x4LtS { dst: def, lhs: use, rhs: use };
            frame I32x4LtU { dst: def, lhs: use, rhs: use };
            frame I32x4GtS { dst: def, lhs: use, rhs: use };
            frame I32x4GtU { dst: def, lhs: use, rhs: use };
            frame I32x4LeS { dst: def, lhs: use, rhs: use };
            frame I32x4LeU { dst: def, lhs: use, rhs: use };
            frame I32x4GeS { dst: def, lhs: use, rhs: use };
            frame I32x4GeU { dst: def, lhs: use, rhs: use };
            frame I64x2Eq { dst: def, lhs: use, rhs: use };
            frame I64x2Ne { dst: def, lhs: use, rhs: use };
            frame I64x2LtS { dst: def, lhs: use, rhs: use };
            frame I64x2GtS { dst: def, lhs: use, rhs: use };
            frame I64x2LeS { dst: def, lhs: use, rhs: use };
            frame I64x2GeS { dst: def, lhs: use, rhs: use };
            // ---- float lanes
            frame F32x4Add { dst: def, lhs: use, rhs: use };
            frame F32x4Sub { dst: def, lhs: use, rhs: use };
            frame F32x4Mul { dst: def, lhs: use, rhs: use };
            frame F32x4Div { dst: def, lhs: use, rhs: use };
            frame F32x4Min { dst: def, lhs: use, rhs: use };
            frame F32x4Max { dst: def, lhs: use, rhs: use };
            frame F32x4PMin { dst: def, lhs: use, rhs: use };
            frame F32x4PMax { dst: def, lhs: use, rhs: use };
            frame F32x4Abs { dst: def, src: use };
            frame F32x4Neg { dst: def, src: use };
            frame F32x4Sqrt { dst: def, src: use };
            frame F32x4Ceil { dst: def, src: use };
            frame F32x4Floor { dst: def, src: use };
            frame F32x4Trunc { dst: def, src: use };
            frame F32x4Nearest { dst: def, src: use };
            frame F64x2Add { dst: def, lhs: use, rhs: use };
            frame F64x2Sub { dst: def, lhs: use, rhs: use };
            frame F64x2Mul { dst: def, lhs: use, rhs: use };
            frame F64x2Div { dst: def, lhs: use, rhs: use };
            frame F64x2Min { dst: def, lhs: use, rhs: use };
            frame F64x2Max { dst: def, lhs: use, rhs: use };
            frame F64x2PMin { dst: def, lhs: use, rhs: use };
            frame F64x2PMax { dst: def, lhs: use, rhs: use };
            frame F64x2Abs { dst: def, src: use };
            frame F64x2Neg { dst: def, src: use };
            frame F64x2Sqrt { dst: def, src: use };
            frame F64x2Ceil { dst: def, src: use };
            frame F64x2Floor { dst: def, src: use };
            frame F64x2Trunc { dst: def, src: use };
            frame F64x2Nearest { dst: def, src: use };
            frame F32x4Eq { dst: def, lhs: use, rhs: use };
            frame F32x4Ne { dst: def, lhs: use, rhs: use };
            frame F32x4Lt { dst: def, lhs: use, rhs: use };
            frame F32x4Gt { dst: def, lhs: use, rhs: use };
            frame F32x4Le { dst: def, lhs: use, rhs: use };
            frame F32x4Ge { dst: def, lhs: use, rhs: use };
            frame F64x2Eq { dst: def, lhs: use, rhs: use };
            frame F64x2Ne { dst: def, lhs: use, rhs: use };
            frame F64x2Lt { dst: def, lhs: use, rhs: use };
            frame F64x2Gt { dst: def, lhs: use, rhs: use };
            frame F64x2Le { dst: def, lhs: use, rhs: use };
            frame F64x2Ge { dst: def, lhs: use, rhs: use };
            // ---- conversions
            frame I32x4TruncSatF32x4S { dst: def, src: use };
            frame I32x4TruncSatF32x4U { dst: def, src: use };
            frame I32x4TruncSatF64x2SZero { dst: def, src: use };
            frame I32x4TruncSatF64x2UZero { dst: def, src: use };
            frame F32x4ConvertI32x4S { dst: def, src: use };
            frame F32x4ConvertI32x4U { dst: def, src: use };
            frame F64x2ConvertLowI32x4S { dst: def, src: use };
            frame F64x2ConvertLowI32x4U { dst: def, src: use };
            frame F32x4DemoteF64x2Zero { dst: def, src: use };
            frame F64x2PromoteLowF32x4 { dst: def, src: use };
            // ---- relaxed SIMD (the ops of the modes that differ from plain SIMD ops); the
            // three-operand ones are followed by `Ext { a: c }`
            frame I8x16RelaxedSwizzleX86 { dst: def, lhs: use, rhs: use };
            frame I32x4RelaxedTruncF32x4SX86 { dst: def, src: use };
            frame I32x4RelaxedTruncF64x2SZeroX86 { dst: def, src: use };
            frame F32x4RelaxedMadd { dst: def, a: use, b: use } + Ext;
            frame F32x4RelaxedNmadd { dst: def, a: use, b: use } + Ext;
            frame F64x2RelaxedMadd { dst: def, a: use, b: use } + Ext;
            frame F64x2RelaxedNmadd { dst: def, a: use, b: use } + Ext;
            frame I8x16RelaxedLaneselectX86 { dst: def, a: use, b: use } + Ext;
            frame I32x4RelaxedLaneselectX86 { dst: def, a: use, b: use } + Ext;
            frame I64x2RelaxedLaneselectX86 { dst: def, a: use, b: use } + Ext;
            frame I16x8RelaxedQ15mulrSX86 { dst: def, lhs: use, rhs: use };
            frame I16x8RelaxedDotX86 { dst: def, lhs: use, rhs: use };
            frame I16x8RelaxedDotDet { dst: def, lhs: use, rhs: use };
            frame I32x4RelaxedDotAddX86 { dst: def, a: use, b: use } + Ext;
            frame I32x4RelaxedDotAddDet { dst: def, a: use, b: use } + Ext;
        }
    };
}

pub(crate) use for_each_simd_op;
