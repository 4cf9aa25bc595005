//! The GC proposal's operations that neither tier owns: allocation (which may collect), field
//! and element transfer between slots and objects, the bulk array instructions, and casts.
//!
//! Values cross as raw slots: a reference of the `any`/`extern` hierarchies is a `GcRef` in the
//! low 32 bits, a function reference a `FuncEntity` pointer, a `v128` two slots. Casts compare
//! canonical type ids through the registry's displays (one lookup, never a walk up the chain).

use silo_gc::{
    AccessError, ArrayLayout, FieldKind, GcRef, Heap, Layout, array_layout, struct_layout,
};
use silo_loader::{CompositeType, HeapType, RefType};

use crate::func::FuncEntity;
use crate::gc::{gc_trap, with_heap};
use crate::instance::InstanceData;
use crate::registry::{TypeId, TypeKind, TypeRegistry};
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// The target of a cast, as one `u32` immediate: whether null passes (bit 31), whether it names a
/// module type (bit 30; bit 29 says it is a function type) by index, or else which abstract heap
/// type (the low bits, `Abstract`).
pub(crate) struct CastTarget;

const NULLABLE: u32 = 1 << 31;
const CONCRETE: u32 = 1 << 30;
const FUNC_TYPE: u32 = 1 << 29;
/// An exact type (custom descriptors): the type itself, none of its subtypes.
const EXACT: u32 = 1 << 28;
const INDEX: u32 = EXACT - 1;

impl CastTarget {
    /// Encodes module-relative `ty`; `is_func_type` says whether a module type index names a
    /// function type.
    pub fn encode(ty: RefType, is_func_type: impl Fn(u32) -> bool) -> u32 {
        let nullable = if ty.nullable { NULLABLE } else { 0 };
        let rest = match ty.heap {
            HeapType::Concrete(i) | HeapType::Exact(i) => {
                let exact = if matches!(ty.heap, HeapType::Exact(_)) { EXACT } else { 0 };
                CONCRETE | exact | if is_func_type(i) { FUNC_TYPE } else { 0 } | (i & INDEX)
            }
            h => abstract_code(h),
        };
        nullable | rest
    }
}

const ABSTRACT: [HeapType; 14] = [
    HeapType::Func,
    HeapType::NoFunc,
    HeapType::Extern,
    HeapType::NoExtern,
    HeapType::Any,
    HeapType::Eq,
    HeapType::I31,
    HeapType::Struct,
    HeapType::Array,
    HeapType::None,
    HeapType::Exn,
    HeapType::NoExn,
    HeapType::Cont,
    HeapType::NoCont,
];

fn abstract_code(h: HeapType) -> u32 {
    ABSTRACT.iter().position(|&a| a == h).unwrap_or(0) as u32
}

/// The canonical id of module type `ty` of `inst`.
pub(crate) fn type_id(inst: &InstanceData, ty: u32) -> TypeId {
    inst.module.inner.type_ids.get(ty as usize).copied().unwrap_or(TypeId(u32::MAX))
}

/// Whether the raw reference `raw` (of the hierarchy `target` belongs to) passes the cast to
/// `target`, a `CastTarget` of `inst`'s module.
pub(crate) fn ref_test(store: &StoreOpaque, inst: &InstanceData, raw: u64, target: u32) -> bool {
    if raw == 0 {
        return target & NULLABLE != 0;
    }
    let registry = &store.engine.inner.registry;
    if target & CONCRETE != 0 {
        let want = type_id(inst, target & INDEX);
        let exact = target & EXACT != 0;
        let matches =
            |have: TypeId| if exact { have == want } else { registry.is_subtype(have, want) };
        if target & FUNC_TYPE != 0 {
            // SAFETY: a non-null function reference is a pointer to a live entity of the store.
            let sig = unsafe { (*(raw as *const FuncEntity)).sig };
            return matches(sig);
        }
        return object_type(store, raw).is_some_and(|have| matches(TypeId(have)));
    }
    let r = GcRef::from_raw(raw as u32);
    match ABSTRACT.get((target & INDEX) as usize).copied().unwrap_or(HeapType::None) {
        HeapType::Func | HeapType::Extern | HeapType::Any | HeapType::Exn | HeapType::Cont => true,
        HeapType::Eq => r.is_i31() || object_kind(store, registry, raw).is_some(),
        HeapType::I31 => r.is_i31(),
        HeapType::Struct => object_kind(store, registry, raw) == Some(TypeKind::Struct),
        HeapType::Array => object_kind(store, registry, raw) == Some(TypeKind::Array),
        _ => false,
    }
}

