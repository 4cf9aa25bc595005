//! The facade's [`Engine`]: `silo-core`'s engine with Silo's native-code compiler filled in.
//!
//! `silo-core` cannot name `silo-jit` (the JIT depends on the runtime, not the reverse), so a bare
//! `silo_core::Engine::default()` only interprets. The facade is where both are known: its engine
//! gives a configuration that has no compiler the Cranelift one (`silo_jit::cranelift`) whenever
//! its strategy may run native code, so `Engine::default()` is the engine `silo run` uses by
//! default — tiered where native code runs (x86-64 Linux), the interpreter elsewhere.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use silo_core::{Compiler, Config, Error, Strategy};

/// Compilation and execution settings shared by modules and stores, with Silo's Cranelift
/// compiler for the native tiers. Cheap to clone; derefs to [`silo_core::Engine`], so it goes
/// wherever one is asked for (`Module::new(&engine, ..)`, `Store::new(&engine, ..)`).
#[derive(Clone)]
pub struct Engine(silo_core::Engine);

/// Silo's compiler for this machine, made once per process (it holds no per-engine state), or
/// why native code cannot run here.
fn cranelift() -> Result<Arc<dyn Compiler>, String> {
    static COMPILER: OnceLock<Result<Arc<dyn Compiler>, String>> = OnceLock::new();
    COMPILER.get_or_init(silo_jit::cranelift).clone()
}

/// `config` with Silo's compiler set when it has none and its strategy is not `Interpreter`.
/// Where native code cannot run, an `Auto` strategy is left to resolve to the interpreter; an
/// explicit `Jit` or `Tiered` one is an error saying why.
fn with_compiler(config: &Config) -> Result<Config, Error> {
    let strategy = config.chosen_strategy();
    if config.has_compiler() || strategy == Strategy::Interpreter {
        return Ok(config.clone());
    }
    match cranelift() {
        Ok(compiler) => {
            let mut config = config.clone();
            config.compiler(compiler);
            Ok(config)
        }
        Err(_) if strategy == Strategy::Auto => Ok(config.clone()),
        Err(why) => Err(Error::Unsupported(format!("native code ({strategy:?} strategy): {why}"))),
    }
}

impl Engine {
    /// An engine with these settings, given Silo's Cranelift compiler when they name none and
    /// their strategy is not `Interpreter`. Where native code cannot run, `Auto` (the default)
    /// interprets, and `Jit` or `Tiered` fail when a module is compiled; [`Engine::try_new`]
    /// fails at once instead.
    pub fn new(config: &Config) -> Engine {
        let config = with_compiler(config).unwrap_or_else(|_| config.clone());
        Engine(silo_core::Engine::new(&config))
    }

    /// Like [`Engine::new`], but fails when the settings ask for native code (`Jit` or
    /// `Tiered`) and this machine cannot run it.
    pub fn try_new(config: &Config) -> Result<Engine, Error> {
        Ok(Engine(silo_core::Engine::new(&with_compiler(config)?)))
    }

    /// Whether two handles are the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        silo_core::Engine::same(&a.0, &b.0)
    }
}

/// The engine `silo run` uses by default: tiered with Cranelift where native code runs, the
/// interpreter elsewhere.
impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default())
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Deref for Engine {
    type Target = silo_core::Engine;

    fn deref(&self) -> &silo_core::Engine {
        &self.0
    }
}

impl AsRef<silo_core::Engine> for Engine {
    fn as_ref(&self) -> &silo_core::Engine {
        &self.0
    }
}

/// Wraps a `silo-core` engine as it is (its settings are not completed).
impl From<silo_core::Engine> for Engine {
    fn from(engine: silo_core::Engine) -> Engine {
        Engine(engine)
    }
}

impl From<Engine> for silo_core::Engine {
    fn from(engine: Engine) -> silo_core::Engine {
        engine.0
    }
}
