//! Garbage-collected objects in native code: every engine computes the same results while the
//! collector runs at every allocation (`Config::gc_zeal`) and moves every object, so a reference
//! a native frame keeps across a call without its stack map naming it would be left pointing at
//! whatever moved there, and the sums below would differ.

use silo_core::{
    AnyRef, Caller, Config, Engine, ExternRef, Func, FuncType, HeapType, Instance, Module, RefType,
    Store, Strategy, TrapCode, Val, ValType,
};

fn engine(strategy: Strategy, zeal: bool) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
    config.tier_up_after(1).background_compilation(false).gc_zeal(zeal);
    Engine::new(&config)
}

/// Lists, binary trees and arrays of references, built with references live across calls (in
/// locals, on the operand stack, in block parameters), allocations in callees and in the host.
const PROGRAM: &str = r#"(module
  (type $node (struct (field $v i64) (field $next (ref null $node))))
  (type $tree (struct (field $l (ref null $tree)) (field $r (ref null $tree)) (field $v i32)))
  (type $nodes (array (mut (ref null $node))))
  (type $bytes (array (mut i8)))
  (import "host" "box" (func $box (param i32) (result externref)))
  (import "host" "unbox" (func $unbox (param externref) (result i32)))
  (global $keep (mut (ref null $node)) (ref.null $node))

  (func $cons (param $v i64) (param $next (ref null $node)) (result (ref $node))
    (drop (array.new_default $bytes (i32.const 24)))
    (struct.new $node (local.get $v) (local.get $next)))

  (func $list (param $n i32) (result (ref null $node))
    (local $l (ref null $node))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $l (call $cons (i64.extend_i32_u (local.get $n)) (local.get $l)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $l))

  (func $sum (param $l (ref null $node)) (result i64)
    (if (result i64) (ref.is_null (local.get $l))
      (then (i64.const 0))
      (else (i64.add (struct.get $node $v (local.get $l))
                     (call $sum (struct.get $node $next (local.get $l)))))))

  (func $tree (param $d i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $d))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree) (i32.const 1)))
      (else (struct.new $tree
        (call $tree (i32.sub (local.get $d) (i32.const 1)))
        (call $tree (i32.sub (local.get $d) (i32.const 1)))
        (local.get $d)))))

  (func $count (param $t (ref null $tree)) (result i32)
    (if (result i32) (ref.is_null (local.get $t))
      (then (i32.const 0))
      (else (i32.add (struct.get $tree $v (local.get $t))
        (i32.add (call $count (struct.get $tree $l (local.get $t)))
                 (call $count (struct.get $tree $r (local.get $t))))))))

  (func (export "lists") (param $n i32) (result i64)
    (local $a (ref null $node)) (local $arr (ref $nodes)) (local $i i32) (local $total i64)
    (global.set $keep (call $list (i32.const 7)))
    (local.set $a (call $list (local.get $n)))
    (local.set $arr (array.new $nodes (local.get $a) (i32.const 4)))
    (array.set $nodes (local.get $arr) (i32.const 1) (call $list (i32.const 10)))
    (array.set $nodes (local.get $arr) (i32.const 2)
      (array.get $nodes (array.new_fixed $nodes 2 (call $list (i32.const 3)) (call $list (i32.const 5)))
                 (i32.const 1)))
    (loop $each
      (local.set $total (i64.add (local.get $total)
        (call $sum (array.get $nodes (local.get $arr) (local.get $i)))))
      (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (array.len (local.get $arr)))))
    ;; n(n+1)/2 twice (slots 0 and 3), 55, 15, and the global's 28.
    (i64.add (local.get $total) (call $sum (global.get $keep))))

  (func (export "trees") (param $d i32) (result i32) (local $c i32)
    (block $b (result (ref $tree) i32)
      (br $b (call $tree (local.get $d)) (call $count (call $tree (local.get $d)))))
    (local.set $c)
    ;; The first tree stays on the operand stack while these allocate.
    (drop (call $tree (i32.const 3)))
    (i32.add (call $count) (local.get $c)))

  (func (export "boxes") (param $n i32) (result i32)
    (local $keep externref) (local $i i32) (local $total i32)
    (local.set $keep (call $box (i32.const 1000)))
    (loop $each
      (local.set $total (i32.add (local.get $total)
        (call $unbox (call $box (local.get $i)))))
      (drop (call $list (i32.const 2)))
      (br_if $each (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (i32.add (local.get $total) (call $unbox (local.get $keep))))

  (func (export "null_field") (result i32)
    (struct.get $tree $v (struct.get $tree $l (call $tree (i32.const 0)))))
  (func (export "out_of_bounds") (result i64)
    (call $sum (array.get $nodes (array.new_default $nodes (i32.const 2)) (i32.const 2))))
)"#;

/// The results of the program's exports under `strategy`.
fn run(strategy: Strategy, zeal: bool) -> (i64, i32, i32) {
    let engine = engine(strategy, zeal);
    let module = Module::new(&engine, PROGRAM).unwrap();
    let mut store = Store::new(&engine, ());
    let boxed = Func::wrap(&mut store, |mut caller: Caller<'_, ()>, v: i32| {
        Some(ExternRef::new(&mut caller, v).expect("the heap has room"))
    });
    let unboxed = Func::wrap(&mut store, |caller: Caller<'_, ()>, r: Option<ExternRef>| {
        r.and_then(|r| r.data(&caller).and_then(|d| d.downcast_ref::<i32>()).copied()).unwrap_or(-1)
    });
    let instance = Instance::new(&mut store, &module, &[boxed.into(), unboxed.into()]).unwrap();
    let lists = instance.get_typed_func::<i32, i64>(&store, "lists").unwrap();
    let trees = instance.get_typed_func::<i32, i32>(&store, "trees").unwrap();
    let boxes = instance.get_typed_func::<i32, i32>(&store, "boxes").unwrap();
    let results = (
        lists.call(&mut store, 20).unwrap_or_else(|e| panic!("{strategy:?} zeal {zeal}: {e:?}")),
        trees.call(&mut store, 6).unwrap(),
        boxes.call(&mut store, 30).unwrap(),
    );
    let traps = [("null_field", TrapCode::NullStructReference)];
    for (name, code) in traps {
        let f = instance.get_typed_func::<(), i32>(&store, name).unwrap();
        let trap = f.call(&mut store, ()).unwrap_err();
        assert_eq!(trap.as_trap().map(|t| t.code()), Some(code), "{strategy:?}: {name}");
    }
    let f = instance.get_typed_func::<(), i64>(&store, "out_of_bounds").unwrap();
    let trap = f.call(&mut store, ()).unwrap_err();
    assert_eq!(trap.as_trap().map(|t| t.code()), Some(TrapCode::ArrayOutOfBounds));
    results
}