/// The descriptor (a raw reference) of the object `raw` refers to (custom descriptors); `None`
/// for null, an `i31`, or an object whose type has no descriptor.
pub(crate) fn descriptor_of(store: &StoreOpaque, raw: u64) -> Option<u64> {
    let heap = store.gc.heap()?;
    let r = GcRef::from_raw(raw as u32);
    let ty = object_type(store, raw)?;
    match heap.layout(ty)? {
        Layout::Struct(s) => heap.read::<u32>(r, s.descriptor?).ok().map(u64::from),
        _ => None,
    }
}

/// The test of `ref.cast_desc_eq` and `br_on_cast_desc_eq`: whether `raw` is an object whose
/// descriptor is `desc` (the same object), or null when `nullable`. A null `desc` is a trap.
pub(crate) fn desc_test(
    store: &StoreOpaque,
    raw: u64,
    desc: u64,
    nullable: bool,
) -> Result<bool, TrapCode> {
    if desc == 0 {
        return Err(TrapCode::NullDescriptorReference);
    }
    if raw == 0 {
        return Ok(nullable);
    }
    Ok(descriptor_of(store, raw) == Some(desc))
}

/// Whether the non-null raw reference `raw` of the `any` hierarchy is of canonical heap type
/// `heap` (for the embedding API's type checks).
pub(crate) fn raw_is(store: &StoreOpaque, raw: u64, heap: HeapType) -> bool {
    let registry = &store.engine.inner.registry;
    let r = GcRef::from_raw(raw as u32);
    match heap {
        HeapType::Any => true,
        HeapType::Eq => r.is_i31() || object_kind(store, registry, raw).is_some(),
        HeapType::I31 => r.is_i31(),
        HeapType::Struct => object_kind(store, registry, raw) == Some(TypeKind::Struct),
        HeapType::Array => object_kind(store, registry, raw) == Some(TypeKind::Array),
        HeapType::Concrete(want) => object_type(store, raw)
            .is_some_and(|have| registry.is_subtype(TypeId(have), TypeId(want))),
        HeapType::Exact(want) => object_type(store, raw) == Some(want),
        _ => false,
    }
}

/// The type id in the header of the object `raw` refers to (none for an `i31` or a host box).
fn object_type(store: &StoreOpaque, raw: u64) -> Option<u32> {
    let r = GcRef::from_raw(raw as u32);
    r.object()?;
    store.gc.heap()?.type_id(r).filter(|&t| t != silo_gc::HOST_BOX_TYPE)
}

fn object_kind(store: &StoreOpaque, registry: &TypeRegistry, raw: u64) -> Option<TypeKind> {
    registry.kind(TypeId(object_type(store, raw)?))
}

/// The layout of struct or array type `id`, computed from the registry; `None` for another type.
pub(crate) fn layout_of(registry: &TypeRegistry, id: TypeId) -> Option<Layout> {
    let is_func = |r: RefType| !registry.is_gc_ref(r);
    match registry.composite(id)? {
        CompositeType::Struct(fields) => {
            let at = registry.descriptor_position(id);
            Some(Layout::Struct(silo_gc::described_struct_layout(&fields, at, is_func)))
        }
        CompositeType::Array(elem) => Some(Layout::Array(array_layout(elem, is_func))),
        // The objects of a function type are exceptions of the tags of that type: the tag's
        // number, then the payload (see `runtime::exn`).
        CompositeType::Func(sig) => Some(Layout::Struct(struct_layout(
            &crate::runtime::exn::exception_fields(&sig),
            is_func,
        ))),
        _ => None,
    }
}

