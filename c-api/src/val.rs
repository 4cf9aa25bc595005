//! Values and references. `wasm_val_t` is a kind and a union; a reference value points to an
//! owned `wasm_ref_t`. Every reference object of the API is a `wasm_ref_t` underneath, so the
//! standard's `wasm_X_as_ref` is a cast: functions, globals, tables, memories, externs and
//! foreign objects are transparent wrappers of it; modules, instances and traps start with one
//! (`#[repr(C)]`, first field) whose item names their kind, so that copying or deleting a
//! `wasm_ref_t` of theirs copies or deletes the whole object. A function reference is a
//! `wasm_ref_t` holding a function; an `externref` holds a foreign object (`wasm_foreign_new`).

use silo::{Extern, ExternRef, Val};

use crate::engine::wasm_store_t;
use crate::host_info::{HasHostInfo, HostInfo, host_info_api};
use crate::instance::wasm_instance_t;
use crate::module::wasm_module_t;
use crate::trap::wasm_trap_t;
use crate::types::{
    SILO_V128, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64, copy_boxed,
    delete_boxed, kind_of,
};

/// What a reference object refers to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefItem {
    /// A function, global, table or memory.
    Extern(Extern),
    /// A host value put in the store by `wasm_foreign_new`.
    Foreign(ExternRef),
    /// The header of a `wasm_module_t`.
    Module,
    /// The header of a `wasm_instance_t`.
    Instance(silo::Instance),
    /// The header of a `wasm_trap_t`.
    Trap,
}

/// A reference object: a store item, the store, the instance it was exported from (for trap
/// frames), and the C program's host info.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_ref_t {
    pub(crate) store: *mut wasm_store_t,
    pub(crate) item: RefItem,
    pub(crate) origin: Option<silo::Instance>,
    pub(crate) host_info: HostInfo,
}

impl wasm_ref_t {
    pub(crate) fn new(store: *mut wasm_store_t, item: RefItem) -> wasm_ref_t {
        wasm_ref_t { store, item, origin: None, host_info: HostInfo::none() }
    }

    pub(crate) fn with_origin(mut self, origin: Option<silo::Instance>) -> wasm_ref_t {
        self.origin = origin;
        self
    }
}

impl HasHostInfo for wasm_ref_t {
    fn host_info(&mut self) -> &mut HostInfo {
        &mut self.host_info
    }
}

/// A foreign object: a host value `externref` values can carry.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_foreign_t {
    pub(crate) r: wasm_ref_t,
}

impl HasHostInfo for wasm_foreign_t {
    fn host_info(&mut self) -> &mut HostInfo {
        &mut self.r.host_info
    }
}

/// The payload of a value.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub ref_: *mut wasm_ref_t,
}

/// A value: its kind and its payload. A reference value owns its `wasm_ref_t` (NULL is null).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    pub kind: u8,
    pub of: wasm_val_union,
}

/// The payload of a foreign object in the store's heap (the C side keeps its data as host info).
struct Foreign;

