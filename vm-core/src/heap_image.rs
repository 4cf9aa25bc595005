//! The garbage-collected objects a guest can reach, taken out of a store as portable values
//! ([`HeapImage`]) and made again in another store: the heap part of checkpoints.
//!
//! An image holds each struct and array once, by its type's index in the module and its fields
//! or elements by type: numbers as their bits, references as **codes** that name what they refer
//! to by meaning, never by address:
//! - a reference of the function hierarchy: `0` for null, the instance's function index plus one;
//! - a reference of the `any` or `extern` hierarchy: `0` for null, an odd code for an `i31` (the
//!   value's 31 bits shifted left by one, plus one), an even code for object number `n` of the
//!   image (`(n + 1) * 2`).
//!
//! The same codes stand for references in a checkpoint's globals, tables and frames. Taking an
//! image ([`HeapCapture`]) numbers objects as the caller names them (from globals, tables, frames),
//! then follows their fields; it refuses what has no meaning outside the store — a host value
//! (`externref` from the embedder), an exception, an object of a type the host defined, a
//! function of another instance. Making one again ([`HeapImage::restore`]) is loading untrusted
//! input: every type index, length and code is checked against the module, every reference
//! against the type of the field that holds it (so an object is never where the code expects
//! another type), and allocation goes through the store's heap quota.

use std::collections::HashMap;

use silo_gc::{FieldKind, GcRef, HOST_BOX_TYPE, Layout};
use silo_loader::{CompositeType, HeapType, RefType, StorageType, ValType};

use crate::error::Error;
use crate::func::{Func, FuncEntity};
use crate::instance::{Instance, InstanceData};
use crate::registry::{TypeId, TypeKind};
use crate::store::{AsContext, AsContextMut, StoreOpaque};
use crate::val::{AnyRef, Val};

/// One struct or array of a [`HeapImage`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapObject {
    /// Its type: an index into the module's types (a struct or an array type).
    pub type_index: u32,
    /// A struct's fields, one value each (two for a `v128`, its low half first; a packed field
    /// zero-extended), references as codes; or an array's elements when they are references.
    pub values: Vec<u64>,
    /// An array's elements when they are numbers: their bytes, little-endian, at the element's
    /// size (1 for `i8`, 2 for `i16`, 16 for `v128`...). Empty for a struct.
    pub bytes: Vec<u8>,
}

/// The objects of a heap image, numbered from 0 (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapImage {
    /// The objects, in the order they were numbered.
    pub objects: Vec<HeapObject>,
}

/// What one reference of the `any` or `extern` hierarchy is, as an image says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapRef {
    /// Null.
    Null,
    /// An `i31` with this value (sign-extended).
    I31(i32),
    /// Object number `n` of the image.
    Object(u32),
}

impl HeapRef {
    /// The reference's code (see the module documentation).
    pub fn code(self) -> u64 {
        match self {
            HeapRef::Null => 0,
            HeapRef::I31(v) => u64::from(GcRef::from_i31(v).raw()),
            HeapRef::Object(n) => (u64::from(n) + 1) << 1,
        }
    }

    /// The reference a code stands for; `None` for a code no reference has.
    pub fn from_code(code: u64) -> Option<HeapRef> {
        if code == 0 {
            Some(HeapRef::Null)
        } else if code & 1 == 1 {
            let raw = u32::try_from(code).ok()?;
            Some(HeapRef::I31(GcRef::from_raw(raw).i31_s()))
        } else {
            u32::try_from((code >> 1) - 1).ok().map(HeapRef::Object)
        }
    }
}

/// Takes a heap image out of a store: names objects (each gets its number the first time) and,
/// at [`finish`](Self::finish), follows their fields to the objects they reach. Nothing may
/// allocate in the store between the first name and `finish`: a collection would move the
/// objects it has named (checked: `finish` refuses then).
#[derive(Debug, Default)]
pub struct HeapCapture {
    numbers: HashMap<u32, u32>,
    found: Vec<GcRef>,
    collections: Option<u64>,
}

