//! The handlers of the relaxed-SIMD ops (the modes that are not plain SIMD ops; the translator
//! picks the mode).

macro_rules! define_simd_relaxed_handlers {
    () => {
        v_binary!(ip, fp, mb, ml, cx, acc;
            I8x16RelaxedSwizzleX86 => bits::pshufb;
            I16x8RelaxedQ15mulrSX86 => relaxed::i16x8_relaxed_q15mulr_s_x86;
            I16x8RelaxedDotX86 => relaxed::i16x8_relaxed_dot_x86;
            I16x8RelaxedDotDet => relaxed::i16x8_relaxed_dot_det;
        );
        v_unary!(ip, fp, mb, ml, cx, acc;
            I32x4RelaxedTruncF32x4SX86 => relaxed::i32x4_relaxed_trunc_f32x4_s_x86;
            I32x4RelaxedTruncF64x2SZeroX86 => relaxed::i32x4_relaxed_trunc_f64x2_s_zero_x86;
        );
        v_ternary!(ip, fp, mb, ml, cx, acc;
            F32x4RelaxedMadd => relaxed::f32x4_relaxed_madd;
            F32x4RelaxedNmadd => relaxed::f32x4_relaxed_nmadd;
            F64x2RelaxedMadd => relaxed::f64x2_relaxed_madd;
            F64x2RelaxedNmadd => relaxed::f64x2_relaxed_nmadd;
            I8x16RelaxedLaneselectX86 => relaxed::i8x16_relaxed_laneselect_x86;
            I32x4RelaxedLaneselectX86 => relaxed::i32x4_relaxed_laneselect_x86;
            I64x2RelaxedLaneselectX86 => relaxed::i64x2_relaxed_laneselect_x86;
            I32x4RelaxedDotAddX86 => relaxed::i32x4_relaxed_dot_add_x86;
            I32x4RelaxedDotAddDet => relaxed::i32x4_relaxed_dot_add_det;
        );
    };
}

pub(in crate::interp::exec) use define_simd_relaxed_handlers;
