//! Runs of a guest whose frames hold objects of the garbage-collected heap, taken out in the
//! middle (at a host call deep in a recursion) with the heap image, and resumed in new stores by
//! every engine: they end as the run never stopped does, every time, also when collections move
//! the objects native frames' records hold before the checkpoint, or the restored objects after.
//! Forged frame values are refused against the slots' exact types.

use std::sync::{Arc, Mutex};

use silo::snapshot::{Checkpoint, Taken};
use silo::{Caller, Config, Engine, Instance, Linker, Module, Store, Strategy, Trap};

/// The guest (see the file): `run(n)` recurses `n` levels, calling the host at each.
const GUEST: &str = include_str!("../snapshot/tests/gc_run_guest.wat");

fn engine(strategy: Strategy) -> Engine {
    engine_tiering_after(strategy, 1000)
}

fn engine_tiering_after(strategy: Strategy, calls: u32) -> Engine {
    let mut config = Config::new();
    config.strategy(strategy).native_checkpoints(true).tier_up_after(calls);
    Engine::try_new(&config).expect("engine")
}

/// A checkpoint file's bytes, or why it could not be taken.
type Attempt = Result<Vec<u8>, String>;

/// What the host's `tick` does: take a checkpoint at its `at`-th call (0: never).
struct Host {
    calls: usize,
    at: usize,
    taken: Arc<Mutex<Option<Attempt>>>,
}

fn instantiate(engine: &Engine, module: &Module, at: usize) -> (Store<Host>, Linker<Host>) {
    let _ = module;
    let mut linker = Linker::new(engine);
    linker.func_wrap("host", "tick", |n: i32| n * 7).unwrap();
    let host = Host { calls: 0, at, taken: Arc::new(Mutex::new(None)) };
    let mut store = Store::new(engine, host);
    // Checkpoints are taken where a host call is about to be made (the hook), not inside one.
    store.on_host_call(|mut c: Caller<'_, Host>| {
        c.data_mut().calls += 1;
        let host = c.data();
        if host.calls == host.at {
            let taken = Checkpoint::capture_at_host_call(&c, false)
                .and_then(|cp| cp.to_bytes())
                .map_err(|e| e.to_string());
            *host.taken.lock().unwrap() = Some(taken);
        }
        Ok::<(), Trap>(())
    });
    (store, linker)
}

fn run_whole(engine: &Engine, module: &Module, n: i32, at: usize) -> (i32, Option<Attempt>) {
    let (mut store, linker) = instantiate(engine, module, at);
    let instance = linker.instantiate(&mut store, module).unwrap();
    let run = instance.get_typed_func::<i32, i32>(&store, "run").unwrap();
    let result = run.call(&mut store, n).expect("the run ends");
    let taken = store.data().taken.lock().unwrap().take();
    (result, taken)
}

fn resume(engine: &Engine, module: &Module, bytes: &[u8]) -> Result<i32, String> {
    let (result, collections) = resume_counting(engine, module, bytes)?;
    assert!(collections > 0, "the resumed run collected its heap");
    Ok(result)
}

/// Resumes the checkpoint `bytes` in a new store of `engine`: the run's result, and how many
/// collections the store made.
fn resume_counting(engine: &Engine, module: &Module, bytes: &[u8]) -> Result<(i32, u64), String> {
    let checkpoint = Checkpoint::from_bytes(bytes).map_err(|e| e.to_string())?;
    let Taken::InRun(run) = &checkpoint.taken else { panic!("taken in a run") };
    let (mut store, linker) = instantiate(engine, module, 0);
    let (instance, objects): (Instance, _) =
        checkpoint.resume_with_heap(&mut store, &linker, module).map_err(|e| e.to_string())?;
    let results = instance
        .resume_with_heap(&mut store, &run.to_exec_state(), &objects)
        .map_err(|e| e.to_string())?;
    Ok((results[0].i32().expect("an i32"), store.gc_stats().collections))
}

