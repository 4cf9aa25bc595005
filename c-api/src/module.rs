//! Modules: compiled from the binary format for a store's engine, validated, described (imports
//! and exports), serialized, and shared between threads. A module of an engine that runs native
//! code serializes to its native code (`Module::serialize`), which deserializing places again
//! without compiling; an interpreter's serializes to its original binary.

use silo::{EntityType, ExternKind, Module};

use crate::engine::wasm_store_t;
use crate::host_info::{HasHostInfo, HostInfo, host_info_api};
use crate::importtype::{wasm_exporttype_t, wasm_importtype_t};
use crate::types::{delete_boxed, delete_copy, wasm_externtype_t};
use crate::val::{RefItem, ref_object, wasm_ref_t};
use crate::vec::{WasmVec, wasm_byte_vec_t, wasm_exporttype_vec_t, wasm_importtype_vec_t};

/// A compiled module; a reference object (its `wasm_ref_t` first, of no store).
#[repr(C)]
#[derive(Clone)]
pub struct wasm_module_t {
    r: wasm_ref_t,
    pub(crate) module: Module,
}

/// A module that may be sent to another thread and obtained there in a store of the same
/// engine.
pub struct wasm_shared_module_t {
    module: Module,
}

impl wasm_module_t {
    pub(crate) fn new(module: Module) -> wasm_module_t {
        wasm_module_t { r: wasm_ref_t::new(std::ptr::null_mut(), RefItem::Module), module }
    }
}

impl HasHostInfo for wasm_module_t {
    fn host_info(&mut self) -> &mut HostInfo {
        &mut self.r.host_info
    }
}

ref_object!(
    wasm_module_t,
    RefItem::Module,
    wasm_module_as_ref,
    wasm_module_as_ref_const,
    wasm_ref_as_module,
    wasm_ref_as_module_const
);

/// Whether both are the same compiled module (copies of one module are).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_same(
    a: *const wasm_module_t,
    b: *const wasm_module_t,
) -> bool {
    // SAFETY: a module starts with its reference; each is NULL or live (wasm.h).
    unsafe { crate::val::wasm_ref_same(a.cast(), b.cast()) }
}

delete_copy!(wasm_module_t, wasm_module_delete, wasm_module_copy);
host_info_api!(
    wasm_module_t,
    wasm_module_get_host_info,
    wasm_module_set_host_info,
    wasm_module_set_host_info_with_finalizer
);

/// The bytes of a byte vector.
///
/// # Safety
/// `v` is NULL or a live byte vector.
unsafe fn bytes<'a>(v: *const wasm_byte_vec_t) -> Option<&'a [u8]> {
    // SAFETY: this fn's contract.
    unsafe { v.as_ref() }.map(|v| unsafe { v.as_slice() })
}

/// Compiles `binary` (the binary format) for `store`'s engine. NULL if it is malformed,
/// invalid, uses a feature the engine does not run, or an argument is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    // SAFETY: each is NULL or live (wasm.h).
    let (Some(store), Some(binary)) = (unsafe { store.as_ref() }, unsafe { bytes(binary) }) else {
        return std::ptr::null_mut();
    };
    crate::guard(
        |_| std::ptr::null_mut(),
        || match Module::from_binary(&store.engine, binary) {
            Ok(m) => crate::into_raw(wasm_module_t::new(m)),
            Err(_) => std::ptr::null_mut(),
        },
    )
}

/// Whether `binary` is a valid module for `store`'s engine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_validate(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> bool {
    // SAFETY: each is NULL or live (wasm.h).
    let (Some(store), Some(binary)) = (unsafe { store.as_ref() }, unsafe { bytes(binary) }) else {
        return false;
    };
    let binary_only = binary.starts_with(b"\0asm");
    crate::guard(|_| false, || binary_only && Module::validate_for(&store.engine, binary).is_ok())
}

/// Writes the module's imports to `out` (a new vector), in order. Tag imports, which the
/// standard cannot describe, are left out.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_imports(
    module: *const wasm_module_t,
    out: *mut wasm_importtype_vec_t,
) {
    if out.is_null() {
        return;
    }
    // SAFETY: `module` is NULL or live (wasm.h).
    let items = unsafe { module.as_ref() }.map_or(Vec::new(), |m| {
        let info = m.module.info();
        info.imports
            .iter()
            .filter_map(|i| {
                let ty = wasm_externtype_t::from_entity(info, &i.ty)?;
                Some(crate::into_raw(wasm_importtype_t::new(&i.module, &i.name, ty)))
            })
            .collect()
    });
    // SAFETY: `out` is room for a vector (wasm.h).
    unsafe { out.write(WasmVec::from_vec(items)) };
}

