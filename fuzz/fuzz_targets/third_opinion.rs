//! Silo (interpreter and JIT) against wasmi on wasm-smith modules: see `silo_fuzz::third_opinion`.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if silo_fuzz::third_opinion::run(data) { Corpus::Keep } else { Corpus::Reject }
});
