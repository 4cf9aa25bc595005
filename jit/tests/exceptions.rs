//! Exceptions in every engine and across them: thrown and caught through native and interpreted
//! frames, through host functions both ways, out to the host with their tag and payload; traps
//! stay uncatchable, and the fuel and call-depth quotas hold across throws.

use silo_core::{
    Caller, Config, Engine, Error, ExnRef, Extern, Func, FuncType, Instance, Module, Store,
    Strategy, Tag, TagType, TrapCode, Val, ValType,
};

/// Every engine: the interpreter, the JIT, and tiered with every function compiled after its
/// first call (so interpreted and native frames mix on the stack).
fn engines() -> Vec<(&'static str, Engine)> {
    engines_with(|_| {})
}

/// The same, with `tweak` applied to each configuration.
fn engines_with(tweak: impl Fn(&mut Config)) -> Vec<(&'static str, Engine)> {
    let make = |strategy: Strategy| {
        let mut config = Config::new();
        config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
        config.background_compilation(false).tier_up_after(1);
        tweak(&mut config);
        Engine::new(&config)
    };
    vec![
        ("interp", make(Strategy::Interpreter)),
        ("jit", make(Strategy::Jit)),
        ("tiered", make(Strategy::Tiered)),
    ]
}

const PROGRAM: &str = r#"(module
  (import "host" "tag" (tag $host (param i32)))
  (import "host" "throw" (func $host_throw (param i32)))
  (import "host" "call_back" (func $call_back (param i32) (result i32)))
  (tag $e (export "e") (param i32 i64))
  (tag $empty)

  ;; Throws $e with (n, n*10) from `depth` frames down.
  (func $deep (export "deep") (param $depth i32) (param $n i32)
    (if (i32.eqz (local.get $depth))
      (then (throw $e (local.get $n) (i64.mul (i64.extend_i32_u (local.get $n)) (i64.const 10)))))
    (call $deep (i32.sub (local.get $depth) (i32.const 1)) (local.get $n)))

  ;; Catches $e thrown 10 frames down, `times` times: the sum of the payloads.
  (func (export "catch_deep") (param $times i32) (result i64)
    (local $sum i64)
    (loop $again
      (block $caught (result i32 i64)
        (try_table (catch $e $caught)
          (call $deep (i32.const 10) (local.get $times)))
        (unreachable))
      (local.set $sum (i64.add (local.get $sum)))
      (local.set $sum (i64.add (i64.extend_i32_u) (local.get $sum)))
      (br_if $again (local.tee $times (i32.sub (local.get $times) (i32.const 1)))))
    (local.get $sum))

  ;; Nested handlers: the inner catches $empty only, the next catches everything with its exnref
  ;; and throws it again with throw_ref, to the outer one, which catches $e.
  (func (export "nested") (result i32)
    (block $outer (result i32 i64)
      (try_table (catch $e $outer)
        (block $ref (result exnref)
          (try_table (catch_all_ref $ref)
            (block $inner
              (try_table (catch $empty $inner)
                (call $deep (i32.const 3) (i32.const 7))))
            (unreachable))
          (unreachable))
        (throw_ref))
      (unreachable))
    (drop)
    (i32.add (i32.const 100)))

  ;; catch_all around a trap: traps are never caught.
  (func (export "trap_in_try") (result i32)
    (block $h
      (try_table (catch_all $h)
        (unreachable)))
    (i32.const 1))

  ;; A host function throws the host's tag; caught here.
  (func (export "catch_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $host $h)
        (call $host_throw (local.get 0)))
      (i32.const -1)))

  ;; The host calls back into "deep", which throws through the host function; caught here.
  (func (export "through_host") (param i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h)
        (drop (call $call_back (local.get 0))))
      (unreachable))
    (drop))

  ;; Throws and catches in a loop that never ends: only the fuel quota stops it.
  (func (export "spin") (param i32)
    (loop $l
      (block $h (result i32 i64)
        (try_table (catch $e $h)
          (call $deep (i32.const 2) (i32.const 1)))
        (unreachable))
      (drop) (drop)
      (br $l)))

  ;; Legacy handlers: a destructor-like catch_all that rethrows, caught by an outer catch.
  (func (export "legacy") (result i32)
    (local $cleanups i32)
    try (result i32)
      try
        (call $deep (i32.const 4) (i32.const 5))
      catch_all
        (local.set $cleanups (i32.add (local.get $cleanups) (i32.const 1)))
        rethrow 0
      end
      (i32.const -1)
    catch $e
      (drop)
      (i32.add (local.get $cleanups))
    end))
"#;

