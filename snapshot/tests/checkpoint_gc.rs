//! Checkpoints of a guest whose state lives in the garbage-collected heap: its objects are taken
//! as a heap image (by type and meaning, shared objects and cycles kept) and made again, so the
//! restored guest goes on exactly as the original; forged images are refused with the place.

use silo_core::{Engine, ExternRef, Instance, Module, Store, Val};
use silo_snapshot::{Checkpoint, HeapObjectState, RefState, ValState};

const GUEST: &str = include_str!("gc_guest.wat");

fn start(engine: &Engine, module: &Module) -> (Store<()>, Instance) {
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).expect("instantiate");
    (store, instance)
}

fn step(store: &mut Store<()>, instance: &Instance, i: i32) {
    let step = instance.get_typed_func::<i32, ()>(&*store, "step").unwrap();
    step.call(store, i).expect("step runs");
}

fn digest(store: &mut Store<()>, instance: &Instance) -> i64 {
    let digest = instance.get_typed_func::<(), i64>(&*store, "digest").unwrap();
    digest.call(store, ()).expect("digest runs")
}

/// The original's digests after each of `steps` more steps.
fn go_on(store: &mut Store<()>, instance: &Instance, steps: std::ops::Range<i32>) -> Vec<i64> {
    steps
        .map(|i| {
            step(store, instance, i);
            digest(store, instance)
        })
        .collect()
}

fn taken(engine: &Engine, module: &Module) -> (Store<()>, Instance, Checkpoint) {
    let (mut store, instance) = start(engine, module);
    for i in 0..40 {
        step(&mut store, &instance, i);
    }
    let checkpoint = Checkpoint::capture(&store, &instance, false).expect("capture");
    (store, instance, checkpoint)
}

#[test]
fn a_guest_of_the_gc_heap_goes_on_as_the_original_after_a_restore() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance, checkpoint) = taken(&engine, &module);
    // The list (41 nodes), the buffers, the box, the self-referring node: each once.
    assert_eq!(checkpoint.heap.len(), 40 + 1 + 1 + 1 + 1 + 1, "{:?}", checkpoint.heap.len());
    let before = digest(&mut store, &instance);
    let original = go_on(&mut store, &instance, 40..60);
    let bytes = checkpoint.to_bytes().unwrap();
    for _ in 0..3 {
        let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
        let (mut store, instance) = start(&engine, &module);
        checkpoint.restore(&mut store, &instance).unwrap();
        assert_eq!(digest(&mut store, &instance), before);
        assert_eq!(go_on(&mut store, &instance, 40..60), original);
    }
}

#[test]
fn a_restored_heap_survives_collections() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance, checkpoint) = taken(&engine, &module);
    let original = go_on(&mut store, &instance, 40..3000);
    let (mut store, instance) = start(&engine, &module);
    checkpoint.restore(&mut store, &instance).unwrap();
    // Thousands of nodes more: the restored objects move with minor and full collections.
    assert_eq!(go_on(&mut store, &instance, 40..3000), original);
}

#[test]
fn a_host_value_is_refused_by_name() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    step(&mut store, &instance, 1);
    let host = ExternRef::new(&mut store, 42u32).unwrap();
    let global = instance.get_global(&store, "ext").map(Ok).unwrap_or_else(|| {
        // The guest does not export it: find the externref global by index.
        let mut i = 0;
        loop {
            let g = instance.global_by_index(&store, i).ok_or("no externref global")?;
            if matches!(g.get(&store), Val::ExternRef(_)) {
                break Ok::<_, &str>(g);
            }
            i += 1;
        }
    });
    global.unwrap().set(&mut store, Val::ExternRef(Some(host))).unwrap();
    let err = Checkpoint::capture(&store, &instance, false).unwrap_err().to_string();
    assert!(err.contains("holds a host value (`externref`)"), "{err}");
}

type Forgery = dyn Fn(&mut Checkpoint);

fn restore_forged(edit: &Forgery) -> String {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (_, _, mut checkpoint) = taken(&engine, &module);
    edit(&mut checkpoint);
    let checkpoint = Checkpoint::from_bytes(&checkpoint.to_bytes().unwrap()).unwrap();
    let (mut store, instance) = start(&engine, &module);
    checkpoint.restore(&mut store, &instance).unwrap_err().to_string()
}

