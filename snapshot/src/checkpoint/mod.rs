//! Checkpoints of a guest between two calls: its instance's whole state, what it needs from the
//! host (the WASI world, the fuel left), and the module it runs, named by its SHA-256 (and
//! embedded if asked) — written to a file, and restored into a fresh instance of the same module
//! in this process or another, later, any number of times.
//!
//! A checkpoint carries no capability: restoring one into an instance re-grants nothing; the
//! instance's imports, quotas and WASI grants are those of the host that restores it, and a
//! restore that would need more (a memory beyond the quota, a file under a directory not granted)
//! fails with the reason. Every value is checked against the module: a forged file is an error,
//! never a crash.

mod file;
mod fork;
mod restore;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use silo_core::{AsContext, AsContextMut, Instance, Linker, Module};

pub use file::{CHECKPOINT_FORMAT, CHECKPOINT_MAGIC, DEFAULT_MAX_CHECKPOINT};
pub use fork::Fork;

use crate::SnapshotError;
use crate::capture::InstanceState;

/// When a checkpoint was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Taken {
    /// With no WebAssembly running: after instantiation, or after a call returned.
    BetweenCalls,
}

/// A guest's state, ready to be written to a file or restored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The Silo version that took it (for messages; the format version decides compatibility).
    pub silo_version: String,
    /// The SHA-256 of the module's binary.
    pub module_sha256: [u8; 32],
    /// The module's binary, when the checkpoint embeds it.
    #[serde(with = "serde_bytes")]
    pub module: Option<Vec<u8>>,
    /// When it was taken.
    pub taken: Taken,
    /// The instance's memories, tables, globals and segments.
    pub instance: InstanceState,
    /// The fuel left, when the guest ran with a fuel quota.
    pub fuel_remaining: Option<u64>,
    /// The guest's WASI world, when it has one: set by the host that took the checkpoint
    /// (`WasiCtx::snapshot`), restored by the one that resumes it (`WasiCtx::restore`), which
    /// re-grants every directory from its own policy.
    pub wasi: Option<silo_wasi::WasiSnapshot>,
}

impl Checkpoint {
    /// The state of `instance` now, with no WebAssembly of its store running. `embed_module`
    /// copies the module's binary into the checkpoint, so it resumes without the original file.
    pub fn capture(
        store: impl AsContext,
        instance: &Instance,
        embed_module: bool,
    ) -> Result<Checkpoint, SnapshotError> {
        let store = store.as_context();
        let module = instance.module(store);
        let bytes = &module.info().bytes;
        Ok(Checkpoint {
            silo_version: env!("CARGO_PKG_VERSION").to_string(),
            module_sha256: Sha256::digest(bytes.as_ref() as &[u8]).into(),
            module: embed_module.then(|| bytes.to_vec()),
            taken: Taken::BetweenCalls,
            instance: InstanceState::capture(store, instance)?,
            fuel_remaining: None,
            wasi: None,
        })
    }

    /// Writes the checkpoint file at `path`, whole or not at all (a temporary file beside it,
    /// then a rename).
    pub fn save(&self, path: &std::path::Path) -> Result<(), SnapshotError> {
        let io = |e: std::io::Error| SnapshotError::Io(format!("`{}`: {e}", path.display()));
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => std::path::Path::new("."),
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::File::create(&temp).map_err(io).and_then(|file| {
            self.write_to(std::io::BufWriter::with_capacity(1 << 20, file))?;
            std::fs::rename(&temp, path).map_err(io)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written
    }

    /// A new instance of `module` in `store`, linked by `linker`, in the checkpoint's state: the
    /// module is checked against the checkpoint, instantiated without its start function (it ran
    /// before the checkpoint), and restored. The host restores its own state first (the WASI
    /// world: `WasiCtx::restore` with `self.wasi`; the fuel left).
    pub fn resume<T: 'static>(
        &self,
        store: impl AsContextMut<Data = T>,
        linker: &Linker<T>,
        module: &Module,
    ) -> Result<Instance, SnapshotError> {
        self.resume_with_images(store, linker, module, &[])
    }

    /// [`Checkpoint::resume`], memory `i` mapped from `images[i]` where there is one.
    pub(super) fn resume_with_images<T: 'static>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        linker: &Linker<T>,
        module: &Module,
        images: &[Option<silo_core::MemoryImage>],
    ) -> Result<Instance, SnapshotError> {
        self.check_module(module)?;
        let instance = linker
            .instantiate_without_start(&mut store, module)
            .map_err(|e| SnapshotError::BadCheckpoint(format!("cannot instantiate: {e}")))?;
        self.restore_with_images(&mut store, &instance, images)?;
        Ok(instance)
    }

    /// The module's SHA-256 as lowercase hexadecimal.
    pub fn module_sha256_hex(&self) -> String {
        self.module_sha256.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Checks that `module` is the module this checkpoint was taken from.
    pub fn check_module(&self, module: &Module) -> Result<(), SnapshotError> {
        let digest: [u8; 32] = Sha256::digest(module.info().bytes.as_ref() as &[u8]).into();
        if digest != self.module_sha256 {
            let found: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            return Err(SnapshotError::BadCheckpoint(format!(
                "it was taken from the module with SHA-256 {}, not this one ({found})",
                self.module_sha256_hex()
            )));
        }
        Ok(())
    }

    /// The embedded module's binary, checked against the digest; `None` if none is embedded.
    pub fn embedded_module(&self) -> Result<Option<&[u8]>, SnapshotError> {
        let Some(bytes) = &self.module else { return Ok(None) };
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        if digest != self.module_sha256 {
            return Err(SnapshotError::BadCheckpoint(
                "its embedded module does not match its SHA-256".into(),
            ));
        }
        Ok(Some(bytes))
    }
}
