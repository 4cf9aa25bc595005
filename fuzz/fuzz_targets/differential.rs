//! Differential fuzzing of Silo's two tiers: the input chooses wasm-smith settings (restricted to
//! what Silo runs) and a module, which runs in the interpreter and in native code; any difference
//! in results, traps, exported memories, globals, tables or fuel panics, and libFuzzer keeps the
//! input. The comparison is the `differential` test's (`jit/tests/support/differential.rs`).

#![no_main]

#[path = "../../jit/tests/support/differential.rs"]
mod differential;

use std::sync::LazyLock;

use arbitrary::Unstructured;
use libfuzzer_sys::{Corpus, fuzz_target};

/// The engines, made once per process.
static TIERS: LazyLock<differential::Tiers> = LazyLock::new(differential::Tiers::new);

fuzz_target!(|data: &[u8]| -> Corpus {
    let mut u = Unstructured::new(data);
    let Ok(config) = differential::arbitrary_smith_config(&mut u) else { return Corpus::Reject };
    let Ok(wasm) = differential::generate(config, &mut u) else { return Corpus::Reject };
    match differential::compare(&TIERS, &wasm) {
        Ok(differential::Compared::Ran(_)) => Corpus::Keep,
        Ok(differential::Compared::Skipped(_)) => Corpus::Reject,
        Err(mismatch) => panic!("the tiers differ: {mismatch}"),
    }
});
