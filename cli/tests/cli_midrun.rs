//! Checkpoints in the middle of a run, as a user takes them: `silo run --checkpoint FILE
//! --checkpoint-on fuel=N|after=D|SIGNAL [--checkpoint-stop]` on a C program that counts,
//! recurses, reads stdin and writes to stdout and to a file it keeps open; `silo resume FILE` in a
//! new process goes on, and the two processes' output and file equal an uninterrupted run's.

mod snapshots;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use snapshots::{path, program, stderr, stdout};

/// Runs `silo` with `args`, `input` on its standard input.
fn silo_with_input(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("silo runs");
    // A run refused before it starts closes its stdin unread.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// `--dir` granting `dir` as `/data`.
fn grant(dir: &Path) -> String {
    format!("{}::/data", dir.display())
}

/// The output and log of a run never stopped.
fn uninterrupted() -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let o = silo_with_input(
        &["run", "--dir", &grant(dir.path()), path(&program("midrun.wasm"))],
        "hi\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (stdout(&o), std::fs::read_to_string(dir.path().join("log.txt")).unwrap())
}

#[test]
fn runs_stopped_anywhere_resume_to_the_same_output_and_file() {
    let (want_out, want_log) = uninterrupted();
    assert!(want_out.ends_with('\n') && want_out.contains("done "), "{want_out}");
    // Before the first host call, in the loop, deep in the recursion, near the end; taken from
    // the interpreter's frames and from native code's (resumed by the interpreter either way).
    let points = ["1", "30000", "300000", "1500000"];
    // Tiered at its default threshold, and switching after one call and after a hundred.
    let engines =
        ["interp", "jit", "tiered", "tiered --tier-up-after 1", "tiered --tier-up-after 100"];
    for (engine, fuel) in engines.into_iter().flat_map(|e| points.map(|f| (e, f))) {
        let work = tempfile::tempdir().unwrap();
        let ckpt = work.path().join("run.ckpt");
        let dir = grant(work.path());
        let fuel_at = format!("fuel={fuel}");
        let mut args = vec!["run", "--dir", &dir, "--checkpoint", path(&ckpt)];
        args.extend(["--checkpoint-on", &fuel_at, "--checkpoint-stop", "--engine"]);
        args.extend(engine.split(' '));
        let app = program("midrun.wasm");
        args.push(path(&app));
        let first = silo_with_input(&args, "hi\n");
        assert!(first.status.success(), "{engine} fuel={fuel}: {}", stderr(&first));
        assert!(stderr(&first).contains("wrote the checkpoint"), "{}", stderr(&first));
        assert!(stdout(&first).len() < want_out.len(), "fuel={fuel}: stopped early");
        // The same checkpoint resumed three times, by the interpreter and under `jit` and
        // `tiered` (its frames interpreted, its calls native or tiered): the same rest each time
        // (the file rewritten from the offset the first process left it at).
        for (round, resumer) in ["interp", "jit", "tiered"].into_iter().enumerate() {
            let args = ["resume", "--engine", resumer, "--dir", &dir, path(&ckpt)];
            let rest = silo_with_input(&args, "hi\n");
            assert!(rest.status.success(), "{engine} fuel={fuel} #{round}: {}", stderr(&rest));
            let both = stdout(&first) + &stdout(&rest);
            assert_eq!(both, want_out, "{engine} fuel={fuel} #{round}");
            let log = std::fs::read_to_string(work.path().join("log.txt")).unwrap();
            assert_eq!(log, want_log, "{engine} fuel={fuel} #{round}");
        }
    }
}

#[test]
fn a_run_that_goes_on_after_its_checkpoint_is_whole_and_the_checkpoint_resumes_too() {
    let (want_out, want_log) = uninterrupted();
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("run.ckpt");
    let dir = grant(work.path());
    let app = program("midrun.wasm");
    let args = [
        "run",
        "--dir",
        &dir,
        "--checkpoint",
        path(&ckpt),
        "--checkpoint-on",
        "after=0s",
        path(&app),
    ];
    let whole = silo_with_input(&args, "hi\n");
    assert!(whole.status.success(), "{}", stderr(&whole));
    assert_eq!(stdout(&whole), want_out, "the run went on to its end");
    // Taken at the first host call, before stdin was read: the resumed run reads its own.
    let rest = silo_with_input(&["resume", "--dir", &dir, path(&ckpt)], "hi\n");
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert_eq!(stdout(&rest), want_out);
    assert_eq!(std::fs::read_to_string(work.path().join("log.txt")).unwrap(), want_log);
}

#[test]
fn a_time_too_far_for_the_clock_never_comes() {
    let (want_out, _) = uninterrupted();
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("run.ckpt");
    let dir = grant(work.path());
    let app = program("midrun.wasm");
    let on = "after=18446744073709551615s";
    let args = ["run", "--dir", &dir, "--checkpoint", path(&ckpt), "--checkpoint-on", on];
    let out = silo_with_input(&[&args[..], &[path(&app)]].concat(), "hi\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), want_out);
    assert!(!ckpt.exists(), "no checkpoint was due");
}

#[test]
#[cfg(unix)]
fn a_signal_takes_the_checkpoint_at_the_next_host_call() {
    let (want_out, want_log) = uninterrupted();
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("run.ckpt");
    let dir = grant(work.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(["run", "--dir", &dir, "--checkpoint", path(&ckpt), "--checkpoint-on", "SIGUSR1"])
        .arg("--checkpoint-stop")
        .arg(program("midrun.wasm"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The guest waits on stdin; the signal comes while it does (the handler is in place well
    // before: it is set before the guest starts), and the checkpoint is taken at its next call.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-USR1", &pid]).status().unwrap().success());
    child.stdin.take().unwrap().write_all(b"hi\n").unwrap();
    let first = child.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("wrote the checkpoint"), "{}", stderr(&first));
    assert_eq!(stdout(&first), "", "stopped at the write of the first line");
    let rest = silo_with_input(&["resume", "--dir", &dir, path(&ckpt)], "");
    assert!(rest.status.success(), "{}", stderr(&rest));
    assert_eq!(stdout(&rest), want_out, "the line read before the checkpoint is in its memory");
    assert_eq!(std::fs::read_to_string(work.path().join("log.txt")).unwrap(), want_log);
}

#[test]
fn what_cannot_be_done_mid_run_is_refused_with_the_reason() {
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("run.ckpt");
    let dir = grant(work.path());
    let app = program("midrun.wasm");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--dir", &dir, "--checkpoint", path(&ckpt)];
        args.extend_from_slice(extra);
        args.push(path(&app));
        silo_with_input(&args, "hi\n")
    };
    let kill = run(&["--checkpoint-on", "SIGKILL"]);
    assert_eq!(kill.status.code(), Some(1));
    assert!(stderr(&kill).contains("not a signal a checkpoint can wait for"), "{}", stderr(&kill));

    let taken = run(&["--checkpoint-on", "fuel=50000", "--checkpoint-stop"]);
    assert!(taken.status.success(), "{}", stderr(&taken));
    let o = silo_with_input(&["resume", "--dir", &dir, "--invoke", "main", path(&ckpt)], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--invoke has no place"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn references_are_taken_mid_run_and_legacy_exceptions_refused() {
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("run.ckpt");
    let app = work.path().join("refs.wat");
    // A function reference on the operand stack across a WASI call, stored and called after.
    let guest = |make: &str| {
        format!(
            r#"(module
              (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (table 1 funcref)
              (type $t (func (result i32)))
              (func $f (type $t) (i32.const 7))
              (elem declare func $f)
              (func (export "_start")
                {make}
                i32.const 0
                ref.func $f
                call $yield
                drop
                table.set 0
                (call $exit (call_indirect (type $t) (i32.const 0)))))"#
        )
    };
    std::fs::write(&app, guest("")).unwrap();
    for engine in ["interp", "jit", "tiered"] {
        let args = [
            "run",
            "--engine",
            engine,
            "--checkpoint",
            path(&ckpt),
            "--checkpoint-on",
            "after=0s",
            "--checkpoint-stop",
            path(&app),
        ];
        let o = silo_with_input(&args, "");
        assert!(o.status.success(), "{engine}: {}", stderr(&o));
        let rest = silo_with_input(&["resume", "--engine", engine, path(&ckpt)], "");
        assert_eq!(rest.status.code(), Some(7), "{engine}: {}", stderr(&rest));
    }
    // Host references (null here) are taken too; a module of the legacy exception instructions
    // is not.
    std::fs::write(&app, guest("ref.null extern drop")).unwrap();
    let args = ["run", "--checkpoint", path(&ckpt), "--checkpoint-on", "after=0s"];
    let o = silo_with_input(&[&args[..], &["--checkpoint-stop", path(&app)]].concat(), "");
    assert!(o.status.success(), "{}", stderr(&o));
    let rest = silo_with_input(&["resume", path(&ckpt)], "");
    assert_eq!(rest.status.code(), Some(7), "{}", stderr(&rest));
    std::fs::remove_file(&ckpt).unwrap();
    std::fs::write(&app, guest("try catch_all end ")).unwrap();
    let o = silo_with_input(&[&args[..], &[path(&app)]].concat(), "");
    assert_ne!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("cannot be taken in the middle yet"), "{err}");
    assert!(err.contains("uses the legacy exception instructions"), "{err}");
    assert!(!ckpt.exists());
}

/// A guest that computes for a while without calling the host, then writes the four bytes of its
/// result to stdout.
const COMPUTE: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $work (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (i32.store8 (i32.add (i32.const 64) (i32.and (local.get $i) (i32.const 1023))) (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $acc) (i32.load (i32.const 500))))
  (func (export "_start")
    (i32.store (i32.const 0) (call $work (i32.const 3000000)))
    (i32.store (i32.const 8) (i32.const 0))
    (i32.store (i32.const 12) (i32.const 4))
    (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 16)))))"#;

#[test]
fn a_guest_that_only_computes_is_taken_at_a_loop_check() {
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join("compute.wat");
    std::fs::write(&app, COMPUTE).unwrap();
    let ckpt = work.path().join("run.ckpt");
    let whole = silo_with_input(&["run", "--engine", "interp", path(&app)], "");
    assert!(whole.status.success(), "{}", stderr(&whole));
    assert_eq!(whole.stdout.len(), 4);
    let points = ["fuel=5000000", "after=0s"];
    for (engine, on) in ["interp", "jit", "tiered"].into_iter().flat_map(|e| points.map(|p| (e, p)))
    {
        let first = silo_with_input(
            &[
                "run",
                "--engine",
                engine,
                "--checkpoint",
                path(&ckpt),
                "--checkpoint-on",
                on,
                "--checkpoint-stop",
                path(&app),
            ],
            "",
        );
        assert!(first.status.success(), "{engine} {on}: {}", stderr(&first));
        assert!(first.stdout.is_empty(), "{engine} {on}: stopped in the loop, before the write");
        let rest = silo_with_input(&["resume", path(&ckpt)], "");
        assert!(rest.status.success(), "{engine} {on}: {}", stderr(&rest));
        assert_eq!(rest.stdout, whole.stdout, "{engine} {on}");
    }
}

#[test]
fn a_run_in_an_older_builds_interpreter_positions_is_refused_by_name() {
    use silo::snapshot::{Checkpoint, LegacyRunState, Taken};
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("run.ckpt");
    let dir = grant(work.path());
    let app = program("midrun.wasm");
    let args = [
        "run",
        "--dir",
        &dir,
        "--checkpoint",
        path(&ckpt),
        "--checkpoint-on",
        "fuel=50000",
        "--checkpoint-stop",
        path(&app),
    ];
    let taken = silo_with_input(&args, "hi\n");
    assert!(taken.status.success(), "{}", stderr(&taken));
    // What format 3 held: positions in that build's interpreter code.
    let mut checkpoint = Checkpoint::load(&ckpt).unwrap();
    checkpoint.taken = Taken::InterpreterPositions(LegacyRunState {
        frames: vec![(1, 2, 0)],
        slots: vec![0; 4],
        code_fingerprint: 7,
    });
    checkpoint.save(&ckpt).unwrap();
    let o = silo_with_input(&["resume", "--dir", &dir, path(&ckpt)], "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("take the checkpoint again"), "{}", stderr(&o));
}

/// A guest whose state is in the garbage-collected heap: each step pushes a node on a list a
/// recursion passes down (the list lives in frames, not globals), allocates garbage, and writes a
/// digit of the list's sum to stdout (a WASI call: a point to take the checkpoint at).
const GC_GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (type $junk (array (mut i64)))
  (func $say (param $list (ref null $node)) (local $s i32) (local $l (ref null $node))
    (local.set $l (local.get $list))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 7))
          (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $walk)))
    (i32.store8 (i32.const 100) (i32.add (i32.const 48) (i32.rem_u (local.get $s) (i32.const 10))))
    (i32.store (i32.const 0) (i32.const 100))
    (i32.store (i32.const 4) (i32.const 1))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $step (param $n i32) (param $list (ref null $node))
    (local $here (ref null $node)) (local $i i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $here (struct.new $node (local.get $n) (local.get $list)))
    (loop $garbage
      (drop (array.new $junk (i64.extend_i32_u (local.get $i)) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $garbage (i32.lt_u (local.get $i) (i32.const 2000))))
    (call $say (local.get $here))
    (call $step (i32.sub (local.get $n) (i32.const 1)) (local.get $here))
    (call $say (local.get $here)))
  (func (export "_start") (call $step (i32.const 60) (ref.null $node))))"#;

