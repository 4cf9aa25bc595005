//! Forks: many guests started from one checkpoint, cheaply. Each memory's saved contents are
//! written once into a memory image (an anonymous file, `silo_core::MemoryImage`), and every guest
//! started from the fork maps it copy-on-write instead of copying it: starting one costs
//! page-table work, and the guests share every page none of them wrote.
//!
//! ```
//! use silo_core::{Engine, Instance, Linker, Module, Store};
//! use silo_snapshot::Checkpoint;
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"(module (memory 16)
//!     (global $calls (mut i32) (i32.const 0))
//!     (func (export "warm_up") (memory.fill (i32.const 0) (i32.const 7) (i32.const 1000000)))
//!     (func (export "call") (result i32)
//!         (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
//!         (i32.add (global.get $calls) (i32.load8_u (i32.const 999999)))))"#)?;
//!
//! // Warm one guest up, then checkpoint it.
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! instance.get_typed_func::<(), ()>(&store, "warm_up")?.call(&mut store, ())?;
//! let fork = Checkpoint::capture(&store, &instance, false)?.fork(&module)?;
//!
//! // Start as many guests from it as needed: each begins warm, and each goes its own way.
//! let linker = Linker::new(&engine);
//! for _ in 0..3 {
//!     let mut store = Store::new(&engine, ());
//!     let guest = fork.resume(&mut store, &linker, &module)?;
//!     assert_eq!(guest.get_typed_func::<(), i32>(&store, "call")?.call(&mut store, ())?, 8);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use silo_core::{AsContextMut, Instance, Linker, MemoryImage, Module};

use super::Checkpoint;
use crate::SnapshotError;

/// A checkpoint prepared to start many guests (see the module documentation).
#[derive(Debug)]
pub struct Fork {
    checkpoint: Checkpoint,
    /// For each memory of the index space, its image, when one could be made (a shared memory or
    /// one whose size is not a whole number of host pages is copied instead).
    images: Vec<Option<MemoryImage>>,
    /// The module it was checked against, so that resuming with that very module (as is usual)
    /// skips hashing it again.
    module: Module,
}

impl Checkpoint {
    /// Prepares this checkpoint of `module` to start many guests copy-on-write.
    pub fn fork(self, module: &Module) -> Result<Fork, SnapshotError> {
        self.check_module(module)?;
        let info = module.info();
        let mut images = Vec::with_capacity(self.instance.memories.len());
        for (index, saved) in self.instance.memories.iter().enumerate() {
            // Runs out of order or overlapping get no image: restoring copies them, and refuses.
            let ordered = saved.runs.windows(2).all(|w| {
                w[0].offset
                    .checked_add(w[0].bytes.len() as u64)
                    .is_some_and(|end| end <= w[1].offset)
            });
            let ty = info.memories.get(index).filter(|ty| !ty.shared && ordered);
            let image = ty.and_then(|ty| {
                let len = usize::try_from(saved.pages.checked_mul(ty.page_size())?).ok()?;
                let runs = saved.runs.iter().map(|r| (r.offset, r.bytes.as_slice()));
                MemoryImage::new(len, runs).ok()
            });
            images.push(image);
        }
        Ok(Fork { checkpoint: self, images, module: module.clone() })
    }
}

impl Fork {
    /// The checkpoint it starts guests from.
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// A new guest: as [`Checkpoint::resume`], with memories mapped from the fork's images.
    pub fn resume<T: 'static>(
        &self,
        store: impl AsContextMut<Data = T>,
        linker: &Linker<T>,
        module: &Module,
    ) -> Result<Instance, SnapshotError> {
        if !Module::same(module, &self.module) {
            self.checkpoint.check_module(module)?;
        }
        self.checkpoint.resume_checked(store, linker, module, &self.images).map(|(i, _)| i)
    }
}
