//! `store.checkpoint(&instance)`: the checkpoint as a method of the store, for embedders who think
//! of the store as the guest (`silo-core` cannot have it: checkpoints live above it).

use silo_core::{AsContext, Instance};

use super::Checkpoint;
use crate::SnapshotError;

/// Checkpoints from a store (implemented for every [`AsContext`]: a `Store`, a `Caller`, ...).
///
/// ```
/// use silo_core::{Engine, Instance, Module, Store};
/// use silo_snapshot::{Checkpoint, StoreCheckpoint};
///
/// let engine = Engine::default();
/// let module = Module::new(&engine, "(module (global (export \"g\") (mut i32) (i32.const 7)))")?;
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[])?;
/// let bytes = store.checkpoint(&instance)?.to_bytes()?;
/// let _restored = Checkpoint::from_bytes(&bytes)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait StoreCheckpoint {
    /// The state of `instance` now, between calls (see [`Checkpoint::capture`]; the module is
    /// not embedded).
    fn checkpoint(&self, instance: &Instance) -> Result<Checkpoint, SnapshotError>;
}

impl<S: AsContext> StoreCheckpoint for S {
    fn checkpoint(&self, instance: &Instance) -> Result<Checkpoint, SnapshotError> {
        Checkpoint::capture(self, instance, false)
    }
}
