//! Runs of native code taken out in the middle (`Config::native_checkpoints`): at a host call deep
//! in a recursion with values on the operand stack, and at a loop's check in a guest that only
//! computes; resumed by the interpreter in another store, they end as a run never stopped does —
//! every time they are resumed. Stacks that cannot be taken out are refused with the reason.

use std::sync::{Arc, Mutex};

use silo::{
    Caller, Config, Engine, ExecState, Instance, Linker, Module, Store, Strategy, Trap, Val,
};

/// Recursion with values on the operand stack across each host call and each recursive call:
/// memory and a global written on the way down, read on the way up; a `call_indirect` of the
/// host, and floats and a 64-bit value live across the calls.
const GUEST: &str = r#"(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $tick)
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $rec (param $n i32) (result i32) (local $f f64) (local $w i64)
    (local.set $f (f64.mul (f64.convert_i32_s (local.get $n)) (f64.const 1.5)))
    (local.set $w (i64.shl (i64.extend_i32_u (local.get $n)) (i64.const 33)))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (global.set $g (i32.add (global.get $g) (local.get $n)))
        (i32.store (i32.mul (local.get $n) (i32.const 4)) (i32.mul (local.get $n) (local.get $n)))
        (i32.add
          (i32.add (local.get $n) (call $tick (local.get $n)))
          (i32.add
            (i32.add
              (call $rec (i32.sub (local.get $n) (i32.const 1)))
              (call_indirect (type $t) (i32.add (local.get $n) (i32.const 100)) (i32.const 0)))
            (i32.add
              (i32.trunc_f64_s (local.get $f))
              (i32.add
                (i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 33)))
                (i32.load (i32.mul (local.get $n) (i32.const 4))))))))))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $rec (local.get 0)) (global.get $g))))"#;

/// A guest that computes without calling the host: its run is taken at a loop's check.
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
    (i32.add (i32.const 7) (i32.add (call $work (local.get 0)) (call $work (i32.const 1000))))))"#;

/// Nested loops with operands below both: a loop entry into the inner loop comes back to the
/// outer loop's header, and its checks, from the native way in.
const NESTED: &str = r#"(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $acc i32) (local $lim i32)
    (i32.const 1000)
    (i32.mul (local.get $n) (i32.const 3))
    (loop $outer
      (i32.const 5)
      (local.set $j (i32.const 0))
      ;; The first inner loop is long: the call is entered there, not at the outer loop.
      (local.set $lim (select (i32.const 50000) (i32.const 1000) (i32.eqz (local.get $i))))
      (loop $inner
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $j)))
        (i32.store8 (i32.and (local.get $j) (i32.const 1023)) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $lim))))
      (local.set $acc (i32.add (local.get $acc)))
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add)
    (i32.add (local.get $acc))))"#;

/// What a checkpoint holds in these tests: the run, memory 0, the global, the host's record.
struct Taken {
    state: ExecState,
    memory: Vec<u8>,
    g: Val,
    ticks: Vec<i32>,
}

fn engine(strategy: Strategy, checkpoints: bool) -> Option<Engine> {
    let mut config = Config::new();
    config.strategy(strategy).interruptible(true).native_checkpoints(checkpoints);
    Engine::try_new(&config).ok()
}

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

fn run(store: &mut Store<Vec<i32>>, instance: &Instance, n: i32) -> Result<i32, silo::Error> {
    instance.get_typed_func::<i32, i32>(&*store, "run").unwrap().call(store, n)
}

/// Takes the run's state, memory and global from inside a hook, then stops the run.
fn take(caller: &Caller<'_, Vec<i32>>) -> Result<Taken, Trap> {
    let state = caller.execution_state().map_err(|e| Trap::host(format!("refused: {e}")))?;
    let instance = caller.instance().unwrap();
    let memory = instance.get_memory(caller, "memory").unwrap().data(caller).to_vec();
    let g = instance.get_global(caller, "g").unwrap().get(caller);
    Ok(Taken { state, memory, g, ticks: caller.data().clone() })
}

/// Runs `run(n)` under `engine` and takes it out at the `at`-th host call (or check).
fn take_at(engine: &Engine, module: &Module, n: i32, at: usize, at_check: bool) -> Taken {
    let (mut store, instance) = instantiate(engine, module);
    let taken = Arc::new(Mutex::new(None));
    let out = taken.clone();
    let mut seen = 0;
    let hook = move |caller: Caller<'_, Vec<i32>>| {
        seen += 1;
        if seen < at {
            return Ok(());
        }
        *out.lock().unwrap() = Some(take(&caller)?);
        Err(Trap::host("stopped for the checkpoint"))
    };
    if at_check {
        store.on_check(hook);
    } else {
        store.on_host_call(hook);
    }
    let err = run(&mut store, &instance, n).unwrap_err();
    assert!(err.to_string().contains("stopped for the checkpoint"), "{err}");
    taken.lock().unwrap().take().expect("the hook took the state")
}