/// A store with the module instantiated: the host's tag, a host function throwing it, and one
/// calling back into the module's `deep`.
fn instantiate(engine: &Engine) -> (Store<()>, Instance, Tag) {
    let module = Module::new(engine, PROGRAM).unwrap();
    let mut store = Store::new(engine, ());
    let tag = Tag::new(&mut store, &TagType::new([ValType::I32]));
    let throw = Func::wrap(&mut store, move |mut caller: Caller<'_, ()>, v: i32| {
        let exn = ExnRef::new(&mut caller, &tag, &[Val::I32(v * 2)]).unwrap();
        Err::<(), _>(caller.throw(&exn))
    });
    let call_back = Func::wrap(&mut store, |mut caller: Caller<'_, ()>, n: i32| {
        let deep = caller.get_export("deep").and_then(Extern::into_func).unwrap();
        match deep.call(&mut caller, &[Val::I32(5), Val::I32(n)], &mut []) {
            Ok(()) => Ok(0),
            Err(Error::Trap(t)) => Err(t),
            Err(e) => panic!("{e}"),
        }
    });
    let imports = [tag.into(), throw.into(), call_back.into()];
    let instance = Instance::new(&mut store, &module, &imports).unwrap();
    (store, instance, tag)
}

fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
    n: usize,
) -> Result<Vec<Val>, Error> {
    let f = instance.get_func(&*store, name).unwrap();
    let mut results = vec![Val::I32(0); n];
    f.call(&mut *store, args, &mut results)?;
    Ok(results)
}

/// Integer results as `i64`s, for comparing.
fn ints(vals: &[Val]) -> Vec<i64> {
    vals.iter()
        .map(|v| match v {
            Val::I32(x) => i64::from(*x),
            Val::I64(x) => *x,
            other => panic!("not an integer: {other:?}"),
        })
        .collect()
}

#[test]
fn caught_through_frames_in_every_engine() {
    for (name, engine) in engines() {
        let (mut store, instance, _) = instantiate(&engine);
        let r = call(&mut store, &instance, "catch_deep", &[Val::I32(50)], 1).unwrap();
        // Sum over n = 1..=50 of n + 10n.
        assert_eq!(ints(&r), [11 * 50 * 51 / 2], "{name}");
        let r = call(&mut store, &instance, "nested", &[], 1).unwrap();
        assert_eq!(ints(&r), [107], "{name}");
        let r = call(&mut store, &instance, "legacy", &[], 1).unwrap();
        assert_eq!(ints(&r), [6], "{name}");
    }
}

#[test]
fn traps_are_never_caught() {
    for (name, engine) in engines() {
        let (mut store, instance, _) = instantiate(&engine);
        let err = call(&mut store, &instance, "trap_in_try", &[], 1).unwrap_err();
        let trap = err.as_trap().unwrap_or_else(|| panic!("{name}: {err}"));
        assert_eq!(trap.code(), TrapCode::Unreachable, "{name}");
        assert!(store.take_pending_exception().is_none(), "{name}");
    }
}

#[test]
fn host_functions_throw_and_pass_exceptions_on() {
    for (name, engine) in engines() {
        let (mut store, instance, _) = instantiate(&engine);
        let r = call(&mut store, &instance, "catch_host", &[Val::I32(21)], 1).unwrap();
        assert_eq!(ints(&r), [42], "{name}");
        let r = call(&mut store, &instance, "through_host", &[Val::I32(9)], 1).unwrap();
        assert_eq!(ints(&r), [9], "{name}");
    }
}

#[test]
fn an_uncaught_exception_reaches_the_host_with_its_tag_and_payload() {
    for (name, engine) in engines() {
        let (mut store, instance, _) = instantiate(&engine);
        let err = call(&mut store, &instance, "deep", &[Val::I32(6), Val::I32(4)], 0).unwrap_err();
        let trap = err.as_trap().unwrap_or_else(|| panic!("{name}: {err}"));
        assert_eq!(trap.code(), TrapCode::UncaughtException, "{name}");
        // The backtrace names the frames it left, like a trap's.
        assert!(trap.backtrace().len() >= 7, "{name}: {trap}");
        let exn = store.take_pending_exception().expect("the exception is left for the host");
        let e = instance.get_export(&store, "e").and_then(Extern::into_tag).unwrap();
        assert!(exn.tag(&store).unwrap().same(&e), "{name}");
        assert_eq!(ints(&exn.payload(&store).unwrap()), [4, 40], "{name}");
        assert!(store.take_pending_exception().is_none(), "{name}: taken once");
        // The store goes on.
        let r = call(&mut store, &instance, "catch_deep", &[Val::I32(1)], 1).unwrap();
        assert_eq!(ints(&r), [11], "{name}");
    }
}

#[test]
fn fuel_stops_a_guest_that_throws_forever() {
    for (name, engine) in engines_with(|c| {
        c.consume_fuel(true);
    }) {
        let (mut store, instance, _) = instantiate(&engine);
        store.set_fuel(200_000).unwrap();
        let err = call(&mut store, &instance, "spin", &[Val::I32(0)], 0).unwrap_err();
        let trap = err.as_trap().unwrap_or_else(|| panic!("{name}: {err}"));
        assert_eq!(trap.code(), TrapCode::OutOfFuel, "{name}");
    }
}

