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
    // Tiered runs take the same code.
    let o = silo(&cache, &["run", "-v", hello.to_str().unwrap()]);
    assert!(text(&o.stderr).contains("from the cache"), "{}", text(&o.stderr));

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