impl wasm_val_t {
    pub(crate) fn i32(v: i32) -> wasm_val_t {
        wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: v } }
    }

    fn reference(kind: u8, r: Option<wasm_ref_t>) -> wasm_val_t {
        let ptr = r.map_or(std::ptr::null_mut(), crate::into_raw);
        wasm_val_t { kind, of: wasm_val_union { ref_: ptr } }
    }

    /// The value as C sees it; reference values get new `wasm_ref_t`s of `store`.
    pub(crate) fn from_silo(v: &Val, store: *mut wasm_store_t) -> Result<wasm_val_t, String> {
        Ok(match *v {
            Val::I32(i) => wasm_val_t::i32(i),
            Val::I64(i) => wasm_val_t { kind: WASM_I64, of: wasm_val_union { i64: i } },
            Val::F32(b) => {
                wasm_val_t { kind: WASM_F32, of: wasm_val_union { f32: f32::from_bits(b) } }
            }
            Val::F64(b) => {
                wasm_val_t { kind: WASM_F64, of: wasm_val_union { f64: f64::from_bits(b) } }
            }
            Val::FuncRef(f) => wasm_val_t::reference(
                WASM_FUNCREF,
                f.map(|f| wasm_ref_t::new(store, RefItem::Extern(Extern::Func(f)))),
            ),
            Val::ExternRef(e) => wasm_val_t::reference(
                WASM_EXTERNREF,
                e.map(|e| wasm_ref_t::new(store, RefItem::Foreign(e))),
            ),
            other => {
                return Err(format!("a {other:?} value cannot cross the C API"));
            }
        })
    }

    /// The value as Silo sees it (references are borrowed, not consumed).
    ///
    /// # Safety
    /// A reference value's pointer is NULL or a live `wasm_ref_t`.
    pub(crate) unsafe fn silo_val(&self) -> Result<Val, String> {
        // Each member of the union is read only when `kind` names it (wasm.h: the kind says
        // which member holds the value).
        Ok(match self.kind {
            // SAFETY: the kind says the payload is an `i32`.
            WASM_I32 => Val::I32(unsafe { self.of.i32 }),
            // SAFETY: the kind says the payload is an `i64`.
            WASM_I64 => Val::I64(unsafe { self.of.i64 }),
            // SAFETY: the kind says the payload is an `f32`.
            WASM_F32 => Val::F32(unsafe { self.of.f32 }.to_bits()),
            // SAFETY: the kind says the payload is an `f64`.
            WASM_F64 => Val::F64(unsafe { self.of.f64 }.to_bits()),
            WASM_FUNCREF => {
                // SAFETY: a reference value holds NULL or a live reference (this fn's contract).
                match unsafe { self.of.ref_.as_ref() }.map(|r| r.item) {
                    None => Val::FuncRef(None),
                    Some(RefItem::Extern(Extern::Func(f))) => Val::FuncRef(Some(f)),
                    Some(_) => {
                        return Err("a funcref value holds a reference to no function".into());
                    }
                }
            }
            WASM_EXTERNREF => {
                // SAFETY: as above.
                match unsafe { self.of.ref_.as_ref() }.map(|r| r.item) {
                    None => Val::ExternRef(None),
                    Some(RefItem::Foreign(e)) => Val::ExternRef(Some(e)),
                    Some(_) => {
                        return Err("an externref value must hold a foreign object".into());
                    }
                }
            }
            SILO_V128 => return Err("v128 values cannot cross the C API".into()),
            k => return Err(format!("unknown value kind {k}")),
        })
    }

    pub(crate) fn is_ref(&self) -> bool {
        self.kind == WASM_FUNCREF || self.kind == WASM_EXTERNREF
    }

    /// A copy owning a copy of the reference, if any.
    ///
    /// # Safety
    /// A reference value's pointer is NULL or a live `wasm_ref_t`.
    pub(crate) unsafe fn deep_copy(&self) -> wasm_val_t {
        if self.is_ref() {
            // SAFETY: the kind says the payload is a reference, NULL or live (this fn's contract).
            let r = unsafe { wasm_ref_copy(self.of.ref_) };
            return wasm_val_t { kind: self.kind, of: wasm_val_union { ref_: r } };
        }
        *self
    }

    /// Deletes the reference the value owns, if any, leaving NULL.
    ///
    /// # Safety
    /// A reference value owns its `wasm_ref_t` (or holds NULL).
    pub(crate) unsafe fn release(&mut self) {
        if self.is_ref() {
            // SAFETY: the kind says the payload is a reference the value owns (this contract).
            unsafe { wasm_ref_delete(self.of.ref_) };
            self.of.ref_ = std::ptr::null_mut();
        }
    }
}

/// The zero value of a type, as C sees it (the initial contents of a result vector).
pub(crate) fn zero_of(ty: silo::ValType) -> wasm_val_t {
    match kind_of(ty) {
        k @ (WASM_FUNCREF | WASM_EXTERNREF) => wasm_val_t::reference(k, None),
        k => wasm_val_t { kind: k, of: wasm_val_union { i64: 0 } },
    }
}

/// Copies `src` into `out`, with a copy of its reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, src: *const wasm_val_t) {
    // SAFETY: `src` is NULL or a live value whose reference is live (wasm.h).
    if let Some(src) = unsafe { src.as_ref() }
        && !out.is_null()
    {
        // SAFETY: `out` is room for a value (wasm.h); `src` is valid (above).
        unsafe { out.write(src.deep_copy()) };
    }
}

/// Deletes the reference the value owns, if any.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    // SAFETY: `v` is NULL or a value owning its reference (wasm.h).
    if let Some(v) = unsafe { v.as_mut() } {
        // SAFETY: the value owns its reference, if any (wasm.h).
        unsafe { v.release() };
    }
}

/// Deletes a reference object: for the header of a module, instance or trap, the whole object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_delete(r: *mut wasm_ref_t) {
    // SAFETY: `r` is NULL or an object this library handed out, now given back (wasm.h); a
    // header item is only ever in the first field of its object (`ref_object!`), so the casts
    // give back the type that was boxed.
    unsafe {
        match r.as_ref().map(|r| r.item) {
            None => {}
            Some(RefItem::Module) => delete_boxed(r.cast::<wasm_module_t>()),
            Some(RefItem::Instance(_)) => delete_boxed(r.cast::<wasm_instance_t>()),
            Some(RefItem::Trap) => delete_boxed(r.cast::<wasm_trap_t>()),
            Some(RefItem::Extern(_) | RefItem::Foreign(_)) => delete_boxed(r),
        }
    }
}

/// A new copy of a reference object: for the header of a module, instance or trap, a copy of the
/// whole object (NULL for NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_copy(r: *const wasm_ref_t) -> *mut wasm_ref_t {
    // SAFETY: `r` is NULL or a live object (wasm.h); header casts as in `wasm_ref_delete`.
    unsafe {
        match r.as_ref().map(|r| r.item) {
            None => std::ptr::null_mut(),
            Some(RefItem::Module) => copy_boxed(r.cast::<wasm_module_t>()).cast(),
            Some(RefItem::Instance(_)) => copy_boxed(r.cast::<wasm_instance_t>()).cast(),
            Some(RefItem::Trap) => copy_boxed(r.cast::<wasm_trap_t>()).cast(),
            Some(RefItem::Extern(_) | RefItem::Foreign(_)) => copy_boxed(r),
        }
    }
}