/// The number of the first object of type `ty`.
fn first_of(c: &Checkpoint, ty: u32) -> usize {
    c.heap.iter().position(|o| o.type_index == ty).expect("an object of the type")
}

#[test]
fn forged_heap_images_are_refused_with_the_place() {
    let cases: Vec<(Box<Forgery>, &str)> = vec![
        (Box::new(|c| c.heap[0].type_index = 99), "heap object 0: the module has no type 99"),
        // A function type's objects are exceptions: two values (the tag, the `i32`), not four.
        (
            Box::new(|c| c.heap[0].type_index = 5),
            "heap object 0: its type has 2 values, it holds another count",
        ),
        (
            Box::new(|c| {
                let n = first_of(c, 0);
                c.heap[n].values.push(0)
            }),
            "its type has 2 values, it holds another count",
        ),
        // A node's `next` naming an object past the image, and one of another type.
        (
            Box::new(|c| {
                let n = first_of(c, 0);
                c.heap[n].values[1] = 2 * 1000
            }),
            "field 1: object 999 is past",
        ),
        (
            Box::new(|c| {
                let (n, bytes) = (first_of(c, 0), first_of(c, 1) as u64);
                c.heap[n].values[1] = (bytes + 1) * 2;
            }),
            "does not fit a value of type (ref null",
        ),
        // An i31 where a node is expected; a function past the instance's.
        (
            Box::new(|c| {
                let n = first_of(c, 0);
                c.heap[n].values[1] = 15
            }),
            "field 1: the i31 7 does not fit",
        ),
        (
            Box::new(|c| {
                let b = first_of(c, 3);
                c.heap[b].values[1] = 77;
            }),
            "field 1: function reference 76 is past the instance's functions",
        ),
        // Bytes that are not whole elements of an f64 array.
        (
            Box::new(|c| {
                let w = first_of(c, 4);
                c.heap[w].bytes.push(1);
            }),
            "an array of 8-byte numbers holds another count",
        ),
        (Box::new(|c| c.heap.truncate(3)), "is past the image's 3 objects"),
        (
            Box::new(|c| {
                let ty = c.instance.globals.len();
                c.instance.globals[ty - 1] = ValState::Ref(RefState::Object(0));
            }),
            "global",
        ),
        // The immutable global's object bound to an object of another type.
        (
            Box::new(|c| {
                let n = first_of(c, 0) as u32;
                c.instance.globals[3] = ValState::Ref(RefState::Object(n))
            }),
            "the instance's object in its place is of another type or length",
        ),
        (
            Box::new(|c| {
                c.heap.push(HeapObjectState { type_index: 1, values: vec![], bytes: vec![0; 8] })
            }),
            "",
        ),
    ];
    for (i, (edit, expected)) in cases.into_iter().enumerate() {
        if expected.is_empty() {
            // An unreferenced extra object is garbage, not an error.
            let engine = Engine::default();
            let module = Module::new(&engine, GUEST).unwrap();
            let (_, _, mut checkpoint) = taken(&engine, &module);
            edit(&mut checkpoint);
            let (mut store, instance) = start(&engine, &module);
            checkpoint.restore(&mut store, &instance).expect("an extra object is garbage");
            continue;
        }
        let err = restore_forged(&*edit);
        assert!(err.contains(expected), "case {i}: {err}");
    }
}

/// Exceptions held in a global and a table between calls.
const EXN_GUEST: &str = r#"(module
  (type $node (struct (field $v i32)))
  (tag $e (param i32 (ref null $node)))
  (global $last (mut exnref) (ref.null exn))
  (table $kept 2 exnref)
  (func (export "keep") (param $n i32)
    (block $caught (result exnref)
      (try_table (catch_all_ref $caught)
        (throw $e (local.get $n) (struct.new $node (i32.mul (local.get $n) (i32.const 10)))))
      (unreachable))
    (global.set $last)
    (table.set $kept (i32.and (local.get $n) (i32.const 1)) (global.get $last)))
  (func $open (param $x exnref) (result i32)
    (block $mine (result i32 (ref null $node))
      (try_table (catch $e $mine) (throw_ref (local.get $x)))
      (unreachable))
    (struct.get $node 0)
    (i32.add))
  (func (export "digest") (result i32)
    (i32.add (call $open (global.get $last))
      (i32.mul (i32.const 1000) (call $open (table.get $kept (i32.const 0)))))))"#;

