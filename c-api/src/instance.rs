//! Instances: `wasm_instance_new` instantiates a module with imports given in the order of the
//! module's imports, and `wasm_instance_exports` lists the instance's exports in the order of the
//! module's exports (tags, which the standard cannot describe, are left out).

use silo::{Extern, Instance};

use crate::engine::wasm_store_t;
use crate::extern_::wasm_extern_t;
use crate::host_info::{HasHostInfo, HostInfo, host_info_api};
use crate::module::wasm_module_t;
use crate::trap::wasm_trap_t;
use crate::types::delete_copy;
use crate::val::{RefItem, ref_object, wasm_ref_t};
use crate::vec::{WasmVec, wasm_extern_vec_t};

/// An instance of a module in a store; a reference object (its `wasm_ref_t` first).
#[repr(C)]
#[derive(Clone)]
pub struct wasm_instance_t {
    r: wasm_ref_t,
}

impl wasm_instance_t {
    pub(crate) fn new(store: *mut wasm_store_t, instance: Instance) -> wasm_instance_t {
        wasm_instance_t { r: wasm_ref_t::new(store, RefItem::Instance(instance)) }
    }

    pub(crate) fn silo(&self) -> Instance {
        match self.r.item {
            RefItem::Instance(i) => i,
            _ => unreachable!("an instance's reference holds the instance"),
        }
    }

    fn store(&self) -> *mut wasm_store_t {
        self.r.store
    }
}

impl HasHostInfo for wasm_instance_t {
    fn host_info(&mut self) -> &mut HostInfo {
        &mut self.r.host_info
    }
}

ref_object!(
    wasm_instance_t,
    RefItem::Instance(_),
    wasm_instance_as_ref,
    wasm_instance_as_ref_const,
    wasm_ref_as_instance,
    wasm_ref_as_instance_const
);

delete_copy!(wasm_instance_t, wasm_instance_delete, wasm_instance_copy);
host_info_api!(
    wasm_instance_t,
    wasm_instance_get_host_info,
    wasm_instance_set_host_info,
    wasm_instance_set_host_info_with_finalizer
);

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_same(
    a: *const wasm_instance_t,
    b: *const wasm_instance_t,
) -> bool {
    // SAFETY: each is NULL or a live instance (wasm.h).
    match (unsafe { a.as_ref() }, unsafe { b.as_ref() }) {
        (Some(a), Some(b)) => a.store() == b.store() && a.silo() == b.silo(),
        (None, None) => true,
        _ => false,
    }
}

/// Writes `trap` to `*out` if `out` is not NULL, else deletes it.
///
/// # Safety
/// `out` is NULL or room for a trap pointer.
pub(crate) unsafe fn report(out: *mut *mut wasm_trap_t, trap: wasm_trap_t) {
    if !out.is_null() {
        // SAFETY: `out` is room for a pointer (this fn's contract).
        unsafe { out.write(crate::into_raw(trap)) };
    }
}

/// Instantiates `module` in `store` with `imports` (one extern per import, in the module's
/// order). On failure returns NULL and, if `trap` is not NULL, writes a trap saying why (a link
/// error or the start function's trap) to `*trap`; on success leaves `*trap` alone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    // SAFETY: `module` is NULL or live (wasm.h).
    let Some(module) = (unsafe { module.as_ref() }) else {
        // SAFETY: `trap` is NULL or room for a pointer (wasm.h).
        unsafe { report(trap, wasm_trap_t::message("wasm_instance_new: the module is NULL")) };
        return std::ptr::null_mut();
    };
    if store.is_null() {
        // SAFETY: as above.
        unsafe { report(trap, wasm_trap_t::message("wasm_instance_new: the store is NULL")) };
        return std::ptr::null_mut();
    }
    crate::guard(
        |message| {
            // SAFETY: `trap` is NULL or room for a pointer (wasm.h).
            unsafe { report(trap, wasm_trap_t::message(&message)) };
            std::ptr::null_mut()
        },
        || {
            // SAFETY: `imports` is NULL (none) or a live vector of live externs (wasm.h).
            let given = match unsafe { imports.as_ref() } {
                // SAFETY: a live vector's `data` holds `size` externs (wasm.h).
                Some(v) => unsafe { v.as_slice() },
                None => &[],
            };
            let mut externs = Vec::with_capacity(given.len());
            for &e in given {
                // SAFETY: each element is NULL or a live extern (wasm.h).
                match unsafe { e.as_ref() } {
                    Some(e) => externs.push(e.item()),
                    None => {
                        let t = wasm_trap_t::message("wasm_instance_new: an import is NULL");
                        // SAFETY: as above.
                        unsafe { report(trap, t) };
                        return std::ptr::null_mut();
                    }
                }
            }
            // SAFETY: `store` is live and this thread's (wasm.h).
            let made = unsafe {
                wasm_store_t::with(store, |ctx| Instance::new(ctx, &module.module, &externs))
            };
            match made {
                Ok(instance) => crate::into_raw(wasm_instance_t::new(store, instance)),
                Err(e) => {
                    // SAFETY: as above.
                    unsafe { report(trap, wasm_trap_t::from_error(e, store, None)) };
                    std::ptr::null_mut()
                }
            }
        },
    )
}

/// Writes the instance's exports to `out`: a new vector of new externs, in the module's export
/// order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_instance_exports(
    instance: *const wasm_instance_t,
    out: *mut wasm_extern_vec_t,
) {
    if out.is_null() {
        return;
    }
    // SAFETY: `instance` is NULL or live (wasm.h).
    let Some(instance) = (unsafe { instance.as_ref() }) else {
        // SAFETY: `out` is room for a vector (wasm.h).
        unsafe { out.write(WasmVec::empty()) };
        return;
    };
    let exports = crate::guard(
        |_| Vec::new(),
        || {
            let i = instance.silo();
            // SAFETY: the instance's store is live and this thread's (wasm.h).
            let exports = unsafe { wasm_store_t::with(instance.store(), |ctx| i.exports(&ctx)) };
            exports
                .into_iter()
                .filter(|(_, e)| !matches!(e, Extern::Tag(_)))
                .map(|(_, e)| crate::into_raw(wasm_extern_t::new(instance.store(), e, Some(i))))
                .collect()
        },
    );
    // SAFETY: `out` is room for a vector (wasm.h).
    unsafe { out.write(WasmVec::from_vec(exports)) };
}
