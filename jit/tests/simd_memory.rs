//! SIMD memory accesses at the end of memory, in native code: every form checks the width it
//! really touches (16 bytes for a vector, 8 for an extending load or a 64-bit splat, a lane's
//! width for the lane forms), so an access that straddles the end traps and one that ends
//! exactly there does not, with guarded 32-bit memories (the guard catches it), without guards
//! (`guard_memories(false)`: explicit checks), with memory64 (explicit checks, and index
//! overflow), with offsets beyond the guard, and in a second memory. A store that traps writes
//! nothing.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, TrapCode, Val};

/// The test module, `$T` being the index type of both memories.
const MODULE: &str = r#"(module
  (memory $m0 $T 1)
  (memory $m1 $T 2)
  (func (export "load") (param $i $T) (result v128) (v128.load (local.get $i)))
  (func (export "load_off") (param $i $T) (result v128) (v128.load offset=65520 (local.get $i)))
  (func (export "load_far") (param $i $T) (result v128)
    (v128.load offset=4294967280 (local.get $i)))
  (func (export "store") (param $i $T) (param $v v128) (v128.store (local.get $i) (local.get $v)))
  (func (export "load8x8_s") (param $i $T) (result v128) (v128.load8x8_s (local.get $i)))
  (func (export "load32x2_u") (param $i $T) (result v128) (v128.load32x2_u (local.get $i)))
  (func (export "load64_splat") (param $i $T) (result v128) (v128.load64_splat (local.get $i)))
  (func (export "load16_splat") (param $i $T) (result v128) (v128.load16_splat (local.get $i)))
  (func (export "load32_zero") (param $i $T) (result v128) (v128.load32_zero (local.get $i)))
  (func (export "load64_zero") (param $i $T) (result v128) (v128.load64_zero (local.get $i)))
  (func (export "load16_lane") (param $i $T) (result v128)
    (v128.load16_lane 7 (local.get $i) (v128.const i64x2 0 0)))
  (func (export "load64_lane") (param $i $T) (result v128)
    (v128.load64_lane 1 (local.get $i) (v128.const i64x2 0 0)))
  (func (export "store8_lane") (param $i $T) (param $v v128)
    (v128.store8_lane 15 (local.get $i) (local.get $v)))
  (func (export "store16_lane") (param $i $T) (param $v v128)
    (v128.store16_lane 0 (local.get $i) (local.get $v)))
  (func (export "store64_lane") (param $i $T) (param $v v128)
    (v128.store64_lane 1 (local.get $i) (local.get $v)))
  (func (export "load_m1") (param $i $T) (result v128) (v128.load $m1 (local.get $i)))
  (func (export "store_m1") (param $i $T) (param $v v128)
    (v128.store $m1 offset=16 (local.get $i) (local.get $v)))
)"#;

const PAGE: u64 = 65536;
const PATTERN: u128 = 0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100;

/// A memory configuration under test: its name, whether memories are 64-bit, the engine.
struct Setup {
    name: &'static str,
    memory64: bool,
    engine: Engine,
}

fn setups() -> Vec<Setup> {
    let engine = |guards: bool| {
        let mut config = Config::new();
        config
            .strategy(Strategy::Jit)
            .compiler(silo_jit::cranelift().expect("native code runs on this machine"))
            .guard_memories(guards);
        Engine::new(&config)
    };
    vec![
        Setup { name: "guarded", memory64: false, engine: engine(true) },
        Setup { name: "unguarded", memory64: false, engine: engine(false) },
        Setup { name: "memory64", memory64: true, engine: engine(true) },
        Setup { name: "memory64 unguarded", memory64: true, engine: engine(false) },
    ]
}

struct Runner {
    store: Store<()>,
    instance: Instance,
    memory64: bool,
}

