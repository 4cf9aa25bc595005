//! `wasi_calls`: random sequences of `wasi_snapshot_preview1` calls with random arguments,
//! against a temporary directory pre-opened read-write as `/sandbox` (descriptor 3).
//!
//! The guest is a module that imports every preview1 function and re-exports each under its own
//! name (as `wasi/tests/common` does), so the host calls them directly with the arguments the
//! input chooses, after writing input-chosen bytes (paths from a dictionary of tricky ones, I/O
//! vectors, raw bytes) into the guest's memory. Per process there is one temporary root holding:
//!
//! - `sandbox/`: the pre-open, emptied and refilled before every input with a file, a directory
//!   and symbolic links that lead out of it (`up` → `../canary`, `abs` → the canary's absolute
//!   path, `cf` → `../canary/secret`) or nowhere (`loop`, `dang`);
//! - `canary/` and `root-secret`: what the guest must never reach.
//!
//! After every input, everything under the root but the sandbox's contents (names, types, sizes,
//! contents, permissions, modification times; the root's own and the canary's) must be as it was,
//! and nothing may panic (a panic in a host function is a finding, whether or not the engine turns
//! it into a trap). Clocks are virtual (a `poll_oneoff` sleep takes no time) and the random source
//! seeded, so that a run repeats; standard input is a few bytes, output goes to a bounded buffer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::SystemTime;

use arbitrary::Unstructured;
use silo_core::{Config, Engine, Linker, Module, Store, Strategy, Val};
use silo_wasi::{DirPerms, OutputBuffer, WasiCtx, WasiCtxBuilder, add_to_linker};

/// The preview1 functions: name, parameters (`i` for i32, `l` for i64), whether they return an
/// errno.
const FUNCS: &[(&str, &str, bool)] = &[
    ("args_get", "ii", true),
    ("args_sizes_get", "ii", true),
    ("environ_get", "ii", true),
    ("environ_sizes_get", "ii", true),
    ("clock_res_get", "ii", true),
    ("clock_time_get", "ili", true),
    ("fd_advise", "illi", true),
    ("fd_allocate", "ill", true),
    ("fd_close", "i", true),
    ("fd_datasync", "i", true),
    ("fd_fdstat_get", "ii", true),
    ("fd_fdstat_set_flags", "ii", true),
    ("fd_fdstat_set_rights", "ill", true),
    ("fd_filestat_get", "ii", true),
    ("fd_filestat_set_size", "il", true),
    ("fd_filestat_set_times", "illi", true),
    ("fd_pread", "iiili", true),
    ("fd_prestat_get", "ii", true),
    ("fd_prestat_dir_name", "iii", true),
    ("fd_pwrite", "iiili", true),
    ("fd_read", "iiii", true),
    ("fd_readdir", "iiili", true),
    ("fd_renumber", "ii", true),
    ("fd_seek", "ilii", true),
    ("fd_sync", "i", true),
    ("fd_tell", "ii", true),
    ("fd_write", "iiii", true),
    ("path_create_directory", "iii", true),
    ("path_filestat_get", "iiiii", true),
    ("path_filestat_set_times", "iiiilli", true),
    ("path_link", "iiiiiii", true),
    ("path_open", "iiiiillii", true),
    ("path_readlink", "iiiiii", true),
    ("path_remove_directory", "iii", true),
    ("path_rename", "iiiiii", true),
    ("path_symlink", "iiiii", true),
    ("path_unlink_file", "iii", true),
    ("poll_oneoff", "iiii", true),
    ("proc_exit", "i", false),
    ("proc_raise", "i", true),
    ("sched_yield", "", true),
    ("random_get", "ii", true),
    ("sock_accept", "iii", true),
    ("sock_recv", "iiiiii", true),
    ("sock_send", "iiiii", true),
    ("sock_shutdown", "ii", true),
];

/// The guest's memory: one page.
const MEMORY: u32 = 65_536;
/// Addresses the input picks from: the start, buffers, and the edges of memory.
const SLOTS: [u32; 12] = [0, 8, 64, 256, 1024, 2048, 4096, 8192, 32768, 65_520, 65_535, 65_536];
/// Path pieces the input combines.
const PIECES: &[&str] = &[
    "f",
    "d",
    "d/g",
    "g",
    "new",
    "up",
    "abs",
    "cf",
    "loop",
    "dang",
    ".",
    "..",
    "",
    "/",
    "//",
    "../canary",
    "../canary/secret",
    "../root-secret",
    "canary",
    "sandbox",
    "secret",
    "up/secret",
    "abs/secret",
    "up/sub",
    "d/../..",
    "d/..",
    "f/",
    "./f",
    "x\0y",
    "..\\canary",
    "/sandbox",
    "/sandbox/f",
    "/canary",
    "up/..",
    "up/../..",
];
/// Rights masks worth trying.
const RIGHTS: [u64; 6] = [u64::MAX, (1 << 30) - 1, 0, 1 << 1, 1 << 6, 1 << 14];

