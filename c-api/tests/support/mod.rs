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
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "cargo build -p silo-c-api failed");
        assert!(dir.join("libsilo.a").exists() && dir.join("libsilo.so").exists());
        dir.to_path_buf()
    })
    .clone()
}
