//! Tables of references.

use std::ptr::NonNull;

use silo_loader::TableType;

use crate::error::Error;
use crate::store::{AsContext, AsContextMut, StoreId};
use crate::val::Val;

/// A table as the store holds it: raw references (0 is null). `base` and `len` come first and
/// mirror the element storage: native code reads them at fixed offsets (`vm::offsets`).
#[repr(C)]
pub(crate) struct TableEntity {
    /// First element.
    pub base: *mut u64,
    /// Number of elements.
    pub len: usize,
    storage: Vec<u64>,
    pub ty: TableType,
}

impl TableEntity {
    pub fn new(ty: TableType, init: u64) -> Result<TableEntity, Error> {
        let mut storage = Vec::new();
        let initial = usize::try_from(ty.initial).ok();
        initial.and_then(|n| storage.try_reserve_exact(n).ok()).ok_or_else(|| {
            Error::Limit(format!("table of {} elements is too large", ty.initial))
        })?;
        storage.resize(ty.initial as usize, init);
        let mut table = TableEntity { base: std::ptr::null_mut(), len: 0, storage, ty };
        table.mirror();
        Ok(table)
    }

    /// Refreshes `base` and `len` after the storage changed size.
    fn mirror(&mut self) {
        self.base = self.storage.as_mut_ptr();
        self.len = self.storage.len();
    }

    /// The elements.
    pub fn elements(&self) -> &[u64] {
        &self.storage
    }

    /// The elements, to change (but not resize).
    pub fn elements_mut(&mut self) -> &mut [u64] {
        &mut self.storage
    }

    pub fn max(&self) -> u64 {
        let addressable = if self.ty.index64 { u64::MAX } else { u32::MAX as u64 };
        self.ty.maximum.unwrap_or(addressable).min(addressable)
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None` when the maximum
    /// would be exceeded or the allocation fails.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.storage.len() as u64;
        let new = old.checked_add(delta).filter(|&n| n <= self.max())?;
        let delta = usize::try_from(delta).ok()?;
        self.storage.try_reserve(delta).ok()?;
        self.storage.resize(new as usize, init);
        self.mirror();
        Some(old)
    }
}

/// A table in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: StoreId,
    pub(crate) ptr: NonNull<TableEntity>,
}

// SAFETY: a handle: its pointer is only dereferenced together with the store it belongs to (checked
// by id), under that store's borrow, so sending it to another thread gives that thread nothing it
// can reach without the store.
unsafe impl Send for Table {}
// SAFETY: a `&Table` only lets other threads copy the handle; reaching the table takes a borrow
// of its store, as for `Send`.
unsafe impl Sync for Table {}

impl Table {
    /// Creates a table whose elements start as `init`.
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        if !init.matches_canonical(opaque, silo_loader::ValType::Ref(ty.element)) {
            return Err(Error::Type(format!("initial value {init:?} is not a {}", ty.element)));
        }
        let raw = init.to_raw(opaque);
        opaque.usage.table_created(ty.initial)?;
        let ptr = opaque.tables.alloc(TableEntity::new(ty, raw)?);
        Ok(Table { store: opaque.id, ptr })
    }

    fn entity<'a>(&self, store: &'a impl AsContext) -> &'a TableEntity {
        self.store.assert_same(store.as_context().opaque().id);
        // SAFETY: the table belongs to this store (checked), which keeps it alive and in place in
        // its arena; the shared borrow of the store for `'a` keeps anything from writing it
        // meanwhile.
        unsafe { self.ptr.as_ref() }
    }

    /// The table's type.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        self.entity(&store).ty
    }

    /// Current number of elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.entity(&store).elements().len() as u64
    }

    /// The element at `index`, if in bounds.
    pub fn get(&self, store: impl AsContext, index: u64) -> Option<Val> {
        let entity = self.entity(&store);
        let raw = *entity.elements().get(usize::try_from(index).ok()?)?;
        let ctx = store.as_context();
        Some(Val::from_raw(raw, silo_loader::ValType::Ref(entity.ty.element), ctx.opaque()))
    }

    /// Sets the element at `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, value: Val) -> Result<(), Error> {
        let mut ctx = store.as_context_mut();
        self.store.assert_same(ctx.opaque().id);
        let opaque = ctx.opaque_mut();
        let mut ptr = self.ptr;
        // SAFETY: the table is this store's (checked above), kept alive and in place in its
        // arena, and the store is borrowed mutably, so nothing else reaches the table; the entity
        // is in its own arena cell, apart from the `StoreOpaque` fields `opaque` reaches.
        let entity = unsafe { ptr.as_mut() };
        if !value.matches_canonical(opaque, silo_loader::ValType::Ref(entity.ty.element)) {
            return Err(Error::Type(format!("value {value:?} is not a {}", entity.ty.element)));
        }
        let raw = value.to_raw(opaque);
        let slot = usize::try_from(index)
            .ok()
            .and_then(|i| entity.elements_mut().get_mut(i))
            .ok_or_else(|| Error::Limit("out of bounds table access".into()))?;
        *slot = raw;
        Ok(())
    }

    /// Grows the table by `delta` elements set to `init`; returns the previous size. The store's
    /// quotas apply (`Store::set_limits`).
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64, Error> {
        let mut ctx = store.as_context_mut();
        self.store.assert_same(ctx.opaque().id);
        let opaque = ctx.opaque_mut();
        let raw = init.to_raw(opaque);
        let mut ptr = self.ptr;
        // SAFETY: the table is this store's (checked above), kept alive and in place in its
        // arena, and the store is borrowed mutably, so nothing else reaches the table; the entity
        // is in its own arena cell, apart from the usage record `opaque` lends next.
        let entity = unsafe { ptr.as_mut() };
        let refused = || Error::Limit(format!("failed to grow table by {delta}"));
        opaque.usage.grow_table(entity, delta, raw)?.ok_or_else(refused)
    }
}
