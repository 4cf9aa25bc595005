//! An instance's whole state by index, exported or not: what snapshots and checkpoints read and
//! write back. `get_export` reaches what a module chose to export; a process VM that writes a guest
//! to a file (or back into a new module, as `silo init` does) must reach every memory, table, global
//! and function of the instance's index spaces, and whether each segment is still there.

use silo_loader::ExternKind;

use crate::externals::Extern;
use crate::func::Func;
use crate::global::Global;
use crate::instance::{Instance, InstanceData};
use crate::memory::Memory;
use crate::store::{AsContext, AsContextMut};
use crate::table::Table;

impl Instance {
    /// The `index`th entry of one of the instance's index spaces (imports first, then the
    /// module's own definitions), or `None` past its end.
    fn by_index(&self, store: impl AsContext, kind: ExternKind, index: u32) -> Option<Extern> {
        let ctx = store.as_context();
        let data = self.data_of(ctx.opaque());
        let len = match kind {
            ExternKind::Func => data.funcs.len(),
            ExternKind::Table => data.tables.len(),
            ExternKind::Memory => data.memories.len(),
            ExternKind::Global => data.globals.len(),
            ExternKind::Tag => data.tags.len(),
        };
        ((index as usize) < len).then(|| data.export(kind, index))
    }

    /// Function `index` of the instance's function index space.
    pub fn func_by_index(&self, store: impl AsContext, index: u32) -> Option<Func> {
        self.by_index(store, ExternKind::Func, index)?.into_func()
    }

    /// Memory `index` of the instance's memory index space.
    pub fn memory_by_index(&self, store: impl AsContext, index: u32) -> Option<Memory> {
        self.by_index(store, ExternKind::Memory, index)?.into_memory()
    }

    /// Table `index` of the instance's table index space.
    pub fn table_by_index(&self, store: impl AsContext, index: u32) -> Option<Table> {
        self.by_index(store, ExternKind::Table, index)?.into_table()
    }

    /// Global `index` of the instance's global index space.
    pub fn global_by_index(&self, store: impl AsContext, index: u32) -> Option<Global> {
        self.by_index(store, ExternKind::Global, index)?.into_global()
    }

    /// How many elements element segment `index` still holds: its length, or 0 once it was
    /// dropped (by `elem.drop`, or at instantiation for active and declarative segments).
    pub fn elem_segment_len(&self, store: impl AsContext, index: u32) -> Option<usize> {
        let ctx = store.as_context();
        self.data_of(ctx.opaque()).elems.get(index as usize).map(|e| e.len())
    }

    /// Whether data segment `index` was dropped (by `data.drop`, or at instantiation for an
    /// active segment); `None` past the last segment.
    pub fn data_segment_dropped(&self, store: impl AsContext, index: u32) -> Option<bool> {
        let ctx = store.as_context();
        self.data_of(ctx.opaque()).data_dropped.get(index as usize).copied()
    }

    /// Drops element segment `index`, as `elem.drop` does; `false` if there is no such segment.
    pub fn drop_elem_segment(&self, mut store: impl AsContextMut, index: u32) -> bool {
        let mut ctx = store.as_context_mut();
        let data = self.data_of_mut(ctx.opaque_mut());
        match data.elems.get_mut(index as usize) {
            Some(elems) => {
                *elems = Box::default();
                true
            }
            None => false,
        }
    }

    /// Drops data segment `index`, as `data.drop` does; `false` if there is no such segment.
    pub fn drop_data_segment(&self, mut store: impl AsContextMut, index: u32) -> bool {
        let mut ctx = store.as_context_mut();
        let data: &mut InstanceData = self.data_of_mut(ctx.opaque_mut());
        match data.data_dropped.get_mut(index as usize) {
            Some(dropped) => {
                *dropped = true;
                true
            }
            None => false,
        }
    }
}
