//! First checks of native code: arithmetic, control flow, calls, memory, traps.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, TrapCode};

fn engine(strategy: Strategy) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
    Engine::new(&config)
}

const FAC: &str = r#"(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "sum") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  (memory 1)
  (func (export "mem") (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (i32.load (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "boom") unreachable)
  (func $deep (export "deep") (param i32) (result i32) (i32.add (call $deep (local.get 0)) (i32.const 1)))
)"#;

#[test]
fn runs_natively() {
    let engine = engine(Strategy::Jit);
    let module = Module::new(&engine, FAC).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let fac = instance.get_typed_func::<i64, i64>(&store, "fac").unwrap();
    assert_eq!(fac.call(&mut store, 20).unwrap(), 2432902008176640000);
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, 100).unwrap(), 5050);
    let mem = instance.get_typed_func::<(i32, i32), i32>(&store, "mem").unwrap();
    assert_eq!(mem.call(&mut store, (8, 77)).unwrap(), 77);
    let err = mem.call(&mut store, (65535, 1)).unwrap_err();
    assert_eq!(err.to_string().lines().next().unwrap(), "out of bounds memory access");
    let div = instance.get_typed_func::<(i32, i32), i32>(&store, "div").unwrap();
    assert_eq!(div.call(&mut store, (7, 2)).unwrap(), 3);
    let err = div.call(&mut store, (7, 0)).unwrap_err();
    assert_eq!(err.to_string().lines().next().unwrap(), "integer divide by zero");
    let err = div.call(&mut store, (i32::MIN, -1)).unwrap_err();
    assert_eq!(err.to_string().lines().next().unwrap(), "integer overflow");
    let boom = instance.get_typed_func::<(), ()>(&store, "boom").unwrap();
    let err = boom.call(&mut store, ()).unwrap_err();
    assert_eq!(err.to_string().lines().next().unwrap(), "unreachable");
    let deep = instance.get_typed_func::<i32, i32>(&store, "deep").unwrap();
    let err = deep.call(&mut store, 0).unwrap_err();
    assert_eq!(err.to_string().lines().next().unwrap(), "call stack exhausted");
    assert!(module.native_function_count() >= 6);
    let _ = TrapCode::Unreachable;
}
