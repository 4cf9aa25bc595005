//! Tiering: functions move from the interpreter to native code when they get hot, loops carry a
//! running call over (on-stack replacement), calls cross between tiers both ways, and a trap's
//! backtrace spans both tiers.

use silo_core::{Config, Engine, Error, Instance, Module, Store, Strategy, Trap};

/// A tiered engine compiling on the thread that finds a function hot, after `threshold` calls
/// plus loop iterations (so the tests see the switch happen at a known point).
fn tiered(threshold: u32) -> Engine {
    let mut config = Config::new();
    config
        .strategy(Strategy::Tiered)
        .tier_up_after(threshold)
        .background_compilation(false)
        .compiler(silo_jit::cranelift().unwrap());
    Engine::new(&config)
}

fn trap(e: Error) -> Trap {
    match e {
        Error::Trap(t) => t,
        other => panic!("expected a trap, got {other}"),
    }
}

const MODULE: &str = r#"(module $m
  (memory 1)
  ;; A loop that runs long enough to be entered natively in the middle of the call.
  (func $sum (export "sum") (param $n i32) (param $poison i32) (result i64)
    (local $i i32) (local $s i64)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
      ;; At iteration $poison, a load far out of bounds.
      (if (i32.eq (local.get $i) (local.get $poison))
        (then (drop (i32.load (i32.const 0x7ffffff0)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (local.get $s))
  ;; hot -> cold -> hot: the middle one never gets hot, so calls cross tiers both ways.
  (func $leaf (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (i32.add (local.get 0) (i32.const 1)))
  (func $middle (param i32) (result i32) (call $leaf (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32)
    (if (result i32) (i32.eq (local.get 0) (i32.const 1000))
      (then (call $middle (local.get 0)))
      (else (call $leaf (local.get 0)))))
  (func $outer_to_zero (export "outer_to_zero") (result i32) (call $middle (i32.const 0)))
)"#;

#[test]
fn a_running_loop_continues_natively() {
    let engine = tiered(100);
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let sum = instance.get_typed_func::<(i32, i32), i64>(&store, "sum").unwrap();
    assert_eq!(module.native_function_count(), 0);
    let n = 1_000_000i64;
    assert_eq!(sum.call(&mut store, (n as i32, -1)).unwrap(), n * (n - 1) / 2);
    // The call was carried over at its loop, and the function itself compiled for next time.
    assert_eq!(module.native_loop_entry_count(), 1);
    assert_eq!(module.native_function_count(), 1);
    assert_eq!(sum.call(&mut store, (10, -1)).unwrap(), 45);
}

#[test]
fn a_trap_after_the_switch_has_the_same_backtrace() {
    let report = |engine: &Engine| {
        let module = Module::new(engine, MODULE).unwrap();
        let mut store = Store::new(engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let sum = instance.get_typed_func::<(i32, i32), i64>(&store, "sum").unwrap();
        trap(sum.call(&mut store, (1_000_000, 500_000)).unwrap_err()).to_string()
    };
    let mut interp = Config::new();
    interp.strategy(Strategy::Interpreter);
    let expected = report(&Engine::new(&interp));
    assert!(expected.starts_with("out of bounds memory access\nwasm backtrace:"), "{expected}");
    assert_eq!(report(&tiered(100)), expected);
}

#[test]
fn calls_cross_tiers_both_ways_and_traps_keep_every_frame() {
    let engine = tiered(50);
    let module = Module::new(&engine, MODULE).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let outer = instance.get_typed_func::<i32, i32>(&store, "outer").unwrap();
    // `outer` and `leaf` get hot; `middle` is called once, interpreted, between two natives.
    for i in 1..200 {
        assert_eq!(outer.call(&mut store, i).unwrap(), i + 1);
    }
    assert_eq!(module.native_function_count(), 2);
    assert_eq!(outer.call(&mut store, 1000).unwrap(), 1001);
    assert_eq!(module.native_function_count(), 2, "`middle` is still interpreted");

    let to_zero = instance.get_typed_func::<(), i32>(&store, "outer_to_zero").unwrap();
    let t = trap(to_zero.call(&mut store, ()).unwrap_err());
    assert_eq!(t.message(), "unreachable");
    let names: Vec<_> = t.backtrace().iter().map(|f| f.func_name.clone().unwrap()).collect();
    // `leaf` (native) called from `middle` (interpreted) called from the export (interpreted).
    assert_eq!(names, ["leaf", "middle", "outer_to_zero"], "{t}");
}

/// Both tiers charge the same fuel, also for a loop after a branch that is always taken (the
/// interpreter used to fold it and charge the loop at the enclosing check).
#[test]
fn fuel_is_charged_alike_after_an_always_taken_branch() {
    let wat = r#"(module (func (export "f") (param i32)
        i32.const 1 br_if 0
        loop nop nop nop nop nop end))"#;
    let left = |strategy: Strategy| {
        let mut config = Config::new();
        config.strategy(strategy).consume_fuel(true).compiler(silo_jit::cranelift().unwrap());
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wat).unwrap();
        let mut store = Store::new(&engine, ());
        store.set_fuel(100).unwrap();
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let f = instance.get_typed_func::<i32, ()>(&store, "f").unwrap();
        f.call(&mut store, 0).unwrap();
        store.get_fuel().unwrap()
    };
    assert_eq!(left(Strategy::Interpreter), left(Strategy::Jit));
    assert_eq!(left(Strategy::Jit), 96);
}

/// Loops whose header has values on the operand stack: below the loop (a heap reference, a
/// computed value, a vector) and as the loop's parameters; one inside a legacy `catch` body, whose caught
/// exception the native entry cannot take over; an inner loop, entered, inside an outer loop with
/// values below both (the outer loop's back edges come from the way in).
const STACKED: &str = r#"(module
  (tag $t)
  (type $box (struct (field i64)))
  (type $garbage (array i64))
  (func (export "below") (param $n i32) (result i64)
    (local $i i32) (local $s i64)
    (struct.new $box (i64.const 1000))
    (i64.extend_i32_u (local.get $n))
    (v128.const i64x2 7 9)
    (loop $l
      (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64x2.extract_lane 1)
    (i64.add)
    (local.set $s (i64.add (local.get $s)))
    (struct.get $box 0)
    (i64.add (local.get $s)))
  (func (export "nested") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $s i64) (local $lim i32)
    (struct.new $box (i64.const 1000))
    (i64.extend_i32_u (local.get $n))
    (loop $outer
      (i64.const 5)
      (local.set $j (i32.const 0))
      ;; The first inner loop runs long enough to be entered itself (the call does not come
      ;; back to the outer loop's header soon), the others are short.
      (local.set $lim (select (i32.const 50000) (i32.const 1000) (i32.eqz (local.get $i))))
      (loop $inner
        (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $lim))))
      (local.set $s (i64.add (local.get $s)))
      ;; 8 KiB of garbage an iteration: collections while the box is below the loops.
      (drop (array.new $garbage (local.get $s) (i32.const 1024)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $s (i64.add (local.get $s)))
    (struct.get $box 0)
    (i64.add (local.get $s)))
  (func (export "nest") (param $n i32) (result i64)
    (local $k i32) (local $i i32) (local $j i32) (local $s i64)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $middle
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $s
            (i64.add (local.get $s) (i64.extend_i32_u (i32.mul (local.get $i) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $j) (i32.const 5))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $middle (i32.lt_u (local.get $i) (i32.const 4))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $k) (local.get $n))))
    (local.get $s))
  (func (export "params") (param $n i32) (result i64 i32)
    (local $k i32)
    (i64.const 0) (i32.const 0)
    (loop $l (param i64 i32) (result i64 i32)
      (local.set $k)
      (i64.add (i64.extend_i32_u (local.get $k)))
      (local.tee $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (local.get $n)))))
  (func (export "skip") (param $n i32) (result i32)
    (local $i i32)
    (i32.const 40)
    (block $out
      (br_if $out (i32.eqz (local.get $n)))
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.add (i32.const 2)))
  (func (export "in_then") (param $n i32) (result i32)
    (local $i i32)
    (i32.const 30)
    (if (result i32) (local.get $n)
      (then
        (i32.const 10)
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
      (else (i32.const 12)))
    (i32.add))
  (func (export "in_catch") (param $n i32) (result i32)
    (local $i i32)
    try
      (throw $t)
    catch $t
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    end
    (local.get $i))
)"#;