impl HeapCapture {
    /// An empty capture.
    pub fn new() -> HeapCapture {
        HeapCapture::default()
    }

    /// How many objects are named so far.
    pub fn len(&self) -> usize {
        self.found.len()
    }

    /// Whether no object is named.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// What `value`, a reference of the `any` hierarchy, is in the image: an object named by its
    /// number (the next one if it is new), an `i31`, or null. Refuses a host value made internal.
    pub fn any_ref(
        &mut self,
        store: impl AsContext,
        value: Option<&AnyRef>,
    ) -> Result<HeapRef, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let raw = value.map_or(0, |v| v.raw(opaque));
        self.name(opaque, raw).map_err(Error::Unsupported)
    }

    /// As [`any_ref`](Self::any_ref), for a reference of the `extern` hierarchy (an internal
    /// reference made external; a host value is refused).
    pub fn extern_ref(
        &mut self,
        store: impl AsContext,
        value: Option<&crate::ExternRef>,
    ) -> Result<HeapRef, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let raw = value.map_or(0, |v| v.raw(opaque));
        self.name(opaque, raw).map_err(Error::Unsupported)
    }

    /// The code of the raw reference `raw` (the slot form) of the `any` or `extern` hierarchy.
    pub(crate) fn code_of(&mut self, store: &StoreOpaque, raw: u64) -> Result<u64, String> {
        self.name(store, raw).map(HeapRef::code)
    }

    fn name(&mut self, store: &StoreOpaque, raw: u64) -> Result<HeapRef, String> {
        let r = GcRef::from_raw(u32::try_from(raw).map_err(|_| "a reference is not one")?);
        if r.is_null() {
            return Ok(HeapRef::Null);
        }
        if r.is_i31() {
            return Ok(HeapRef::I31(r.i31_s()));
        }
        let heap = store.gc.heap().ok_or("a reference to an object of no heap")?;
        match self.collections {
            None => self.collections = Some(heap.stats().collections),
            Some(c) if c != heap.stats().collections => {
                return Err("the heap was collected while its image was being taken".into());
            }
            Some(_) => {}
        }
        if let Some(&n) = self.numbers.get(&r.raw()) {
            return Ok(HeapRef::Object(n));
        }
        match heap.type_id(r) {
            Some(HOST_BOX_TYPE) => return Err("a host value (`externref`)".into()),
            Some(id) => match store.engine.inner.registry.kind(TypeId(id)) {
                Some(TypeKind::Struct | TypeKind::Array) => {}
                // An exception: an object of its tag's function type.
                Some(TypeKind::Func) => {}
                _ => return Err("an object of an unknown kind".into()),
            },
            None => return Err("a reference to no object".into()),
        }
        let n = u32::try_from(self.found.len()).map_err(|_| "more objects than an image holds")?;
        self.numbers.insert(r.raw(), n);
        self.found.push(r);
        Ok(HeapRef::Object(n))
    }

    /// The image: every object named, and every object their fields reach, with its fields.
    /// Fails, naming the object, on a field that holds what an image cannot (see
    /// [`any_ref`](Self::any_ref)) or an object whose type is not one of `instance`'s module.
    pub fn finish(
        mut self,
        store: impl AsContext,
        instance: &Instance,
    ) -> Result<HeapImage, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let inst = instance.data_of(opaque);
        let mut type_index: HashMap<TypeId, u32> = HashMap::new();
        for (i, &id) in inst.module.inner.type_ids.iter().enumerate().rev() {
            type_index.insert(id, i as u32);
        }
        let mut objects = Vec::with_capacity(self.found.len());
        let mut next = 0;
        while next < self.found.len() {
            let r = self.found[next];
            let object = self
                .object(opaque, inst, &type_index, r)
                .map_err(|why| Error::Unsupported(format!("object {next} holds {why}")))?;
            objects.push(object);
            next += 1;
        }
        Ok(HeapImage { objects })
    }

    /// One object as the image holds it; names the objects its fields refer to.
    fn object(
        &mut self,
        store: &StoreOpaque,
        inst: &InstanceData,
        type_index: &HashMap<TypeId, u32>,
        r: GcRef,
    ) -> Result<HeapObject, String> {
        let registry = &store.engine.inner.registry;
        let heap = store.gc.heap().ok_or("no heap")?;
        let id = TypeId(heap.type_id(r).ok_or("a reference to no object")?);
        let index = *type_index
            .get(&id)
            .ok_or("an object whose type is not one of the module's (a type the host defined)")?;
        if registry.descriptor_position(id).is_some() {
            return Err("an object with a custom descriptor".into());
        }
        let mut object = HeapObject { type_index: index, ..HeapObject::default() };
        match (registry.composite(id), heap.layout(id.0)) {
            (Some(CompositeType::Struct(fields)), Some(Layout::Struct(layout))) => {
                let layout = layout.clone();
                self.fields(store, inst, r, &fields, &layout, &mut object.values)?;
            }
            // An exception: its tag's number (as the module's tag index), then its payload.
            (Some(CompositeType::Func(sig)), Some(Layout::Struct(layout))) => {
                let layout = layout.clone();
                let fields = crate::runtime::exn::exception_fields(&sig);
                let at = layout.fields.first().ok_or("an exception without its tag")?;
                let tag = read_field(store, r, at.offset, at.kind)?[0] as u32;
                object.values.push(u64::from(tag_index(inst, tag)?));
                self.fields(
                    store,
                    inst,
                    r,
                    &fields[1..],
                    &layout_tail(&layout),
                    &mut object.values,
                )?;
            }
            (Some(CompositeType::Array(elem)), Some(Layout::Array(layout))) => {
                let layout = *layout;
                let len = heap.array_len(r).ok_or("an array that is not one")?;
                if field_ref(elem.storage).is_some() {
                    for i in 0..len {
                        let at = heap.array_elem_offset(r, i).map_err(|e| format!("{e:?}"))?;
                        let slots = read_field(store, r, at, layout.elem_kind)?;
                        object.values.push(self.field_code(
                            store,
                            inst,
                            layout.elem_kind,
                            slots[0],
                        )?);
                    }
                } else {
                    let mut bytes = vec![0u8; len as usize * layout.elem_size as usize];
                    heap.array_read_bytes(r, 0, &mut bytes).map_err(|e| format!("{e:?}"))?;
                    object.bytes = bytes;
                }
            }
            _ => return Err("an object that is neither a struct, an array nor an exception".into()),
        }
        Ok(object)
    }

    /// The values of `fields` of `r`, laid out as `layout`, into `out`.
    fn fields(
        &mut self,
        store: &StoreOpaque,
        inst: &InstanceData,
        r: GcRef,
        fields: &[silo_loader::FieldType],
        layout: &silo_gc::StructLayout,
        out: &mut Vec<u64>,
    ) -> Result<(), String> {
        for (field, at) in fields.iter().zip(layout.fields.iter()) {
            let slots = read_field(store, r, at.offset, at.kind)?;
            match field_ref(field.storage) {
                Some(_) => out.push(self.field_code(store, inst, at.kind, slots[0])?),
                None if at.kind == FieldKind::V128 => out.extend(slots),
                None => out.push(slots[0]),
            }
        }
        Ok(())
    }

    fn field_code(
        &mut self,
        store: &StoreOpaque,
        inst: &InstanceData,
        kind: FieldKind,
        raw: u64,
    ) -> Result<u64, String> {
        match kind {
            FieldKind::FuncRef => func_code(&inst.funcs, raw),
            _ => self.code_of(store, raw),
        }
    }
}

