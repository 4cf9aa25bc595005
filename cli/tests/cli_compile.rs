//! `silo compile`, `silo run --allow-precompiled`, and the cache of compiled code, as a user
//! meets them.

mod cached;

use std::path::Path;

use cached::{hello_path as hello, silo, text};

#[test]
fn a_compiled_module_runs_only_when_allowed_and_only_as_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let out = dir.path().join("hello.silo");
    let (hello, out_s) = (hello(), out.to_str().unwrap().to_string());
    let o = silo(&cache, &["compile", hello.to_str().unwrap(), "-o", &out_s]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    let o = silo(&cache, &["run", &out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("run it with --allow-precompiled only if you trust"));
    let o = silo(&cache, &["run", "--allow-precompiled", &out_s, "x"]);
    assert_eq!(text(&o.stdout), "hello, world\narg 1: x\n", "{}", text(&o.stderr));
    for engine in ["jit", "tiered"] {
        let o = silo(&cache, &["run", "--allow-precompiled", "--engine", engine, &out_s]);
        assert_eq!(text(&o.stdout), "hello, world\n", "{engine}: {}", text(&o.stderr));
    }

    // Fuel checks are compiled in: code without them is refused for a fuel quota, and code
    // compiled with them runs under one.
    let o = silo(&cache, &["run", "--allow-precompiled", "--fuel", "100000000", &out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("compiled with other engine settings: metered=false (now true)"),
        "{}",
        text(&o.stderr)
    );
    let metered = dir.path().join("metered.silo");
    let m = metered.to_str().unwrap();
    let o = silo(&cache, &["compile", "--fuel", "1", hello.to_str().unwrap(), "-o", m]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = silo(&cache, &["run", "--allow-precompiled", "--fuel", "100000000", m]);
    assert_eq!(text(&o.stdout), "hello, world\n", "{}", text(&o.stderr));
    let o = silo(&cache, &["run", "--allow-precompiled", "--fuel", "10", m]);
    assert!(text(&o.stderr).contains("fuel"), "{}", text(&o.stderr));

    // A damaged artifact is an error, not a crash.
    let mut bytes = std::fs::read(&out).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&out, &bytes).unwrap();
    let o = silo(&cache, &["run", "--allow-precompiled", &out_s]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("damaged"), "{}", text(&o.stderr));
}

#[test]
fn the_jit_keeps_compiled_code_in_the_cache_and_survives_a_damaged_entry() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let hello = hello();
    let run = || silo(&cache, &["run", "-v", "--engine", "jit", hello.to_str().unwrap()]);
    let o = run();
    assert_eq!(text(&o.stdout), "hello, world\n");
    assert!(text(&o.stderr).contains("cached its native code"), "{}", text(&o.stderr));
    let o = run();
    assert_eq!(text(&o.stdout), "hello, world\n");
    assert!(text(&o.stderr).contains("from the cache"), "{}", text(&o.stderr));
    // Tiered runs keep their own entry (the functions they found hot), not the whole module's.
    let o = silo(&cache, &["run", "-v", hello.to_str().unwrap()]);
    assert_eq!(text(&o.stdout), "hello, world\n");
    assert!(!text(&o.stderr).contains("from the cache"), "{}", text(&o.stderr));

    // Damage every cached code file: the run warns, compiles again, and still prints.
    let code = cache.join("silo").join("code");
    for entry in std::fs::read_dir(&code).unwrap() {
        let path = entry.unwrap().path();
        let len = std::fs::metadata(&path).unwrap().len();
        std::fs::write(&path, vec![0u8; len as usize / 2]).unwrap();
    }
    let o = run();
    assert_eq!(text(&o.stdout), "hello, world\n", "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("warning: ignored the cached native code"),
        "{}",
        text(&o.stderr)
    );
    let o = run();
    assert!(text(&o.stderr).contains("from the cache"), "{}", text(&o.stderr));

    // --no-cache neither reads nor writes it.
    let o = silo(&cache, &["run", "-v", "--no-cache", "--engine", "jit", hello.to_str().unwrap()]);
    assert_eq!(text(&o.stdout), "hello, world\n");
    assert!(!text(&o.stderr).contains("cache"), "{}", text(&o.stderr));
    let o = silo(&cache, &["cache", "clean"]);
    assert!(text(&o.stdout).contains("and 1 compiled module"), "{}", text(&o.stdout));
}

#[test]
fn a_cache_entry_holding_another_module_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let hello = hello();
    let other = dir.path().join("other.wat");
    std::fs::write(&other, r#"(module (func (export "_start")))"#).unwrap();
    let run = |path: &Path| silo(&cache, &["run", "-v", "--engine", "jit", path.to_str().unwrap()]);
    run(&hello);
    run(&other);
    // Give hello's entry the other module's code.
    let code = cache.join("silo").join("code");
    let mut files: Vec<_> = std::fs::read_dir(&code).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
    let (small, big) = (&files[0], &files[1]);
    std::fs::copy(small, big).unwrap();
    let o = run(&hello);
    assert_eq!(text(&o.stdout), "hello, world\n", "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("holds another module"), "{}", text(&o.stderr));
}

/// A loop calling a small function: both get hot under `tiered` within the first milliseconds,
/// and the run goes on long after that (natively).
const HOT: &str = r#"(module
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "run") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $sq (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))"#;

