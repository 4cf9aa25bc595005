//! Externs: what an instance imports and exports. `wasm_extern_t` is a reference object holding a
//! `silo::Extern`; `wasm_global_t`, `wasm_table_t` and `wasm_memory_t` (and `wasm_func_t`, in
//! func.rs) are transparent wrappers of it, so the `as_extern`/`as_ref` conversions are casts and
//! the reverse ones checked casts. This file also holds the global, table and memory functions.

use silo::{Extern, Global, Memory, Table, Val};

use crate::engine::wasm_store_t;
use crate::func::wasm_func_t;
use crate::host_info::{HasHostInfo, HostInfo, host_info_api};
use crate::types::{
    WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE, delete_copy,
    wasm_externtype_t, wasm_functype_t, wasm_globaltype_t, wasm_memorytype_t, wasm_tabletype_t,
};
use crate::val::{RefItem, wasm_ref_t, wasm_val_t};

/// A function, global, table or memory of a store.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_extern_t {
    pub(crate) r: wasm_ref_t,
}

impl wasm_extern_t {
    pub(crate) fn new(
        store: *mut wasm_store_t,
        item: Extern,
        origin: Option<silo::Instance>,
    ) -> wasm_extern_t {
        wasm_extern_t { r: wasm_ref_t::new(store, RefItem::Extern(item)).with_origin(origin) }
    }

    pub(crate) fn item(&self) -> Extern {
        match self.r.item {
            RefItem::Extern(e) => e,
            _ => unreachable!("an extern holds a store item"),
        }
    }

    pub(crate) fn store(&self) -> *mut wasm_store_t {
        self.r.store
    }

    pub(crate) fn kind(&self) -> u8 {
        match self.item() {
            Extern::Func(_) => WASM_EXTERN_FUNC,
            Extern::Global(_) => WASM_EXTERN_GLOBAL,
            Extern::Table(_) => WASM_EXTERN_TABLE,
            // Tags are never handed to C (instances' exports leave them out).
            Extern::Memory(_) | Extern::Tag(_) => WASM_EXTERN_MEMORY,
        }
    }

    /// Runs `f` with the extern's store.
    ///
    /// # Safety
    /// The extern's store is live and used by this thread only.
    pub(crate) unsafe fn with<R>(&self, f: impl FnOnce(crate::engine::Ctx<'_>) -> R) -> R {
        // SAFETY: this fn's contract.
        unsafe { wasm_store_t::with(self.store(), f) }
    }
}

impl HasHostInfo for wasm_extern_t {
    fn host_info(&mut self) -> &mut HostInfo {
        self.r.host_info()
    }
}

macro_rules! extern_kind {
    ($t:ident, $kind:expr, $silo:ty, $variant:ident, $delete:ident, $copy:ident, $same:ident,
     $as_ext:ident, $as_ext_c:ident, $ext_as:ident, $ext_as_c:ident,
     $as_ref:ident, $as_ref_c:ident, $ref_as:ident, $ref_as_c:ident,
     $get_hi:ident, $set_hi:ident, $set_hi_fin:ident) => {
        impl $t {
            /// The Silo item.
            pub(crate) fn silo(&self) -> $silo {
                match self.e.item() {
                    Extern::$variant(x) => x,
                    _ => unreachable!("the wrapper's kind is its item's"),
                }
            }
        }

        impl HasHostInfo for $t {
            fn host_info(&mut self) -> &mut HostInfo {
                self.e.host_info()
            }
        }

        delete_copy!($t, $delete, $copy);
        host_info_api!($t, $get_hi, $set_hi, $set_hi_fin);

        /// Whether both refer to the same entity.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $same(a: *const $t, b: *const $t) -> bool {
            // SAFETY: the kinds are transparent `wasm_ref_t`s; each is NULL or live (wasm.h).
            unsafe { crate::val::wasm_ref_same(a.cast(), b.cast()) }
        }

        /// The same object, as an extern.
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext(p: *mut $t) -> *mut wasm_extern_t {
            p.cast()
        }

        /// The same object, as an extern.
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ext_c(p: *const $t) -> *const wasm_extern_t {
            p.cast()
        }

        /// The same object, as its kind; NULL if the extern is of another kind.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ext_as(p: *mut wasm_extern_t) -> *mut $t {
            // SAFETY: `p` is NULL or a live extern (wasm.h); the kind is a transparent wrapper,
            // so the cast is exact once the kinds match.
            match unsafe { p.as_ref() } {
                Some(e) if e.kind() == $kind => p.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        /// The same object, as its kind; NULL if the extern is of another kind.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ext_as_c(p: *const wasm_extern_t) -> *const $t {
            // SAFETY: as for the mutable form.
            unsafe { $ext_as(p.cast_mut()) }.cast_const()
        }

        /// The same object, as a reference.
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref(p: *mut $t) -> *mut wasm_ref_t {
            p.cast()
        }

        /// The same object, as a reference.
        #[unsafe(no_mangle)]
        pub extern "C" fn $as_ref_c(p: *const $t) -> *const wasm_ref_t {
            p.cast()
        }

        /// The reference, as this kind; NULL if it refers to something else.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ref_as(p: *mut wasm_ref_t) -> *mut $t {
            // SAFETY: `p` is NULL or a live reference (wasm.h); externs and their kinds are
            // transparent `wasm_ref_t`s, so the cast is exact once the item matches.
            match unsafe { p.as_ref() }.map(|r| r.item) {
                Some(RefItem::Extern(Extern::$variant(_))) => p.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        /// The reference, as this kind; NULL if it refers to something else.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $ref_as_c(p: *const wasm_ref_t) -> *const $t {
            // SAFETY: as for the mutable form.
            unsafe { $ref_as(p.cast_mut()) }.cast_const()
        }
    };
}

