//! Silo, a WebAssembly process VM: the embedding facade.
//!
//! Everything an embedder needs is re-exported here: the runtime ([`Module`], [`Store`],
//! [`Linker`], [`Instance`], [`Func`], ...), the loader ([`loader`]), the sandbox policy
//! ([`sandbox`]), WASI ([`wasi`]), the JIT ([`jit`]), snapshots of a guest ([`snapshot`]) and, with the default `fetch` feature,
//! modules from URLs with a cache ([`fetch`]). The one item of its own is [`Engine`]:
//! `silo-core`'s engine with Silo's Cranelift compiler filled in, so that `Engine::default()` runs
//! what `silo run` runs by default (tiered where native code runs, x86-64 Linux; the interpreter
//! elsewhere). This crate holds no runtime logic and depends on nothing the `silo` command or the
//! test suites need (that is the `silo-cli` package).
//!
//! ```
//! use silo::{Config, Engine, Instance, Module, Store, Strategy};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     (i32.add (local.get 0) (local.get 1))))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add")?;
//! assert_eq!(add.call(&mut store, (2, 3))?, 5);
//!
//! // Another engine: any strategy, without naming a compiler.
//! let interp = Engine::new(Config::new().strategy(Strategy::Interpreter));
//! assert_eq!(interp.strategy(), Strategy::Interpreter);
//! # Ok::<(), silo::Error>(())
//! ```

#![forbid(unsafe_code)]

mod engine;

pub use engine::Engine;
pub use silo_core::*;
#[cfg(feature = "fetch")]
pub use silo_fetch as fetch;
pub use silo_jit as jit;
pub use silo_loader as loader;
pub use silo_sandbox as sandbox;
pub use silo_snapshot as snapshot;
pub use silo_wasi as wasi;
