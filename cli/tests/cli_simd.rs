//! SIMD programs compiled from C (`clang-16 -msimd128`) under every engine: the self-checking
//! program of `tests/programs/simd.c` (145 different SIMD instructions, each compared with plain
//! C) and the SIMD benchmarks of `bench/programs` at their quick size must print exactly what
//! their native builds print (recorded in the source's comment and in
//! `bench/programs/expected.txt`).

use std::path::{Path, PathBuf};
use std::process::Command;

const ENGINES: [&[&str]; 4] = [
    &["--engine", "interp"],
    &["--engine", "jit"],
    &["--engine", "tiered"],
    &["--engine", "tiered", "--tier-up-after", "1"],
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `guest` under `engine` and returns its standard output, after checking it exited 0.
fn run(engine: &[&str], guest: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_silo"))
        .arg("run")
        .args(engine)
        .arg(guest)
        .args(args)
        .output()
        .expect("silo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{engine:?} {}: {stderr}", guest.display());
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The output of the native build of `tests/programs/simd.c` (no wasm SIMD there: the plain-C
/// side alone).
const SIMD_SELF_CHECK: &str = "simd: 25600 checks, 0 mismatches, hash c81d3d01ab6edc66\n";

#[test]
fn the_simd_self_check_passes_in_every_engine() {
    let guest = repo().join("tests/programs/simd.wasm");
    for engine in ENGINES {
        assert_eq!(run(engine, &guest, &[]), SIMD_SELF_CHECK, "{engine:?}");
    }
}

#[test]
fn simd_benchmarks_print_their_native_output_in_every_engine() {
    let expected = std::fs::read_to_string(repo().join("bench/programs/expected.txt")).unwrap();
    let programs = [("simd-matmul", "24"), ("simd-text", "2"), ("simd-blur", "2")];
    for (name, size) in programs {
        let prefix = format!("{name} {size} ");
        let line = expected.lines().find_map(|l| l.strip_prefix(&prefix));
        let want = format!("{}\n", line.unwrap_or_else(|| panic!("{name} {size} recorded")));
        let guest = repo().join(format!("bench/programs/{name}.wasm"));
        for engine in ENGINES {
            assert_eq!(run(engine, &guest, &[size]), want, "{name} under {engine:?}");
        }
    }
}
