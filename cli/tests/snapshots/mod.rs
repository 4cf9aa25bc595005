//! What the tests of `silo init`, `silo run --checkpoint` and `silo resume` share: the test
//! programs, `silo` run as a user runs it, and its output as text.

// Each test crate that includes this module uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A test program of the repository's `tests/programs/`.
pub fn program(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/programs").join(name)
}

/// Runs `silo` with `args`.
pub fn silo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silo")).args(args).output().expect("silo runs")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path as a command-line argument.
pub fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}
