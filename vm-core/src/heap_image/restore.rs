//! Making a heap image's objects again in a store, every part checked as untrusted input (see the
//! module documentation).

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use silo_gc::{GcRef, Layout};
use silo_loader::{RefType, StorageType, ValType};

use super::{
    HeapImage, HeapObject, HeapRef, Kind, TypeInfo, Types, describe, field_ref, func_of_code,
    func_ref_fits, gc_ref_fits, width,
};
use crate::error::Error;
use crate::func::FuncEntity;
use crate::instance::Instance;
use crate::registry::TypeId;
use crate::store::{AsContextMut, StoreOpaque};
use crate::val::AnyRef;

/// An object of a heap image as its holder keeps it (a [`HeapObject`], or a file's own form), so
/// that restoring reads it where it is.
pub trait HeapObjectSource {
    /// See [`HeapObject::type_index`].
    fn type_index(&self) -> u32;
    /// See [`HeapObject::values`].
    fn values(&self) -> &[u64];
    /// See [`HeapObject::bytes`].
    fn bytes(&self) -> &[u8];
}

impl HeapObjectSource for HeapObject {
    fn type_index(&self) -> u32 {
        self.type_index
    }

    fn values(&self) -> &[u64] {
        &self.values
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes
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

    /// Object `n`.
    pub fn get(&self, n: u32) -> Option<&AnyRef> {
        self.objects.get(n as usize)
    }

    /// Object `n` as an exception (`exnref`), if it is one.
    pub fn exn(&self, store: impl crate::store::AsContext, n: u32) -> Option<crate::ExnRef> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let raw = self.get(n)?.raw(opaque);
        let heap = opaque.gc.heap()?;
        let id = heap.type_id(GcRef::from_raw(raw as u32))?;
        let registry = &opaque.engine.inner.registry;
        (registry.kind(TypeId(id)) == Some(crate::registry::TypeKind::Func))
            .then(|| crate::ExnRef::from_raw(opaque, raw))
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The raw reference (slot form) a code of the `any`, `extern` or `exn` hierarchy stands for,
    /// once checked to be a value of canonical type `ty`.
    pub(crate) fn raw_of_code(
        &self,
        store: &StoreOpaque,
        code: u64,
        ty: RefType,
    ) -> Result<u64, String> {
        raw_of_code(store, code, ty, self.objects.len(), |n| self.objects[n].raw(store))
    }
}

/// The raw reference `code` stands for among `count` objects, object `n`'s raw form being
/// `object(n)`, once checked to be a value of canonical type `ty`.
fn raw_of_code(
    store: &StoreOpaque,
    code: u64,
    ty: RefType,
    count: usize,
    object: impl Fn(usize) -> u64,
) -> Result<u64, String> {
    let raw =
        match HeapRef::from_code(code).ok_or_else(|| format!("no reference has code {code}"))? {
            HeapRef::Null => 0,
            HeapRef::I31(v) => u64::from(GcRef::from_i31(v).raw()),
            HeapRef::Object(n) if (n as usize) < count => object(n as usize),
            HeapRef::Object(n) => {
                return Err(format!("object {n} is past the image's {count} objects"));
            }
        };
    if gc_ref_fits(store, raw, ty) {
        Ok(raw)
    } else {
        Err(format!("{} does not fit a value of type {}", describe(code), ValType::Ref(ty)))
    }
}

/// The raw function reference a code stands for among functions `funcs`, once checked to be a
/// value of canonical type `ty`.
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
    /// made so far are garbage; the store is otherwise unchanged (but for the nullable
    /// references of objects bound with [`restore_with`](Self::restore_with), which may be null).
    pub fn restore(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
    ) -> Result<HeapObjects, Error> {
        HeapImage::restore_objects(store, instance, &self.objects, &[])
    }

    /// As [`restore`](Self::restore), but each object `n` of `bound` is `object`, one the
    /// instance has already (what an immutable global of it holds: the object instantiation
    /// made, which the guest's code may refer to elsewhere too), of the image's type and length;
    /// its fields are written as the others'. Its nullable references are nulled before the
    /// others are allocated, so what instantiation left there can be collected first.
    pub fn restore_with(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
        bound: &[(u32, AnyRef)],
    ) -> Result<HeapObjects, Error> {
        HeapImage::restore_objects(store, instance, &self.objects, bound)
    }

