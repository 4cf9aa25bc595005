//! The embedding API as a host program uses it: host functions, callbacks, memories, globals,
//! tables, references, traps and their backtraces, several stores.

use silo_core::*;

fn instantiate(wat: &str) -> (Store<Vec<i32>>, Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    (store, instance)
}

#[test]
fn host_functions_see_the_store_data_and_can_call_back() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "host" "log" (func $log (param i32)))
            (import "host" "twice" (func $twice (param i32) (result i32)))
            (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
            (func (export "run") (result i32)
              (call $log (i32.const 1))
              (call $log (i32.const 2))
              (call $twice (i32.const 21))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<i32>::new());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("host", "log", |mut caller: Caller<'_, Vec<i32>>, x: i32| {
            caller.data_mut().push(x)
        })
        .unwrap();
    // A host function that calls back into the guest's own export.
    linker
        .func_wrap(
            "host",
            "twice",
            |mut caller: Caller<'_, Vec<i32>>, x: i32| -> Result<i32, Trap> {
                let double = caller.get_export("double").and_then(Extern::into_func).unwrap();
                let double = double.typed::<i32, i32>(&caller).unwrap();
                double.call(&mut caller, x).map_err(|e| Trap::host(e.to_string()))
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 42);
    assert_eq!(store.data(), &vec![1, 2]);
}

#[test]
fn dynamic_host_functions_check_their_results() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = FuncType::new([ValType::I32], [ValType::I64]);
    let good = Func::new(&mut store, ty.clone(), |_, params, results| {
        results[0] = Val::I64(params[0].i32().unwrap() as i64 * 10);
        Ok(())
    });
    let mut out = [Val::I64(0)];
    good.call(&mut store, &[Val::I32(4)], &mut out).unwrap();
    assert_eq!(out[0].i64(), Some(40));
    let bad = Func::new(&mut store, ty, |_, _, results| {
        results[0] = Val::I32(1);
        Ok(())
    });
    let err = bad.call(&mut store, &[Val::I32(4)], &mut out).unwrap_err();
    assert!(err.to_string().contains("wrong type"), "{err}");
    let err = good.call(&mut store, &[Val::I64(4)], &mut out).unwrap_err();
    assert!(matches!(err, Error::Type(_)), "{err}");
}

#[test]
fn traps_carry_code_message_and_named_backtrace() {
    let (mut store, instance) = instantiate(
        r#"(module $m
            (memory 1)
            (func $inner (param i32) (result i32) (i32.load (local.get 0)))
            (func $outer (export "load") (param i32) (result i32) (call $inner (local.get 0))))"#,
    );
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    assert_eq!(load.call(&mut store, 0).unwrap(), 0);
    let err = load.call(&mut store, 65536).unwrap_err();
    let trap = err.as_trap().unwrap();
    assert_eq!(trap.code(), TrapCode::MemoryOutOfBounds);
    assert_eq!(trap.message(), "out of bounds memory access");
    let names: Vec<_> = trap.backtrace().iter().map(|f| f.func_name.clone().unwrap()).collect();
    assert_eq!(names, ["inner", "outer"]);
    assert_eq!(trap.backtrace()[0].module_name.as_deref(), Some("m"));
    assert!(trap.backtrace()[0].module_offset.is_some());
    // The store is still usable after a trap.
    assert_eq!(load.call(&mut store, 8).unwrap(), 0);
}

#[test]
fn every_trap_kind_has_its_spec_message() {
    let (mut store, instance) = instantiate(
        r#"(module
            (type $v (func))
            (table 2 funcref)
            (elem (i32.const 1) $f)
            (func $f (param i32))
            (func (export "unreachable") unreachable)
            (func (export "div0") (drop (i32.div_u (i32.const 1) (i32.const 0))))
            (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
            (func (export "conv") (drop (i32.trunc_f32_s (f32.const nan))))
            (func (export "undefined") (call_indirect (type $v) (i32.const 5)))
            (func (export "null") (call_indirect (type $v) (i32.const 0)))
            (func (export "mismatch") (call_indirect (type $v) (i32.const 1)))
            (func (export "table") (drop (table.get 0 (i32.const 9))))
            (func $deep (export "deep") (call $deep)))"#,
    );
    let cases = [
        ("unreachable", "unreachable"),
        ("div0", "integer divide by zero"),
        ("overflow", "integer overflow"),
        ("conv", "invalid conversion to integer"),
        ("undefined", "undefined element 5"),
        ("null", "uninitialized element 0"),
        ("mismatch", "indirect call type mismatch"),
        ("table", "out of bounds table access"),
        ("deep", "call stack exhausted"),
    ];
    for (name, message) in cases {
        let f = instance.get_func(&store, name).unwrap();
        let err = f.call(&mut store, &[], &mut []).unwrap_err();
        assert_eq!(err.as_trap().map(Trap::message), Some(message), "{name}");
    }
}