/// `layout` without its first field (an exception's tag number).
fn layout_tail(layout: &silo_gc::StructLayout) -> silo_gc::StructLayout {
    silo_gc::StructLayout { fields: layout.fields[1..].into(), ..layout.clone() }
}

/// The module's index of the tag whose number in the store is `id`.
fn tag_index(inst: &InstanceData, id: u32) -> Result<u32, String> {
    // SAFETY: the instance's tags are entities of its store, alive as long as it is.
    let found = inst.tags.iter().position(|&t| unsafe { (*t).id } == id);
    found.map(|i| i as u32).ok_or_else(|| "an exception of a tag from outside the module".into())
}

/// The reference type of a field, if it holds references.
fn field_ref(storage: StorageType) -> Option<RefType> {
    match storage {
        StorageType::Val(ValType::Ref(r)) => Some(r),
        _ => None,
    }
}

/// Reads the field of `kind` at `offset` of `r` as raw slots.
fn read_field(
    store: &StoreOpaque,
    r: GcRef,
    offset: u32,
    kind: FieldKind,
) -> Result<[u64; 2], String> {
    let heap = store.gc.heap().ok_or("no heap")?;
    let bad = |e: silo_gc::AccessError| format!("an unreadable field ({e:?})");
    let v: u128 = match kind.size() {
        1 => heap.read::<u8>(r, offset).map(u128::from),
        2 => heap.read::<u16>(r, offset).map(u128::from),
        4 => heap.read::<u32>(r, offset).map(u128::from),
        8 => heap.read::<u64>(r, offset).map(u128::from),
        _ => heap.read::<u128>(r, offset),
    }
    .map_err(bad)?;
    Ok([v as u64, (v >> 64) as u64])
}

