//! The executor on small functions, in the dispatch this build uses and in the loop dispatch (the
//! only one under Miri, which checks every slot and frame access the handlers make). No linear
//! memory: Miri cannot reserve one.

use crate::{Config, Engine, Global, Instance, Module, Store, Strategy, Trap, TrapCode, Val};

const MODULE: &str = r#"(module
  (global $init (import "host" "v") v128)
  (global $g (mut i64) (i64.const 5))
  (global $v (mut v128) (global.get $init))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block (loop
      (br_if 1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br 0)))
    (local.get $s))
  (func (export "pick") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "bump") (result i64)
    (global.set $g (i64.add (global.get $g) (i64.const 1)))
    (global.get $g))
  (func (export "swap") (param v128 v128 i32) (result v128)
    (global.set $v (select (local.get 0) (local.get 1) (local.get 2)))
    (global.get $v))
  (func (export "mul_wide") (param i64 i64) (result i64 i64)
    (i64.mul_wide_s (local.get 0) (local.get 1)))
  (func (export "add128") (param i64 i64 i64 i64) (result i64 i64)
    (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func $tail (export "countdown") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 7))
      (else (return_call $tail (i32.sub (local.get 0) (i32.const 1))))))
)"#;

fn engines() -> Vec<Engine> {
    let config = |loop_dispatch: bool| {
        let mut c = Config::new();
        c.strategy(Strategy::Interpreter).interpreter_loop_dispatch(loop_dispatch);
        c.wasm_wide_arithmetic(true);
        Engine::new(&c)
    };
    if cfg!(miri) { vec![config(true)] } else { vec![config(false), config(true)] }
}

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    params: &[Val],
    n: usize,
) -> Result<Vec<Val>, crate::Error> {
    let f = instance.get_func(&*store, name).unwrap();
    let mut results = vec![Val::I32(0); n];
    f.call(&mut *store, params, &mut results)?;
    Ok(results)
}

#[test]
fn small_functions_run_in_every_dispatch() {
    for engine in engines() {
        let module = Module::new(&engine, MODULE).unwrap();
        let mut store = Store::new(&engine, ());
        let ty = silo_loader::GlobalType { content: silo_loader::ValType::V128, mutable: false };
        let init = Global::new(&mut store, ty, Val::V128(1)).unwrap();
        let instance = Instance::new(&mut store, &module, &[init.into()]).unwrap();
        let s = &mut store;
        let i = &instance;
        assert_eq!(call(s, i, "fac", &[Val::I64(10)], 1).unwrap()[0].i64(), Some(3_628_800));
        assert_eq!(call(s, i, "sum", &[Val::I32(100)], 1).unwrap()[0].i32(), Some(4950));
        for (index, want) in [(0, 10), (1, 20), (2, 30), (9, 30)] {
            assert_eq!(call(s, i, "pick", &[Val::I32(index)], 1).unwrap()[0].i32(), Some(want));
        }
        assert_eq!(call(s, i, "div", &[Val::I32(-9), Val::I32(2)], 1).unwrap()[0].i32(), Some(-4));
        match call(s, i, "div", &[Val::I32(1), Val::I32(0)], 1) {
            Err(crate::Error::Trap(t)) => assert_eq!(Trap::code(&t), TrapCode::IntegerDivideByZero),
            other => panic!("expected a trap, got {other:?}"),
        }
        assert_eq!(call(s, i, "bump", &[], 1).unwrap()[0].i64(), Some(6));
        let (a, b) = (Val::V128(u128::MAX - 1), Val::V128(3 << 70));
        assert_eq!(call(s, i, "swap", &[a, b, Val::I32(0)], 1).unwrap()[0].v128(), Some(3 << 70));
        assert_eq!(
            call(s, i, "swap", &[a, b, Val::I32(1)], 1).unwrap()[0].v128(),
            Some(u128::MAX - 1)
        );
        let wide = call(s, i, "mul_wide", &[Val::I64(-3), Val::I64(i64::MAX)], 2).unwrap();
        let product = -3i128 * i64::MAX as i128;
        assert_eq!(wide[0].i64(), Some(product as i64));
        assert_eq!(wide[1].i64(), Some((product >> 64) as i64));
        let sum = call(s, i, "add128", &[Val::I64(-1), Val::I64(0), Val::I64(1), Val::I64(0)], 2)
            .unwrap();
        assert_eq!((sum[0].i64(), sum[1].i64()), (Some(0), Some(1)));
        assert_eq!(call(s, i, "countdown", &[Val::I32(50)], 1).unwrap()[0].i32(), Some(7));
    }
}
