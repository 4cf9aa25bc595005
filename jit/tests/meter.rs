//! The meter's slow path in native code (a `preserve_all` stub around `MeterRefill`): a loop
//! keeps its values across many refills, remaining fuel is what the interpreter leaves, and an
//! out-of-fuel trap raised in the stub has the interpreter's message and backtrace, also past the
//! frames a backtrace keeps.

use silo_core::{Config, Engine, Error, Instance, Module, Store, Strategy, Trap, TrapCode};

const MODULE: &str = r#"(module
  ;; Floats and integers live across the loop header's check, refilled every 20000 units
  ;; when the engine is interruptible.
  (func $mix (export "mix") (param $n i32) (result f64)
    (local $i i32) (local $a f64) (local $b f64) (local $c f64) (local $k i64)
    (local.set $a (f64.const 0.5)) (local.set $b (f64.const 1.25)) (local.set $c (f64.const 3))
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $a (f64.add (f64.mul (local.get $a) (f64.const 0.999)) (local.get $b)))
      (local.set $b (f64.sub (local.get $b) (f64.mul (local.get $c) (f64.const 0.0001))))
      (local.set $c (f64.add (local.get $c) (f64.convert_i32_u (local.get $i))))
      (local.set $k (i64.add (i64.mul (local.get $k) (i64.const 31)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (f64.add (f64.add (local.get $a) (local.get $b))
      (f64.add (local.get $c) (f64.convert_i64_s (local.get $k)))))
  ;; Recurses $depth calls deep, then loops forever: runs out of fuel at a loop header.
  (func $deep (export "deep") (param $depth i32) (result i32)
    (if (local.get $depth)
      (then (return (i32.add (call $deep (i32.sub (local.get $depth) (i32.const 1)))
                             (i32.const 1)))))
    (loop (br 0))
    (i32.const 0))
)"#;

fn engine(strategy: Strategy, interruptible: bool) -> Engine {
    let mut config = Config::new();
    config
        .strategy(strategy)
        .consume_fuel(true)
        .interruptible(interruptible)
        .compiler(silo_jit::cranelift().unwrap());
    Engine::new(&config)
}

fn trap(e: Error) -> Trap {
    match e {
        Error::Trap(t) => t,
        other => panic!("expected a trap, got {other}"),
    }
}

/// Runs `mix(n)` with `fuel`: its result (bits) or trap, and the fuel left.
fn mix(strategy: Strategy, interruptible: bool, n: i32, fuel: u64) -> (Result<u64, String>, u64) {
    let engine = engine(strategy, interruptible);
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_fuel(fuel).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let f = instance.get_typed_func::<i32, f64>(&store, "mix").unwrap();
    let out = f.call(&mut store, n).map(f64::to_bits).map_err(|e| trap(e).to_string());
    (out, store.get_fuel().unwrap())
}

#[test]
fn a_loop_keeps_its_values_across_refills() {
    for interruptible in [false, true] {
        // Enough for the whole loop (many 20000-unit slices when interruptible), then too little.
        for (n, fuel) in [(1_000_000, 100_000_000), (1_000_000, 1_234_567)] {
            let native = mix(Strategy::Jit, interruptible, n, fuel);
            assert_eq!(native, mix(Strategy::Interpreter, interruptible, n, fuel));
            assert_eq!(native.0.is_ok(), fuel == 100_000_000, "{native:?}");
        }
    }
}

#[test]
fn out_of_fuel_traps_alike_at_any_depth() {
    for interruptible in [false, true] {
        // Shallow, and deeper than the frames a backtrace keeps.
        for depth in [0, 3, 63, 64, 65, 100] {
            let report = |strategy: Strategy| {
                let engine = engine(strategy, interruptible);
                let module = Module::new(&engine, MODULE).unwrap();
                let mut store = Store::new(&engine, ());
                store.set_fuel(500_000).unwrap();
                let instance = Instance::new(&mut store, &module, &[]).unwrap();
                let f = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
                let t = trap(f.call(&mut store, depth).unwrap_err());
                assert_eq!(t.code(), TrapCode::OutOfFuel, "{t}");
                (t.to_string(), t.frames_omitted(), store.get_fuel().unwrap())
            };
            let expected = report(Strategy::Interpreter);
            assert!(expected.0.contains("wasm backtrace:"), "{}", expected.0);
            assert_eq!(report(Strategy::Jit), expected, "depth {depth}");
        }
    }
}

/// Makes arrays of `$len` elements in a loop, as each of `array.new`, `array.new_default`,
/// `array.new_fixed` and `array.new_data` does, for ever.
const ARRAYS: &str = r#"(module
  (type $a (array (mut i8)))
  (data $d "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
  (func (export "new") (param $len i32)
    (loop (drop (array.new $a (i32.const 7) (local.get $len))) (br 0)))
  (func (export "new_default") (param $len i32)
    (loop (drop (array.new_default $a (local.get $len))) (br 0)))
  (func (export "new_fixed") (param $len i32)
    (loop (drop (array.new_fixed $a 9 (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4)
      (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9))) (br 0)))
  (func (export "new_data") (param $len i32)
    (loop (drop (array.new_data $a $d (i32.const 0) (i32.const 64))) (br 0))))"#;

/// An array's elements cost fuel like bulk work (8 bytes an element, 64 bytes a unit) in both
/// tiers alike: a loop making 16 MiB arrays runs out of fuel after a handful, not after a
/// handful per instruction's unit (which took hours), and leaves the interpreter's fuel.
#[test]
fn making_arrays_costs_fuel_by_their_length_in_both_tiers() {
    for (export, len) in
        [("new", 1 << 24), ("new_default", 1 << 24), ("new_fixed", 0), ("new_data", 0)]
    {
        let run = |strategy| {
            let engine = engine(strategy, false);
            let module = Module::new(&engine, ARRAYS).unwrap();
            let mut store = Store::new(&engine, ());
            store.set_fuel(10_000_000).unwrap();
            let instance = Instance::new(&mut store, &module, &[]).unwrap();
            let f = instance.get_typed_func::<i32, ()>(&store, export).unwrap();
            let started = std::time::Instant::now();
            let code = trap(f.call(&mut store, len).unwrap_err()).code();
            (code, store.get_fuel().unwrap(), started.elapsed())
        };
        let (ci, fi, ti) = run(Strategy::Interpreter);
        let (cj, fj, tj) = run(Strategy::Jit);
        assert_eq!((ci, cj), (TrapCode::OutOfFuel, TrapCode::OutOfFuel), "{export}");
        assert_eq!(fi, fj, "{export}: fuel left");
        let slow = std::time::Duration::from_secs(20);
        assert!(ti < slow && tj < slow, "{export}: {ti:?} and {tj:?} to run out of fuel");
    }
}
