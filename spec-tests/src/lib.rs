//! `silo-spec-tests` runs the official WebAssembly test suite (`.wast` scripts, parsed with
//! `wast`) against Silo: every directive kind, with the `spectest` host module, on a fresh store
//! per file, each file with the features of the folder it comes from ([`folders`]). A module a
//! test expects rejected must be rejected for the reason the test names ([`errors`]). Each tier
//! has an expected-failures list (`expected/<tier>.txt`) that the crate's tests hold it to, in
//! both directions: a new failure is a regression, and a listed failure that passes must be
//! removed from the list.

// No unsafe code but `runner::reload`: loading native code this process just saved.
#![deny(unsafe_code)]

pub mod errors;
pub mod expected;
pub mod folders;
mod legacy;
mod report;
mod runner;
mod spectest;
pub mod suite;
mod threads;
mod values;

use std::collections::HashMap;

use silo_core::{Config, Engine, FeatureSet, Strategy};

pub use report::{ErrorTally, SuiteReport};
pub use runner::{FileResult, Outcome, run_wast, run_wast_timed};

/// The execution engines the suite can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Every function in the interpreter.
    Interp,
    /// The interpreter with its handlers driven by a loop: the fallback of builds where tail
    /// calls do not become jumps. Held to the same expected failures as `Interp`.
    InterpLoop,
    /// The interpreter with fuel and interrupt checks compiled in (and fuel to spare): the
    /// checks must change no result. Held to the same expected failures as `Interp`.
    InterpMetered,
    /// Every function compiled to native code by Cranelift on its first call.
    Jit,
    /// Native code with fuel and interrupt checks compiled in. Held to `Jit`'s expected failures.
    JitMetered,
    /// Native code compiled whole, saved and loaded back before each module runs (what the
    /// compiled-code cache and `silo compile` do). Held to `Jit`'s expected failures.
    JitSaved,
    /// Native code in the small-reservation mode: memories reserve only their maximum and every
    /// access is checked explicitly. Held to `Jit`'s expected failures.
    JitChecked,
    /// Native code that keeps a record of each frame for mid-run checkpoints
    /// (`Config::native_checkpoints`, with interrupt checks). Held to `Jit`'s expected failures.
    JitCheckpoints,
    /// Functions start in the interpreter and move to native code when hot (the default
    /// threshold, compiled in the background).
    Tiered,
    /// Tiered with a threshold of one: functions switch tiers in the middle of a script, on the
    /// thread that found them hot. Held to `Tiered`'s expected failures.
    TieredEager,
}

