//! `silo run URL` and `silo cache` as a user runs them, against a loopback HTTP server.

#[path = "../../fetch/tests/support/server.rs"]
mod server;

mod cached;

use cached::{silo, text};
use server::{Behavior, Route, Server};

fn hello() -> Vec<u8> {
    std::fs::read(cached::hello_path()).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    silo::fetch::ModuleDigest::of(bytes).to_hex()
}

#[test]
fn a_program_runs_from_a_url_then_from_the_cache() {
    let server = Server::start();
    let cache = tempfile::tempdir().unwrap();
    server.set("/hello.wasm", Route::new(hello(), "v1"));
    let url = server.url("/hello.wasm");

    let o = silo(cache.path(), &["run", "-v", &url, "a"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "hello, world\narg 1: a\n");
    let err = text(&o.stderr);
    assert!(err.contains("functions validated while downloading"), "{err}");
    assert!(err.contains("`_start` entered"), "{err}");

    // Under the jit engine the first run compiles and caches the native code, the next loads it.
    let o = silo(cache.path(), &["run", "-v", "--engine", "jit", &url]);
    assert!(text(&o.stderr).contains("cached its native code"), "{}", text(&o.stderr));
    let o = silo(cache.path(), &["run", "-v", "--engine", "jit", &url]);
    assert!(text(&o.stderr).contains("from the cache"), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "hello, world\n");

    // The next run asks whether it changed; then one runs offline.
    let o = silo(cache.path(), &["run", "-v", &url]);
    assert!(text(&o.stderr).contains("the server said it is current"), "{}", text(&o.stderr));
    assert_eq!(server.requests("/hello.wasm")[1].status, 304);
    assert_eq!(server.requests("/hello.wasm")[3].status, 304);
    drop(server);
    let o = silo(cache.path(), &["run", "--offline", &url]);
    assert_eq!(text(&o.stdout), "hello, world\n", "{}", text(&o.stderr));

    let o = silo(cache.path(), &["cache", "list"]);
    let listed = text(&o.stdout);
    assert!(listed.contains(&sha256_hex(&hello())) && listed.contains(&url), "{listed}");
    let o = silo(cache.path(), &["cache", "clean", "--older-than", "30d"]);
    assert_eq!(text(&o.stdout), "removed 0 modules (0 bytes)\n");
    let o = silo(cache.path(), &["cache", "clean"]);
    let cleaned = text(&o.stdout);
    assert!(cleaned.starts_with("removed 1 module and 1 compiled module ("), "{cleaned}");
    let o = silo(cache.path(), &["run", "--offline", &url]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("is not in the cache, and --offline forbids the network"));
}

#[test]
fn a_wrong_digest_runs_nothing_whether_fetched_or_local() {
    let server = Server::start();
    let cache = tempfile::tempdir().unwrap();
    server.set("/hello.wasm", Route::new(hello(), "v1"));
    let wrong = "ab".repeat(32);
    let o = silo(cache.path(), &["run", "--sha256", &wrong, &server.url("/hello.wasm")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert!(text(&o.stderr).contains(&format!("integrity check failed: expected sha256 {wrong}")));

    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("hello.wasm");
    std::fs::write(&local, hello()).unwrap();
    let local = local.to_str().unwrap();
    let o = silo(cache.path(), &["run", "--sha256", &wrong, local]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let right = sha256_hex(&hello());
    let o = silo(cache.path(), &["run", "--sha256", &right, local]);
    assert_eq!(text(&o.stdout), "hello, world\n");

    // The policy manifest's `sha256` pins it too.
    let manifest = dir.path().join("policy.toml");
    std::fs::write(&manifest, format!("sha256 = \"{wrong}\"\n")).unwrap();
    let o = silo(cache.path(), &["run", "--policy", manifest.to_str().unwrap(), local]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("integrity check failed"), "{}", text(&o.stderr));

    let o = silo(cache.path(), &["run", "--sha256", "xyz", local]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("is not a SHA-256 digest"), "{}", text(&o.stderr));
}

#[test]
fn download_failures_are_one_line_errors() {
    let server = Server::start();
    let cache = tempfile::tempdir().unwrap();
    let o = silo(cache.path(), &["run", &server.url("/missing.wasm")]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        format!(
            "error: cannot fetch {}: the server answered 404 Not Found\n",
            server.url("/missing.wasm")
        )
    );
    let hello = hello();
    server.set("/cut.wasm", Route::new(hello.clone(), "c").behaving(Behavior::CutAfter(64)));
    let o = silo(cache.path(), &["run", &server.url("/cut.wasm")]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains(&format!("the connection closed after 64 bytes of {}", hello.len())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // Nothing of a failed download stays in the cache.
    let o = silo(cache.path(), &["cache", "list"]);
    assert!(text(&o.stdout).contains("holds no module"), "{}", text(&o.stdout));
}

#[test]
fn bad_cache_flags_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let f = file.to_str().unwrap();
    let o = silo(dir.path(), &["cache", "list", "--cache-dir", f]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("cannot open the cache directory"), "{}", text(&o.stderr));
    let o = silo(dir.path(), &["run", "--cache-max-size", "lots", "x.wasm"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("invalid size `lots`"), "{}", text(&o.stderr));
    let o = silo(dir.path(), &["cache", "clean", "--older-than", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("invalid duration `soon`"), "{}", text(&o.stderr));
    let o = silo(dir.path(), &["run", "--offline", "--no-cache", "http://127.0.0.1:9/x.wasm"]);
    assert_eq!(o.status.code(), Some(2), "--offline and --no-cache contradict each other");
    let o = silo(dir.path(), &["run", "--offline", "local.wasm"]);
    assert!(text(&o.stderr).contains("--offline applies to a URL"), "{}", text(&o.stderr));
}

#[test]
fn a_large_module_from_a_url_is_validated_once_then_trusted_by_its_mark() {
    let server = Server::start();
    let cache = tempfile::tempdir().unwrap();
    // Over the 256 KiB below which no mark is kept: a data segment makes the size.
    let filler = "x".repeat(300 << 10);
    let module = |extra: &str| {
        silo::loader::assemble(&format!(
            r#"(module (memory 5) (data (i32.const 0) "{filler}")
                 (func (export "main") (result i32) (i32.load8_u (i32.const 7))) {extra})"#
        ))
        .unwrap()
    };
    server.set("/big.wasm", Route::new(module(""), "v1"));
    let url = server.url("/big.wasm");
    let run = || silo(cache.path(), &["run", "-v", "--invoke", "main", &url]);
    let trusted =
        |o: &std::process::Output| text(&o.stderr).contains("was validated by this Silo before");

    // Validated while it downloads; the cached copy, current by the server's word, is not
    // validated again (tiered keeps no native code of a run this short).
    let first = run();
    assert_eq!(text(&first.stdout), "120\n", "{}", text(&first.stderr));
    assert!(!trusted(&first), "{}", text(&first.stderr));
    let second = run();
    assert_eq!(text(&second.stdout), "120\n", "{}", text(&second.stderr));
    assert!(text(&second.stderr).contains("the server said it is current"));
    assert!(trusted(&second), "{}", text(&second.stderr));

    // Damaged marks are not trusted: validated again, then marked again.
    for entry in std::fs::read_dir(cache.path().join("silo").join("code")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"x").unwrap();
    }
    let o = run();
    assert_eq!(text(&o.stdout), "120\n", "{}", text(&o.stderr));
    assert!(!trusted(&o), "{}", text(&o.stderr));
    assert!(trusted(&run()), "marked again");

    // A new version is other bytes: validated, and one that does not validate is refused.
    server.set("/big.wasm", Route::new(module("(func (result i32) i64.const 0)"), "v2"));
    let o = run();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("type mismatch"), "{}", text(&o.stderr));
}
