//! `--timeout` stops a guest blocked in a host call, not only one that runs: reading a pipe
//! that never gets data, writing a pipe nobody reads, opening a FIFO whose other end never
//! opens, sleeping past the deadline. Each ends within a small delay of the deadline with the
//! timeout message and the quota exit status (134), and a guest that gets past its deadline is
//! never reported as a success.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const FD_READ: &str = r#"(import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))"#;
const FD_WRITE: &str = r#"(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))"#;
const PATH_OPEN: &str = r#"(import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))"#;

/// A guest: the imports, one page of memory, the path "fifo" at 200, and `_start`.
fn guest(dir: &Path, imports: &[&str], start: &str) -> std::path::PathBuf {
    let text = format!(
        r#"(module {}
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (data (i32.const 200) "fifo")
          (func (export "_start") {start}))"#,
        imports.join("\n")
    );
    let path = dir.join("guest.wat");
    std::fs::write(&path, text).unwrap();
    path
}

/// Reads 64 bytes from descriptor `fd` into 100 (iovec at 16, count at 24).
fn read_from(fd: &str) -> String {
    format!(
        "(i32.store (i32.const 16) (i32.const 100)) (i32.store (i32.const 20) (i32.const 64))
         (drop (call $fd_read ({fd}) (i32.const 16) (i32.const 1) (i32.const 24)))
         (call $exit (i32.const 0))"
    )
}

/// Opens "fifo" in the pre-open (descriptor 3) with `rights` (fd_read = 2, fd_write = 64); the
/// new descriptor lands at 32.
const OPEN_FIFO: &str =
    "(drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 200) (i32.const 4)
     (i32.const 0) (i64.const RIGHTS) (i64.const 0) (i32.const 0) (i32.const 32)))";

fn spawn(args: &[&str], guest: &Path, stdin: Stdio, stdout: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_silo"))
        .arg("run")
        .args(args)
        .arg(guest)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("silo starts")
}

/// Waits for `child` (at most 20 s), then checks it stopped on the timeout within a second of
/// its `timeout` and said so.
fn stops_on_time(mut child: Child, timeout: Duration, started: Instant) {
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("the guest was still blocked 20 s later");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(134), "{stderr}");
    assert!(stderr.contains("timeout quota exceeded"), "{stderr}");
    assert!(took >= timeout && took < timeout + Duration::from_secs(1), "took {took:?}");
}

#[test]
fn a_read_from_an_idle_pipe_stops_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let g = guest(dir.path(), &[FD_READ], &read_from("i32.const 0"));
    let started = Instant::now();
    // The test holds the pipe's write end open and never writes.
    let child = spawn(&["--timeout", "300ms"], &g, Stdio::piped(), Stdio::null());
    stops_on_time(child, Duration::from_millis(300), started);
}

#[test]
fn a_write_to_a_full_pipe_stops_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let start =
        "(i32.store (i32.const 16) (i32.const 0)) (i32.store (i32.const 20) (i32.const 65536))
         (loop $more (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
           (br $more))";
    let g = guest(dir.path(), &[FD_WRITE], start);
    let started = Instant::now();
    // Nobody reads standard output: the pipe fills and stays full.
    let child = spawn(&["--timeout", "300ms"], &g, Stdio::null(), Stdio::piped());
    stops_on_time(child, Duration::from_millis(300), started);
}

fn fifo_in(dir: &Path) {
    let made = Command::new("mkfifo").arg(dir.join("fifo")).status().expect("mkfifo runs");
    assert!(made.success());
}

#[test]
fn opening_a_fifo_without_a_writer_and_reading_it_stop_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    fifo_in(dir.path());
    let start =
        format!("{} {}", OPEN_FIFO.replace("RIGHTS", "2"), read_from("i32.load (i32.const 32)"));
    let g = guest(dir.path(), &[PATH_OPEN, FD_READ], &start);
    let preopen = format!("{}::/", dir.path().display());
    let started = Instant::now();
    let child = spawn(&["--timeout", "300ms", "--dir", &preopen], &g, Stdio::null(), Stdio::null());
    stops_on_time(child, Duration::from_millis(300), started);
}

#[test]
fn opening_a_fifo_without_a_reader_for_writing_stops_at_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    fifo_in(dir.path());
    let start = format!("{} (call $exit (i32.const 0))", OPEN_FIFO.replace("RIGHTS", "64"));
    let g = guest(dir.path(), &[PATH_OPEN], &start);
    let preopen = format!("{}::/", dir.path().display());
    let started = Instant::now();
    let child = spawn(&["--timeout", "300ms", "--dir", &preopen], &g, Stdio::null(), Stdio::null());
    stops_on_time(child, Duration::from_millis(300), started);
}

/// Without a deadline a FIFO opens as natively: it waits for its other end, then works.
#[test]
fn without_a_deadline_a_fifo_is_read_as_natively() {
    let dir = tempfile::tempdir().unwrap();
    fifo_in(dir.path());
    let start = format!(
        "{} (i32.store (i32.const 16) (i32.const 100)) (i32.store (i32.const 20) (i32.const 64))
         (drop (call $fd_read (i32.load (i32.const 32)) (i32.const 16) (i32.const 1) (i32.const 24)))
         (call $exit (i32.load (i32.const 24)))",
        OPEN_FIFO.replace("RIGHTS", "2")
    );
    let g = guest(dir.path(), &[PATH_OPEN, FD_READ], &start);
    let preopen = format!("{}::/", dir.path().display());
    let child = spawn(&["--dir", &preopen], &g, Stdio::null(), Stdio::null());
    std::thread::sleep(Duration::from_millis(100));
    std::fs::write(dir.path().join("fifo"), b"hello").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A guest that sleeps (`poll_oneoff` on a clock) past its deadline and then exits with status
/// 0 is stopped on time, not reported as a success.
#[test]
fn sleeping_past_the_deadline_is_not_a_success() {
    const POLL: &str = r#"(import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))"#;
    let dir = tempfile::tempdir().unwrap();
    // One clock subscription at 0: userdata 0, tag 0 (clock), monotonic, 10 s, relative.
    let start = "(i32.store8 (i32.const 8) (i32.const 0))
         (i32.store (i32.const 16) (i32.const 1))
         (i64.store (i32.const 24) (i64.const 10000000000))
         (drop (call $poll (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 180)))
         (call $exit (i32.const 0))";
    let g = guest(dir.path(), &[POLL], start);
    let started = Instant::now();
    let child = spawn(&["--timeout", "300ms"], &g, Stdio::null(), Stdio::null());
    stops_on_time(child, Duration::from_millis(300), started);
}