/// A function reference of `inst` (its raw form) as its code: 0 for null, the function's index
/// plus one.
pub(crate) fn func_code(funcs: &[*const FuncEntity], raw: u64) -> Result<u64, String> {
    if raw == 0 {
        return Ok(0);
    }
    match funcs.iter().position(|&f| f as u64 == raw) {
        Some(i) => Ok(i as u64 + 1),
        None => Err("a function reference that is not one of the instance's functions \
                     (it came from another instance or the host)"
            .into()),
    }
}

/// The raw function reference of `inst` that `code` stands for (see `func_code`).
pub(crate) fn func_of_code(funcs: &[*const FuncEntity], code: u64) -> Result<u64, String> {
    match code.checked_sub(1) {
        None => Ok(0),
        Some(i) => match funcs.get(usize::try_from(i).unwrap_or(usize::MAX)) {
            Some(&f) => Ok(f as u64),
            None => Err(format!("function reference {i} is past the instance's functions")),
        },
    }
}

/// The objects a [`HeapImage`] made in a store, by number: handles that keep them alive.
#[derive(Clone, Debug, Default)]
pub struct HeapObjects {
    objects: Vec<AnyRef>,
}

impl HeapObjects {
    /// No objects (what a guest without any has).
    pub fn empty() -> HeapObjects {
        HeapObjects::default()
    }

