//! Functions: WebAssembly functions of an instance and host functions, called dynamically with
//! `Val`s or through `TypedFunc`.

use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::AtomicPtr;

use silo_loader::FuncType;

use crate::error::Error;
use crate::instance::InstanceData;
use crate::registry::TypeId;
use crate::runtime::call::invoke;
use crate::store::{AsContext, AsContextMut, Caller, StoreId, StoreOpaque};
use crate::trap::Trap;
use crate::typed::{IntoFunc, TypedFunc, WasmParams, WasmResults};
use crate::val::Val;
use crate::vm::VMContext;
use crate::vm::slots::{call_slots, slot_offsets};

/// The raw calling convention of host functions: `slots` holds the parameters on entry and
/// receives the results, in the slot-array layout (`vm::slots`: a `v128` takes two), and is as long
/// as the longer of the two lists. The instance is the caller's.
///
/// Calling one is safe in type only (the closure turns the pointer into a `Caller<T>`): every
/// caller in this crate must pass the whole, live store the function entity was created in (a
/// `StoreInner<T>` for the `T` it was made for, with provenance over all of it), lent exclusively
/// for the call, and as the instance a live instance of that store, if any.
pub(crate) type HostCallFn = dyn Fn(*mut StoreOpaque, Option<NonNull<InstanceData>>, &mut [u64]) -> Result<(), Trap>
    + Send
    + Sync;

/// A host function: its signature and its code. Opaque outside this crate.
pub struct HostFunc {
    pub(crate) ty: FuncType,
    pub(crate) call: Box<HostCallFn>,
}

/// A function as the store holds it. Native code reads the first three fields (`vm::offsets`).
#[repr(C)]
pub(crate) struct FuncEntity {
    /// Canonical id of its signature.
    pub sig: TypeId,
    /// Its native code, once known here: null while it has none (always, for host functions),
    /// and until a call through the `CallEntity` builtin or instantiation learns it. Native
    /// callers read it; only the store's own thread writes it.
    pub code: AtomicPtr<u8>,
    /// The context of its instance; null for host functions.
    pub vmctx: *mut VMContext,
    pub kind: FuncKind,
}

pub(crate) enum FuncKind {
    /// A function defined by a module, in the instance that owns it.
    Wasm { instance: NonNull<InstanceData>, def_index: u32, func_index: u32 },
    /// A host function.
    Host(Arc<HostFunc>),
}

/// A function in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Func {
    pub(crate) store: StoreId,
    pub(crate) ptr: NonNull<FuncEntity>,
}

// SAFETY: a `Func` is an identifier: it is only dereferenced together with the store it belongs to
// (checked by id), under that store's borrow, so sending it to another thread gives that thread
// nothing it can reach without the store.
unsafe impl Send for Func {}
// SAFETY: a `&Func` only lets other threads copy the identifier; reaching the entity takes a
// borrow of its store, which is `Sync` itself (see `StoreOpaque`).
unsafe impl Sync for Func {}

impl Func {
    pub(crate) fn from_raw(store: StoreId, raw: *const FuncEntity) -> Option<Func> {
        NonNull::new(raw.cast_mut()).map(|ptr| Func { store, ptr })
    }

