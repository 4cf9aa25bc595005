//! Fetching modules from a loopback HTTP server: streaming, integrity pins, revalidation, the
//! offline mode, redirects and every way a download can fail.

mod support;

use std::time::Duration;

use silo_core::{Engine, Instance, Store};
use silo_fetch::{Cache, FetchError, FetchOptions, Fetched, Fetcher, ModuleDigest, Origin};
use support::server::{Behavior, Route, Server};

/// A module of `n` functions; `answer` returns `value`.
fn module(n: usize, value: i32) -> Vec<u8> {
    let mut wat = String::from("(module\n");
    for i in 0..n {
        wat.push_str(&format!(
            "(func $f{i} (param i32) (result i32) local.get 0 i32.const {i} i32.add)\n"
        ));
    }
    wat.push_str(&format!("(func (export \"answer\") (result i32) i32.const {value}))"));
    silo_loader::assemble(&wat).unwrap()
}

fn answer(fetched: &Fetched) -> i32 {
    let mut store = Store::new(fetched.module.engine(), ());
    let instance = Instance::new(&mut store, &fetched.module, &[]).unwrap();
    let f = instance.get_typed_func::<(), i32>(&store, "answer").unwrap();
    f.call(&mut store, ()).unwrap()
}

fn fetcher(cache: Option<&std::path::Path>) -> Fetcher {
    let cache = cache.map(|dir| Cache::open(dir).unwrap());
    Fetcher::new(FetchOptions { cache, ..FetchOptions::default() })
}

#[test]
fn a_module_streams_in_and_runs() {
    let server = Server::start();
    let bytes = module(3, 42);
    server.set("/app.wasm", Route::new(bytes.clone(), "v1"));
    let fetched = fetcher(None).fetch(&Engine::default(), &server.url("/app.wasm")).unwrap();
    assert_eq!(fetched.origin, Origin::Network);
    assert_eq!(fetched.digest, ModuleDigest::of(&bytes));
    assert_eq!(fetched.stats.bytes, bytes.len() as u64);
    assert_eq!(answer(&fetched), 42);
}

#[test]
fn a_trickled_module_is_validated_while_it_downloads() {
    let server = Server::start();
    let bytes = module(200, 7);
    let trickle = Behavior::Trickle { chunk: 256, delay: Duration::from_millis(2) };
    server.set("/slow.wasm", Route::new(bytes.clone(), "s").behaving(trickle));
    let fetched = fetcher(None).fetch(&Engine::default(), &server.url("/slow.wasm")).unwrap();
    // Every body but those in the last chunk was validated before the last byte arrived.
    let during = fetched.stats.functions_validated_while_downloading;
    assert!(during >= 190, "only {during} of 201 functions validated during the download");
    assert_eq!(answer(&fetched), 7);
}

#[test]
fn a_body_cut_short_is_a_clean_error_naming_how_much_arrived() {
    let server = Server::start();
    let bytes = module(50, 1);
    server.set("/cut.wasm", Route::new(bytes.clone(), "c").behaving(Behavior::CutAfter(100)));
    let err = fetcher(None).fetch(&Engine::default(), &server.url("/cut.wasm")).unwrap_err();
    assert!(matches!(err, FetchError::Truncated { received: 100, .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(&format!("closed after 100 bytes of {}", bytes.len())), "{text}");
}

#[test]
fn a_wrong_digest_is_refused_and_nothing_is_cached() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    server.set("/app.wasm", Route::new(module(2, 5), "v1"));
    let wrong = ModuleDigest::of(b"something else");
    let cache = Cache::open(dir.path()).unwrap();
    let options =
        FetchOptions { cache: Some(cache), sha256: Some(wrong), ..FetchOptions::default() };
    let err =
        Fetcher::new(options).fetch(&Engine::default(), &server.url("/app.wasm")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("integrity check failed: expected sha256"), "{text}");
    assert!(text.contains(&wrong.to_hex()), "{text}");
    assert!(Cache::open(dir.path()).unwrap().list().unwrap().is_empty());
}

#[test]
fn a_cached_module_is_revalidated_and_a_new_version_replaces_it() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/app.wasm");
    server.set("/app.wasm", Route::new(module(2, 1), "v1"));
    let first = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!(first.origin, Origin::Network);

    let second = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!(second.origin, Origin::Revalidated);
    assert_eq!(answer(&second), 1);
    let log = server.requests("/app.wasm");
    assert_eq!(log[1].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(log[1].status, 304);

    server.set("/app.wasm", Route::new(module(2, 2), "v2"));
    let third = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!(third.origin, Origin::Network);
    assert_eq!(answer(&third), 2);
    let fourth = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!((fourth.origin, answer(&fourth)), (Origin::Revalidated, 2));
}

#[test]
fn offline_runs_the_cached_copy_or_says_there_is_none() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/app.wasm");
    let offline = || {
        let cache = Cache::open(dir.path()).unwrap();
        Fetcher::new(FetchOptions { cache: Some(cache), offline: true, ..FetchOptions::default() })
    };
    let err = offline().fetch(&Engine::default(), &url).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{url} is not in the cache, and --offline forbids the network")
    );
    assert!(server.requests("/app.wasm").is_empty());

    server.set("/app.wasm", Route::new(module(1, 9), "v1"));
    fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    drop(server);
    let fetched = offline().fetch(&Engine::default(), &url).unwrap();
    assert_eq!((fetched.origin, answer(&fetched)), (Origin::Cache, 9));
}

