//! WASI and the linker (silo.h): a `silo_wasi_config_t` lists what a guest is granted
//! (arguments, environment variables, the host's standard streams, pre-opened directories), and a
//! `silo_linker_t` of a store resolves a module's imports by name: from WASI
//! (`wasi_snapshot_preview1`), from externs and from instances' exports.

use std::ffi::{CStr, c_char};

use silo::wasi::{DirPerms, WasiCtx, WasiCtxBuilder};
use silo::{Error, Linker};

use crate::engine::{StoreData, wasm_store_t};
use crate::extern_::wasm_extern_t;
use crate::instance::{report, wasm_instance_t};
use crate::module::wasm_module_t;
use crate::silo_ext::{error, silo_error_t};
use crate::trap::wasm_trap_t;
use crate::types::delete_boxed;
use crate::vec::wasm_name_t;

/// What a WASI guest is granted. Nothing by default.
#[derive(Default)]
pub struct silo_wasi_config_t {
    args: Vec<String>,
    env: Vec<(String, String)>,
    inherit_stdio: bool,
    preopens: Vec<(String, String)>,
}

/// A linker for one store.
pub struct silo_linker_t {
    store: *mut wasm_store_t,
    linker: Linker<StoreData>,
}

/// The store's WASI context (an empty one until a linker defines WASI).
fn wasi_of(data: &mut StoreData) -> &mut WasiCtx {
    data.wasi.get_or_insert_with(|| WasiCtxBuilder::new().build())
}

/// The strings of a C array of NUL-terminated strings.
///
/// # Safety
/// `items` is NULL (with `n` 0) or points to `n` NUL-terminated strings.
unsafe fn strings(n: usize, items: *const *const c_char) -> Option<Vec<String>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if items.is_null() {
        return None;
    }
    (0..n)
        .map(|i| {
            // SAFETY: `items` holds `n` pointers (this fn's contract).
            let p = unsafe { items.add(i).read() };
            // SAFETY: each is NULL or a NUL-terminated string (this fn's contract).
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        })
        .collect()
}

/// The text of a name vector.
///
/// # Safety
/// `name` is NULL or a live byte vector.
unsafe fn name_text(name: *const wasm_name_t) -> Option<String> {
    // SAFETY: this fn's contract.
    let bytes = unsafe { name.as_ref() }.map(|n| unsafe { n.as_slice() })?;
    Some(String::from_utf8_lossy(bytes.strip_suffix(&[0]).unwrap_or(bytes)).into_owned())
}

#[unsafe(no_mangle)]
pub extern "C" fn silo_wasi_config_new() -> *mut silo_wasi_config_t {
    crate::into_raw(silo_wasi_config_t::default())
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_wasi_config_delete(config: *mut silo_wasi_config_t) {
    // SAFETY: `config` is NULL or a configuration given back to us (silo.h).
    unsafe { delete_boxed(config) }
}

/// Sets the guest's command-line arguments (the first is the program name). False on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_wasi_config_set_argv(
    config: *mut silo_wasi_config_t,
    argc: usize,
    argv: *const *const c_char,
) -> bool {
    // SAFETY: `config` is NULL or live; `argv` holds `argc` strings (silo.h).
    match (unsafe { config.as_mut() }, unsafe { strings(argc, argv) }) {
        (Some(c), Some(args)) => {
            c.args = args;
            true
        }
        _ => false,
    }
}

/// Sets the guest's environment variables: `names[i]=values[i]`. False on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_wasi_config_set_env(
    config: *mut silo_wasi_config_t,
    n: usize,
    names: *const *const c_char,
    values: *const *const c_char,
) -> bool {
    // SAFETY: `config` is NULL or live; `names` and `values` hold `n` strings each (silo.h).
    let (Some(c), Some(names), Some(values)) =
        (unsafe { config.as_mut() }, unsafe { strings(n, names) }, unsafe { strings(n, values) })
    else {
        return false;
    };
    c.env = names.into_iter().zip(values).collect();
    true
}

/// Gives the guest the host's standard input, output and error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_wasi_config_inherit_stdio(config: *mut silo_wasi_config_t) {
    // SAFETY: `config` is NULL or live (silo.h).
    if let Some(c) = unsafe { config.as_mut() } {
        c.inherit_stdio = true;
    }
}

/// Grants the host directory `host_path`, read-write, as `guest_path`. The directory is opened
/// when the configuration is used (`silo_linker_define_wasi`). False on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_wasi_config_preopen_dir(
    config: *mut silo_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    // SAFETY: `config` is NULL or live; the paths are NULL or NUL-terminated (silo.h).
    let (Some(c), Some(paths)) =
        (unsafe { config.as_mut() }, unsafe { strings(2, [host_path, guest_path].as_ptr()) })
    else {
        return false;
    };
    let [host, guest]: [String; 2] = paths.try_into().expect("two paths");
    c.preopens.push((host, guest));
    true
}

/// A new linker for `store` (NULL if `store` is NULL). It must not outlive the store.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_new(store: *mut wasm_store_t) -> *mut silo_linker_t {
    // SAFETY: `store` is NULL or live (silo.h).
    let Some(s) = (unsafe { store.as_ref() }) else { return std::ptr::null_mut() };
    crate::into_raw(silo_linker_t { store, linker: Linker::new(&s.engine) })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_delete(linker: *mut silo_linker_t) {
    // SAFETY: `linker` is NULL or a linker given back to us (silo.h).
    unsafe { delete_boxed(linker) }
}