#[test]
fn a_guest_of_the_gc_heap_is_taken_mid_run_and_resumed_by_every_engine() {
    let work = tempfile::tempdir().unwrap();
    let app = work.path().join("gc.wat");
    std::fs::write(&app, GC_GUEST).unwrap();
    let whole = silo_with_input(&["run", path(&app)], "");
    assert!(whole.status.success(), "{}", stderr(&whole));
    let want = stdout(&whole);
    assert_eq!(want.len(), 120, "{want}");
    let ckpt = work.path().join("run.ckpt");
    for engine in ["interp", "jit", "tiered", "tiered --tier-up-after 1"] {
        for fuel in ["50000", "400000"] {
            let _ = std::fs::remove_file(&ckpt);
            let fuel_at = format!("fuel={fuel}");
            let mut args = vec!["run", "--checkpoint", path(&ckpt), "--checkpoint-on", &fuel_at];
            args.extend(["--checkpoint-stop", "--engine"]);
            args.extend(engine.split(' '));
            args.push(path(&app));
            let first = silo_with_input(&args, "");
            assert!(first.status.success(), "{engine} {fuel}: {}", stderr(&first));
            assert!(stdout(&first).len() < want.len(), "{engine} {fuel}: stopped in the middle");
            for resumer in ["interp", "jit", "tiered"] {
                let rest = silo_with_input(&["resume", "--engine", resumer, path(&ckpt)], "");
                assert!(rest.status.success(), "{engine} {fuel} {resumer}: {}", stderr(&rest));
                assert_eq!(stdout(&first) + &stdout(&rest), want, "{engine} {fuel} {resumer}");
            }
        }
    }
}
