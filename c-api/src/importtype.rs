//! Import and export types: a module's imports (module name, field name, extern type) and exports
//! (name, extern type), as `wasm_module_imports`/`wasm_module_exports` describe them.

use crate::types::{delete_boxed, delete_copy, wasm_externtype_t};
use crate::vec::{OwnedVec, WasmVec, wasm_name_t};

/// One import of a module.
#[derive(Clone)]
pub struct wasm_importtype_t {
    module: OwnedVec<u8>,
    name: OwnedVec<u8>,
    ty: Box<wasm_externtype_t>,
}

/// One export of a module.
#[derive(Clone)]
pub struct wasm_exporttype_t {
    name: OwnedVec<u8>,
    ty: Box<wasm_externtype_t>,
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: wasm_externtype_t) -> wasm_importtype_t {
        wasm_importtype_t {
            module: OwnedVec(WasmVec::from_bytes(module.as_bytes())),
            name: OwnedVec(WasmVec::from_bytes(name.as_bytes())),
            ty: Box::new(ty),
        }
    }
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: wasm_externtype_t) -> wasm_exporttype_t {
        wasm_exporttype_t { name: OwnedVec(WasmVec::from_bytes(name.as_bytes())), ty: Box::new(ty) }
    }
}

delete_copy!(wasm_importtype_t, wasm_importtype_delete, wasm_importtype_copy);
delete_copy!(wasm_exporttype_t, wasm_exporttype_delete, wasm_exporttype_copy);

/// Takes a name vector over (leaving it empty).
///
/// # Safety
/// `v` is NULL or a byte vector this library made.
unsafe fn take_name(v: *mut wasm_name_t) -> Option<OwnedVec<u8>> {
    // SAFETY: `v` is NULL or this library's vector (this fn's contract); its bytes move to us.
    let v = unsafe { v.as_mut() }?;
    // SAFETY: the vector is this library's (this fn's contract): its storage is a boxed slice.
    let bytes = unsafe { v.take() };
    Some(OwnedVec(WasmVec::from_vec(bytes)))
}

/// An import type taking over `module`, `name` and `ty`. NULL if any is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    if module.is_null() || name.is_null() || ty.is_null() {
        // SAFETY: `ty` is NULL or ours now (wasm.h: the arguments are owned).
        unsafe { delete_boxed(ty) };
        return std::ptr::null_mut();
    }
    // SAFETY: both are this library's vectors, given to us (wasm.h).
    let (Some(module), Some(name)) = (unsafe { take_name(module) }, unsafe { take_name(name) })
    else {
        return std::ptr::null_mut();
    };
    // SAFETY: `ty` is an extern type this library handed out, now given to us (wasm.h).
    let ty = unsafe { Box::from_raw(ty) };
    crate::into_raw(wasm_importtype_t { module, name, ty })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    // SAFETY: `t` is NULL or a live import type (wasm.h).
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| &t.module.0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    // SAFETY: `t` is NULL or a live import type (wasm.h).
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| &t.name.0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_importtype_type(
    t: *const wasm_importtype_t,
) -> *const wasm_externtype_t {
    // SAFETY: `t` is NULL or a live import type (wasm.h).
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| &*t.ty)
}

/// An export type taking over `name` and `ty`. NULL if either is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    if name.is_null() || ty.is_null() {
        // SAFETY: `ty` is NULL or ours now (wasm.h: the arguments are owned).
        unsafe { delete_boxed(ty) };
        return std::ptr::null_mut();
    }
    // SAFETY: `name` is this library's vector, given to us (wasm.h).
    let Some(name) = (unsafe { take_name(name) }) else { return std::ptr::null_mut() };
    // SAFETY: `ty` is an extern type this library handed out, now given to us (wasm.h).
    let ty = unsafe { Box::from_raw(ty) };
    crate::into_raw(wasm_exporttype_t { name, ty })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    // SAFETY: `t` is NULL or a live export type (wasm.h).
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| &t.name.0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_exporttype_type(
    t: *const wasm_exporttype_t,
) -> *const wasm_externtype_t {
    // SAFETY: `t` is NULL or a live export type (wasm.h).
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| &*t.ty)
}
