//! The GC instructions that allocate or work in bulk, for both tiers: the interpreter's handlers
//! pass frame slots, native code's builtins a slot array on its stack. Values are raw slots (see
//! `runtime::gc`).
//!
//! An allocation can collect, and a collection moves objects: a reference the instruction is about
//! to store into the new object (a field of `struct.new`, the value or the items of `array.new`)
//! may sit where no root reaches (a builtin's argument array), so each is held as a host root
//! across the allocation and read back after it.

use silo_gc::{AccessError, FieldKind, GcRef};

use super::gc as rt;
use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// How `array.new*` fills the new array.
pub(crate) enum ArrayInit<'a> {
    /// Zeroes (`array.new_default`).
    Default,
    /// Copies of one element, its raw slots (`array.new`).
    Value(&'a [u64]),
    /// Each element, their raw slots one after the other (`array.new_fixed`).
    Fixed(&'a [u64]),
    /// Bytes of data segment `seg` from byte `offset` (`array.new_data`).
    Data { seg: u32, offset: u32 },
    /// Items of element segment `seg` from `offset` (`array.new_elem`).
    Elem { seg: u32, offset: u32 },
}

/// The bulk array instructions, with their operands.
pub(crate) enum ArrayBulk<'a> {
    /// `array.fill`: `len` copies of the element in `value` from index `idx`.
    Fill { arr: u64, idx: u32, value: &'a [u64], len: u32 },
    /// `array.copy`.
    Copy { dst: u64, dst_idx: u32, src: u64, src_idx: u32, len: u32 },
    /// `array.init_data` from data segment `seg`.
    InitData { seg: u32, arr: u64, idx: u32, offset: u32, len: u32 },
    /// `array.init_elem` from element segment `seg`.
    InitElem { seg: u32, arr: u64, idx: u32, offset: u32, len: u32 },
}

/// Slots per value of a field of `kind`.
fn width(kind: FieldKind) -> usize {
    if kind == FieldKind::V128 { 2 } else { 1 }
}

/// Runs `alloc` with the references among `values` (raw values of `kinds`, one slot each, two
/// for a `v128`) held as host roots, and gives back the allocation's result and the values as
/// they are after it (references moved with their objects).
fn rooted<R>(
    store: &mut StoreOpaque,
    kinds: impl Iterator<Item = FieldKind> + Clone,
    values: &[u64],
    alloc: impl FnOnce(&mut StoreOpaque) -> Result<R, Trap>,
) -> Result<(R, Vec<u64>), Trap> {
    let mut values = values.to_vec();
    let base = store.gc.host_roots.len();
    let mut at = 0;
    for kind in kinds.clone() {
        if kind == FieldKind::GcRef {
            store.gc.host_roots.push(GcRef::from_raw(values[at] as u32));
        }
        at += width(kind);
    }
    let result = alloc(store);
    let (mut at, mut root) = (0, base as u32);
    for kind in kinds {
        if kind == FieldKind::GcRef {
            values[at] = u64::from(store.gc.host_roots.get(root).raw());
            root += 1;
        }
        at += width(kind);
    }
    store.gc.host_roots.truncate(base);
    Ok((result?, values))
}

/// `struct.new` of module type `ty` with the fields' raw slots `fields`, or
/// `struct.new_default` without.
pub(crate) fn struct_new(
    store: &mut StoreOpaque,
    inst: &InstanceData,
    ty: u32,
    fields: Option<&[u64]>,
) -> Result<GcRef, Trap> {
    let id = rt::type_id(inst, ty);
    let Some(fields) = fields else { return rt::alloc_struct(store, id) };
    let kinds = rt::struct_kinds(store, id)?;
    let (r, values) = rooted(store, kinds.iter().copied(), fields, |s| rt::alloc_struct(s, id))?;
    let layout: Vec<_> = rt::struct_fields(store, id).unwrap_or(&[]).to_vec();
    let heap = store.gc.heap_mut()?;
    let mut at = 0;
    for f in layout {
        let n = width(f.kind);
        rt::write_field(heap, r, f.offset, f.kind, &values[at..at + n])
            .map_err(|e| Trap::new(rt::access_trap(e, false)))?;
        at += n;
    }
    Ok(r)
}

/// `array.new*` of module type `ty` with `len` elements, filled as `init` says.
pub(crate) fn array_new(
    store: &mut StoreOpaque,
    inst: &InstanceData,
    ty: u32,
    len: u32,
    init: ArrayInit<'_>,
) -> Result<GcRef, Trap> {
    let id = rt::type_id(inst, ty);
    let array_trap = |e: AccessError| Trap::new(rt::access_trap(e, true));
    match init {
        ArrayInit::Default => rt::alloc_array(store, id, len),
        ArrayInit::Data { seg, offset } => rt::array_new_data(store, inst, id, seg, offset, len),
        ArrayInit::Elem { seg, offset } => {
            // Checked first (a failure allocates nothing), read after: the items are roots of
            // the instance, which a collection updates.
            rt::elem_range(inst, seg, offset, len).map_err(Trap::new)?;
            let r = rt::alloc_array(store, id, len)?;
            let items = rt::elem_range(inst, seg, offset, len).map_err(Trap::new)?;
            let heap = store.gc.heap_mut()?;
            rt::write_elems(heap, r, 0, &items).map_err(array_trap)?;
            Ok(r)
        }
        ArrayInit::Value(value) => {
            let kind = rt::array_kind(store, id)?;
            let (r, value) =
                rooted(store, std::iter::once(kind), value, |s| rt::alloc_array(s, id, len))?;
            if len > 0 {
                let heap = store.gc.heap_mut()?;
                let (bytes, n) = rt::elem_bytes(kind, &value);
                heap.array_fill(r, 0, len, &bytes[..n]).map_err(array_trap)?;
            }
            Ok(r)
        }
        ArrayInit::Fixed(values) => {
            let kind = rt::array_kind(store, id)?;
            let kinds = std::iter::repeat_n(kind, len as usize);
            let (r, values) = rooted(store, kinds, values, |s| rt::alloc_array(s, id, len))?;
            let heap = store.gc.heap_mut()?;
            let n = width(kind);
            for (i, value) in values.chunks_exact(n).enumerate() {
                let at = heap.array_elem_offset(r, i as u32).map_err(array_trap)?;
                rt::write_field(heap, r, at, kind, value).map_err(array_trap)?;
            }
            Ok(r)
        }
    }
}

/// The heap, or the null-array trap when there is none (no array can exist then).
fn heap(store: &mut StoreOpaque) -> Result<&mut silo_gc::Heap, TrapCode> {
    store.gc.heap_mut().map_err(|_| TrapCode::NullArrayReference)
}

/// Runs a bulk array instruction.
pub(crate) fn array_bulk(
    store: &mut StoreOpaque,
    inst: &InstanceData,
    op: ArrayBulk<'_>,
) -> Result<(), TrapCode> {
    let array_trap = |e: AccessError| rt::access_trap(e, true);
    match op {
        ArrayBulk::Fill { arr, idx, value, len } => {
            let heap = heap(store)?;
            let r = GcRef::from_raw(arr as u32);
            let layout = rt::array_of(heap, r).map_err(|_| TrapCode::NullArrayReference)?;
            let (bytes, n) = rt::elem_bytes(layout.elem_kind, value);
            heap.array_fill(r, idx, len, &bytes[..n]).map_err(array_trap)
        }
        ArrayBulk::Copy { dst, dst_idx, src, src_idx, len } => {
            let (d, s) = (GcRef::from_raw(dst as u32), GcRef::from_raw(src as u32));
            if d.is_null() || s.is_null() {
                return Err(TrapCode::NullArrayReference);
            }
            heap(store)?.array_copy(d, dst_idx, s, src_idx, len).map_err(array_trap)
        }
        ArrayBulk::InitData { seg, arr, idx, offset, len } => {
            rt::array_init_data(store, inst, seg, arr, idx, offset, len)
        }
        ArrayBulk::InitElem { seg, arr, idx, offset, len } => {
            let heap = heap(store)?;
            let r = GcRef::from_raw(arr as u32);
            let n = heap.array_len(r).ok_or(TrapCode::NullArrayReference)?;
            if idx as u64 + len as u64 > n as u64 {
                return Err(TrapCode::ArrayOutOfBounds);
            }
            let items = rt::elem_range(inst, seg, offset, len)?;
            rt::write_elems(heap, r, idx, &items).map_err(array_trap)
        }
    }
}
