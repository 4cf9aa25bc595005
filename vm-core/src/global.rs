//! Global variables.

use std::ptr::NonNull;

use silo_loader::GlobalType;

use crate::error::Error;
use crate::store::{AsContext, AsContextMut, StoreId};
use crate::val::Val;

/// A global as the store holds it: the raw value first (compiled code reads it at offset 0), with
/// room for a 128-bit vector.
#[repr(C, align(16))]
pub(crate) struct GlobalEntity {
    pub value: u64,
    pub high: u64,
    pub ty: GlobalType,
}

/// A global in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: StoreId,
    pub(crate) ptr: NonNull<GlobalEntity>,
}

// SAFETY: a handle: its pointer is only dereferenced together with the store it belongs to (checked
// by id), under that store's borrow, so sending it to another thread gives that thread nothing it
// can reach without the store.
unsafe impl Send for Global {}
// SAFETY: a `&Global` only lets other threads copy the handle; reaching the global takes a borrow
// of its store, as for `Send`.
unsafe impl Sync for Global {}

impl Global {
    /// Creates a global holding `value`.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, value: Val) -> Result<Global, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        if !value.matches_canonical(opaque, ty.content) {
            return Err(Error::Type(format!("value {value:?} is not a {}", ty.content)));
        }
        let raw = value.to_raw(opaque);
        let high = match value {
            Val::V128(v) => (v >> 64) as u64,
            _ => 0,
        };
        let ptr = opaque.globals.alloc(GlobalEntity { value: raw, high, ty });
        Ok(Global { store: opaque.id, ptr })
    }

    fn entity<'a>(&self, store: &'a impl AsContext) -> &'a GlobalEntity {
        self.store.assert_same(store.as_context().opaque().id);
        // SAFETY: the global belongs to this store (checked), which keeps it alive and in place in
        // its arena; the shared borrow of the store for `'a` keeps anything from writing it
        // meanwhile.
        unsafe { self.ptr.as_ref() }
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        self.entity(&store).ty
    }

    /// The current value.
    pub fn get(&self, store: impl AsContext) -> Val {
        let entity = self.entity(&store);
        let ctx = store.as_context();
        match entity.ty.content {
            silo_loader::ValType::V128 => {
                Val::V128(entity.value as u128 | (entity.high as u128) << 64)
            }
            ty => Val::from_raw(entity.value, ty, ctx.opaque()),
        }
    }

    /// Sets the value of a mutable global.
    pub fn set(&self, mut store: impl AsContextMut, value: Val) -> Result<(), Error> {
        let mut ctx = store.as_context_mut();
        self.store.assert_same(ctx.opaque().id);
        let opaque = ctx.opaque_mut();
        let mut ptr = self.ptr;
        // SAFETY: the global is this store's (checked above), kept alive and in place in its
        // arena, and the store is borrowed mutably, so nothing else reaches the global; the
        // entity is in its own arena cell, apart from the `StoreOpaque` fields `opaque` reaches.
        let entity = unsafe { ptr.as_mut() };
        if !entity.ty.mutable {
            return Err(Error::Type("cannot set an immutable global".into()));
        }
        if !value.matches_canonical(opaque, entity.ty.content) {
            return Err(Error::Type(format!("value {value:?} is not a {}", entity.ty.content)));
        }
        entity.value = value.to_raw(opaque);
        if let Val::V128(v) = value {
            entity.high = (v >> 64) as u64;
        }
        Ok(())
    }
}
