//! `silo run` as a sandbox: pre-opened directories behave as the native file system does, and
//! every quota flag stops a runaway guest with one line naming the quota and its limit and a
//! non-zero exit, while the `silo` process itself ends normally.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's root (this package is its `cli/` folder).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sandbox_program(name: &str) -> PathBuf {
    repo_root().join("sandbox/tests/programs").join(name)
}

fn silo(args: &[&str], stdin: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_silo"));
    cmd.args(args);
    cmd.stdin(match stdin {
        Some(path) => Stdio::from(std::fs::File::open(path).unwrap()),
        None => Stdio::null(),
    });
    cmd.output().expect("silo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `fileops.c`'s output when built natively with clang-16 and run on a fresh directory, if
/// clang-16 is installed; otherwise the committed output of the same native run (`build.sh`).
fn native_fileops_output() -> String {
    let has_clang =
        Command::new("clang-16").arg("--version").output().is_ok_and(|o| o.status.success());
    if !has_clang {
        return std::fs::read_to_string(sandbox_program("fileops.expected")).unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let exe = tmp.path().join("fileops");
    let built = Command::new("clang-16")
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg(sandbox_program("fileops.c"))
        .status()
        .unwrap();
    assert!(built.success(), "clang-16 builds fileops.c natively");
    let dir = tmp.path().join("dir");
    std::fs::create_dir(&dir).unwrap();
    let out = Command::new(&exe)
        .arg(&dir)
        .env_clear()
        .env("GREETING", "hello")
        .stdin(std::fs::File::open(sandbox_program("fileops.stdin")).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    text(&out.stdout)
}

#[test]
fn file_operations_in_a_preopened_directory_match_the_native_program() {
    let dir = tempfile::tempdir().unwrap();
    let grant = format!("{}::/data", dir.path().display());
    let wasm = sandbox_program("fileops.wasm");
    let stdin = sandbox_program("fileops.stdin");
    let o = silo(
        &["run", "--dir", &grant, "--env", "GREETING=hello", wasm.to_str().unwrap(), "/data"],
        Some(&stdin),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), native_fileops_output());
}

/// Runs a runaway program under `flags` and returns its exit code and standard error.
fn runaway(program: &str, flags: &[&str]) -> (i32, String) {
    let wasm = sandbox_program(program);
    let mut args = vec!["run"];
    args.extend_from_slice(flags);
    args.push(wasm.to_str().unwrap());
    let o = silo(&args, None);
    (o.status.code().expect("silo exits normally, never by a signal"), text(&o.stderr))
}

#[test]
fn fuel_quota() {
    let (code, err) = runaway("infinite_loop.wat", &["--fuel", "1000000"]);
    assert_eq!(code, 134);
    assert!(err.ends_with("stopped: fuel quota exceeded: limit 1000000\n"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn timeout_quota() {
    let (code, err) = runaway("infinite_loop.wat", &["--timeout", "300ms"]);
    assert_eq!(code, 134);
    assert!(err.ends_with("stopped: timeout quota exceeded: limit 300ms\n"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A timeout too far off for the clock is no deadline, never a host panic; one too large to
/// count is refused with a clear error.
#[test]
fn a_huge_timeout_is_no_deadline() {
    let hello = repo_root().join("bench/programs/hello.wasm");
    let hello = hello.to_str().unwrap();
    let out = silo(&["run", "--timeout", "18446744073709551615s", hello], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).is_empty(), "the guest ran");
    let out = silo(&["run", "--timeout", "18446744073709551615h", hello], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("number is too large"), "{}", text(&out.stderr));
}

#[test]
fn memory_quota() {
    let (code, err) = runaway("memory_grow_bomb.wat", &["--max-memory", "1MiB"]);
    assert_eq!(code, 2, "the guest exits 2 when memory.grow fails");
    assert_eq!(
        err,
        "note: the guest was refused: memory quota exceeded: limit 1 MiB, asked for 1088 KiB\n"
    );
}

#[test]
fn call_depth_quota() {
    let (code, err) = runaway("deep_recursion.wat", &["--max-stack", "1000"]);
    assert_eq!(code, 134);
    assert!(
        err.ends_with(
            "stopped: call stack exhausted: call depth quota exceeded: limit 1000, asked for 1001\n"
        ),
        "{err}"
    );
}

#[test]
fn output_quota() {
    let (code, err) = runaway("stdout_flood.wat", &["--max-output", "10KiB"]);
    assert_eq!(code, 134);
    assert!(err.contains("stopped: output quota exceeded: 10240 bytes"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn open_files_quota() {
    let dir = tempfile::tempdir().unwrap();
    let grant = format!("{}::/data", dir.path().display());
    let (code, err) = runaway("open_files_bomb.wat", &["--dir", &grant, "--max-open-files", "10"]);
    assert_eq!(code, 2, "the guest exits 2 when path_open fails");
    assert_eq!(
        err,
        "note: the guest was refused: open files quota exceeded: limit 10 besides stdio and pre-opens\n"
    );
}

#[test]
fn policy_file_quotas_and_flag_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("policy.toml");
    std::fs::write(&manifest, "[limits]\ntable_elements = 5000\nfuel = 1_000_000_000\n").unwrap();
    let m = manifest.to_str().unwrap();
    let (code, err) = runaway("table_grow_bomb.wat", &["--policy", m]);
    assert_eq!(code, 2);
    assert!(err.contains("table elements quota exceeded: limit 5000"), "{err}");
    // The same quota as a flag, and over the manifest's.
    let (code, err) = runaway("table_grow_bomb.wat", &["--max-table-elements", "300"]);
    assert_eq!(code, 2);
    assert!(err.contains("table elements quota exceeded: limit 300"), "{err}");
    let (code, err) =
        runaway("table_grow_bomb.wat", &["--policy", m, "--max-table-elements", "700"]);
    assert_eq!(code, 2);
    assert!(err.contains("table elements quota exceeded: limit 700"), "{err}");
    // A flag overrides the manifest's quota.
    let (code, err) = runaway("infinite_loop.wat", &["--policy", m, "--fuel", "5000"]);
    assert_eq!(code, 134);
    assert!(err.ends_with("fuel quota exceeded: limit 5000\n"), "{err}");
}

#[test]
fn bad_sandbox_flags_are_clear_errors() {
    let wasm = sandbox_program("busy_then_ok.wat");
    let w = wasm.to_str().unwrap();
    for (flags, needle) in [
        (vec!["--max-memory", "lots"], "--max-memory"),
        (vec!["--max-table-elements=-1"], "--max-table-elements"),
        (vec!["--max-table-elements", "many"], "--max-table-elements"),
        (vec!["--timeout", "5"], "--timeout"),
        (vec!["--dir", "/nonexistent-silo-dir::/data"], "nonexistent-silo-dir"),
        (vec!["--policy", "/nonexistent/policy.toml"], "policy.toml"),
    ] {
        let mut args = vec!["run"];
        args.extend(flags.iter().copied());
        args.push(w);
        let o = silo(&args, None);
        assert!(!o.status.success());
        let err = text(&o.stderr);
        assert!(err.contains(needle), "{flags:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn the_readme_shows_the_tested_example_manifest() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("sandbox/examples/policy.toml")).unwrap();
    // The README's copy starts after the example's two-line preamble.
    let body = example.split_once("\n\n").map_or(example.as_str(), |(_, rest)| rest);
    assert!(
        readme.contains(body),
        "README.md's manifest differs from sandbox/examples/policy.toml"
    );
}

#[test]
fn a_manifest_grants_environment_stdio_files_and_virtual_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("policy.toml");
    std::fs::write(
        &manifest,
        r#"
[env]
GREETING = "hi"
inherit = ["SILO_TEST_INHERITED", "SILO_TEST_UNSET"]
[stdio]
stdout = { file = "out.txt" }
[clocks]
mode = "virtual"
"#,
    )
    .unwrap();
    let programs = repo_root().join("tests/programs");
    let run = |program: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_silo"))
            .args(["run", "--policy", manifest.to_str().unwrap()])
            .arg(programs.join(program))
            .env("SILO_TEST_INHERITED", "yes")
            .env("HOME", "/home/someone")
            .env_remove("SILO_TEST_UNSET")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(text(&o.stdout), "", "stdout goes to the file the manifest names");
        std::fs::read_to_string(dir.path().join("out.txt")).unwrap()
    };
    assert_eq!(
        run("env.wasm"),
        "env: GREETING=hi\nenv: SILO_TEST_INHERITED=yes\ncount: 2\nHOME: (not granted)\n"
    );
    // Virtual time starts in 2000 and advances by what the guest sleeps, without waiting.
    let start = std::time::Instant::now();
    assert_eq!(
        run("clock_random.wasm"),
        "realtime after 2020: no\nslept at least 20ms: yes\nrandom differs: yes\n"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

/// `silo run yes.wasm | head -1`: once the reader is gone, the guest ends with the status of a
/// native process killed by SIGPIPE instead of spinning on `EPIPE`.
#[test]
fn a_closed_output_pipe_ends_the_guest() {
    use std::io::{BufRead, BufReader};
    const YES: &str = r#"(module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 64) "y\n")
      (func (export "_start")
        (i32.store (i32.const 16) (i32.const 64))
        (i32.store (i32.const 20) (i32.const 2))
        ;; Like `yes`, which ignores write errors: on and on.
        (loop $l (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))) (br $l))))"#;
    let dir = tempfile::tempdir().unwrap();
    let guest = dir.path().join("yes.wat");
    std::fs::write(&guest, YES).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_silo"))
        .arg("run")
        .arg(&guest)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(first, "y\n");
    // The reader is dropped: the pipe is closed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the guest kept writing to a closed pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(141));
}

/// Tables count towards `--max-total-memory` (8 bytes an element): a table that would take 8 MiB
/// does not grow under a 1 MiB total, and does without it.
#[test]
fn tables_count_towards_the_total_memory_quota() {
    const GROW: &str = r#"(module (table 0 funcref)
      (func (export "_start")
        (if (i32.ne (table.grow (ref.null func) (i32.const 1048576)) (i32.const -1))
          (then unreachable))))"#;
    let dir = tempfile::tempdir().unwrap();
    let guest = dir.path().join("grow.wat");
    std::fs::write(&guest, GROW).unwrap();
    let guest = guest.to_str().unwrap();
    let refused = silo(&["run", "--max-total-memory", "1MiB", guest], None);
    assert_eq!(refused.status.code(), Some(0), "{}", text(&refused.stderr));
    let granted = silo(&["run", guest], None);
    assert_eq!(granted.status.code(), Some(134), "the table grew: the guest traps");
}