    /// As [`restore_with`](Self::restore_with), the image's objects being `objects`, wherever
    /// their holder keeps them.
    pub fn restore_objects<O: HeapObjectSource>(
        mut store: impl AsContextMut,
        instance: &Instance,
        objects: &[O],
        bound: &[(u32, AnyRef)],
    ) -> Result<HeapObjects, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let bad = |n: usize, why: String| Error::Type(format!("heap object {n}: {why}"));
        let type_ids = instance.data_of(opaque).module.inner.type_ids.clone();
        let engine = opaque.engine.clone();
        let mut types = Types::new(&engine.inner.registry);
        // What each object is, checked before anything is allocated.
        let mut shapes = Vec::with_capacity(objects.len());
        for (n, object) in objects.iter().enumerate() {
            let index = object.type_index();
            let id = *type_ids
                .get(index as usize)
                .ok_or_else(|| bad(n, format!("the module has no type {index}")))?;
            shapes.push(shape_of(&mut types, id, object).map_err(|why| bad(n, why))?);
        }
        let mut given: HashMap<u32, AnyRef> = HashMap::default();
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
        opaque.gc.define_types(&engine.inner.registry, &type_ids);
        // A bound object's fields are all written below; until then its nullable references
        // are let go, so that what instantiation put there (a large array, say) can be
        // collected before the image's objects are allocated in its place.
        for (n, object) in &given {
            let r = GcRef::from_raw(object.raw(opaque) as u32);
            release_references(opaque, r, &shapes[*n as usize])
                .map_err(|why| bad(*n as usize, why))?;
        }
        let mut made = Vec::with_capacity(objects.len());
        for (n, (object, shape)) in objects.iter().zip(&shapes).enumerate() {
            let r = match given.get(&(n as u32)) {
                Some(object) => GcRef::from_raw(object.raw(opaque) as u32),
                None if shape.ty.kind == Kind::Array => {
                    let zero = [0u64; 2];
                    let value = &zero[..width(elem_kind(&shape.ty))];
                    crate::runtime::gc_ops::array_new_of(opaque, shape.id, shape.len, value)
                        .map_err(|e| bad(n, format!("cannot be allocated: {e}")))?
                }
                None => crate::runtime::gc_ops::struct_new_of(
                    opaque,
                    shape.id,
                    &vec![0; shape.len as usize],
                )
                .map_err(|e| bad(n, format!("cannot be allocated: {e}")))?,
            };
            if !object.bytes().is_empty() {
                let heap = opaque.gc.heap_mut()?;
                heap.array_write_bytes(r, 0, object.bytes())
                    .map_err(|e| bad(n, format!("{e:?}")))?;
            }
            made.push(AnyRef::from_raw(opaque, u64::from(r.raw())));
        }
        // Nothing allocates from here on: the objects stay where they are.
        let raws: Vec<u32> = made.iter().map(|a| a.raw(opaque) as u32).collect();
        let inst = instance.data_of(opaque);
        let funcs = inst.funcs.to_vec();
        // SAFETY: the instance's tags are entities of its store, alive as long as it is.
        let tags: Vec<(u32, TypeId)> =
            inst.tags.iter().map(|&t| unsafe { ((*t).id, (*t).sig) }).collect();
        let refs = Refs { funcs: &funcs, tags: &tags, raws: &raws };
        for (n, (object, shape)) in objects.iter().zip(&shapes).enumerate() {
            fill(opaque, &refs, raws[n], object.values(), shape).map_err(|why| bad(n, why))?;
        }
        Ok(HeapObjects { objects: made })
    }
}

/// An image object's shape, checked against its type: the type, and a struct's or exception's
/// value count or an array's length.
struct Shape {
    id: TypeId,
    ty: Rc<TypeInfo>,
    len: u32,
}

fn elem_kind(ty: &TypeInfo) -> silo_gc::FieldKind {
    match &ty.layout {
        Layout::Array(a) => a.elem_kind,
        _ => silo_gc::FieldKind::I64,
    }
}

/// The shape of `object` of canonical type `id`, checked: a struct, array or function type
/// (without a custom descriptor), and as many values or bytes as the type says.
fn shape_of(
    types: &mut Types<'_>,
    id: TypeId,
    object: &impl HeapObjectSource,
) -> Result<Shape, String> {
    let ty = types
        .get(id)
        .ok_or("its type is neither a struct nor an array type (or has a custom descriptor)")?;
    let (values, bytes) = (object.values(), object.bytes());
    let len = match &ty.layout {
        Layout::Struct(layout) => {
            let slots = layout.value_slots as usize;
            if values.len() != slots || !bytes.is_empty() {
                return Err(format!("its type has {slots} values, it holds another count"));
            }
            slots
        }
        Layout::Array(layout) if field_ref(ty.fields[0].storage).is_some() => {
            if !bytes.is_empty() {
                return Err("an array of references holds bytes".into());
            }
            values.len()
        }
        Layout::Array(layout) => {
            let size = layout.elem_size as usize;
            if !values.is_empty() || !bytes.len().is_multiple_of(size) {
                return Err(format!("an array of {size}-byte numbers holds another count"));
            }
            bytes.len() / size
        }
        Layout::HostBox => return Err("its type is a host value's".into()),
    };
    let len = u32::try_from(len).map_err(|_| "an array longer than any".to_string())?;
    Ok(Shape { id, ty, len })
}

/// Checks that the instance's `object` can stand for an image object of `shape`: of the same
/// type, and as long.
fn check_bound(store: &StoreOpaque, object: &AnyRef, shape: &Shape) -> Result<(), String> {
    let r = GcRef::from_raw(object.raw(store) as u32);
    let heap = store.gc.heap().ok_or("the instance has no such object")?;
    let fits = heap.type_id(r).map(TypeId) == Some(shape.id)
        && (shape.ty.kind != Kind::Array || heap.array_len(r) == Some(shape.len));
    if fits {
        Ok(())
    } else {
        Err("the instance's object in its place is of another type or length".into())
    }
}

