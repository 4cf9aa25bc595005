//! Checkpoints of a guest between two calls or at a host call in the middle of a run: its
//! instance's whole state, its run when it has one (the interpreter's frames, `RunState`), what it
//! needs from the host (the WASI world, the fuel left), and the module it runs, named by its
//! SHA-256 (and embedded if asked) — written to a file, and restored into a fresh instance of the
//! same module in this process or another, later, any number of times.
//!
//! A checkpoint carries no capability: restoring one into an instance re-grants nothing; the
//! instance's imports, quotas and WASI grants are those of the host that restores it, and a
//! restore that would need more (a memory beyond the quota, a file under a directory not granted)
//! fails with the reason. Every value is checked against the module: a forged file is an error,
//! never a crash.

mod file;
mod fork;
mod restore;
mod store_ext;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use silo_core::{AsContext, AsContextMut, HeapCapture, HeapObjects, Instance, Linker, Module};

pub use file::{
    CHECKPOINT_FORMAT, CHECKPOINT_MAGIC, DEFAULT_MAX_CHECKPOINT, OLDEST_CHECKPOINT_FORMAT,
};
pub use fork::Fork;
pub use store_ext::StoreCheckpoint;

use crate::SnapshotError;
use crate::capture::InstanceState;
use crate::heap::{HeapObjectState, objects_out};

/// When a checkpoint was taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Taken {
    /// With no WebAssembly running: after instantiation, or after a call returned.
    BetweenCalls,
    /// Format 3's run in the middle, as positions in that build's interpreter code: read so that
    /// the file gives a clear refusal, never resumed.
    InterpreterPositions(LegacyRunState),
    /// In the middle of a run: at a host call (before the call: resuming makes it) or at a fuel
    /// or interrupt check, in any engine.
    InRun(RunState),
}

/// Format 3's run state, kept only to be refused by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyRunState {
    pub frames: Vec<(u32, u32, u32)>,
    pub slots: Vec<u64>,
    pub code_fingerprint: u64,
}

/// A run stopped in the middle: `silo_core::ExecState` in the file — each frame's function, the
/// byte offset of the call or check it is at, its locals and operand stack as numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    /// The frames, the function the run entered first.
    pub frames: Vec<RunFrame>,
    /// Whether the innermost frame is at a check rather than a host call.
    pub at_check: bool,
}

/// One frame of a [`RunState`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunFrame {
    pub func_index: u32,
    pub offset: u32,
    pub values: Vec<u64>,
}

impl From<silo_core::ExecState> for RunState {
    fn from(s: silo_core::ExecState) -> RunState {
        let frames = s
            .frames
            .into_iter()
            .map(|f| RunFrame { func_index: f.func_index, offset: f.offset, values: f.values })
            .collect();
        RunState { frames, at_check: s.at_check }
    }
}

impl RunState {
    /// The run as `Instance::resume` takes it.
    pub fn to_exec_state(&self) -> silo_core::ExecState {
        let frames = self
            .frames
            .iter()
            .map(|f| silo_core::ExecFrame {
                func_index: f.func_index,
                offset: f.offset,
                values: f.values.clone(),
            })
            .collect();
        silo_core::ExecState { frames, at_check: self.at_check }
    }
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
    /// The objects of the garbage-collected heap that the instance's globals and tables (and the
    /// run's frames) reach: `RefState::Object(n)` and the frames' codes name them by number.
    /// Last, so that a file of an older format reads with none (see `file`).
    pub heap: Vec<HeapObjectState>,
}

impl Checkpoint {
    /// The state of `instance` now, with no WebAssembly of its store running. `embed_module`
    /// copies the module's binary into the checkpoint, so it resumes without the original file.
    pub fn capture(
        store: impl AsContext,
        instance: &Instance,
        embed_module: bool,
    ) -> Result<Checkpoint, SnapshotError> {
        Checkpoint::capture_with(
            store,
            instance,
            embed_module,
            HeapCapture::new(),
            Taken::BetweenCalls,
        )
    }

