//! Runs of a guest whose frames hold objects of the garbage-collected heap, taken out in the
//! middle (at a host call deep in a recursion) with the heap image, and resumed in new stores by
//! every engine: they end as the run never stopped does, every time, also when collections move
//! the objects native frames' records hold before the checkpoint, or the restored objects after.
//! Forged frame values are refused against the slots' exact types.

use std::sync::{Arc, Mutex};

use silo::snapshot::{Checkpoint, Taken};
use silo::{Caller, Config, Engine, Instance, Linker, Module, Store, Strategy, Trap};

/// Each level of the recursion keeps a node (also pushed on the list it passes down), an array,
/// an `i31` and a typed function reference across the host call and the recursive call, with an
/// object on the operand stack across both; the way back up allocates enough garbage to collect.
const GUEST: &str = r#"(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $arr (array (mut i32)))
  (type $fn (func (param i32) (result i32)))
  (global $keep (mut (ref null $node)) (ref.null $node))
  (elem declare func $sq)
  (func $sq (type $fn) (i32.mul (local.get 0) (local.get 0)))
  (func $pair (param $x (ref $node)) (param $y i32) (result i32)
    (i32.add (struct.get $node $v (local.get $x)) (local.get $y)))
  (func $rec (param $n i32) (param $list (ref null $node)) (result i32)
    (local $here (ref null $node)) (local $a (ref null $arr)) (local $small i31ref)
    (local $f (ref null $fn))
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $sum (local.get $list)))
      (else
        (local.set $here (struct.new $node (local.get $n) (local.get $list)))
        (local.set $a (array.new $arr (local.get $n) (i32.const 3)))
        (local.set $small (ref.i31 (i32.mul (local.get $n) (i32.const -3))))
        (local.set $f (ref.func $sq))
        (global.set $keep (local.get $here))
        ;; garbage on the way down: collections move what the frames below hold
        (drop (call $churn (local.get $n)))
        (i32.add
          (call $pair (ref.as_non_null (local.get $here)) (call $tick (local.get $n)))
          (i32.add
            (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $here))
            (i32.add
              (i32.add (call $churn (local.get $n))
                (array.get $arr (local.get $a) (i32.const 2)))
              (i32.add (i31.get_s (local.get $small))
                (call_ref $fn (local.get $n) (local.get $f)))))))))
  (func $churn (param $n i32) (result i32) (local $i i32) (local $l (ref null $node))
    (loop $more
      (local.set $l (struct.new $node (local.get $i) (local.get $l)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 64))) (then (local.set $l (ref.null $node))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $more (i32.lt_u (local.get $i) (i32.const 20000))))
    (struct.get $node $v (ref.as_non_null (local.get $l))))
  (func $sum (param $l (ref null $node)) (result i32) (local $s i32)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 3))
          (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $walk)))
    (local.get $s))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $rec (local.get 0) (ref.null $node)) (struct.get $node $v (global.get $keep)))))"#;

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
    let checkpoint = Checkpoint::from_bytes(bytes).map_err(|e| e.to_string())?;
    let Taken::InRun(run) = &checkpoint.taken else { panic!("taken in a run") };
    let (mut store, linker) = instantiate(engine, module, 0);
    let (instance, objects): (Instance, _) =
        checkpoint.resume_with_heap(&mut store, &linker, module).map_err(|e| e.to_string())?;
    let results = instance
        .resume_with_heap(&mut store, &run.to_exec_state(), &objects)
        .map_err(|e| e.to_string())?;
    assert!(store.gc_stats().collections > 0, "the resumed run collected its heap");
    Ok(results[0].i32().expect("an i32"))
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
