//! The relaxed-SIMD contract, in both modes (`Config::relaxed_simd_deterministic`): by default
//! the x86-64 instructions' results, deterministic the spec's deterministic profile. Every case
//! is an explicit input with its expected lanes, chosen where the two modes, or the candidate
//! implementations, differ: NaN and out-of-range conversions, swizzle indices of 16..127 and
//! 128 and more, lane masks whose top bit disagrees with the rest, -32768 · -32768, negative
//! bytes in `a` and bytes of 128 and more in `b` of the dot products, signed zeros and NaN in
//! `min`/`max`, and products whose fused and unfused results differ.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, Val};

const MODULE: &str = r#"(module
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
  (func (export "madd_f32x4") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd_f32x4") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "madd_f64x2") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd_f64x2") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect_i8x16") (param v128 v128 v128) (result v128)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect_i16x8") (param v128 v128 v128) (result v128)
    (i16x8.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect_i32x4") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect_i64x2") (param v128 v128 v128) (result v128)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "min_f32x4") (param v128 v128) (result v128)
    (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "max_f32x4") (param v128 v128) (result v128)
    (f32x4.relaxed_max (local.get 0) (local.get 1)))
  (func (export "min_f64x2") (param v128 v128) (result v128)
    (f64x2.relaxed_min (local.get 0) (local.get 1)))
  (func (export "max_f64x2") (param v128 v128) (result v128)
    (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
)"#;

/// The engines under test, with relaxed SIMD in the given mode.
fn engines(deterministic: bool) -> Vec<(&'static str, Engine)> {
    let engine = |strategy: Strategy, eager: bool| {
        let mut config = Config::new();
        config
            .strategy(strategy)
            .compiler(silo_jit::cranelift().expect("native code runs on this machine"))
            .relaxed_simd_deterministic(deterministic);
        if eager {
            config.tier_up_after(1).background_compilation(false);
        }
        Engine::new(&config)
    };
    vec![
        ("interp", engine(Strategy::Interpreter, false)),
        ("jit", engine(Strategy::Jit, false)),
        ("tiered", engine(Strategy::Tiered, true)),
    ]
}

/// Runs `check` against an instance of `MODULE` in every engine, in the given mode.
fn each(deterministic: bool, check: impl Fn(&str, &mut Runner)) {
    for (name, engine) in engines(deterministic) {
        let module = Module::new(&engine, MODULE).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let mode = if deterministic { "deterministic" } else { "default" };
        check(&format!("{name}, {mode}"), &mut Runner { store, instance });
    }
}

struct Runner {
    store: Store<()>,
    instance: Instance,
}

impl Runner {
    fn call(&mut self, name: &str, args: &[u128]) -> u128 {
        let func = self.instance.get_func(&self.store, name).unwrap();
        let args: Vec<Val> = args.iter().map(|&v| Val::V128(v)).collect();
        let mut results = [Val::I32(0)];
        func.call(&mut self.store, &args, &mut results).unwrap();
        results[0].v128().expect("a v128 result")
    }
}

fn from_bytes<const N: usize, T: Copy>(lanes: [T; N], bytes: fn(T) -> Vec<u8>) -> u128 {
    let all: Vec<u8> = lanes.iter().flat_map(|&l| bytes(l)).collect();
    u128::from_le_bytes(all.try_into().expect("16 bytes"))
}

fn u8x16(l: [u8; 16]) -> u128 {
    u128::from_le_bytes(l)
}
fn i8x16(l: [i8; 16]) -> u128 {
    from_bytes(l, |x| x.to_le_bytes().to_vec())
}
fn i16x8(l: [i16; 8]) -> u128 {
    from_bytes(l, |x| x.to_le_bytes().to_vec())
}
fn u16x8(l: [u16; 8]) -> u128 {
    from_bytes(l, |x| x.to_le_bytes().to_vec())
}
fn i32x4(l: [i32; 4]) -> u128 {
    from_bytes(l, |x| x.to_le_bytes().to_vec())
}
fn u32x4(l: [u32; 4]) -> u128 {
    from_bytes(l, |x| x.to_le_bytes().to_vec())
}
fn u64x2(l: [u64; 2]) -> u128 {
    from_bytes(l, |x| x.to_le_bytes().to_vec())
}
fn f32x4(l: [f32; 4]) -> u128 {
    from_bytes(l, |x| x.to_bits().to_le_bytes().to_vec())
}
fn f64x2(l: [f64; 2]) -> u128 {
    from_bytes(l, |x| x.to_bits().to_le_bytes().to_vec())
}
fn f32_lanes(v: u128) -> [f32; 4] {
    std::array::from_fn(|i| f32::from_bits((v >> (32 * i)) as u32))
}
fn f64_lanes(v: u128) -> [f64; 2] {
    std::array::from_fn(|i| f64::from_bits((v >> (64 * i)) as u64))
}

/// A quiet NaN with a payload, to see that a lane is passed through bit for bit.
const NAN32: f32 = f32::from_bits(0x7fc0_1234);
const NAN64: f64 = f64::from_bits(0x7ff8_0000_0000_1234);

#[test]
fn relaxed_swizzle_zeroes_by_the_top_bit_by_default_and_from_16_when_deterministic() {
    let a = u8x16(std::array::from_fn(|i| 0xa0 + i as u8));
    let s = u8x16([0, 15, 16, 17, 31, 127, 128, 129, 255, 0x8f, 0x7f, 0x70, 5, 0x40, 0x90, 3]);
    let pshufb =
        u8x16([0xa0, 0xaf, 0xa0, 0xa1, 0xaf, 0xaf, 0, 0, 0, 0, 0xaf, 0xa0, 0xa5, 0xa0, 0, 0xa3]);
    let swizzle = u8x16([0xa0, 0xaf, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xa5, 0, 0, 0xa3]);
    each(false, |at, r| assert_eq!(r.call("swizzle", &[a, s]), pshufb, "{at}"));
    each(true, |at, r| assert_eq!(r.call("swizzle", &[a, s]), swizzle, "{at}"));
}

#[test]
fn relaxed_trunc_signed_gives_int_min_for_nan_and_out_of_range_by_default() {
    let f = f32x4([f32::NAN, 3e9, -3e9, -1.5]);
    let edge = f32x4([2147483520.0, -2147483648.0, 0.9, -0.0]);
    let d = f64x2([f64::NAN, -3e9]);
    let d2 = f64x2([3e9, -7.9]);
    each(false, |at, r| {
        assert_eq!(
            r.call("trunc_f32x4_s", &[f]),
            i32x4([i32::MIN, i32::MIN, i32::MIN, -1]),
            "{at}"
        );
        assert_eq!(r.call("trunc_f64x2_s_zero", &[d]), i32x4([i32::MIN, i32::MIN, 0, 0]), "{at}");
        assert_eq!(r.call("trunc_f64x2_s_zero", &[d2]), i32x4([i32::MIN, -7, 0, 0]), "{at}");
    });
    each(true, |at, r| {
        assert_eq!(r.call("trunc_f32x4_s", &[f]), i32x4([0, i32::MAX, i32::MIN, -1]), "{at}");
        assert_eq!(r.call("trunc_f64x2_s_zero", &[d]), i32x4([0, i32::MIN, 0, 0]), "{at}");
        assert_eq!(r.call("trunc_f64x2_s_zero", &[d2]), i32x4([i32::MAX, -7, 0, 0]), "{at}");
    });
    for deterministic in [false, true] {
        each(deterministic, |at, r| {
            let expected = i32x4([2147483520, i32::MIN, 0, 0]);
            assert_eq!(r.call("trunc_f32x4_s", &[edge]), expected, "{at}");
        });
    }
}

#[test]
fn relaxed_trunc_unsigned_saturates_in_both_modes() {
    let f = f32x4([f32::NAN, -1.0, 5e9, 4294967040.0]);
    let d = f64x2([f64::NAN, 5e9]);
    let d2 = f64x2([-1.0, 42.9]);
    for deterministic in [false, true] {
        each(deterministic, |at, r| {
            let expected = u32x4([0, 0, u32::MAX, 4294967040]);
            assert_eq!(r.call("trunc_f32x4_u", &[f]), expected, "{at}");
            assert_eq!(r.call("trunc_f64x2_u_zero", &[d]), u32x4([0, u32::MAX, 0, 0]), "{at}");
            assert_eq!(r.call("trunc_f64x2_u_zero", &[d2]), u32x4([0, 42, 0, 0]), "{at}");
        });
    }
}

#[test]
fn relaxed_madd_and_nmadd_are_fused_in_both_modes() {
    // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: rounded to f32 before the addition, the 2^-24 is lost.
    let x = 1.0 + f32::powi(2.0, -12);
    let near = 1.0 + f32::powi(2.0, -11);
    let a = f32x4([x, x, f32::INFINITY, 2.0]);
    let b = f32x4([x, x, 0.0, 3.0]);
    let c = f32x4([-near, 1.0, 1.0, 1.0]);
    let tiny = f32::powi(2.0, -24);
    // The same in f64: (1 + 2^-27)^2 = 1 + 2^-26 + 2^-54.
    let y = 1.0 + f64::powi(2.0, -27);
    let near64 = 1.0 + f64::powi(2.0, -26);
    let tiny64 = f64::powi(2.0, -54);
    for deterministic in [false, true] {
        each(deterministic, |at, r| {
            let v = f32_lanes(r.call("madd_f32x4", &[a, b, c]));
            assert_eq!(v[0], tiny, "{at}");
            assert_eq!(v[1], x.mul_add(x, 1.0), "{at}");
            assert!(v[2].is_nan(), "{at}: inf * 0 + 1");
            assert_eq!(v[3], 7.0, "{at}");
            let nc = f32x4([near, 1.0, 1.0, 1.0]);
            let v = f32_lanes(r.call("nmadd_f32x4", &[a, b, nc]));
            assert_eq!(v[0], -tiny, "{at}");
            assert_eq!(v[1], (-x).mul_add(x, 1.0), "{at}");
            assert!(v[2].is_nan(), "{at}");
            assert_eq!(v[3], -5.0, "{at}");

            let (a, b) = (f64x2([y, 2.0]), f64x2([y, -4.0]));
            let v = f64_lanes(r.call("madd_f64x2", &[a, b, f64x2([-near64, 0.5])]));
            assert_eq!(v, [tiny64, -7.5], "{at}");
            let v = f64_lanes(r.call("nmadd_f64x2", &[a, b, f64x2([near64, 0.5])]));
            assert_eq!(v, [-tiny64, 8.5], "{at}");
        });
    }
}

#[test]
fn relaxed_laneselect_follows_the_lanes_top_bit_by_default_except_for_i16x8() {
    let (ones, zeros) = (u128::MAX, 0u128);
    let m8 = u8x16([
        0x80, 0x7f, 0xff, 0x00, 0x01, 0x81, 0xc3, 0x3c, 0x80, 0x40, 0xfe, 0x7e, 0x00, 0xff, 0x90,
        0x10,
    ]);
    let blend8 = u8x16([0xff, 0, 0xff, 0, 0, 0xff, 0xff, 0, 0xff, 0, 0xff, 0, 0, 0xff, 0xff, 0]);
    let m16 = u16x8([0x8000, 0x7fff, 0x00ff, 0xff00, 0x8001, 0x0080, 0xc000, 0x1234]);
    let m32 = u32x4([0x8000_0000, 0x7fff_ffff, 0x0000_00ff, 0xf0f0_0000]);
    let blend32 = u32x4([u32::MAX, 0, 0, u32::MAX]);
    let m64 = u64x2([0x8000_0000_0000_0001, 0x7fff_ffff_ffff_ff80]);
    let blend64 = u64x2([u64::MAX, 0]);
    each(false, |at, r| {
        assert_eq!(r.call("laneselect_i8x16", &[ones, zeros, m8]), blend8, "{at}");
        assert_eq!(r.call("laneselect_i16x8", &[ones, zeros, m16]), m16, "{at}");
        assert_eq!(r.call("laneselect_i32x4", &[ones, zeros, m32]), blend32, "{at}");
        assert_eq!(r.call("laneselect_i64x2", &[ones, zeros, m64]), blend64, "{at}");
    });
    each(true, |at, r| {
        assert_eq!(r.call("laneselect_i8x16", &[ones, zeros, m8]), m8, "{at}");
        assert_eq!(r.call("laneselect_i16x8", &[ones, zeros, m16]), m16, "{at}");
        assert_eq!(r.call("laneselect_i32x4", &[ones, zeros, m32]), m32, "{at}");
        assert_eq!(r.call("laneselect_i64x2", &[ones, zeros, m64]), m64, "{at}");
    });
    // With other operands: bitwise where the mask's lanes are all ones or all zeros.
    let (a, b) = (0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128, !0x0f0f_u128);
    let m = u32x4([u32::MAX, 0, u32::MAX, 0]);
    let expected = (a & m) | (b & !m);
    for deterministic in [false, true] {
        each(deterministic, |at, r| {
            for op in ["laneselect_i8x16", "laneselect_i16x8", "laneselect_i32x4"] {
                assert_eq!(r.call(op, &[a, b, m]), expected, "{at}: {op}");
            }
        });
    }
}

#[test]
fn relaxed_min_max_are_pmin_pmax_by_default_and_min_max_when_deterministic() {
    let a = f32x4([NAN32, 0.0, -0.0, 1.0]);
    let b = f32x4([1.0, -0.0, 0.0, NAN32]);
    each(false, |at, r| {
        // `b < a ? b : a` and `a < b ? b : a`: `a` whenever a NaN or two zeros are compared.
        assert_eq!(r.call("min_f32x4", &[a, b]), a, "{at}");
        assert_eq!(r.call("max_f32x4", &[a, b]), a, "{at}");
        assert_eq!(r.call("min_f32x4", &[b, a]), b, "{at}");
        let (x, y) = (f32x4([1.0, -2.0, 3.0, 0.5]), f32x4([2.0, -3.0, 3.0, -0.5]));
        assert_eq!(r.call("min_f32x4", &[x, y]), f32x4([1.0, -3.0, 3.0, -0.5]), "{at}");
        assert_eq!(r.call("max_f32x4", &[x, y]), f32x4([2.0, -2.0, 3.0, 0.5]), "{at}");
    });
    each(true, |at, r| {
        let v = f32_lanes(r.call("min_f32x4", &[a, b]));
        assert!(v[0].is_nan() && v[3].is_nan(), "{at}: {v:?}");
        let minus_zero = (-0.0f32).to_bits();
        assert_eq!([v[1].to_bits(), v[2].to_bits()], [minus_zero; 2], "{at}: min(0, -0) is -0");
        let v = f32_lanes(r.call("max_f32x4", &[a, b]));
        assert!(v[0].is_nan() && v[3].is_nan(), "{at}: {v:?}");
        assert_eq!([v[1].to_bits(), v[2].to_bits()], [0, 0], "{at}: max(0, -0) is +0");
    });

    let a = f64x2([NAN64, -0.0]);
    let b = f64x2([1.0, 0.0]);
    let (c, d) = (f64x2([2.0, 0.0]), f64x2([NAN64, -0.0]));
    each(false, |at, r| {
        assert_eq!(r.call("min_f64x2", &[a, b]), a, "{at}");
        assert_eq!(r.call("max_f64x2", &[a, b]), a, "{at}");
        assert_eq!(r.call("min_f64x2", &[c, d]), c, "{at}");
        assert_eq!(r.call("max_f64x2", &[c, d]), c, "{at}");
    });
    each(true, |at, r| {
        let v = f64_lanes(r.call("min_f64x2", &[a, b]));
        assert!(v[0].is_nan() && v[1].to_bits() == (-0.0f64).to_bits(), "{at}: {v:?}");
        let v = f64_lanes(r.call("max_f64x2", &[c, d]));
        assert!(v[0].is_nan() && v[1].to_bits() == 0, "{at}: {v:?}");
    });
}

#[test]
fn relaxed_q15mulr_wraps_minus_one_squared_by_default() {
    let a = i16x8([-32768, -32768, 16384, -1, 32767, 1, 100, -32767]);
    let b = i16x8([-32768, 32767, 16384, 1, 32767, 16384, -200, -32768]);
    each(false, |at, r| {
        let expected = i16x8([-32768, -32767, 8192, 0, 32766, 1, -1, 32767]);
        assert_eq!(r.call("q15mulr", &[a, b]), expected, "{at}");
    });
    each(true, |at, r| {
        let expected = i16x8([32767, -32767, 8192, 0, 32766, 1, -1, 32767]);
        assert_eq!(r.call("q15mulr", &[a, b]), expected, "{at}");
    });
}

/// Dot-product operands: `a` with negative bytes, `b` with bytes of 128 and more.
fn dot_operands() -> (u128, u128) {
    let a = i8x16([-128, -128, 127, 127, -1, 2, 100, 100, -128, 127, 0, 5, -7, 3, 127, -128]);
    let b = u8x16([127, 127, 127, 127, 255, 128, 255, 255, 129, 129, 200, 128, 255, 1, 128, 128]);
    (a, b)
}

#[test]
fn relaxed_dot_is_pmaddubsw_by_default_and_signed_when_deterministic() {
    let (a, b) = dot_operands();
    each(false, |at, r| {
        // `a` signed times `b` unsigned, pairs added with saturation.
        let expected = i16x8([-32512, 32258, 1, 32767, -129, 640, -1782, -128]);
        assert_eq!(r.call("dot", &[a, b]), expected, "{at}");
    });
    each(true, |at, r| {
        // Both signed, pairs added wrapping.
        let expected = i16x8([-32512, 32258, -255, -200, 127, -640, 10, 128]);
        assert_eq!(r.call("dot", &[a, b]), expected, "{at}");
    });
}

#[test]
fn relaxed_dot_add_sums_the_saturated_pairs_by_default_and_exactly_when_deterministic() {
    let (a, b) = dot_operands();
    let c = i32x4([1, -2, i32::MAX, i32::MIN]);
    each(false, |at, r| {
        let expected = i32x4([-253, 32766, -2147483138, 2147481738]);
        assert_eq!(r.call("dot_add", &[a, b, c]), expected, "{at}");
    });
    each(true, |at, r| {
        let expected = i32x4([-253, -457, 2147483134, -2147483510]);
        assert_eq!(r.call("dot_add", &[a, b, c]), expected, "{at}");
    });
}
