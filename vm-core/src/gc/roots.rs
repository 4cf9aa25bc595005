//! The roots of a store's heap: every place outside the heap that can hold a `GcRef`.

use silo_gc::{GcRef, RootSet};

use crate::global::GlobalEntity;
use crate::instance::InstanceData;
use crate::interp::exec::ExecStack;
use crate::registry::{TypeRegistry, canonical_val};
use crate::store::Arena;
use crate::table::TableEntity;
use crate::vm::{Compiler, NativeExit};
use silo_loader::ValType;

/// Everything in a store but its heap, seen as the heap's roots.
pub(crate) struct StoreRoots<'a> {
    pub host: &'a mut super::HostRoots,
    /// The exception in flight, if any.
    pub exception: &'a mut Option<GcRef>,
    pub exec: &'a ExecStack,
    pub globals: &'a Arena<GlobalEntity>,
    pub tables: &'a Arena<TableEntity>,
    pub instances: &'a Arena<InstanceData>,
    pub registry: &'a TypeRegistry,
    /// The compiler of the native frames on the stack, and where they last called out.
    pub native: Option<(&'a dyn Compiler, &'a NativeExit)>,
    /// The native frames' records (`vm::deopt`), innermost first; null without any.
    pub records: *const crate::vm::DeoptRecord,
}

/// Visits the reference in the low 32 bits of a raw slot value, writing back what the collector
/// makes of it.
pub(crate) fn visit_slot(slot: &mut u64, visit: &mut dyn FnMut(&mut GcRef)) {
    let mut r = GcRef::from_raw(*slot as u32);
    visit(&mut r);
    *slot = u64::from(r.raw());
}

impl RootSet for StoreRoots<'_> {
    fn trace_roots(&mut self, visit: &mut dyn FnMut(&mut GcRef)) {
        // SAFETY: the cells of the store's arenas are live entities the store owns; a collection
        // runs with the whole store lent to it (`with_heap` borrows it mutably), and the running
        // code, if any, is suspended in the call that collects and holds no Rust reference into
        // them, so these exclusive references are the only ones while they live. The store's exit
        // record describes the native frames suspended in that call, as `trace_frames` requires,
        // and its list of records is theirs, as `trace_records` requires.
        unsafe {
            for g in self.globals.cells() {
                let g = &mut *g.as_ptr();
                if is_gc(self.registry, g.ty.content) {
                    visit_slot(&mut g.value, visit);
                }
            }
            for t in self.tables.cells() {
                let t = &mut *t.as_ptr();
                if self.registry.is_gc_ref(t.ty.element) {
                    t.elements_mut().iter_mut().for_each(|e| visit_slot(e, visit));
                }
            }
            for i in self.instances.cells() {
                let inst = &mut *i.as_ptr();
                let info = inst.module.info();
                let type_ids = &inst.module.inner.type_ids;
                for (seg, items) in info.elems.iter().zip(inst.elems.iter_mut()) {
                    if is_gc(self.registry, canonical_val(ValType::Ref(seg.ty), type_ids)) {
                        items.iter_mut().for_each(|e| visit_slot(e, visit));
                    }
                }
            }
            self.exec.trace_roots(visit);
            if let Some((compiler, exit)) = self.native {
                compiler.trace_frames(exit, &mut |slot| visit_slot(slot, visit));
            }
            super::record_roots::trace_records(self.records, self.instances, visit);
            self.host.trace(visit);
            if let Some(exn) = self.exception {
                visit(exn);
            }
        }
    }
}

fn is_gc(registry: &TypeRegistry, ty: ValType) -> bool {
    matches!(ty, ValType::Ref(r) if registry.is_gc_ref(r))
}