    pub(crate) fn entity<'a>(&self, store: &'a StoreOpaque) -> &'a FuncEntity {
        self.store.assert_same(store.id);
        // SAFETY: the entity belongs to `store` (checked above), which keeps it alive and in place
        // for as long as it is borrowed.
        unsafe { self.ptr.as_ref() }
    }

    /// Creates a host function with a dynamic signature.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Func {
        let host = host_func_from_vals(ty, func);
        Func::from_host(store.as_context_mut().opaque_mut(), Arc::new(host))
    }

    /// Creates a host function from a Rust closure whose parameters and result are WebAssembly
    /// types (`i32`, `i64`, `f32`, `f64`, `u128` for `v128`, `Option<Func>`, `Option<ExternRef>`,
    /// tuples of them), and
    /// which may take a `Caller` first.
    pub fn wrap<T: 'static, Params, Results>(
        mut store: impl AsContextMut<Data = T>,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Func {
        let host = func.into_host_func();
        Func::from_host(store.as_context_mut().opaque_mut(), Arc::new(host))
    }

    pub(crate) fn from_host(store: &mut StoreOpaque, host: Arc<HostFunc>) -> Func {
        let sig = store.engine.inner.registry.register_func(&host.ty);
        let ptr = store.host_funcs.alloc(FuncEntity {
            sig,
            code: AtomicPtr::new(std::ptr::null_mut()),
            vmctx: std::ptr::null_mut(),
            kind: FuncKind::Host(host),
        });
        Func { store: store.id, ptr }
    }

    /// The function's signature.
    pub fn ty(&self, store: impl AsContext) -> FuncType {
        let ctx = store.as_context();
        self.ty_in(ctx.opaque()).clone()
    }

    pub(crate) fn ty_in<'a>(&self, store: &'a StoreOpaque) -> &'a FuncType {
        match &self.entity(store).kind {
            FuncKind::Host(h) => &h.ty,
            FuncKind::Wasm { instance, func_index, .. } => {
                // SAFETY: the entity is `store`'s (checked by `entity`), and a WebAssembly
                // function's instance lives in the same store as long as its functions do; the
                // reference is bounded by the borrow of `store`.
                let instance = unsafe { instance.as_ref() };
                instance.module.info().func_sig(*func_index).expect("validated function type")
            }
        }
    }

    /// The canonical ids of the module types a Wasm function's signature can refer to.
    fn type_ids<'a>(&self, store: &'a StoreOpaque) -> &'a [TypeId] {
        match &self.entity(store).kind {
            FuncKind::Host(_) => &[],
            // SAFETY: the entity is `store`'s (checked by `entity`), and its instance lives in the
            // same store as long as its functions do; the reference is bounded by the borrow of
            // `store`.
            FuncKind::Wasm { instance, .. } => unsafe { &instance.as_ref().module.inner.type_ids },
        }
    }

    /// Calls the function with `params`, writing its results to `results`.
    pub fn call(
        &self,
        mut store: impl AsContextMut,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let ctx = store.as_context_mut();
        let opaque = ctx.opaque();
        let ty = self.ty_in(opaque).clone();
        let type_ids = self.type_ids(opaque);
        if params.len() != ty.params.len() {
            return Err(Error::Type(format!(
                "expected {} arguments, got {}",
                ty.params.len(),
                params.len()
            )));
        }
        if results.len() != ty.results.len() {
            return Err(Error::Type(format!(
                "expected room for {} results, got {}",
                ty.results.len(),
                results.len()
            )));
        }
        let mut slots = vec![0u64; call_slots(&ty)];
        let at = slot_offsets(&ty.params);
        for (i, ((param, &want), at)) in params.iter().zip(ty.params.iter()).zip(at).enumerate() {
            if !param.matches(opaque, want, type_ids) {
                return Err(Error::Type(format!(
                    "argument {i} has the wrong type: expected {want}, got {param:?}"
                )));
            }
            param.write_slots(opaque, &mut slots[at..]);
        }
        let raw = ctx.0.opaque_ptr();
        // SAFETY: `raw` is the whole store, borrowed mutably for this call; `self` belongs to it
        // (checked by `ty_in`), and `slots` fits the signature.
        unsafe { invoke(raw, None, self.ptr.as_ptr(), &mut slots)? };
        let opaque = ctx.opaque();
        for ((result, &ty), at) in
            results.iter_mut().zip(ty.results.iter()).zip(slot_offsets(&ty.results))
        {
            let ty = crate::registry::canonical_val(ty, self.type_ids(opaque));
            *result = Val::read_slots(&slots[at..], ty, opaque);
        }
        Ok(())
    }

    /// A statically typed view of the function, checked against its signature.
    pub fn typed<Params: WasmParams, Results: WasmResults>(
        &self,
        store: impl AsContext,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        let ctx = store.as_context();
        let ty = self.ty_in(ctx.opaque());
        if !Params::matches(&ty.params) || !Results::matches(&ty.results) {
            return Err(Error::Type(format!(
                "type mismatch: the function has type {ty}, not the one asked for"
            )));
        }
        Ok(TypedFunc::new(*self))
    }
}

/// Builds a host function from a closure over `Val`s, checking the results it produces.
pub(crate) fn host_func_from_vals<T: 'static>(
    ty: FuncType,
    func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
) -> HostFunc {
    let sig = ty.clone();
    let call = move |store: *mut StoreOpaque,
                     instance: Option<NonNull<InstanceData>>,
                     slots: &mut [u64]|
          -> Result<(), Trap> {
        // SAFETY: callers pass the whole live store this function was created in, lent
        // exclusively for the call, and a live instance of it if any (`HostCallFn`'s calling
        // contract); that store is a `StoreInner<T>` for this very `T`, because `Func::new` and
        // the `Linker<T>` that calls this builder create the function only in stores whose data is
        // `T` (`AsContextMut<Data = T>`).
        let mut caller: Caller<'_, T> = unsafe { Caller::from_raw(store, instance) };
        let opaque = &caller.store.opaque;
        let params: Vec<Val> = sig
            .params
            .iter()
            .zip(slot_offsets(&sig.params))
            .map(|(&t, at)| Val::read_slots(&slots[at..], t, opaque))
            .collect();
        let mut results: Vec<Val> = sig.results.iter().map(|&t| Val::default_for(t)).collect();
        func(caller.reborrow(), &params, &mut results)?;
        let opaque = &caller.store.opaque;
        for ((r, &t), at) in results.iter().zip(sig.results.iter()).zip(slot_offsets(&sig.results))
        {
            if !r.matches_canonical(opaque, t) {
                return Err(Trap::host(format!(
                    "host function returned a value of the wrong type: expected {t}, got {r:?}"
                )));
            }
            r.write_slots(opaque, &mut slots[at..]);
        }
        Ok(())
    };
    HostFunc { ty, call: Box::new(call) }
}

impl<T> Caller<'_, T> {
    /// A shorter borrow of the same caller.
    pub(crate) fn reborrow(&mut self) -> Caller<'_, T> {
        Caller { store: self.store, instance: self.instance }
    }
}
