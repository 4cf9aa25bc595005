//! `silo run` with wasi-threads guests (WebAssembly text against `wasi.thread-spawn`, so the
//! tests need no threads toolchain): threads share the memory and the WASI world, and the guest
//! ends as one — a worker that traps or calls `proc_exit` ends it, a first thread that returns
//! stops the workers, the deadline stops every thread, and `--max-threads` refuses spawns past
//! the quota with a note. Every case runs in every engine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const ENGINES: [&str; 3] = ["interp", "jit", "tiered"];

/// A guest whose worker runs `worker` and whose first thread runs `main`. Memory: the flag at
/// 0, the worker's argument at 4, an iovec at 16, "hello from a thread\n" at 100 and
/// "main done\n" at 200.
fn guest(dir: &Path, name: &str, worker: &str, main: &str) -> PathBuf {
    let text = format!(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
          (import "env" "memory" (memory 1 2 shared))
          (export "memory" (memory 0))
          (data (i32.const 100) "hello from a thread\n")
          (data (i32.const 200) "main done\n")
          (func $print (param $at i32) (param $len i32)
            (i32.store (i32.const 16) (local.get $at))
            (i32.store (i32.const 20) (local.get $len))
            (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
          (func $wait_forever
            (loop $again
              (drop (memory.atomic.wait32 (i32.const 8) (i32.const 0) (i64.const -1)))
              (br $again)))
          (func (export "wasi_thread_start") (param $tid i32) (param $arg i32) {worker})
          (func (export "_start") {main}))"#
    );
    let path = dir.join(format!("{name}.wat"));
    std::fs::write(&path, text).unwrap();
    path
}

fn run(engine: &str, extra: &[&str], guest: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(["run", "--engine", engine])
        .args(extra)
        .arg(guest)
        .output()
        .expect("silo runs");
    (out, started.elapsed())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_worker_shares_memory_and_output_and_wakes_the_first_thread() {
    let dir = tempfile::tempdir().unwrap();
    let worker = "(i32.store (i32.const 4) (local.get $arg))
        (call $print (i32.const 100) (i32.const 20))
        (i32.atomic.store (i32.const 0) (i32.const 1))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))";
    let main = "(if (i32.lt_s (call $spawn (i32.const 7)) (i32.const 1)) (then (call $exit (i32.const 9))))
        (block $done (loop $wait
          (br_if $done (i32.atomic.load (i32.const 0)))
          (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
          (br $wait)))
        (if (i32.ne (i32.load (i32.const 4)) (i32.const 7)) (then (call $exit (i32.const 8))))
        (call $print (i32.const 200) (i32.const 10))";
    let path = guest(dir.path(), "hello", worker, main);
    for engine in ENGINES {
        for _ in 0..5 {
            let (out, _) = run(engine, &[], &path);
            assert_eq!(
                (out.status.code(), text(&out.stdout).as_str()),
                (Some(0), "hello from a thread\nmain done\n"),
                "{engine}: {}",
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn a_worker_that_traps_ends_the_guest() {
    let dir = tempfile::tempdir().unwrap();
    let path = guest(
        dir.path(),
        "trap",
        "unreachable",
        "(drop (call $spawn (i32.const 0))) (call $wait_forever)",
    );
    for engine in ENGINES {
        let (out, took) = run(engine, &[], &path);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(134), "{engine}: {stderr}");
        assert!(stderr.contains("trapped") && stderr.contains("unreachable"), "{engine}: {stderr}");
        assert!(took < Duration::from_secs(10), "{engine}: took {took:?}");
    }
}

#[test]
fn a_worker_that_exits_ends_the_guest_with_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let path = guest(
        dir.path(),
        "exit",
        "(call $exit (i32.const 3))",
        "(drop (call $spawn (i32.const 0))) (call $wait_forever)",
    );
    for engine in ENGINES {
        let (out, _) = run(engine, &[], &path);
        assert_eq!(out.status.code(), Some(3), "{engine}: {}", text(&out.stderr));
    }
}

#[test]
fn the_first_thread_returning_stops_busy_workers() {
    let dir = tempfile::tempdir().unwrap();
    let path = guest(
        dir.path(),
        "busy",
        "(loop $spin (br $spin))",
        "(drop (call $spawn (i32.const 0))) (drop (call $spawn (i32.const 0)))
         (call $print (i32.const 200) (i32.const 10))",
    );
    for engine in ENGINES {
        let (out, took) = run(engine, &[], &path);
        assert_eq!(
            (out.status.code(), text(&out.stdout).as_str()),
            (Some(0), "main done\n"),
            "{engine}: {}",
            text(&out.stderr)
        );
        assert!(took < Duration::from_secs(10), "{engine}: took {took:?}");
    }
}

#[test]
fn the_deadline_stops_every_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = guest(
        dir.path(),
        "late",
        "(loop $spin (br $spin))",
        "(drop (call $spawn (i32.const 0))) (call $wait_forever)",
    );
    for engine in ENGINES {
        let (out, took) = run(engine, &["--timeout", "500ms"], &path);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(134), "{engine}: {stderr}");
        assert!(stderr.contains("timeout quota exceeded"), "{engine}: {stderr}");
        assert!(took < Duration::from_secs(5), "{engine}: took {took:?}");
    }
}

#[test]
fn spawns_past_the_thread_quota_fail_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    // Workers sleep; the first thread spawns until refused, then prints how many it got (one
    // digit, at 300) and returns.
    let main = "(local $n i32)
        (block $refused (loop $more
          (br_if $refused (i32.lt_s (call $spawn (i32.const 0)) (i32.const 0)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br_if $refused (i32.gt_u (local.get $n) (i32.const 9)))
          (br $more)))
        (i32.store8 (i32.const 300) (i32.add (i32.const 48) (local.get $n)))
        (call $print (i32.const 300) (i32.const 1))";
    let path = guest(dir.path(), "many", "(call $wait_forever)", main);
    for engine in ENGINES {
        let (out, _) = run(engine, &["--max-threads", "3"], &path);
        let stderr = text(&out.stderr);
        assert_eq!(
            (out.status.code(), text(&out.stdout).as_str()),
            (Some(0), "3"),
            "{engine}: {stderr}"
        );
        assert!(stderr.contains("threads quota exceeded: limit 3"), "{engine}: {stderr}");
    }
    let (out, _) = run("interp", &["--max-threads", "5000"], &path);
    assert!(text(&out.stderr).contains("--max-threads"), "{}", text(&out.stderr));
}

#[test]
fn a_threads_guest_must_import_a_shared_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("own.wat");
    std::fs::write(
        &path,
        r#"(module (import "wasi" "thread-spawn" (func (param i32) (result i32)))
             (memory (export "memory") 1) (func (export "_start")))"#,
    )
    .unwrap();
    let (out, _) = run("interp", &[], &path);
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr.contains("must import its memory as a shared memory"), "{stderr}");
}

