//! SIMD lane arithmetic: integer and float operators, width changes and conversions.
//!
//! Where WebAssembly's instruction is a composition (extending multiplies, pairwise additions,
//! `dot`, the `*_zero` and `*_low` conversions), it is written as the composition of Cranelift
//! instructions the x86-64 backend recognises and lowers to one instruction or its usual short
//! sequence (`pmaddwd` for `dot`, `cvtdq2pd` for `convert_low`, `cvttpd2dq` with clamping for
//! `trunc_sat_f64x2_s_zero`...): the operands are passed straight from one to the next, with no
//! bitcast in between, so that the patterns match.

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{InstBuilder, Type, Value, types};
use silo_loader::wasmparser::Operator;

use super::FuncTranslator;

impl FuncTranslator<'_, '_> {
    /// Extended multiplication of the low (`high` false) or high halves of two vectors of type
    /// `from`, each lane widened to twice its width (sign- or zero-extended).
    fn extmul(&mut self, from: Type, high: bool, signed: bool) {
        let (a, b) = self.pop2_vector(from);
        let ins = |t: &mut Self, x| match (high, signed) {
            (false, true) => t.b.ins().swiden_low(x),
            (true, true) => t.b.ins().swiden_high(x),
            (false, false) => t.b.ins().uwiden_low(x),
            (true, false) => t.b.ins().uwiden_high(x),
        };
        let (a, b) = (ins(self, a), ins(self, b));
        let v = self.b.ins().imul(a, b);
        self.push_vector(v);
    }

    /// The sums of adjacent lane pairs of a vector of type `from`, each widened first.
    fn extadd_pairwise(&mut self, from: Type, signed: bool) {
        let a = self.pop_vector(from);
        let (lo, hi) = if signed {
            (self.b.ins().swiden_low(a), self.b.ins().swiden_high(a))
        } else {
            (self.b.ins().uwiden_low(a), self.b.ins().uwiden_high(a))
        };
        let v = self.b.ins().iadd_pairwise(lo, hi);
        self.push_vector(v);
    }

    /// The products of the signed lanes of `a` and `b`, vectors of type `from`, each widened,
    /// then added in adjacent pairs (wrapping): `i32x4.dot_i16x8_s`, and the deterministic
    /// relaxed dot product.
    pub(super) fn signed_dot(&mut self, a: Value, b: Value) -> Value {
        let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
        let lo = self.b.ins().imul(alo, blo);
        let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
        let hi = self.b.ins().imul(ahi, bhi);
        self.b.ins().iadd_pairwise(lo, hi)
    }

    /// `pmin` (`pmax` when `max`): `b < a ? b : a` (`a < b ? b : a`), lane-wise, as the compare
    /// and select `minps`/`maxps` implement.
    pub(super) fn pseudo_min_max(&mut self, a: Value, b: Value, max: bool) -> Value {
        let ty = self.b.func.dfg.value_type(a);
        let cmp = if max {
            self.b.ins().fcmp(FloatCC::LessThan, a, b)
        } else {
            self.b.ins().fcmp(FloatCC::LessThan, b, a)
        };
        let mask = self.b.ins().bitcast(ty, super::simd::lanes_le(), cmp);
        self.b.ins().bitselect(mask, b, a)
    }

    /// The two `f64` lanes of `a` converted to `u32` with saturation, in the low lanes of an
    /// `i32x4` whose high lanes are 0.
    pub(super) fn trunc_sat_f64x2_u_zero(&mut self, a: Value) -> Value {
        use types::{I32, I32X4, I64X2};
        if self.isa.has_round() {
            // The backend lowers exactly this pair (with SSE4.1).
            let wide = self.b.ins().fcvt_to_uint_sat(I64X2, a);
            let zero = self.vector_const(I64X2, [0; 16]);
            return self.b.ins().uunarrow(wide, zero);
        }
        let mut v = self.vector_const(I32X4, [0; 16]);
        for lane in 0..2u8 {
            let x = self.b.ins().extractlane(a, lane);
            let x = self.b.ins().fcvt_to_uint_sat(I32, x);
            v = self.b.ins().insertlane(v, x, lane);
        }
        v
    }