/// Resumes `taken` in a new interpreter store: the result and the host's record.
fn resume(engine: &Engine, text: &str, taken: &Taken) -> (i32, Vec<i32>, String) {
    let module = Module::new(engine, text).unwrap();
    let (mut store, instance) = instantiate(engine, &module);
    *store.data_mut() = taken.ticks.clone();
    let memory = instance.get_memory(&store, "memory").unwrap();
    memory.data_mut(&mut store)[..taken.memory.len()].copy_from_slice(&taken.memory);
    instance.get_global(&store, "g").unwrap().set(&mut store, taken.g).unwrap();
    let results = instance.resume(&mut store, &taken.state).unwrap();
    let [Val::I32(r)] = results[..] else { panic!("{results:?}") };
    let g = instance.get_global(&store, "g").unwrap().get(&store);
    (r, store.data().clone(), format!("{g:?}"))
}

/// What an uninterrupted run gives: result, host record, global.
fn uninterrupted(engine: &Engine, text: &str, n: i32) -> (i32, Vec<i32>, String) {
    let module = Module::new(engine, text).unwrap();
    let (mut store, instance) = instantiate(engine, &module);
    let r = run(&mut store, &instance, n).unwrap();
    let g = instance.get_global(&store, "g").unwrap().get(&store);
    (r, store.data().clone(), format!("{g:?}"))
}

#[test]
fn native_frames_taken_at_host_calls_resume_in_the_interpreter() {
    let Some(jit) = engine(Strategy::Jit, true) else { return };
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, GUEST, 12);
    assert_eq!(want, uninterrupted(&jit, GUEST, 12), "the tiers agree");
    let module = Module::new(&jit, GUEST).unwrap();
    // Host calls alternate: `tick` directly, then through `call_indirect` on the way up.
    for at in [1, 2, 5, 12, 13, 20, 24] {
        let taken = take_at(&jit, &module, 12, at, false);
        let depth = taken.state.frames.len();
        assert!((2..=13).contains(&depth), "at {at}: {depth} frames");
        for _ in 0..2 {
            assert_eq!(resume(&interp, GUEST, &taken), want, "host call {at}");
        }
        // Under `jit` the state's frames finish interpreted, their calls run native code.
        assert_eq!(resume(&jit, GUEST, &taken), want, "host call {at}, resumed under jit");
    }
}

#[test]
fn native_frames_taken_at_checks_resume_in_the_interpreter() {
    let Some(jit) = engine(Strategy::Jit, true) else { return };
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, COMPUTE, 3_000_000);
    let module = Module::new(&jit, COMPUTE).unwrap();
    for at in [1, 3, 10] {
        let taken = take_at(&jit, &module, 3_000_000, at, true);
        for _ in 0..2 {
            assert_eq!(resume(&interp, COMPUTE, &taken), want, "check {at}");
        }
        assert_eq!(resume(&jit, COMPUTE, &taken), want, "check {at}, resumed under jit");
    }
}