#[test]
fn the_threads_of_a_guest_share_its_fuel() {
    let dir = tempfile::tempdir().unwrap();
    // Each worker counts to a million (several million units of fuel), then reports; the first
    // thread waits for both.
    let worker = "(local $i i32)
        (loop $count
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $count (i32.lt_u (local.get $i) (i32.const 1000000))))
        (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
        (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))";
    let main = "(local $done i32)
        (drop (call $spawn (i32.const 0))) (drop (call $spawn (i32.const 0)))
        (block $both (loop $wait
          (local.set $done (i32.atomic.load (i32.const 0)))
          (br_if $both (i32.ge_u (local.get $done) (i32.const 2)))
          (drop (memory.atomic.wait32 (i32.const 0) (local.get $done) (i64.const -1)))
          (br $wait)))
        (call $print (i32.const 200) (i32.const 10))";
    let path = guest(dir.path(), "fuel", worker, main);
    let (out, _) = run("interp", &["--fuel", "100000000"], &path);
    assert_eq!(text(&out.stdout), "main done\n", "{}", text(&out.stderr));
    for engine in ENGINES {
        // A count costs about 8 units an iteration, 8 million a worker: 11 million is enough
        // for either worker alone (as it would be for each, had each thread its own fuel), not
        // for both.
        let (out, _) = run(engine, &["--fuel", "11000000"], &path);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(134), "{engine}: {stderr}");
        assert!(stderr.contains("fuel quota exceeded"), "{engine}: {stderr}");
    }
}
