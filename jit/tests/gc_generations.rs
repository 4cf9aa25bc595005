//! The collector's generations in every engine: references stored into objects older than the
//! last collection (a queue appended at its old tail, an old array whose slots keep getting new
//! objects through `array.set`, `array.fill` and `array.copy`) must pass the write barrier, or a
//! minor collection would move or free the young object and leave the old field pointing at
//! whatever took its place. Run with a small young generation (many minor collections) and under
//! zeal (a collection at every allocation); the sums are checked against a Rust model.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy};

const PROGRAM: &str = r#"(module
  (type $node (struct (field $v i64) (field $next (mut (ref null $node)))))
  (type $slots (array (mut (ref null $node))))
  (type $bytes (array (mut i8)))

  (func $node (param $v i64) (result (ref $node))
    (struct.new $node (local.get $v) (ref.null $node)))

  ;; Appends n nodes, each stored into the previous tail, with garbage between; sums the list.
  (func (export "queue") (param $n i32) (result i64)
    (local $head (ref $node)) (local $tail (ref $node)) (local $new (ref $node))
    (local $i i32) (local $sum i64) (local $p (ref null $node))
    (local.set $head (call $node (i64.const 0)))
    (local.set $tail (local.get $head))
    (loop $append
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $new (call $node (i64.extend_i32_u (local.get $i))))
      (struct.set $node $next (local.get $tail) (local.get $new))
      (local.set $tail (local.get $new))
      (drop (array.new_default $bytes (i32.const 40)))
      (br_if $append (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $p (local.get $head))
    (block $end
      (loop $walk
        (br_if $end (ref.is_null (local.get $p)))
        (local.set $sum (i64.add (local.get $sum) (struct.get $node $v (local.get $p))))
        (local.set $p (struct.get $node $next (local.get $p)))
        (br $walk)))
    (local.get $sum))

  ;; An array of 64 slots, made once, whose slots get new nodes over and over.
  (func (export "slots") (param $n i32) (result i64)
    (local $arr (ref $slots)) (local $i i32) (local $sum i64) (local $tmp (ref $slots))
    (local.set $arr (array.new_default $slots (i32.const 64)))
    (loop $each
      (array.set $slots (local.get $arr) (i32.and (local.get $i) (i32.const 63))
        (call $node (i64.extend_i32_u (local.get $i))))
      (if (i32.eq (i32.rem_u (local.get $i) (i32.const 1000)) (i32.const 999))
        (then (array.fill $slots (local.get $arr) (i32.const 0)
                (call $node (i64.const 1)) (i32.const 8))))
      (if (i32.eq (i32.rem_u (local.get $i) (i32.const 1000)) (i32.const 500))
        (then
          (local.set $tmp (array.new_fixed $slots 2 (call $node (i64.const 2)) (call $node (i64.const 3))))
          (array.copy $slots $slots (local.get $arr) (i32.const 10) (local.get $tmp) (i32.const 0)
            (i32.const 2))))
      (drop (array.new_default $bytes (i32.const 24)))
      (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (i64.add (local.get $sum)
        (struct.get $node $v (ref.as_non_null (array.get $slots (local.get $arr) (local.get $i))))))
      (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 64))))
    (local.get $sum))
)"#;

/// What `slots(n)` returns, computed the way the guest does.
fn slots_model(n: u64) -> u64 {
    let mut arr = [0u64; 64];
    for i in 0..n {
        arr[(i & 63) as usize] = i;
        if i % 1000 == 999 {
            arr[..8].fill(1);
        }
        if i % 1000 == 500 {
            arr[10] = 2;
            arr[11] = 3;
        }
    }
    arr.iter().sum()
}

fn run(strategy: Strategy, zeal: bool, nursery: u64) -> (i64, i64) {
    let mut config = Config::new();
    config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
    config.tier_up_after(1).background_compilation(false).gc_zeal(zeal);
    config.gc_nursery_size(nursery);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let queue = instance.get_typed_func::<i32, i64>(&store, "queue").unwrap();
    let slots = instance.get_typed_func::<i32, i64>(&store, "slots").unwrap();
    let n = if zeal { 600 } else { 60_000 };
    let results = (queue.call(&mut store, n).unwrap(), slots.call(&mut store, n).unwrap());
    let stats = store.gc_stats();
    if !zeal && nursery > 0 {
        let minor = stats.collections - stats.full_collections;
        assert!(minor > 10, "{strategy:?}: {stats:?}");
    }
    results
}

#[test]
fn stores_into_old_objects_survive_minor_collections_in_every_engine() {
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        for (zeal, nursery) in [(false, 64 << 10), (true, 64 << 10), (false, 0)] {
            let n: i64 = if zeal { 600 } else { 60_000 };
            let expected = (n * (n + 1) / 2, slots_model(n as u64) as i64);
            assert_eq!(
                run(strategy, zeal, nursery),
                expected,
                "{strategy:?}, zeal {zeal}, nursery {nursery}"
            );
        }
    }
}
