//! Linking a C program against Silo the ways a C developer would: with pkg-config straight after
//! `cargo build` (the `silo.pc` build.rs writes beside the libraries), and from a prefix
//! `install.sh` made, with pkg-config and with CMake's `find_package(Silo)`. Each program is the
//! hello example of the package's README, as written there, run to check that it works. Needs
//! `pkg-config` and `cmake` (CI installs them).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{build_library, package_dir, without_test_env};

/// Runs `command`, panicking with its output if it cannot start or fails.
fn run(command: &mut Command) -> Output {
    let shown = format!("{command:?}");
    let out = command.output().unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `pkg-config ARGS silo` with `.pc` files from `dir`, as arguments for a compiler.
fn pkg_config(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = run(Command::new("pkg-config").env("PKG_CONFIG_PATH", dir).args(args).arg("silo"));
    String::from_utf8(out.stdout).expect("UTF-8").split_whitespace().map(String::from).collect()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c-api-linking").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// The C program of the README's "Hello" section, written to `dir/hello.c`.
fn readme_hello(dir: &Path) -> PathBuf {
    let readme = std::fs::read_to_string(package_dir().join("README.md")).expect("README.md");
    let section = &readme[readme.find("## Hello").expect("a Hello section")..];
    let start = section.find("```c\n").expect("a C block in the Hello section") + 5;
    let program = &section[start..start + section[start..].find("```").expect("its end")];
    let path = dir.join("hello.c");
    std::fs::write(&path, program).expect("write hello.c");
    path
}

/// Compiles the README's hello with `flags` into `dir`, runs it, checks what it printed;
/// returns the executable.
fn build_and_run_hello(dir: &Path, flags: &[String]) -> PathBuf {
    let exe = dir.join("hello");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    run(Command::new(cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&exe)
        .arg(readme_hello(dir))
        .args(flags));
    check_hello(&exe);
    exe
}

/// Runs a hello example (no library path set: the rpath or static linking must do) and checks
/// its output.
fn check_hello(exe: &Path) {
    let out = run(Command::new(exe).env_remove("LD_LIBRARY_PATH"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "Hello, World!\n");
}

/// Which shared libraries `exe` loads (`ldd`, without the library path cargo gives tests).
fn loads(exe: &Path) -> String {
    let ldd = run(Command::new("ldd").arg(exe).env_remove("LD_LIBRARY_PATH"));
    String::from_utf8_lossy(&ldd.stdout).into_owned()
}

#[test]
fn pkg_config_links_against_the_build_tree() {
    let libdir = build_library();
    let flags = pkg_config(&libdir, &["--cflags", "--libs"]);
    let exe = build_and_run_hello(&scratch("build-tree"), &flags);
    assert!(loads(&exe).contains(&*libdir.join("libsilo.so").to_string_lossy()), "{flags:?}");
}

#[test]
fn an_installed_prefix_serves_pkg_config_and_cmake() {
    build_library();
    let dir = scratch("installed");
    let prefix = dir.join("prefix");
    let profile = if cfg!(debug_assertions) { vec!["--debug"] } else { vec![] };
    let mut install = Command::new(package_dir().join("install.sh"));
    without_test_env(&mut install);
    run(install.arg(&prefix).args(profile));
    for file in ["include/wasm.h", "include/silo.h", "lib/libsilo.a", "lib/libsilo.so"] {
        assert!(prefix.join(file).exists(), "{file} not installed");
    }

    // pkg-config, shared and static.
    let pc_dir = prefix.join("lib/pkgconfig");
    let shared = build_and_run_hello(&dir, &pkg_config(&pc_dir, &["--cflags", "--libs"]));
    let loaded = loads(&shared);
    assert!(loaded.contains(&*prefix.join("lib/libsilo.so").to_string_lossy()), "{loaded}");
    let mut flags = pkg_config(&pc_dir, &["--cflags"]);
    flags.push(prefix.join("lib/libsilo.a").display().to_string());
    flags.extend(pkg_config(&pc_dir, &["--libs-only-l", "--static"]));
    flags.retain(|f| f != "-lsilo");
    let static_dir = dir.join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    let exe = build_and_run_hello(&static_dir, &flags);
    assert!(!loads(&exe).contains("libsilo"), "{flags:?}");

    // CMake: find_package(Silo) and its two targets.
    let build = dir.join("cmake-build");
    run(Command::new("cmake")
        .arg("-S")
        .arg(package_dir().join("tests/cmake"))
        .arg("-B")
        .arg(&build)
        .arg(format!("-DSilo_DIR={}", prefix.join("lib/cmake/Silo").display()))
        .arg(format!("-DSILO_EXAMPLE={}", readme_hello(&dir).display())));
    run(Command::new("cmake").arg("--build").arg(&build));
    check_hello(&build.join("example_shared"));
    check_hello(&build.join("example_static"));
    assert!(!loads(&build.join("example_static")).contains("libsilo"));
}

#[test]
fn install_refuses_bad_arguments() {
    for args in [&[][..], &["a", "--release"][..], &["a", "--debug", "b"][..]] {
        let out = Command::new(package_dir().join("install.sh")).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: "), "{args:?}");
    }
}
