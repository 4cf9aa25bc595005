//! 128-bit values at every boundary: `v128` parameters, results, locals, globals and `select`
//! through `Func::call`, typed calls, host functions, and calls from the interpreter into native
//! code and back, in every engine. (No vector instruction runs: the values are only moved, which
//! is all the tier boundary has to get right.)

use silo_core::{
    Config, Engine, Func, FuncType, Instance, Linker, Module, Store, Strategy, Val, ValType,
};

const A: u128 = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeff;
const B: u128 = 0xfedc_ba98_7654_3210_0f1e_2d3c_4b5a_6978;

const MODULE: &str = r#"(module
  (import "host" "swap" (func $swap (param v128 i32 v128) (result v128 v128)))
  (import "host" "pick" (func $pick (param i32 v128 v128) (result v128)))
  (global $init (import "host" "init") v128)
  (global $g (export "g") (mut v128) (global.get $init))

  ;; Locals, select and a multi-value result, all of v128.
  (func $choose (export "choose") (param $a v128) (param $which i32) (param $b v128)
    (result v128 v128)
    (local $t v128)
    (local.set $t (select (local.get $a) (local.get $b) (local.get $which)))
    (local.get $t)
    (select (local.get $b) (local.get $a) (local.get $which)))

  ;; Calls with v128 arguments and results between Wasm functions, blocks carrying v128.
  (func $twice (export "twice") (param $a v128) (param $b v128) (result v128 v128)
    (block (result v128 v128)
      (call $choose (local.get $a) (i32.const 0) (local.get $b)))
    ;; The block's second result is $a of this call; its first stays below, the call's second is dropped.
    (call $choose (i32.const 1) (local.get $b))
    (drop))

  ;; Through a host function and back.
  (func (export "via_host") (param $a v128) (param $b v128) (result v128 v128)
    (call $swap (local.get $a) (i32.const 7) (local.get $b)))

  ;; A global of v128: write, read back.
  (func (export "exchange") (param $new v128) (result v128)
    (global.get $g)
    (global.set $g (local.get $new)))

  ;; Interpreter -> native -> interpreter -> host. `$middle` is made hot by direct calls with
  ;; $deep = 0; `$leaf` only ever runs when `$outer` calls `$middle` with $deep = 1.
  (func $leaf (param $x v128) (param $y v128) (result v128)
    (call $pick (i32.const 0) (local.get $x) (local.get $y)))
  (func $middle (export "middle") (param $deep i32) (param $x v128) (param $y v128) (result v128)
    (if (result v128) (local.get $deep)
      (then (call $leaf (local.get $x) (local.get $y)))
      (else (local.get $x))))
  (func (export "outer") (param $x v128) (param $y v128) (result v128)
    (call $middle (i32.const 1) (local.get $x) (local.get $y)))
)"#;

fn engines() -> Vec<(&'static str, Engine)> {
    let jit = || silo_jit::cranelift().expect("native code runs on this machine");
    let mut interp = Config::new();
    interp.strategy(Strategy::Interpreter);
    let mut native = Config::new();
    native.strategy(Strategy::Jit).compiler(jit());
    let mut tiered = Config::new();
    tiered
        .strategy(Strategy::Tiered)
        .tier_up_after(3)
        .background_compilation(false)
        .compiler(jit());
    vec![
        ("interp", Engine::new(&interp)),
        ("jit", Engine::new(&native)),
        ("tiered", Engine::new(&tiered)),
    ]
}

