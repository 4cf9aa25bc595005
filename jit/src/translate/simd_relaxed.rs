//! Relaxed-SIMD instructions, in the two modes both tiers implement alike
//! (`ModuleEnv::relaxed_simd_deterministic`): by default the results of the x86-64
//! instructions (`pshufb`, `cvttps2dq`/`cvttpd2dq`, `blendv*`, `pmulhrsw`, `pmaddubsw`,
//! `minps`/`maxps`), each one instruction here; deterministic, the spec's deterministic profile
//! (the matching SIMD instruction, or the exact signed dot product). `relaxed_madd`/`nmadd` are
//! fused in both (`vfmadd*`; without FMA, Cranelift calls `fmaf`/`fma` per lane).
//!
//! The dot products take `a`'s bytes as signed and `b`'s as unsigned in the default mode, as
//! `pmaddubsw` does with `b` (the 7-bit operand) as its unsigned operand.
//!
//! Where the processor lacks the instruction (`blendv*` needs SSE4.1), the same x86-64 result
//! is computed with other instructions, so the default mode gives one answer on every machine
//! (`pshufb`, `pmulhrsw` and `pmaddubsw` are SSSE3's, which SIMD code requires: see `simd`).

use cranelift_codegen::ir::{InstBuilder, Type, Value, types};
use silo_loader::wasmparser::Operator;

use super::FuncTranslator;

impl FuncTranslator<'_, '_> {
    /// Whether relaxed instructions give the x86-64 results (the default) rather than the
    /// deterministic ones.
    fn relaxed_native(&self) -> bool {
        !self.env.relaxed_simd_deterministic
    }

    /// `relaxed_laneselect` on vectors of type `ty`.
    fn laneselect(&mut self, ty: Type) {
        let (a, b, mask) = self.pop3_vector(ty);
        let v = if !self.relaxed_native() || ty == types::I16X8 {
            self.b.ins().bitselect(mask, a, b)
        } else if self.isa.has_blendv_lowering(ty) {
            self.b.ins().blendv(mask, a, b)
        } else {
            // What `blendv` does: each lane by the top bit of the mask's lane.
            let shift = self.b.ins().iconst(types::I32, ty.lane_bits() as i64 - 1);
            let full = self.b.ins().sshr(mask, shift);
            self.b.ins().bitselect(full, a, b)
        };
        self.push_vector(v);
    }

    /// `relaxed_min`/`relaxed_max` on vectors of type `ty`.
    fn relaxed_min_max(&mut self, ty: Type, max: bool) {
        let (a, b) = self.pop2_vector(ty);
        let v = match (self.relaxed_native(), max) {
            (true, _) => self.pseudo_min_max(a, b, max),
            (false, false) => self.b.ins().fmin(a, b),
            (false, true) => self.b.ins().fmax(a, b),
        };
        self.push_vector(v);
    }

    /// `relaxed_madd` (`relaxed_nmadd` when `negate`): `±a * b + c`, fused.
    fn madd(&mut self, ty: Type, negate: bool) {
        let (a, b, c) = self.pop3_vector(ty);
        let a = if negate { self.b.ins().fneg(a) } else { a };
        let v = self.b.ins().fma(a, b, c);
        self.push_vector(v);
    }

    /// `i16x8.relaxed_dot_i8x16_i7x16_s` of two `i8x16`.
    fn relaxed_dot(&mut self, a: Value, b: Value) -> Value {
        if self.relaxed_native() { self.b.ins().x86_pmaddubsw(a, b) } else { self.signed_dot(a, b) }
    }

    /// `i16x8.relaxed_q15mulr_s`.
    fn relaxed_q15mulr(&mut self, a: Value, b: Value) -> Value {
        if self.relaxed_native() {
            self.b.ins().x86_pmulhrsw(a, b)
        } else {
            self.b.ins().sqmul_round_sat(a, b)
        }
    }

