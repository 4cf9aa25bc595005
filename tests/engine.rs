//! The facade's `Engine`: by default the engine `silo run` uses (tiered with Cranelift where
//! native code runs, the interpreter elsewhere), any strategy without naming a compiler, and a
//! handle that goes wherever `silo-core` asks for an engine.

use silo::{Config, Engine, Instance, Linker, Module, Store, Strategy};

/// Whether this machine runs native code (where `silo_jit::cranelift` succeeds).
const NATIVE: bool = cfg!(all(target_arch = "x86_64", target_os = "linux"));

/// A function that loops `n` times, so that a tiered engine finds it hot.
const SUM: &str = r#"(module
  (func (export "sum") (param $n i32) (result i64)
    (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))"#;

/// Runs `sum(n)` on `engine`, twice so that a function compiled after the first call runs
/// natively in the second.
fn sum(engine: &Engine, n: i32) -> i64 {
    let module = Module::new(engine, SUM).expect("compiles");
    let mut store = Store::new(engine, ());
    let instance = Linker::new(engine).instantiate(&mut store, &module).expect("instantiates");
    let sum = instance.get_typed_func::<i32, i64>(&store, "sum").expect("exports sum");
    let first = sum.call(&mut store, n).expect("runs");
    assert_eq!(sum.call(&mut store, n).expect("runs again"), first);
    first
}

#[test]
fn the_default_engine_is_tiered_where_native_code_runs() {
    let engine = Engine::default();
    let expected = if NATIVE { Strategy::Tiered } else { Strategy::Interpreter };
    assert_eq!(engine.strategy(), expected);
    assert_eq!(engine.config().has_compiler(), NATIVE);
    // The bare runtime engine only interprets: it cannot name the JIT.
    assert_eq!(silo_core::Engine::default().strategy(), Strategy::Interpreter);
}

#[test]
fn a_module_runs_on_the_default_engine() {
    assert_eq!(sum(&Engine::default(), 100_000), 5_000_050_000);
    // Compiled on the first call, so the second runs native code where it can.
    let mut config = Config::new();
    config.tier_up_after(0).background_compilation(false);
    let engine = Engine::new(&config);
    assert_eq!(sum(&engine, 100_000), 5_000_050_000);
}

#[test]
fn an_interpreter_config_stays_interpreted() {
    let engine = Engine::new(Config::new().strategy(Strategy::Interpreter));
    assert_eq!(engine.strategy(), Strategy::Interpreter);
    assert!(!engine.config().has_compiler());
    assert_eq!(sum(&engine, 1000), 500_500);
    let engine = Engine::try_new(Config::new().strategy(Strategy::Interpreter)).unwrap();
    assert_eq!(engine.strategy(), Strategy::Interpreter);
}

#[test]
fn native_strategies_need_no_compiler_named() {
    for strategy in [Strategy::Jit, Strategy::Tiered] {
        let mut config = Config::new();
        config.strategy(strategy);
        let engine = Engine::new(&config);
        assert_eq!(engine.strategy(), strategy);
        match (Engine::try_new(&config), NATIVE) {
            (Ok(engine), true) => {
                assert!(engine.config().has_compiler());
                assert_eq!(sum(&engine, 1000), 500_500);
            }
            (Err(e), false) => {
                assert!(e.to_string().contains("native code"), "{e}");
                // The engine `new` made refuses modules with an error, never a panic.
                assert!(Module::new(&engine, SUM).is_err());
            }
            (Ok(_), false) => panic!("{strategy:?}: native code where it cannot run"),
            (Err(e), true) => panic!("{strategy:?}: {e}"),
        }
    }
}