/// Writes the standard's reference conversions for an object that starts with its `wasm_ref_t`
/// (a `#[repr(C)]` struct whose first field is `r`, with `item` of the kind `$is`).
macro_rules! ref_object {
    ($t:ty, $is:pat, $as_ref:ident, $as_ref_c:ident, $ref_as:ident, $ref_as_c:ident) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref(p: *mut $t) -> *mut $crate::val::wasm_ref_t {
            p.cast()
        }

        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref_c(p: *const $t) -> *const $crate::val::wasm_ref_t {
            p.cast()
        }

        /// The object, if the reference is one of this kind (NULL otherwise).
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ref_as(r: *mut $crate::val::wasm_ref_t) -> *mut $t {
            // SAFETY: `r` is NULL or a live reference (wasm.h); a reference of this kind is the
            // first field of one of these objects, so the cast is exact.
            match unsafe { r.as_ref() }.map(|r| r.item) {
                Some($is) => r.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ref_as_c(r: *const $crate::val::wasm_ref_t) -> *const $t {
            // SAFETY: as above.
            unsafe { $ref_as(r.cast_mut()) }.cast_const()
        }
    };
}
pub(crate) use ref_object;

crate::types::delete_copy!(wasm_foreign_t, wasm_foreign_delete, wasm_foreign_copy);
host_info_api!(
    wasm_ref_t,
    wasm_ref_get_host_info,
    wasm_ref_set_host_info,
    wasm_ref_set_host_info_with_finalizer
);
host_info_api!(
    wasm_foreign_t,
    wasm_foreign_get_host_info,
    wasm_foreign_set_host_info,
    wasm_foreign_set_host_info_with_finalizer
);

/// Whether two references refer to the same entity (NULL is the same as NULL only).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_same(a: *const wasm_ref_t, b: *const wasm_ref_t) -> bool {
    // SAFETY: each is NULL or a live reference (wasm.h).
    match (unsafe { a.as_ref() }, unsafe { b.as_ref() }) {
        (Some(x), Some(y)) => match (x.item, y.item) {
            // SAFETY: module headers are the first fields of live modules (`wasm_ref_delete`).
            (RefItem::Module, RefItem::Module) => unsafe {
                silo::Module::same(
                    &(*a.cast::<wasm_module_t>()).module,
                    &(*b.cast::<wasm_module_t>()).module,
                )
            },
            // Traps are values: the same only if they are one object.
            (RefItem::Trap, RefItem::Trap) => std::ptr::eq(a, b),
            // Two handles to one host value are different handles: ask the store.
            (RefItem::Foreign(p), RefItem::Foreign(q)) => {
                x.store == y.store
                    // SAFETY: a foreign object's store is live and this thread's (wasm.h).
                    && unsafe { wasm_store_t::with(x.store, |ctx| p.ref_eq(&ctx, &q)) }
            }
            (p, q) => x.store == y.store && p == q,
        },
        (None, None) => true,
        _ => false,
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_same(
    a: *const wasm_foreign_t,
    b: *const wasm_foreign_t,
) -> bool {
    // SAFETY: a foreign object is a transparent `wasm_ref_t`; each is NULL or live (wasm.h).
    unsafe { wasm_ref_same(a.cast(), b.cast()) }
}

/// A new foreign object in `store`: a host value `externref`s can carry (give it data with
/// `wasm_foreign_set_host_info`). NULL if `store` is NULL or its heap is full.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut wasm_store_t) -> *mut wasm_foreign_t {
    if store.is_null() {
        return std::ptr::null_mut();
    }
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: `store` is a live store used by this thread (wasm.h).
            let made = unsafe { wasm_store_t::with(store, |ctx| ExternRef::new(ctx, Foreign)) };
            match made {
                Ok(e) => crate::into_raw(wasm_foreign_t {
                    r: wasm_ref_t::new(store, RefItem::Foreign(e)),
                }),
                Err(_) => std::ptr::null_mut(),
            }
        },
    )
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_foreign_as_ref(f: *mut wasm_foreign_t) -> *mut wasm_ref_t {
    f.cast()
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_foreign_as_ref_const(f: *const wasm_foreign_t) -> *const wasm_ref_t {
    f.cast()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_foreign(r: *mut wasm_ref_t) -> *mut wasm_foreign_t {
    // SAFETY: `r` is NULL or a live reference (wasm.h); a foreign object is a transparent
    // `wasm_ref_t`, so the cast is exact when the item is foreign.
    match unsafe { r.as_ref() }.map(|r| r.item) {
        Some(RefItem::Foreign(_)) => r.cast(),
        _ => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_foreign_const(r: *const wasm_ref_t) -> *const wasm_foreign_t {
    // SAFETY: as for `wasm_ref_as_foreign`.
    unsafe { wasm_ref_as_foreign(r.cast_mut()) }.cast_const()
}
