//! What compiling costs a guest is bounded: under the `Jit` strategy a guest's deadline and its
//! interrupt handle stop the compilation of its module (which resumes on the next call), and the
//! tiered strategy never compiles a function whose body is beyond `MAX_TIERED_BODY`.

use std::time::Duration;

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, TrapCode};

fn engine(strategy: Strategy) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
    config.interruptible(true).tier_up_after(1).background_compilation(false);
    Engine::new(&config)
}

/// `n` functions, each calling the next, `run` calling the first: the batch compiles callees
/// first, so a cancelled compilation leaves the callers uncompiled.
fn chain(n: usize) -> String {
    let mut wat = String::from("(module\n");
    for i in 0..n {
        let next = if i + 1 < n { format!("(call $f{})", i + 1) } else { "(i32.const 1)".into() };
        wat.push_str(&format!(
            "  (func $f{i} (result i32) (i32.add {next} (i32.mul (i32.const {i}) (i32.const 0))))\n"
        ));
    }
    wat.push_str("  (func (export \"run\") (result i32) (call $f0)))\n");
    wat
}

#[test]
fn an_interrupt_stops_the_jit_compiling_and_the_next_call_finishes_it() {
    let engine = engine(Strategy::Jit);
    let module = Module::new(&engine, chain(200)).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    store.interrupt_handle().unwrap().interrupt();
    let trap = run.call(&mut store, ()).unwrap_err();
    assert_eq!(trap.as_trap().map(|t| t.code()), Some(TrapCode::Interrupted), "{trap:?}");
    let partial = module.native_code_size();
    // The interrupt is taken: the next call compiles the rest and runs.
    assert_eq!(run.call(&mut store, ()).unwrap(), 1);
    assert!(module.native_code_size() > partial, "{partial} bytes before, as many after");
}

#[test]
fn a_passed_deadline_stops_the_jit_compiling() {
    let engine = engine(Strategy::Jit);
    let module = Module::new(&engine, chain(200)).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    store.set_timeout(Some(Duration::from_nanos(1))).unwrap();
    std::thread::sleep(Duration::from_millis(2));
    let trap = run.call(&mut store, ()).unwrap_err();
    assert!(trap.to_string().contains("timeout"), "{trap}");
    // Only shared glue (the meter's stub) may be there: no function was compiled.
    let partial = module.native_code_size();
    // Another store, with no deadline, compiles the module and runs it.
    let mut fresh = Store::new(&engine, ());
    let instance = Instance::new(&mut fresh, &module, &[]).unwrap();
    let run = instance.get_typed_func::<(), i32>(&fresh, "run").unwrap();
    assert_eq!(run.call(&mut fresh, ()).unwrap(), 1);
    let full = module.native_code_size();
    assert!(partial * 20 < full, "{partial} bytes compiled past the deadline, {full} in all");
}

#[test]
fn the_tiered_engine_leaves_huge_bodies_interpreted() {
    // A body of `i32.const 1` and `i32.add` pairs (3 bytes each) just past the limit.
    let pairs = silo_core::MAX_TIERED_BODY / 3 + 1;
    let mut wat = String::from("(module (func (export \"huge\") (result i32) (i32.const 0)\n");
    for _ in 0..pairs {
        wat.push_str("(i32.add (i32.const 1))");
    }
    wat.push_str(")\n (func (export \"small\") (result i32) (i32.const 7)))");
    let engine = engine(Strategy::Tiered);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let huge = instance.get_typed_func::<(), i32>(&store, "huge").unwrap();
    for _ in 0..3 {
        assert_eq!(huge.call(&mut store, ()).unwrap(), pairs as i32);
    }
    assert_eq!(module.native_code_size(), 0, "the huge body was compiled");
    let small = instance.get_typed_func::<(), i32>(&store, "small").unwrap();
    for _ in 0..3 {
        assert_eq!(small.call(&mut store, ()).unwrap(), 7);
    }
    assert!(module.native_code_size() > 0, "a small hot function is still compiled");
}
