//! Checkpoints as untrusted input. The input is the body of a checkpoint file (its postcard
//! encoding, before compression and checksum: a damaged file is already refused by its checksum,
//! so what matters is a forged one with a valid checksum). Whatever decodes is pointed at a fixed
//! guest (`snapshot/tests/guest.wat`), written as a file and read back, restored into a fresh
//! instance, and the guest is run a few steps; its WASI part is restored into a fresh context that
//! pre-opens a temporary directory. A run taken in the middle (`Taken::InRun`) is resumed
//! in a guest of its own, forged frames, offsets and values included. Refusals and traps are fine; a panic or a crash is a finding,
//! and so is a file outside the temporary directory that changes.

use std::sync::LazyLock;

use silo_core::{Config, Engine, Instance, Linker, Module, Store, Strategy};
use silo_snapshot::Checkpoint;
use silo_wasi::{ClockSnapshot, FdKind, FdSnapshot, WasiCtxBuilder, WasiSnapshot};

/// The guest every input is restored into.
const GUEST: &str = include_str!("../../snapshot/tests/guest.wat");

struct Fixture {
    engine: Engine,
    module: Module,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, GUEST).expect("the guest loads");
    Fixture { engine, module }
});

/// A real checkpoint body: the guest after a few steps, with a WASI world holding an open file.
/// The seed of the corpus (and of `examples/run.rs --seeds`, which changes a few bytes of it).
pub fn valid_body() -> Vec<u8> {
    let f = &*FIXTURE;
    let mut store = Store::new(&f.engine, ());
    let instance = Instance::new(&mut store, &f.module, &[]).expect("instantiate");
    let step = instance.get_typed_func::<(), i64>(&store, "step").expect("step");
    for _ in 0..5 {
        step.call(&mut store, ()).expect("step runs");
    }
    let mut checkpoint = Checkpoint::capture(&store, &instance, false).expect("capture");
    checkpoint.fuel_remaining = Some(1000);
    checkpoint.wasi = Some(WasiSnapshot {
        args: vec![b"guest".to_vec()],
        env: vec![b"A=1".to_vec()],
        clocks: ClockSnapshot::Virtual { elapsed_ns: 5_000 },
        fds: vec![
            FdSnapshot { fd: 0, kind: FdKind::Stdin },
            FdSnapshot { fd: 1, kind: FdKind::Stdout },
            FdSnapshot { fd: 2, kind: FdKind::Stderr },
            FdSnapshot { fd: 3, kind: FdKind::Preopen { guest_path: "/data".into() } },
            FdSnapshot {
                fd: 4,
                kind: FdKind::File {
                    preopen: "/data".into(),
                    path: "notes.txt".into(),
                    offset: 3,
                    read: true,
                    write: true,
                    fdflags: 0,
                },
            },
        ],
    });
    postcard::to_stdvec(&checkpoint).expect("encode")
}

/// The guest of checkpoints taken in the middle of a run: recursion with a value on the operand
/// stack across each host call, memory written on the way down.
const RUN_GUEST: &str = r#"(module
  (import "host" "tick" (func $tick (param i32) (result i32)))
  (memory (export "memory") 1)
  (func $rec (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else
        (i32.store (i32.mul (local.get $n) (i32.const 4)) (local.get $n))
        (i32.add
          (i32.add (local.get $n) (call $tick (local.get $n)))
          (i32.add
            (call $rec (i32.sub (local.get $n) (i32.const 1)))
            (i32.load (i32.mul (local.get $n) (i32.const 4))))))))
  (func (export "run") (param i32) (result i32) (call $rec (local.get 0))))"#;

/// `RUN_GUEST` in an interpreter that meters fuel (a forged run must end), and its linker.
static RUN_FIXTURE: LazyLock<(Engine, Module, Linker<()>)> = LazyLock::new(|| {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter).consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, RUN_GUEST).expect("the run guest loads");
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "tick", |n: i32| n.wrapping_mul(3)).expect("define tick");
    (engine, module, linker)
});

/// A real checkpoint body taken in the middle of a run (the fifth host call of `run(8)`): the
/// second seed of the corpus.
pub fn valid_run_body() -> Vec<u8> {
    let (engine, module, linker) = &*RUN_FIXTURE;
    let mut store = Store::new(engine, ());
    store.set_fuel(1_000_000).expect("fuel");
    let instance = linker.instantiate(&mut store, module).expect("instantiate");
    let taken = std::sync::Arc::new(std::sync::Mutex::new(None));
    let out = taken.clone();
    let mut calls = 0;
    store.on_host_call(move |caller| {
        calls += 1;
        if calls == 5 {
            let checkpoint = Checkpoint::capture_at_host_call(&caller, false).expect("capture");
            *out.lock().expect("lock") = Some(checkpoint);
            return Err(silo_core::Trap::host("taken"));
        }
        Ok(())
    });
    let run = instance.get_typed_func::<i32, i32>(&store, "run").expect("run");
    let _ = run.call(&mut store, 8);
    let checkpoint = taken.lock().expect("lock").take().expect("taken at the fifth call");
    postcard::to_stdvec(&checkpoint).expect("encode")
}