#[test]
fn a_compiler_given_is_kept() {
    let compiler = match (silo::jit::cranelift(), NATIVE) {
        (Ok(compiler), true) => compiler,
        (Err(_), false) => return,
        (Ok(_), false) => panic!("a compiler where native code cannot run"),
        (Err(e), true) => panic!("{e}"),
    };
    let mut config = Config::new();
    config.strategy(Strategy::Jit).compiler(compiler);
    let engine = Engine::new(&config);
    assert_eq!(engine.strategy(), Strategy::Jit);
    assert_eq!(sum(&engine, 1000), 500_500);
}

#[test]
fn the_engine_is_a_handle_of_the_core_engine() {
    let engine = Engine::default();
    let copy = engine.clone();
    assert!(Engine::same(&engine, &copy));
    assert!(!Engine::same(&engine, &Engine::default()));
    let module = Module::new(&engine, SUM).unwrap();
    assert!(silo_core::Engine::same(module.engine(), &engine));
    // A core engine wraps as it is, and back.
    let core: silo_core::Engine = copy.into();
    assert!(silo_core::Engine::same(&core, &engine));
    let interp = Engine::from(silo_core::Engine::default());
    assert_eq!(interp.strategy(), Strategy::Interpreter);
    assert!(format!("{engine:?}").starts_with("Engine"));
    let mut store = Store::new(&engine, ());
    assert!(Instance::new(&mut store, &module, &[]).is_ok());
}

#[test]
fn a_reused_memory_reservation_starts_zeroed_and_small() {
    // Dropped guarded memories give their reservations back to the engine, which hands them to
    // new memories: whatever the last guest wrote (directly, or through a mapped image) is gone.
    if !NATIVE {
        return; // Memories are guarded (and their reservations kept) where native code runs.
    }
    let engine = Engine::default();
    let module = Module::new(&engine, r#"(module (memory (export "m") 1 10))"#).unwrap();
    for round in 0..4 {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let memory = instance.get_memory(&store, "m").unwrap();
        assert_eq!(memory.size(&store), 1, "round {round}");
        assert!(memory.data(&store).iter().all(|&b| b == 0), "round {round}: not zero");
        memory.grow(&mut store, 2).unwrap();
        if round % 2 == 0 {
            memory.data_mut(&mut store).fill(0xab);
        } else {
            let image = silo::MemoryImage::new(3 << 16, [(70_000u64, &[7u8; 100][..])]).unwrap();
            memory.map_image(&mut store, &image).unwrap();
            assert_eq!(memory.data(&store)[70_050], 7);
            memory.data_mut(&mut store)[5] = 1;
        }
    }
}

/// A function that recurses `depth` times before its loop of `n` iterations (at least one),
/// whose state is on the operand stack: a value below the loop and the loop's parameter.
const RECURSE_THEN_LOOP: &str = r#"(module
  (func $f (export "f") (param $depth i32) (param $n i32) (result i64)
    (if (i32.gt_u (local.get $depth) (i32.const 0))
      (then (drop (call $f (i32.sub (local.get $depth) (i32.const 1)) (i32.const 1)))))
    (i64.const 7)
    (i64.const 0)
    (loop $next (param i64) (result i64)
      (i64.add (i64.extend_i32_u (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next (local.get $n)))
    (i64.add)))"#;

#[test]
fn a_running_call_enters_its_loop_natively_after_its_function_was_compiled() {
    if !NATIVE {
        return;
    }
    // The recursion makes `f` hot, so it is compiled (at once: no background compiler) while
    // the outer calls still run in the interpreter; the outermost then reaches its hot loop and
    // must get an entry there laid out for its interpreter frame — not for the native stub its
    // function has by then (a regression once left such a loop interpreted).
    let mut config = Config::new();
    config.strategy(Strategy::Tiered).tier_up_after(100).background_compilation(false);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, RECURSE_THEN_LOOP).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<(i32, i32), i64>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, (500, 100_000)).unwrap(), 5_000_050_007);
    assert_eq!(module.native_functions(), [0], "the function was compiled");
    assert_eq!(module.loop_entries_compiled(), 1, "the outer call entered its loop natively");
}
