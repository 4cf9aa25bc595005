//! Functions: host functions made from C callbacks (with or without an environment), their
//! types and arities, and calls. A callback runs with its store lent to it: anything it does
//! with the store's objects goes through the running call's `Caller` (see engine.rs). A trap a
//! callback returns becomes a host trap carrying its message; a panic in this library's side of
//! the call becomes a trap too.

use std::ffi::c_void;

use silo::{Caller, Extern, Func, Trap, Val, ValType};

use crate::engine::{StoreData, wasm_store_t};
use crate::extern_::wasm_extern_t;
use crate::host_info::Finalizer;
use crate::trap::wasm_trap_t;
use crate::types::wasm_functype_t;
use crate::val::{wasm_val_t, zero_of};
use crate::vec::{OwnedVec, WasmVec, wasm_val_vec_t};

/// A function of a store.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_func_t {
    pub(crate) e: wasm_extern_t,
}

/// A host function's code.
pub type wasm_func_callback_t = unsafe extern "C" fn(
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// A host function's code, given its environment first.
pub type wasm_func_callback_with_env_t = unsafe extern "C" fn(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t;

/// A function's environment: finalized once, when the function (so its store) goes away.
struct Env {
    env: *mut c_void,
    finalizer: Finalizer,
}

impl Drop for Env {
    fn drop(&mut self) {
        if let Some(finalizer) = self.finalizer.take() {
            // SAFETY: the C program gave this finalizer for this environment (wasm.h), and it
            // runs once: `take` leaves none behind.
            unsafe { finalizer(self.env) }
        }
    }
}

enum Callback {
    Plain(wasm_func_callback_t),
    WithEnv(wasm_func_callback_with_env_t, Env),
}

/// What a host function made from C holds.
struct HostCallback {
    store: *mut wasm_store_t,
    results: Box<[ValType]>,
    callback: Callback,
}

// SAFETY: the store pointer and the environment are only used by calls of the function, which
// run on the thread using the store (the standard: a store and its objects are used by one thread
// at a time), and the environment's finalizer runs when the store is deleted, on the deleting
// thread; Silo asks host functions to be `Send + Sync` because a store may move between threads,
// which the C program is allowed to do with its store as well.
unsafe impl Send for HostCallback {}
// SAFETY: as for `Send`: no two threads use the function at the same time.
unsafe impl Sync for HostCallback {}

impl HostCallback {
    fn call(
        &self,
        caller: &mut Caller<'_, StoreData>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Trap> {
        crate::guard(
            |message| Err(Trap::host(message)),
            || {
                let args = params
                    .iter()
                    .map(|v| wasm_val_t::from_silo(v, self.store))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Trap::host)?;
                let args = OwnedVec(WasmVec::from_vec(args));
                let mut out =
                    OwnedVec(WasmVec::from_vec(self.results.iter().map(|&t| zero_of(t)).collect()));
                let trap = {
                    // SAFETY: the store is live (it runs this call) and `caller` outlives the guard.
                    let _lent = unsafe { wasm_store_t::enter(self.store, caller) };
                    match &self.callback {
                        // SAFETY: the C program gave this callback for this signature; `args` holds
                        // the parameters and `out` room for the results, as wasm.h promises it.
                        Callback::Plain(cb) => unsafe { cb(&args.0, &mut out.0) },
                        // SAFETY: as above, with the environment the program gave with it.
                        Callback::WithEnv(cb, env) => unsafe { cb(env.env, &args.0, &mut out.0) },
                    }
                };
                if !trap.is_null() {
                    // SAFETY: the callback returns a trap it owns, handing it to us (wasm.h).
                    let trap = unsafe { Box::from_raw(trap) };
                    return Err(trap.silo_trap());
                }
                // SAFETY: `out` is the vector we made, which the callback filled in place.
                let values = unsafe { out.0.as_slice() };
                if values.len() != results.len() {
                    return Err(Trap::host("host callback returned the wrong number of results"));
                }
                for (slot, v) in results.iter_mut().zip(values) {
                    // SAFETY: the callback's results hold NULL or live references (wasm.h).
                    *slot = unsafe { v.silo_val() }.map_err(Trap::host)?;
                }
                Ok(())
            },
        )
    }
}

/// Makes a host function in `store`.
///
/// # Safety
/// `store` is NULL or live, `ty` NULL or a live function type.
unsafe fn new_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Callback,
) -> *mut wasm_func_t {
    // SAFETY: `ty` is NULL or live (this fn's contract).
    let Some(ty) = (unsafe { ty.as_ref() }) else { return std::ptr::null_mut() };
    if store.is_null() {
        return std::ptr::null_mut();
    }
    let ty = ty.silo().clone();
    let host = HostCallback { store, results: ty.results.clone(), callback };
    crate::guard(
        |_| std::ptr::null_mut(),
        move || {
            // SAFETY: `store` is live and this thread's (this fn's contract).
            let f = unsafe {
                wasm_store_t::with(store, |ctx| {
                    Func::new(ctx, ty, move |mut caller, params, results| {
                        host.call(&mut caller, params, results)
                    })
                })
            };
            crate::into_raw(wasm_func_t { e: wasm_extern_t::new(store, Extern::Func(f), None) })
        },
    )
}