#[test]
fn a_run_holding_objects_resumes_in_every_engine_as_it_would_have_ended() {
    let plain = engine(Strategy::Interpreter);
    let module = Module::new(&plain, GUEST).unwrap();
    let (whole, _) = run_whole(&plain, &module, 30, 0);
    // Native frames' records hold objects too: collections on the way down move them.
    let takers = [
        (Strategy::Interpreter, 1000),
        (Strategy::Jit, 1000),
        (Strategy::Tiered, 1000),
        (Strategy::Tiered, 1),
    ];
    for (taker, calls) in takers {
        let taker_engine = engine_tiering_after(taker, calls);
        let module = Module::new(&taker_engine, GUEST).unwrap();
        for at in [1, 12, 30] {
            let (result, taken) = run_whole(&taker_engine, &module, 30, at);
            assert_eq!(result, whole, "taking the checkpoint changes nothing");
            let bytes = taken.expect("taken").expect("a checkpoint of the run");
            let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
            assert!(!checkpoint.heap.is_empty(), "the nodes are in the image");
            for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
                let resumer = engine(strategy);
                let module = Module::new(&resumer, GUEST).unwrap();
                for _ in 0..2 {
                    let resumed = resume(&resumer, &module, &bytes);
                    assert_eq!(resumed, Ok(whole), "{taker:?} at {at}, {strategy:?}");
                }
            }
        }
    }
}

#[test]
fn forged_references_in_frames_are_refused() {
    let taker = engine(Strategy::Interpreter);
    let module = Module::new(&taker, GUEST).unwrap();
    let (_, taken) = run_whole(&taker, &module, 8, 5);
    let bytes = taken.unwrap().unwrap();
    let original = Checkpoint::from_bytes(&bytes).unwrap();
    let Taken::InRun(run) = &original.taken else { panic!() };
    // Frame 1 is `$rec(8)`: params $n, $list; locals $here, $a, $small, $f.
    let f = &run.frames[1];
    assert!(f.values.len() >= 6, "{f:?}");
    let node = f.values[2];
    let array = f.values[3];
    let cases: Vec<(usize, u64, &str)> = vec![
        // The array where a node is expected, a node where an array is expected.
        (2, array, "does not fit a value of type (ref null"),
        (3, node, "does not fit a value of type (ref null"),
        // A node where an i31 is expected, an object past the image.
        (4, node, "does not fit a value of type i31ref"),
        (2, 2 * 100_000, "is past the image's"),
        // A function reference of another type where `(ref null $fn)` is expected: `run`.
        (5, 6, "does not fit a value of type (ref null"),
        (5, 1_000, "is past the instance's functions"),
    ];
    let resumer = engine(Strategy::Interpreter);
    let module = Module::new(&resumer, GUEST).unwrap();
    for (slot, value, expected) in cases {
        let mut forged = original.clone();
        let Taken::InRun(run) = &mut forged.taken else { panic!() };
        run.frames[1].values[slot] = value;
        let err = resume(&resumer, &module, &forged.to_bytes().unwrap()).unwrap_err();
        assert!(err.contains(expected), "slot {slot} = {value}: {err}");
    }
}

/// Exceptions in frames (see the file): the deepest level's exception is caught, after a resume,
/// in a resumed frame.
const EXN_GUEST: &str = include_str!("../snapshot/tests/exn_run_guest.wat");

#[test]
fn a_run_holding_exceptions_inside_handlers_resumes_in_every_engine() {
    let plain = engine(Strategy::Interpreter);
    let module = Module::new(&plain, EXN_GUEST).unwrap();
    let (whole, _) = run_whole(&plain, &module, 6, 0);
    for (taker, calls) in
        [(Strategy::Interpreter, 1000), (Strategy::Jit, 1000), (Strategy::Tiered, 1)]
    {
        let taker_engine = engine_tiering_after(taker, calls);
        let module = Module::new(&taker_engine, EXN_GUEST).unwrap();
        for at in [1, 4, 7] {
            let (result, taken) = run_whole(&taker_engine, &module, 6, at);
            assert_eq!(result, whole);
            let bytes = taken.expect("taken").expect("a checkpoint of the run");
            // Each frame's exception and the object in its payload.
            let heap = Checkpoint::from_bytes(&bytes).unwrap().heap;
            assert!(heap.len() >= 2 * (at - 1), "{at}: {} objects", heap.len());
            for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
                let resumer = engine(strategy);
                let module = Module::new(&resumer, EXN_GUEST).unwrap();
                let resumed = resume_exn(&resumer, &module, &bytes);
                assert_eq!(resumed, Ok(whole), "{taker:?} at {at}, {strategy:?}");
            }
        }
    }
}

