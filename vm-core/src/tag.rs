//! Exception tags: what a `throw` names and a `catch` matches.
//!
//! A tag is an entity of its store, like a global: a module defines tags, imports and exports
//! them, and the host makes its own (`Tag::new`). Two tags are the same tag only when they are
//! the same entity — a module instantiated twice defines two different tags of the same type —
//! so an exception object records its tag's store-wide number (`TagEntity::id`), and a handler
//! compares that number with the numbers of the tags it catches.

use std::ptr::NonNull;

use silo_loader::FuncType;

use crate::registry::TypeId;
use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};

/// A tag as the store holds it. Native code reads `id` at offset 0 (`vm::offsets::TAG_ID`).
#[repr(C)]
pub(crate) struct TagEntity {
    /// The tag's number in its store, what an exception object records.
    pub id: u32,
    /// The canonical id of the tag's function type (its parameters are the payload; it has no
    /// results). Exception objects of this tag have this type id in their header.
    pub sig: TypeId,
    /// The function type as declared.
    pub ty: FuncType,
}

/// The type of a tag: the types of the values an exception of it carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    ty: FuncType,
}

impl TagType {
    /// The tag type whose exceptions carry values of types `params`.
    pub fn new(params: impl IntoIterator<Item = silo_loader::ValType>) -> TagType {
        TagType { ty: FuncType::new(params, []) }
    }

    /// The payload's types.
    pub fn params(&self) -> &[silo_loader::ValType] {
        &self.ty.params
    }

    /// The tag's function type (no results).
    pub fn func_type(&self) -> &FuncType {
        &self.ty
    }
}

/// A tag in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tag {
    pub(crate) store: StoreId,
    pub(crate) ptr: NonNull<TagEntity>,
}

// SAFETY: a handle: its pointer is only dereferenced together with the store it belongs to
// (checked by id), under that store's borrow.
unsafe impl Send for Tag {}
// SAFETY: a `&Tag` only lets other threads copy the handle, as for `Send`.
unsafe impl Sync for Tag {}

impl Tag {
    /// A new tag of type `ty`, distinct from every other tag.
    pub fn new(mut store: impl AsContextMut, ty: &TagType) -> Tag {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let sig = opaque.engine.inner.registry.register_func(&ty.ty);
        new_entity(opaque, sig, ty.ty.clone())
    }

    pub(crate) fn entity<'a>(&self, store: &'a StoreOpaque) -> &'a TagEntity {
        self.store.assert_same(store.id);
        // SAFETY: the tag belongs to this store (checked), which keeps it alive and in place in
        // its arena; tags are never written after they are made.
        unsafe { self.ptr.as_ref() }
    }

    /// The tag's type.
    pub fn ty(&self, store: impl AsContext) -> TagType {
        TagType { ty: self.entity(store.as_context().opaque()).ty.clone() }
    }

    /// Whether two handles name the same tag.
    pub fn same(&self, other: &Tag) -> bool {
        self.store == other.store && self.ptr == other.ptr
    }
}

/// A new tag entity of canonical function type `sig` in `store`.
pub(crate) fn new_entity(store: &mut StoreOpaque, sig: TypeId, ty: FuncType) -> Tag {
    // Each entity takes far more than four bytes of the store's memory, so the numbers cannot
    // come round before memory runs out.
    let id = store.next_tag_id;
    store.next_tag_id = store.next_tag_id.wrapping_add(1);
    // The heap must know the exception layout before native code can allocate one inline.
    store.gc.define_types(&store.engine.inner.registry, &[sig]);
    let ptr = store.tags.alloc(TagEntity { id, sig, ty });
    Tag { store: store.id, ptr }
}