#[test]
fn native_code_without_records_is_refused() {
    let Some(jit) = engine(Strategy::Jit, false) else { return };
    let module = Module::new(&jit, GUEST).unwrap();
    let (mut store, instance) = instantiate(&jit, &module);
    store.on_host_call(|caller: Caller<'_, Vec<i32>>| Err(take(&caller).err().unwrap()));
    let err = run(&mut store, &instance, 3).unwrap_err().to_string();
    assert!(err.contains("refused") && err.contains("native_checkpoints"), "{err}");
}

#[test]
fn a_host_function_reached_by_a_tail_call_is_refused() {
    let Some(jit) = engine(Strategy::Jit, true) else { return };
    let text = r#"(module
      (import "host" "tick" (func $tick (param i32) (result i32)))
      (memory (export "memory") 1)
      (global $g (export "g") (mut i32) (i32.const 0))
      (func $last (param i32) (result i32) (return_call $tick (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (i32.add (i32.const 1) (call $last (local.get 0)))))"#;
    let module = Module::new(&jit, text).unwrap();
    let (mut store, instance) = instantiate(&jit, &module);
    store.on_host_call(|caller: Caller<'_, Vec<i32>>| Err(take(&caller).err().unwrap()));
    let err = run(&mut store, &instance, 3).unwrap_err().to_string();
    assert!(err.contains("refused") && err.contains("tail call"), "{err}");
}

#[test]
fn a_stack_crossing_a_call_from_the_host_back_into_webassembly_is_refused() {
    let Some(jit) = engine(Strategy::Jit, true) else { return };
    let text = r#"(module
      (import "host" "outer" (func $outer (param i32) (result i32)))
      (import "host" "inner" (func $inner (param i32) (result i32)))
      (memory (export "memory") 1)
      (global $g (export "g") (mut i32) (i32.const 0))
      (func (export "leaf") (param i32) (result i32) (call $inner (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (i32.add (i32.const 1) (call $outer (local.get 0)))))"#;
    let module = Module::new(&jit, text).unwrap();
    let mut linker = Linker::new(&jit);
    linker
        .func_wrap("host", "outer", |mut c: Caller<'_, Vec<i32>>, n: i32| {
            let leaf = c.get_export("leaf").unwrap().into_func().unwrap();
            let leaf = leaf.typed::<i32, i32>(&c).unwrap();
            leaf.call(&mut c, n).unwrap_or(-1)
        })
        .unwrap();
    linker.func_wrap("host", "inner", |_: Caller<'_, Vec<i32>>, n: i32| n).unwrap();
    let mut store = Store::new(&jit, Vec::new());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let out = seen.clone();
    store.on_host_call(move |caller: Caller<'_, Vec<i32>>| {
        out.lock().unwrap().push(take(&caller).err().map(|e| e.to_string()));
        Ok(())
    });
    assert_eq!(run(&mut store, &instance, 5).unwrap(), 6);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[0].is_none(), "at `outer`, native code alone: {seen:?}");
    let inner = seen[1].as_deref().unwrap_or_default();
    assert!(inner.contains("from the host back into WebAssembly"), "{inner}");
}

/// Tiered engines at several thresholds, compiling on the thread that found a function hot (so
/// where the switch happens is the same every run).
fn tiered_engines() -> Vec<(u32, Engine)> {
    [1, 3, 50]
        .into_iter()
        .filter_map(|after| {
            let mut config = Config::new();
            config
                .strategy(Strategy::Tiered)
                .tier_up_after(after)
                .background_compilation(false)
                .interruptible(true)
                .native_checkpoints(true);
            Engine::try_new(&config).ok().map(|e| (after, e))
        })
        .collect()
}

#[test]
fn tiered_stacks_of_interpreted_and_native_frames_resume_anywhere() {
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, GUEST, 12);
    for (after, tiered) in tiered_engines() {
        assert_eq!(want, uninterrupted(&tiered, GUEST, 12), "tier-up-after {after}");
        for at in [1, 2, 5, 12, 13, 20, 24] {
            // A new module each time: hotness is the module's.
            let module = Module::new(&tiered, GUEST).unwrap();
            let taken = take_at(&tiered, &module, 12, at, false);
            assert_eq!(resume(&interp, GUEST, &taken), want, "after {after}, host call {at}");
            assert_eq!(resume(&tiered, GUEST, &taken), want, "after {after}, host call {at}");
        }
    }
}

#[test]
fn tiered_loops_continued_natively_are_taken_at_their_checks() {
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, COMPUTE, 3_000_000);
    for (after, tiered) in tiered_engines() {
        for at in [1, 3, 10] {
            let module = Module::new(&tiered, COMPUTE).unwrap();
            let taken = take_at(&tiered, &module, 3_000_000, at, true);
            assert_eq!(resume(&interp, COMPUTE, &taken), want, "after {after}, check {at}");
            assert_eq!(resume(&tiered, COMPUTE, &taken), want, "after {after}, check {at}");
        }
    }
}

#[test]
fn loops_around_a_loop_continued_natively_are_taken_at_their_checks() {
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, NESTED, 3000);
    let mut entered_inside = false;
    for (after, tiered) in tiered_engines() {
        // Hot at its first loop header, the call is entered at the outer loop; hot later, in
        // the long first inner loop, it is entered there (after the outer loop's entry, which
        // the call does not come back to soon enough).
        let module = Module::new(&tiered, NESTED).unwrap();
        let (mut store, instance) = instantiate(&tiered, &module);
        run(&mut store, &instance, 3000).unwrap();
        entered_inside |= module.native_loop_entry_count() == 2;
        assert_eq!(want, uninterrupted(&tiered, NESTED, 3000), "tier-up-after {after}");
        for at in [2, 10, 40] {
            let module = Module::new(&tiered, NESTED).unwrap();
            let taken = take_at(&tiered, &module, 3000, at, true);
            assert_eq!(resume(&interp, NESTED, &taken), want, "after {after}, check {at}");
            assert_eq!(resume(&tiered, NESTED, &taken), want, "after {after}, check {at}");
        }
    }
    assert!(entered_inside, "no engine entered the inner loop");
}

