//! Pre-initialization end to end: instantiate a module, run its initializer, write the state back
//! as a new module, and check that a fresh instance of the new module starts in exactly that state
//! and behaves as the initialized instance did.

use silo_core::{Engine, Instance, Module, Store, Val};
use silo_snapshot::{InstanceState, SnapshotError, write_preinitialized};

const INIT: &str = "wizer.initialize";

/// Runs `wat`'s initializer and returns the engine, the state it left, and the new module.
fn preinit(wat: &str) -> (Engine, InstanceState, Module) {
    let engine = Engine::default();
    let module = Module::new(&engine, wat).expect("the test module is valid");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiate");
    let init = instance.get_func(&store, INIT).expect("an initializer");
    init.call(&mut store, &[], &mut []).expect("the initializer runs");
    let state = InstanceState::capture(&store, &instance).expect("capture");
    let bytes = write_preinitialized(&module.info().bytes, &state, &[INIT]).expect("write");
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&bytes)
        .expect("the pre-initialized module is valid");
    let new = Module::new(&engine, &bytes).expect("the pre-initialized module loads");
    (engine, state, new)
}

/// A fresh instance of `module` and its state.
fn fresh(engine: &Engine, module: &Module) -> (Store<()>, Instance, InstanceState) {
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).expect("instantiate the new module");
    let state = InstanceState::capture(&store, &instance).expect("capture");
    (store, instance, state)
}

/// Calls export `name`; returns its `i32` results.
fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[Val]) -> Vec<i32> {
    let func = instance.get_func(&*store, name).unwrap_or_else(|| panic!("no export {name}"));
    let mut results = vec![Val::I32(0); func.ty(&*store).results.len()];
    func.call(&mut *store, args, &mut results).unwrap_or_else(|e| panic!("{name}: {e}"));
    results.iter().map(|v| v.i32().expect("an i32 result")).collect()
}

#[test]
fn memories_and_globals_start_where_the_initializer_left_them() {
    let (engine, before, module) = preinit(
        r#"(module
            (memory (export "mem") 1 10)
            (global $count (mut i32) (i32.const 0))
            (global $big (mut i64) (i64.const 0))
            (global $f (mut f32) (f32.const 0))
            (global $d (mut f64) (f64.const 0))
            (global $v (mut v128) (v128.const i64x2 0 0))
            (type $t (func (result i32)))
            (global $fn (mut (ref null $t)) (ref.null $t))
            (global $small (mut i31ref) (ref.null i31))
            (global $answer i32 (i32.const 42))
            (data (i32.const 100) "original")
            (start $start)
            (func $start (global.set $count (i32.add (global.get $count) (i32.const 1))))
            (func $seven (result i32) (i32.const 7))
            (elem declare func $seven)
            (func (export "wizer.initialize")
                (drop (memory.grow (i32.const 2)))
                (i32.store (i32.const 100) (i32.const 0x64636261))
                (i64.store (i32.const 150000) (i64.const -1))
                (global.set $big (i64.const 0x123456789))
                (global.set $f (f32.const -1.5))
                (global.set $d (f64.const nan:0x4000000000001))
                (global.set $v (v128.const i32x4 1 2 3 4))
                (global.set $fn (ref.func $seven))
                (global.set $small (ref.i31 (i32.const -5))))
            (func (export "count") (result i32) (global.get $count))
            (func (export "call_fn") (result i32) (call_ref $t (ref.as_non_null (global.get $fn))))
            (func (export "small") (result i32) (i31.get_s (ref.as_non_null (global.get $small))))
            (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#,
    );
    let (mut store, instance, after) = fresh(&engine, &module);
    assert_eq!(after.memories, before.memories);
    assert_eq!(after.globals, before.globals);
    assert_eq!(after.memories[0].pages, 3);
    // The start function ran once, before the snapshot; the new module has none.
    assert_eq!(call(&mut store, &instance, "count", &[]), [1]);
    assert_eq!(call(&mut store, &instance, "call_fn", &[]), [7]);
    assert_eq!(call(&mut store, &instance, "small", &[]), [-5]);
    assert_eq!(call(&mut store, &instance, "load", &[Val::I32(100)]), [0x64636261]);
    assert_eq!(call(&mut store, &instance, "load", &[Val::I32(104)]), [0x6c616e69]);
    assert!(instance.get_func(&store, INIT).is_none(), "the initializer is no longer exported");
    assert!(module.info().start.is_none());
}

#[test]
fn tables_keep_their_functions_and_spent_segments_stay_spent() {
    let (engine, before, module) = preinit(
        r#"(module
            (type $t (func (result i32)))
            (table $tab 2 funcref)
            (elem (table $tab) (i32.const 0) func $one $two)
            (elem $later func $three)
            (elem $gone func $one)
            (elem declare func $four)
            (func $one (result i32) (i32.const 1))
            (func $two (result i32) (i32.const 2))
            (func $three (result i32) (i32.const 3))
            (func $four (result i32) (i32.const 4))
            (func (export "wizer.initialize")
                (drop (table.grow $tab (ref.func $four) (i32.const 8)))
                (table.set $tab (i32.const 0) (ref.null func))
                (table.set $tab (i32.const 9) (ref.func $two))
                (elem.drop $gone))
            (func (export "call") (param i32) (result i32)
                (call_indirect $tab (type $t) (local.get 0)))
            (func (export "init_later") (table.init $tab $later (i32.const 0) (i32.const 0) (i32.const 1)))
            (func (export "init_gone") (table.init $tab $gone (i32.const 0) (i32.const 0) (i32.const 1)))
            (func (export "four") (result funcref) (ref.func $four)))"#,
    );
    let (mut store, instance, after) = fresh(&engine, &module);
    assert_eq!(after.tables, before.tables);
    assert_eq!(after.tables[0].len(), 10);
    assert_eq!(call(&mut store, &instance, "call", &[Val::I32(1)]), [2]);
    assert_eq!(call(&mut store, &instance, "call", &[Val::I32(5)]), [4]);
    assert_eq!(call(&mut store, &instance, "call", &[Val::I32(9)]), [2]);
    let null = instance.get_func(&store, "call").unwrap().call(
        &mut store,
        &[Val::I32(0)],
        &mut [Val::I32(0)],
    );
    assert!(null.is_err(), "slot 0 was cleared by the initializer");
    // The passive segment left alone still works; the dropped one is still dropped.
    call(&mut store, &instance, "init_later", &[]);
    assert_eq!(call(&mut store, &instance, "call", &[Val::I32(0)]), [3]);
    let gone = instance.get_func(&store, "init_gone").unwrap().call(&mut store, &[], &mut []);
    assert!(gone.is_err(), "table.init of a dropped segment traps");
}

