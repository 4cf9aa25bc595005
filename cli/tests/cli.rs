//! The `silo` command as a user runs it: programs, exports, exit codes and error messages.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A test program of the repository's `tests/programs/` (shared with other packages).
fn program(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/programs").join(name)
}

fn silo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silo")).args(args).output().expect("silo runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_temp(name: &str, contents: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

#[test]
fn c_hello_world_prints_and_gets_its_arguments() {
    let hello = program("hello.wasm");
    let o = silo(&["run", hello.to_str().unwrap(), "first", "--second", "third arg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "hello, world\narg 1: first\narg 2: --second\narg 3: third arg\n");
}

#[test]
fn invoke_prints_results() {
    let (_dir, fac) = write_temp(
        "x.wat",
        br#"(module (func $fac (export "fac") (param i64) (result i64)
              (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
                (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))"#,
    );
    let o = silo(&["run", "--invoke", "fac", fac.to_str().unwrap(), "20"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "2432902008176640000\n");
}

#[test]
fn environment_is_only_what_is_granted() {
    let env = program("env.wasm");
    let o = silo(&["run", "--env", "GREETING=hi", env.to_str().unwrap()]);
    assert_eq!(stdout(&o), "env: GREETING=hi\ncount: 1\nHOME: (not granted)\n");
}

#[test]
fn stdin_reaches_the_guest() {
    let cat = program("cat.wasm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(["run", cat.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"abc\ndef\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(stdout(&o), "ABC\nDEF\n");
    assert_eq!(stderr(&o), "8 bytes\n");
}

#[test]
fn proc_exit_sets_the_exit_status() {
    let exit = program("exit_code.wasm");
    let o = silo(&["run", exit.to_str().unwrap(), "7"]);
    assert_eq!(o.status.code(), Some(7));
    assert_eq!(stdout(&o), "exiting with 7\n");
    assert_eq!(stderr(&o), "to stderr\n");
    // A status a shell gives other meanings (126 and up, or one that wraps modulo 256) is an
    // error, never an exit that looks like a trap, a signal or a success.
    for status in ["126", "134", "256"] {
        let o = silo(&["run", exit.to_str().unwrap(), status]);
        assert_eq!(o.status.code(), Some(134), "{status}: {}", stderr(&o));
        assert!(
            stderr(&o)
                .contains(&format!("exit with invalid exit status outside of [0..126): {status}")),
            "{status}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn clocks_sleep_and_randomness_work() {
    let o = silo(&["run", program("clock_random.wasm").to_str().unwrap()]);
    assert_eq!(
        stdout(&o),
        "realtime after 2020: yes\nslept at least 20ms: yes\nrandom differs: yes\n"
    );
}

#[test]
fn a_trap_exits_nonzero_with_message_and_backtrace() {
    let o = silo(&["run", program("trap.wasm").to_str().unwrap(), "0"]);
    assert_eq!(o.status.code(), Some(134));
    let err = stderr(&o);
    assert!(err.contains("integer divide by zero"), "{err}");
    assert!(err.contains("wasm backtrace:"), "{err}");
    assert!(err.contains("!divide"), "{err}");
    assert!(err.contains("!main"), "{err}");
}

#[test]
fn deep_recursion_is_a_trap_not_a_crash() {
    let (_dir, wat) = write_temp("r.wat", br#"(module (func $r (export "r") (call $r)))"#);
    let o = silo(&["run", "--invoke", "r", wat.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(134));
    let err = stderr(&o);
    assert!(err.contains("call stack exhausted"), "{err}");
    assert!(err.lines().count() < 80, "the backtrace is capped");
}

#[test]
fn gc_modules_run_in_every_engine() {
    let (_dir, gc) = write_temp(
        "gc.wat",
        b"(module (type $p (struct (field i32))) (func (export \"f\") (result i32) \
          (struct.get $p 0 (struct.new $p (i32.const 7)))))",
    );
    for engine in ["interp", "jit", "tiered"] {
        let o = silo(&["run", "--engine", engine, "--invoke", "f", gc.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{engine}: {}", stderr(&o));
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "7", "{engine}");
    }
}

/// The binary-trees benchmark (`bench/programs/gc-trees.wat`): `run n` builds trees up to depth
/// n, one of them long-lived.
fn gc_trees() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/programs/gc-trees.wasm")
}

#[test]
fn gc_trees_give_the_checksum_in_every_engine() {
    let trees = gc_trees();
    for engine in ["interp", "jit", "tiered"] {
        let o =
            silo(&["run", "--engine", engine, "--invoke", "run", trees.to_str().unwrap(), "12"]);
        assert_eq!(o.status.code(), Some(0), "{engine}: {}", stderr(&o));
        assert_eq!(stdout(&o).trim(), "674478", "{engine}");
    }
}

#[test]
fn the_gc_heap_quota_stops_the_guest_with_its_message() {
    // Depth 20 keeps a tree of 2^21 - 1 nodes of 16 bytes alive: it cannot fit 16 MiB.
    let trees = gc_trees();
    for engine in ["interp", "jit"] {
        let args = ["run", "--engine", engine, "--max-gc-heap", "16MiB", "--invoke", "run"];
        let o = silo(&[&args[..], &[trees.to_str().unwrap(), "20"]].concat());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(134), "{engine}: {err}");
        assert!(err.contains("gc heap quota exceeded: limit 16 MiB, asked for"), "{engine}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A small tree fits the same quota.
    let o =
        silo(&["run", "--max-gc-heap", "16MiB", "--invoke", "run", trees.to_str().unwrap(), "10"]);
    assert_eq!(stdout(&o).trim(), "135854", "{}", stderr(&o));
}

#[test]
fn a_gc_heap_quota_past_the_largest_heap_is_refused() {
    let trees = gc_trees();
    let o =
        silo(&["run", "--max-gc-heap", "5GiB", "--invoke", "run", trees.to_str().unwrap(), "4"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("limits.gc_heap (5GiB) exceeds the largest heap"), "{err}");
}

#[test]
fn the_gc_nursery_flag_takes_sizes_and_refuses_bad_ones() {
    let trees = gc_trees();
    let file = trees.to_str().unwrap();
    // Without generations, and with a tiny nursery: the same checksum as the default.
    for size in ["0", "64KiB"] {
        let o = silo(&["run", "--gc-nursery", size, "--invoke", "run", file, "10"]);
        assert_eq!(stdout(&o).trim(), "135854", "{size}: {}", stderr(&o));
    }
    for (size, why) in [("5GiB", "exceeds the largest heap"), ("lots", "lots")] {
        let o = silo(&["run", "--gc-nursery", size, "--invoke", "run", file, "4"]);
        let err = stderr(&o);
        assert_ne!(o.status.code(), Some(0), "{size}: {err}");
        assert!(err.contains(why), "{size}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn verbose_runs_report_the_collectors_work() {
    let trees = gc_trees();
    let o = silo(&[
        "run",
        "-v",
        "--gc-nursery",
        "64KiB",
        "--invoke",
        "run",
        trees.to_str().unwrap(),
        "10",
    ]);
    let err = stderr(&o);
    assert_eq!(stdout(&o).trim(), "135854", "{err}");
    let line = err.lines().find(|l| l.starts_with("silo: gc: ")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("MiB allocated") && line.contains(" collections ("), "{line}");
    assert!(!line.contains(" 0 collections"), "a 64 KiB nursery fills: {line}");
    // A program that allocates nothing says nothing of it.
    let o = silo(&["run", "-v", program("hello.wasm").to_str().unwrap()]);
    assert!(!stderr(&o).contains("gc:"), "{}", stderr(&o));
}

/// Runs `silo run` on bad input: one line on stderr, a non-zero exit, no panic.
fn one_line_error(file: &std::path::Path) -> String {
    let o = silo(&["run", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn bad_modules_give_one_line_errors() {
    let hello = std::fs::read(program("hello.wasm")).unwrap();
    let (_d1, truncated) = write_temp("truncated.wasm", &hello[..hello.len() / 2]);
    let err = one_line_error(&truncated);
    assert!(err.contains("malformed module: unexpected end"), "{err}");
    assert!(err.contains("section"), "{err}");
    assert!(err.contains("byte offset"), "{err}");

    let (_d2, typed) = write_temp("type.wat", b"(module (func (result i32) i64.const 1))");
    let err = one_line_error(&typed);
    assert!(err.contains("invalid module: type mismatch"), "{err}");
    assert!(err.contains("code section, function 0"), "{err}");

    // Every proposal enabled by default runs: an unsupported one must be switched on.
    let (_d3, cont) = write_temp("cont.wat", b"(module (type $f (func)) (type (cont $f)))");
    let o = silo(&["run", "-W", "stack-switching=y", cont.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("unsupported feature: stack-switching"), "{err}");

    let missing = PathBuf::from("/nonexistent/prog.wasm");
    let err = one_line_error(&missing);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn missing_imports_are_named() {
    let (_dir, wat) = write_temp("i.wat", br#"(module (import "env" "f" (func)))"#);
    let err = one_line_error(&wat);
    assert!(err.contains("unknown import: `env::f` has not been defined"), "{err}");
}

#[test]
fn validate_reports_features() {
    let (_dir, gc) = write_temp("gc.wat", b"(module (type (struct)))");
    let o = silo(&["validate", gc.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("features used: gc"), "{}", stdout(&o));
    let (_dir2, bad) = write_temp("bad.wasm", b"\0asm\x01\0\0\0\x01");
    let o = silo(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn wast_counts_directives() {
    let (_dir, script) = write_temp(
        "t.wast",
        br#"(module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
            (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
            (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
            (assert_trap (module (func $f unreachable) (start $f)) "unreachable")"#,
    );
    let o = silo(&["wast", "--engine", "interp", script.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.trim_end().ends_with("3 passed, 1 failed"), "{out}");
    assert_eq!(o.status.code(), Some(1));
}

/// A directive that loops fails on its timeout, and the script goes on.
#[test]
fn wast_stops_a_looping_directive_at_its_timeout() {
    let (_dir, script) = write_temp(
        "loop.wast",
        br#"(module (func (export "spin") (loop $l (br $l))) (func (export "one") (result i32) (i32.const 1)))
            (assert_return (invoke "spin"))
            (assert_return (invoke "one") (i32.const 1))"#,
    );
    for engine in ["interp", "jit", "tiered"] {
        let started = std::time::Instant::now();
        let args =
            ["wast", "-v", "--engine", engine, "--timeout", "200ms", script.to_str().unwrap()];
        let o = silo(&args);
        let out = stdout(&o);
        assert!(out.trim_end().ends_with("2 passed, 1 failed"), "{engine}: {out}");
        assert!(out.contains("timeout quota exceeded"), "{engine}: {out}");
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "{engine}");
    }
}

/// Careless input gets one line naming what is wrong, and a non-zero exit.
#[test]
fn what_is_not_a_runnable_module_says_so_in_one_line() {
    let (_d, empty) = write_temp("empty.wasm", b"");
    let (_e, elf) = write_temp("prog", b"\x7fELF\x02\x01\x01\x00\x00\x00");
    let (_f, reactor) =
        write_temp("lib.wat", br#"(module (func (export "f")) (memory (export "m") 1))"#);
    let (_g, big) = write_temp("big.wat", b"(module)                                ");
    let cases: [(&[&str], &str); 8] = [
        (&["validate", "/dev/zero"], "`/dev/zero` is not a regular file"),
        (
            &["run", "--max-module-size", "16", big.to_str().unwrap()],
            "is 40 bytes, more than the module size limit of 16 bytes (raise it with --max-module-size)",
        ),
        (&["run", "/"], "`/` is not a regular file"),
        (&["run", empty.to_str().unwrap()], "is an empty file, not a WebAssembly module"),
        (
            &["run", elf.to_str().unwrap()],
            "is not a WebAssembly module: bad magic number, found `7f 45 4c 46` (expected `00 61 73 6d`)",
        ),
        (&["validate", elf.to_str().unwrap()], "bad magic number, found `7f 45 4c 46`"),
        (
            &["run", reactor.to_str().unwrap()],
            "has no `_start` function to run; call an export with --invoke NAME (it exports `f`, `m`)",
        ),
        (
            &["run", "--engine", "interp", "--tier-up-after", "5", empty.to_str().unwrap()],
            "--tier-up-after applies to the tiered engine only, not to --engine interp",
        ),
    ];
    for (args, message) in cases {
        let o = silo(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}
