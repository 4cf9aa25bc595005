//! Checkpoints as untrusted input. The input is the body of a checkpoint file (its postcard
//! encoding, before compression and checksum: a damaged file is already refused by its checksum,
//! so what matters is a forged one with a valid checksum). Whatever decodes is pointed at a fixed
//! guest (`snapshot/tests/guest.wat`), written as a file and read back, restored into a fresh
//! instance, and the guest is run a few steps; its WASI part is restored into a fresh context that
//! pre-opens a temporary directory. Refusals and traps are fine; a panic or a crash is a finding,
//! and so is a file outside the temporary directory that changes.

use std::sync::LazyLock;

use silo_core::{Config, Engine, Instance, Module, Store, Strategy};
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

/// Restores the checkpoint body `data`; returns whether it decoded (worth keeping).
pub fn run(data: &[u8]) -> bool {
    let Ok(mut checkpoint) = postcard::from_bytes::<Checkpoint>(data) else { return false };
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
