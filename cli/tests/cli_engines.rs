//! The same guest under every engine: `--engine interp`, `jit` and `tiered` (with the threshold at
//! one, so functions change tiers mid-run) must print the same output and stop with the same trap
//! message, backtrace and exit status (an uncaught exception too); the host always lives on to
//! report it.

use std::path::PathBuf;
use std::process::{Command, Output};

const ENGINES: [&[&str]; 4] = [
    &["--engine", "interp"],
    &["--engine", "jit"],
    &["--engine", "tiered"],
    &["--engine", "tiered", "--tier-up-after", "1"],
];

/// A WASI guest that prints a line, then faults the way `mode` (its first argument) says, a few
/// calls deep so that the backtrace has frames of several functions.
const FAULTS: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "starting\n")
  (func $print
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 9))
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  ;; The first byte of argv[1].
  (func $mode (result i32)
    (drop (call $args_get (i32.const 256) (i32.const 512)))
    (i32.load8_u (i32.load (i32.const 260))))
  (func $far_load (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 0x7fff0000))))
  (func $divide (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0)))
  (func $unreachable unreachable)
  (tag $oops (param i32))
  (func $throw (param i32) (throw $oops (local.get 0)))
  ;; Caught and thrown again from a handler that does not match, then left uncaught.
  (func $rethrow (param i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $throw (local.get 0)))
      (return))
    (throw_ref))
  (func $recurse (param i32) (result i32) (i32.add (call $recurse (local.get 0)) (i32.const 1)))
  (func $fault (param $m i32) (result i32)
    (if (i32.eq (local.get $m) (i32.const 0x6f)) (then (return (call $far_load (i32.const 16)))))
    (if (i32.eq (local.get $m) (i32.const 0x64)) (then (return (call $divide (i32.const 0)))))
    (if (i32.eq (local.get $m) (i32.const 0x75)) (then (call $unreachable)))
    (if (i32.eq (local.get $m) (i32.const 0x74)) (then (call $throw (i32.const 3))))
    (if (i32.eq (local.get $m) (i32.const 0x65)) (then (call $rethrow (i32.const 4))))
    (call $recurse (i32.const 0)))
  (func (export "_start")
    (call $print)
    (drop (call $fault (call $mode))))
)"#;

fn run(engine: &[&str], guest: &PathBuf, mode: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silo"))
        .arg("run")
        .args(engine)
        .arg(guest)
        .arg(mode)
        .output()
        .expect("silo runs")
}

#[test]
fn every_engine_traps_alike() {
    let dir = tempfile::tempdir().unwrap();
    let guest = dir.path().join("faults.wat");
    std::fs::write(&guest, FAULTS).unwrap();
    let cases = [
        ("o", "out of bounds memory access"),
        ("d", "integer divide by zero"),
        ("u", "unreachable"),
        ("t", "uncaught exception"),
        ("e", "uncaught exception"),
        ("r", "call stack exhausted"),
    ];
    for (mode, message) in cases {
        let reference = run(ENGINES[0], &guest, mode);
        let err = String::from_utf8_lossy(&reference.stderr).into_owned();
        assert_eq!(reference.status.code(), Some(134), "interp, {mode}: {err}");
        assert_eq!(String::from_utf8_lossy(&reference.stdout), "starting\n");
        let first = err.lines().next().unwrap_or_default();
        assert!(first.ends_with(&format!("trapped: {message}")), "interp, {mode}: {err}");
        assert!(err.contains("wasm backtrace:"), "interp, {mode}: {err}");
        for engine in &ENGINES[1..] {
            let o = run(engine, &guest, mode);
            let what = format!("{engine:?}, {mode}");
            assert_eq!(
                o.status.code(),
                Some(134),
                "{what}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(o.stdout, reference.stdout, "{what}: output");
            let this = String::from_utf8_lossy(&o.stderr);
            // Deep recursion leaves as many frames as the stack holds, which differs between
            // the interpreter's value stack and the native stack: compare the frames shown.
            let shown = |s: &str| -> Vec<String> {
                s.lines().filter(|l| !l.trim_start().starts_with("...")).map(String::from).collect()
            };
            assert_eq!(shown(&this), shown(&err), "{what}: trap report");
        }
    }
}
