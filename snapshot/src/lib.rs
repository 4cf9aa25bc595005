//! Snapshots of a guest's state for Silo: read everything of an instance that its code can change
//! (memories, tables, globals, which segments are left) into portable values, and write it back
//! as a new standard module whose initial state is that state — a pre-initialized module, what
//! `silo init` makes (Wizer's job for wasmtime): the initializer runs once, at build time, and
//! every later start skips it.
//!
//! Checkpoints ([`Checkpoint`]) carry the same state between two calls of a guest, with its WASI
//! world and fuel, to a portable file and back into a fresh instance, in this process or another.
//!
//! This crate sits above `silo-core` and `silo-wasi`, below the facade; it never runs a guest (its caller
//! instantiates and calls the initializer) and never grants anything: a state holds values, no
//! capabilities. It refuses, with the place named, what a module cannot express: imported
//! memories and tables, shared memories, host values, objects of the garbage-collected heap.
//!
//! ```
//! use silo_core::{Engine, Instance, Module, Store};
//!
//! let wat = r#"(module (memory 1) (global $ready (mut i32) (i32.const 0))
//!     (func (export "wizer.initialize") (i32.store (i32.const 16) (i32.const 42))
//!           (global.set $ready (i32.const 1))))"#;
//! let engine = Engine::default();
//! let module = Module::new(&engine, wat)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! instance.get_func(&store, "wizer.initialize").unwrap().call(&mut store, &[], &mut [])?;
//!
//! let state = silo_snapshot::InstanceState::capture(&store, &instance)?;
//! let bytes = &module.info().bytes;
//! let init = silo_snapshot::write_preinitialized(bytes, &state, &["wizer.initialize"])?;
//! let module = Module::new(&engine, &init)?;
//! assert!(module.info().export("wizer.initialize").is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod capture;
mod checkpoint;
mod heap;
mod preinit;
mod preinit_heap;
mod runs;

pub use capture::{DEFAULT_RUN_GAP, InstanceState, MemoryState, RefState, ValState};
pub use checkpoint::{
    CHECKPOINT_FORMAT, CHECKPOINT_MAGIC, Checkpoint, DEFAULT_MAX_CHECKPOINT, Fork, LegacyRunState,
    OLDEST_CHECKPOINT_FORMAT, RunFrame, RunState, StoreCheckpoint, Taken,
};
pub use heap::{HeapObjectState, objects_out};
pub use preinit::{check_preinitializable, write_preinitialized, write_preinitialized_with_heap};
pub use runs::{DataRun, merge_to_at_most, nonzero_runs};

/// Why a snapshot could not be taken or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The state holds something a snapshot cannot express (the message names it and where).
    #[error("cannot snapshot the guest: {0}")]
    Unsupported(String),
    /// The original module could not be read again.
    #[error("cannot read the module: {0}")]
    Parse(#[from] wasmparser::BinaryReaderError),
    /// A checkpoint file or its contents were refused (damaged, forged, or for another module).
    #[error("bad checkpoint: {0}")]
    BadCheckpoint(String),
    /// A checkpoint file could not be read or written.
    #[error("checkpoint file {0}")]
    Io(String),
    /// A part of the module could not be written back.
    #[error("cannot write the module: {0}")]
    Encode(String),
}