impl Tier {
    /// The tier's name, as on the command line and in `expected/<name>.txt`.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Interp => "interp",
            Tier::InterpLoop => "interp-loop",
            Tier::InterpMetered => "interp-metered",
            Tier::Jit => "jit",
            Tier::JitMetered => "jit-metered",
            Tier::JitChecked => "jit-checked",
            Tier::JitSaved => "jit-saved",
            Tier::JitCheckpoints => "jit-checkpoints",
            Tier::Tiered => "tiered",
            Tier::TieredEager => "tiered-eager",
        }
    }

    /// The expected-failures list the tier is held to (`expected/<name>.txt`).
    pub fn expected_name(self) -> &'static str {
        match self {
            Tier::Interp | Tier::InterpLoop | Tier::InterpMetered => "interp",
            Tier::Jit
            | Tier::JitMetered
            | Tier::JitChecked
            | Tier::JitSaved
            | Tier::JitCheckpoints => "jit",
            Tier::Tiered | Tier::TieredEager => "tiered",
        }
    }

    /// An engine running this tier that lets modules use `features`. Fails where the tier
    /// cannot run (native code on another platform).
    pub fn engine(self, features: FeatureSet) -> Result<Engine, String> {
        self.config(features).map(|config| Engine::new(&config))
    }

    /// The settings of [`engine`](Self::engine), for a caller that adds its own.
    pub fn config(self, features: FeatureSet) -> Result<Config, String> {
        let mut config = Config::new();
        config.wasm_features(features);
        if matches!(
            self,
            Tier::Jit
                | Tier::JitMetered
                | Tier::JitChecked
                | Tier::JitSaved
                | Tier::JitCheckpoints
                | Tier::Tiered
                | Tier::TieredEager
        ) {
            config.compiler(silo_jit::cranelift()?);
        }
        match self {
            Tier::Interp => config.strategy(Strategy::Interpreter),
            Tier::InterpLoop => {
                config.strategy(Strategy::Interpreter).interpreter_loop_dispatch(true)
            }
            Tier::InterpMetered => {
                config.strategy(Strategy::Interpreter).consume_fuel(true).interruptible(true)
            }
            Tier::Jit | Tier::JitSaved => config.strategy(Strategy::Jit),
            Tier::JitMetered => {
                config.strategy(Strategy::Jit).consume_fuel(true).interruptible(true)
            }
            Tier::JitChecked => config.strategy(Strategy::Jit).guard_memories(false),
            Tier::JitCheckpoints => {
                config.strategy(Strategy::Jit).interruptible(true).native_checkpoints(true)
            }
            Tier::Tiered => config.strategy(Strategy::Tiered),
            Tier::TieredEager => {
                config.strategy(Strategy::Tiered).tier_up_after(1).background_compilation(false)
            }
        };
        Ok(config)
    }

    /// The tier named `name`.
    pub fn from_name(name: &str) -> Option<Tier> {
        match name {
            "interp" => Some(Tier::Interp),
            "interp-loop" => Some(Tier::InterpLoop),
            "interp-metered" => Some(Tier::InterpMetered),
            "jit" => Some(Tier::Jit),
            "jit-metered" => Some(Tier::JitMetered),
            "jit-checked" => Some(Tier::JitChecked),
            "jit-saved" => Some(Tier::JitSaved),
            "jit-checkpoints" => Some(Tier::JitCheckpoints),
            "tiered" => Some(Tier::Tiered),
            "tiered-eager" => Some(Tier::TieredEager),
            _ => None,
        }
    }
}

/// Runs the files on `tier`, spreading them over the machine's cores. Each file runs with the
/// features of its folder ([`suite::features_of`]).
pub fn run_suite(tier: Tier, files: &[suite::SuiteFile]) -> Result<SuiteReport, String> {
    run_suite_with(tier, files, |_| {})
}

/// [`run_suite`] with settings of the caller's on top of the tier's (`adjust`), such as the
/// collector's stress mode.
pub fn run_suite_with(
    tier: Tier,
    files: &[suite::SuiteFile],
    adjust: impl Fn(&mut Config),
) -> Result<SuiteReport, String> {
    run_suite_timed(tier, files, None, adjust)
}

/// [`run_suite_with`] with a deadline of `timeout` for each directive (the engines are made
/// interruptible for it): a directive that loops fails with the timeout trap instead of hanging
/// the run, and the script goes on (`silo wast --timeout`).
pub fn run_suite_timed(
    tier: Tier,
    files: &[suite::SuiteFile],
    timeout: Option<std::time::Duration>,
    adjust: impl Fn(&mut Config),
) -> Result<SuiteReport, String> {
    let mut engines: HashMap<FeatureSet, Engine> = HashMap::new();
    for file in files {
        let features = suite::features_of(&file.name);
        if let std::collections::hash_map::Entry::Vacant(slot) = engines.entry(features) {
            let mut config = tier.config(features)?;
            if timeout.is_some() {
                config.interruptible(true);
            }
            adjust(&mut config);
            slot.insert(Engine::new(&config));
        }
    }
    let threads =
        std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<FileResult>> = (0..files.len()).map(|_| None).collect();
    let slots = std::sync::Mutex::new(&mut results);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    let engine = &engines[&suite::features_of(&file.name)];
                    let reload = tier == Tier::JitSaved;
                    let result = runner::run_wast_with(&file.text, engine, timeout, reload);
                    slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    let mut report = SuiteReport::default();
    for (file, result) in files.iter().zip(results) {
        report.add(&file.name, &result.unwrap_or_default());
    }
    Ok(report)
}