#[test]
fn tiered_runs_keep_the_code_of_their_hot_functions_for_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let module = dir.path().join("hot.wat");
    std::fs::write(&module, HOT).unwrap();
    let m = module.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "-v", "--invoke", "run"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[m, "30000000"]);
        silo(&cache, &args)
    };
    // 30,000,000 squares summed mod 2^32.
    let want = "163982144\n";
    // A deadline keeps the cache out: it would not cover the compilation at the end.
    let o = run(&["--timeout", "60s"]);
    assert_eq!(text(&o.stdout), want, "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("cached"), "{}", text(&o.stderr));
    let o = run(&[]);
    assert_eq!(text(&o.stdout), want, "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("hot functions of"), "{}", text(&o.stderr));
    let o = run(&[]);
    assert_eq!(text(&o.stdout), want, "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    assert!(
        stderr.contains("native code of 2 functions of")
            || stderr.contains("native code of 1 functions of"),
        "{stderr}"
    );

    // A damaged entry is dropped with a warning; the run gives the same answer and saves again.
    let code = cache.join("silo").join("code");
    for entry in std::fs::read_dir(&code).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() / 3;
        bytes[at] ^= 0x40;
        std::fs::write(&path, bytes).unwrap();
    }
    let o = run(&[]);
    assert_eq!(text(&o.stdout), want, "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("warning: ignored the cached native code"), "{stderr}");
    assert!(stderr.contains("hot functions of"), "{stderr}");
    // A text module's code is found again too (it was dropped as "another module" on every run,
    // the entry holding the assembled binary).
    for _ in 0..2 {
        let o = silo(&cache, &["run", "-v", "--engine", "jit", "--invoke", "run", m, "30000000"]);
        assert_eq!(text(&o.stdout), want, "{}", text(&o.stderr));
        assert!(!text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
    }
    let o = silo(&cache, &["run", "-v", "--engine", "jit", "--invoke", "run", m, "30000000"]);
    assert!(text(&o.stderr).contains("native code of 2 functions"), "{}", text(&o.stderr));
    // The interpreter alone gives the same answer (and uses no native code at all).
    let o = silo(&cache, &["run", "-v", "--engine", "interp", "--invoke", "run", m, "30000000"]);
    assert_eq!(text(&o.stdout), want, "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("native code"), "{}", text(&o.stderr));
}

#[test]
fn a_large_module_validated_once_is_not_validated_again_but_other_bytes_are() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // Over the 256 KiB below which no mark is kept: a data segment makes the size.
    let filler = "x".repeat(300 << 10);
    let module = |extra: &str| {
        format!(
            r#"(module (memory 5) (data (i32.const 0) "{filler}")
                 (func (export "main") (result i32) (i32.load8_u (i32.const 7))) {extra})"#
        )
    };
    let good = dir.path().join("good.wat");
    std::fs::write(&good, module("")).unwrap();
    // The same module with one more function whose body does not validate.
    let bad = dir.path().join("bad.wat");
    std::fs::write(&bad, module("(func (result i32) i64.const 0)")).unwrap();
    let (good, bad) = (good.to_str().unwrap(), bad.to_str().unwrap());
    let run =
        |path: &str| silo(&cache, &["run", "-v", "--engine", "tiered", "--invoke", "main", path]);
    let trusted =
        |o: &std::process::Output| text(&o.stderr).contains("was validated by this Silo before");

    let first = run(good);
    assert_eq!(text(&first.stdout), "120\n", "{}", text(&first.stderr));
    assert!(!trusted(&first), "validated the first time");
    let second = run(good);
    assert_eq!(text(&second.stdout), "120\n", "{}", text(&second.stderr));
    assert!(trusted(&second), "trusted the second time: {}", text(&second.stderr));
    // Other bytes are validated, whatever was marked.
    let o = run(bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("type mismatch"), "{}", text(&o.stderr));

    // Damaged marks are replaced: validated again, then trusted again.
    for entry in std::fs::read_dir(cache.join("silo").join("code")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"x").unwrap();
    }
    let o = run(good);
    assert_eq!(text(&o.stdout), "120\n", "{}", text(&o.stderr));
    assert!(!trusted(&o), "a damaged mark is not trusted");
    assert!(trusted(&run(good)), "marked again");

    // The interpreter engine keeps marks of its own (it has no native code to key them by).
    let interp =
        |path: &str| silo(&cache, &["run", "-v", "--engine", "interp", "--invoke", "main", path]);
    let first = interp(good);
    assert_eq!(text(&first.stdout), "120\n", "{}", text(&first.stderr));
    assert!(!trusted(&first), "the tiered engine's mark is not the interpreter's");
    let second = interp(good);
    assert_eq!(text(&second.stdout), "120\n", "{}", text(&second.stderr));
    assert!(trusted(&second), "{}", text(&second.stderr));
    let o = interp(bad);
    assert!(text(&o.stderr).contains("type mismatch"), "{}", text(&o.stderr));
    // `--no-cache` neither reads nor leaves marks.
    let o =
        silo(&cache, &["run", "-v", "--no-cache", "--engine", "interp", "--invoke", "main", good]);
    assert!(!trusted(&o), "{}", text(&o.stderr));

    // A small module is never marked (validating it costs less than the mark).
    let h = hello();
    let h = h.to_str().unwrap();
    for _ in 0..2 {
        let o = silo(&cache, &["run", "-v", "--engine", "tiered", h]);
        assert!(!trusted(&o), "{}", text(&o.stderr));
    }
}