/// A global of a store.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_global_t {
    pub(crate) e: wasm_extern_t,
}

/// A table of a store.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_table_t {
    pub(crate) e: wasm_extern_t,
}

/// A memory of a store.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_memory_t {
    pub(crate) e: wasm_extern_t,
}

extern_kind!(
    wasm_func_t,
    WASM_EXTERN_FUNC,
    silo::Func,
    Func,
    wasm_func_delete,
    wasm_func_copy,
    wasm_func_same,
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const,
    wasm_func_as_ref,
    wasm_func_as_ref_const,
    wasm_ref_as_func,
    wasm_ref_as_func_const,
    wasm_func_get_host_info,
    wasm_func_set_host_info,
    wasm_func_set_host_info_with_finalizer
);
extern_kind!(
    wasm_global_t,
    WASM_EXTERN_GLOBAL,
    Global,
    Global,
    wasm_global_delete,
    wasm_global_copy,
    wasm_global_same,
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const,
    wasm_global_as_ref,
    wasm_global_as_ref_const,
    wasm_ref_as_global,
    wasm_ref_as_global_const,
    wasm_global_get_host_info,
    wasm_global_set_host_info,
    wasm_global_set_host_info_with_finalizer
);
extern_kind!(
    wasm_table_t,
    WASM_EXTERN_TABLE,
    Table,
    Table,
    wasm_table_delete,
    wasm_table_copy,
    wasm_table_same,
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const,
    wasm_table_as_ref,
    wasm_table_as_ref_const,
    wasm_ref_as_table,
    wasm_ref_as_table_const,
    wasm_table_get_host_info,
    wasm_table_set_host_info,
    wasm_table_set_host_info_with_finalizer
);
extern_kind!(
    wasm_memory_t,
    WASM_EXTERN_MEMORY,
    Memory,
    Memory,
    wasm_memory_delete,
    wasm_memory_copy,
    wasm_memory_same,
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const,
    wasm_memory_as_ref,
    wasm_memory_as_ref_const,
    wasm_ref_as_memory,
    wasm_ref_as_memory_const,
    wasm_memory_get_host_info,
    wasm_memory_set_host_info,
    wasm_memory_set_host_info_with_finalizer
);

