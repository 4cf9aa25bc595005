//! The handlers of float lanes and of conversions.

macro_rules! define_simd_float_handlers {
    () => {
        v_binary!(ip, fp, mb, ml, cx, acc;
            F32x4Add => float::f32x4_add;
            F32x4Sub => float::f32x4_sub;
            F32x4Mul => float::f32x4_mul;
            F32x4Div => float::f32x4_div;
            F32x4Min => float::f32x4_min;
            F32x4Max => float::f32x4_max;
            F32x4PMin => float::f32x4_pmin;
            F32x4PMax => float::f32x4_pmax;
            F64x2Add => float::f64x2_add;
            F64x2Sub => float::f64x2_sub;
            F64x2Mul => float::f64x2_mul;
            F64x2Div => float::f64x2_div;
            F64x2Min => float::f64x2_min;
            F64x2Max => float::f64x2_max;
            F64x2PMin => float::f64x2_pmin;
            F64x2PMax => float::f64x2_pmax;
            F32x4Eq => float::f32x4_eq;
            F32x4Ne => float::f32x4_ne;
            F32x4Lt => float::f32x4_lt;
            F32x4Gt => float::f32x4_gt;
            F32x4Le => float::f32x4_le;
            F32x4Ge => float::f32x4_ge;
            F64x2Eq => float::f64x2_eq;
            F64x2Ne => float::f64x2_ne;
            F64x2Lt => float::f64x2_lt;
            F64x2Gt => float::f64x2_gt;
            F64x2Le => float::f64x2_le;
            F64x2Ge => float::f64x2_ge;
        );
        v_unary!(ip, fp, mb, ml, cx, acc;
            F32x4Abs => float::f32x4_abs;
            F32x4Neg => float::f32x4_neg;
            F32x4Sqrt => float::f32x4_sqrt;
            F32x4Ceil => float::f32x4_ceil;
            F32x4Floor => float::f32x4_floor;
            F32x4Trunc => float::f32x4_trunc;
            F32x4Nearest => float::f32x4_nearest;
            F64x2Abs => float::f64x2_abs;
            F64x2Neg => float::f64x2_neg;
            F64x2Sqrt => float::f64x2_sqrt;
            F64x2Ceil => float::f64x2_ceil;
            F64x2Floor => float::f64x2_floor;
            F64x2Trunc => float::f64x2_trunc;
            F64x2Nearest => float::f64x2_nearest;
            I32x4TruncSatF32x4S => convert::i32x4_trunc_sat_f32x4_s;
            I32x4TruncSatF32x4U => convert::i32x4_trunc_sat_f32x4_u;
            I32x4TruncSatF64x2SZero => convert::i32x4_trunc_sat_f64x2_s_zero;
            I32x4TruncSatF64x2UZero => convert::i32x4_trunc_sat_f64x2_u_zero;
            F32x4ConvertI32x4S => convert::f32x4_convert_i32x4_s;
            F32x4ConvertI32x4U => convert::f32x4_convert_i32x4_u;
            F64x2ConvertLowI32x4S => convert::f64x2_convert_low_i32x4_s;
            F64x2ConvertLowI32x4U => convert::f64x2_convert_low_i32x4_u;
            F32x4DemoteF64x2Zero => convert::f32x4_demote_f64x2_zero;
            F64x2PromoteLowF32x4 => convert::f64x2_promote_low_f32x4;
        );
    };
}

pub(in crate::interp::exec) use define_simd_float_handlers;
