//! The attacker and well-behaved guest programs in `tests/programs` are present and well-formed:
//! every `.wat` assembles, every `.c` has its committed `.wasm`, and `fileops.expected` is there.
//! (Running them is the job of the crates that enforce the policy.)

use std::path::{Path, PathBuf};

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

fn files_with(ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(programs())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

#[test]
fn every_wat_program_assembles() {
    let wat = files_with("wat");
    let names: Vec<_> = wat.iter().map(|p| p.file_stem().unwrap().to_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "busy_then_ok",
            "deep_recursion",
            "infinite_loop",
            "memory_grow_bomb",
            "open_files_bomb",
            "stdout_flood",
            "table_grow_bomb"
        ]
    );
    for path in wat {
        let binary = wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(binary.starts_with(b"\0asm\x01\0\0\0"), "{}", path.display());
    }
}

#[test]
fn every_c_program_has_its_wasm() {
    let c = files_with("c");
    assert_eq!(c.len(), 2, "escape_paths.c and fileops.c");
    for source in c {
        let binary = std::fs::read(source.with_extension("wasm"))
            .unwrap_or_else(|e| panic!("{}: no .wasm (run build.sh): {e}", source.display()));
        assert!(binary.starts_with(b"\0asm\x01\0\0\0"), "{}", source.display());
        let text = String::from_utf8_lossy(&binary);
        assert!(
            text.contains("wasi_snapshot_preview1") && text.contains("_start"),
            "{}",
            source.display()
        );
    }
}

#[test]
fn fileops_has_its_native_output() {
    let expected = std::fs::read_to_string(programs().join("fileops.expected")).unwrap();
    let stdin = std::fs::read(programs().join("fileops.stdin")).unwrap();
    assert!(expected.starts_with("argc: 2\nmkdir work: ok\n"), "{expected}");
    assert!(expected.contains("GREETING: hello\n"));
    assert!(expected.contains(&format!("stdin: {} bytes\n", stdin.len())));
    assert!(expected.ends_with("rmdir work: ok\ndone\n"));
}