#[test]
fn the_call_depth_quota_counts_right_after_unwinding() {
    for (name, engine) in engines_with(|c| {
        c.native_call_depth(true);
    }) {
        let (mut store, instance, _) = instantiate(&engine);
        // Each catch unwinds 11 frames; were they still counted, the quota would soon refuse.
        store.set_max_call_depth(40);
        let r = call(&mut store, &instance, "catch_deep", &[Val::I32(200)], 1).unwrap();
        assert_eq!(ints(&r), [11 * 200 * 201 / 2], "{name}");
        // And the quota still holds: 60 frames deep is refused.
        let err = call(&mut store, &instance, "deep", &[Val::I32(60), Val::I32(1)], 0).unwrap_err();
        let trap = err.as_trap().unwrap_or_else(|| panic!("{name}: {err}"));
        assert_eq!(trap.code(), TrapCode::StackOverflow, "{name}");
    }
}

#[test]
fn a_payload_of_references_survives_collections_while_it_unwinds() {
    const REFS: &str = r#"(module
      (type $box (struct (field i64)))
      (tag $t (param (ref $box) i32 (ref $box)))
      (func $throw (param $n i32)
        (if (i32.eqz (local.get $n))
          (then (throw $t (struct.new $box (i64.const 5)) (i32.const 6) (struct.new $box (i64.const 7)))))
        (drop (struct.new $box (i64.const 0)))
        (call $throw (i32.sub (local.get $n) (i32.const 1))))
      (func (export "run") (result i64)
        (local $a (ref null $box)) (local $n i32) (local $b (ref null $box))
        (block $h (result (ref $box) i32 (ref $box))
          (try_table (catch $t $h) (call $throw (i32.const 8)))
          (unreachable))
        (local.set $b) (local.set $n) (local.set $a)
        (i64.add
          (i64.add (struct.get $box 0 (local.get $a)) (i64.extend_i32_u (local.get $n)))
          (struct.get $box 0 (local.get $b)))))"#;
    for (name, engine) in engines_with(|c| {
        c.gc_zeal(true);
    }) {
        let module = Module::new(&engine, REFS).unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        for _ in 0..3 {
            let r = call(&mut store, &instance, "run", &[], 1).unwrap();
            assert_eq!(ints(&r), [18], "{name}");
        }
    }
}

#[test]
fn tag_imports_are_checked() {
    let engine = &engines()[0].1;
    let module = Module::new(engine, PROGRAM).unwrap();
    let mut store = Store::new(engine, ());
    let wrong = Tag::new(&mut store, &TagType::new([ValType::I64]));
    let throw = Func::new(&mut store, FuncType::new([ValType::I32], []), |_, _, _| Ok(()));
    let back =
        Func::new(&mut store, FuncType::new([ValType::I32], [ValType::I32]), |_, _, _| Ok(()));
    let err =
        Instance::new(&mut store, &module, &[wrong.into(), throw.into(), back.into()]).unwrap_err();
    assert!(err.to_string().contains("incompatible import type for `host::tag`"), "{err}");
}

#[test]
fn a_linker_shares_tags_between_instances() {
    const THROWER: &str = r#"(module
      (tag $t (export "t") (param i64))
      (func (export "throw") (param i64) (throw $t (local.get 0))))"#;
    const CATCHER: &str = r#"(module
      (import "lib" "t" (tag $t (param i64)))
      (import "lib" "throw" (func $throw (param i64)))
      (tag $own (param i64))
      ;; The imported tag is the thrower's own: caught. A tag of the same type defined here is
      ;; another tag: not.
      (func (export "catch") (result i64)
        (block $h (result i64)
          (try_table (catch $own $h) (catch $t $h) (call $throw (i64.const 77)))
          (i64.const -1))))"#;
    for (name, engine) in engines() {
        let mut store = Store::new(&engine, ());
        let mut linker = silo_core::Linker::new(&engine);
        let thrower = Module::new(&engine, THROWER).unwrap();
        let lib = linker.instantiate(&mut store, &thrower).unwrap();
        linker.instance(&store, "lib", lib).unwrap();
        let catcher = Module::new(&engine, CATCHER).unwrap();
        let instance = linker.instantiate(&mut store, &catcher).unwrap();
        let r = call(&mut store, &instance, "catch", &[], 1).unwrap();
        assert_eq!(ints(&r), [77], "{name}");
        // A host tag defined in the linker goes into the import just as well.
        let host = Tag::new(&mut store, &TagType::new([ValType::I64]));
        let mut other = silo_core::Linker::new(&engine);
        other.define(&store, "lib", "t", host).unwrap();
        assert!(other.instance(&store, "lib", lib).is_err(), "`lib::t` is defined already");
        other.allow_shadowing(true).instance(&store, "lib", lib).unwrap();
        other.define(&store, "lib", "t", host).unwrap();
        let second = other.instantiate(&mut store, &catcher).unwrap();
        // Its catch of the host tag does not match what the library throws with its own.
        let err = call(&mut store, &second, "catch", &[], 1).unwrap_err();
        assert_eq!(err.as_trap().map(|t| t.code()), Some(TrapCode::UncaughtException), "{name}");
        store.take_pending_exception().unwrap();
    }
}