#[test]
fn passive_data_keeps_its_dropped_state() {
    let (engine, _, module) = preinit(
        r#"(module
            (memory 1)
            (data $kept "kept")
            (data $dropped "dropped")
            (func (export "wizer.initialize") (data.drop $dropped))
            (func (export "init_kept") (memory.init $kept (i32.const 0) (i32.const 0) (i32.const 4)))
            (func (export "init_dropped") (memory.init $dropped (i32.const 0) (i32.const 0) (i32.const 4)))
            (func (export "load") (result i32) (i32.load (i32.const 0))))"#,
    );
    let (mut store, instance, after) = fresh(&engine, &module);
    assert!(after.memories[0].runs.is_empty());
    call(&mut store, &instance, "init_kept", &[]);
    assert_eq!(call(&mut store, &instance, "load", &[]), [0x7470656b]);
    let dropped = instance.get_func(&store, "init_dropped").unwrap().call(&mut store, &[], &mut []);
    assert!(dropped.is_err(), "memory.init of a dropped segment traps");
}

#[test]
fn several_memories_and_memory64() {
    let (engine, before, module) = preinit(
        r#"(module
            (memory $a 1)
            (memory $b i64 1)
            (func (export "wizer.initialize")
                (i32.store $a (i32.const 8) (i32.const 1))
                (drop (memory.grow $b (i64.const 1)))
                (i32.store $b (i64.const 70000) (i32.const 2))))"#,
    );
    let (_store, _instance, after) = fresh(&engine, &module);
    assert_eq!(after.memories, before.memories);
    assert_eq!(after.memories[1].pages, 2);
    assert_eq!(after.memories[1].runs[0].offset, 70000);
}

#[test]
fn a_large_sparse_memory_becomes_few_segments() {
    let (engine, before, module) = preinit(
        r#"(module
            (memory 32)
            (func (export "wizer.initialize") (local $i i32)
                (loop $l
                    (i32.store8 (local.get $i) (i32.const 1))
                    (local.set $i (i32.add (local.get $i) (i32.const 4096)))
                    (br_if $l (i32.lt_u (local.get $i) (i32.const 2097152))))))"#,
    );
    assert_eq!(before.memories[0].runs.len(), 512);
    let (_store, _instance, after) = fresh(&engine, &module);
    assert_eq!(after.memories, before.memories);
}

#[test]
fn what_a_module_cannot_hold_is_refused_by_name() {
    let engine = Engine::default();
    let module =
        Module::new(&engine, r#"(module (global (export "g") (mut externref) (ref.null extern)))"#)
            .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let host = silo_core::ExternRef::new(&mut store, 5u32).unwrap();
    instance.get_global(&store, "g").unwrap().set(&mut store, Val::ExternRef(Some(host))).unwrap();
    let err = InstanceState::capture(&store, &instance).unwrap_err();
    assert!(matches!(err, SnapshotError::Unsupported(_)));
    assert_eq!(
        err.to_string(),
        "cannot snapshot the guest: global 0 holds a host value (`externref`)"
    );

    let imports_memory = wat::parse_str(r#"(module (import "env" "mem" (memory 1)))"#).unwrap();
    let err = silo_snapshot::check_preinitializable(&imports_memory).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot snapshot the guest: the module imports a memory (`env::mem`), whose state belongs to the host"
    );
}