    /// Object number `n`.
    pub fn get(&self, n: u32) -> Option<&AnyRef> {
        self.objects.get(n as usize)
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The raw reference (slot form) a code of the `any` or `extern` hierarchy stands for, once
    /// checked to be a value of canonical type `ty`.
    pub(crate) fn raw_of_code(
        &self,
        store: &StoreOpaque,
        code: u64,
        ty: RefType,
    ) -> Result<u64, String> {
        let raw = match HeapRef::from_code(code)
            .ok_or_else(|| format!("no reference has code {code}"))?
        {
            HeapRef::Null => 0,
            HeapRef::I31(v) => u64::from(GcRef::from_i31(v).raw()),
            HeapRef::Object(n) => {
                let object = self.get(n).ok_or_else(|| {
                    format!("object {n} is past the image's {} objects", self.objects.len())
                })?;
                object.raw(store)
            }
        };
        if gc_ref_fits(store, raw, ty) {
            Ok(raw)
        } else {
            Err(format!("{} does not fit a value of type {}", describe(code), ValType::Ref(ty)))
        }
    }
}

/// How a code reads in a message.
fn describe(code: u64) -> String {
    match HeapRef::from_code(code) {
        Some(HeapRef::Null) => "null".into(),
        Some(HeapRef::I31(v)) => format!("the i31 {v}"),
        Some(HeapRef::Object(n)) => format!("object {n}"),
        None => format!("code {code}"),
    }
}

/// Whether the raw reference `raw` of the `any` or `extern` hierarchy is a value of canonical
/// type `ty`.
fn gc_ref_fits(store: &StoreOpaque, raw: u64, ty: RefType) -> bool {
    if raw == 0 {
        return ty.nullable;
    }
    match ty.heap.abstract_top() {
        Some(HeapType::Extern) => ty.heap == HeapType::Extern,
        Some(HeapType::Exn) => {
            let registry = &store.engine.inner.registry;
            let id = store.gc.heap().and_then(|h| h.type_id(GcRef::from_raw(raw as u32)));
            ty.heap == HeapType::Exn
                && id.and_then(|id| registry.kind(TypeId(id))) == Some(TypeKind::Func)
        }
        _ if store.engine.inner.registry.is_gc_ref(ty) => {
            crate::runtime::gc::raw_is(store, raw, ty.heap)
        }
        _ => false,
    }
}

/// Whether the raw function reference `raw` (non-null, one of the instance's) is a value of
/// canonical type `ty`.
fn func_ref_fits(store: &StoreOpaque, raw: u64, ty: RefType) -> bool {
    let func = Func::from_raw(store.id, raw as *const FuncEntity);
    Val::FuncRef(func).matches_canonical(store, ValType::Ref(ty))
}

/// The raw function reference a code stands for, once checked to be a value of canonical type
/// `ty`.
pub(crate) fn func_raw_of_code(
    store: &StoreOpaque,
    funcs: &[*const FuncEntity],
    code: u64,
    ty: RefType,
) -> Result<u64, String> {
    let raw = func_of_code(funcs, code)?;
    let fits = if raw == 0 { ty.nullable } else { func_ref_fits(store, raw, ty) };
    if fits {
        Ok(raw)
    } else {
        Err(format!("function reference {code} does not fit a value of type {}", ValType::Ref(ty)))
    }
}

impl HeapImage {
    /// Makes the image's objects in `store`, where `instance` is an instance of the module the
    /// image was taken from: allocates each (through the heap's quota), then writes every field,
    /// each checked against its type (see the module documentation). On an error the objects
    /// made so far are garbage; the store is otherwise unchanged.
    pub fn restore(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
    ) -> Result<HeapObjects, Error> {
        self.restore_with(store, instance, &[])
    }

    /// As [`restore`](Self::restore), but each object `n` of `bound` is `object`, one the
    /// instance has already (what an immutable global of it holds: the object instantiation
    /// made, which the guest's code may refer to elsewhere too), of the image's type and length;
    /// its fields are written as the others'.
    pub fn restore_with(
        &self,
        mut store: impl AsContextMut,
        instance: &Instance,
        bound: &[(u32, AnyRef)],
    ) -> Result<HeapObjects, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let bad = |n: usize, why: String| Error::Type(format!("heap object {n}: {why}"));
        let type_ids = instance.data_of(opaque).module.inner.type_ids.clone();
        let engine = opaque.engine.clone();
        let registry = &engine.inner.registry;
        // What each object is, checked before anything is allocated.
        let mut shapes = Vec::with_capacity(self.objects.len());
        for (n, object) in self.objects.iter().enumerate() {
            let id = *type_ids
                .get(object.type_index as usize)
                .ok_or_else(|| bad(n, format!("the module has no type {}", object.type_index)))?;
            shapes.push(shape_of(registry, id, object).map_err(|why| bad(n, why))?);
        }
        let mut given: HashMap<u32, AnyRef> = HashMap::new();
        for (n, object) in bound {
            let shape = shapes
                .get(*n as usize)
                .ok_or_else(|| bad(*n as usize, "past the image's objects".into()))?;
            check_bound(opaque, object, shape).map_err(|why| bad(*n as usize, why))?;
            if let Some(before) = given.insert(*n, *object)
                && before.raw(opaque) != object.raw(opaque)
            {
                return Err(bad(*n as usize, "two objects of the instance are bound to it".into()));
            }
        }
        opaque.gc.define_types(registry, &type_ids);
        let mut objects = Vec::with_capacity(self.objects.len());
        for (n, (object, shape)) in self.objects.iter().zip(&shapes).enumerate() {
            let r = match (given.get(&(n as u32)), *shape) {
                (Some(object), _) => GcRef::from_raw(object.raw(opaque) as u32),
                (None, Shape::Struct { id, slots }) => {
                    crate::runtime::gc_ops::struct_new_of(opaque, id, &vec![0; slots])
                        .map_err(|e| bad(n, e.to_string()))?
                }
                (None, Shape::Array { id, len, width }) => {
                    crate::runtime::gc_ops::array_new_of(opaque, id, len, &[0; 2][..width])
                        .map_err(|e| bad(n, e.to_string()))?
                }
            };
            if !object.bytes.is_empty() {
                let heap = opaque.gc.heap_mut()?;
                heap.array_write_bytes(r, 0, &object.bytes)
                    .map_err(|e| bad(n, format!("{e:?}")))?;
            }
            objects.push(AnyRef::from_raw(opaque, u64::from(r.raw())));
        }
        let made = HeapObjects { objects };
        let funcs = instance.data_of(opaque).funcs.to_vec();
        // SAFETY: the instance's tags are entities of its store, alive as long as it is.
        let tags: Vec<(u32, TypeId)> =
            instance.data_of(opaque).tags.iter().map(|&t| unsafe { ((*t).id, (*t).sig) }).collect();
        for (n, (object, shape)) in self.objects.iter().zip(&shapes).enumerate() {
            fill(opaque, &funcs, &tags, &made, n, object, shape).map_err(|why| bad(n, why))?;
        }
        Ok(made)
    }
}

