//! Taking a heap image out of a store: objects numbered as they are named, then their fields
//! followed (see the module documentation).

use rustc_hash::FxHashMap as HashMap;

use silo_gc::{FieldKind, GcRef, HOST_BOX_TYPE, Layout};

use super::{HeapImage, HeapObject, HeapRef, Kind, Types, field_ref, func_code};
use crate::error::Error;
use crate::instance::{Instance, InstanceData};
use crate::registry::{TypeId, TypeKind};
use crate::store::{AsContext, StoreOpaque};
use crate::val::AnyRef;

/// Takes a heap image out of a store: names objects (each gets its number the first time) and,
/// at [`finish`](Self::finish), follows their fields to the objects they reach. Nothing may
/// allocate in the store between the first name and `finish`: a collection would move the
/// objects it has named (checked: `finish` refuses then). Objects are found by their offsets in a
/// hash map (FxHash: an image of millions of objects hashes each offset several times).
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

    /// As [`any_ref`](Self::any_ref), for an exception (`exnref`).
    pub fn exn_ref(
        &mut self,
        store: impl AsContext,
        value: Option<&crate::ExnRef>,
    ) -> Result<HeapRef, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let raw = value.map_or(0, |v| v.raw(opaque));
        self.name(opaque, raw).map_err(Error::Unsupported)
    }

    /// The code of the raw reference `raw` (the slot form) of the `any`, `extern` or `exn`
    /// hierarchy.
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
        if self.collections.is_none() {
            self.collections = Some(heap.stats().collections);
        }
        if let Some(&n) = self.numbers.get(&r.raw()) {
            return Ok(HeapRef::Object(n));
        }
        match heap.type_id(r) {
            Some(HOST_BOX_TYPE) => return Err("a host value (`externref`)".into()),
            // Structs, arrays, and exceptions (objects of their tag's function type).
            Some(id) => match store.engine.inner.registry.kind(TypeId(id)) {
                Some(TypeKind::Struct | TypeKind::Array | TypeKind::Func) => {}
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
        // The objects named are where they were only if the heap was not collected since.
        let collections = opaque.gc.heap().map(|h| h.stats().collections);
        if self.collections.is_some() && self.collections != collections {
            return Err(Error::Unsupported(
                "the heap was collected while its image was being taken".into(),
            ));
        }
        let inst = instance.data_of(opaque);
        let mut type_index: HashMap<TypeId, u32> = HashMap::default();
        for (i, &id) in inst.module.inner.type_ids.iter().enumerate().rev() {
            type_index.insert(id, i as u32);
        }
        let mut types = Types::new(&opaque.engine.inner.registry);
        let mut objects = Vec::with_capacity(self.found.len());
        let mut next = 0;
        while next < self.found.len() {
            let r = self.found[next];
            let object = self
                .object(opaque, inst, (&type_index, &mut types), r)
                .map_err(|why| Error::Unsupported(format!("object {next} holds {why}")))?;
            objects.push(object);
            next += 1;
        }
        Ok(HeapImage { objects })
    }

    /// Object `r` as the image holds it; names the objects its fields refer to.
    fn object(
        &mut self,
        store: &StoreOpaque,
        inst: &InstanceData,
        (type_index, types): (&HashMap<TypeId, u32>, &mut Types<'_>),
        r: GcRef,
    ) -> Result<HeapObject, String> {
        let heap = store.gc.heap().ok_or("no heap")?;
        let id = TypeId(heap.type_id(r).ok_or("a reference to no object")?);
        let index = *type_index
            .get(&id)
            .ok_or("an object whose type is not one of the module's (a type the host defined)")?;
        let ty = types.get(id).ok_or("an object with a custom descriptor")?;
        let mut object = HeapObject { type_index: index, ..HeapObject::default() };
        match (&ty.layout, ty.kind) {
            (Layout::Struct(layout), Kind::Struct | Kind::Exception) => {
                for (i, (field, at)) in ty.fields.iter().zip(layout.fields.iter()).enumerate() {
                    let slots = read_field(store, r, at.offset, at.kind)?;
                    if i == 0 && ty.kind == Kind::Exception {
                        object.values.push(u64::from(tag_index(inst, slots[0] as u32)?));
                    } else if field_ref(field.storage).is_some() {
                        object.values.push(self.field_code(store, inst, at.kind, slots[0])?);
                    } else {
                        object.values.extend_from_slice(&slots[..super::width(at.kind)]);
                    }
                }
            }
            (Layout::Array(layout), Kind::Array) => {
                let len = heap.array_len(r).ok_or("an array that is not one")?;
                if field_ref(ty.fields[0].storage).is_some() {
                    object.values.reserve(len as usize);
                    for i in 0..len {
                        let at = heap.array_elem_offset(r, i).map_err(|e| format!("{e:?}"))?;
                        let slots = read_field(store, r, at, layout.elem_kind)?;
                        let code = self.field_code(store, inst, layout.elem_kind, slots[0])?;
                        object.values.push(code);
                    }
                } else {
                    let mut bytes = vec![0u8; len as usize * layout.elem_size as usize];
                    heap.array_read_bytes(r, 0, &mut bytes).map_err(|e| format!("{e:?}"))?;
                    object.bytes = bytes;
                }
            }
            _ => return Err("an object unlike its type".into()),
        }
        Ok(object)
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

/// The module's index of the tag whose number in the store is `id`.
fn tag_index(inst: &InstanceData, id: u32) -> Result<u32, String> {
    // SAFETY: the instance's tags are entities of its store, alive as long as it is.
    let found = inst.tags.iter().position(|&t| unsafe { (*t).id } == id);
    found.map(|i| i as u32).ok_or_else(|| "an exception of a tag from outside the module".into())
}

/// Reads the field of `kind` at `offset` of `r` as raw slots.
fn read_field(
    store: &StoreOpaque,
    r: GcRef,
    offset: u32,
    kind: FieldKind,
) -> Result<[u64; 2], String> {
    crate::gc_objects::read_raw(store, r, offset, kind)
        .map_err(|e| format!("an unreadable field ({e})"))
}
