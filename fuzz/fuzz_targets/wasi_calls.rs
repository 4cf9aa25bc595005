//! Random WASI preview1 calls against a pre-opened temporary directory: see `silo_fuzz::wasi_calls`.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if silo_fuzz::wasi_calls::run(data) { Corpus::Keep } else { Corpus::Reject }
});
