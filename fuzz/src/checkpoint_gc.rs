//! Checkpoints of guests of the garbage-collected heap as untrusted input (part of the
//! `checkpoint` target): a forged heap image — type indices, lengths, codes of references in
//! fields, globals, tables and frames — is restored into a GC guest between calls
//! (`snapshot/tests/gc_guest.wat`) and a run into guests whose frames hold objects
//! (`snapshot/tests/gc_run_guest.wat`) and exceptions (`snapshot/tests/exn_run_guest.wat`), which
//! then run on. Refusals, traps and running out of fuel
//! are fine; a panic or a crash is a finding.

use std::sync::LazyLock;

use silo_core::{Config, Engine, Instance, Linker, Module, Store, Strategy};
use silo_snapshot::{Checkpoint, RunState};

const GUEST: &str = include_str!("../../snapshot/tests/gc_guest.wat");
const RUN_GUEST: &str = include_str!("../../snapshot/tests/gc_run_guest.wat");
const EXN_GUEST: &str = include_str!("../../snapshot/tests/exn_run_guest.wat");

/// The guests in an interpreter that meters fuel (a forged run must end), with the run guest's
/// linker.
struct Fixture {
    engine: Engine,
    guest: Module,
    run_guest: Module,
    exn_guest: Module,
    linker: Linker<()>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter).consume_fuel(true);
    let engine = Engine::new(&config);
    let guest = Module::new(&engine, GUEST).expect("the GC guest loads");
    let run_guest = Module::new(&engine, RUN_GUEST).expect("the GC run guest loads");
    let exn_guest = Module::new(&engine, EXN_GUEST).expect("the exception run guest loads");
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "tick", |n: i32| n.wrapping_mul(7)).expect("define tick");
    Fixture { engine, guest, run_guest, exn_guest, linker }
});

fn store() -> Store<()> {
    let mut store = Store::new(&FIXTURE.engine, ());
    // Enough for the guest's steps; a forged run (the run guest collects as it goes) stops.
    store.set_fuel(500_000).expect("fuel");
    store.set_limits(silo_core::StoreLimits::new().memory_size(64 << 20).total_memory(256 << 20));
    store
}

/// A real checkpoint body of the GC guest between calls (a list, buffers, a cycle, a shared
/// object, an immutable global's object): the third seed of the corpus.
pub fn valid_body() -> Vec<u8> {
    let f = &*FIXTURE;
    let mut store = store();
    let instance = Instance::new(&mut store, &f.guest, &[]).expect("instantiate");
    let step = instance.get_typed_func::<i32, ()>(&store, "step").expect("step");
    for i in 0..12 {
        step.call(&mut store, i).expect("step runs");
    }
    let checkpoint = Checkpoint::capture(&store, &instance, false).expect("capture");
    postcard::to_stdvec(&checkpoint).expect("encode")
}

/// A real checkpoint body taken in the middle of `run(6)` of the run guest (at its fourth host
/// call), its frames holding objects: the fourth seed.
pub fn valid_run_body() -> Vec<u8> {
    run_body(&FIXTURE.run_guest)
}

/// As `valid_run_body`, of the exception guest, its frames holding exceptions inside handlers:
/// the fifth seed.
pub fn valid_exn_run_body() -> Vec<u8> {
    run_body(&FIXTURE.exn_guest)
}

fn run_body(module: &Module) -> Vec<u8> {
    let f = &*FIXTURE;
    let mut store = store();
    store.set_fuel(50_000_000).expect("fuel");
    let instance = f.linker.instantiate(&mut store, module).expect("instantiate");
    let taken = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = taken.clone();
    let mut calls = 0;
    store.on_host_call(move |caller| {
        calls += 1;
        if calls == 4 {
            let checkpoint = Checkpoint::capture_at_host_call(&caller, false).expect("capture");
            *out.lock().expect("lock") = Some(checkpoint);
            return Err(silo_core::Trap::host("taken"));
        }
        Ok(())
    });
    let run = instance.get_typed_func::<i32, i32>(&store, "run").expect("run");
    let _ = run.call(&mut store, 6);
    let checkpoint = taken.lock().expect("lock").take().expect("taken at the fourth call");
    postcard::to_stdvec(&checkpoint).expect("encode")
}

/// Restores `checkpoint` (forged or not) into the GC guest and runs it on; resumes its run in the
/// run guest when it has one.
pub fn run(checkpoint: &Checkpoint) {
    let f = &*FIXTURE;
    let mut checkpoint = checkpoint.clone();
    checkpoint.module = None;
    if let silo_snapshot::Taken::InRun(run) = &checkpoint.taken {
        for module in [&f.run_guest, &f.exn_guest] {
            checkpoint.module_sha256 = digest(module);
            resume_run(&checkpoint, run, module);
        }
    }
    checkpoint.module_sha256 = digest(&f.guest);
    let mut store = store();
    if let Ok(instance) = Instance::new_without_start(&mut store, &f.guest, &[])
        && checkpoint.restore(&mut store, &instance).is_ok()
        && let Ok(step) = instance.get_typed_func::<i32, ()>(&store, "step")
        && let Ok(digest) = instance.get_typed_func::<(), i64>(&store, "digest")
    {
        for i in 0..3 {
            let _ = step.call(&mut store, i);
            let _ = digest.call(&mut store, ());
        }
    }
}

fn resume_run(checkpoint: &Checkpoint, run: &RunState, module: &Module) {
    let f = &*FIXTURE;
    let mut store = store();
    let Ok((instance, objects)) = checkpoint.resume_with_heap(&mut store, &f.linker, module) else {
        return;
    };
    let _ = instance.resume_with_heap(&mut store, &run.to_exec_state(), &objects);
}

fn digest(module: &Module) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(module.info().bytes.as_ref() as &[u8]).into()
}

#[cfg(test)]
mod tests {
    /// Both seeds restore and run: the fuzzer starts from states that work.
    #[test]
    fn the_gc_seeds_restore_and_resume() {
        for body in [super::valid_body(), super::valid_run_body(), super::valid_exn_run_body()] {
            let checkpoint: silo_snapshot::Checkpoint = postcard::from_bytes(&body).unwrap();
            assert!(!checkpoint.heap.is_empty());
            super::run(&checkpoint);
            assert!(crate::checkpoint::run(&body));
        }
        let f = &*super::FIXTURE;
        for (body, module) in
            [(super::valid_run_body(), &f.run_guest), (super::valid_exn_run_body(), &f.exn_guest)]
        {
            let checkpoint: silo_snapshot::Checkpoint = postcard::from_bytes(&body).unwrap();
            let silo_snapshot::Taken::InRun(run) = &checkpoint.taken else { panic!("a run") };
            let mut store = super::store();
            store.set_fuel(50_000_000).unwrap();
            let (instance, objects) =
                checkpoint.resume_with_heap(&mut store, &f.linker, module).unwrap();
            let results = instance.resume_with_heap(&mut store, &run.to_exec_state(), &objects);
            assert!(results.is_ok(), "{results:?}");
        }
    }
}
