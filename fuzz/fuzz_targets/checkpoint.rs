//! Forged checkpoint bodies restored into a guest and its WASI world: see `silo_fuzz::checkpoint`.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if silo_fuzz::checkpoint::run(data) { Corpus::Keep } else { Corpus::Reject }
});
