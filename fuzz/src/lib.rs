//! The bodies of the fuzz targets that are more than a few lines (`loader`, `wat`,
//! `third_opinion`, `wasi_calls`, `checkpoint`), as plain functions over bytes: `fuzz_targets/*.rs` wrap them
//! for libFuzzer, and `examples/run.rs` runs them over files or over seeds without libFuzzer (on
//! stable, or where cargo-fuzz does not work).
//!
//! Each `run` returns whether the input is worth keeping in the corpus (`false`: rejected, the
//! input did not even make a module); a finding is a panic, with what went wrong.

pub mod checkpoint;
pub mod checkpoint_gc;
pub mod loader;
pub mod midrun;
pub mod third_opinion;
pub mod wasi_calls;
pub mod wat;

use std::sync::LazyLock;

use silo_core::{Config, Engine, Strategy};

/// One engine per strategy: the interpreter, the Cranelift JIT (everything native) and tiered
/// (interpreter first, native after the first call here, compiled on the calling thread so that
/// runs repeat).
pub struct Engines {
    pub interp: Engine,
    pub jit: Engine,
    pub tiered: Engine,
}

impl Engines {
    fn new() -> Engines {
        let mut config = Config::new();
        config.strategy(Strategy::Interpreter);
        let interp = Engine::new(&config);
        let compiler = silo_jit::cranelift().expect("the JIT runs on this machine");
        let mut config = Config::new();
        config.strategy(Strategy::Jit).compiler(compiler.clone());
        let jit = Engine::new(&config);
        let mut config = Config::new();
        config.strategy(Strategy::Tiered).compiler(compiler);
        config.tier_up_after(1).background_compilation(false);
        let tiered = Engine::new(&config);
        Engines { interp, jit, tiered }
    }

    /// The three, named.
    pub fn all(&self) -> [(&'static str, &Engine); 3] {
        [("interp", &self.interp), ("jit", &self.jit), ("tiered", &self.tiered)]
    }
}

/// The engines of `loader` and `wat`, made once per process.
pub static ENGINES: LazyLock<Engines> = LazyLock::new(Engines::new);