/// Nulls the nullable references to heap objects in the fields of `r`, an object of `shape`.
fn release_references(store: &mut StoreOpaque, r: GcRef, shape: &Shape) -> Result<(), String> {
    let registry = &store.engine.inner.registry;
    let releases = |storage: StorageType| {
        field_ref(storage).is_some_and(|ty| ty.nullable && registry.is_gc_ref(ty))
    };
    let ty = &shape.ty;
    let heap = store.gc.heap_mut().map_err(|e| e.to_string())?;
    let null = |heap: &mut silo_gc::Heap, offset: u32, kind| {
        crate::runtime::gc::write_sized(heap, r, offset, silo_gc::FieldKind::size(kind), &[0, 0])
            .map_err(|e| format!("cannot write a field ({e:?})"))
    };
    match &ty.layout {
        Layout::Struct(layout) => {
            for (field, at) in ty.fields.iter().zip(layout.fields.iter()) {
                if releases(field.storage) {
                    null(heap, at.offset, at.kind)?;
                }
            }
        }
        Layout::Array(layout) if releases(ty.fields[0].storage) => {
            for i in 0..shape.len {
                let offset = heap.array_elem_offset(r, i).map_err(|e| format!("{e:?}"))?;
                null(heap, offset, layout.elem_kind)?;
            }
        }
        Layout::Array(_) | Layout::HostBox => {}
    }
    Ok(())
}

/// What references in fields name: the instance's functions and tags (number, type), and the
/// made objects' raw references.
struct Refs<'a> {
    funcs: &'a [*const FuncEntity],
    tags: &'a [(u32, TypeId)],
    raws: &'a [u32],
}

impl Refs<'_> {
    /// A field's raw value once checked against its (canonical) storage type.
    fn value(&self, store: &StoreOpaque, storage: StorageType, code: u64) -> Result<u64, String> {
        match field_ref(storage) {
            Some(ty) if store.engine.inner.registry.is_gc_ref(ty) => {
                raw_of_code(store, code, ty, self.raws.len(), |n| u64::from(self.raws[n]))
            }
            Some(ty) => func_raw_of_code(store, self.funcs, code, ty),
            None => Ok(code),
        }
    }
}

/// Writes the fields of an image object (made as `r`) from its `values`: every field of a
/// struct or exception, and an array's elements when they are references (numbers were written
/// with the allocation). Each reference is checked against the field's type; an exception's tag
/// must be one of the instance's, of the exception's type.
fn fill(
    store: &mut StoreOpaque,
    refs: &Refs<'_>,
    r: u32,
    values: &[u64],
    shape: &Shape,
) -> Result<(), String> {
    let r = GcRef::from_raw(r);
    let write = |store: &mut StoreOpaque, offset: u32, kind, slots: &[u64]| {
        let heap = store.gc.heap_mut().map_err(|e| e.to_string())?;
        crate::runtime::gc::write_sized(heap, r, offset, silo_gc::FieldKind::size(kind), slots)
            .map_err(|e| format!("cannot write a field ({e:?})"))
    };
    let ty = &shape.ty;
    match &ty.layout {
        Layout::Struct(layout) => {
            let mut values = values.iter().copied();
            for (i, (field, at)) in ty.fields.iter().zip(layout.fields.iter()).enumerate() {
                let mut slots = [values.next().ok_or("too few values")?, 0];
                if ty.kind == Kind::Exception && i == 0 {
                    // The tag, by the module's index: one of the instance's, of this type.
                    let tag = usize::try_from(slots[0]).ok().and_then(|t| refs.tags.get(t));
                    match tag {
                        Some(&(number, sig)) if sig == shape.id => slots[0] = u64::from(number),
                        Some(_) => return Err(format!("tag {} carries another type", slots[0])),
                        None => return Err(format!("the module has no tag {}", slots[0])),
                    }
                } else if width(at.kind) == 2 {
                    slots[1] = values.next().ok_or("too few values")?;
                } else {
                    slots[0] = refs
                        .value(store, field.storage, slots[0])
                        .map_err(|e| format!("field {i}: {e}"))?;
                }
                write(store, at.offset, at.kind, &slots)?;
            }
        }
        Layout::Array(layout) => {
            let storage = ty.fields[0].storage;
            if field_ref(storage).is_none() {
                return Ok(());
            }
            for (i, &code) in values.iter().enumerate() {
                let raw =
                    refs.value(store, storage, code).map_err(|e| format!("element {i}: {e}"))?;
                let heap = store.gc.heap().ok_or("no heap")?;
                let offset = heap.array_elem_offset(r, i as u32).map_err(|e| format!("{e:?}"))?;
                write(store, offset, layout.elem_kind, &[raw, 0])?;
            }
        }
        Layout::HostBox => return Err("its type is a host value's".into()),
    }
    Ok(())
}