fn instantiate(engine: &Engine) -> (Module, Store<()>, Instance) {
    let module = Module::new(engine, MODULE).unwrap();
    let mut store = Store::new(engine, ());
    let mut linker = Linker::new(engine);
    // A typed host function: `v128` is `u128`.
    linker.func_wrap("host", "swap", |a: u128, n: i32, b: u128| (b ^ n as u128, a)).unwrap();
    // A dynamic one, over `Val`s.
    let ty = FuncType::new([ValType::I32, ValType::V128, ValType::V128], [ValType::V128]);
    let pick = Func::new(&mut store, ty, |_, params, results| {
        let [which, x, y] = params else { unreachable!("checked signature") };
        results[0] = if which.i32() == Some(0) { *y } else { *x };
        Ok(())
    });
    linker.define(&store, "host", "pick", pick).unwrap();
    let init = silo_core::Global::new(
        &mut store,
        silo_core::GlobalType { content: ValType::V128, mutable: false },
        Val::V128(A),
    )
    .unwrap();
    linker.define(&store, "host", "init", init).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (module, store, instance)
}

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    params: &[Val],
    n: usize,
) -> Vec<u128> {
    let func = instance.get_func(&*store, name).unwrap();
    let mut results = vec![Val::I32(0); n];
    func.call(&mut *store, params, &mut results).unwrap();
    results.iter().map(|v| v.v128().expect("a v128 result")).collect()
}

#[test]
fn v128_values_cross_every_boundary_in_every_engine() {
    for (name, engine) in engines() {
        let (_, mut store, instance) = instantiate(&engine);
        let s = &mut store;
        let (a, b) = (Val::V128(A), Val::V128(B));
        assert_eq!(call(s, &instance, "choose", &[a, Val::I32(1), b], 2), [A, B], "{name}");
        assert_eq!(call(s, &instance, "choose", &[a, Val::I32(0), b], 2), [B, A], "{name}");
        assert_eq!(call(s, &instance, "twice", &[a, b], 2), [B, A], "{name}");
        assert_eq!(call(s, &instance, "via_host", &[a, b], 2), [B ^ 7, A], "{name}");
        assert_eq!(call(s, &instance, "exchange", &[b], 1), [A], "{name}");
        assert_eq!(call(s, &instance, "exchange", &[a], 1), [B], "{name}");
        let g = instance.get_global(&*s, "g").unwrap();
        assert_eq!(g.get(&*s).v128(), Some(A), "{name}");

        // Typed calls: `u128` in, `u128` out.
        let twice = instance.get_typed_func::<(u128, u128), (u128, u128)>(&*s, "twice").unwrap();
        assert_eq!(twice.call(&mut *s, (B, A)).unwrap(), (A, B), "{name}");
        let middle = instance.get_typed_func::<(i32, u128, u128), u128>(&*s, "middle").unwrap();
        for _ in 0..5 {
            assert_eq!(middle.call(&mut *s, (0, A, B)).unwrap(), A, "{name}");
        }
        let outer = instance.get_typed_func::<(u128, u128), u128>(&*s, "outer").unwrap();
        assert_eq!(outer.call(&mut *s, (A, B)).unwrap(), B, "{name}");
    }
}

/// In the tiered engine, `outer` runs in the interpreter, `middle` natively (it got hot) and `leaf`
/// in the interpreter again (it never ran before), which calls the host: the `v128` arguments and
/// the result pass interpreter → native → interpreter → host and back.
#[test]
fn v128_values_cross_from_the_interpreter_into_native_code_and_back() {
    let (_, engine) = engines().pop().unwrap();
    let (module, mut store, instance) = instantiate(&engine);
    let middle = instance.get_typed_func::<(i32, u128, u128), u128>(&store, "middle").unwrap();
    assert_eq!(module.native_function_count(), 0);
    for _ in 0..5 {
        assert_eq!(middle.call(&mut store, (0, A, B)).unwrap(), A);
    }
    assert_eq!(module.native_function_count(), 1, "`middle` runs natively now");
    let outer = instance.get_typed_func::<(u128, u128), u128>(&store, "outer").unwrap();
    assert_eq!(outer.call(&mut store, (A, B)).unwrap(), B);
    assert_eq!(module.native_function_count(), 1, "`outer` and `leaf` are still interpreted");
}
