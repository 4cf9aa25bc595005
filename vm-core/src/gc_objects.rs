//! Structs and arrays as the host sees them: types the host defines ([`StructType`],
//! [`ArrayType`]), objects it allocates, and the fields and elements it reads and writes, of its
//! own objects and of those WebAssembly hands it ([`AnyRef::as_struct`], [`AnyRef::as_array`]).
//!
//! Handles root their objects like every reference handle ([`AnyRef`]). Values cross as [`Val`]s:
//! a packed field (`i8`, `i16`) reads as a zero-extended `Val::I32` and stores the low bits of
//! one; references keep their hierarchy (`Val::AnyRef`, `Val::ExternRef`, `Val::FuncRef`...).

use silo_gc::{FieldKind, GcRef, Layout};
use silo_loader::{CompositeType, FieldType, HeapType, StorageType, SubType, ValType};

use crate::engine::Engine;
use crate::error::Error;
use crate::gc::Root;
use crate::registry::{TypeId, TypeKind};
use crate::runtime::gc as rt;
use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};
use crate::val::{AnyRef, Val, kind_of, raw_of, root_in};

/// A struct type the host defines: final, with no supertype. Field types may be numbers, packed
/// integers, and references to abstract heap types (`anyref`, `externref`, `funcref`...).
#[derive(Clone, Debug)]
pub struct StructType {
    id: TypeId,
    fields: Box<[FieldType]>,
}

/// An array type the host defines, as [`StructType`] does.
#[derive(Clone, Debug)]
pub struct ArrayType {
    id: TypeId,
    elem: FieldType,
}

/// A struct in a store's heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StructRef {
    store: StoreId,
    root: Root,
}

/// An array in a store's heap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArrayRef {
    store: StoreId,
    root: Root,
}

/// Refuses field types that name a module's type: a host type stands alone.
fn check_fields<'a>(fields: impl IntoIterator<Item = &'a FieldType>) -> Result<(), Error> {
    for f in fields {
        if let StorageType::Val(ValType::Ref(r)) = f.storage
            && matches!(r.heap, HeapType::Concrete(_) | HeapType::Exact(_))
        {
            return Err(Error::Type(format!(
                "a host-defined type cannot refer to a module's type ({})",
                ValType::Ref(r)
            )));
        }
    }
    Ok(())
}

fn register(engine: &Engine, composite: CompositeType) -> TypeId {
    let sub = SubType::plain(true, composite);
    engine.inner.registry.register_module(std::slice::from_ref(&sub), std::slice::from_ref(&(0..1)))
        [0]
}

impl StructType {
    /// A struct type with `fields`, in order.
    pub fn new(
        engine: &Engine,
        fields: impl IntoIterator<Item = FieldType>,
    ) -> Result<StructType, Error> {
        let fields: Box<[FieldType]> = fields.into_iter().collect();
        check_fields(fields.iter())?;
        let id = register(engine, CompositeType::Struct(fields.clone()));
        Ok(StructType { id, fields })
    }

    /// The field types.
    pub fn fields(&self) -> &[FieldType] {
        &self.fields
    }
}

impl ArrayType {
    /// An array type of elements `elem`.
    pub fn new(engine: &Engine, elem: FieldType) -> Result<ArrayType, Error> {
        check_fields([&elem])?;
        let id = register(engine, CompositeType::Array(elem));
        Ok(ArrayType { id, elem })
    }

    /// The element type.
    pub fn elem(&self) -> FieldType {
        self.elem
    }
}

/// The value type a field of `storage` reads as.
fn unpacked(storage: StorageType) -> ValType {
    match storage {
        StorageType::I8 | StorageType::I16 => ValType::I32,
        StorageType::Val(v) => v,
    }
}

/// `v` as the raw slots of a field of `storage`, after checking its type.
fn to_slots(store: &StoreOpaque, v: &Val, storage: StorageType) -> Result<[u64; 2], Error> {
    if !v.matches_canonical(store, unpacked(storage)) {
        return Err(Error::Type(format!("{v:?} does not fit a field of type {storage:?}")));
    }
    let mut slots = [0u64; 2];
    v.write_slots(store, &mut slots);
    Ok(slots)
}

/// The value of a field of `storage` whose raw slots are `slots`.
fn from_slots(store: &StoreOpaque, slots: [u64; 2], storage: StorageType) -> Val {
    Val::read_slots(&slots, unpacked(storage), store)
}

