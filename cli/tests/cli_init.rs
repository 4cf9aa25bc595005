//! `silo init` as a user runs it: a C program pre-initialized once, then run by every engine with
//! the output of an uninitialized run except for the work it skipped; and the errors a user meets.

mod snapshots;

use std::process::Command;

use snapshots::{path, program, silo, stderr, stdout};

#[test]
fn a_c_program_initialized_ahead_of_time_runs_the_same_in_every_engine() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("preinit.init.wasm");
    let source = program("preinit.wasm");
    let init = Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(["init", "--env", "GREETING", path(&source), "-o", path(&out)])
        .env("GREETING", "bonjour")
        .output()
        .unwrap();
    assert!(init.status.success(), "silo init failed: {}", stderr(&init));
    assert!(stdout(&init).is_empty(), "the initializer printed nothing: {}", stdout(&init));

    let bytes = std::fs::read(&out).unwrap();
    wasmparser::Validator::new().validate_all(&bytes).expect("a valid standard module");
    // The initializer is no longer exported; the program's own exports are.
    let exports: Vec<String> = wasmparser::Parser::new(0)
        .parse_all(&bytes)
        .filter_map(|p| match p.unwrap() {
            wasmparser::Payload::ExportSection(r) => {
                Some(r.into_iter().map(|e| e.unwrap().name.to_string()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect();
    assert!(exports.contains(&"_start".to_string()), "{exports:?}");
    assert!(!exports.contains(&"wizer.initialize".to_string()), "{exports:?}");

    let plain = silo(&["run", path(&source), "x"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert_eq!(
        stdout(&plain),
        "initialized ahead of time: no\n17984 primes below 200000, the last 199999\n\
         greeting: hello\n1 argument(s), first: x\n"
    );
    // The environment was read at initialization (and is not granted now); the arguments are
    // this run's.
    let initialized = "initialized ahead of time: yes\n17984 primes below 200000, the last \
                       199999\ngreeting: bonjour\n1 argument(s), first: x\n";
    for engine in ["interp", "jit", "tiered"] {
        let run = silo(&["run", "--engine", engine, path(&out), "x"]);
        assert!(run.status.success(), "--engine {engine}: {}", stderr(&run));
        assert_eq!(stdout(&run), initialized, "--engine {engine}");
    }
    // Another runtime runs it the same: Node's V8 with node:wasi (`.ci/run` installs Node; on a
    // developer's machine without it, and without CI set, this part only skips).
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/run-wasi.mjs");
    match Command::new("node").arg("--no-warnings").arg(script).arg(&out).arg("x").output() {
        Ok(node) => {
            assert!(node.status.success(), "node: {}", stderr(&node));
            assert_eq!(stdout(&node), initialized, "node");
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: the initialized module in node ({e})");
        }
        Err(e) => panic!("node is needed to run the initialized module in another runtime: {e}"),
    }
}

#[test]
fn keep_init_func_keeps_the_export_and_a_named_initializer_runs() {
    let dir = tempfile::tempdir().unwrap();
    let wat = dir.path().join("counter.wat");
    std::fs::write(
        &wat,
        r#"(module
            (global $n (mut i32) (i32.const 0))
            (func (export "setup") (global.set $n (i32.add (global.get $n) (i32.const 10))))
            (func (export "get") (result i32) (global.get $n)))"#,
    )
    .unwrap();
    let out = dir.path().join("counter.wasm");
    let init =
        silo(&["init", "--init-func", "setup", "--keep-init-func", path(&wat), "-o", path(&out)]);
    assert!(init.status.success(), "{}", stderr(&init));
    let get = silo(&["run", "--invoke", "get", path(&out)]);
    assert_eq!(stdout(&get), "10\n");
    // Still exported: calling it again goes on from the snapshot.
    let again = silo(&["init", "--init-func", "setup", path(&out), "-o", path(&out)]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(stdout(&silo(&["run", "--invoke", "get", path(&out)])), "20\n");
}

#[test]
fn errors_name_the_problem_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.wasm");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };

    let no_init = write("no_init.wat", r#"(module (func (export "_start")))"#);
    let o = silo(&["init", path(&no_init), "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("exports no function `wizer.initialize` to initialize it (name the initializer with --init-func)"),
        "{}",
        stderr(&o)
    );

    let traps = write("traps.wat", r#"(module (func (export "wizer.initialize") unreachable))"#);
    let o = silo(&["init", path(&traps), "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`wizer.initialize` of"), "{}", stderr(&o));
    assert!(stderr(&o).contains("trapped: unreachable"), "{}", stderr(&o));

    let imports = write(
        "imports.wat",
        r#"(module (import "env" "mem" (memory 1)) (func (export "wizer.initialize")))"#,
    );
    let o = silo(&["init", path(&imports), "-o", path(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("the module imports a memory (`env::mem`), whose state belongs to the host"),
        "{}",
        stderr(&o)
    );

    let host_value = write(
        "host.wat",
        r#"(module (global (mut externref) (ref.null extern))
            (func (export "wizer.initialize")))"#,
    );
    // A null externref is fine; the module is written.
    let o = silo(&["init", path(&host_value), "-o", path(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::remove_file(&out).unwrap();

    let typed = write("typed.wat", r#"(module (func (export "wizer.initialize") (param i32)))"#);
    let o = silo(&["init", path(&typed), "-o", path(&out)]);
    assert!(stderr(&o).contains("must take no arguments and return nothing"), "{}", stderr(&o));

    let exits = write(
        "exits.wat",
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (func (export "wizer.initialize") (call $exit (i32.const 3))))"#,
    );
    let o = silo(&["init", path(&exits), "-o", path(&out)]);
    assert!(stderr(&o).contains("exited (status 3) instead of returning"), "{}", stderr(&o));
    assert!(!out.exists(), "no output after a failure");
}

#[test]
fn a_gc_guest_initialized_ahead_of_time_builds_its_heap_again_in_every_engine() {
    let dir = tempfile::tempdir().unwrap();
    let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/gc_init.wat");
    let out = dir.path().join("gc.init.wasm");
    let init = silo(&["init", source, "-o", path(&out)]);
    assert!(init.status.success(), "silo init failed: {}", stderr(&init));
    let bytes = std::fs::read(&out).unwrap();
    wasmparser::Validator::new().validate_all(&bytes).expect("a valid standard module");

    let plain = silo(&["run", "--invoke", "digest_after_init", source]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let want = stdout(&plain);
    assert!(!want.trim().is_empty());
    for engine in ["interp", "jit", "tiered"] {
        let run = silo(&["run", "--engine", engine, "--invoke", "digest", path(&out)]);
        assert!(run.status.success(), "--engine {engine}: {}", stderr(&run));
        assert_eq!(stdout(&run), want, "--engine {engine}");
    }
    // V8 runs it the same, when the Node at hand knows the final GC encoding (22 or later:
    // `SILO_TEST_NODE` names one; Debian's is older, so this part skips there).
    let node = std::env::var("SILO_TEST_NODE").unwrap_or_else(|_| "node".into());
    let major = Command::new(&node).arg("--version").output().ok().and_then(|o| {
        let v = String::from_utf8_lossy(&o.stdout).trim().trim_start_matches('v').to_string();
        v.split('.').next().and_then(|m| m.parse::<u32>().ok())
    });
    match major {
        Some(major) if major >= 22 => {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/run-export.mjs");
            let run = Command::new(&node).arg(script).arg(&out).arg("digest").output().unwrap();
            assert!(run.status.success(), "node: {}", stderr(&run));
            assert_eq!(stdout(&run), want, "node {major}");
        }
        other => {
            eprintln!("skipped: the GC module in node (version {other:?}, 22 or later needed)")
        }
    }
}

#[test]
fn heaps_a_module_cannot_start_with_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            r#"(module (tag $e) (global $x (mut exnref) (ref.null exn))
                (func (export "wizer.initialize")
                  (block $c (result exnref) (try_table (catch_all_ref $c) (throw $e)) (unreachable))
                  (global.set $x)))"#,
            "an exception",
        ),
        (
            r#"(module (type $s (struct)) (type $a (array (ref $s)))
                (global $x (mut (ref null $a)) (ref.null $a))
                (func (export "wizer.initialize")
                  (global.set $x (array.new $a (struct.new $s) (i32.const 20000)))))"#,
            "longer than a module can build",
        ),
    ];
    for (i, (wat, expected)) in cases.into_iter().enumerate() {
        let source = dir.path().join(format!("case{i}.wat"));
        std::fs::write(&source, wat).unwrap();
        let out = dir.path().join(format!("case{i}.init.wasm"));
        let init = silo(&["init", path(&source), "-o", path(&out)]);
        assert!(!init.status.success(), "case {i} was written");
        assert!(stderr(&init).contains(expected), "case {i}: {}", stderr(&init));
        assert!(!out.exists());
    }
}
