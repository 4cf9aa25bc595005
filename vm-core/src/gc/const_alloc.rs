//! Allocation in constant expressions (`struct.new` and `array.new*` in global initializers,
//! table initializers and element segments), which runs during instantiation.

use silo_gc::GcRef;
use silo_loader::ConstOp;

use crate::error::Error;
use crate::registry::{TypeId, TypeRegistry};
use crate::runtime::gc as rt;
use crate::store::StoreOpaque;

/// What constant expressions need to allocate: the store being instantiated into and the
/// module's canonical type ids.
pub(crate) struct GcConst<'a> {
    /// The whole store, lent to the instantiation.
    pub store: *mut StoreOpaque,
    pub type_ids: &'a [TypeId],
}

impl GcConst<'_> {
    /// The engine's type registry.
    pub fn registry(&self) -> &TypeRegistry {
        // SAFETY: `store` is the live store being instantiated into (how `GcConst` is made);
        // the registry is only read.
        unsafe {
            let store: &StoreOpaque = &*self.store;
            &store.engine.inner.registry
        }
    }

    /// Runs an allocating constant instruction on `stack` (whose entries `refs` marks as heap
    /// references: they are rooted while the allocation may collect) and gives the new object.
    pub fn alloc(
        &mut self,
        op: &ConstOp,
        stack: &mut Vec<u64>,
        refs: &mut Vec<bool>,
    ) -> Result<u64, Error> {
        // SAFETY: `store` is the live store being instantiated into, lent to the instantiation;
        // nothing else uses it while a constant expression is evaluated.
        let store = unsafe { &mut *self.store };
        // Operands are stack entries: two for a `v128` (low half first), one for the rest.
        let elem_width = |t: u32| match self.registry().composite(self.id(t)) {
            Some(silo_loader::CompositeType::Array(f)) => slots(&f),
            _ => 1,
        };
        let (ty, operands) = match *op {
            ConstOp::StructNew(t) => {
                let n = match self.registry().composite(self.id(t)) {
                    Some(silo_loader::CompositeType::Struct(f)) => f.iter().map(slots).sum(),
                    _ => 0,
                };
                (t, n)
            }
            ConstOp::StructNewDefault(t) => (t, 0),
            // The fields and the descriptor: the layout's value slots.
            ConstOp::StructNewDesc(t) => {
                let id = self.id(t);
                (t, crate::runtime::gc_ops::struct_slots(store, id).map_err(Error::Trap)?)
            }
            ConstOp::StructNewDefaultDesc(t) => (t, 1),
            ConstOp::ArrayNew(t) => (t, elem_width(t) + 1),
            ConstOp::ArrayNewDefault(t) => (t, 1),
            ConstOp::ArrayNewFixed { type_index, len } => {
                (type_index, elem_width(type_index) * len as usize)
            }
            _ => return Err(Error::Type("not an allocating constant instruction".into())),
        };
        if operands > stack.len() {
            return Err(Error::Type("malformed constant expression".into()));
        }
        let id = self.id(ty);
        let len = match *op {
            ConstOp::ArrayNew(_) | ConstOp::ArrayNewDefault(_) => stack[stack.len() - 1] as u32,
            ConstOp::ArrayNewFixed { len, .. } => len,
            _ => 0,
        };
        let is_array = !matches!(
            op,
            ConstOp::StructNew(_)
                | ConstOp::StructNewDefault(_)
                | ConstOp::StructNewDesc(_)
                | ConstOp::StructNewDefaultDesc(_)
        );
        let has_desc = matches!(op, ConstOp::StructNewDesc(_) | ConstOp::StructNewDefaultDesc(_));
        if has_desc && stack.last().is_none_or(|&desc| desc == 0) {
            return Err(Error::Trap(crate::trap::Trap::new(
                crate::trap::TrapCode::NullDescriptorReference,
            )));
        }

        // Root the stack's references across the allocation, then read them back (moved).
        let base = store.gc.host_roots.len();
        for (v, _) in stack.iter().zip(refs.iter()).filter(|(_, r)| **r) {
            store.gc.host_roots.push(GcRef::from_raw(*v as u32));
        }
        let r =
            if is_array { rt::alloc_array(store, id, len) } else { rt::alloc_struct(store, id) };
        let live = stack.iter_mut().zip(refs.iter()).filter(|(_, r)| **r);
        for (k, (v, _)) in (base..).zip(live) {
            *v = u64::from(store.gc.host_roots.at(k).raw());
        }
        store.gc.host_roots.truncate(base);
        let r = r?;

        let values: Vec<u64> = stack.split_off(stack.len() - operands);
        refs.truncate(stack.len());
        let heap = store.gc.heap_mut()?;
        let bad = |_| Error::Type("constant expression wrote outside its object".into());
        match *op {
            ConstOp::StructNewDefaultDesc(_) => {
                // The descriptor is the layout's last field.
                let desc = rt::struct_fields(store, id).and_then(|f| f.last().copied());
                let desc = desc.ok_or_else(|| Error::Type("a type without descriptor".into()))?;
                let heap = store.gc.heap_mut()?;
                rt::write_field(heap, r, desc.offset, desc.kind, &values).map_err(bad)?;
            }
            ConstOp::StructNew(_) | ConstOp::StructNewDesc(_) => {
                let fields = rt::struct_fields(store, id).unwrap_or(&[]).to_vec();
                let heap = store.gc.heap_mut()?;
                let mut at = 0;
                for f in fields {
                    let width = if f.kind.size() == 16 { 2 } else { 1 };
                    let v = values.get(at..at + width).unwrap_or(&[0, 0]);
                    rt::write_field(heap, r, f.offset, f.kind, v).map_err(bad)?;
                    at += width;
                }
            }
            ConstOp::ArrayNew(_) if len > 0 => {
                let layout = rt::array_of(heap, r).map_err(bad)?;
                let init = &values[..values.len() - 1];
                let (bytes, n) = rt::elem_bytes(layout.elem_kind, init);
                heap.array_fill(r, 0, len, &bytes[..n]).map_err(bad)?;
            }
            ConstOp::ArrayNewFixed { .. } if len > 0 => {
                let layout = rt::array_of(heap, r).map_err(bad)?;
                let width = values.len() / len as usize;
                for (i, value) in values.chunks_exact(width).enumerate() {
                    let at = heap.array_elem_offset(r, i as u32).map_err(bad)?;
                    rt::write_field(heap, r, at, layout.elem_kind, value).map_err(bad)?;
                }
            }
            _ => {}
        }
        Ok(u64::from(r.raw()))
    }

    fn id(&self, ty: u32) -> TypeId {
        self.type_ids.get(ty as usize).copied().unwrap_or(TypeId(u32::MAX))
    }
}

/// The constant-expression stack entries a value of field type `f` takes.
fn slots(f: &silo_loader::FieldType) -> usize {
    match f.storage {
        silo_loader::StorageType::Val(silo_loader::ValType::V128) => 2,
        _ => 1,
    }
}