delete_copy!(wasm_extern_t, wasm_extern_delete, wasm_extern_copy);
host_info_api!(
    wasm_extern_t,
    wasm_extern_get_host_info,
    wasm_extern_set_host_info,
    wasm_extern_set_host_info_with_finalizer
);

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_same(
    a: *const wasm_extern_t,
    b: *const wasm_extern_t,
) -> bool {
    // SAFETY: externs are transparent `wasm_ref_t`s; each is NULL or live (wasm.h).
    unsafe { crate::val::wasm_ref_same(a.cast(), b.cast()) }
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_extern_as_ref(p: *mut wasm_extern_t) -> *mut wasm_ref_t {
    p.cast()
}

#[unsafe(no_mangle)]
pub extern "C" fn wasm_extern_as_ref_const(p: *const wasm_extern_t) -> *const wasm_ref_t {
    p.cast()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_extern(p: *mut wasm_ref_t) -> *mut wasm_extern_t {
    // SAFETY: `p` is NULL or a live reference (wasm.h); an extern is a transparent `wasm_ref_t`.
    match unsafe { p.as_ref() }.map(|r| r.item) {
        Some(RefItem::Extern(_)) => p.cast(),
        _ => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_ref_as_extern_const(p: *const wasm_ref_t) -> *const wasm_extern_t {
    // SAFETY: as for `wasm_ref_as_extern`.
    unsafe { wasm_ref_as_extern(p.cast_mut()) }.cast_const()
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> u8 {
    // SAFETY: `e` is NULL or a live extern (wasm.h).
    unsafe { e.as_ref() }.map_or(WASM_EXTERN_FUNC, |e| e.kind())
}

/// The extern's type (owned by the caller). NULL if `e` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    // SAFETY: `e` is NULL or a live extern (wasm.h).
    let Some(e) = (unsafe { e.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: the extern's store is live and this thread's (wasm.h).
            let ty = unsafe {
                e.with(|ctx| match e.item() {
                    Extern::Func(f) => Some(wasm_functype_t::from_silo(f.ty(&ctx)).ext),
                    Extern::Global(g) => Some(wasm_globaltype_t::from_silo(g.ty(&ctx)).ext),
                    Extern::Table(t) => Some(wasm_tabletype_t::from_silo(t.ty(&ctx)).ext),
                    Extern::Memory(m) => Some(wasm_memorytype_t::from_silo(m.ty(&ctx)).ext),
                    Extern::Tag(_) => None,
                })
            };
            ty.map_or(std::ptr::null_mut(), crate::into_raw)
        },
    )
}

/// A new global of `store` of type `ty` holding `*value`. NULL on NULL arguments or a value
/// of the wrong type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    value: *const wasm_val_t,
) -> *mut wasm_global_t {
    // SAFETY: each is NULL or live (wasm.h).
    let (Some(ty), Some(value)) = (unsafe { ty.as_ref() }, unsafe { value.as_ref() }) else {
        return std::ptr::null_mut();
    };
    if store.is_null() {
        return std::ptr::null_mut();
    }
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: the value's reference, if any, is live (wasm.h).
            let Ok(value) = (unsafe { value.silo_val() }) else { return std::ptr::null_mut() };
            // SAFETY: `store` is live and this thread's (wasm.h).
            let made =
                unsafe { wasm_store_t::with(store, |ctx| Global::new(ctx, ty.silo(), value)) };
            match made {
                Ok(g) => crate::into_raw(wasm_global_t {
                    e: wasm_extern_t::new(store, Extern::Global(g), None),
                }),
                Err(_) => std::ptr::null_mut(),
            }
        },
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    // SAFETY: `g` is NULL or a live global (wasm.h).
    let Some(g) = (unsafe { g.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: the global's store is live and this thread's (wasm.h).
            let ty = unsafe { g.e.with(|ctx| g.silo().ty(&ctx)) };
            crate::into_raw(wasm_globaltype_t::from_silo(ty))
        },
    )
}

/// Writes the global's value to `out` (a reference value gets a new `wasm_ref_t` the caller
/// owns).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    // SAFETY: `g` is NULL or a live global (wasm.h).
    let Some(g) = (unsafe { g.as_ref() }) else { return };
    if out.is_null() {
        return;
    }
    crate::guard(
        |_| (),
        || {
            // SAFETY: the global's store is live and this thread's (wasm.h).
            let v = unsafe { g.e.with(|ctx| g.silo().get(ctx)) };
            if let Ok(v) = wasm_val_t::from_silo(&v, g.e.store()) {
                // SAFETY: `out` is room for a value (wasm.h).
                unsafe { out.write(v) };
            }
        },
    )
}

/// Sets a mutable global. Nothing happens if the global is immutable or the value of the wrong
/// type (the standard gives no way to report it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_global_set(g: *mut wasm_global_t, value: *const wasm_val_t) {
    // SAFETY: each is NULL or live (wasm.h).
    let (Some(g), Some(value)) = (unsafe { g.as_ref() }, unsafe { value.as_ref() }) else { return };
    crate::guard(
        |_| (),
        || {
            // SAFETY: the value's reference, if any, is live (wasm.h).
            if let Ok(v) = unsafe { value.silo_val() } {
                // SAFETY: the global's store is live and this thread's (wasm.h).
                let _ = unsafe { g.e.with(|ctx| g.silo().set(ctx, v)) };
            }
        },
    )
}

