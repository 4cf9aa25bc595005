//! The engine: configuration shared by every store and module, and the type registry that gives
//! each function signature one canonical id across modules.

use std::sync::Arc;

use silo_loader::{Feature, FeatureSet};

use crate::registry::TypeRegistry;

/// How a store runs WebAssembly code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Every function runs in the interpreter.
    #[default]
    Interpreter,
}

/// Engine settings.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) strategy: Strategy,
    pub(crate) max_wasm_stack: usize,
    pub(crate) max_call_depth: usize,
    pub(crate) loop_dispatch: bool,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            strategy: Strategy::Interpreter,
            max_wasm_stack: 16 << 20,
            max_call_depth: 100_000,
            loop_dispatch: false,
            consume_fuel: false,
            interruptible: false,
        }
    }
}

impl Config {
    /// The default settings.
    pub fn new() -> Config {
        Config::default()
    }

    /// Chooses the execution strategy.
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Config {
        self.strategy = strategy;
        self
    }

    /// Bytes of value stack each store may use for WebAssembly frames (locals and operands).
    /// Running out is the "call stack exhausted" trap.
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Config {
        self.max_wasm_stack = bytes.max(1024);
        self
    }

    /// Runs the interpreter's handlers from a loop instead of chaining them by tail calls. The
    /// loop is what unoptimized builds use (where tail calls would grow the native stack); this
    /// forces it, to test it. Slower; never needed otherwise.
    #[doc(hidden)]
    pub fn interpreter_loop_dispatch(&mut self, on: bool) -> &mut Config {
        self.loop_dispatch = on;
        self
    }

    /// Meters fuel: code checks at each function entry and loop header, charging the
    /// WebAssembly instructions it is about to run, and traps when the store's fuel
    /// (`Store::set_fuel`) is used up. Off by default: the checks cost a few percent.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Config {
        self.consume_fuel = on;
        self
    }

    /// Lets a running guest be stopped: by a deadline (`Store::set_timeout`) or from another
    /// thread (`Store::interrupt_handle`). Code checks at function entries and loop headers.
    /// Off by default.
    pub fn interruptible(&mut self, on: bool) -> &mut Config {
        self.interruptible = on;
        self
    }

    /// Whether compiled code carries fuel and interrupt checks.
    pub(crate) fn metered(&self) -> bool {
        self.consume_fuel || self.interruptible
    }

    /// How many WebAssembly calls may be active at once in a store.
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Config {
        self.max_call_depth = depth.max(1);
        self
    }
}

/// Compilation and execution settings shared by modules and stores. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

pub(crate) struct EngineInner {
    pub config: Config,
    pub registry: TypeRegistry,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default())
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine with these settings.
    pub fn new(config: &Config) -> Engine {
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                registry: TypeRegistry::default(),
            }),
        }
    }

    /// The engine's settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Whether two handles are the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The WebAssembly features this engine's tiers can run. A module using anything else is
    /// rejected when it is compiled.
    pub fn supported_features(&self) -> FeatureSet {
        FeatureSet::of(&[
            Feature::MutableGlobal,
            Feature::SignExtension,
            Feature::SaturatingFloatToInt,
            Feature::MultiValue,
            Feature::BulkMemory,
            Feature::ReferenceTypes,
            Feature::TailCall,
            Feature::ExtendedConst,
            Feature::MultiMemory,
            Feature::Memory64,
            Feature::FunctionReferences,
        ])
    }
}
