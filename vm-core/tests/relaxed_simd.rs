//! Relaxed SIMD through the embedding API, in both modes of `Config::relaxed_simd_deterministic`:
//! the default mode gives the x86-64 instructions' results on every machine, the deterministic one
//! the spec's deterministic profile. Each case names its inputs and the lanes expected of each
//! mode, edge cases first (NaN, out of range, `-32768 * -32768`, negative `a` bytes in the dot
//! products, swizzle indices from 16 to 127 and from 128 up).

use silo_core::*;

const WAT: &str = r#"(module
  (func (export "swizzle") (param v128 v128) (result v128)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "trunc_f32x4_s") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_f32x4_u") (param v128) (result v128)
    (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc_f64x2_s_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "trunc_f64x2_u_zero") (param v128) (result v128)
    (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "f32x4.madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.madd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f64x2.nmadd") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i8x16.laneselect") (param v128 v128 v128) (result v128)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i16x8.laneselect") (param v128 v128 v128) (result v128)
    (i16x8.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i32x4.laneselect") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "i64x2.laneselect") (param v128 v128 v128) (result v128)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "f32x4.min") (param v128 v128) (result v128)
    (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f32x4.max") (param v128 v128) (result v128)
    (f32x4.relaxed_max (local.get 0) (local.get 1)))
  (func (export "f64x2.min") (param v128 v128) (result v128)
    (f64x2.relaxed_min (local.get 0) (local.get 1)))
  (func (export "f64x2.max") (param v128 v128) (result v128)
    (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2))))"#;

/// The module's exports in one mode.
struct Relaxed {
    store: Store<()>,
    instance: Instance,
}

impl Relaxed {
    fn new(deterministic: bool) -> Relaxed {
        let mut config = Config::new();
        config.relaxed_simd_deterministic(deterministic);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, WAT).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        Relaxed { store, instance }
    }

    fn call(&mut self, name: &str, args: &[u128]) -> u128 {
        let f = self.instance.get_func(&self.store, name).unwrap();
        let args: Vec<Val> = args.iter().map(|&v| Val::V128(v)).collect();
        let mut out = [Val::V128(0)];
        f.call(&mut self.store, &args, &mut out).unwrap();
        match out[0] {
            Val::V128(v) => v,
            ref other => panic!("{name} returned {other:?}"),
        }
    }
}

/// Both modes.
fn modes() -> (Relaxed, Relaxed) {
    (Relaxed::new(false), Relaxed::new(true))
}

macro_rules! vector {
    ($name:ident, $t:ty, $n:literal) => {
        fn $name(lanes: [$t; $n]) -> u128 {
            let mut bytes = [0u8; 16];
            for (i, l) in lanes.iter().enumerate() {
                let b = l.to_le_bytes();
                bytes[i * b.len()..(i + 1) * b.len()].copy_from_slice(&b);
            }
            u128::from_le_bytes(bytes)
        }
    };
}

vector!(i8x16, i8, 16);
vector!(u8x16, u8, 16);
vector!(i16x8, i16, 8);
vector!(i32x4, i32, 4);
vector!(u32x4, u32, 4);
vector!(u64x2, u64, 2);
vector!(f32x4, f32, 4);
vector!(f64x2, f64, 2);

/// The `f32` lanes' bits, any NaN as `0x7fc00000` (the NaN's payload and sign are not the subject).
fn f32_bits(v: u128) -> [u32; 4] {
    std::array::from_fn(|i| {
        let x = f32::from_bits((v >> (32 * i)) as u32);
        if x.is_nan() { 0x7fc0_0000 } else { x.to_bits() }
    })
}

/// The `f64` lanes' bits, any NaN as `0x7ff8 << 48`.
fn f64_bits(v: u128) -> [u64; 2] {
    std::array::from_fn(|i| {
        let x = f64::from_bits((v >> (64 * i)) as u64);
        if x.is_nan() { 0x7ff8 << 48 } else { x.to_bits() }
    })
}

#[test]
fn swizzle_zeroes_by_the_top_bit_or_by_range() {
    let (mut x86, mut det) = modes();
    let a = u8x16(std::array::from_fn(|i| 0xa0 + i as u8));
    let s = u8x16([0, 15, 16, 17, 127, 128, 255, 0x8f, 0x70, 3, 31, 32, 14, 0x7f, 0x82, 1]);
    let pshufb =
        [0xa0, 0xaf, 0xa0, 0xa1, 0xaf, 0, 0, 0, 0xa0, 0xa3, 0xaf, 0xa0, 0xae, 0xaf, 0, 0xa1];
    let swizzle = [0xa0, 0xaf, 0, 0, 0, 0, 0, 0, 0, 0xa3, 0, 0, 0xae, 0, 0, 0xa1];
    assert_eq!(x86.call("swizzle", &[a, s]), u8x16(pshufb));
    assert_eq!(det.call("swizzle", &[a, s]), u8x16(swizzle));
}

