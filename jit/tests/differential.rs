//! Differential testing of the two tiers: modules that `wasm-smith` generates from fixed seeds
//! run in the interpreter and in native code, and must give the same results, traps, memory
//! contents, globals, tables and fuel (the comparison is `support/differential.rs`, which the
//! `cargo fuzz` target in `fuzz/` shares). A mismatch names the seed and the export, and the
//! module is saved as `target/differential-<seed>.wasm`; `SILO_DIFFERENTIAL_SEEDS=N..N+1` runs
//! that seed alone, and `SILO_DIFFERENTIAL_SEEDS=0..10000` many more than a normal run;
//! `SILO_DIFFERENTIAL_SAVE=1` saves every module before it runs (to find one that crashes).

#[path = "support/differential.rs"]
mod differential;

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use arbitrary::Unstructured;
use differential::{Compared, Stats, Tiers};

/// Seeds whose modules every run compares; `SILO_DIFFERENTIAL_SEEDS=START..END` picks others.
const SEEDS: Range<u64> = 0..500;
/// The largest share of modules that may be skipped (Silo refused them) before the test fails:
/// a test that skips everything tests nothing.
const MAX_SKIPPED_PERCENT: usize = 5;

/// The seeds to compare: `SEEDS`, or those `SILO_DIFFERENTIAL_SEEDS` names.
fn seeds() -> Range<u64> {
    let Ok(range) = std::env::var("SILO_DIFFERENTIAL_SEEDS") else { return SEEDS };
    let parse = |s: &str| s.trim().parse::<u64>().ok();
    match range.split_once("..").map(|(a, b)| (parse(a), parse(b))) {
        Some((Some(start), Some(end))) => start..end,
        _ => panic!("SILO_DIFFERENTIAL_SEEDS={range:?}: expected START..END"),
    }
}

/// The bytes wasm-smith builds the module of `seed` from (splitmix64, 1 to 32 KiB).
fn input(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5110;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let len = 1024 + (next() % (31 * 1024)) as usize;
    (0..len).map(|_| next() as u8).collect()
}

/// Where the module of a failing seed is saved.
fn saved(seed: u64) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from);
    let target =
        target.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join(format!("differential-{seed}.wasm"))
}

/// What a run of seeds found.
#[derive(Default)]
struct Summary {
    ran: usize,
    skipped: usize,
    /// Modules whose instantiation failed (the same way in both tiers).
    failed_instantiation: usize,
    stats: Stats,
    failures: Vec<String>,
}

/// The module of `seed`. One seed in three uses the default settings, one the defaults with
/// `disallow_traps` (so that code runs on past the first fault), one arbitrary settings (as the
/// fuzzer does).
fn module(seed: u64) -> Vec<u8> {
    let data = input(seed);
    let mut u = Unstructured::new(&data);
    let config = match seed % 3 {
        0 => Ok(differential::smith_config()),
        1 => Ok(wasm_smith::Config { disallow_traps: true, ..differential::smith_config() }),
        _ => differential::arbitrary_smith_config(&mut u),
    };
    config
        .and_then(|config| differential::generate(config, &mut u))
        .unwrap_or_else(|e| panic!("seed {seed}: wasm-smith failed: {e}"))
}

/// Compares the modules of `seeds` in `tiers`.
fn run(tiers: &Tiers, seeds: impl Iterator<Item = u64>) -> Summary {
    let mut summary = Summary::default();
    let save_all = std::env::var_os("SILO_DIFFERENTIAL_SAVE").is_some();
    for seed in seeds {
        let wasm = module(seed);
        if save_all {
            // A crash ends the process before any mismatch is reported: keep each module first.
            let _ = std::fs::write(saved(seed), &wasm);
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| differential::compare(tiers, &wasm)))
            .unwrap_or_else(|panic| {
                let text = panic.downcast_ref::<String>().cloned();
                let text = text.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                Err(format!("panicked: {}", text.unwrap_or_default()))
            });
        match outcome {
            Ok(Compared::Ran(stats)) => {
                summary.ran += 1;
                summary.failed_instantiation += usize::from(stats.instantiation_failed);
                summary.stats.calls += stats.calls;
                summary.stats.traps += stats.traps;
                summary.stats.out_of_fuel += stats.out_of_fuel;
                summary.stats.gc_quota += stats.gc_quota;
                summary.stats.exceptions += stats.exceptions;
            }
            Ok(Compared::Skipped(why)) => {
                eprintln!("seed {seed}: skipped: {why}");
                summary.skipped += 1;
            }
            Err(mismatch) => {
                let path = saved(seed);
                let _ = std::fs::write(&path, &wasm);
                summary.failures.push(format!("seed {seed} ({}): {mismatch}", path.display()));
            }
        }
    }
    summary
}

#[test]
fn interpreter_and_jit_agree() {
    check(&Tiers::new(), seeds());
}

/// Tiered with a threshold of one: functions (and running loops) switch to native code in the
/// middle of the calls.
#[test]
fn interpreter_and_tiered_agree() {
    let seeds = seeds();
    check(
        &Tiers::against(silo_core::Strategy::Tiered, 1),
        seeds.start..seeds.end.min(seeds.start + 250),
    );
}

fn check(tiers: &Tiers, seeds: Range<u64>) {
    let s = run(tiers, seeds);
    eprintln!(
        "{} modules compared ({} failed to instantiate; {} calls, {} trapped, {} of them by an \
         uncaught exception, {} out of fuel; {} cut short by the heap quota), {} skipped, {} \
         mismatched",
        s.ran,
        s.failed_instantiation,
        s.stats.calls,
        s.stats.traps,
        s.stats.exceptions,
        s.stats.out_of_fuel,
        s.stats.gc_quota,
        s.skipped,
        s.failures.len()
    );
    assert!(s.failures.is_empty(), "the tiers differ:\n{}", s.failures.join("\n"));
    let total = s.ran + s.skipped;
    assert!(
        s.skipped * 100 <= total * MAX_SKIPPED_PERCENT,
        "{} of {total} modules were skipped: the generator makes what Silo refuses",
        s.skipped
    );
}