    /// Translates a relaxed-SIMD instruction; `false` if `op` is not one.
    pub(super) fn simd_relaxed_operator(&mut self, op: &Operator<'_>) -> bool {
        use Operator as O;
        use types::{F32X4, F64X2, I8X16, I16X8, I32X4, I64X2};
        let native = self.relaxed_native();
        match *op {
            O::I8x16RelaxedSwizzle => {
                let (a, s) = self.pop2_vector(I8X16);
                let v =
                    if native { self.b.ins().x86_pshufb(a, s) } else { self.b.ins().swizzle(a, s) };
                self.push_vector(v);
            }
            O::I32x4RelaxedTruncF32x4S => {
                let a = self.pop_vector(F32X4);
                let v = if native {
                    self.b.ins().x86_cvtt2dq(I32X4, a)
                } else {
                    self.b.ins().fcvt_to_sint_sat(I32X4, a)
                };
                self.push_vector(v);
            }
            O::I32x4RelaxedTruncF64x2SZero => {
                let a = self.pop_vector(F64X2);
                // The backend lowers the pair to one `cvttpd2dq` (native) or the clamped one.
                let wide = if native {
                    self.b.ins().x86_cvtt2dq(I64X2, a)
                } else {
                    self.b.ins().fcvt_to_sint_sat(I64X2, a)
                };
                let zero = self.vector_const(I64X2, [0; 16]);
                let v = self.b.ins().snarrow(wide, zero);
                self.push_vector(v);
            }
            // The same in both modes: what the saturating instructions give.
            O::I32x4RelaxedTruncF32x4U => {
                self.vun(F32X4, |t, a| t.b.ins().fcvt_to_uint_sat(I32X4, a))
            }
            O::I32x4RelaxedTruncF64x2UZero => self.vun(F64X2, |t, a| t.trunc_sat_f64x2_u_zero(a)),
            O::F32x4RelaxedMadd => self.madd(F32X4, false),
            O::F64x2RelaxedMadd => self.madd(F64X2, false),
            O::F32x4RelaxedNmadd => self.madd(F32X4, true),
            O::F64x2RelaxedNmadd => self.madd(F64X2, true),
            O::I8x16RelaxedLaneselect => self.laneselect(I8X16),
            O::I16x8RelaxedLaneselect => self.laneselect(I16X8),
            O::I32x4RelaxedLaneselect => self.laneselect(I32X4),
            O::I64x2RelaxedLaneselect => self.laneselect(I64X2),
            O::F32x4RelaxedMin => self.relaxed_min_max(F32X4, false),
            O::F64x2RelaxedMin => self.relaxed_min_max(F64X2, false),
            O::F32x4RelaxedMax => self.relaxed_min_max(F32X4, true),
            O::F64x2RelaxedMax => self.relaxed_min_max(F64X2, true),
            O::I16x8RelaxedQ15mulrS => self.vbin(I16X8, |t, a, b| t.relaxed_q15mulr(a, b)),
            O::I16x8RelaxedDotI8x16I7x16S => self.vbin(I8X16, |t, a, b| t.relaxed_dot(a, b)),
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.pop_vector(I32X4);
                let (a, b) = self.pop2_vector(I8X16);
                let dot = if native {
                    // The 16-bit pair sums, then adjacent pairs of those, exactly.
                    let d = self.b.ins().x86_pmaddubsw(a, b);
                    self.extadd_halves(d)
                } else {
                    // The exact sum of the four signed products.
                    let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
                    let lo = self.b.ins().imul(alo, blo);
                    let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
                    let hi = self.b.ins().imul(ahi, bhi);
                    let lo = self.extadd_halves(lo);
                    let hi = self.extadd_halves(hi);
                    self.b.ins().iadd_pairwise(lo, hi)
                };
                let v = self.b.ins().iadd(dot, c);
                self.push_vector(v);
            }
            _ => return false,
        }
        true
    }

    /// The sums of adjacent signed lanes of `v`, widened (`extadd_pairwise_s`).
    fn extadd_halves(&mut self, v: Value) -> Value {
        let lo = self.b.ins().swiden_low(v);
        let hi = self.b.ins().swiden_high(v);
        self.b.ins().iadd_pairwise(lo, hi)
    }
}