#[test]
fn exceptions_in_a_global_and_a_table_are_restored() {
    let engine = Engine::default();
    let module = Module::new(&engine, EXN_GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    let keep = instance.get_typed_func::<i32, ()>(&store, "keep").unwrap();
    for n in [4, 7] {
        keep.call(&mut store, n).unwrap();
    }
    let digest = instance.get_typed_func::<(), i32>(&store, "digest").unwrap();
    let want = digest.call(&mut store, ()).unwrap();
    assert_eq!(want, 77 + 44 * 1000);
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    // Two exceptions (one in both the global and the table), each with its object.
    assert_eq!(checkpoint.heap.len(), 4);
    let checkpoint = Checkpoint::from_bytes(&checkpoint.to_bytes().unwrap()).unwrap();
    let (mut store, instance) = start(&engine, &module);
    checkpoint.restore(&mut store, &instance).unwrap();
    let digest = instance.get_typed_func::<(), i32>(&store, "digest").unwrap();
    assert_eq!(digest.call(&mut store, ()).unwrap(), want);

    // A node where an exception is expected is refused.
    let mut forged = checkpoint.clone();
    let node = forged.heap.iter().position(|o| o.values.len() == 1).unwrap() as u32;
    let last = forged.instance.globals.len() - 1;
    forged.instance.globals[last] = ValState::Ref(RefState::Object(node));
    let (mut store, instance) = start(&engine, &module);
    let err = forged.restore(&mut store, &instance).unwrap_err().to_string();
    assert!(err.contains(&format!("object {node} is not an exception")), "{err}");
}

#[test]
fn forks_of_a_gc_guest_each_get_their_own_heap() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance, checkpoint) = taken(&engine, &module);
    let original = go_on(&mut store, &instance, 40..45);
    let fork = checkpoint.fork(&module).unwrap();
    let linker = silo_core::Linker::new(&engine);
    let mut guests = Vec::new();
    for _ in 0..3 {
        let mut store = Store::new(&engine, ());
        let instance = fork.resume(&mut store, &linker, &module).unwrap();
        guests.push((store, instance));
    }
    // Each goes on as the original did, whatever the others do to their own objects.
    for (store, instance) in guests.iter_mut().rev() {
        assert_eq!(go_on(store, instance, 40..45), original);
    }
}

/// An immutable global's struct whose mutable field holds a large array instantiation made.
const BIG_FIELD_GUEST: &str = r#"(module
  (type $ints (array (mut i32)))
  (type $holder (struct (field (mut (ref null $ints)))))
  (global $held (ref $holder)
    (struct.new $holder (array.new_default $ints (i32.const 6000000))))
  (func (export "mark") (param $i i32) (param $v i32)
    (array.set $ints (struct.get $holder 0 (global.get $held)) (local.get $i) (local.get $v)))
  (func (export "read") (param $i i32) (result i32)
    (array.get $ints (struct.get $holder 0 (global.get $held)) (local.get $i))))"#;

#[test]
fn a_bound_objects_large_field_is_let_go_before_the_image_is_allocated() {
    // 24 MB of array under a 40 MiB heap: the restore fits only if the array instantiation
    // put in the immutable global's struct can be collected before the image's is made.
    let mut config = silo_core::Config::new();
    config.max_gc_heap(40 << 20);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, BIG_FIELD_GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    let mark = instance.get_typed_func::<(i32, i32), ()>(&store, "mark").unwrap();
    mark.call(&mut store, (5_999_999, 77)).unwrap();
    mark.call(&mut store, (3, 11)).unwrap();
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    assert_eq!(checkpoint.heap.len(), 2);
    let (mut store, instance) = start(&engine, &module);
    checkpoint.restore(&mut store, &instance).unwrap();
    let read = instance.get_typed_func::<i32, i32>(&store, "read").unwrap();
    assert_eq!(read.call(&mut store, 5_999_999).unwrap(), 77);
    assert_eq!(read.call(&mut store, 3).unwrap(), 11);
    assert_eq!(read.call(&mut store, 4).unwrap(), 0);
}