impl Runner {
    fn new(setup: &Setup) -> Runner {
        let text = MODULE.replace("$T", if setup.memory64 { "i64" } else { "i32" });
        let module = Module::new(&setup.engine, &text).unwrap();
        let mut store = Store::new(&setup.engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        Runner { store, instance, memory64: setup.memory64 }
    }

    fn index(&self, at: u64) -> Val {
        if self.memory64 { Val::I64(at as i64) } else { Val::I32(at as u32 as i32) }
    }

    /// Calls `name` with index `at` (and `value` if given): its `v128` result (0 for none), or
    /// the trap's code.
    fn call(&mut self, name: &str, at: u64, value: Option<u128>) -> Result<u128, TrapCode> {
        let func = self.instance.get_func(&self.store, name).unwrap();
        let mut args = vec![self.index(at)];
        args.extend(value.map(Val::V128));
        let has_result = name.starts_with("load");
        let mut results = vec![Val::I32(0); has_result as usize];
        match func.call(&mut self.store, &args, &mut results) {
            Ok(()) => Ok(results.first().map_or(0, |v| v.v128().expect("a v128"))),
            Err(e) => Err(e.as_trap().unwrap_or_else(|| panic!("{name}: {e}")).code()),
        }
    }

    fn load(&mut self, name: &str, at: u64) -> Result<u128, TrapCode> {
        self.call(name, at, None)
    }

    fn store(&mut self, name: &str, at: u64, value: u128) -> Result<u128, TrapCode> {
        self.call(name, at, Some(value))
    }
}

const OOB: Result<u128, TrapCode> = Err(TrapCode::MemoryOutOfBounds);

#[test]
fn a_vector_access_that_straddles_the_end_of_memory_traps() {
    for setup in setups() {
        let at = setup.name;
        let mut r = Runner::new(&setup);
        assert_eq!(r.store("store", PAGE - 16, PATTERN), Ok(0), "{at}");
        assert_eq!(r.load("load", PAGE - 16), Ok(PATTERN), "{at}");
        assert_eq!(r.load("load_off", 0), Ok(PATTERN), "{at}");
        for past in [PAGE - 15, PAGE - 1, PAGE, PAGE + 4096, u32::MAX as u64] {
            assert_eq!(r.load("load", past), OOB, "{at}: load at {past}");
            assert_eq!(r.store("store", past, 0), OOB, "{at}: store at {past}");
        }
        assert_eq!(r.load("load_off", 1), OOB, "{at}");
        // An offset the guard does not cover is checked.
        assert_eq!(r.load("load_far", 0), OOB, "{at}");
        // The trapping stores wrote nothing.
        assert_eq!(r.load("load", PAGE - 16), Ok(PATTERN), "{at}");
        if setup.memory64 {
            // index + offset + 16 overflows 64 bits.
            assert_eq!(r.load("load", u64::MAX - 7), OOB, "{at}");
            assert_eq!(r.load("load_off", u64::MAX - 65000), OOB, "{at}");
        }
    }
}

#[test]
fn narrower_simd_accesses_check_their_own_width() {
    for setup in setups() {
        let at = setup.name;
        let mut r = Runner::new(&setup);
        r.store("store", PAGE - 16, PATTERN).unwrap();
        let high = PATTERN >> 64;
        // 8-byte accesses end at the end of memory, or one byte past it.
        assert_eq!(
            r.load("load8x8_s", PAGE - 8),
            Ok(0x000f_000e_000d_000c_000b_000a_0009_0008),
            "{at}"
        );
        assert_eq!(r.load("load32x2_u", PAGE - 8), Ok(0x0f0e_0d0c_0000_0000_0b0a_0908), "{at}");
        assert_eq!(r.load("load64_splat", PAGE - 8), Ok(high | high << 64), "{at}");
        assert_eq!(r.load("load64_zero", PAGE - 8), Ok(high), "{at}");
        assert_eq!(r.load("load64_lane", PAGE - 8), Ok(high << 64), "{at}");
        for name in ["load8x8_s", "load32x2_u", "load64_splat", "load64_zero", "load64_lane"] {
            assert_eq!(r.load(name, PAGE - 7), OOB, "{at}: {name}");
        }
        assert_eq!(r.load("load32_zero", PAGE - 4), Ok(0x0f0e_0d0c), "{at}");
        assert_eq!(r.load("load32_zero", PAGE - 3), OOB, "{at}");
        assert_eq!(
            r.load("load16_splat", PAGE - 2),
            Ok(u128::from_le_bytes([14, 15].repeat(8).try_into().unwrap())),
            "{at}"
        );
        assert_eq!(r.load("load16_splat", PAGE - 1), OOB, "{at}");
        assert_eq!(r.load("load16_lane", PAGE - 2), Ok(0x0f0e << 112), "{at}");
        assert_eq!(r.load("load16_lane", PAGE - 1), OOB, "{at}");

        // Lane stores: one byte at the very end is in bounds, two are not.
        let value = 0xaa00_0000_0000_0000_0000_0000_0000_bbccu128;
        assert_eq!(r.store("store8_lane", PAGE - 1, value), Ok(0), "{at}");
        assert_eq!(r.store("store16_lane", PAGE - 1, value), OOB, "{at}");
        assert_eq!(r.store("store16_lane", PAGE - 4, value), Ok(0), "{at}");
        assert_eq!(r.store("store64_lane", PAGE - 7, value), OOB, "{at}");
        let expected = (PATTERN & !(0xff << 120) & !(0xffff << 96)) | 0xaa << 120 | 0xbbcc << 96;
        assert_eq!(r.load("load", PAGE - 16), Ok(expected), "{at}");
    }
}

#[test]
fn simd_accesses_check_the_bounds_of_their_own_memory() {
    for setup in setups() {
        let at = setup.name;
        let mut r = Runner::new(&setup);
        // Memory 1 has two pages; memory 0 one.
        assert_eq!(r.store("store_m1", 2 * PAGE - 32, PATTERN), Ok(0), "{at}");
        assert_eq!(r.load("load_m1", 2 * PAGE - 16), Ok(PATTERN), "{at}");
        assert_eq!(r.load("load_m1", 2 * PAGE - 15), OOB, "{at}");
        assert_eq!(r.store("store_m1", 2 * PAGE - 31, PATTERN), OOB, "{at}");
        assert_eq!(r.load("load", 2 * PAGE - 16), OOB, "{at}");
        assert_eq!(r.load("load", PAGE - 16), Ok(0), "{at}: memory 0 is untouched");
    }
}