    /// Integer and float lane arithmetic, width changes and conversions; `false` if `op` is none
    /// of them.
    pub(super) fn simd_arith_operator(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        use types::{F32X4, F64X2, I8X16, I16X8, I32X4, I64X2};
        match *op {
            // ---- integer arithmetic
            O::I8x16Add => self.vbin(I8X16, |t, a, b| t.b.ins().iadd(a, b)),
            O::I16x8Add => self.vbin(I16X8, |t, a, b| t.b.ins().iadd(a, b)),
            O::I32x4Add => self.vbin(I32X4, |t, a, b| t.b.ins().iadd(a, b)),
            O::I64x2Add => self.vbin(I64X2, |t, a, b| t.b.ins().iadd(a, b)),
            O::I8x16Sub => self.vbin(I8X16, |t, a, b| t.b.ins().isub(a, b)),
            O::I16x8Sub => self.vbin(I16X8, |t, a, b| t.b.ins().isub(a, b)),
            O::I32x4Sub => self.vbin(I32X4, |t, a, b| t.b.ins().isub(a, b)),
            O::I64x2Sub => self.vbin(I64X2, |t, a, b| t.b.ins().isub(a, b)),
            O::I16x8Mul => self.vbin(I16X8, |t, a, b| t.b.ins().imul(a, b)),
            O::I32x4Mul => self.vbin(I32X4, |t, a, b| t.b.ins().imul(a, b)),
            O::I64x2Mul => self.vbin(I64X2, |t, a, b| t.b.ins().imul(a, b)),
            O::I8x16Neg => self.vun(I8X16, |t, a| t.b.ins().ineg(a)),
            O::I16x8Neg => self.vun(I16X8, |t, a| t.b.ins().ineg(a)),
            O::I32x4Neg => self.vun(I32X4, |t, a| t.b.ins().ineg(a)),
            O::I64x2Neg => self.vun(I64X2, |t, a| t.b.ins().ineg(a)),
            O::I8x16Abs => self.vun(I8X16, |t, a| t.b.ins().iabs(a)),
            O::I16x8Abs => self.vun(I16X8, |t, a| t.b.ins().iabs(a)),
            O::I32x4Abs => self.vun(I32X4, |t, a| t.b.ins().iabs(a)),
            O::I64x2Abs => self.vun(I64X2, |t, a| t.b.ins().iabs(a)),
            O::I8x16AddSatS => self.vbin(I8X16, |t, a, b| t.b.ins().sadd_sat(a, b)),
            O::I16x8AddSatS => self.vbin(I16X8, |t, a, b| t.b.ins().sadd_sat(a, b)),
            O::I8x16AddSatU => self.vbin(I8X16, |t, a, b| t.b.ins().uadd_sat(a, b)),
            O::I16x8AddSatU => self.vbin(I16X8, |t, a, b| t.b.ins().uadd_sat(a, b)),
            O::I8x16SubSatS => self.vbin(I8X16, |t, a, b| t.b.ins().ssub_sat(a, b)),
            O::I16x8SubSatS => self.vbin(I16X8, |t, a, b| t.b.ins().ssub_sat(a, b)),
            O::I8x16SubSatU => self.vbin(I8X16, |t, a, b| t.b.ins().usub_sat(a, b)),
            O::I16x8SubSatU => self.vbin(I16X8, |t, a, b| t.b.ins().usub_sat(a, b)),
            O::I8x16MinS => self.vbin(I8X16, |t, a, b| t.b.ins().smin(a, b)),
            O::I16x8MinS => self.vbin(I16X8, |t, a, b| t.b.ins().smin(a, b)),
            O::I32x4MinS => self.vbin(I32X4, |t, a, b| t.b.ins().smin(a, b)),
            O::I8x16MinU => self.vbin(I8X16, |t, a, b| t.b.ins().umin(a, b)),
            O::I16x8MinU => self.vbin(I16X8, |t, a, b| t.b.ins().umin(a, b)),
            O::I32x4MinU => self.vbin(I32X4, |t, a, b| t.b.ins().umin(a, b)),
            O::I8x16MaxS => self.vbin(I8X16, |t, a, b| t.b.ins().smax(a, b)),
            O::I16x8MaxS => self.vbin(I16X8, |t, a, b| t.b.ins().smax(a, b)),
            O::I32x4MaxS => self.vbin(I32X4, |t, a, b| t.b.ins().smax(a, b)),
            O::I8x16MaxU => self.vbin(I8X16, |t, a, b| t.b.ins().umax(a, b)),
            O::I16x8MaxU => self.vbin(I16X8, |t, a, b| t.b.ins().umax(a, b)),
            O::I32x4MaxU => self.vbin(I32X4, |t, a, b| t.b.ins().umax(a, b)),
            O::I8x16AvgrU => self.vbin(I8X16, |t, a, b| t.b.ins().avg_round(a, b)),
            O::I16x8AvgrU => self.vbin(I16X8, |t, a, b| t.b.ins().avg_round(a, b)),
            O::I8x16Popcnt => self.vun(I8X16, |t, a| t.b.ins().popcnt(a)),
            O::I16x8Q15MulrSatS => self.vbin(I16X8, |t, a, b| t.b.ins().sqmul_round_sat(a, b)),
            O::I32x4DotI16x8S => self.vbin(I16X8, |t, a, b| t.signed_dot(a, b)),

            // ---- narrowing (saturating) and widening
            O::I8x16NarrowI16x8S => self.vbin(I16X8, |t, a, b| t.b.ins().snarrow(a, b)),
            O::I8x16NarrowI16x8U => self.vbin(I16X8, |t, a, b| t.b.ins().unarrow(a, b)),
            O::I16x8NarrowI32x4S => self.vbin(I32X4, |t, a, b| t.b.ins().snarrow(a, b)),
            O::I16x8NarrowI32x4U => self.vbin(I32X4, |t, a, b| t.b.ins().unarrow(a, b)),
            O::I16x8ExtendLowI8x16S => self.vun(I8X16, |t, a| t.b.ins().swiden_low(a)),
            O::I16x8ExtendHighI8x16S => self.vun(I8X16, |t, a| t.b.ins().swiden_high(a)),
            O::I16x8ExtendLowI8x16U => self.vun(I8X16, |t, a| t.b.ins().uwiden_low(a)),
            O::I16x8ExtendHighI8x16U => self.vun(I8X16, |t, a| t.b.ins().uwiden_high(a)),
            O::I32x4ExtendLowI16x8S => self.vun(I16X8, |t, a| t.b.ins().swiden_low(a)),
            O::I32x4ExtendHighI16x8S => self.vun(I16X8, |t, a| t.b.ins().swiden_high(a)),
            O::I32x4ExtendLowI16x8U => self.vun(I16X8, |t, a| t.b.ins().uwiden_low(a)),
            O::I32x4ExtendHighI16x8U => self.vun(I16X8, |t, a| t.b.ins().uwiden_high(a)),
            O::I64x2ExtendLowI32x4S => self.vun(I32X4, |t, a| t.b.ins().swiden_low(a)),
            O::I64x2ExtendHighI32x4S => self.vun(I32X4, |t, a| t.b.ins().swiden_high(a)),
            O::I64x2ExtendLowI32x4U => self.vun(I32X4, |t, a| t.b.ins().uwiden_low(a)),
            O::I64x2ExtendHighI32x4U => self.vun(I32X4, |t, a| t.b.ins().uwiden_high(a)),
            O::I16x8ExtMulLowI8x16S => self.extmul(I8X16, false, true),
            O::I16x8ExtMulHighI8x16S => self.extmul(I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.extmul(I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.extmul(I8X16, true, false),
            O::I32x4ExtMulLowI16x8S => self.extmul(I16X8, false, true),
            O::I32x4ExtMulHighI16x8S => self.extmul(I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.extmul(I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.extmul(I16X8, true, false),
            O::I64x2ExtMulLowI32x4S => self.extmul(I32X4, false, true),
            O::I64x2ExtMulHighI32x4S => self.extmul(I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.extmul(I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.extmul(I32X4, true, false),
            O::I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16X8, false),

            // ---- float arithmetic
            O::F32x4Add => self.vbin(F32X4, |t, a, b| t.b.ins().fadd(a, b)),
            O::F64x2Add => self.vbin(F64X2, |t, a, b| t.b.ins().fadd(a, b)),
            O::F32x4Sub => self.vbin(F32X4, |t, a, b| t.b.ins().fsub(a, b)),
            O::F64x2Sub => self.vbin(F64X2, |t, a, b| t.b.ins().fsub(a, b)),
            O::F32x4Mul => self.vbin(F32X4, |t, a, b| t.b.ins().fmul(a, b)),
            O::F64x2Mul => self.vbin(F64X2, |t, a, b| t.b.ins().fmul(a, b)),
            O::F32x4Div => self.vbin(F32X4, |t, a, b| t.b.ins().fdiv(a, b)),
            O::F64x2Div => self.vbin(F64X2, |t, a, b| t.b.ins().fdiv(a, b)),
            O::F32x4Min => self.vbin(F32X4, |t, a, b| t.b.ins().fmin(a, b)),
            O::F64x2Min => self.vbin(F64X2, |t, a, b| t.b.ins().fmin(a, b)),
            O::F32x4Max => self.vbin(F32X4, |t, a, b| t.b.ins().fmax(a, b)),
            O::F64x2Max => self.vbin(F64X2, |t, a, b| t.b.ins().fmax(a, b)),
            O::F32x4PMin => self.vbin(F32X4, |t, a, b| t.pseudo_min_max(a, b, false)),
            O::F64x2PMin => self.vbin(F64X2, |t, a, b| t.pseudo_min_max(a, b, false)),
            O::F32x4PMax => self.vbin(F32X4, |t, a, b| t.pseudo_min_max(a, b, true)),
            O::F64x2PMax => self.vbin(F64X2, |t, a, b| t.pseudo_min_max(a, b, true)),
            O::F32x4Abs => self.vun(F32X4, |t, a| t.b.ins().fabs(a)),
            O::F64x2Abs => self.vun(F64X2, |t, a| t.b.ins().fabs(a)),
            O::F32x4Neg => self.vun(F32X4, |t, a| t.b.ins().fneg(a)),
            O::F64x2Neg => self.vun(F64X2, |t, a| t.b.ins().fneg(a)),
            O::F32x4Sqrt => self.vun(F32X4, |t, a| t.b.ins().sqrt(a)),
            O::F64x2Sqrt => self.vun(F64X2, |t, a| t.b.ins().sqrt(a)),
            O::F32x4Ceil => self.vun(F32X4, |t, a| t.b.ins().ceil(a)),
            O::F64x2Ceil => self.vun(F64X2, |t, a| t.b.ins().ceil(a)),
            O::F32x4Floor => self.vun(F32X4, |t, a| t.b.ins().floor(a)),
            O::F64x2Floor => self.vun(F64X2, |t, a| t.b.ins().floor(a)),
            O::F32x4Trunc => self.vun(F32X4, |t, a| t.b.ins().trunc(a)),
            O::F64x2Trunc => self.vun(F64X2, |t, a| t.b.ins().trunc(a)),
            O::F32x4Nearest => self.vun(F32X4, |t, a| t.b.ins().nearest(a)),
            O::F64x2Nearest => self.vun(F64X2, |t, a| t.b.ins().nearest(a)),

            // ---- conversions
            O::F32x4ConvertI32x4S => self.vun(I32X4, |t, a| t.b.ins().fcvt_from_sint(F32X4, a)),
            O::F32x4ConvertI32x4U => self.vun(I32X4, |t, a| t.b.ins().fcvt_from_uint(F32X4, a)),
            O::F64x2ConvertLowI32x4S => self.vun(I32X4, |t, a| {
                let wide = t.b.ins().swiden_low(a);
                t.b.ins().fcvt_from_sint(F64X2, wide)
            }),
            O::F64x2ConvertLowI32x4U => self.vun(I32X4, |t, a| {
                let wide = t.b.ins().uwiden_low(a);
                t.b.ins().fcvt_from_uint(F64X2, wide)
            }),
            O::I32x4TruncSatF32x4S => self.vun(F32X4, |t, a| t.b.ins().fcvt_to_sint_sat(I32X4, a)),
            O::I32x4TruncSatF32x4U => self.vun(F32X4, |t, a| t.b.ins().fcvt_to_uint_sat(I32X4, a)),
            O::I32x4TruncSatF64x2SZero => self.vun(F64X2, |t, a| {
                let wide = t.b.ins().fcvt_to_sint_sat(I64X2, a);
                let zero = t.vector_const(I64X2, [0; 16]);
                t.b.ins().snarrow(wide, zero)
            }),
            O::I32x4TruncSatF64x2UZero => self.vun(F64X2, |t, a| t.trunc_sat_f64x2_u_zero(a)),
            O::F32x4DemoteF64x2Zero => self.vun(F64X2, |t, a| t.b.ins().fvdemote(a)),
            O::F64x2PromoteLowF32x4 => self.vun(F32X4, |t, a| t.b.ins().fvpromote_low(a)),
            _ => return false,
        }
        true
    }
}