#[test]
fn every_engine_agrees_while_objects_move() {
    // Each inner node holds its height k (2^(d-k) of them), each of the 2^d leaves 1; `trees`
    // counts two such trees.
    let tree = |d: i32| (1..=d).map(|k| k << (d - k)).sum::<i32>() + (1 << d);
    let expected = (2 * 210 + 55 + 15 + 28, 2 * tree(6), (0..30).sum::<i32>() + 1000);
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        for zeal in [false, true] {
            assert_eq!(run(strategy, zeal), expected, "{strategy:?}, zeal {zeal}");
        }
    }
}

/// Rings of nodes (each pointing to the next, the last to the first), held by a global until
/// the guest drops them; and lists built and dropped in a loop.
const CHURN: &str = r#"(module
  (type $node (struct (field $v i64) (field $next (mut (ref null $node)))))
  (global $ring (mut (ref null $node)) (ref.null $node))
  (func (export "make_ring") (param $n i32)
    (local $first (ref $node)) (local $last (ref $node))
    (local.set $first (struct.new $node (i64.const 0) (ref.null $node)))
    (local.set $last (local.get $first))
    (loop $more
      (local.set $last (struct.new $node (i64.extend_i32_u (local.get $n)) (local.get $last)))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (struct.set $node $next (local.get $first) (local.get $last))
    (global.set $ring (local.get $first)))
  (func (export "drop_ring") (global.set $ring (ref.null $node)))
  (func (export "churn") (param $rounds i32) (result i64)
    (local $list (ref null $node)) (local $i i32) (local $total i64)
    (loop $round
      (local.set $list (ref.null $node))
      (local.set $i (i32.const 1000))
      (loop $build
        (local.set $list (struct.new $node (i64.extend_i32_u (local.get $i)) (local.get $list)))
        (br_if $build (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (local.set $total (i64.add (local.get $total) (struct.get $node $v (local.get $list))))
      (br_if $round (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (local.get $total))
)"#;

#[test]
fn dropped_cycles_are_reclaimed_and_churn_runs_in_bounded_memory() {
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        let engine = engine(strategy, false);
        let module = Module::new(&engine, CHURN).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let make = instance.get_typed_func::<i32, ()>(&store, "make_ring").unwrap();
        let drop_ring = instance.get_typed_func::<(), ()>(&store, "drop_ring").unwrap();
        let churn = instance.get_typed_func::<i32, i64>(&store, "churn").unwrap();

        make.call(&mut store, 100_000).unwrap();
        store.gc();
        let held = store.gc_stats().live_bytes;
        assert!(held >= 100_000 * 16, "{strategy:?}: the ring is live: {held} bytes");
        drop_ring.call(&mut store, ()).unwrap();
        store.gc();
        let left = store.gc_stats().live_bytes;
        assert!(left < 4096, "{strategy:?}: the dropped ring is freed, {left} bytes live");

        // 20,000 lists of 1,000 nodes: some 480 MB allocated, a few lists live at a time.
        assert_eq!(churn.call(&mut store, 20_000).unwrap(), 20_000, "{strategy:?}");
        let stats = store.gc_stats();
        assert!(stats.bytes_allocated_total > 400 << 20, "{strategy:?}: {stats:?}");
        // The soft limit keeps room for a nursery (4 MiB) above the live data: 8 MiB at most.
        assert!(stats.heap_bytes <= 8 << 20, "{strategy:?}: the heap stays small: {stats:?}");
    }
}

/// A guest that hands the host a fresh object at every call, many more than the heap could hold.
const HANDS_OVER: &str = r#"(module
  (type $cell (struct (field i64) (field i64)))
  (import "host" "take" (func $take (param anyref)))
  (func (export "run") (param $n i32)
    (loop $more
      (call $take (struct.new $cell (i64.extend_i32_u (local.get $n)) (i64.const 0)))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
)"#;

#[test]
fn handles_given_to_a_host_call_end_with_it() {
    for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
        let mut config = Config::new();
        config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
        config.max_gc_heap(1 << 20);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, HANDS_OVER).unwrap();
        let mut store = Store::new(&engine, Vec::new());
        let anyref = ValType::Ref(RefType { nullable: true, heap: HeapType::Any });
        let ty = FuncType { params: Box::new([anyref]), results: Box::new([]) };
        let take = Func::new(&mut store, ty, |mut caller: Caller<'_, Vec<AnyRef>>, args, _| {
            // Keeping a handle past the call is allowed; it reads as null afterwards.
            if let (true, Val::AnyRef(Some(r))) = (caller.data().is_empty(), &args[0]) {
                caller.data_mut().push(*r);
            }
            Ok(())
        });
        let instance = Instance::new(&mut store, &module, &[take.into()]).unwrap();
        let run = instance.get_typed_func::<i32, ()>(&store, "run").unwrap();
        // 200,000 objects of 24 bytes: 4.8 MB through a 1 MiB heap.
        run.call(&mut store, 200_000).unwrap_or_else(|e| panic!("{strategy:?}: {e}"));
        let kept = store.data()[0];
        assert!(!kept.is_struct(&store), "{strategy:?}: a handle past its call is null");
    }
}