#[test]
fn an_interpreted_callee_of_native_code_is_taken_with_it() {
    // `$hot` is native after a few calls; the last one calls `$cold`, still interpreted, which
    // calls the host: interpreted, native and interpreted frames, values pending in each.
    let text = r#"(module
      (import "host" "tick" (func $tick (param i32) (result i32)))
      (memory (export "memory") 1)
      (global $g (export "g") (mut i32) (i32.const 0))
      (func $cold (param $n i32) (result i32)
        (i32.mul (i32.const 3) (call $tick (i32.add (local.get $n) (i32.const 1000)))))
      (func $hot (param $i i32) (result i32) (local $f f64)
        (local.set $f (f64.convert_i32_u (local.get $i)))
        (i32.add
          (i32.trunc_f64_u (f64.mul (local.get $f) (f64.const 2.5)))
          (if (result i32) (i32.eq (local.get $i) (i32.const 40))
            (then (call $cold (local.get $i)))
            (else (i32.const 1)))))
      (func (export "run") (param $n i32) (result i32) (local $i i32) (local $sum i32)
        (loop $l
          (global.set $g (i32.add (global.get $g) (i32.const 1)))
          (local.set $sum (i32.add (local.get $sum) (call $hot (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (i32.add (i32.const 5) (local.get $sum))))"#;
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, text, 50);
    for (after, tiered) in tiered_engines() {
        let module = Module::new(&tiered, text).unwrap();
        let taken = take_at(&tiered, &module, 50, 1, false);
        assert_eq!(taken.state.frames.len(), 3, "after {after}");
        assert_eq!(resume(&interp, text, &taken), want, "after {after}");
        assert_eq!(resume(&tiered, text, &taken), want, "after {after}");
    }
}

#[test]
fn function_references_in_frames_are_taken_as_indices() {
    // A function reference in a local of every frame, and two on the operand stack across each
    // host call; `call_ref` follows them after the resume.
    let text = r#"(module
      (import "host" "tick" (func $tick (param i32) (result i32)))
      (type $t (func (param i32) (result i32)))
      (memory (export "memory") 1)
      (global $g (export "g") (mut i32) (i32.const 0))
      (elem declare func $double $triple)
      (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
      (func $triple (type $t) (i32.mul (local.get 0) (i32.const 3)))
      (func $rec (param $n i32) (result i32) (local $f (ref null $t))
        (local.set $f
          (if (result (ref null $t)) (i32.and (local.get $n) (i32.const 1))
            (then (ref.func $double)) (else (ref.func $triple))))
        (if (result i32) (i32.eqz (local.get $n))
          (then (i32.const 0))
          (else
            (i32.add
              (call_ref $t
                (i32.const 5)
                (select (result (ref null $t))
                  (local.get $f) (ref.func $double) (call $tick (local.get $n))))
              (call_ref $t
                (call $rec (i32.sub (local.get $n) (i32.const 1)))
                (local.get $f))))))
      (func (export "run") (param i32) (result i32)
        (i32.add (call $rec (local.get 0)) (global.get $g))))"#;
    let interp = engine(Strategy::Interpreter, false).unwrap();
    let want = uninterrupted(&interp, text, 9);
    let mut engines: Vec<(String, Engine)> = vec![("interp".into(), interp.clone())];
    engines.extend(engine(Strategy::Jit, true).map(|e| ("jit".into(), e)));
    engines.extend(tiered_engines().into_iter().map(|(a, e)| (format!("tiered {a}"), e)));
    for (name, taker) in &engines {
        let module = Module::new(taker, text).unwrap();
        for at in [1, 4, 9] {
            let taken = take_at(taker, &module, 9, at, false);
            assert_eq!(resume(&interp, text, &taken), want, "{name}, host call {at}");
            assert_eq!(resume(taker, text, &taken), want, "{name}, host call {at}, same engine");
        }
    }
    // A forged index is refused, never followed: `$rec`'s local `$f` is its second slot.
    let module = Module::new(&interp, text).unwrap();
    let mut taken = take_at(&interp, &module, 9, 3, false);
    taken.state.frames[1].values[1] = 999;
    let (mut store, instance) = instantiate(&interp, &module);
    let err = instance.resume(&mut store, &taken.state).unwrap_err().to_string();
    assert!(err.contains("past the instance's functions"), "{err}");
}
