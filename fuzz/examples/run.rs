//! Runs a fuzz target's body without libFuzzer, on stable:
//!
//! ```sh
//! cargo run --release --example run -- <target> <file or directory>...   # replay inputs
//! cargo run --release --example run -- <target> --seeds 0..10000         # generated inputs
//! ```
//!
//! `<target>` is `differential`, `loader`, `wat`, `third_opinion`, `wasi_calls`, `checkpoint` or
//! `midrun`.
//! With `--seeds`, each seed gives a pseudo-random input (for `loader`, a wasm-smith module with a
//! few bytes changed; for `checkpoint`, a real checkpoint body with a few bytes changed; for
//! `wat`, text made of WebAssembly tokens; for the others, random bytes). A
//! finding stops the run: the input is saved as `seed-<target>-<n>` in the current directory.
//! With `SILO_FUZZ_DUMP=<file>`, `differential` and `third_opinion` also write the module they
//! generated from the (last) input to `<file>`.

#[path = "../../jit/tests/support/differential.rs"]
mod differential;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

use arbitrary::Unstructured;

static TIERS: LazyLock<differential::Tiers> = LazyLock::new(differential::Tiers::new);

/// With `SILO_FUZZ_DUMP=<file>`, writes the module a generating target made to `<file>` (to
/// look at a finding with `wasm-tools print`).
fn dump(wasm: &[u8]) {
    if let Some(path) = std::env::var_os("SILO_FUZZ_DUMP") {
        std::fs::write(path, wasm).expect("SILO_FUZZ_DUMP is writable");
    }
}

fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "differential" => {
            let mut u = Unstructured::new(data);
            let Ok(config) = differential::arbitrary_smith_config(&mut u) else { return false };
            let Ok(wasm) = differential::generate(config, &mut u) else { return false };
            dump(&wasm);
            match differential::compare(&TIERS, &wasm) {
                Ok(differential::Compared::Ran(_)) => true,
                Ok(differential::Compared::Skipped(_)) => false,
                Err(mismatch) => panic!("the tiers differ: {mismatch}"),
            }
        }
        "loader" => silo_fuzz::loader::run(data),
        "wat" => silo_fuzz::wat::run(data),
        "third_opinion" => {
            if let Some(wasm) = silo_fuzz::third_opinion::module(data) {
                dump(&wasm);
            }
            silo_fuzz::third_opinion::run(data)
        }
        "wasi_calls" => silo_fuzz::wasi_calls::run(data),
        "checkpoint" => silo_fuzz::checkpoint::run(data),
        "midrun" => silo_fuzz::midrun::run(data),
        other => panic!("no target {other:?}"),
    }
}

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const TOKENS: &[&str] = &[
    "(module",
    "(func",
    "(param",
    "(result",
    "(local",
    "(memory",
    "(table",
    "(global",
    "(export",
    "(import",
    "(data",
    "(elem",
    "(type",
    "(start",
    "(mut",
    "(then",
    "(else",
    "(block",
    "(loop",
    "(if",
    "(ref",
    ")",
    ")",
    ")",
    "i32",
    "i64",
    "f32",
    "f64",
    "v128",
    "funcref",
    "externref",
    "i32.const",
    "i64.const",
    "f32.const",
    "f64.const",
    "i32.add",
    "i64.div_s",
    "f32.sqrt",
    "local.get",
    "local.set",
    "global.get",
    "call",
    "call_indirect",
    "br",
    "br_if",
    "br_table",
    "return",
    "unreachable",
    "drop",
    "select",
    "memory.grow",
    "i32.load",
    "i64.store",
    "offset=",
    "align=",
    "0",
    "1",
    "-1",
    "0x7fffffff",
    "nan",
    "inf",
    "-0x1p-149",
    "1e300",
    "$f",
    "$x",
    "\"a\"",
    "\"\\00\"",
    ";;",
    "(;",
    ";)",
    "end",
    "1_000",
    "v128.const i32x4",
    "ref.null func",
    "ref.func",
    "table.get",
    "memory.copy",
    "return_call",
    "try_table",
    "\n",
];

fn generated(target: &str, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let len = 64 + (rng.next() % 4096) as usize;
    let raw = rng.bytes(len);
    match target {
        "loader" => {
            let mut u = Unstructured::new(&raw);
            let config = differential::smith_config();
            let mut wasm = differential::generate(config, &mut u).unwrap_or_default();
            if !wasm.is_empty() {
                for _ in 0..rng.next() % 4 {
                    let at = (rng.next() % wasm.len() as u64) as usize;
                    wasm[at] = rng.next() as u8;
                }
            }
            wasm
        }
        "checkpoint" => {
            // The seeds: checkpoints between calls and in the middle of a run, of a guest of
            // numbers and of one of the garbage-collected heap.
            let mut body = match rng.next() % 5 {
                0 => silo_fuzz::checkpoint::valid_body(),
                1 => silo_fuzz::checkpoint::valid_run_body(),
                2 => silo_fuzz::checkpoint_gc::valid_body(),
                3 => silo_fuzz::checkpoint_gc::valid_run_body(),
                _ => silo_fuzz::checkpoint_gc::valid_exn_run_body(),
            };
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() % body.len() as u64) as usize;
                body[at] = rng.next() as u8;
            }
            body
        }
        "wat" => {
            let mut text = String::from("(module ");
            for _ in 0..rng.next() % 64 {
                text += TOKENS[(rng.next() % TOKENS.len() as u64) as usize];
                text.push(' ');
            }
            text.into_bytes()
        }
        _ => raw,
    }
}

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> =
            std::fs::read_dir(path).unwrap().flatten().map(|e| e.path()).collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(target) = args.first() else {
        eprintln!("usage: run <target> (<file or directory>... | --seeds A..B)");
        std::process::exit(2);
    };
    let start = Instant::now();
    let (mut cases, mut kept) = (0u64, 0u64);
    if args.get(1).map(String::as_str) == Some("--seeds") {
        let range = args.get(2).expect("--seeds A..B");
        let (a, b) = range.split_once("..").expect("--seeds A..B");
        let (a, b): (u64, u64) = (a.parse().unwrap(), b.parse().unwrap());
        for seed in a..b {
            let data = generated(target, seed);
            let name = format!("seed-{target}-{seed}");
            std::fs::write(&name, &data).unwrap();
            kept += u64::from(run(target, &data));
            std::fs::remove_file(&name).unwrap();
            cases += 1;
        }
    } else {
        let mut inputs = Vec::new();
        for a in &args[1..] {
            files(Path::new(a), &mut inputs);
        }
        for path in inputs {
            eprintln!("{}", path.display());
            kept += u64::from(run(target, &std::fs::read(&path).unwrap()));
            cases += 1;
        }
    }
    println!("{target}: {cases} inputs, {kept} kept, in {:.1?}", start.elapsed());
}