#[test]
fn memory_is_shared_between_host_and_guest() {
    let (mut store, instance) = instantiate(
        r#"(module (memory (export "mem") 1 4)
            (func (export "sum") (param i32 i32) (result i32) (local $s i32)
              (block $done (loop $l
                (br_if $done (i32.eqz (local.get 1)))
                (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get 0))))
                (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
                (br $l)))
              (local.get $s))
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let mem = instance.get_memory(&store, "mem").unwrap();
    mem.write(&mut store, 100, &[1, 2, 3, 4]).unwrap();
    let sum = instance.get_typed_func::<(i32, i32), i32>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, (100, 4)).unwrap(), 10);
    let grow = instance.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(mem.size(&store), 3);
    assert_eq!(grow.call(&mut store, 2).unwrap(), -1, "past the maximum");
    assert!(mem.write(&mut store, 3 * 65536 - 1, &[1, 2]).is_err());
    mem.data_mut(&mut store)[3 * 65536 - 1] = 9;
    assert_eq!(sum.call(&mut store, (3 * 65536 - 1, 1)).unwrap(), 9);
}

#[test]
fn globals_tables_and_references_cross_the_boundary() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (import "env" "counter" (global $c (mut i32)))
            (import "env" "table" (table 1 funcref))
            (type $t (func (result i32)))
            (func (export "bump") (global.set $c (i32.add (global.get $c) (i32.const 1))))
            (func (export "call0") (result i32) (call_indirect (type $t) (i32.const 0)))
            (func (export "id") (param externref) (result externref) (local.get 0)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let counter =
        Global::new(&mut store, GlobalType { content: ValType::I32, mutable: true }, Val::I32(41))
            .unwrap();
    let table = Table::new(
        &mut store,
        TableType { element: RefType::FUNCREF, index64: false, initial: 1, maximum: None },
        Val::FuncRef(None),
    )
    .unwrap();
    let seven = Func::wrap(&mut store, || 7i32);
    table.set(&mut store, 0, Val::FuncRef(Some(seven))).unwrap();
    let instance = Instance::new(&mut store, &module, &[counter.into(), table.into()]).unwrap();
    instance.get_typed_func::<(), ()>(&store, "bump").unwrap().call(&mut store, ()).unwrap();
    assert_eq!(counter.get(&store).i32(), Some(42));
    let call0 = instance.get_typed_func::<(), i32>(&store, "call0").unwrap();
    assert_eq!(call0.call(&mut store, ()).unwrap(), 7);

    let host_value = ExternRef::new(&mut store, String::from("opaque")).unwrap();
    let id = instance.get_typed_func::<Option<ExternRef>, Option<ExternRef>>(&store, "id").unwrap();
    let back = id.call(&mut store, Some(host_value)).unwrap().unwrap();
    assert_eq!(back.data(&store).unwrap().downcast_ref::<String>().unwrap(), "opaque");
    assert_eq!(id.call(&mut store, None).unwrap(), None);
    // The handle that came back is another handle to the same object.
    assert!(back.ref_eq(&store, &host_value) && host_value.ref_eq(&store, &back));
    let other = ExternRef::new(&mut store, String::from("opaque")).unwrap();
    assert!(!other.ref_eq(&store, &host_value));
}

#[test]
fn imports_are_checked_by_type() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (import "env" "f" (func (param i32))))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let wrong = Func::wrap(&mut store, |_: i64| {});
    let err = Instance::new(&mut store, &module, &[wrong.into()]).unwrap_err();
    assert!(err.to_string().contains("incompatible import type for `env::f`"), "{err}");
    let err = Linker::<()>::new(&engine).instantiate(&mut store, &module).unwrap_err();
    assert_eq!(err.to_string(), "unknown import: `env::f` has not been defined");
}

