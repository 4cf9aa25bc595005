//! SIMD (`v128`) instructions: constants, lanes, shuffles, bitwise operators and comparisons;
//! the lane arithmetic is in `simd_arith`, memory accesses in `simd_memory`, the relaxed
//! instructions in `simd_relaxed`.
//!
//! A `v128` is an `I8X16` wherever it crosses an operator (the operand stack, locals, block
//! parameters, globals, calls): each operator bitcasts its operands to the lane type it works on
//! and its result back to `I8X16`. A bitcast of a bitcast is never emitted (`as_vector` looks
//! through the one that made its operand), and bitcasts between vector types cost nothing on
//! x86-64, so a chain of operators on one lane type is the chain of its instructions; within an
//! operator, intermediate values keep their own types so that the backend sees the patterns it
//! lowers to single instructions (`pmin`/`pmax`, the `*_zero` conversions).
//!
//! Most instructions are one Cranelift instruction with WebAssembly's semantics (shift counts
//! taken modulo the lane width, NaN-propagating `fmin`/`fmax` with -0 < +0, saturating
//! conversions), which x86-64 lowers to one instruction or a short fixed sequence. Cranelift
//! lowers `shuffle`, `swizzle` and byte splats to `pshufb`, so SIMD code needs SSSE3 (every
//! x86-64 since 2006); without it, a function using SIMD is refused rather than compiled to
//! calls the code memory cannot resolve.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    ConstantData, Endianness, InstBuilder, MemFlagsData, Opcode, Type, Value, ValueDef, types,
};
use silo_loader::wasmparser::Operator;

use super::FuncTranslator;

