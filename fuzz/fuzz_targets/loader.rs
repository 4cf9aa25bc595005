//! Arbitrary bytes into `Module::new` and `Module::translate_all` in every strategy: see `silo_fuzz::loader`.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if silo_fuzz::loader::run(data) { Corpus::Keep } else { Corpus::Reject }
});