/// `STACKED`, instantiated in a tiered engine that compiles after 100 calls plus iterations.
fn stacked() -> (Module, Store<()>, Instance) {
    let engine = tiered(100);
    let module = Module::new(&engine, STACKED).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (module, store, instance)
}

#[test]
fn a_loop_with_values_below_it_continues_natively() {
    let (module, mut store, instance) = stacked();
    let below = instance.get_typed_func::<i32, i64>(&store, "below").unwrap();
    let n = 100_000i64;
    assert_eq!(below.call(&mut store, n as i32).unwrap(), 1000 + n + 9 + n * (n - 1) / 2);
    // Compiled on this thread when the loop got hot, so the call went on natively there.
    assert_eq!(module.native_loop_entry_count(), 1);
}

#[test]
fn an_inner_loop_continues_natively_with_values_below_the_outer_loop() {
    let (module, mut store, instance) = stacked();
    let nested = instance.get_typed_func::<i32, i64>(&store, "nested").unwrap();
    let n = 2_000i64;
    // The inner loop gets hot in the first outer iteration: the outer loop's entry is compiled
    // first, but the call stays in the long first inner loop, so it is entered there; the outer
    // loop's next iterations come back to it through the native code, with the box and n below
    // both loops.
    let s = 50_000 * 49_999 / 2 + 5 + (n - 1) * (499_500 + 5);
    assert_eq!(nested.call(&mut store, n as i32).unwrap(), 1000 + n + s);
    assert_eq!(module.native_loop_entry_count(), 2);
    assert!(store.gc_stats().collections > 0, "the garbage was collected while the loops ran");
}

