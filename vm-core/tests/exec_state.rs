//! A run taken out at a host call (`Caller::execution_state`) and resumed in another store
//! (`Instance::resume`): the same host calls and the same result as a run never stopped, as many
//! times as it is resumed; and states that do not fit are refused before anything runs.

use silo_core::{
    Caller, Config, Engine, Error, ExecState, ExternRef, Instance, Linker, Module, Store, Strategy,
    Trap, Val,
};

/// Recursion with a value on the operand stack across each host call, memory and a global
/// written on the way down and read on the way up.
const GUEST: &str = r#"(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $rec (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (global.set $g (i32.add (global.get $g) (local.get $n)))
        (i32.store (i32.mul (local.get $n) (i32.const 4)) (i32.mul (local.get $n) (local.get $n)))
        (i32.add
          (i32.add (local.get $n) (call $tick (local.get $n)))
          (i32.add
            (call $rec (i32.sub (local.get $n) (i32.const 1)))
            (i32.load (i32.mul (local.get $n) (i32.const 4))))))))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $rec (local.get 0)) (global.get $g))))"#;

/// What a checkpoint holds in this test: the run, memory 0, the global.
struct Taken {
    state: ExecState,
    memory: Vec<u8>,
    g: Val,
    ticks: Vec<i32>,
}

fn engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    Engine::new(&config)
}

/// A store whose data records each `tick`'s argument, and the instance.
fn instantiate(engine: &Engine, module: &Module) -> (Store<Vec<i32>>, Instance) {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "tick", |mut c: Caller<'_, Vec<i32>>, n: i32| {
            c.data_mut().push(n);
            n * 3
        })
        .unwrap();
    let mut store = Store::new(engine, Vec::new());
    let instance = linker.instantiate(&mut store, module).unwrap();
    (store, instance)
}

fn run(store: &mut Store<Vec<i32>>, instance: &Instance, n: i32) -> Result<i32, Error> {
    instance.get_typed_func::<i32, i32>(&*store, "run").unwrap().call(store, n)
}

/// A guest that computes without calling the host: its run is taken at a check.
const COMPUTE: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $work (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (i32.store8 (i32.and (local.get $i) (i32.const 1023)) (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (global.set $g (i32.add (global.get $g) (i32.load (i32.const 100))))
    (local.get $acc))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $work (local.get 0)) (call $work (i32.const 1000)))))"#;

/// Runs `run(n)` and takes the run out before the `at`-th host call, which stops it.
fn take_at(engine: &Engine, module: &Module, n: i32, at: usize) -> Taken {
    let (mut store, instance) = instantiate(engine, module);
    let taken = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = taken.clone();
    let mut calls = 0;
    store.on_host_call(move |caller: Caller<'_, Vec<i32>>| {
        calls += 1;
        if calls < at {
            return Ok(());
        }
        let state = caller.execution_state().map_err(|e| Trap::host(e.to_string()))?;
        let instance = caller.instance().unwrap();
        let memory = instance.get_memory(&caller, "memory").unwrap().data(&caller).to_vec();
        let g = instance.get_global(&caller, "g").unwrap().get(&caller);
        let ticks = caller.data().clone();
        *out.lock().unwrap() = Some(Taken { state, memory, g, ticks });
        Err(Trap::host("stopped for the checkpoint"))
    });
    let err = run(&mut store, &instance, n).unwrap_err();
    assert!(err.to_string().contains("stopped for the checkpoint"), "{err}");
    taken.lock().unwrap().take().expect("the hook took the state")
}

/// A new store with `taken`'s memory and global, resumed; its result and its ticks (those
/// before the checkpoint first).
fn resume(engine: &Engine, module: &Module, taken: &Taken) -> Result<(i32, Vec<i32>), Error> {
    let (mut store, instance) = instantiate(engine, module);
    *store.data_mut() = taken.ticks.clone();
    let memory = instance.get_memory(&store, "memory").unwrap();
    memory.data_mut(&mut store)[..taken.memory.len()].copy_from_slice(&taken.memory);
    instance.get_global(&store, "g").unwrap().set(&mut store, taken.g)?;
    let results = instance.resume(&mut store, &taken.state)?;
    let [Val::I32(r)] = results[..] else { panic!("{results:?}") };
    Ok((r, store.data().clone()))
}