/// Checks that the instance's `object` can stand for an image object of `shape`: of the same
/// type, and as long.
fn check_bound(store: &StoreOpaque, object: &AnyRef, shape: &Shape) -> Result<(), String> {
    let r = GcRef::from_raw(object.raw(store) as u32);
    let heap = store.gc.heap().ok_or("the instance has no such object")?;
    let have = heap.type_id(r).map(TypeId);
    let fits = match *shape {
        Shape::Struct { id, .. } => have == Some(id),
        Shape::Array { id, len, .. } => have == Some(id) && heap.array_len(r) == Some(len),
    };
    if fits {
        Ok(())
    } else {
        Err("the instance's object in its place is of another type or length".into())
    }
}

/// What an image's object is, by its type.
#[derive(Clone, Copy)]
enum Shape {
    /// A struct of type `id`, `slots` values.
    Struct { id: TypeId, slots: usize },
    /// An array of type `id` of `len` elements, `width` slots each.
    Array { id: TypeId, len: u32, width: usize },
}

/// The shape of `object` of canonical type `id`, checked: a struct or array type (without
/// a custom descriptor), and as many values or bytes as the type says.
fn shape_of(
    registry: &crate::registry::TypeRegistry,
    id: TypeId,
    object: &HeapObject,
) -> Result<Shape, String> {
    if registry.descriptor_position(id).is_some() {
        return Err("its type has a custom descriptor".into());
    }
    let layout = crate::runtime::gc::layout_of(registry, id);
    match (registry.composite(id), layout) {
        (Some(CompositeType::Struct(_) | CompositeType::Func(_)), Some(Layout::Struct(layout))) => {
            let slots = layout.value_slots as usize;
            if object.values.len() != slots || !object.bytes.is_empty() {
                return Err(format!("its struct type has {slots} values, it holds another count"));
            }
            Ok(Shape::Struct { id, slots })
        }
        (Some(CompositeType::Array(elem)), Some(Layout::Array(layout))) => {
            let width = if layout.elem_kind == FieldKind::V128 { 2 } else { 1 };
            let len = if field_ref(elem.storage).is_some() {
                if !object.bytes.is_empty() {
                    return Err("an array of references holds bytes".into());
                }
                object.values.len()
            } else {
                let size = layout.elem_size as usize;
                if !object.values.is_empty() || !object.bytes.len().is_multiple_of(size) {
                    return Err(format!("an array of {size}-byte numbers holds another count"));
                }
                object.bytes.len() / size
            };
            let len = u32::try_from(len).map_err(|_| "an array longer than any".to_string())?;
            Ok(Shape::Array { id, len, width })
        }
        _ => Err("its type is neither a struct nor an array type".into()),
    }
}

