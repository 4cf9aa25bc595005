//! Scopes for the host's reference handles.
//!
//! Every handle to a heap object (`AnyRef`, `ExternRef`, `StructRef`, `ArrayRef`, `ExnRef`) keeps
//! its object alive. Inside a host function, handles end with the call. Outside one, the host
//! bounds their lives with a [`RootScope`], as in wasmtime: the handles made through the scope
//! (or while it lives) end when it is dropped, and read as null afterwards (their objects may
//! then be collected). Without a scope they last as long as the store.

use crate::store::{AsContext, AsContextMut, StoreContext, StoreContextMut};

/// A scope of reference handles over a store: see the module documentation.
pub struct RootScope<C: AsContextMut> {
    store: C,
    /// How many roots there were when the scope began.
    base: usize,
}

impl<C: AsContextMut> RootScope<C> {
    /// A scope over `store` (a `&mut Store<T>`, a `Caller`, or another scope).
    pub fn new(mut store: C) -> RootScope<C> {
        let base = store.as_context_mut().opaque_mut().gc.host_roots.len();
        RootScope { store, base }
    }
}

impl<C: AsContextMut> AsContext for RootScope<C> {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        self.store.as_context()
    }
}

impl<C: AsContextMut> AsContextMut for RootScope<C> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        self.store.as_context_mut()
    }
}

impl<C: AsContextMut> Drop for RootScope<C> {
    fn drop(&mut self) {
        self.store.as_context_mut().opaque_mut().gc.host_roots.truncate(self.base);
    }
}