#[test]
fn a_pinned_module_in_the_cache_needs_no_network() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let bytes = module(1, 3);
    server.set("/app.wasm", Route::new(bytes.clone(), "v1"));
    fetcher(Some(dir.path())).fetch(&Engine::default(), &server.url("/app.wasm")).unwrap();
    let cache = Cache::open(dir.path()).unwrap();
    let pin = Some(ModuleDigest::of(&bytes));
    let options = FetchOptions { cache: Some(cache), sha256: pin, ..FetchOptions::default() };
    let fetched =
        Fetcher::new(options).fetch(&Engine::default(), &server.url("/app.wasm")).unwrap();
    assert_eq!(fetched.origin, Origin::Cache);
    assert_eq!(server.requests("/app.wasm").len(), 1);
}

#[test]
fn a_damaged_cache_is_ignored_with_a_warning_and_the_module_fetched_again() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let url = server.url("/app.wasm");
    let bytes = module(2, 11);
    server.set("/app.wasm", Route::new(bytes.clone(), "v1"));
    fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();

    // Truncate the cached module.
    let path = dir.path().join("modules").join(format!("{}.wasm", ModuleDigest::of(&bytes)));
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let fetched = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!((fetched.origin, answer(&fetched)), (Origin::Network, 11));
    assert!(
        fetched.warnings.iter().any(|w| w.contains("no longer match")),
        "{:?}",
        fetched.warnings
    );

    // Swap in another module's bytes under this one's name, and scribble over every URL entry.
    std::fs::write(&path, module(2, 99)).unwrap();
    for entry in std::fs::read_dir(dir.path().join("urls")).unwrap() {
        std::fs::write(entry.unwrap().path(), "url = [").unwrap();
    }
    let fetched = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!((fetched.origin, answer(&fetched)), (Origin::Network, 11));
    assert!(fetched.warnings.iter().any(|w| w.contains("damaged")), "{:?}", fetched.warnings);
    let fetched = fetcher(Some(dir.path())).fetch(&Engine::default(), &url).unwrap();
    assert_eq!((fetched.origin, answer(&fetched)), (Origin::Revalidated, 11));
}

#[test]
fn redirects_are_followed() {
    let server = Server::start();
    server.set("/new.wasm", Route::new(module(1, 4), "n"));
    let to = server.url("/new.wasm");
    server.set("/old.wasm", Route::new(Vec::new(), "o").behaving(Behavior::Redirect(to)));
    let fetched = fetcher(None).fetch(&Engine::default(), &server.url("/old.wasm")).unwrap();
    assert_eq!(answer(&fetched), 4);
}

#[test]
fn statuses_refusals_and_bad_bytes_are_one_line_errors() {
    let server = Server::start();
    let engine = Engine::default();
    let url = server.url("/missing.wasm");
    let err = fetcher(None).fetch(&engine, &url).unwrap_err();
    assert_eq!(err.to_string(), format!("cannot fetch {url}: the server answered 404 Not Found"));

    server.set("/down.wasm", Route::new(Vec::new(), "d").behaving(Behavior::Status(503)));
    let err = fetcher(None).fetch(&engine, &server.url("/down.wasm")).unwrap_err();
    assert!(err.to_string().ends_with("the server answered 503 Service Unavailable"), "{err}");

    server.set("/page.html", Route::new(&b"<html>not wasm</html>"[..], "p"));
    let err = fetcher(None).fetch(&engine, &server.url("/page.html")).unwrap_err();
    assert!(matches!(err, FetchError::Module { .. }), "{err}");

    // A gzip file: not a module, said on one line.
    server.set("/app.tar.gz", Route::new(&b"\x1f\x8b\x08\x00\x00\x00\x00\x00\xff"[..], "g"));
    let err = fetcher(None).fetch(&engine, &server.url("/app.tar.gz")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("magic header not detected") && !text.contains('\n'), "{text}");

    let options = FetchOptions { max_size: 10, ..FetchOptions::default() };
    server.set("/big.wasm", Route::new(module(5, 0), "b"));
    let err = Fetcher::new(options).fetch(&engine, &server.url("/big.wasm")).unwrap_err();
    assert!(err.to_string().contains("larger than the limit of 10 bytes"), "{err}");

    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = fetcher(None).fetch(&engine, &format!("http://127.0.0.1:{port}/x.wasm")).unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err}");

    let err = fetcher(None).fetch(&engine, "ftp://example.org/x.wasm").unwrap_err();
    assert!(matches!(err, FetchError::BadUrl { .. }), "{err}");
}