    /// The checkpoint of `instance` with its heap image begun by `heap` (the objects a run's
    /// frames refer to, already named).
    fn capture_with(
        store: impl AsContext,
        instance: &Instance,
        embed_module: bool,
        mut heap: HeapCapture,
        taken: Taken,
    ) -> Result<Checkpoint, SnapshotError> {
        let store = store.as_context();
        let module = instance.module(store);
        let bytes = &module.info().bytes;
        let state = InstanceState::capture_with(store, instance, Some(&mut heap))?;
        let image = heap
            .finish(store, instance)
            .map_err(|e| SnapshotError::Unsupported(format!("the heap: {e}")))?;
        Ok(Checkpoint {
            silo_version: env!("CARGO_PKG_VERSION").to_string(),
            module_sha256: Sha256::digest(bytes.as_ref() as &[u8]).into(),
            module: embed_module.then(|| bytes.to_vec()),
            taken,
            instance: state,
            fuel_remaining: None,
            wasi: None,
            heap: objects_out(image),
        })
    }

    /// The state of the guest whose code made the host call `caller` is in, stopped at that call:
    /// its instance, its run (`Taken::InRun`) and the objects of the garbage-collected heap its
    /// frames, globals and tables reach. Refused when the run cannot be taken out (native code
    /// without records made the call, the host called back into the guest, a frame holds a host
    /// value or an exception).
    pub fn capture_at_host_call<T>(
        caller: &silo_core::Caller<'_, T>,
        embed_module: bool,
    ) -> Result<Checkpoint, SnapshotError> {
        let instance = caller.instance().ok_or_else(|| {
            SnapshotError::Unsupported("the host call was not made by WebAssembly code".into())
        })?;
        let mut heap = HeapCapture::new();
        let run = caller
            .execution_state_with_heap(&mut heap)
            .map_err(|e| SnapshotError::Unsupported(format!("cannot take the run out: {e}")))?;
        let taken = Taken::InRun(run.into());
        Checkpoint::capture_with(caller, &instance, embed_module, heap, taken)
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
        self.resume_with_images(store, linker, module, &[]).map(|(instance, _)| instance)
    }

    /// As [`Checkpoint::resume`], with the heap image's objects as made in the store: what
    /// `Instance::resume_with_heap` takes to go on with the checkpoint's run
    /// ([`RunState::to_exec_state`]), whose frames name objects by number.
    pub fn resume_with_heap<T: 'static>(
        &self,
        store: impl AsContextMut<Data = T>,
        linker: &Linker<T>,
        module: &Module,
    ) -> Result<(Instance, HeapObjects), SnapshotError> {
        self.resume_with_images(store, linker, module, &[])
    }

    /// [`Checkpoint::resume`], memory `i` mapped from `images[i]` where there is one.
    pub(super) fn resume_with_images<T: 'static>(
        &self,
        store: impl AsContextMut<Data = T>,
        linker: &Linker<T>,
        module: &Module,
        images: &[Option<silo_core::MemoryImage>],
    ) -> Result<(Instance, HeapObjects), SnapshotError> {
        self.check_module(module)?;
        self.resume_checked(store, linker, module, images)
    }

    /// As [`Checkpoint::resume_with_images`], `module` known to be the checkpoint's. Memories
    /// with an image start as it (see `Instance::new_from_images`).
    pub(super) fn resume_checked<T: 'static>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        linker: &Linker<T>,
        module: &Module,
        images: &[Option<silo_core::MemoryImage>],
    ) -> Result<(Instance, HeapObjects), SnapshotError> {
        // Imported memories are the linker's: their images are mapped over them by the restore.
        let imported = module.info().num_imported.memories as usize;
        let starts: Vec<Option<&silo_core::MemoryImage>> =
            images.iter().enumerate().map(|(i, m)| m.as_ref().filter(|_| i >= imported)).collect();
        let instantiated = if starts.iter().any(Option::is_some) {
            linker.instantiate_from_images(&mut store, module, &starts)
        } else {
            linker.instantiate_without_start(&mut store, module)
        };
        let instance = instantiated
            .map_err(|e| SnapshotError::BadCheckpoint(format!("cannot instantiate: {e}")))?;
        let objects = self.restore_with_images(&mut store, &instance, images)?;
        Ok((instance, objects))
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
