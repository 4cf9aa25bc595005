//! What the tests of the caches share: `silo` run with its cache in a directory of the test's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The C hello-world of the repository's test programs.
pub fn hello_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/programs/hello.wasm")
}

/// Runs `silo` with its cache in `cache` (through `XDG_CACHE_HOME`, as a user's would be).
pub fn silo(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .expect("silo runs")
}

/// Output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
