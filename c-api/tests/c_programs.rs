//! Compiles each C program of `tests/c/` with the system C compiler (`cc`, or `$CC`) against
//! `include/` and the static library `libsilo.a`, runs it, and checks its exit status and
//! output. The library is built first by `cargo build -p silo-c-api` in this test run's profile
//! (cargo does not build a package's C libraries for its tests). `SILO_C_TEST_WRAPPER` runs each
//! program under a tool, e.g. `valgrind --error-exitcode=99 --leak-check=full` (README).

mod support;

use std::path::Path;
use std::process::Command;

use support::{build_library, package_dir};

/// Compiles `tests/c/<name>.c` and runs it; returns its standard output. Panics (with the
/// program's output) if compiling fails or the program exits with failure.
fn run_c(name: &str, args: &[&str]) -> String {
    let dir = package_dir();
    let source = dir.join("tests/c").join(format!("{name}.c"));
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c-api-tests");
    std::fs::create_dir_all(&out_dir).expect("create the output directory");
    let exe = out_dir.join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let compiled = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(dir.join("include"))
        .arg(&source)
        .arg(build_library().join("libsilo.a"))
        .args(["-lpthread", "-ldl", "-lm", "-lrt", "-lutil", "-lgcc_s"])
        // Only what the program reaches of the library: each executable is a few MiB, not 185.
        .arg("-Wl,--gc-sections")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cc}`: {e}"));
    assert!(
        compiled.status.success(),
        "compiling {name}.c failed:\n{}",
        String::from_utf8_lossy(&compiled.stderr)
    );
    let wrapper = std::env::var("SILO_C_TEST_WRAPPER").unwrap_or_default();
    let mut command = match wrapper.split_whitespace().collect::<Vec<_>>().split_first() {
        Some((tool, tool_args)) => {
            let mut c = Command::new(tool);
            c.args(tool_args).arg(&exe);
            c
        }
        None => Command::new(&exe),
    };
    let ran = command.args(args).output().expect("run the C program");
    let stdout = String::from_utf8_lossy(&ran.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(
        ran.status.success(),
        "{name} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        ran.status
    );
    // A passing program's executable is not needed again (a failing one stays, to debug).
    let _ = std::fs::remove_file(&exe);
    stdout
}

/// Asserts that `output` has these lines, in this order (other lines may come between).
fn assert_lines(output: &str, expected: &[&str]) {
    let mut lines = output.lines();
    for want in expected {
        assert!(
            lines.any(|line| line == *want),
            "missing line `{want}` (in order) in output:\n{output}"
        );
    }
}

#[test]
fn hello() {
    let out = run_c("hello", &[]);
    assert_lines(&out, &["Calling export...", "Hello, World!", "Hello, World!", "Done."]);
}

#[test]
fn global() {
    let out = run_c("global", &[]);
    assert_lines(&out, &["globals: const=1 var=42", "Done."]);
}

#[test]
fn memory() {
    let out = run_c("memory", &[]);
    assert_lines(
        &out,
        &["load out of bounds: out of bounds memory access", "memory: 3 pages", "Done."],
    );
}

#[test]
fn table() {
    let out = run_c("table", &[]);
    assert_lines(
        &out,
        &[
            "null element: uninitialized element 0",
            "out of bounds: undefined element 2",
            "table: 5 elements",
            "Done.",
        ],
    );
}

#[test]
fn trap() {
    let out = run_c("trap", &[]);
    assert_lines(
        &out,
        &[
            "trace of 1 frames",
            "callback trap: callback abort",
            "trace of 2 frames",
            "wasm trap: integer divide by zero",
            "host trap: made here",
            "Done.",
        ],
    );
}

#[test]
fn callback() {
    let out = run_c("callback", &[]);
    assert_lines(
        &out,
        &[
            "run(1) = 1002",
            "run(2) = 1005",
            "run(3) = 1010",
            "calls: 3",
            "info finalized: 1, env finalized: 0",
            "after store delete: env finalized: 1 (calls = -1)",
            "Done.",
        ],
    );
}

#[test]
fn multi() {
    let out = run_c("multi", &[]);
    assert_lines(
        &out,
        &["results: 4.25 3.5 2 1", "short results: expected room for 4 results, got 2", "Done."],
    );
}

#[test]
fn reflect() {
    let out = run_c("reflect", &[]);
    assert_lines(
        &out,
        &[
            "import env.f: func (i32 f64) -> (i64)",
            "import env.g: global var kind 2",
            "import env.t: table 1..2 kind 128",
            "import env.m: memory 1..",
            "export func: func (i32 i64) -> (i32 f32)",
            "export global: global const kind 1",
            "export table: table 3..4294967295 kind 129",
            "export memory: memory 1..4",
            "made a.b: memory 1..2",
            "Done.",
        ],
    );
}

#[test]
fn serialize() {
    let out = run_c("serialize", &[]);
    assert_lines(&out, &["answer: 42", "Done."]);
}

#[test]
fn threads() {
    let out = run_c("threads", &[]);
    assert_lines(&out, &["total: 42000", "Done."]);
}

#[test]
fn fuel() {
    let out = run_c("fuel", &[]);
    assert_lines(
        &out,
        &[
            "fuel used by add: some",
            "spin: fuel quota exceeded: limit 10000",
            "fuel left: 0",
            "without fuel: fuel is not enabled: set `Config::consume_fuel`",
            "Done.",
        ],
    );
}

#[test]
fn interrupt() {
    for strategy in ["interp", "default"] {
        let out = run_c("interrupt", &[strategy]);
        assert_lines(
            &out,
            &["interrupt: interrupted", "timeout: timeout quota exceeded: limit 100ms", "Done."],
        );
    }
}

#[test]
fn wat2wasm() {
    let out = run_c("wat2wasm", &[]);
    assert_lines(&out, &["broken text: error", "Done."]);
}

#[test]
fn wasi() {
    let out = run_c("wasi", &[]);
    assert_lines(&out, &["hello from wasi", "argc=3 envc=1", "exit status: 7", "Done."]);
}

#[test]
fn policy() {
    // A directory granted as /data, a secret beside it, a symlink in it pointing out of it.
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c-api-policy");
    let _ = std::fs::remove_dir_all(&root);
    let data = root.join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::write(root.join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink("..", data.join("out")).unwrap();
    let manifest = root.join("policy.toml");
    std::fs::write(
        &manifest,
        "[[dir]]\nhost = \"./data\"\nguest = \"/data\"\n\n\
         [limits]\nfuel = 1_000_000\nmemory = \"128KiB\"\n",
    )
    .unwrap();

    let out = run_c("policy", &[manifest.to_str().unwrap()]);
    assert_lines(
        &out,
        &[
            "open inside.txt: errno 0",
            // ENOTCAPABLE (76): outside the pre-open, by `..`, by an absolute path, by a symlink.
            "open ../escaped.txt: errno 76",
            "open sub/../../escaped.txt: errno 76",
            "open /etc/passwd: errno 76",
            "open out/secret.txt: errno 76",
            "open out/escaped.txt: errno 76",
            "memory.grow: -1; refused by quota 1: limit 131072, asked for 720896",
            "spin stopped by quota 5",
            "fuel 0: silo_policy_set_quota: invalid policy: limits.fuel: 0 fuel would stop the \
             guest before its first instruction",
            "unknown quota: silo_policy_set_quota: unknown quota 200",
            "guest path twice: silo_policy_grant_dir: invalid policy: guest path `/data` is \
             granted twice",
            "unconfigured engine: deadlines need an interruptible engine: set \
             `Config::interruptible`",
            "spin stopped by quota 6",
            "pinned module refused",
        ],
    );
    assert!(out.contains("bad manifest: <manifest>: line 2: `limits.fuel`: "), "{out}");
    assert_lines(
        &out,
        &[
            "NULL policy: silo_policy_set_quota: NULL argument",
            "NULL text: silo_policy_parse: NULL argument",
            "NULL linker: silo_linker_define_wasi_policy: NULL argument",
            "Done.",
        ],
    );
    assert!(
        out.contains("missing manifest: ") && out.contains("/nonexistent/policy.toml"),
        "{out}"
    );
    assert!(out.contains("missing directory: ") && out.contains("/nonexistent/dir"), "{out}");
    // The grant was used, and nothing outside it changed.
    assert_eq!(std::fs::read_to_string(data.join("inside.txt")).unwrap(), "x");
    assert!(!root.join("escaped.txt").exists());
    assert_eq!(std::fs::read_to_string(root.join("secret.txt")).unwrap(), "secret");
}

#[test]
fn refs() {
    let out = run_c("refs", &[]);
    assert_lines(
        &out,
        &[
            "modules: ok",
            "instances: ok",
            "funcref of a module: a funcref value holds a reference to no function",
            "foreign: ok",
            "Done.",
        ],
    );
}

#[test]
fn start() {
    let out = run_c("start", &[]);
    // 100000 + 99999 + ... + 1, wrapped to 32 bits, plus the 41 the start function stored.
    let sum = (1..=100_000u64).sum::<u64>().wrapping_add(41) as u32 as i32;
    assert_lines(
        &out,
        &[
            "start ran with 41",
            "instantiated",
            &format!("sum: {sum}"),
            "start trapped: unreachable",
            "Done.",
        ],
    );
}
