//! The libcalls Cranelift may emit: operations it lowers to a call on a machine without the
//! instruction (rounding without SSE4.1, fused multiply-add without FMA, byte shuffles without
//! SSSE3). Each is a plain Rust function with the C calling convention, which is Cranelift's
//! default on the host.

use cranelift_codegen::ir::LibCall;

/// The address of `call`'s implementation, or `None` for a libcall Silo's code never needs (the
/// memory and thread-local helpers, stack probes).
pub(super) fn address(call: LibCall) -> Option<usize> {
    let at = match call {
        LibCall::CeilF32 => ceil_f32 as extern "C" fn(f32) -> f32 as usize,
        LibCall::CeilF64 => ceil_f64 as extern "C" fn(f64) -> f64 as usize,
        LibCall::FloorF32 => floor_f32 as extern "C" fn(f32) -> f32 as usize,
        LibCall::FloorF64 => floor_f64 as extern "C" fn(f64) -> f64 as usize,
        LibCall::TruncF32 => trunc_f32 as extern "C" fn(f32) -> f32 as usize,
        LibCall::TruncF64 => trunc_f64 as extern "C" fn(f64) -> f64 as usize,
        LibCall::NearestF32 => nearest_f32 as extern "C" fn(f32) -> f32 as usize,
        LibCall::NearestF64 => nearest_f64 as extern "C" fn(f64) -> f64 as usize,
        LibCall::FmaF32 => fma_f32 as extern "C" fn(f32, f32, f32) -> f32 as usize,
        LibCall::FmaF64 => fma_f64 as extern "C" fn(f64, f64, f64) -> f64 as usize,
        #[cfg(target_arch = "x86_64")]
        LibCall::X86Pshufb => x86::pshufb as unsafe extern "C" fn(_, _) -> _ as usize,
        _ => return None,
    };
    Some(at)
}

extern "C" fn ceil_f32(x: f32) -> f32 {
    x.ceil()
}

extern "C" fn ceil_f64(x: f64) -> f64 {
    x.ceil()
}

extern "C" fn floor_f32(x: f32) -> f32 {
    x.floor()
}

extern "C" fn floor_f64(x: f64) -> f64 {
    x.floor()
}

extern "C" fn trunc_f32(x: f32) -> f32 {
    x.trunc()
}

extern "C" fn trunc_f64(x: f64) -> f64 {
    x.trunc()
}

/// Wasm's `nearest`: to the nearest integer, ties to even.
extern "C" fn nearest_f32(x: f32) -> f32 {
    x.round_ties_even()
}

extern "C" fn nearest_f64(x: f64) -> f64 {
    x.round_ties_even()
}

/// One rounding, as the `fma` instruction.
extern "C" fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
    a.mul_add(b, c)
}

extern "C" fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::__m128i;

    /// `pshufb`: each byte of the result is the byte of `a` its index in `b` names, or 0 when
    /// the index's top bit is set.
    ///
    /// # Safety
    /// None beyond the call itself: it is `unsafe` only because the ABI passing `__m128i` in
    /// vector registers needs SSE2, which every x86-64 has.
    // Allowed: Cranelift passes `i8x16` in an XMM register, which is where the System V ABI
    // passes and returns an `__m128i`; the lint only knows the type has no C definition.
    #[allow(improper_ctypes_definitions)]
    pub(super) unsafe extern "C" fn pshufb(a: __m128i, b: __m128i) -> __m128i {
        // SAFETY: `__m128i` and `[u8; 16]` have the same size, and every bit pattern is valid
        // for both.
        let (a, b) = unsafe {
            (
                std::mem::transmute::<__m128i, [u8; 16]>(a),
                std::mem::transmute::<__m128i, [u8; 16]>(b),
            )
        };
        let out: [u8; 16] =
            std::array::from_fn(|i| if b[i] & 0x80 != 0 { 0 } else { a[(b[i] & 15) as usize] });
        // SAFETY: as above.
        unsafe { std::mem::transmute::<[u8; 16], __m128i>(out) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rounds_ties_to_even() {
        assert_eq!(nearest_f32(2.5), 2.0);
        assert_eq!(nearest_f32(3.5), 4.0);
        assert_eq!(nearest_f64(-0.5), -0.0);
        assert!(nearest_f64(-0.5).is_sign_negative());
    }

    #[test]
    fn every_rounding_libcall_has_an_address() {
        for call in [
            LibCall::CeilF32,
            LibCall::CeilF64,
            LibCall::FloorF32,
            LibCall::FloorF64,
            LibCall::TruncF32,
            LibCall::TruncF64,
            LibCall::NearestF32,
            LibCall::NearestF64,
            LibCall::FmaF32,
            LibCall::FmaF64,
        ] {
            assert!(address(call).is_some(), "{call}");
        }
        assert!(address(LibCall::Memcpy).is_none());
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn pshufb_selects_and_zeroes() {
        use std::arch::x86_64::__m128i;
        let a: [u8; 16] = std::array::from_fn(|i| i as u8 * 3);
        let b: [u8; 16] = std::array::from_fn(|i| if i == 5 { 0x80 } else { 15 - i as u8 });
        // SAFETY: same-size plain-data transmutes; `pshufb` has no precondition.
        let out: [u8; 16] = unsafe {
            std::mem::transmute::<__m128i, [u8; 16]>(x86::pshufb(
                std::mem::transmute::<[u8; 16], __m128i>(a),
                std::mem::transmute::<[u8; 16], __m128i>(b),
            ))
        };
        assert_eq!(out[0], 45);
        assert_eq!(out[5], 0);
        assert_eq!(out[15], 0);
    }
}