/// Flags of a bitcast between vector types: lanes are numbered in little-endian byte order.
pub(super) fn lanes_le() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl FuncTranslator<'_, '_> {
    /// `v`, a 128-bit vector, as a vector of type `ty`: itself, the value it was bitcast from, or
    /// a new bitcast.
    pub(super) fn as_vector(&mut self, v: Value, ty: Type) -> Value {
        let dfg = &self.b.func.dfg;
        if dfg.value_type(v) == ty {
            return v;
        }
        if let ValueDef::Result(inst, _) = dfg.value_def(v)
            && dfg.insts[inst].opcode() == Opcode::Bitcast
        {
            let from = dfg.inst_args(inst)[0];
            if dfg.value_type(from) == ty {
                return from;
            }
        }
        self.b.ins().bitcast(ty, lanes_le(), v)
    }

    /// The top operand, as a vector of type `ty`.
    pub(super) fn pop_vector(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_vector(v, ty)
    }

    /// The top two operands (the deeper first), as vectors of type `ty`.
    pub(super) fn pop2_vector(&mut self, ty: Type) -> (Value, Value) {
        let b = self.pop_vector(ty);
        let a = self.pop_vector(ty);
        (a, b)
    }

    /// The top three operands (the deepest first), as vectors of type `ty`.
    pub(super) fn pop3_vector(&mut self, ty: Type) -> (Value, Value, Value) {
        let c = self.pop_vector(ty);
        let (a, b) = self.pop2_vector(ty);
        (a, b, c)
    }

    /// Pushes a vector result, as an `I8X16`.
    pub(super) fn push_vector(&mut self, v: Value) {
        let v = self.as_vector(v, types::I8X16);
        self.push(v);
    }

    /// A vector constant of type `ty` from its 16 bytes.
    pub(super) fn vector_const(&mut self, ty: Type, bytes: [u8; 16]) -> Value {
        let data = self.b.func.dfg.constants.insert(ConstantData::from(&bytes[..]));
        self.b.ins().vconst(ty, data)
    }

    /// A unary lane operator on vectors of type `ty`.
    pub(super) fn vun(&mut self, ty: Type, f: fn(&mut Self, Value) -> Value) {
        let a = self.pop_vector(ty);
        let v = f(self, a);
        self.push_vector(v);
    }

    /// A binary lane operator on vectors of type `ty`.
    pub(super) fn vbin(&mut self, ty: Type, f: fn(&mut Self, Value, Value) -> Value) {
        let (a, b) = self.pop2_vector(ty);
        let v = f(self, a, b);
        self.push_vector(v);
    }

    /// A lane-wise integer comparison: all ones where it holds, zeros elsewhere.
    fn vicmp(&mut self, ty: Type, cc: IntCC) {
        let (a, b) = self.pop2_vector(ty);
        let v = self.b.ins().icmp(cc, a, b);
        self.push_vector(v);
    }

    /// A lane-wise float comparison, as `vicmp`.
    fn vfcmp(&mut self, ty: Type, cc: FloatCC) {
        let (a, b) = self.pop2_vector(ty);
        let v = self.b.ins().fcmp(cc, a, b);
        self.push_vector(v);
    }

    /// A shift of every lane of a vector of type `ty` by an `i32` count, which Cranelift takes
    /// modulo the lane width as WebAssembly does.
    fn vshift(&mut self, ty: Type, f: fn(&mut Self, Value, Value) -> Value) {
        let count = self.pop();
        let a = self.pop_vector(ty);
        let v = f(self, a, count);
        self.push_vector(v);
    }

    /// A vector of type `ty` with the scalar operand in every lane (`i8`/`i16` lanes take the low
    /// bits of an `i32`).
    fn splat(&mut self, ty: Type) {
        let x = self.pop();
        let x = if self.b.func.dfg.value_type(x) == ty.lane_type() {
            x
        } else {
            self.b.ins().ireduce(ty.lane_type(), x)
        };
        let v = self.b.ins().splat(ty, x);
        self.push_vector(v);
    }

    /// Lane `lane` of a vector of type `ty`, extended to an `i32` for `i8`/`i16` lanes (`signed`
    /// says how).
    fn extract_lane(&mut self, ty: Type, lane: u8, signed: bool) {
        let a = self.pop_vector(ty);
        let x = self.b.ins().extractlane(a, lane);
        let x = match ty.lane_type() {
            types::I8 | types::I16 if signed => self.b.ins().sextend(types::I32, x),
            types::I8 | types::I16 => self.b.ins().uextend(types::I32, x),
            _ => x,
        };
        self.push(x);
    }

    /// The vector with lane `lane` replaced by the scalar operand.
    fn replace_lane(&mut self, ty: Type, lane: u8) {
        let x = self.pop();
        let a = self.pop_vector(ty);
        let x = if self.b.func.dfg.value_type(x) == ty.lane_type() {
            x
        } else {
            self.b.ins().ireduce(ty.lane_type(), x)
        };
        let v = self.b.ins().insertlane(a, x, lane);
        self.push_vector(v);
    }

    /// A boolean reduction of a vector of type `ty` (`vany_true`, `vall_true`), as an `i32`.
    fn reduce(&mut self, ty: Type, f: fn(&mut Self, Value) -> Value) {
        let a = self.pop_vector(ty);
        let b = f(self, a);
        let v = self.b.ins().uextend(types::I32, b);
        self.push(v);
    }

    /// Translates a SIMD or relaxed-SIMD instruction; `false` if `op` is not one.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        let done = self.simd_memory_operator(op)?
            || self.simd_lanes_operator(op)
            || self.simd_arith_operator(op)
            || self.simd_relaxed_operator(op);
        if done && !self.isa.has_x86_pshufb_lowering() {
            return Err("native SIMD code needs a processor with SSSE3".into());
        }
        Ok(done)
    }

    /// Constants, splats, lanes, shuffles, bitwise operators, comparisons and reductions;
    /// `false` if `op` is none of them.
    fn simd_lanes_operator(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        use types::{F32X4, F64X2, I8X16, I16X8, I32X4, I64X2};
        match *op {
            O::V128Const { value } => {
                let v = self.vector_const(I8X16, *value.bytes());
                self.push(v);
            }
            O::I8x16Splat => self.splat(I8X16),
            O::I16x8Splat => self.splat(I16X8),
            O::I32x4Splat => self.splat(I32X4),
            O::I64x2Splat => self.splat(I64X2),
            O::F32x4Splat => self.splat(F32X4),
            O::F64x2Splat => self.splat(F64X2),

            O::I8x16ExtractLaneS { lane } => self.extract_lane(I8X16, lane, true),
            O::I8x16ExtractLaneU { lane } => self.extract_lane(I8X16, lane, false),
            O::I16x8ExtractLaneS { lane } => self.extract_lane(I16X8, lane, true),
            O::I16x8ExtractLaneU { lane } => self.extract_lane(I16X8, lane, false),
            O::I32x4ExtractLane { lane } => self.extract_lane(I32X4, lane, false),
            O::I64x2ExtractLane { lane } => self.extract_lane(I64X2, lane, false),
            O::F32x4ExtractLane { lane } => self.extract_lane(F32X4, lane, false),
            O::F64x2ExtractLane { lane } => self.extract_lane(F64X2, lane, false),
            O::I8x16ReplaceLane { lane } => self.replace_lane(I8X16, lane),
            O::I16x8ReplaceLane { lane } => self.replace_lane(I16X8, lane),
            O::I32x4ReplaceLane { lane } => self.replace_lane(I32X4, lane),
            O::I64x2ReplaceLane { lane } => self.replace_lane(I64X2, lane),
            O::F32x4ReplaceLane { lane } => self.replace_lane(F32X4, lane),
            O::F64x2ReplaceLane { lane } => self.replace_lane(F64X2, lane),

            O::I8x16Shuffle { lanes } => {
                let (a, b) = self.pop2_vector(I8X16);
                let mask = self.b.func.dfg.immediates.push(ConstantData::from(&lanes[..]));
                let v = self.b.ins().shuffle(a, b, mask);
                self.push_vector(v);
            }
            // Indices of 16 and more select 0.
            O::I8x16Swizzle => self.vbin(I8X16, |t, a, s| t.b.ins().swizzle(a, s)),

            // ---- bitwise
            O::V128Not => self.vun(I8X16, |t, a| t.b.ins().bnot(a)),
            O::V128And => self.vbin(I8X16, |t, a, b| t.b.ins().band(a, b)),
            O::V128AndNot => self.vbin(I8X16, |t, a, b| t.b.ins().band_not(a, b)),
            O::V128Or => self.vbin(I8X16, |t, a, b| t.b.ins().bor(a, b)),
            O::V128Xor => self.vbin(I8X16, |t, a, b| t.b.ins().bxor(a, b)),
            O::V128Bitselect => {
                let (a, b, mask) = self.pop3_vector(I8X16);
                let v = self.b.ins().bitselect(mask, a, b);
                self.push_vector(v);
            }
            O::V128AnyTrue => self.reduce(I8X16, |t, a| t.b.ins().vany_true(a)),
            O::I8x16AllTrue => self.reduce(I8X16, |t, a| t.b.ins().vall_true(a)),
            O::I16x8AllTrue => self.reduce(I16X8, |t, a| t.b.ins().vall_true(a)),
            O::I32x4AllTrue => self.reduce(I32X4, |t, a| t.b.ins().vall_true(a)),
            O::I64x2AllTrue => self.reduce(I64X2, |t, a| t.b.ins().vall_true(a)),
            O::I8x16Bitmask | O::I16x8Bitmask | O::I32x4Bitmask | O::I64x2Bitmask => {
                let ty = match *op {
                    O::I8x16Bitmask => I8X16,
                    O::I16x8Bitmask => I16X8,
                    O::I32x4Bitmask => I32X4,
                    _ => I64X2,
                };
                let a = self.pop_vector(ty);
                let v = self.b.ins().vhigh_bits(types::I32, a);
                self.push(v);
            }

            // ---- shifts
            O::I8x16Shl => self.vshift(I8X16, |t, a, n| t.b.ins().ishl(a, n)),
            O::I16x8Shl => self.vshift(I16X8, |t, a, n| t.b.ins().ishl(a, n)),
            O::I32x4Shl => self.vshift(I32X4, |t, a, n| t.b.ins().ishl(a, n)),
            O::I64x2Shl => self.vshift(I64X2, |t, a, n| t.b.ins().ishl(a, n)),
            O::I8x16ShrS => self.vshift(I8X16, |t, a, n| t.b.ins().sshr(a, n)),
            O::I16x8ShrS => self.vshift(I16X8, |t, a, n| t.b.ins().sshr(a, n)),
            O::I32x4ShrS => self.vshift(I32X4, |t, a, n| t.b.ins().sshr(a, n)),
            O::I64x2ShrS => self.vshift(I64X2, |t, a, n| t.b.ins().sshr(a, n)),
            O::I8x16ShrU => self.vshift(I8X16, |t, a, n| t.b.ins().ushr(a, n)),
            O::I16x8ShrU => self.vshift(I16X8, |t, a, n| t.b.ins().ushr(a, n)),
            O::I32x4ShrU => self.vshift(I32X4, |t, a, n| t.b.ins().ushr(a, n)),
            O::I64x2ShrU => self.vshift(I64X2, |t, a, n| t.b.ins().ushr(a, n)),

            // ---- integer comparisons
            O::I8x16Eq => self.vicmp(I8X16, IntCC::Equal),
            O::I8x16Ne => self.vicmp(I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.vicmp(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.vicmp(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.vicmp(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.vicmp(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.vicmp(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.vicmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.vicmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.vicmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.vicmp(I16X8, IntCC::Equal),
            O::I16x8Ne => self.vicmp(I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.vicmp(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.vicmp(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.vicmp(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.vicmp(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.vicmp(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.vicmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.vicmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.vicmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.vicmp(I32X4, IntCC::Equal),
            O::I32x4Ne => self.vicmp(I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.vicmp(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.vicmp(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.vicmp(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.vicmp(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.vicmp(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.vicmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.vicmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.vicmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.vicmp(I64X2, IntCC::Equal),
            O::I64x2Ne => self.vicmp(I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.vicmp(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.vicmp(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.vicmp(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.vicmp(I64X2, IntCC::SignedGreaterThanOrEqual),

            // ---- float comparisons (`ne` holds for NaN lanes, the rest do not)
            O::F32x4Eq => self.vfcmp(F32X4, FloatCC::Equal),
            O::F32x4Ne => self.vfcmp(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.vfcmp(F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.vfcmp(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.vfcmp(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.vfcmp(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.vfcmp(F64X2, FloatCC::Equal),
            O::F64x2Ne => self.vfcmp(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.vfcmp(F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.vfcmp(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.vfcmp(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.vfcmp(F64X2, FloatCC::GreaterThanOrEqual),
            _ => return false,
        }
        true
    }
}