fn heap_error(e: silo_gc::AccessError) -> Error {
    match e {
        silo_gc::AccessError::OutOfBounds => Error::Type("index out of bounds".into()),
        _ => Error::Type("not a live object of this store".into()),
    }
}

/// Reads `kind` at `offset` of `r` into raw slots.
pub(crate) fn read_raw(
    store: &StoreOpaque,
    r: GcRef,
    offset: u32,
    kind: FieldKind,
) -> Result<[u64; 2], Error> {
    let heap = store.gc.heap().ok_or_else(|| heap_error(silo_gc::AccessError::Null))?;
    let v: u128 = match kind.size() {
        1 => heap.read::<u8>(r, offset).map(u128::from),
        2 => heap.read::<u16>(r, offset).map(u128::from),
        4 => heap.read::<u32>(r, offset).map(u128::from),
        8 => heap.read::<u64>(r, offset).map(u128::from),
        _ => heap.read::<u128>(r, offset),
    }
    .map_err(heap_error)?;
    Ok([v as u64, (v >> 64) as u64])
}

impl StructRef {
    /// A new struct of type `ty` with `fields` (one value per field, checked against its type).
    pub fn new(
        mut store: impl AsContextMut,
        ty: &StructType,
        fields: &[Val],
    ) -> Result<StructRef, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        if fields.len() != ty.fields.len() {
            return Err(Error::Type(format!(
                "the struct type has {} fields, {} values were given",
                ty.fields.len(),
                fields.len()
            )));
        }
        let mut slots = Vec::with_capacity(fields.len());
        for (v, f) in fields.iter().zip(ty.fields.iter()) {
            let s = to_slots(opaque, v, f.storage)?;
            slots.push(s[0]);
            if unpacked(f.storage) == ValType::V128 {
                slots.push(s[1]);
            }
        }
        opaque.gc.define_types(&opaque.engine.inner.registry, &[ty.id]);
        let r = crate::runtime::gc_ops::struct_new_of(opaque, ty.id, &slots)?;
        Ok(StructRef { store: opaque.id, root: root_in(opaque, u64::from(r.raw())) })
    }

    fn object(&self, store: &StoreOpaque) -> GcRef {
        self.store.assert_same(store.id);
        GcRef::from_raw(raw_of(store, self.root) as u32)
    }

    /// The field types and layout of this struct's type.
    fn shape(
        &self,
        store: &StoreOpaque,
    ) -> Result<(Box<[FieldType]>, silo_gc::StructLayout), Error> {
        let r = self.object(store);
        let heap = store.gc.heap().ok_or_else(|| heap_error(silo_gc::AccessError::Null))?;
        let id = heap.type_id(r).ok_or_else(|| heap_error(silo_gc::AccessError::BadRef))?;
        match (store.engine.inner.registry.composite(TypeId(id)), heap.layout(id)) {
            (Some(CompositeType::Struct(fields)), Some(Layout::Struct(l))) => {
                Ok((fields, l.clone()))
            }
            _ => Err(Error::Type("not a struct".into())),
        }
    }

    /// Field `index`.
    pub fn field(&self, store: impl AsContext, index: usize) -> Result<Val, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let (fields, layout) = self.shape(opaque)?;
        let (f, at) = fields.get(index).zip(layout.fields.get(index)).ok_or_else(|| {
            Error::Type(format!("the struct has {} fields, not {}", fields.len(), index + 1))
        })?;
        let slots = read_raw(opaque, self.object(opaque), at.offset, at.kind)?;
        Ok(from_slots(opaque, slots, f.storage))
    }

    /// Sets field `index`, which must be mutable, to `value`.
    pub fn set_field(
        &self,
        mut store: impl AsContextMut,
        index: usize,
        value: Val,
    ) -> Result<(), Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let (fields, layout) = self.shape(opaque)?;
        let (f, at) = fields.get(index).zip(layout.fields.get(index)).ok_or_else(|| {
            Error::Type(format!("the struct has {} fields, not {}", fields.len(), index + 1))
        })?;
        if !f.mutable {
            return Err(Error::Type(format!("field {index} is immutable")));
        }
        let slots = to_slots(opaque, &value, f.storage)?;
        let r = self.object(opaque);
        let heap = opaque.gc.heap_mut()?;
        rt::write_sized(heap, r, at.offset, at.kind.size(), &slots).map_err(heap_error)
    }

    /// The same reference as an [`AnyRef`].
    pub fn to_any(&self, store: impl AsContext) -> AnyRef {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        AnyRef::from_raw(opaque, u64::from(self.object(opaque).raw()))
    }
}

