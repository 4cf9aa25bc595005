//! Writes `silo.pc` and `SiloConfig.cmake` beside the libraries cargo builds
//! (`target/<profile>/`), pointing at this package's `include/` and at that directory, so that
//! `PKG_CONFIG_PATH=target/release pkg-config --cflags --libs silo` and CMake's
//! `find_package(Silo CONFIG)` with `Silo_DIR=target/release` work straight after
//! `cargo build --release -p silo-c-api`. (`install.sh` writes the same files for a prefix.)

use std::path::{Path, PathBuf};

fn main() {
    let templates = ["pkg/silo.pc.in", "pkg/SiloConfig.cmake.in"];
    for t in templates {
        println!("cargo:rerun-if-changed={t}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    let package = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    // OUT_DIR is `<target>/<profile>/build/<package>-<hash>/out`; the libraries go to
    // `<target>/<profile>`.
    let Some(libdir) = out.ancestors().nth(3) else { return };
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets it");
    for t in templates {
        let text = std::fs::read_to_string(package.join(t)).expect("template in the package");
        let filled = text
            .replace("@INCLUDEDIR@", &package.join("include").display().to_string())
            .replace("@LIBDIR@", &libdir.display().to_string())
            .replace("@VERSION@", &version);
        let name = Path::new(t).file_stem().expect("a template's name ends in .in");
        // Written only when it changes, so the file's time says when it last did.
        let path = libdir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(filled.as_str()) {
            std::fs::write(&path, filled).expect("write beside the libraries");
        }
    }
}
