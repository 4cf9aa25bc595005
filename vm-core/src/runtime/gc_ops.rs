//! The GC instructions that allocate or work in bulk, for both tiers: the interpreter's handlers
//! pass frame slots, native code's builtins a slot array on its stack. Values are raw slots (see
//! `runtime::gc`).
//!
//! An allocation can collect, and a collection moves objects: a reference the instruction is about
//! to store into the new object (a field of `struct.new`, the value or the items of `array.new`)
//! may sit where no root reaches (a builtin's argument array), so each is held as a host root
//! across the allocation and read back after it.

use std::borrow::Cow;

use silo_gc::{AccessError, FieldKind, GcRef, Layout};

use super::gc as rt;
use crate::instance::InstanceData;
use crate::registry::TypeId;
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

/// Slots per value of `kind`.
fn width(kind: FieldKind) -> usize {
    if kind == FieldKind::V128 { 2 } else { 1 }
}

/// Runs `alloc` with the references in `values` at the slot indices `refs` held as host roots,
/// and gives back the allocation's result and the values as they are after it (references moved
/// with their objects). Without references, the values are not copied.
fn rooted<'v, R>(
    store: &mut StoreOpaque,
    refs: &[u32],
    values: &'v [u64],
    alloc: impl FnOnce(&mut StoreOpaque) -> Result<R, Trap>,
) -> Result<(R, Cow<'v, [u64]>), Trap> {
    if refs.is_empty() {
        return Ok((alloc(store)?, Cow::Borrowed(values)));
    }
    let base = store.gc.host_roots.len();
    for &i in refs {
        store.gc.host_roots.push(GcRef::from_raw(values[i as usize] as u32));
    }
    let result = alloc(store);
    let mut values = values.to_vec();
    for (k, &i) in refs.iter().enumerate() {
        values[i as usize] = u64::from(store.gc.host_roots.at(base + k).raw());
    }
    store.gc.host_roots.truncate(base);
    Ok((result?, Cow::Owned(values)))
}

/// The layout the heap has for type `id` (every object type of the store's modules is known to
/// it from instantiation on).
fn layout(store: &mut StoreOpaque, id: TypeId) -> Result<&Layout, Trap> {
    let heap = store.gc.heap_mut()?;
    heap.layout(id.0).ok_or_else(|| Trap::host(format!("type {} has no object layout", id.0)))
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
    match fields {
        Some(fields) => struct_new_of(store, id, fields),
        None => rt::alloc_struct(store, id),
    }
}

/// `struct.new_desc` of module type `ty` (`values`: the fields' raw slots, then the descriptor)
/// and `struct.new_default_desc` (`values`: the descriptor alone). A null descriptor is a trap.
pub(crate) fn struct_new_desc(
    store: &mut StoreOpaque,
    inst: &InstanceData,
    ty: u32,
    values: &[u64],
) -> Result<GcRef, Trap> {
    let desc = values.last().copied().unwrap_or(0);
    if desc == 0 {
        return Err(Trap::new(TrapCode::NullDescriptorReference));
    }
    let id = rt::type_id(inst, ty);
    let n = struct_slots(store, id)?;
    if values.len() == n {
        return struct_new_of(store, id, values);
    }
    // Default fields: every one is zero in its raw form (0, +0.0, null).
    let mut all = vec![0; n.max(1)];
    *all.last_mut().expect("at least one slot") = desc;
    struct_new_of(store, id, &all)
}

/// A new struct (or exception object) of canonical type `id` with the fields' raw slots `fields`.
pub(crate) fn struct_new_of(
    store: &mut StoreOpaque,
    id: TypeId,
    fields: &[u64],
) -> Result<GcRef, Trap> {
    let struct_trap = |e: AccessError| Trap::new(rt::access_trap(e, false));
    // The common case: room below the limit, no collection, nothing to root.
    let heap = store.gc.heap_mut()?;
    if let Some(r) = heap.try_alloc_struct(id.0) {
        heap.write_struct_fields(r, fields).map_err(struct_trap)?;
        return Ok(r);
    }
    let Layout::Struct(layout) = layout(store, id)? else {
        return Err(Trap::host(format!("type {} is not a struct type", id.0)));
    };
    let refs = layout.ref_slots.clone();
    let (r, values) = rooted(store, &refs, fields, |s| rt::alloc_struct(s, id))?;
    let heap = store.gc.heap_mut()?;
    heap.write_struct_fields(r, &values).map_err(struct_trap)?;
    Ok(r)
}

/// A new array of canonical type `id`: `len` copies of the element in the raw slots `value`.
pub(crate) fn array_new_of(
    store: &mut StoreOpaque,
    id: TypeId,
    len: u32,
    value: &[u64],
) -> Result<GcRef, Trap> {
    let array_trap = |e: AccessError| Trap::new(rt::access_trap(e, true));
    let kind = elem_kind(store, id)?;
    let refs: &[u32] = if kind == FieldKind::GcRef { &[0] } else { &[] };
    let (r, value) = rooted(store, refs, value, |s| rt::alloc_array(s, id, len))?;
    if len > 0 {
        let heap = store.gc.heap_mut()?;
        let (bytes, n) = rt::elem_bytes(kind, &value);
        heap.array_fill(r, 0, len, &bytes[..n]).map_err(array_trap)?;
    }
    Ok(r)
}

/// How many raw slots the fields of struct type `id` take as values (`struct.new`'s operands).
pub(crate) fn struct_slots(store: &mut StoreOpaque, id: TypeId) -> Result<usize, Trap> {
    match layout(store, id)? {
        Layout::Struct(s) => Ok(s.value_slots as usize),
        _ => Err(Trap::host(format!("type {} is not a struct type", id.0))),
    }
}

/// The element kind of array type `id`.
pub(crate) fn elem_kind(store: &mut StoreOpaque, id: TypeId) -> Result<FieldKind, Trap> {
    match layout(store, id)? {
        Layout::Array(a) => Ok(a.elem_kind),
        _ => Err(Trap::host(format!("type {} is not an array type", id.0))),
    }
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
    // The elements cost fuel as bulk work (see `runtime::bulk`), 8 bytes an element, before the
    // array is made: making one zeroes or fills all of it. Native code charges its inline
    // allocations the same.
    super::bulk::charge_store(store, u64::from(len) * 8)
        .map_err(|code| super::bulk::meter_trap(store, code))?;
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
        ArrayInit::Value(value) => array_new_of(store, id, len, value),
        ArrayInit::Fixed(values) => {
            let kind = elem_kind(store, id)?;
            let refs: Vec<u32> = match kind {
                FieldKind::GcRef => (0..len).collect(),
                _ => Vec::new(),
            };
            let (r, values) = rooted(store, &refs, values, |s| rt::alloc_array(s, id, len))?;
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
    let len = match op {
        ArrayBulk::Fill { len, .. }
        | ArrayBulk::Copy { len, .. }
        | ArrayBulk::InitData { len, .. }
        | ArrayBulk::InitElem { len, .. } => len,
    };
    // Bulk work costs fuel by its size (see `runtime::bulk`), counting 8 bytes an element.
    super::bulk::charge_store(store, u64::from(len) * 8)?;
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