#[test]
fn signed_truncation_gives_the_indefinite_integer_or_saturates() {
    let (mut x86, mut det) = modes();
    let v = f32x4([f32::NAN, 3e9, -3e9, -1.9]);
    assert_eq!(x86.call("trunc_f32x4_s", &[v]), i32x4([i32::MIN, i32::MIN, i32::MIN, -1]));
    assert_eq!(det.call("trunc_f32x4_s", &[v]), i32x4([0, i32::MAX, i32::MIN, -1]));
    let v = f32x4([2147483648.0, -2147483648.0, f32::INFINITY, 2147483520.0]);
    assert_eq!(x86.call("trunc_f32x4_s", &[v]), i32x4([i32::MIN, i32::MIN, i32::MIN, 2147483520]));
    assert_eq!(det.call("trunc_f32x4_s", &[v]), i32x4([i32::MAX, i32::MIN, i32::MAX, 2147483520]));
    let v = f64x2([f64::NAN, -3e9]);
    assert_eq!(x86.call("trunc_f64x2_s_zero", &[v]), i32x4([i32::MIN, i32::MIN, 0, 0]));
    assert_eq!(det.call("trunc_f64x2_s_zero", &[v]), i32x4([0, i32::MIN, 0, 0]));
    let v = f64x2([2147483647.9, 1e10]);
    assert_eq!(x86.call("trunc_f64x2_s_zero", &[v]), i32x4([i32::MAX, i32::MIN, 0, 0]));
    assert_eq!(det.call("trunc_f64x2_s_zero", &[v]), i32x4([i32::MAX, i32::MAX, 0, 0]));
}

#[test]
fn unsigned_truncation_saturates_in_both_modes() {
    for mut m in [Relaxed::new(false), Relaxed::new(true)] {
        let v = f32x4([f32::NAN, 5e9, -1.0, 3.9]);
        assert_eq!(m.call("trunc_f32x4_u", &[v]), u32x4([0, u32::MAX, 0, 3]));
        let v = f64x2([f64::NAN, 1e10]);
        assert_eq!(m.call("trunc_f64x2_u_zero", &[v]), u32x4([0, u32::MAX, 0, 0]));
        let v = f64x2([4294967295.9, -0.9]);
        assert_eq!(m.call("trunc_f64x2_u_zero", &[v]), u32x4([u32::MAX, 0, 0, 0]));
    }
}

#[test]
fn multiply_adds_are_fused_in_both_modes() {
    for mut m in [Relaxed::new(false), Relaxed::new(true)] {
        // (1 + e)^2 - 1 is 2e + e^2 only if the product is not rounded first.
        let e = f32::EPSILON;
        let (a, c) = (f32x4([1.0 + e; 4]), f32x4([-1.0; 4]));
        assert_eq!(m.call("f32x4.madd", &[a, a, c]), f32x4([2.0 * e + e * e; 4]));
        assert_eq!(m.call("f32x4.nmadd", &[a, a, f32x4([1.0; 4])]), f32x4([-(2.0 * e + e * e); 4]));
        let e = f64::EPSILON;
        let (a, c) = (f64x2([1.0 + e; 2]), f64x2([-1.0; 2]));
        assert_eq!(m.call("f64x2.madd", &[a, a, c]), f64x2([2.0 * e + e * e; 2]));
        assert_eq!(m.call("f64x2.nmadd", &[a, a, f64x2([1.0; 2])]), f64x2([-(2.0 * e + e * e); 2]));
        // A NaN operand gives a NaN; infinities cancel to NaN.
        let r = m.call(
            "f32x4.madd",
            &[
                f32x4([f32::NAN, f32::INFINITY, 2.0, 0.0]),
                f32x4([1.0, 1.0, 3.0, 0.0]),
                f32x4([1.0, f32::NEG_INFINITY, 1.0, -0.0]),
            ],
        );
        assert_eq!(f32_bits(r), [0x7fc0_0000, 0x7fc0_0000, 7.0f32.to_bits(), 0]);
    }
}

#[test]
fn laneselect_by_top_bit_or_bitselect() {
    let (mut x86, mut det) = modes();
    let (a, b) = (u8x16([0x11; 16]), u8x16([0x22; 16]));
    let m = u8x16(std::array::from_fn(|i| if i % 2 == 0 { 0x80 } else { 0x7f }));
    let by_top_bit = u8x16(std::array::from_fn(|i| if i % 2 == 0 { 0x11 } else { 0x22 }));
    let by_bits = u8x16(std::array::from_fn(|i| if i % 2 == 0 { 0x22 } else { 0x11 }));
    assert_eq!(x86.call("i8x16.laneselect", &[a, b, m]), by_top_bit);
    assert_eq!(det.call("i8x16.laneselect", &[a, b, m]), by_bits);
    // i16x8 is a bitselect in both modes.
    let m = i16x8([i16::MIN; 8]);
    assert_eq!(x86.call("i16x8.laneselect", &[a, b, m]), i16x8([0x2222; 8]));
    assert_eq!(det.call("i16x8.laneselect", &[a, b, m]), i16x8([0x2222; 8]));
    let m = u32x4([0x8000_0000, 0x7fff_ffff, !0, 0]);
    assert_eq!(
        x86.call("i32x4.laneselect", &[a, b, m]),
        u32x4([0x1111_1111, 0x2222_2222, 0x1111_1111, 0x2222_2222])
    );
    assert_eq!(
        det.call("i32x4.laneselect", &[a, b, m]),
        u32x4([0x2222_2222, 0x1111_1111, 0x1111_1111, 0x2222_2222])
    );
    let m = u64x2([1 << 63, !0 >> 1]);
    let (aa, bb) = (0x1111_1111_1111_1111, 0x2222_2222_2222_2222);
    assert_eq!(x86.call("i64x2.laneselect", &[a, b, m]), u64x2([aa, bb]));
    assert_eq!(det.call("i64x2.laneselect", &[a, b, m]), u64x2([bb, aa]));
}