/// A host function of type `ty` running `callback`. NULL on NULL arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Option<wasm_func_callback_t>,
) -> *mut wasm_func_t {
    let Some(callback) = callback else { return std::ptr::null_mut() };
    // SAFETY: the arguments are NULL or live (wasm.h).
    unsafe { new_func(store, ty, Callback::Plain(callback)) }
}

/// A host function of type `ty` running `callback` with `env`; `finalizer(env)` runs once, when
/// the store is deleted (or at once if the function cannot be made).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: Option<wasm_func_callback_with_env_t>,
    env: *mut c_void,
    finalizer: Finalizer,
) -> *mut wasm_func_t {
    let env = Env { env, finalizer };
    let Some(callback) = callback else { return std::ptr::null_mut() };
    // SAFETY: the arguments are NULL or live (wasm.h).
    unsafe { new_func(store, ty, Callback::WithEnv(callback, env)) }
}

/// Runs `f` with a live function's type.
///
/// # Safety
/// `f` is NULL or a live function whose store is live and this thread's.
unsafe fn with_type<R>(
    f: *const wasm_func_t,
    fallback: R,
    then: impl FnOnce(silo::FuncType) -> R,
) -> R {
    // SAFETY: this fn's contract.
    let Some(f) = (unsafe { f.as_ref() }) else { return fallback };
    // SAFETY: this fn's contract.
    match crate::guard(|_| None, || Some(unsafe { f.e.with(|ctx| f.silo().ty(&ctx)) })) {
        Some(ty) => then(ty),
        None => fallback,
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    // SAFETY: `f` is NULL or live, its store live and this thread's (wasm.h).
    unsafe {
        with_type(f, std::ptr::null_mut(), |ty| crate::into_raw(wasm_functype_t::from_silo(ty)))
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: as for `wasm_func_type`.
    unsafe { with_type(f, 0, |ty| ty.params.len()) }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: as for `wasm_func_type`.
    unsafe { with_type(f, 0, |ty| ty.results.len()) }
}

/// Calls `f` with `args`, writing its results to `results` (which must have room for exactly
/// the function's results; reference results are new objects the caller owns). Returns NULL on
/// success, or the trap (owned by the caller).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_func_call(
    f: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: `f` is NULL or a live function (wasm.h).
    let Some(f) = (unsafe { f.as_ref() }) else {
        return crate::into_raw(wasm_trap_t::message("wasm_func_call: the function is NULL"));
    };
    crate::guard(
        |message| crate::into_raw(wasm_trap_t::message(&message)),
        || {
            // SAFETY: `args` is NULL (no arguments) or a live vector of valid values (wasm.h).
            let args = match unsafe { args.as_ref() } {
                // SAFETY: a live vector's `data` holds `size` values (wasm.h).
                Some(args) => unsafe { args.as_slice() },
                None => &[],
            };
            // SAFETY: the arguments' references are NULL or live (wasm.h).
            let params =
                match args.iter().map(|a| unsafe { a.silo_val() }).collect::<Result<Vec<_>, _>>() {
                    Ok(p) => p,
                    Err(e) => return crate::into_raw(wasm_trap_t::message(&e)),
                };
            // SAFETY: `results` is NULL (no results) or a live vector the caller lends (wasm.h).
            let slots = match unsafe { results.as_mut() } {
                // SAFETY: a live vector's `data` holds `size` values, lent to us (wasm.h).
                Some(r) => unsafe { r.as_mut_slice() },
                None => &mut [],
            };
            let mut out = vec![Val::I32(0); slots.len()];
            // SAFETY: the function's store is live and this thread's (wasm.h).
            let called = unsafe { f.e.with(|ctx| f.silo().call(ctx, &params, &mut out)) };
            if let Err(e) = called {
                let trap = wasm_trap_t::from_error(e, f.e.store(), f.e.r.origin);
                return crate::into_raw(trap);
            }
            for (slot, v) in slots.iter_mut().zip(&out) {
                match wasm_val_t::from_silo(v, f.e.store()) {
                    Ok(v) => *slot = v,
                    Err(e) => return crate::into_raw(wasm_trap_t::message(&e)),
                }
            }
            std::ptr::null_mut()
        },
    )
}