/// What lives for the whole process: the temporary root, the engine, the guest.
struct World {
    _root: tempfile::TempDir,
    root: PathBuf,
    sandbox: PathBuf,
    canary: PathBuf,
    engine: Engine,
    module: Module,
    /// The snapshot of everything outside the sandbox, taken once.
    before: Snapshot,
}

fn wrapper_module() -> String {
    let mut wat = String::from("(module\n");
    let mut exports = String::new();
    for (name, params, result) in FUNCS {
        let plist: Vec<&str> =
            params.chars().map(|c| if c == 'i' { "i32" } else { "i64" }).collect();
        let plist =
            if plist.is_empty() { String::new() } else { format!("(param {})", plist.join(" ")) };
        let result = if *result { "(result i32)" } else { "" };
        wat += &format!(
            "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} {plist} {result}))\n"
        );
        let args: String = (0..params.len()).map(|k| format!("(local.get {k}) ")).collect();
        exports += &format!("(func (export \"{name}\") {plist} {result} (call ${name} {args}))\n");
    }
    wat += "(memory (export \"memory\") 1 1)\n";
    wat += &exports;
    wat += ")";
    wat
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let tmp =
        tempfile::Builder::new().prefix("silo-fuzz-wasi").tempdir().expect("a temporary directory");
    let root = tmp.path().canonicalize().expect("the root exists");
    let (sandbox, canary) = (root.join("sandbox"), root.join("canary"));
    std::fs::create_dir(&sandbox).unwrap();
    std::fs::create_dir_all(canary.join("sub")).unwrap();
    std::fs::write(canary.join("secret"), b"top secret").unwrap();
    std::fs::write(canary.join("sub/deep"), b"deeper secret").unwrap();
    std::fs::write(root.join("root-secret"), b"the root's secret").unwrap();
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wrapper_module()).expect("the wrapper module is valid");
    let before = snapshot(&root);
    World { _root: tmp, root, sandbox, canary, engine, module, before }
});

/// Everything under the root but the sandbox's contents: for each path, what it is.
type Snapshot = BTreeMap<PathBuf, String>;

fn describe(path: &Path, with_times: bool) -> String {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return "gone".into() };
    use std::os::unix::fs::MetadataExt;
    let kind = if meta.is_symlink() {
        format!("symlink to {:?}", std::fs::read_link(path).ok())
    } else if meta.is_dir() {
        "dir".into()
    } else if meta.is_file() {
        format!(
            "file {:?}",
            std::fs::read(path).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
        )
    } else {
        format!("other {:o}", meta.mode())
    };
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok());
    if with_times {
        format!(
            "{kind}, mode {:o}, size {}, nlink {}, mtime {mtime:?}",
            meta.mode(),
            meta.len(),
            meta.nlink()
        )
    } else {
        kind
    }
}

fn snapshot(root: &Path) -> Snapshot {
    let mut out = Snapshot::new();
    let sandbox = root.join("sandbox");
    let mut stack = vec![root.to_path_buf()];
    out.insert(root.to_path_buf(), describe(root, true));
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path == sandbox {
                // Its times and link count change with what the guest does inside it.
                out.insert(path, describe(&sandbox, false));
                continue;
            }
            out.insert(path.clone(), describe(&path, true));
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            }
        }
    }
    out
}

/// Empties the sandbox and puts its starting contents back.
fn reset_sandbox(world: &World) {
    let sandbox = &world.sandbox;
    for entry in std::fs::read_dir(sandbox).expect("the sandbox exists").flatten() {
        let path = entry.path();
        let r = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        r.unwrap_or_else(|e| panic!("cannot clean {}: {e}", path.display()));
    }
    std::fs::write(sandbox.join("f"), b"hello").unwrap();
    std::fs::create_dir(sandbox.join("d")).unwrap();
    std::fs::write(sandbox.join("d/g"), b"inner").unwrap();
    let link =
        |target: &Path, name: &str| std::os::unix::fs::symlink(target, sandbox.join(name)).unwrap();
    link(Path::new("../canary"), "up");
    link(&world.canary, "abs");
    link(Path::new("../canary/secret"), "cf");
    link(Path::new("loop"), "loop");
    link(Path::new("nowhere"), "dang");
}

struct Host {
    wasi: WasiCtx,
}

/// One step of a sequence: memory writes, then a call.
#[derive(Debug)]
struct Step {
    writes: Vec<(u32, Vec<u8>)>,
    func: usize,
    args: Vec<Val>,
}