/// Writes the module's exports to `out` (a new vector), in order. Tag exports are left out.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_exports(
    module: *const wasm_module_t,
    out: *mut wasm_exporttype_vec_t,
) {
    if out.is_null() {
        return;
    }
    // SAFETY: `module` is NULL or live (wasm.h).
    let items = unsafe { module.as_ref() }.map_or(Vec::new(), |m| {
        let info = m.module.info();
        info.exports
            .iter()
            .filter_map(|e| {
                let i = e.index as usize;
                let entity = match e.kind {
                    ExternKind::Func => EntityType::Func(*info.funcs.get(i)?),
                    ExternKind::Table => EntityType::Table(*info.tables.get(i)?),
                    ExternKind::Memory => EntityType::Memory(*info.memories.get(i)?),
                    ExternKind::Global => EntityType::Global(*info.globals.get(i)?),
                    ExternKind::Tag => return None,
                };
                let ty = wasm_externtype_t::from_entity(info, &entity)?;
                Some(crate::into_raw(wasm_exporttype_t::new(&e.name, ty)))
            })
            .collect()
    });
    // SAFETY: `out` is room for a vector (wasm.h).
    unsafe { out.write(WasmVec::from_vec(items)) };
}

/// Writes the serialized module to `out`: with an engine that runs native code, the module
/// compiled whole to native code (`Module::serialize`); with the interpreter, its original binary.
/// Empty if the module cannot be serialized.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_serialize(
    module: *const wasm_module_t,
    out: *mut wasm_byte_vec_t,
) {
    if out.is_null() {
        return;
    }
    // SAFETY: `module` is NULL or live (wasm.h).
    let module = unsafe { module.as_ref() };
    let bytes = crate::guard(
        |_| Vec::new(),
        || match module {
            None => Vec::new(),
            Some(m) if silo::native_code_identity(m.module.engine()).is_some() => {
                m.module.serialize().unwrap_or_default()
            }
            Some(m) => m.module.info().bytes.to_vec(),
        },
    );
    // SAFETY: `out` is room for a vector (wasm.h).
    unsafe { out.write(WasmVec::from_vec(bytes)) };
}

/// A module from `wasm_module_serialize`'s bytes: native code is placed again without compiling
/// (NULL if it was made by another build of Silo, for another machine or other settings, or is
/// damaged); an original binary is compiled, as `wasm_module_new` does. As with wasmtime, the
/// native code is trusted: give it only bytes `wasm_module_serialize` made.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    // SAFETY: each is NULL or live (wasm.h).
    let (Some(s), Some(data)) = (unsafe { store.as_ref() }, unsafe { self::bytes(bytes) }) else {
        return std::ptr::null_mut();
    };
    if !Module::is_artifact(data) {
        // SAFETY: the arguments are NULL or live (wasm.h).
        return unsafe { wasm_module_new(store, bytes) };
    }
    crate::guard(
        |_| std::ptr::null_mut(),
        // SAFETY: wasm.h's contract for this function, as Silo documents it: the bytes come
        // from `wasm_module_serialize`; `deserialize` refuses any other build, machine or
        // settings, and a damaged file.
        || match unsafe { Module::deserialize(&s.engine, data) } {
            Ok(m) => crate::into_raw(wasm_module_t::new(m)),
            Err(_) => std::ptr::null_mut(),
        },
    )
}

/// A shareable handle to the module (owned by the caller), for `wasm_module_obtain` on any
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_share(
    module: *const wasm_module_t,
) -> *mut wasm_shared_module_t {
    // SAFETY: `module` is NULL or live (wasm.h).
    match unsafe { module.as_ref() } {
        Some(m) => crate::into_raw(wasm_shared_module_t { module: m.module.clone() }),
        None => std::ptr::null_mut(),
    }
}

/// The shared module as a module usable in `store` (owned by the caller). NULL if `store`'s
/// engine is not the module's, or an argument is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    // SAFETY: each is NULL or live (wasm.h); a shared module may be read from any thread.
    let (Some(store), Some(shared)) = (unsafe { store.as_ref() }, unsafe { shared.as_ref() })
    else {
        return std::ptr::null_mut();
    };
    if !CoreEngine::same(&store.engine, shared.module.engine()) {
        return std::ptr::null_mut();
    }
    crate::into_raw(wasm_module_t::new(shared.module.clone()))
}

/// The runtime's engine, which the facade's `silo::Engine` wraps (and a module names).
type CoreEngine = <silo::Engine as std::ops::Deref>::Target;

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    // SAFETY: `shared` is NULL or a shared module given back to us (wasm.h).
    unsafe { delete_boxed(shared) }
}