impl ArrayRef {
    /// A new array of type `ty`: `len` copies of `elem`.
    pub fn new(
        mut store: impl AsContextMut,
        ty: &ArrayType,
        elem: &Val,
        len: u32,
    ) -> Result<ArrayRef, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let slots = to_slots(opaque, elem, ty.elem.storage)?;
        let width = if unpacked(ty.elem.storage) == ValType::V128 { 2 } else { 1 };
        opaque.gc.define_types(&opaque.engine.inner.registry, &[ty.id]);
        let r = crate::runtime::gc_ops::array_new_of(opaque, ty.id, len, &slots[..width])?;
        Ok(ArrayRef { store: opaque.id, root: root_in(opaque, u64::from(r.raw())) })
    }

    fn object(&self, store: &StoreOpaque) -> GcRef {
        self.store.assert_same(store.id);
        GcRef::from_raw(raw_of(store, self.root) as u32)
    }

    fn elem_type(&self, store: &StoreOpaque) -> Result<(FieldType, FieldKind), Error> {
        let r = self.object(store);
        let heap = store.gc.heap().ok_or_else(|| heap_error(silo_gc::AccessError::Null))?;
        let id = heap.type_id(r).ok_or_else(|| heap_error(silo_gc::AccessError::BadRef))?;
        match (store.engine.inner.registry.composite(TypeId(id)), heap.layout(id)) {
            (Some(CompositeType::Array(elem)), Some(Layout::Array(l))) => Ok((elem, l.elem_kind)),
            _ => Err(Error::Type("not an array".into())),
        }
    }

    /// The number of elements.
    pub fn len(&self, store: impl AsContext) -> Result<u32, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let heap = opaque.gc.heap().ok_or_else(|| heap_error(silo_gc::AccessError::Null))?;
        heap.array_len(self.object(opaque)).ok_or_else(|| Error::Type("not an array".into()))
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self, store: impl AsContext) -> Result<bool, Error> {
        Ok(self.len(store)? == 0)
    }

    /// Element `index`.
    pub fn get(&self, store: impl AsContext, index: u32) -> Result<Val, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let (elem, kind) = self.elem_type(opaque)?;
        let r = self.object(opaque);
        let heap = opaque.gc.heap().ok_or_else(|| heap_error(silo_gc::AccessError::Null))?;
        let offset = heap.array_elem_offset(r, index).map_err(heap_error)?;
        let slots = read_raw(opaque, r, offset, kind)?;
        Ok(from_slots(opaque, slots, elem.storage))
    }

    /// Sets element `index` to `value` (the element type must be mutable).
    pub fn set(&self, mut store: impl AsContextMut, index: u32, value: Val) -> Result<(), Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let (elem, kind) = self.elem_type(opaque)?;
        if !elem.mutable {
            return Err(Error::Type("the array's elements are immutable".into()));
        }
        let slots = to_slots(opaque, &value, elem.storage)?;
        let r = self.object(opaque);
        let heap = opaque.gc.heap_mut()?;
        let offset = heap.array_elem_offset(r, index).map_err(heap_error)?;
        rt::write_sized(heap, r, offset, kind.size(), &slots).map_err(heap_error)
    }

    /// The same reference as an [`AnyRef`].
    pub fn to_any(&self, store: impl AsContext) -> AnyRef {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        AnyRef::from_raw(opaque, u64::from(self.object(opaque).raw()))
    }
}

impl StructRef {
    /// A handle rooting the raw reference `raw` of the `any` hierarchy, if it is a struct.
    pub(crate) fn of_raw(store: &StoreOpaque, raw: u64) -> Option<StructRef> {
        (kind_of(store, raw) == Some(TypeKind::Struct))
            .then(|| StructRef { store: store.id, root: root_in(store, raw) })
    }
}

impl ArrayRef {
    /// A handle rooting the raw reference `raw` of the `any` hierarchy, if it is an array.
    pub(crate) fn of_raw(store: &StoreOpaque, raw: u64) -> Option<ArrayRef> {
        (kind_of(store, raw) == Some(TypeKind::Array))
            .then(|| ArrayRef { store: store.id, root: root_in(store, raw) })
    }
}

impl AnyRef {
    /// This reference as a struct, if it is one.
    pub fn as_struct(&self, store: impl AsContext) -> Option<StructRef> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        StructRef::of_raw(opaque, self.raw(opaque))
    }

    /// This reference as an array, if it is one.
    pub fn as_array(&self, store: impl AsContext) -> Option<ArrayRef> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        ArrayRef::of_raw(opaque, self.raw(opaque))
    }
}
