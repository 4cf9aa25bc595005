//! The semantics of the SIMD instructions (`v128`, Wasm 2.0) and of relaxed SIMD, as plain
//! functions on 128-bit values, tier-neutral: the interpreter's handlers call them (inlined), and
//! tests check them against the spec's edge cases. One file per family: integer lanes (`int`),
//! float lanes (`float`), conversions (`convert`), bitwise operations, lane access and byte
//! permutations (`bits`), relaxed SIMD in both of its modes (`relaxed`).
//!
//! A `v128` is a [`V128`]: an SSE register's value on x86-64, 16 bytes in lane order, as
//! `Val::V128` and the two-slot frame layout have them. Lane-wise code views it as an array
//! of lanes ([`lanes`], [`join`]) and computes on fixed-size arrays, which LLVM compiles to SSE2
//! vector instructions (SSE2 is the x86-64 baseline). Where SSE2 has no instruction for it and the
//! loop would be slow, the x86-64 build uses an intrinsic: SSE2 directly, SSSE3 (`pshufb`, for the
//! byte permutations) and SSE4.1 (`roundps`/`roundpd`) and FMA behind a check of the CPU done once
//! per process ([`has_ssse3`], [`has_sse41`], [`has_fma`]); every other target uses the lane code. Every path gives
//! the same bits: the spec's, or for relaxed instructions the contract's (see `relaxed`).
//!
//! A function that is not inlined (one compiled for another target feature, a library fallback)
//! takes and returns `u128`s, which are passed in registers (the Rust ABI passes vector types
//! through memory), so that a handler calling it keeps its final call a jump.

pub(crate) mod bits;
pub(crate) mod convert;
pub(crate) mod float;
pub(crate) mod int;
pub(crate) mod relaxed;

/// A `v128` value. On x86-64 it is an SSE register's type, so that LLVM keeps the lanes of a
/// computation in a vector register from the 16-byte load to the 16-byte store (through a
/// 128-bit integer, it would assemble results from their lanes with shifts in general registers).
/// Its bytes are the vector's, lane 0 first (little-endian), as in `Val::V128` and the frame's two
/// slots.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub(crate) struct V128(Repr);

#[cfg(target_arch = "x86_64")]
type Repr = std::arch::x86_64::__m128i;
#[cfg(not(target_arch = "x86_64"))]
type Repr = u128;

impl V128 {
    /// The vector of these 16 bytes (lane 0 first).
    #[inline(always)]
    pub(crate) fn from_bytes(b: [u8; 16]) -> V128 {
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: both are 16 plain bytes, in the same order (x86-64 is little-endian).
            V128(unsafe { std::mem::transmute::<[u8; 16], Repr>(b) })
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            V128(u128::from_le_bytes(b))
        }
    }

    /// Its 16 bytes (lane 0 first).
    #[inline(always)]
    pub(crate) fn to_bytes(self) -> [u8; 16] {
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: as in `from_bytes`.
            unsafe { std::mem::transmute::<Repr, [u8; 16]>(self.0) }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self.0.to_le_bytes()
        }
    }

    /// The vector whose little-endian bits are `bits` (`Val::V128`'s form).
    #[inline(always)]
    pub(crate) fn from_bits(bits: u128) -> V128 {
        V128::from_bytes(bits.to_le_bytes())
    }

    /// Its bits, little-endian (`Val::V128`'s form).
    #[inline(always)]
    pub(crate) fn bits(self) -> u128 {
        u128::from_le_bytes(self.to_bytes())
    }

    /// The SSE2 value.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub(crate) fn m(self) -> std::arch::x86_64::__m128i {
        self.0
    }

    /// The vector of an SSE2 value.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub(crate) fn of(m: std::arch::x86_64::__m128i) -> V128 {
        V128(m)
    }
}

impl PartialEq for V128 {
    fn eq(&self, other: &V128) -> bool {
        self.bits() == other.bits()
    }
}

impl Eq for V128 {}

impl std::fmt::Debug for V128 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v128:{:#034x}", self.bits())
    }
}

/// A 16-byte array of plain numbers: every bit pattern is a valid value, lane `i` is bytes
/// `i * size..(i + 1) * size` of a `v128`, little-endian.
pub(crate) trait LaneArray: Copy {
    /// The lanes of `v`.
    fn from_v128(v: V128) -> Self;
    /// The `v128` of these lanes.
    fn to_v128(self) -> V128;
}