/// The value a reference stands for in a table of element type `element` (NULL is null).
///
/// # Safety
/// `r` is NULL or a live reference.
unsafe fn table_val(element: silo::RefType, r: *const wasm_ref_t) -> Option<Val> {
    // SAFETY: this fn's contract.
    match unsafe { r.as_ref() }.map(|r| r.item) {
        None => Some(Val::null_of(element)),
        Some(RefItem::Extern(Extern::Func(f))) => Some(Val::FuncRef(Some(f))),
        Some(RefItem::Foreign(e)) => Some(Val::ExternRef(Some(e))),
        Some(_) => None,
    }
}

/// A new table of `store` whose elements start as `init` (NULL: null). NULL on NULL `store` or
/// `ty`, or an `init` of the wrong type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    // SAFETY: `ty` is NULL or live (wasm.h).
    let Some(ty) = (unsafe { ty.as_ref() }) else { return std::ptr::null_mut() };
    if store.is_null() {
        return std::ptr::null_mut();
    }
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            let ty = ty.silo();
            // SAFETY: `init` is NULL or a live reference (wasm.h).
            let Some(init) = (unsafe { table_val(ty.element, init) }) else {
                return std::ptr::null_mut();
            };
            // SAFETY: `store` is live and this thread's (wasm.h).
            match unsafe { wasm_store_t::with(store, |ctx| Table::new(ctx, ty, init)) } {
                Ok(t) => crate::into_raw(wasm_table_t {
                    e: wasm_extern_t::new(store, Extern::Table(t), None),
                }),
                Err(_) => std::ptr::null_mut(),
            }
        },
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live table (wasm.h).
    let Some(t) = (unsafe { t.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: the table's store is live and this thread's (wasm.h).
            let ty = unsafe { t.e.with(|ctx| t.silo().ty(&ctx)) };
            crate::into_raw(wasm_tabletype_t::from_silo(ty))
        },
    )
}

/// The element at `index` as a new reference the caller owns; NULL if it is null or `index`
/// is out of bounds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_get(t: *const wasm_table_t, index: u32) -> *mut wasm_ref_t {
    // SAFETY: `t` is NULL or a live table (wasm.h).
    let Some(t) = (unsafe { t.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: the table's store is live and this thread's (wasm.h).
            let v = unsafe { t.e.with(|ctx| t.silo().get(&ctx, u64::from(index))) };
            let item = match v {
                Some(Val::FuncRef(Some(f))) => RefItem::Extern(Extern::Func(f)),
                Some(Val::ExternRef(Some(e))) => RefItem::Foreign(e),
                _ => return std::ptr::null_mut(),
            };
            crate::into_raw(wasm_ref_t::new(t.e.store(), item))
        },
    )
}