#[test]
fn instances_link_to_each_other() {
    let engine = Engine::default();
    let provider = Module::new(
        &engine,
        r#"(module (memory (export "mem") 1)
            (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let user = Module::new(
        &engine,
        r#"(module (import "p" "mem" (memory 1)) (import "p" "store" (func $s (param i32 i32)))
            (func (export "go") (result i32) (call $s (i32.const 8) (i32.const 99)) (i32.load (i32.const 8))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let p = linker.instantiate(&mut store, &provider).unwrap();
    linker.instance(&store, "p", p).unwrap();
    let u = linker.instantiate(&mut store, &user).unwrap();
    assert_eq!(
        u.get_typed_func::<(), i32>(&store, "go").unwrap().call(&mut store, ()).unwrap(),
        99
    );
}

#[test]
fn tail_calls_run_in_constant_stack() {
    let (mut store, instance) = instantiate(
        r#"(module (func $count (export "count") (param i64 i64) (result i64)
              (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
                (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                          (i64.add (local.get 1) (i64.const 1)))))))"#,
    );
    let count = instance.get_typed_func::<(i64, i64), i64>(&store, "count").unwrap();
    assert_eq!(count.call(&mut store, (1_000_000, 0)).unwrap(), 1_000_000);
}

#[test]
fn multi_value_results() {
    let (mut store, instance) = instantiate(
        r#"(module (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
            (func (export "three") (result i32 i32 i32)
              (block (result i32 i32 i32) (i32.const 1) (i32.const 2) (i32.const 3))))"#,
    );
    let swap = instance.get_typed_func::<(i32, i64), (i64, i32)>(&store, "swap").unwrap();
    assert_eq!(swap.call(&mut store, (1, 2)).unwrap(), (2, 1));
    let three = instance.get_typed_func::<(), (i32, i32, i32)>(&store, "three").unwrap();
    assert_eq!(three.call(&mut store, ()).unwrap(), (1, 2, 3));
    assert!(instance.get_typed_func::<(), i32>(&store, "three").is_err());
}

#[test]
fn stores_run_on_separate_threads() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func $fib (export "fib") (param i32) (result i32)
              (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
                (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                               (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
    )
    .unwrap();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let (engine, module) = (engine.clone(), module.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = Instance::new(&mut store, &module, &[]).unwrap();
                let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
                fib.call(&mut store, 20 + i).unwrap()
            })
        })
        .collect();
    let results: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results, [6765, 10946, 17711, 28657]);
}

#[test]
fn start_function_traps_fail_instantiation() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (func $s unreachable) (start $s))").unwrap();
    let mut store = Store::new(&engine, ());
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert_eq!(err.as_trap().map(Trap::code), Some(TrapCode::Unreachable));
}

#[test]
fn unsupported_features_fail_at_compile_time() {
    let mut config = Config::new();
    config.wasm_stack_switching(true);
    let engine = Engine::new(&config);
    let err = Module::new(&engine, "(module (type $f (func)) (type (cont $f)))").unwrap_err();
    assert_eq!(err.to_string(), "unsupported feature: stack-switching");
}

#[test]
fn address_arithmetic_wraps_before_the_offset_applies() {
    let (mut store, instance) = instantiate(
        r#"(module (memory 1) (data (i32.const 4) "\2a")
            (func (export "wrapped") (param i32) (result i32)
              (i32.load8_u (i32.add (local.get 0) (i32.const 8))))
            (func (export "offset") (param i32) (result i32)
              (i32.load8_u offset=8 (local.get 0))))"#,
    );
    // 0xfffffffc + 8 wraps to 4 as an i32 add...
    let wrapped = instance.get_typed_func::<i32, i32>(&store, "wrapped").unwrap();
    assert_eq!(wrapped.call(&mut store, -4).unwrap(), 42);
    // ...but the offset is added without wrapping: out of bounds.
    let offset = instance.get_typed_func::<i32, i32>(&store, "offset").unwrap();
    let err = offset.call(&mut store, -4).unwrap_err();
    assert_eq!(err.as_trap().map(Trap::code), Some(TrapCode::MemoryOutOfBounds));
}