#[test]
fn a_run_taken_out_at_a_host_call_resumes_to_the_same_end() {
    let engine = engine();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = instantiate(&engine, &module);
    let want = run(&mut store, &instance, 12).unwrap();
    let want_ticks = store.data().clone();
    assert_eq!(want_ticks, (1..=12).rev().collect::<Vec<_>>());

    for at in [1, 5, 12] {
        let taken = take_at(&engine, &module, 12, at);
        assert_eq!(taken.state.frames.len(), at + 1, "run, then one frame per level");
        for _ in 0..3 {
            assert_eq!(resume(&engine, &module, &taken).unwrap(), (want, want_ticks.clone()));
        }
    }
}

#[test]
fn states_that_do_not_fit_are_refused_before_anything_runs() {
    let engine = engine();
    let module = Module::new(&engine, GUEST).unwrap();
    let taken = take_at(&engine, &module, 6, 3);
    let refused = |change: &dyn Fn(&mut ExecState), why: &str| {
        let mut bad = Taken { state: taken.state.clone(), ..clone_rest(&taken) };
        change(&mut bad.state);
        let err = resume(&engine, &module, &bad).unwrap_err().to_string();
        assert!(err.contains(why), "{why}: {err}");
    };
    refused(&|s| s.frames.clear(), "no frame");
    refused(&|s| s.frames[1].func_index = 0, "not one of the module's own");
    refused(&|s| s.frames[1].func_index = 99, "not one of the module's own");
    refused(&|s| s.frames[2].offset = 1_000_000, "has no call at byte offset");
    refused(&|s| s.frames[2].values.truncate(1), "values, its function has");
    refused(&|s| s.frames[2].values.push(7), "values, its function has");
    // Another function returning what the call expects (what a tail call leaves there) is
    // checked by its own code: `run` has no call at `rec`'s offset.
    refused(&|s| s.frames[2].func_index = 2, "function 2 has no call at byte offset");
    refused(&|s| s.at_check = true, "has no check at byte offset");
    refused(
        &|s| {
            let caller = s.frames[s.frames.len() - 2].clone();
            *s.frames.last_mut().unwrap() = caller;
        },
        "not a call of the host",
    );

    // The state names places in the WebAssembly code, not in the interpreter's: an engine that
    // shapes code otherwise (fuel metering adds checks) resumes it to the same end.
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter).consume_fuel(true);
    let fueled = Engine::new(&config);
    let module2 = Module::new(&fueled, GUEST).unwrap();
    let (mut plain_store, plain) = instantiate(&engine, &module);
    let want = run(&mut plain_store, &plain, 6).unwrap();
    let (mut store, instance) = instantiate(&fueled, &module2);
    store.set_fuel(1_000_000).unwrap();
    *store.data_mut() = taken.ticks.clone();
    let memory = instance.get_memory(&store, "memory").unwrap();
    memory.data_mut(&mut store)[..taken.memory.len()].copy_from_slice(&taken.memory);
    instance.get_global(&store, "g").unwrap().set(&mut store, taken.g).unwrap();
    let results = instance.resume(&mut store, &taken.state).unwrap();
    assert!(matches!(results[..], [Val::I32(r)] if r == want), "{results:?}");
}

fn clone_rest(t: &Taken) -> Taken {
    Taken { state: t.state.clone(), memory: t.memory.clone(), g: t.g, ticks: t.ticks.clone() }
}