#[test]
fn a_forged_exception_is_refused() {
    let taker = engine(Strategy::Interpreter);
    let module = Module::new(&taker, EXN_GUEST).unwrap();
    let (_, taken) = run_whole(&taker, &module, 6, 4);
    let original = Checkpoint::from_bytes(&taken.unwrap().unwrap()).unwrap();
    // The exceptions are the objects of the tag's function type (type 2): two values and the tag.
    let exn = original.heap.iter().position(|o| o.type_index == 2).expect("an exception");
    assert_eq!(original.heap[exn].values.len(), 3);
    let cases: Vec<(usize, u64, &str)> = vec![
        (0, 99, "the module has no tag 99"),
        (2, 7, "field 2: the i31 3 does not fit a value of type (ref null"),
    ];
    let resumer = engine(Strategy::Interpreter);
    let module = Module::new(&resumer, EXN_GUEST).unwrap();
    for (at, value, expected) in cases {
        let mut forged = original.clone();
        forged.heap[exn].values[at] = value;
        let err = resume_exn(&resumer, &module, &forged.to_bytes().unwrap()).unwrap_err();
        assert!(err.contains(expected), "value {at} = {value}: {err}");
    }
}

/// As `resume`, without asking for collections (this guest makes little garbage).
fn resume_exn(engine: &Engine, module: &Module, bytes: &[u8]) -> Result<i32, String> {
    resume_counting(engine, module, bytes).map(|(result, _)| result)
}

/// A run whose frames were reached through a tail call and a `call_ref`: `run` calls `$via`
/// directly, which tail-calls `$work` (so the frame below `run` is `$work`, not what `run`'s call
/// names), and `$work` calls itself through a typed function reference.
const TAIL_GUEST: &str = r#"(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (type $w (func (param i32) (result i32)))
  (elem declare func $work)
  (func $via (param $n i32) (result i32)
    (return_call $work (i32.add (local.get $n) (i32.const 1))))
  (func $work (type $w) (param $n i32) (result i32)
    (if (result i32) (i32.le_s (local.get $n) (i32.const 1))
      (then (call $tick (local.get $n)))
      (else
        (i32.add (local.get $n)
          (call_ref $w (i32.sub (local.get $n) (i32.const 2)) (ref.func $work))))))
  (func (export "run") (param $n i32) (result i32)
    (i32.mul (i32.const 3) (call $via (local.get $n)))))"#;

#[test]
fn frames_reached_by_tail_calls_and_call_ref_resume_in_every_engine() {
    let plain = engine(Strategy::Interpreter);
    let module = Module::new(&plain, TAIL_GUEST).unwrap();
    let (whole, _) = run_whole(&plain, &module, 9, 0);
    for taker in [Strategy::Interpreter, Strategy::Jit] {
        let taker_engine = engine(taker);
        let module = Module::new(&taker_engine, TAIL_GUEST).unwrap();
        let (result, taken) = run_whole(&taker_engine, &module, 9, 1);
        assert_eq!(result, whole);
        let bytes = taken.expect("taken").expect("a checkpoint of the run");
        for strategy in [Strategy::Interpreter, Strategy::Jit, Strategy::Tiered] {
            let resumer = engine(strategy);
            let module = Module::new(&resumer, TAIL_GUEST).unwrap();
            assert_eq!(resume_exn(&resumer, &module, &bytes), Ok(whole), "{taker:?}, {strategy:?}");
        }
    }
}