#[test]
fn indexed_stores_wrap_like_the_add_they_replace() {
    let (mut store, instance) = instantiate(
        r#"(module (memory (export "mem") 1)
            (func (export "put") (param i32 i32) (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.const 7)))
            (func (export "get") (param i32 i32) (result i32) (i32.load8_u (i32.add (local.get 0) (local.get 1)))))"#,
    );
    let put = instance.get_typed_func::<(i32, i32), ()>(&store, "put").unwrap();
    let get = instance.get_typed_func::<(i32, i32), i32>(&store, "get").unwrap();
    // -16 + 20 wraps to 4.
    put.call(&mut store, (-16, 20)).unwrap();
    assert_eq!(instance.get_memory(&store, "mem").unwrap().data(&store)[4], 7);
    assert_eq!(get.call(&mut store, (20, -16)).unwrap(), 7);
    let err = put.call(&mut store, (65535, 1)).unwrap_err();
    assert_eq!(err.as_trap().map(Trap::code), Some(TrapCode::MemoryOutOfBounds));
}

/// Every kind of handler, many times over, on a thread with a small native stack: a handler whose
/// final call did not become a jump would leave a frame behind each time and overflow it.
#[test]
fn handlers_run_in_constant_native_stack() {
    let wat = r#"(module
        (import "host" "id" (func $host (param i32) (result i32)))
        (memory 1) (table 4 funcref) (global $g (mut i32) (i32.const 0))
        (type $t (func (param i32) (result i32)))
        (elem (i32.const 0) $inc $host)
        (data $d "abcd")
        (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func $tail (param i32) (result i32) (return_call $inc (local.get 0)))
        (func (export "run") (param $n i32) (result i32) (local $i i32) (local $acc i32)
          (loop $l
            (local.set $acc (call $inc (local.get $acc)))
            (local.set $acc (call $host (local.get $acc)))
            (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 0)))
            (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 1)))
            (local.set $acc (call $tail (local.get $acc)))
            (i32.store (i32.add (i32.and (local.get $i) (i32.const 1023)) (i32.const 16)) (local.get $acc))
            (local.set $acc (i32.add (local.get $acc) (i32.load offset=16 (i32.and (local.get $i) (i32.const 1023)))))
            (memory.fill (i32.const 100) (i32.const 1) (i32.const 8))
            (memory.copy (i32.const 200) (i32.const 100) (i32.const 8))
            (memory.init $d (i32.const 300) (i32.const 0) (i32.const 4))
            (drop (memory.grow (i32.const 0)))
            (table.set (i32.const 2) (table.get (i32.const 0)))
            (drop (table.grow (ref.null func) (i32.const 0)))
            (global.set $g (i32.add (global.get $g) (i32.const 1)))
            (local.set $acc (select (local.get $acc) (i32.const 0) (local.get $i)))
            (block $b (br_table $b $b (i32.and (local.get $i) (i32.const 1))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
          (i32.add (local.get $acc) (global.get $g))))"#;
    let result = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let engine = Engine::default();
            let module = Module::new(&engine, wat).unwrap();
            let mut store = Store::new(&engine, ());
            let mut linker = Linker::new(&engine);
            linker.func_wrap("host", "id", |x: i32| x).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
            run.call(&mut store, 100_000).unwrap()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(result > 0);
}

#[test]
fn translate_all_translates_every_function_up_front() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func (export "a") (result i32) (i32.const 1))
                   (func (param i64) (result i64) (i64.add (local.get 0) (i64.const 2))))"#,
    )
    .unwrap();
    module.translate_all().unwrap();
    assert!(module.debug_interp_code(1).unwrap().starts_with("func 1: 1 params, 1 locals"));
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let a = instance.get_typed_func::<(), i32>(&store, "a").unwrap();
    assert_eq!(a.call(&mut store, ()).unwrap(), 1);
}

#[test]
fn typed_function_references_can_be_set_from_the_host() {
    // The types of a store's globals and tables name canonical type ids; setting a function
    // of the right type from the host is accepted and one of another type refused.
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (type $t (func (result i32)))
            (type $u (func (param i32)))
            (global (export "g") (mut (ref null $t)) (ref.null $t))
            (table (export "tab") 1 (ref null $t))
            (func (export "seven") (type $t) (i32.const 7))
            (func (export "other") (type $u)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let seven = instance.get_func(&store, "seven").unwrap();
    let other = instance.get_func(&store, "other").unwrap();
    let global = instance.get_global(&store, "g").unwrap();
    let table = instance.get_table(&store, "tab").unwrap();
    global.set(&mut store, Val::FuncRef(Some(seven))).expect("a function of the global's type");
    table.set(&mut store, 0, Val::FuncRef(Some(seven))).expect("a function of the table's type");
    assert!(global.set(&mut store, Val::FuncRef(Some(other))).is_err());
    assert!(table.set(&mut store, 0, Val::FuncRef(Some(other))).is_err());
}
