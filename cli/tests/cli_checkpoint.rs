//! `silo run --checkpoint` and `silo resume` as a user runs them: a C reactor with state in memory
//! and a file it keeps open is checkpointed after a call and resumed in new processes, under each
//! engine, several times from the same file; what a resume may not do is refused with the reason.

mod snapshots;

use std::path::Path;

use snapshots::{path, program, silo, stderr, stdout};

/// `--dir` granting `dir` as `/data`.
fn grant(dir: &Path) -> String {
    format!("{}::/data", dir.display())
}

#[test]
fn a_guest_resumes_with_its_memory_and_open_file_in_every_engine_every_time() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let first = work.path().join("first.ckpt");
    let app = program("checkpoint.wasm");
    let dir = grant(&data);

    // Taken under the JIT, resumed by every engine below.
    let setup = silo(&[
        "run",
        "--engine",
        "jit",
        "--dir",
        &dir,
        "--checkpoint",
        path(&first),
        "--invoke",
        "setup",
        path(&app),
    ]);
    assert!(setup.status.success(), "{}", stderr(&setup));
    assert_eq!(stdout(&setup), "set up\n0\n");
    assert!(first.exists());

    // The same checkpoint, resumed three times by each engine: the same run every time, and the
    // file written at the offset where the first process left it.
    for engine in ["interp", "jit", "tiered"] {
        for _ in 0..3 {
            let resumed = silo(&[
                "resume",
                "--engine",
                engine,
                "--dir",
                &dir,
                "--invoke",
                "add",
                path(&first),
                "5",
            ]);
            assert!(resumed.status.success(), "--engine {engine}: {}", stderr(&resumed));
            assert_eq!(stdout(&resumed), "call 1: total 5\n5\n", "--engine {engine}");
            let log = std::fs::read_to_string(data.join("log.txt")).unwrap();
            assert_eq!(log, "setup\nadd 5 -> 5\n", "--engine {engine}");
        }
    }

    // A chain: resume, checkpoint again, resume that one (jit, then the interpreter).
    let second = work.path().join("second.ckpt");
    let o = silo(&[
        "resume",
        "--engine",
        "jit",
        "--dir",
        &dir,
        "--checkpoint",
        path(&second),
        "--invoke",
        "add",
        path(&first),
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = silo(&[
        "resume",
        "--engine",
        "interp",
        "--dir",
        &dir,
        "--invoke",
        "add",
        path(&second),
        "7",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "call 2: total 12\n12\n");
    let log = std::fs::read_to_string(data.join("log.txt")).unwrap();
    assert_eq!(log, "setup\nadd 5 -> 5\nadd 7 -> 12\n");
}

#[test]
fn a_resume_gets_only_what_its_own_flags_grant() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let ckpt = work.path().join("c.ckpt");
    let app = program("checkpoint.wasm");
    let o = silo(&[
        "run",
        "--dir",
        &grant(&data),
        "--checkpoint",
        path(&ckpt),
        "--invoke",
        "setup",
        path(&app),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    // No directory granted: the file the guest holds open under /data is not reopened.
    let o = silo(&["resume", "--invoke", "add", path(&ckpt), "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("/data"), "{}", stderr(&o));
    // Read-only now: the file open for writing is refused.
    let ro = format!("{}:ro", grant(&data));
    let o = silo(&["resume", "--dir", &ro, "--invoke", "add", path(&ckpt), "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
}

#[test]
fn resume_errors_name_the_problem() {
    let work = tempfile::tempdir().unwrap();
    let ckpt = work.path().join("c.ckpt");
    let counter = work.path().join("counter.wat");
    std::fs::write(
        &counter,
        r#"(module (global $n (mut i32) (i32.const 0))
            (func (export "inc") (result i32)
                (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))"#,
    )
    .unwrap();
    let o = silo(&["run", "--checkpoint", path(&ckpt), "--invoke", "inc", path(&counter)]);
    assert_eq!(stdout(&o), "1\n", "{}", stderr(&o));
    let o = silo(&["resume", "--invoke", "inc", path(&ckpt)]);
    assert_eq!(stdout(&o), "2\n", "{}", stderr(&o));

    let o = silo(&["resume", path(&ckpt)]);
    assert!(stderr(&o).contains("was taken between calls"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--invoke"), "{}", stderr(&o));

    let other = work.path().join("other.wat");
    std::fs::write(&other, r#"(module (func (export "inc") (result i32) (i32.const 0)))"#).unwrap();
    let o = silo(&["resume", "--module", path(&other), "--invoke", "inc", path(&ckpt)]);
    assert!(stderr(&o).contains("it was taken from the module with SHA-256"), "{}", stderr(&o));

    let mut damaged = std::fs::read(&ckpt).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    std::fs::write(&ckpt, damaged).unwrap();
    let o = silo(&["resume", "--invoke", "inc", path(&ckpt)]);
    assert!(stderr(&o).contains("the checksum does not match"), "{}", stderr(&o));

    let o = silo(&["run", "--checkpoint-on", "exit", "--invoke", "inc", path(&counter)]);
    assert!(
        stderr(&o).contains("--checkpoint"),
        "--checkpoint-on needs --checkpoint: {}",
        stderr(&o)
    );
}

#[test]
fn the_fuel_quota_counts_what_the_guest_used_before_its_checkpoint() {
    let work = tempfile::tempdir().unwrap();
    let spin = work.path().join("spin.wat");
    std::fs::write(
        &spin,
        r#"(module (global $n (mut i32) (i32.const 0))
            (func (export "work") (param i32) (result i32) (local $i i32)
                (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
                (global.get $n)))"#,
    )
    .unwrap();
    let first = work.path().join("first.ckpt");
    let second = work.path().join("second.ckpt");
    // 3,000 iterations take a third or so of the fuel; the third chunk of work runs out.
    let o = silo(&[
        "run",
        "--fuel",
        "100000",
        "--checkpoint",
        path(&first),
        "--invoke",
        "work",
        path(&spin),
        "3000",
    ]);
    assert_eq!(stdout(&o), "3000\n", "{}", stderr(&o));
    let o = silo(&[
        "resume",
        "--fuel",
        "100000",
        "--checkpoint",
        path(&second),
        "--invoke",
        "work",
        path(&first),
        "3000",
    ]);
    assert_eq!(stdout(&o), "6000\n", "{}", stderr(&o));
    let o = silo(&["resume", "--fuel", "100000", "--invoke", "work", path(&second), "3000"]);
    assert_eq!(o.status.code(), Some(134), "{}", stderr(&o));
    // The quota reported is the one granted, not what was left of it.
    assert!(stderr(&o).contains("fuel quota exceeded: limit 100000"), "{}", stderr(&o));
    // The same work from the first checkpoint still fits.
    let o = silo(&["resume", "--fuel", "100000", "--invoke", "work", path(&first), "3000"]);
    assert_eq!(stdout(&o), "6000\n", "{}", stderr(&o));
}
