//! `wat`: arbitrary UTF-8 text goes to `Module::new` (which takes the text format as well as the
//! binary) in the interpreter and the JIT strategy; a module that loads is translated whole.
//! Errors are expected, panics are findings. Text that is not UTF-8 is turned into UTF-8 lossily
//! rather than rejected, so that libFuzzer's byte mutations still reach the parser.

use silo_core::Module;

use crate::ENGINES;

/// Parses `data` as text; `true` when it was a module.
pub fn run(data: &[u8]) -> bool {
    let text = String::from_utf8_lossy(data);
    // Binary modules are `loader`'s: keep this target on the text path.
    if text.starts_with("\0asm") {
        return false;
    }
    let mut loaded = false;
    for engine in [&ENGINES.interp, &ENGINES.jit] {
        if let Ok(module) = Module::new(engine, text.as_bytes()) {
            loaded = true;
            // Errors are allowed (a tier's own limits): only a panic or a crash is a finding.
            let _ = module.translate_all();
        }
    }
    loaded
}
