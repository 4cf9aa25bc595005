//! Arbitrary text into `Module::new` (the text format): see `silo_fuzz::wat`.

#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    if silo_fuzz::wat::run(data) { Corpus::Keep } else { Corpus::Reject }
});