#[test]
fn a_hot_loop_nest_is_entered_at_its_outermost_loop() {
    let (module, mut store, instance) = stacked();
    let nest = instance.get_typed_func::<i32, i64>(&store, "nest").unwrap();
    let n = 20_000i64;
    assert_eq!(nest.call(&mut store, n as i32).unwrap(), n * 60);
    // The innermost loop got hot first; the call waited for the outermost loop's header and
    // went on natively from there: one entry, at the first loop of the function.
    let info = module.info();
    let export = info.exports.iter().find(|e| e.name == "nest").unwrap();
    let def = export.index - info.num_imported.funcs;
    let outermost = silo_core::vm::FuncAnalysis::of(info, def).unwrap().loops[0].offset;
    assert_eq!(module.native_loop_entries(), [(def, outermost)]);
}

#[test]
fn a_loop_with_parameters_continues_natively() {
    let (module, mut store, instance) = stacked();
    let params = instance.get_typed_func::<i32, (i64, i32)>(&store, "params").unwrap();
    let n = 100_000i64;
    assert_eq!(params.call(&mut store, n as i32).unwrap(), (n * (n - 1) / 2, n as i32));
    assert_eq!(module.native_loop_entry_count(), 1);
}

#[test]
fn a_constant_below_a_loop_is_right_on_paths_that_skip_the_loop() {
    let (module, mut store, instance) = stacked();
    let skip = instance.get_typed_func::<i32, i32>(&store, "skip").unwrap();
    // The branch past the loop, in the interpreter; then the loop, carried over natively with
    // the constant still below it.
    assert_eq!(skip.call(&mut store, 0).unwrap(), 42);
    assert_eq!(skip.call(&mut store, 100_000).unwrap(), 42);
    assert_eq!(module.native_loop_entry_count(), 1);
}

#[test]
fn a_loop_in_one_arm_of_an_if_continues_natively() {
    let (module, mut store, instance) = stacked();
    let in_then = instance.get_typed_func::<i32, i32>(&store, "in_then").unwrap();
    // The value below the `if` is read after it, where the arm without the loop joins too.
    assert_eq!(in_then.call(&mut store, 100_000).unwrap(), 40);
    assert_eq!(module.native_loop_entry_count(), 1);
    assert_eq!(in_then.call(&mut store, 0).unwrap(), 42);
}

#[test]
fn a_loop_in_a_legacy_catch_stays_interpreted_and_right() {
    let (module, mut store, instance) = stacked();
    let in_catch = instance.get_typed_func::<i32, i32>(&store, "in_catch").unwrap();
    assert_eq!(in_catch.call(&mut store, 100_000).unwrap(), 100_000);
    assert_eq!(module.native_loop_entry_count(), 0);
}