macro_rules! lane_array {
    ($($t:ty, $n:literal;)*) => {$(
        impl LaneArray for [$t; $n] {
            #[inline(always)]
            fn from_v128(v: V128) -> Self {
                #[cfg(target_arch = "x86_64")]
                {
                    // SAFETY: `[$t; $n]` is 16 bytes of plain numbers, for which every bit pattern
                    // is a value; x86-64 is little-endian, so its lane `i` is the vector's bytes
                    // `i * size..`, which is the lane order of a `v128`.
                    unsafe { std::mem::transmute::<Repr, [$t; $n]>(v.0) }
                }
                #[cfg(not(target_arch = "x86_64"))]
                {
                    const W: usize = 16 / $n;
                    let b = v.to_bytes();
                    std::array::from_fn(|i| {
                        let mut l = [0u8; W];
                        l.copy_from_slice(&b[i * W..(i + 1) * W]);
                        <$t>::from_le_bytes(l)
                    })
                }
            }

            #[inline(always)]
            fn to_v128(self) -> V128 {
                #[cfg(target_arch = "x86_64")]
                {
                    // SAFETY: as in `from_v128`.
                    V128(unsafe { std::mem::transmute::<[$t; $n], Repr>(self) })
                }
                #[cfg(not(target_arch = "x86_64"))]
                {
                    const W: usize = 16 / $n;
                    let mut b = [0u8; 16];
                    for (i, x) in self.iter().enumerate() {
                        b[i * W..(i + 1) * W].copy_from_slice(&x.to_le_bytes());
                    }
                    V128::from_bytes(b)
                }
            }
        }
    )*};
}

lane_array! {
    i8, 16; u8, 16; i16, 8; u16, 8; i32, 4; u32, 4; i64, 2; u64, 2; f32, 4; f64, 2;
}

/// The lanes of `v` as an array (its type says the shape).
#[inline(always)]
pub(crate) fn lanes<A: LaneArray>(v: V128) -> A {
    A::from_v128(v)
}

/// The `v128` of an array of lanes.
#[inline(always)]
pub(crate) fn join<A: LaneArray>(a: A) -> V128 {
    a.to_v128()
}

/// Lane-wise functions: `name(a, b...): [In; N] => [Out; N], |x, y...| lane`, each argument viewed
/// as `In` lanes and lane `i` of the result computed from lane `i` of each.
macro_rules! lanewise {
    ($( $(#[$m:meta])* $name:ident($($arg:ident),+): $in:ty => $out:ty, |$($x:ident),+| $e:expr; )*) => {$(
        $(#[$m])*
        #[inline(always)]
        pub(crate) fn $name($($arg: $crate::runtime::simd::V128),+) -> $crate::runtime::simd::V128 {
            $( let $arg: $in = $crate::runtime::simd::lanes($arg); )+
            let out: $out = std::array::from_fn(|i| { $( let $x = $arg[i]; )+ $e });
            $crate::runtime::simd::join(out)
        }
    )*};
}

pub(crate) use lanewise;

/// Whether this CPU has SSSE3 (`pshufb`), checked once (the standard library caches it).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_ssse3() -> bool {
    std::is_x86_feature_detected!("ssse3")
}

/// Whether this CPU has SSE4.1 (`roundps`), checked once (the standard library caches it).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_sse41() -> bool {
    std::is_x86_feature_detected!("sse4.1")
}

/// Whether this CPU has FMA (`vfmadd`), checked once (the standard library caches it).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_fma() -> bool {
    std::is_x86_feature_detected!("fma")
}

/// An all-ones lane when `c` holds, zero otherwise (comparison results), for any integer lane.
pub(crate) trait Mask: Sized {
    /// `!0` or 0.
    fn mask(c: bool) -> Self;
}

macro_rules! mask {
    ($($t:ty),*) => {$(
        impl Mask for $t {
            #[inline(always)]
            fn mask(c: bool) -> $t {
                (0 as $t).wrapping_sub(c as $t)
            }
        }
    )*};
}

mask!(i8, u8, i16, u16, i32, u32, i64, u64);

/// `!0` or 0 in the lane type the context asks for.
#[inline(always)]
pub(crate) fn mask<T: Mask>(c: bool) -> T {
    T::mask(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_little_endian() {
        let v = V128::from_bits(0x0f0e0d0c_0b0a0908_07060504_03020100);
        let b: [u8; 16] = lanes(v);
        assert_eq!(b, std::array::from_fn(|i| i as u8));
        let w: [u32; 4] = lanes(v);
        assert_eq!(w[0], 0x03020100);
        assert_eq!(w[3], 0x0f0e0d0c);
        let d: [u64; 2] = lanes(v);
        assert_eq!(d, [0x07060504_03020100, 0x0f0e0d0c_0b0a0908]);
        assert_eq!(join(w), v);
        assert_eq!(join(b), v);
    }

    #[test]
    fn masks_are_all_ones() {
        assert_eq!(mask::<i8>(true), -1);
        assert_eq!(mask::<u16>(true), 0xffff);
        assert_eq!(mask::<u64>(false), 0);
    }
}
