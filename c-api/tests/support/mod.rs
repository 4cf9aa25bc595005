//! What the C API's tests share: this package's directory, and the C libraries built for the
//! test run.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The directory of this package.
pub fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `libsilo.a` and `libsilo.so` (once per test process) with `cargo build -p
/// silo-c-api` in the profile this test was built in, and returns the directory that holds them
/// (`target/<profile>`, where build.rs also wrote `silo.pc` and `SiloConfig.cmake`). Cargo builds
/// a package's C libraries only when asked: its tests do not link them.
pub fn build_library() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable path");
        // The test executable is `target/<profile>/deps/<name>`.
        let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
        let profile = dir.file_name().and_then(|n| n.to_str()).expect("a profile name");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "-p", "silo-c-api"]).current_dir(package_dir());
        match profile {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        without_test_env(&mut build);
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "cargo build -p silo-c-api failed");
        assert!(dir.join("libsilo.a").exists() && dir.join("libsilo.so").exists());
        dir.to_path_buf()
    })
    .clone()
}

/// Removes from `command` the variables cargo sets for a running test, so that a cargo it runs
/// (directly or through a script) sees the environment of the `cargo test` that started it:
/// build scripts that watch them (ring's, through `cc`, watches CARGO_MANIFEST_DIR) would
/// otherwise run again, there and in the next `cargo test`, and rebuild everything above them.
pub fn without_test_env(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        let set_for_tests = text.starts_with("CARGO_PKG_")
            || text.starts_with("CARGO_MANIFEST_")
            || ["CARGO_CRATE_NAME", "CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR"]
                .contains(&&*text)
            || ["LD_LIBRARY_PATH", "OUT_DIR"].contains(&&*text);
        if set_for_tests {
            command.env_remove(&name);
        }
    }
}