/// The trap for a type that is not of the kind an instruction needs.
fn not_a(kind: &str, id: TypeId) -> Trap {
    Trap::host(format!("type {} is not {kind} type", id.0))
}

/// Makes sure the heap knows the layout of type `id`.
fn define(heap: &mut Heap, registry: &TypeRegistry, id: TypeId) -> Result<(), Trap> {
    if heap.layout(id.0).is_none() {
        let layout = layout_of(registry, id).ok_or_else(|| not_a("a struct or array", id))?;
        heap.define(id.0, layout);
    }
    Ok(())
}

/// The element layout of array type `id`.
fn array_layout_of(store: &StoreOpaque, id: TypeId) -> Result<ArrayLayout, Trap> {
    match layout_of(&store.engine.inner.registry, id) {
        Some(Layout::Array(a)) => Ok(a),
        _ => Err(not_a("an array", id)),
    }
}

/// A new zero-filled struct of type `id`; may collect. Every reference the caller keeps must be
/// where the store's roots find it.
pub(crate) fn alloc_struct(store: &mut StoreOpaque, id: TypeId) -> Result<GcRef, Trap> {
    if let Some(r) = store.gc.heap_mut()?.try_alloc_struct(id.0) {
        return Ok(r);
    }
    with_heap(store, |heap, roots| {
        define(heap, roots.registry, id)?;
        heap.alloc_struct(id.0, roots).map_err(gc_trap)
    })?
}

/// A new zero-filled array of type `id` and length `len`; may collect, as `alloc_struct`.
pub(crate) fn alloc_array(store: &mut StoreOpaque, id: TypeId, len: u32) -> Result<GcRef, Trap> {
    if let Some(r) = store.gc.heap_mut()?.try_alloc_array(id.0, len) {
        return Ok(r);
    }
    with_heap(store, |heap, roots| {
        define(heap, roots.registry, id)?;
        heap.alloc_array(id.0, len, roots).map_err(gc_trap)
    })?
}

/// The struct layout of type `id` (defined already: an object of it exists).
pub(crate) fn struct_fields(store: &StoreOpaque, id: TypeId) -> Option<&[silo_gc::FieldLayout]> {
    match store.gc.heap()?.layout(id.0)? {
        Layout::Struct(s) => Some(&s.fields),
        _ => None,
    }
}

/// The array layout of the array `r`.
pub(crate) fn array_of(heap: &Heap, r: GcRef) -> Result<ArrayLayout, AccessError> {
    match heap.layout_of(r) {
        Some(Layout::Array(a)) => Ok(*a),
        _ => Err(AccessError::BadRef),
    }
}

/// Writes a field of `kind` at `offset` of object `r` from the raw slots at `value` (two for a
/// `v128`).
pub(crate) fn write_field(
    heap: &mut Heap,
    r: GcRef,
    offset: u32,
    kind: FieldKind,
    value: &[u64],
) -> Result<(), AccessError> {
    write_sized(heap, r, offset, kind.size(), value)
}

/// Writes the low `width` bytes (1, 2, 4, 8 or 16) of the raw slots at `value` to object `r` at
/// `offset`.
pub(crate) fn write_sized(
    heap: &mut Heap,
    r: GcRef,
    offset: u32,
    width: u32,
    value: &[u64],
) -> Result<(), AccessError> {
    match width {
        1 => heap.write(r, offset, value[0] as u8),
        2 => heap.write(r, offset, value[0] as u16),
        4 => heap.write(r, offset, value[0] as u32),
        8 => heap.write(r, offset, value[0]),
        _ => heap.write(r, offset, value[0] as u128 | (value[1] as u128) << 64),
    }
}

/// The bytes of one element of `kind` holding the raw slots at `value`.
pub(crate) fn elem_bytes(kind: FieldKind, value: &[u64]) -> ([u8; 16], usize) {
    let v = value[0] as u128 | (value.get(1).copied().unwrap_or(0) as u128) << 64;
    (v.to_le_bytes(), kind.size() as usize)
}

