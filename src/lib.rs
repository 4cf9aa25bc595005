//! Silo, a WebAssembly process VM: the embedding facade.
//!
//! Everything an embedder needs is re-exported here: the runtime ([`Engine`], [`Module`],
//! [`Store`], [`Linker`], [`Instance`], [`Func`], ...), the loader ([`loader`]), the sandbox
//! policy ([`sandbox`]) and WASI ([`wasi`]). The `silo` command (the `silo-cli` package) is built on the same API.
//!
//! ```
//! use silo::{Engine, Instance, Module, Store};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     (i32.add (local.get 0) (local.get 1))))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add")?;
//! assert_eq!(add.call(&mut store, (2, 3))?, 5);
//! # Ok::<(), silo::Error>(())
//! ```

pub use silo_core::*;
pub use silo_jit as jit;
pub use silo_loader as loader;
pub use silo_sandbox as sandbox;
pub use silo_wasi as wasi;