/// Resumes a forged run in `RUN_GUEST`: refused, trapping or running out of fuel are all fine.
fn resume_run(checkpoint: &Checkpoint, run: &silo_snapshot::RunState) {
    let (engine, module, linker) = &*RUN_FIXTURE;
    let mut store = Store::new(engine, ());
    store.set_fuel(100_000).expect("fuel");
    store.set_limits(silo_core::StoreLimits::new().memory_size(64 << 20));
    let Ok(instance) = linker.instantiate_without_start(&mut store, module) else { return };
    let _ = checkpoint.restore(&mut store, &instance);
    let _ = instance.resume(&mut store, &run.to_exec_state());
}

/// Restores the checkpoint body `data`; returns whether it decoded (worth keeping).
pub fn run(data: &[u8]) -> bool {
    let Ok(mut checkpoint) = postcard::from_bytes::<Checkpoint>(data) else { return false };
    if let silo_snapshot::Taken::InRun(run) = &checkpoint.taken {
        resume_run(&checkpoint, run);
    }
    crate::checkpoint_gc::run(&checkpoint);
    let f = &*FIXTURE;
    // Aim every input at the guest, so that the restore's own checks are what is tested.
    checkpoint.module_sha256 = module_digest(&f.module);
    checkpoint.module = None;

    // Through the file format and back: what was written must read back the same.
    let bytes = checkpoint.to_bytes().expect("a decoded checkpoint encodes again");
    let read = Checkpoint::from_bytes(&bytes).expect("a written checkpoint reads back");
    assert_eq!(read, checkpoint, "the file format changed the checkpoint");

    let mut store = Store::new(&f.engine, ());
    store.set_limits(silo_core::StoreLimits::new().memory_size(64 << 20).table_elements(100_000));
    if let Ok(instance) = Instance::new_without_start(&mut store, &f.module, &[])
        && checkpoint.restore(&mut store, &instance).is_ok()
        && let Ok(step) = instance.get_typed_func::<(), i64>(&store, "step")
    {
        for _ in 0..3 {
            let _ = step.call(&mut store, ());
        }
    }

    if let Some(wasi) = &checkpoint.wasi {
        restore_wasi(wasi);
    }
    true
}

/// Restores a WASI world into a fresh context granting one temporary directory, and checks that
/// nothing beside that directory changed.
fn restore_wasi(wasi: &WasiSnapshot) {
    let root = tempfile::tempdir().expect("a temporary directory");
    let granted = root.path().join("data");
    let canary = root.path().join("canary.txt");
    std::fs::create_dir(&granted).expect("create data/");
    std::fs::write(granted.join("notes.txt"), b"hello").expect("write notes.txt");
    std::fs::write(&canary, b"untouched").expect("write the canary");
    let dir = cap_std::fs::Dir::open_ambient_dir(&granted, cap_std::ambient_authority())
        .expect("open data/");
    let ctx = WasiCtxBuilder::new()
        .preopened_dir(dir, "/data", silo_wasi::DirPerms::ReadWrite)
        .virtual_clocks()
        .build();
    let _ = ctx.restore(wasi);
    assert_eq!(
        std::fs::read(&canary).expect("the canary is still there"),
        b"untouched",
        "a restore changed a file outside its pre-open"
    );
}

fn module_digest(module: &Module) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(module.info().bytes.as_ref() as &[u8]).into()
}

#[cfg(test)]
mod tests {
    /// The second seed resumes to the run's own end: the fuzzer starts from a state that works.
    #[test]
    fn the_run_seed_resumes_to_the_end() {
        let body = super::valid_run_body();
        let checkpoint: silo_snapshot::Checkpoint = postcard::from_bytes(&body).unwrap();
        let silo_snapshot::Taken::InRun(run) = &checkpoint.taken else { panic!("a run") };
        let (engine, module, linker) = &*super::RUN_FIXTURE;
        let mut store = silo_core::Store::new(engine, ());
        store.set_fuel(1_000_000).unwrap();
        let instance = linker.instantiate_without_start(&mut store, module).unwrap();
        checkpoint.restore(&mut store, &instance).unwrap();
        let results = instance.resume(&mut store, &run.to_exec_state()).unwrap();
        // run(8) = sum over n of n + 3n + n (the value stored on the way down).
        let want: i32 = (1..=8).map(|n| 5 * n).sum();
        assert!(matches!(results[..], [silo_core::Val::I32(r)] if r == want), "{results:?}");
        assert!(super::run(&body));
    }
}
