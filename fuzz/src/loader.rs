//! `loader`: arbitrary bytes go to `Module::new` (the loader's parse and validation, then the
//! engine's compilation) under every strategy, and a module that loads is translated whole
//! (`Module::translate_all`: interpreter code, or native code under the JIT strategy). Errors are
//! expected; a panic is a finding. The strategies must also agree on whether the bytes are valid:
//! they share the loader and its validator, so bytes that one strategy loads and another rejects
//! as invalid (rather than as `unsupported` or over a limit, a tier's own) are a finding too.

use silo_core::{Error, Module};

use crate::ENGINES;

/// Loads `data` in every strategy; panics on disagreement. `true` when the bytes were a module.
pub fn run(data: &[u8]) -> bool {
    let mut outcomes = Vec::new();
    for (name, engine) in ENGINES.all() {
        let outcome = Module::new(engine, data).map(|module| {
            // Errors are allowed here (a function over a tier's limits is `Unsupported`):
            // only a panic or a crash is a finding.
            let _ = module.translate_all();
        });
        outcomes.push((name, outcome));
    }
    let verdict = |o: &Result<(), Error>| match o {
        Ok(()) => Some(true),
        Err(Error::Unsupported(_) | Error::Limit(_)) => None,
        Err(_) => Some(false),
    };
    let verdicts: Vec<_> =
        outcomes.iter().filter_map(|(n, o)| verdict(o).map(|v| (*n, v))).collect();
    if verdicts.windows(2).any(|w| w[0].1 != w[1].1) {
        panic!("the strategies disagree on whether this is a module: {outcomes:?}");
    }
    outcomes.iter().any(|(_, o)| o.is_ok())
}