/// Sets the element at `index` to `r` (NULL: null). False if out of bounds or of the wrong type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_set(
    t: *mut wasm_table_t,
    index: u32,
    r: *mut wasm_ref_t,
) -> bool {
    // SAFETY: `t` is NULL or a live table (wasm.h).
    let Some(t) = (unsafe { t.as_ref() }) else { return false };
    crate::guard(
        |_| false,
        || {
            // SAFETY: the table's store is live and this thread's (wasm.h); `r` is NULL or live.
            unsafe {
                t.e.with(|mut ctx| {
                    let table = t.silo();
                    let Some(v) = table_val(table.ty(&ctx).element, r) else { return false };
                    table.set(&mut ctx, u64::from(index), v).is_ok()
                })
            }
        },
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_size(t: *const wasm_table_t) -> u32 {
    // SAFETY: `t` is NULL or a live table (wasm.h).
    let Some(t) = (unsafe { t.as_ref() }) else { return 0 };
    crate::guard(
        |_| 0,
        // SAFETY: the table's store is live and this thread's (wasm.h).
        || u32::try_from(unsafe { t.e.with(|ctx| t.silo().size(&ctx)) }).unwrap_or(u32::MAX),
    )
}

/// Grows the table by `delta` elements set to `init` (NULL: null). False if refused.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_table_grow(
    t: *mut wasm_table_t,
    delta: u32,
    init: *mut wasm_ref_t,
) -> bool {
    // SAFETY: `t` is NULL or a live table (wasm.h).
    let Some(t) = (unsafe { t.as_ref() }) else { return false };
    crate::guard(
        |_| false,
        || {
            // SAFETY: the table's store is live and this thread's (wasm.h); `init` is NULL or
            // live.
            unsafe {
                t.e.with(|mut ctx| {
                    let table = t.silo();
                    let Some(v) = table_val(table.ty(&ctx).element, init) else { return false };
                    table.grow(&mut ctx, u64::from(delta), v).is_ok()
                })
            }
        },
    )
}

/// A new memory of `store`. NULL on NULL arguments or if it cannot be made.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_new(
    store: *mut wasm_store_t,
    ty: *const wasm_memorytype_t,
) -> *mut wasm_memory_t {
    // SAFETY: `ty` is NULL or live (wasm.h).
    let Some(ty) = (unsafe { ty.as_ref() }) else { return std::ptr::null_mut() };
    if store.is_null() {
        return std::ptr::null_mut();
    }
    crate::guard(
        |_| std::ptr::null_mut(),
        // SAFETY: `store` is live and this thread's (wasm.h).
        || match unsafe { wasm_store_t::with(store, |ctx| Memory::new(ctx, ty.silo())) } {
            Ok(m) => crate::into_raw(wasm_memory_t {
                e: wasm_extern_t::new(store, Extern::Memory(m), None),
            }),
            Err(_) => std::ptr::null_mut(),
        },
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    // SAFETY: `m` is NULL or a live memory (wasm.h).
    let Some(m) = (unsafe { m.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: the memory's store is live and this thread's (wasm.h).
            let ty = unsafe { m.e.with(|ctx| m.silo().ty(&ctx)) };
            crate::into_raw(wasm_memorytype_t::from_silo(ty))
        },
    )
}

/// The memory's first byte. Valid until the memory grows or its store is deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut u8 {
    // SAFETY: `m` is NULL or a live memory (wasm.h).
    let Some(m) = (unsafe { m.as_ref() }) else { return std::ptr::null_mut() };
    crate::guard(
        |_| std::ptr::null_mut(),
        // SAFETY: the memory's store is live and this thread's (wasm.h).
        || unsafe { m.e.with(|ctx| m.silo().data_mut(ctx).as_mut_ptr()) },
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    // SAFETY: `m` is NULL or a live memory (wasm.h).
    let Some(m) = (unsafe { m.as_ref() }) else { return 0 };
    // SAFETY: the memory's store is live and this thread's (wasm.h).
    crate::guard(|_| 0, || unsafe { m.e.with(|ctx| m.silo().data_size(&ctx)) })
}

/// The memory's size in pages.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> u32 {
    // SAFETY: `m` is NULL or a live memory (wasm.h).
    let Some(m) = (unsafe { m.as_ref() }) else { return 0 };
    crate::guard(
        |_| 0,
        // SAFETY: the memory's store is live and this thread's (wasm.h).
        || u32::try_from(unsafe { m.e.with(|ctx| m.silo().size(&ctx)) }).unwrap_or(u32::MAX),
    )
}

/// Grows the memory by `delta` pages. False if refused (maximum, quota, or no memory).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memory_grow(m: *mut wasm_memory_t, delta: u32) -> bool {
    // SAFETY: `m` is NULL or a live memory (wasm.h).
    let Some(m) = (unsafe { m.as_ref() }) else { return false };
    crate::guard(
        |_| false,
        // SAFETY: the memory's store is live and this thread's (wasm.h).
        || unsafe { m.e.with(|ctx| m.silo().grow(ctx, u64::from(delta)).is_ok()) },
    )
}
