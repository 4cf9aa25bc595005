//! Checkpoints between calls: a guest's state written to bytes and restored into fresh instances
//! goes on exactly as the original does; damaged and forged files are refused with the reason.

use silo_core::{Engine, Instance, Module, Store, StoreLimits};
use silo_snapshot::{Checkpoint, InstanceState, RefState, SnapshotError, ValState};

/// A guest with state everywhere: memory it grows, a table it fills, globals of several types.
const GUEST: &str = include_str!("guest.wat");

fn start(engine: &Engine, module: &Module) -> (Store<()>, Instance) {
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).expect("instantiate");
    (store, instance)
}

fn step(store: &mut Store<()>, instance: &Instance) -> i64 {
    let step = instance.get_typed_func::<(), i64>(&*store, "step").unwrap();
    step.call(store, ()).expect("step runs")
}

#[test]
fn a_restored_guest_goes_on_as_the_original_does_every_time() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    for _ in 0..7 {
        step(&mut store, &instance);
    }
    let bytes = Checkpoint::capture(&store, &instance, false).unwrap().to_bytes().unwrap();
    let original: Vec<i64> = (0..6).map(|_| step(&mut store, &instance)).collect();

    for _ in 0..3 {
        let checkpoint = Checkpoint::from_bytes(&bytes).unwrap();
        let (mut store, instance) = start(&engine, &module);
        checkpoint.restore(&mut store, &instance).unwrap();
        let resumed: Vec<i64> = (0..6).map(|_| step(&mut store, &instance)).collect();
        assert_eq!(resumed, original);
    }
}

#[test]
fn an_embedded_module_is_checked_and_a_foreign_module_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    step(&mut store, &instance);
    let checkpoint = Checkpoint::capture(&store, &instance, true).unwrap();
    let embedded = checkpoint.embedded_module().unwrap().expect("embedded");
    let again = Module::new(&engine, embedded).unwrap();
    let (mut store2, instance2) = start(&engine, &again);
    checkpoint.restore(&mut store2, &instance2).unwrap();

    let other = Module::new(&engine, r#"(module (memory 1))"#).unwrap();
    let (mut store3, instance3) = start(&engine, &other);
    let err = checkpoint.restore(&mut store3, &instance3).unwrap_err();
    assert!(err.to_string().contains("it was taken from the module with SHA-256"), "{err}");

    let mut tampered = checkpoint.clone();
    tampered.module.as_mut().unwrap().push(0);
    let err = tampered.embedded_module().unwrap_err();
    assert_eq!(err.to_string(), "bad checkpoint: its embedded module does not match its SHA-256");
}

#[test]
fn damaged_files_are_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (store, instance) = start(&engine, &module);
    let bytes = Checkpoint::capture(&store, &instance, false).unwrap().to_bytes().unwrap();
    let refused = |bytes: &[u8]| Checkpoint::from_bytes(bytes).unwrap_err().to_string();

    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(
        refused(&flipped),
        "bad checkpoint: the checksum does not match: the file is damaged"
    );
    assert!(refused(&bytes[..bytes.len() / 2]).contains("checksum"));
    assert_eq!(refused(b"hello"), "bad checkpoint: not a checkpoint file (no `SILOCKPT` header)");
    let mut future = bytes.clone();
    future[8] = 9;
    assert_eq!(refused(&future), "bad checkpoint: format 9, but this Silo reads formats 2 to 5");
    let err = Checkpoint::from_bytes_limited(&bytes, 10).unwrap_err().to_string();
    assert_eq!(err, "bad checkpoint: larger than 10 bytes once decompressed");
}

/// An edit of a checkpoint's contents.
type Forgery = dyn FnOnce(&mut Checkpoint);

/// Restores `edit`ed state (a forged but well-formed file) into a fresh instance.
fn restore_forged(edit: impl FnOnce(&mut Checkpoint)) -> SnapshotError {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    step(&mut store, &instance);
    let mut checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    edit(&mut checkpoint);
    let checkpoint = Checkpoint::from_bytes(&checkpoint.to_bytes().unwrap()).unwrap();
    let (mut store, instance) = start(&engine, &module);
    checkpoint.restore(&mut store, &instance).unwrap_err()
}

