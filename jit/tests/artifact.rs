//! Compiled modules saved and loaded again (`Module::serialize`, `Module::deserialize`): the
//! loaded code runs as the code compiled in place, and every damaged or mismatched artifact is
//! a clear error.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, Val};

/// Calls (direct, indirect, across signatures), a loop, a table, exceptions, GC allocation with
/// a live reference across a call (a stack map), a trap in a named function.
const PROGRAM: &str = r#"
(module $prog
  (type $pt (struct (field (mut i32)) (field (ref null $pt))))
  (type $bin (func (param i32 i32) (result i32)))
  (tag $oops (param i32))
  (table 2 funcref)
  (elem (i32.const 0) $add $mul)
  (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
  (func $mul (type $bin) (i32.mul (local.get 0) (local.get 1)))
  (func $fib (export "fib") (param i32) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $b (i64.const 1))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get 0)))
      (local.set $t (i64.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b)) (local.set $b (local.get $t))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $next)))
    (local.get $a))
  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_indirect (type $bin) (local.get 1) (local.get 2) (local.get 0)))
  (func $throws (param i32) (if (i32.gt_s (local.get 0) (i32.const 10)) (then (throw $oops (local.get 0)))))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $oops $h) (call $throws (local.get 0)))
      (i32.const -1)))
  (func $chain (export "chain") (param i32) (result i32)
    (local $p (ref null $pt)) (local $sum i32)
    (loop $l
      (local.set $p (struct.new $pt (local.get 0) (local.get $p)))
      (drop (call $add (i32.const 0) (i32.const 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (block $end (loop $walk
      (br_if $end (ref.is_null (local.get $p)))
      (local.set $sum (i32.add (local.get $sum) (struct.get $pt 0 (local.get $p))))
      (local.set $p (struct.get $pt 1 (local.get $p)))
      (br $walk)))
    (local.get $sum))
  (func $boom (export "boom") unreachable))
"#;

fn make_engine(strategy: Strategy, fuel: bool) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).compiler(silo_jit::cranelift().unwrap()).consume_fuel(fuel);
    Engine::new(&config)
}

fn run(module: &Module, fuel: bool) -> Vec<String> {
    let mut store = Store::new(module.engine(), ());
    if fuel {
        store.set_fuel(u64::MAX / 2).unwrap();
    }
    let instance = Instance::new(&mut store, module, &[]).unwrap();
    let mut out = Vec::new();
    let mut call = |name: &str, args: &[Val]| {
        let f = instance.get_func(&store, name).unwrap();
        let mut results = vec![Val::I64(0); f.ty(&store).results.len()];
        match f.call(&mut store, args, &mut results) {
            Ok(()) => out.push(format!("{name}: {results:?}")),
            Err(e) => out.push(format!("{name}: {e}")),
        }
    };
    call("fib", &[Val::I32(50)]);
    call("apply", &[Val::I32(0), Val::I32(6), Val::I32(7)]);
    call("apply", &[Val::I32(1), Val::I32(6), Val::I32(7)]);
    call("apply", &[Val::I32(2), Val::I32(6), Val::I32(7)]);
    call("catch", &[Val::I32(3)]);
    call("catch", &[Val::I32(42)]);
    call("chain", &[Val::I32(1000)]);
    call("boom", &[]);
    out
}

#[test]
fn saved_code_runs_as_code_compiled_in_place() {
    let engine = make_engine(Strategy::Jit, false);
    let module = Module::new(&engine, PROGRAM).unwrap();
    let saved = module.serialize().unwrap();
    assert!(Module::is_artifact(&saved));
    // SAFETY: the bytes were just made by `serialize` in this process.
    let loaded = unsafe { Module::deserialize(&engine, &saved) }.unwrap();
    // Every function is native before any call.
    assert_eq!(loaded.native_function_count(), 8);
    let expected = run(&module, false);
    assert_eq!(run(&loaded, false), expected);
    assert!(expected.last().unwrap().contains("boom"), "{expected:?}");
    // The trap's frame has the WebAssembly offset of `unreachable` in loaded code too (its
    // source ranges are kept encoded and decoded only for the backtrace).
    let trap = |module: &Module| {
        let mut store = Store::new(module.engine(), ());
        let instance = Instance::new(&mut store, module, &[]).unwrap();
        let boom = instance.get_func(&store, "boom").unwrap();
        let e = boom.call(&mut store, &[], &mut []).unwrap_err();
        format!("{e:?}")
    };
    let compiled = trap(&module);
    assert!(compiled.contains("module_offset: Some("), "{compiled}");
    assert_eq!(trap(&loaded), compiled);
    assert!(expected[1].contains("I32(13)") && expected[5].contains("I32(42)"), "{expected:?}");

    // A tiered engine with the same settings takes the same code, and fuel checks are settings.
    let tiered = engine_like(Strategy::Tiered);
    // SAFETY: as above.
    let loaded = unsafe { Module::deserialize(&tiered, &saved) }.unwrap();
    assert_eq!(run(&loaded, false), expected);
    let metered = make_engine(Strategy::Jit, true);
    let module = Module::new(&metered, PROGRAM).unwrap();
    let saved_metered = module.serialize().unwrap();
    // SAFETY: as above.
    let loaded = unsafe { Module::deserialize(&metered, &saved_metered) }.unwrap();
    assert_eq!(run(&loaded, true), run(&module, true));
}

#[test]
fn saved_code_of_some_functions_loads_them_and_leaves_the_rest_to_the_engine() {
    // Nothing gets hot in this engine, so that what is native is only what was loaded (with the
    // default threshold, `chain`'s loop would have its function compiled in the background,
    // finished or not by the time the test looks).
    let mut config = Config::new();
    config
        .strategy(Strategy::Tiered)
        .compiler(silo_jit::cranelift().unwrap())
        .tier_up_after(u32::MAX);
    let tiered = Engine::new(&config);
    let module = Module::new(&tiered, PROGRAM).unwrap();
    let expected = run(&module, false);
    // Functions 2 (`fib`) and 5 (`catch`, which calls `throws`, left out, through the table), and
    // indices past the end (ignored).
    let saved = module.serialize_functions(&[5, 2, 2, 99]).unwrap();
    // SAFETY: the bytes were just made by `serialize_functions` in this process.
    let loaded = unsafe { Module::deserialize(&tiered, &saved) }.unwrap();
    assert_eq!(loaded.native_functions(), [2, 5]);
    assert_eq!(run(&loaded, false), expected);
    // The saved set is what was native when saving: here, after `run`, nothing had got hot.
    assert_eq!(module.native_functions(), Vec::<u32>::new());

    // Under `Jit` the functions left out are compiled at the first call, as without saved code.
    let jit = engine_like(Strategy::Jit);
    let module = Module::new(&jit, PROGRAM).unwrap();
    let saved = module.serialize_functions(&[0, 2]).unwrap();
    // SAFETY: as above.
    let loaded = unsafe { Module::deserialize(&jit, &saved) }.unwrap();
    assert_eq!(loaded.native_functions(), [0, 2]);
    assert_eq!(run(&loaded, false), expected);
    assert_eq!(loaded.native_function_count(), 8);
}

fn engine_like(strategy: Strategy) -> Engine {
    make_engine(strategy, false)
}

#[test]
fn damaged_or_mismatched_artifacts_are_refused_with_the_reason() {
    let engine = make_engine(Strategy::Jit, false);
    let saved = Module::new(&engine, PROGRAM).unwrap().serialize().unwrap();
    let refuse = |engine: &Engine, bytes: &[u8]| -> String {
        // SAFETY: every artifact here is refused before any code is placed, which the test checks.
        match unsafe { Module::deserialize(engine, bytes) } {
            Ok(_) => panic!("a bad artifact was accepted"),
            Err(e) => e.to_string(),
        }
    };
    // Every single flipped byte, and every truncation, is caught by the checksum.
    for at in (0..saved.len()).step_by(saved.len() / 97 + 1) {
        let mut bad = saved.clone();
        bad[at] ^= 0x40;
        let e = refuse(&engine, &bad);
        assert!(
            e.contains("damaged") || e.contains("not a compiled Silo module"),
            "byte {at}: {e}"
        );
        let e = refuse(&engine, &saved[..at]);
        assert!(e.contains("compiled module"), "cut at {at}: {e}");
    }
    let e = refuse(&make_engine(Strategy::Jit, true), &saved);
    assert!(e.contains("other engine settings"), "{e}");
    let mut interp = Config::new();
    interp.strategy(Strategy::Interpreter);
    let e = refuse(&Engine::new(&interp), &saved);
    assert!(e.contains("runs no native code"), "{e}");
    let e = refuse(&engine, b"\0asm\x01\0\0\0");
    assert!(e.contains("not a compiled Silo module"), "{e}");
}

#[test]
fn code_saved_without_its_module_loads_only_with_that_module() {
    use sha2::Digest;
    let engine = make_engine(Strategy::Jit, false);
    let module = Module::new(&engine, PROGRAM).unwrap();
    let with = module.serialize().unwrap();
    let without = module.serialize_without_module().unwrap();
    let wasm = module.info().bytes.to_vec();
    assert!(without.len() + wasm.len() <= with.len() + 16, "the module is left out");
    let digest: [u8; 32] = sha2::Sha256::digest(&wasm).into();
    // SAFETY: the bytes were just made by `serialize_without_module` in this process, and
    // `digest` is the SHA-256 of `wasm`.
    let loaded = unsafe { Module::deserialize_for_module(&engine, &without, &wasm, &digest, None) };
    assert_eq!(run(&loaded.unwrap(), false), run(&module, false));
    // Without the module, or with another one, it is refused, saying why.
    // SAFETY: as above; every one of these is refused before any code is placed.
    let e = unsafe { Module::deserialize(&engine, &without) }.err().unwrap().to_string();
    assert!(e.contains("does not hold its module"), "{e}");
    let other = [7u8; 32];
    // SAFETY: as above (a digest that is not `wasm`'s is what the check is for).
    let e = unsafe { Module::deserialize_for_module(&engine, &without, &wasm, &other, None) };
    assert!(e.err().unwrap().to_string().contains("another module"));
}
