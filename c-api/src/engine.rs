//! Configurations, engines and stores. A `wasm_store_t` owns a `silo::Store` whose host data
//! ([`StoreData`]) holds what the store's host functions need (WASI's context), plus the stack of
//! host calls running in it: while a C callback runs, the store is lent to that call, and every
//! API call the callback makes on the store goes through the lent context ([`wasm_store_t::with`]).

use std::cell::{RefCell, UnsafeCell};
use std::ffi::c_void;

use silo::{AsContextMut, Caller, Store, StoreContextMut};

/// Engine settings (`silo::Config`), consumed by `wasm_engine_new_with_config`.
pub struct wasm_config_t {
    pub(crate) config: silo::Config,
}

/// An engine (`silo::Engine`, with Silo's native compiler).
pub struct wasm_engine_t {
    pub(crate) engine: silo::Engine,
}

/// The host data of every store the C API makes.
#[derive(Default)]
pub(crate) struct StoreData {
    /// The store's WASI context, once a linker defined WASI in it.
    pub wasi: Option<silo::wasi::WasiCtx>,
}

/// The context functions run with.
pub(crate) type Ctx<'a> = StoreContextMut<'a, StoreData>;

/// A store: a `silo::Store` and the host calls running in it.
pub struct wasm_store_t {
    store: UnsafeCell<Store<StoreData>>,
    /// The store's engine, to compile modules with.
    pub(crate) engine: silo::Engine,
    /// The `Caller` of each C callback running in this store, innermost last (as `*mut
    /// Caller<'_, StoreData>`, pushed by the callback's trampoline for the time of the call).
    callers: RefCell<Vec<*mut c_void>>,
}

impl wasm_store_t {
    /// Runs `f` with the store: through the innermost running callback's `Caller` if a callback
    /// is running (the store is lent to it), otherwise directly.
    ///
    /// # Safety
    /// `this` is a live store, used by one thread at a time (wasm.h), and `f` does not keep the
    /// context beyond its return.
    pub(crate) unsafe fn with<R>(this: *mut wasm_store_t, f: impl FnOnce(Ctx<'_>) -> R) -> R {
        // SAFETY: `this` is live (this fn's contract); `callers` is only borrowed for the copy.
        let top = unsafe { (*this).callers.borrow().last().copied() };
        match top {
            Some(caller) => {
                // SAFETY: a pointer on the stack is the `Caller` of a callback still running on
                // this thread (its trampoline pops it before returning), lent the store; nothing
                // else uses that caller while the callback's own code calls us.
                let caller = unsafe { &mut *caller.cast::<Caller<'_, StoreData>>() };
                f(caller.as_context_mut())
            }
            None => {
                // SAFETY: no callback is running, so nothing else borrows the store: this thread
                // is the only one using it (this fn's contract) and the borrow ends with `f`.
                let store = unsafe { &mut *(*this).store.get() };
                f(store.as_context_mut())
            }
        }
    }

    /// Runs `f` with the `Store` itself, for the settings only a `Store` has (fuel, deadline);
    /// `None` while a host callback runs (the store is lent to the call then).
    ///
    /// # Safety
    /// As for [`wasm_store_t::with`].
    pub(crate) unsafe fn with_store<R>(
        this: *mut wasm_store_t,
        f: impl FnOnce(&mut Store<StoreData>) -> R,
    ) -> Option<R> {
        // SAFETY: `this` is live (this fn's contract); `callers` is only borrowed for the test.
        if !unsafe { (*this).callers.borrow().is_empty() } {
            return None;
        }
        // SAFETY: no callback is running, so nothing else borrows the store: this thread is the
        // only one using it (this fn's contract) and the borrow ends with `f`.
        Some(f(unsafe { &mut *(*this).store.get() }))
    }

    /// Marks `caller` as the store's innermost running host call until the guard drops.
    ///
    /// # Safety
    /// `this` is a live store and `caller` outlives the guard.
    pub(crate) unsafe fn enter<'a>(
        this: *mut wasm_store_t,
        caller: &'a mut Caller<'_, StoreData>,
    ) -> CallerGuard<'a> {
        let ptr = (caller as *mut Caller<'_, StoreData>).cast::<c_void>();
        // SAFETY: `this` is live (this fn's contract).
        let store = unsafe { &*this };
        store.callers.borrow_mut().push(ptr);
        CallerGuard { store, _caller: std::marker::PhantomData }
    }
}

/// Pops the innermost host call when dropped (also when unwinding).
pub(crate) struct CallerGuard<'a> {
    store: &'a wasm_store_t,
    _caller: std::marker::PhantomData<&'a mut ()>,
}

impl Drop for CallerGuard<'_> {
    fn drop(&mut self) {
        self.store.callers.borrow_mut().pop();
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    crate::into_raw(wasm_config_t { config: silo::Config::new() })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_config_delete(config: *mut wasm_config_t) {
    // SAFETY: `config` is NULL or a configuration given back to us (wasm.h).
    unsafe { crate::types::delete_boxed(config) }
}

/// An engine with the default settings (tiered: interpreter first, hot code compiled natively).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    crate::guard(
        |_| std::ptr::null_mut(),
        || crate::into_raw(wasm_engine_t { engine: silo::Engine::default() }),
    )
}

/// An engine with `config`'s settings, consuming `config`. NULL if `config` is NULL or asks for
/// native code this machine cannot run.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_engine_new_with_config(
    config: *mut wasm_config_t,
) -> *mut wasm_engine_t {
    if config.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `config` is a configuration this library made, now given to us (wasm.h).
    let config = unsafe { Box::from_raw(config) };
    crate::guard(
        |_| std::ptr::null_mut(),
        || match silo::Engine::try_new(&config.config) {
            Ok(engine) => crate::into_raw(wasm_engine_t { engine }),
            Err(_) => std::ptr::null_mut(),
        },
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_engine_delete(engine: *mut wasm_engine_t) {
    // SAFETY: `engine` is NULL or an engine given back to us (wasm.h); modules and stores hold
    // their own reference to it.
    unsafe { crate::types::delete_boxed(engine) }
}

/// A new store of `engine`. NULL if `engine` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    // SAFETY: `engine` is NULL or a live engine (wasm.h).
    let Some(engine) = (unsafe { engine.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            crate::into_raw(wasm_store_t {
                store: UnsafeCell::new(Store::new(&engine.engine, StoreData::default())),
                engine: engine.engine.clone(),
                callers: RefCell::new(Vec::new()),
            })
        },
    )
}

/// Deletes the store and everything in it; the environments of its host functions are
/// finalized now. Objects of the store must not be used afterwards (only deleted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    if store.is_null() {
        return;
    }
    // SAFETY: `store` is a store given back to us (wasm.h), not in use by a running call.
    let store = unsafe { Box::from_raw(store) };
    crate::guard(|_| (), move || drop(store));
}