#[test]
fn forged_contents_are_refused_with_the_place() {
    let cases: Vec<(Box<Forgery>, &str)> = vec![
        (
            Box::new(|c| c.instance.tables[0][1] = RefState::Func(77)),
            "table 0 element 1: no function 77 in the module",
        ),
        (Box::new(|c| c.instance.tables[0][1] = RefState::I31(3)), "table 0 element 1: value"),
        (Box::new(|c| c.instance.globals[2] = ValState::I32(5)), "global 2: value"),
        (
            Box::new(|c| c.instance.globals[3] = ValState::I32(100)),
            "global 3: immutable, and the checkpoint holds another value",
        ),
        (
            Box::new(|c| c.instance.memories[0].runs[0].offset = 10 << 20),
            "memory 0: bytes at 10485760 beyond its 131072 bytes",
        ),
        (
            Box::new(|c| c.instance.memories[0].pages = 0),
            "memory 0: 0 pages, fewer than the module's 1",
        ),
        (Box::new(|c| c.instance.memories[0].pages = 1000), "memory 0: cannot grow to 1000 pages"),
        (Box::new(|c| c.instance.memories.clear()), "it has 0 memories, the module 1"),
        (Box::new(|c| c.instance.elem_dropped.push(true)), "its segments are not the module's"),
    ];
    for (edit, expected) in cases {
        let err = restore_forged(edit).to_string();
        assert!(err.contains(expected), "`{err}` should contain `{expected}`");
    }
}

#[test]
fn a_restore_stays_within_the_store_quota() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    for _ in 0..9 {
        step(&mut store, &instance);
    }
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    assert_eq!(checkpoint.instance.memories[0].pages, 4);
    let (mut small, instance) = start(&engine, &module);
    small.set_limits(StoreLimits::new().memory_size(2 << 16));
    let err = checkpoint.restore(&mut small, &instance).unwrap_err().to_string();
    assert!(err.contains("memory 0: cannot grow to 4 pages"), "{err}");
}

#[test]
fn forks_start_from_one_image_and_stay_apart() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    for _ in 0..9 {
        step(&mut store, &instance);
    }
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    let original: Vec<i64> = (0..5).map(|_| step(&mut store, &instance)).collect();

    let fork = checkpoint.fork(&module).unwrap();
    let linker = silo_core::Linker::new(&engine);
    let mut guests = Vec::new();
    for _ in 0..3 {
        let mut store = Store::new(&engine, ());
        let instance = fork.resume(&mut store, &linker, &module).unwrap();
        guests.push((store, instance));
    }
    // Each guest writes its memory (copy-on-write); the others, and a fork started after them,
    // still start from the checkpoint.
    for (store, instance) in &mut guests {
        let resumed: Vec<i64> = (0..5).map(|_| step(store, instance)).collect();
        assert_eq!(resumed, original);
    }
    let mut store = Store::new(&engine, ());
    let late = fork.resume(&mut store, &linker, &module).unwrap();
    let resumed: Vec<i64> = (0..5).map(|_| step(&mut store, &late)).collect();
    assert_eq!(resumed, original);
    assert_eq!(
        InstanceState::capture(&store, &late).unwrap().memories,
        InstanceState::capture(&guests[0].0, &guests[0].1).unwrap().memories
    );
}

#[test]
fn forks_started_one_after_another_reuse_memory_and_still_start_from_the_checkpoint() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    let fresh: Vec<i64> = (0..3).map(|_| step(&mut store, &instance)).collect();
    for _ in 0..6 {
        step(&mut store, &instance);
    }
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    let original: Vec<i64> = (0..5).map(|_| step(&mut store, &instance)).collect();
    let at_checkpoint = checkpoint.instance.memories.clone();
    let fork = checkpoint.fork(&module).unwrap();
    let linker = silo_core::Linker::new(&engine);
    // Each guest is dropped before the next starts, so each reuses the last one's memory (the
    // engine's pool), which it wrote: the next must still see the checkpoint's bytes only.
    for round in 0..4 {
        let mut store = Store::new(&engine, ());
        let instance = fork.resume(&mut store, &linker, &module).unwrap();
        let state = InstanceState::capture(&store, &instance).unwrap();
        assert_eq!(state.memories, at_checkpoint, "round {round}: memory at start");
        let resumed: Vec<i64> = (0..5).map(|_| step(&mut store, &instance)).collect();
        assert_eq!(resumed, original, "round {round}");
        // A plain instance in between starts from the module, not from the fork's image.
        let (mut plain, instance) = start(&engine, &module);
        let again: Vec<i64> = (0..3).map(|_| step(&mut plain, &instance)).collect();
        assert_eq!(again, fresh, "round {round}: a fresh instance");
    }
}