/// Reads the steps from the input.
fn steps(u: &mut Unstructured) -> arbitrary::Result<Vec<Step>> {
    let mut steps = Vec::new();
    let mut last_len = 0u32;
    let n = u.int_in_range(1..=40)?;
    for _ in 0..n {
        if u.is_empty() {
            break;
        }
        let mut writes = Vec::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let at = *u.choose(&SLOTS)?;
            let bytes: Vec<u8> = match u.int_in_range(0..=3)? {
                // A path of one to three pieces.
                0 | 1 => {
                    let mut p = String::new();
                    for k in 0..u.int_in_range(1..=3)? {
                        if k > 0 {
                            p.push('/');
                        }
                        p.push_str(u.choose(PIECES)?);
                    }
                    p.into_bytes()
                }
                // I/O vectors: (buffer, length) pairs.
                2 => {
                    let mut v = Vec::new();
                    for _ in 0..u.int_in_range(0..=3)? {
                        let buf = *u.choose(&SLOTS)?;
                        let len = match u.int_in_range(0..=2)? {
                            0 => u.int_in_range(0..=64)?,
                            1 => u.int_in_range(0..=MEMORY)?,
                            _ => u.arbitrary()?,
                        };
                        v.extend(buf.to_le_bytes());
                        v.extend(u32::to_le_bytes(len));
                    }
                    v
                }
                _ => {
                    let len = u.int_in_range(0..=64)?;
                    u.bytes(len)?.to_vec()
                }
            };
            // What fits in memory.
            let room = (MEMORY - at) as usize;
            let bytes = bytes[..bytes.len().min(room)].to_vec();
            last_len = bytes.len() as u32;
            writes.push((at, bytes));
        }
        let func = u.choose_index(FUNCS.len())?;
        let mut args = Vec::new();
        for c in FUNCS[func].1.chars() {
            args.push(if c == 'i' {
                Val::I32(match u.int_in_range(0..=5)? {
                    0 | 1 => u.int_in_range(0..=10)?,
                    2 => *u.choose(&SLOTS)?,
                    3 => last_len,
                    4 => u.int_in_range(0..=0xff)?,
                    _ => u.arbitrary()?,
                } as i32)
            } else {
                Val::I64(match u.int_in_range(0..=3)? {
                    0 => u.int_in_range(0..=4096)?,
                    1 => *u.choose(&RIGHTS)?,
                    2 => *u.choose(&[i64::MAX as u64, u64::MAX, 1 << 32, 1 << 63, 1 << 40])?,
                    _ => u.arbitrary()?,
                } as i64)
            });
        }
        steps.push(Step { writes, func, args });
    }
    Ok(steps)
}

/// Runs the calls the input describes; panics if anything outside the sandbox changed.
pub fn run(data: &[u8]) -> bool {
    let world = &*WORLD;
    let mut u = Unstructured::new(data);
    let Ok(steps) = steps(&mut u) else { return false };
    if steps.is_empty() {
        return false;
    }
    reset_sandbox(world);
    let mut b = WasiCtxBuilder::new();
    b.preopened_dir_path(&world.sandbox, "/sandbox", DirPerms::ReadWrite)
        .expect("the sandbox opens");
    b.args(["guest", "--flag", "value"]).env("KEY", "value");
    b.stdin(std::io::Cursor::new(b"standard input\n".to_vec()));
    b.stdout(OutputBuffer::new()).stderr(OutputBuffer::new());
    b.max_output_bytes(1 << 16).max_open_files(64).virtual_clocks().random_seed(7);
    let mut store = Store::new(&world.engine, Host { wasi: b.build() });
    let mut linker = Linker::new(&world.engine);
    add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi).expect("WASI links");
    let instance = linker.instantiate(&mut store, &world.module).expect("the guest instantiates");
    let memory = instance.get_memory(&store, "memory").expect("the guest exports its memory");
    for (i, step) in steps.iter().enumerate() {
        for (at, bytes) in &step.writes {
            let at = *at as usize;
            memory.data_mut(&mut store)[at..at + bytes.len()].copy_from_slice(bytes);
        }
        let (name, _, has_result) = FUNCS[step.func];
        let f = instance.get_func(&store, name).expect("every function is exported");
        let mut results = if has_result { vec![Val::I32(0)] } else { Vec::new() };
        if let Err(e) = f.call(&mut store, &step.args, &mut results) {
            let message = e.to_string();
            assert!(
                !message.contains("panicked"),
                "step {i} ({name} {:?}) panicked in the host: {message}\nsteps: {steps:#?}",
                step.args
            );
            // A trap (proc_exit, the output quota) ends the guest.
            break;
        }
    }
    drop(store);
    let after = snapshot(&world.root);
    if after != world.before {
        let keys: std::collections::BTreeSet<_> = world.before.keys().chain(after.keys()).collect();
        let changed: Vec<String> = keys
            .into_iter()
            .filter(|k| world.before.get(*k) != after.get(*k))
            .map(|k| format!("{}: {:?} -> {:?}", k.display(), world.before.get(k), after.get(k)))
            .collect();
        panic!(
            "the guest changed something outside its pre-opened directory:\n{}\nsteps: {steps:#?}",
            changed.join("\n")
        );
    }
    true
}