#[test]
fn runs_holding_host_values_or_using_legacy_exceptions_are_not_taken() {
    let engine = engine();
    // The same guest, plus a function that holds an `externref` across a host call: a null one
    // is taken out, a host value is refused (it has no meaning outside this store).
    let text = GUEST.trim_end().strip_suffix(')').unwrap().to_string()
        + r#"(func (export "hold") (param $h externref) (result i32) (call $tick (i32.const 5))))"#;
    let module = Module::new(&engine, &text).unwrap();
    let (mut store, instance) = instantiate(&engine, &module);
    store.on_host_call(|caller: Caller<'_, Vec<i32>>| match caller.execution_state() {
        Ok(_) => Err(Trap::host("taken")),
        Err(e) => Err(Trap::host(format!("refused: {e}"))),
    });
    let hold = instance.get_func(&store, "hold").unwrap();
    let host = ExternRef::new(&mut store, 5u32).unwrap();
    let mut out = [Val::I32(0)];
    let held = |v| [Val::ExternRef(v)];
    let err = hold.call(&mut store, &held(Some(host)), &mut out).unwrap_err().to_string();
    assert!(err.contains("refused") && err.contains("a host value (`externref`)"), "{err}");
    let err = hold.call(&mut store, &held(None), &mut out).unwrap_err().to_string();
    assert!(err.contains("taken"), "{err}");

    // A module of the legacy exception instructions: neither taken nor resumed.
    let text = GUEST.trim_end().strip_suffix(')').unwrap().to_string()
        + r#"(tag $oops) (func try throw $oops catch_all end))"#;
    let module = Module::new(&engine, &text).unwrap();
    let (mut store, instance) = instantiate(&engine, &module);
    store.on_host_call(|caller: Caller<'_, Vec<i32>>| match caller.execution_state() {
        Ok(_) => Err(Trap::host("taken")),
        Err(e) => Err(Trap::host(format!("refused: {e}"))),
    });
    let err = run(&mut store, &instance, 3).unwrap_err().to_string();
    assert!(err.contains("refused") && err.contains("uses the legacy exception"), "{err}");
    let plain = Module::new(&engine, GUEST).unwrap();
    let taken = take_at(&engine, &plain, 4, 2);
    let (mut store, instance) = instantiate(&engine, &module);
    let err = instance.resume(&mut store, &taken.state).unwrap_err().to_string();
    assert!(err.contains("uses the legacy exception"), "{err}");
}

#[test]
fn a_run_that_never_calls_the_host_is_taken_at_a_check_and_resumes() {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter).interruptible(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, COMPUTE).unwrap();
    let (mut store, instance) = instantiate(&engine, &module);
    let want = run(&mut store, &instance, 300_000).unwrap();
    let want_g = instance.get_global(&store, "g").unwrap().get(&store);

    for at in [1, 7, 20] {
        let (mut store, instance) = instantiate(&engine, &module);
        let taken = std::sync::Arc::new(std::sync::Mutex::new(None));
        let out = taken.clone();
        let mut checks = 0;
        store.on_check(move |caller: Caller<'_, Vec<i32>>| {
            checks += 1;
            if checks < at {
                return Ok(());
            }
            let state = caller.execution_state().map_err(|e| Trap::host(e.to_string()))?;
            let instance = caller.instance().unwrap();
            let memory = instance.get_memory(&caller, "memory").unwrap().data(&caller).to_vec();
            let g = instance.get_global(&caller, "g").unwrap().get(&caller);
            *out.lock().unwrap() = Some(Taken { state, memory, g, ticks: Vec::new() });
            Err(Trap::host("stopped for the checkpoint"))
        });
        let err = run(&mut store, &instance, 300_000).unwrap_err();
        assert!(err.to_string().contains("stopped for the checkpoint"), "{err}");
        let taken = taken.lock().unwrap().take().unwrap();
        for _ in 0..2 {
            let (mut store, instance) = instantiate(&engine, &module);
            let memory = instance.get_memory(&store, "memory").unwrap();
            memory.data_mut(&mut store)[..taken.memory.len()].copy_from_slice(&taken.memory);
            instance.get_global(&store, "g").unwrap().set(&mut store, taken.g).unwrap();
            let results = instance.resume(&mut store, &taken.state).unwrap();
            assert!(
                matches!(results[..], [Val::I32(r)] if r == want),
                "at check {at}: {results:?}"
            );
            let g = instance.get_global(&store, "g").unwrap().get(&store);
            assert_eq!(format!("{g:?}"), format!("{want_g:?}"), "at check {at}");
        }
    }
}