#[test]
fn min_max_are_pmin_pmax_or_the_nan_and_zero_exact_ones() {
    let (mut x86, mut det) = modes();
    let nan = 0x7fc0_0000;
    let (pz, nz) = (0.0f32.to_bits(), (-0.0f32).to_bits());
    let a = f32x4([f32::NAN, 1.0, -0.0, 0.0]);
    let b = f32x4([1.0, f32::NAN, 0.0, -0.0]);
    // pmin: b < a ? b : a; pmax: a < b ? b : a (the first operand unless strictly ordered).
    assert_eq!(f32_bits(x86.call("f32x4.min", &[a, b])), [nan, 1.0f32.to_bits(), nz, pz]);
    assert_eq!(f32_bits(x86.call("f32x4.max", &[a, b])), [nan, 1.0f32.to_bits(), nz, pz]);
    assert_eq!(f32_bits(det.call("f32x4.min", &[a, b])), [nan, nan, nz, nz]);
    assert_eq!(f32_bits(det.call("f32x4.max", &[a, b])), [nan, nan, pz, pz]);
    // NaN in the second operand only: pmin keeps the first.
    assert_eq!(f32_bits(x86.call("f32x4.min", &[b, a])), [1.0f32.to_bits(), nan, pz, nz]);
    let a = f64x2([f64::NAN, -0.0]);
    let b = f64x2([2.0, 0.0]);
    let nan = 0x7ff8 << 48;
    assert_eq!(f64_bits(x86.call("f64x2.min", &[a, b])), [nan, (-0.0f64).to_bits()]);
    assert_eq!(f64_bits(x86.call("f64x2.max", &[b, a])), [2.0f64.to_bits(), 0]);
    assert_eq!(f64_bits(det.call("f64x2.min", &[b, a])), [nan, (-0.0f64).to_bits()]);
    assert_eq!(f64_bits(det.call("f64x2.max", &[a, b])), [nan, 0]);
}

#[test]
fn q15_multiply_wraps_or_saturates() {
    let (mut x86, mut det) = modes();
    let a = i16x8([-32768, 16384, -16384, 1, 0, 32767, -32768, 2]);
    let b = i16x8([-32768, 16384, 16384, 16384, 0, 32767, 32767, -16384]);
    let common = [8192, -8192, 1, 0, 32766, -32767, -1];
    let lanes = |first: i16| {
        let mut l = [first; 8];
        l[1..].copy_from_slice(&common);
        i16x8(l)
    };
    assert_eq!(x86.call("q15mulr", &[a, b]), lanes(-32768));
    assert_eq!(det.call("q15mulr", &[a, b]), lanes(32767));
}

#[test]
fn dot_products_read_b_unsigned_in_the_x86_mode() {
    let (mut x86, mut det) = modes();
    // Pairs: (-128, -1)·(-127, -128): b read as 129, 128 by pmaddubsw; (127, 127)·(127, 127) the
    // same in both; (-128, -128)·(-1, -1): b read as 255, saturating; (-128, -128)·(-128, -128):
    // exact -32768 in the x86 mode, 32768 wrapped in the deterministic one.
    let a = i8x16([-128, -1, 127, 127, -128, -128, -128, -128, 1, 2, 3, 4, 0, 0, -5, 6]);
    let b = i8x16([-127, -128, 127, 127, -1, -1, -128, -128, 5, 6, 7, 8, 0, 0, 100, 101]);
    assert_eq!(x86.call("dot", &[a, b]), i16x8([-16640, 32258, -32768, -32768, 17, 53, 0, 106]));
    assert_eq!(det.call("dot", &[a, b]), i16x8([16384, 32258, 256, -32768, 17, 53, 0, 106]));
    // i32x4: pairs of the i16 lanes above (saturated in the x86 mode), plus c.
    let c = i32x4([1, 2, 3, i32::MAX]);
    assert_eq!(x86.call("dot_add", &[a, b, c]), i32x4([15619, -65534, 73, i32::MIN + 105]));
    assert_eq!(det.call("dot_add", &[a, b, c]), i32x4([48643, 33026, 73, i32::MIN + 105]));
}