/// The error for a failed definition.
fn link_error(e: Error) -> *mut silo_error_t {
    error(e.to_string())
}

/// Defines WASI (`wasi_snapshot_preview1`) in the linker, granting what `config` lists; consumes
/// `config`. The store gets the WASI context (a store has one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_define_wasi(
    linker: *mut silo_linker_t,
    config: *mut silo_wasi_config_t,
) -> *mut silo_error_t {
    // SAFETY: `config` is NULL or a configuration given to us (silo.h).
    let config = (!config.is_null()).then(|| unsafe { Box::from_raw(config) });
    // SAFETY: `linker` is NULL or live (silo.h).
    let (Some(l), Some(config)) = (unsafe { linker.as_mut() }, config) else {
        return error("silo_linker_define_wasi: NULL argument");
    };
    crate::guard(error, || {
        let mut builder = WasiCtxBuilder::new();
        builder.args(&config.args);
        for (k, v) in &config.env {
            builder.env(k, v);
        }
        if config.inherit_stdio {
            builder.inherit_stdio();
        }
        for (host, guest) in &config.preopens {
            if let Err(e) = builder.preopened_dir_path(host, guest, DirPerms::ReadWrite) {
                return error(format!("cannot open `{host}`: {e}"));
            }
        }
        let ctx = builder.build();
        // SAFETY: the linker's store is live and this thread's (silo.h).
        unsafe { wasm_store_t::with(l.store, |mut s| s.data_mut().wasi = Some(ctx)) };
        l.define_wasi()
    })
}

impl silo_linker_t {
    /// The linker's store.
    pub(crate) fn store(&self) -> *mut wasm_store_t {
        self.store
    }

    /// Defines `wasi_snapshot_preview1` over the store's WASI context; NULL or the error.
    pub(crate) fn define_wasi(&mut self) -> *mut silo_error_t {
        match silo::wasi::add_to_linker(&mut self.linker, wasi_of) {
            Ok(()) => std::ptr::null_mut(),
            Err(e) => link_error(e),
        }
    }
}

/// Defines `module::name` as `item` (an extern of the linker's store).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_define(
    linker: *mut silo_linker_t,
    module: *const wasm_name_t,
    name: *const wasm_name_t,
    item: *const wasm_extern_t,
) -> *mut silo_error_t {
    // SAFETY: each is NULL or live (silo.h).
    let (Some(l), Some(module), Some(name), Some(item)) = (
        unsafe { linker.as_mut() },
        unsafe { name_text(module) },
        unsafe { name_text(name) },
        unsafe { item.as_ref() },
    ) else {
        return error("silo_linker_define: NULL argument");
    };
    crate::guard(error, || {
        // SAFETY: the linker's store is live and this thread's (silo.h).
        let defined = unsafe {
            wasm_store_t::with(l.store, |ctx| {
                l.linker.define(&ctx, &module, &name, item.item()).map(drop)
            })
        };
        defined.map_or_else(link_error, |()| std::ptr::null_mut())
    })
}

/// Defines every export of `instance` under the module name `module`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_define_instance(
    linker: *mut silo_linker_t,
    module: *const wasm_name_t,
    instance: *const wasm_instance_t,
) -> *mut silo_error_t {
    // SAFETY: each is NULL or live (silo.h).
    let (Some(l), Some(module), Some(instance)) =
        (unsafe { linker.as_mut() }, unsafe { name_text(module) }, unsafe { instance.as_ref() })
    else {
        return error("silo_linker_define_instance: NULL argument");
    };
    crate::guard(error, || {
        let i = instance.silo();
        // SAFETY: the linker's store is live and this thread's (silo.h).
        let defined = unsafe {
            wasm_store_t::with(l.store, |ctx| l.linker.instance(&ctx, &module, i).map(drop))
        };
        defined.map_or_else(link_error, |()| std::ptr::null_mut())
    })
}

/// Instantiates `module`, resolving its imports by name. On success writes the instance to
/// `*out` and returns NULL. A trap while starting (the start function) is written to `*trap`
/// (when not NULL) with NULL returned and `*out` NULL; any other failure (a missing import) is
/// the error returned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_instantiate(
    linker: *const silo_linker_t,
    module: *const wasm_module_t,
    out: *mut *mut wasm_instance_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut silo_error_t {
    // SAFETY: each is NULL or live (silo.h).
    let (Some(l), Some(module)) = (unsafe { linker.as_ref() }, unsafe { module.as_ref() }) else {
        return error("silo_linker_instantiate: NULL argument");
    };
    if out.is_null() {
        return error("silo_linker_instantiate: NULL argument");
    }
    // SAFETY: `out` is room for a pointer (silo.h).
    unsafe { out.write(std::ptr::null_mut()) };
    crate::guard(error, || {
        // SAFETY: the linker's store is live and this thread's (silo.h).
        let made =
            unsafe { wasm_store_t::with(l.store, |ctx| l.linker.instantiate(ctx, &module.module)) };
        match made {
            Ok(i) => {
                // SAFETY: `out` is room for a pointer (checked above).
                unsafe { out.write(crate::into_raw(wasm_instance_t::new(l.store, i))) };
                std::ptr::null_mut()
            }
            Err(e @ Error::Trap(_)) => {
                // SAFETY: `trap` is NULL or room for a pointer (silo.h).
                unsafe { report(trap, wasm_trap_t::from_error(e, l.store, None)) };
                std::ptr::null_mut()
            }
            Err(e) => link_error(e),
        }
    })
}