#[test]
fn a_saved_file_loads_back_and_a_damaged_one_is_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    step(&mut store, &instance);
    let checkpoint = Checkpoint::capture(&store, &instance, true).unwrap();
    let dir = std::env::temp_dir().join(format!("silo-checkpoint-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("guest.ckpt");
    checkpoint.save(&path).unwrap();
    assert_eq!(Checkpoint::load(&path).unwrap(), checkpoint);

    let bytes = std::fs::read(&path).unwrap();
    let refused = |bytes: &[u8]| {
        std::fs::write(&path, bytes).unwrap();
        Checkpoint::load(&path).unwrap_err().to_string()
    };
    let mut flipped = bytes.clone();
    flipped[20] ^= 1;
    assert_eq!(
        refused(&flipped),
        "bad checkpoint: the checksum does not match: the file is damaged"
    );
    assert!(refused(&bytes[..bytes.len() - 1]).contains("checksum"));
    assert_eq!(
        refused(&bytes[..10]),
        "bad checkpoint: not a checkpoint file (no `SILOCKPT` header)"
    );
    let missing = Checkpoint::load(&dir.join("absent.ckpt")).unwrap_err().to_string();
    assert!(missing.starts_with("checkpoint file `"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resuming_does_not_run_the_start_function_again() {
    // The start function calls the host: a resume (or a fork) that ran it again would call it
    // again, on top of restoring the state it left.
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "host" "started" (func $started))
            (global $starts (mut i32) (i32.const 0))
            (start $start)
            (func $start (call $started)
                (global.set $starts (i32.add (global.get $starts) (i32.const 1))))
            (func (export "starts") (result i32) (global.get $starts)))"#,
    )
    .unwrap();
    let mut linker = silo_core::Linker::<u32>::new(&engine);
    linker
        .func_wrap("host", "started", |mut caller: silo_core::Caller<'_, u32>| {
            *caller.data_mut() += 1;
        })
        .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    assert_eq!(*store.data(), 1);
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();

    let mut store = Store::new(&engine, 0u32);
    let resumed = checkpoint.resume(&mut store, &linker, &module).unwrap();
    assert_eq!(*store.data(), 0, "the start function ran again");
    let starts = resumed.get_typed_func::<(), i32>(&store, "starts").unwrap();
    assert_eq!(starts.call(&mut store, ()).unwrap(), 1);

    let fork = checkpoint.fork(&module).unwrap();
    let mut store = Store::new(&engine, 0u32);
    let forked = fork.resume(&mut store, &linker, &module).unwrap();
    assert_eq!(*store.data(), 0, "the start function ran again");
    let starts = forked.get_typed_func::<(), i32>(&store, "starts").unwrap();
    assert_eq!(starts.call(&mut store, ()).unwrap(), 1);
}

/// A file as the format before the heap image wrote it: the same body without the checkpoint's
/// last field (the image), under version 4.
fn as_format_4(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    use std::io::{Read, Write};
    let body = &bytes[12..bytes.len() - 32];
    let mut plain = Vec::new();
    lz4_flex::frame::FrameDecoder::new(body).read_to_end(&mut plain).unwrap();
    assert_eq!(plain.pop(), Some(0), "a checkpoint without objects ends with an empty image");
    let mut out = b"SILOCKPT".to_vec();
    out.extend_from_slice(&4u32.to_le_bytes());
    let mut lz4 = lz4_flex::frame::FrameEncoder::new(&mut out);
    lz4.write_all(&plain).unwrap();
    lz4.finish().unwrap();
    let digest = sha2::Sha256::digest(&out);
    out.extend_from_slice(&digest);
    out
}

#[test]
fn a_file_of_format_4_reads_and_restores() {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).unwrap();
    let (mut store, instance) = start(&engine, &module);
    for _ in 0..5 {
        step(&mut store, &instance);
    }
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    let old = Checkpoint::from_bytes(&as_format_4(&checkpoint.to_bytes().unwrap())).unwrap();
    assert_eq!(old, checkpoint);
    let original: Vec<i64> = (0..4).map(|_| step(&mut store, &instance)).collect();
    let (mut store, instance) = start(&engine, &module);
    old.restore(&mut store, &instance).unwrap();
    assert_eq!((0..4).map(|_| step(&mut store, &instance)).collect::<Vec<_>>(), original);
}