/// The trap for an access error on a struct (`array`: on an array).
pub(crate) fn access_trap(e: AccessError, array: bool) -> TrapCode {
    match (e, array) {
        (AccessError::Null, false) => TrapCode::NullStructReference,
        (AccessError::Null, true) => TrapCode::NullArrayReference,
        (AccessError::OutOfBounds, _) => TrapCode::ArrayOutOfBounds,
        (AccessError::BadRef, false) => TrapCode::NullStructReference,
        (AccessError::BadRef, true) => TrapCode::NullArrayReference,
    }
}

/// `array.new_data`: an array of type `id` from `len` elements of data segment `seg` at byte
/// `offset`.
pub(crate) fn array_new_data(
    store: &mut StoreOpaque,
    inst: &InstanceData,
    id: TypeId,
    seg: u32,
    offset: u32,
    len: u32,
) -> Result<GcRef, Trap> {
    let elem_size = array_layout_of(store, id)?.elem_size;
    let bytes = data_range(inst, seg, offset, len, elem_size).map_err(Trap::new)?;
    let bytes = bytes.to_vec();
    let r = alloc_array(store, id, len)?;
    let heap = store.gc.heap_mut()?;
    heap.array_write_bytes(r, 0, &bytes).map_err(|e| Trap::new(access_trap(e, true)))?;
    Ok(r)
}

/// `array.init_data`.
pub(crate) fn array_init_data(
    store: &mut StoreOpaque,
    inst: &InstanceData,
    seg: u32,
    arr: u64,
    idx: u32,
    offset: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let r = GcRef::from_raw(arr as u32);
    let heap = store.gc.heap_mut().map_err(|_| TrapCode::NullArrayReference)?;
    let layout = array_of(heap, r).map_err(|_| access_trap(AccessError::Null, true))?;
    let n = heap.array_len(r).ok_or(TrapCode::NullArrayReference)?;
    if idx as u64 + len as u64 > n as u64 {
        return Err(TrapCode::ArrayOutOfBounds);
    }
    let bytes = data_range(inst, seg, offset, len, layout.elem_size)?;
    let at = idx as u64 * layout.elem_size as u64;
    heap.array_write_bytes(r, at, bytes).map_err(|e| access_trap(e, true))
}

/// `len` elements of `size` bytes of data segment `seg` from byte `offset`.
fn data_range(
    inst: &InstanceData,
    seg: u32,
    offset: u32,
    len: u32,
    size: u32,
) -> Result<&[u8], TrapCode> {
    let info = inst.module.info();
    let data: &[u8] = if inst.data_dropped[seg as usize] {
        &[]
    } else {
        info.data_bytes(&info.datas[seg as usize])
    };
    let bytes = len as u64 * size as u64;
    let end = offset as u64 + bytes;
    data.get(offset as usize..end as usize)
        .filter(|_| end <= data.len() as u64)
        .ok_or(TrapCode::MemoryOutOfBounds)
}

/// `len` items of element segment `seg` from `offset`.
pub(crate) fn elem_range(
    inst: &InstanceData,
    seg: u32,
    offset: u32,
    len: u32,
) -> Result<Vec<u64>, TrapCode> {
    let items = &inst.elems[seg as usize];
    let end = offset as u64 + len as u64;
    if end > items.len() as u64 {
        return Err(TrapCode::TableOutOfBounds);
    }
    Ok(items[offset as usize..end as usize].to_vec())
}

/// Writes raw element values into array `r` from index `idx`.
pub(crate) fn write_elems(
    heap: &mut Heap,
    r: GcRef,
    idx: u32,
    values: &[u64],
) -> Result<(), AccessError> {
    let layout = array_of(heap, r)?;
    for (i, v) in values.iter().enumerate() {
        let at = heap.array_elem_offset(r, idx + i as u32)?;
        write_field(heap, r, at, layout.elem_kind, std::slice::from_ref(v))?;
    }
    Ok(())
}
