//! The native code a `tiered` run compiled, kept for the next run of the same module.
//!
//! Under `tiered`, functions start in the interpreter and are compiled when they get hot. When a
//! run ends having compiled functions the cache did not hold yet, `silo run` saves the native code
//! of every function that is native now (`Module::serialize_functions`) under the module's
//! `hot` entry in the code cache; the next run loads exactly those, so the functions that were hot
//! start native and the others still cost nothing before their first call. Saving compiles those
//! functions once more, position-independently, after the guest has finished: only when something
//! new got hot, never under a deadline (it would not cover that compilation; fuel counts the
//! guest's instructions only, and metered code has entries of its own), and a module whose code
//! cannot be saved simply is not.

use std::time::Instant;

use silo::fetch::Cache;
use silo::{Engine, Module};

use super::fetch_args::ms;

/// Where a `tiered` run keeps the native code of its hot functions, and how many it started with.
pub struct HotCode {
    cache: Cache,
    key: String,
    name: String,
    /// Functions native when the run began (loaded from the cache).
    loaded: usize,
}

impl HotCode {
    /// For a run of `module` in `engine` with the code cache `cache` (`None`: no cache), whose
    /// entry for the module's code is `key`; `None` unless the engine is `tiered` and has no
    /// deadline.
    pub fn for_run(
        cache: Option<Cache>,
        key: Option<String>,
        engine: &Engine,
        module: &Module,
        name: &str,
    ) -> Option<HotCode> {
        let tiered = engine.strategy() == silo::Strategy::Tiered;
        if !tiered || engine.config().is_interruptible() {
            return None;
        }
        let loaded = module.native_function_count();
        Some(HotCode { cache: cache?, key: key?, name: name.to_string(), loaded })
    }

    /// After the run: saves the native code of `module`'s functions if more of them are native
    /// than when the run began. `-v` says what was saved and how long it took.
    pub fn save(&self, module: &Module, verbose: bool) {
        let native = module.native_functions();
        if native.len() <= self.loaded {
            return;
        }
        let started = Instant::now();
        let name = &self.name;
        match module.serialize_functions_without_module(&native) {
            Ok(saved) => {
                if let Err(e) = self.cache.store_code(&self.key, &saved) {
                    eprintln!("warning: could not cache the native code of `{name}`: {e}");
                } else if verbose {
                    let n = native.len();
                    let took = ms(started.elapsed());
                    eprintln!(
                        "silo: cached the native code of {n} hot functions of `{name}` in {took}"
                    );
                }
            }
            // Saving is an optimization for the next run: a module the saving compiler cannot
            // take runs the same without it.
            Err(e) if verbose => eprintln!("silo: the native code of `{name}` is not cached: {e}"),
            Err(_) => {}
        }
    }
}