/// Writes the fields of image object `n` (made as `made`'s object `n`) that its allocation left
/// zero: every struct field, and an array's elements when they are references (numbers were
/// written with the allocation). Each reference is checked against the field's type.
fn fill(
    store: &mut StoreOpaque,
    funcs: &[*const FuncEntity],
    tags: &[(u32, TypeId)],
    made: &HeapObjects,
    n: usize,
    object: &HeapObject,
    shape: &Shape,
) -> Result<(), String> {
    let engine = store.engine.clone();
    let registry = &engine.inner.registry;
    // A value's raw form once checked against the field's (canonical) storage type.
    let value = |store: &StoreOpaque, storage: StorageType, code: u64| match field_ref(storage) {
        Some(ty) if registry.is_gc_ref(ty) => made.raw_of_code(store, code, ty),
        Some(ty) => func_raw_of_code(store, funcs, code, ty),
        None => Ok(code),
    };
    let write = |store: &mut StoreOpaque, offset: u32, kind: FieldKind, slots: &[u64]| {
        let r = GcRef::from_raw(made.objects[n].raw(store) as u32);
        let heap = store.gc.heap_mut().map_err(|e| e.to_string())?;
        crate::runtime::gc::write_sized(heap, r, offset, kind.size(), slots)
            .map_err(|e| format!("cannot write a field ({e:?})"))
    };
    match *shape {
        Shape::Struct { id, .. } => {
            let composite = registry.composite(id);
            let Some(Layout::Struct(layout)) = crate::runtime::gc::layout_of(registry, id) else {
                return Err("not a struct".into());
            };
            let (fields, is_exception) = match composite {
                Some(CompositeType::Struct(fields)) => (fields.to_vec(), false),
                Some(CompositeType::Func(sig)) => {
                    (crate::runtime::exn::exception_fields(&sig), true)
                }
                _ => return Err("not a struct".into()),
            };
            let mut values = object.values.iter().copied();
            for (i, (field, at)) in fields.iter().zip(layout.fields.iter()).enumerate() {
                let mut slots = [values.next().ok_or("too few values")?, 0];
                if is_exception && i == 0 {
                    // The tag, by the module's index: one of the instance's, of this type.
                    let tag = usize::try_from(slots[0]).ok().and_then(|t| tags.get(t));
                    match tag {
                        Some(&(number, sig)) if sig == id => slots[0] = u64::from(number),
                        Some(_) => return Err(format!("tag {} carries another type", slots[0])),
                        None => return Err(format!("the module has no tag {}", slots[0])),
                    }
                } else if at.kind == FieldKind::V128 {
                    slots[1] = values.next().ok_or("too few values")?;
                } else {
                    slots[0] = value(store, field.storage, slots[0])
                        .map_err(|e| format!("field {i}: {e}"))?;
                }
                write(store, at.offset, at.kind, &slots)?;
            }
        }
        Shape::Array { id, .. } => {
            let Some(CompositeType::Array(elem)) = registry.composite(id) else {
                return Err("not an array".into());
            };
            if field_ref(elem.storage).is_none() {
                return Ok(());
            }
            let Some(Layout::Array(layout)) = crate::runtime::gc::layout_of(registry, id) else {
                return Err("not an array".into());
            };
            for (i, &code) in object.values.iter().enumerate() {
                let raw =
                    value(store, elem.storage, code).map_err(|e| format!("element {i}: {e}"))?;
                let offset = {
                    let r = GcRef::from_raw(made.objects[n].raw(store) as u32);
                    let heap = store.gc.heap().ok_or("no heap")?;
                    heap.array_elem_offset(r, i as u32).map_err(|e| format!("{e:?}"))?
                };
                write(store, offset, layout.elem_kind, &[raw, 0])?;
            }
        }
    }
    Ok(())
}
