use silo_core::*;

#[test]
fn smoke() {
    let engine = Engine::default();
    let module = Module::new(&engine, r#"
      (module
        (func $fac (export "fac") (param i64) (result i64)
          (if (result i64) (i64.eqz (local.get 0))
            (then (i64.const 1))
            (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
        (func (export "fib") (param i32) (result i32)
          (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
            (then (local.get 0))
            (else (i32.add (call 1 (i32.sub (local.get 0) (i32.const 1))) (call 1 (i32.sub (local.get 0) (i32.const 2)))))))
        (memory 1)
        (func (export "sum") (param i32) (result i32) (local i32 i32)
          (loop $l
            (i32.store (i32.shl (local.get 1) (i32.const 2)) (local.get 1))
            (local.set 2 (i32.add (local.get 2) (i32.load (i32.shl (local.get 1) (i32.const 2)))))
            (br_if $l (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
          (local.get 2))
        (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
      )"#).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let fac = instance.get_typed_func::<i64, i64>(&store, "fac").unwrap();
    assert_eq!(fac.call(&mut store, 20).unwrap(), 2432902008176640000);
    let fib = instance.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, 100).unwrap(), 4950);
    let div = instance.get_typed_func::<(i32, i32), i32>(&store, "div").unwrap();
    let err = div.call(&mut store, (1, 0)).unwrap_err();
    println!("{err}");
    assert_eq!(err.as_trap().unwrap().code(), TrapCode::IntegerDivideByZero);
}
