//! The type objects: value types, function types, global, table and memory types, limits, and
//! extern types. As in the standard, a function (global, table, memory) type *is* an extern type:
//! `wasm_functype_t` is a transparent wrapper of `wasm_externtype_t`, so `wasm_functype_as_
//! externtype` is a cast and `wasm_externtype_as_functype` a checked cast.

use silo::{FuncType, GlobalType, HeapType, MemoryType, TableType, ValType};

use crate::vec::{OwnedVec, WasmVec, wasm_valtype_vec_t};

pub(crate) const WASM_I32: u8 = 0;
pub(crate) const WASM_I64: u8 = 1;
pub(crate) const WASM_F32: u8 = 2;
pub(crate) const WASM_F64: u8 = 3;
/// Silo's extension (`SILO_V128` in silo.h): the standard has no kind for `v128`.
pub(crate) const SILO_V128: u8 = 4;
pub(crate) const WASM_EXTERNREF: u8 = 128;
pub(crate) const WASM_FUNCREF: u8 = 129;
/// Silo's extension (`SILO_OTHERREF`): a reference type the standard cannot name (GC types).
pub(crate) const SILO_OTHERREF: u8 = 130;

pub(crate) const WASM_EXTERN_FUNC: u8 = 0;
pub(crate) const WASM_EXTERN_GLOBAL: u8 = 1;
pub(crate) const WASM_EXTERN_TABLE: u8 = 2;
pub(crate) const WASM_EXTERN_MEMORY: u8 = 3;

const WASM_CONST: u8 = 0;
const WASM_VAR: u8 = 1;

/// The kind the C API gives a Silo value type.
pub(crate) fn kind_of(ty: ValType) -> u8 {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => SILO_V128,
        ValType::Ref(r) => match r.abstract_top() {
            Some(HeapType::Func) if r.nullable => WASM_FUNCREF,
            Some(HeapType::Extern) if r.nullable => WASM_EXTERNREF,
            _ => SILO_OTHERREF,
        },
    }
}

/// The Silo value type of a C kind, if it names one.
pub(crate) fn type_of_kind(kind: u8) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        SILO_V128 => ValType::V128,
        WASM_EXTERNREF => ValType::EXTERNREF,
        WASM_FUNCREF => ValType::FUNCREF,
        _ => return None,
    })
}

/// `wasm_limits_t`: sizes in pages or elements; `max` is `0xffffffff` for "no maximum".
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

const LIMITS_MAX_DEFAULT: u32 = u32::MAX;

impl wasm_limits_t {
    fn of(initial: u64, maximum: Option<u64>) -> wasm_limits_t {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        wasm_limits_t { min: clamp(initial), max: maximum.map_or(LIMITS_MAX_DEFAULT, clamp) }
    }

    fn maximum(&self) -> Option<u64> {
        (self.max != LIMITS_MAX_DEFAULT).then_some(u64::from(self.max))
    }
}

/// A value type.
#[derive(Clone, Debug)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

/// What an extern type holds, by kind.
#[derive(Clone)]
pub(crate) enum ExternTypeData {
    Func {
        params: OwnedVec<*mut wasm_valtype_t>,
        results: OwnedVec<*mut wasm_valtype_t>,
        ty: FuncType,
    },
    Global {
        content: wasm_valtype_t,
        ty: GlobalType,
    },
    Table {
        element: wasm_valtype_t,
        limits: wasm_limits_t,
        ty: TableType,
    },
    Memory {
        limits: wasm_limits_t,
        ty: MemoryType,
    },
}

/// The type of an import or export. Every other type object but `wasm_valtype_t` is one.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_externtype_t {
    pub(crate) data: ExternTypeData,
}

macro_rules! subtype {
    ($name:ident) => {
        /// An extern type of one kind (a transparent wrapper, so that casts are free).
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $name {
            pub(crate) ext: wasm_externtype_t,
        }
    };
}
subtype!(wasm_functype_t);
subtype!(wasm_globaltype_t);
subtype!(wasm_tabletype_t);
subtype!(wasm_memorytype_t);

fn valtype_vec(types: &[ValType]) -> OwnedVec<*mut wasm_valtype_t> {
    let items = types.iter().map(|&ty| crate::into_raw(wasm_valtype_t { ty })).collect();
    OwnedVec(WasmVec::from_vec(items))
}

impl wasm_externtype_t {
    /// The C type of an import or export of type `ty`, or `None` for a tag.
    pub(crate) fn from_entity(info: &silo::loader::Module, ty: &silo::EntityType) -> Option<Self> {
        Some(match ty {
            silo::EntityType::Func(index) => {
                wasm_functype_t::from_silo(info.func_type(*index)?.clone()).ext
            }
            silo::EntityType::Table(t) => wasm_tabletype_t::from_silo(*t).ext,
            silo::EntityType::Memory(m) => wasm_memorytype_t::from_silo(*m).ext,
            silo::EntityType::Global(g) => wasm_globaltype_t::from_silo(*g).ext,
            silo::EntityType::Tag(_) => return None,
        })
    }

    pub(crate) fn kind(&self) -> u8 {
        match self.data {
            ExternTypeData::Func { .. } => WASM_EXTERN_FUNC,
            ExternTypeData::Global { .. } => WASM_EXTERN_GLOBAL,
            ExternTypeData::Table { .. } => WASM_EXTERN_TABLE,
            ExternTypeData::Memory { .. } => WASM_EXTERN_MEMORY,
        }
    }
}

impl wasm_functype_t {
    pub(crate) fn from_silo(ty: FuncType) -> wasm_functype_t {
        let data = ExternTypeData::Func {
            params: valtype_vec(&ty.params),
            results: valtype_vec(&ty.results),
            ty,
        };
        wasm_functype_t { ext: wasm_externtype_t { data } }
    }

    pub(crate) fn silo(&self) -> &FuncType {
        match &self.ext.data {
            ExternTypeData::Func { ty, .. } => ty,
            _ => unreachable!("a function type holds a function type"),
        }
    }

    fn vecs(&self) -> (&wasm_valtype_vec_t, &wasm_valtype_vec_t) {
        match &self.ext.data {
            ExternTypeData::Func { params, results, .. } => (&params.0, &results.0),
            _ => unreachable!("a function type holds a function type"),
        }
    }
}

impl wasm_globaltype_t {
    pub(crate) fn from_silo(ty: GlobalType) -> wasm_globaltype_t {
        let data = ExternTypeData::Global { content: wasm_valtype_t { ty: ty.content }, ty };
        wasm_globaltype_t { ext: wasm_externtype_t { data } }
    }

    pub(crate) fn silo(&self) -> GlobalType {
        match &self.ext.data {
            ExternTypeData::Global { ty, .. } => *ty,
            _ => unreachable!("a global type holds a global type"),
        }
    }
}

impl wasm_tabletype_t {
    pub(crate) fn from_silo(ty: TableType) -> wasm_tabletype_t {
        let data = ExternTypeData::Table {
            element: wasm_valtype_t { ty: ValType::Ref(ty.element) },
            limits: wasm_limits_t::of(ty.initial, ty.maximum),
            ty,
        };
        wasm_tabletype_t { ext: wasm_externtype_t { data } }
    }

    pub(crate) fn silo(&self) -> TableType {
        match &self.ext.data {
            ExternTypeData::Table { ty, .. } => *ty,
            _ => unreachable!("a table type holds a table type"),
        }
    }
}

impl wasm_memorytype_t {
    pub(crate) fn from_silo(ty: MemoryType) -> wasm_memorytype_t {
        let data = ExternTypeData::Memory { limits: wasm_limits_t::of(ty.initial, ty.maximum), ty };
        wasm_memorytype_t { ext: wasm_externtype_t { data } }
    }

    pub(crate) fn silo(&self) -> MemoryType {
        match &self.ext.data {
            ExternTypeData::Memory { ty, .. } => *ty,
            _ => unreachable!("a memory type holds a memory type"),
        }
    }
}

/// Deletes a boxed object handed to C, if not NULL.
///
/// # Safety
/// `p` is NULL or a `Box<T>` this library handed out and nothing else owns.
pub(crate) unsafe fn delete_boxed<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: a non-NULL `p` is a box we own now (this fn's contract).
        drop(unsafe { Box::from_raw(p) });
    }
}

/// A copy of a boxed object, or NULL for NULL.
///
/// # Safety
/// `p` is NULL or a live object.
pub(crate) unsafe fn copy_boxed<T: Clone>(p: *const T) -> *mut T {
    // SAFETY: `p` is NULL or live (this fn's contract).
    match unsafe { p.as_ref() } {
        Some(x) => crate::into_raw(x.clone()),
        None => std::ptr::null_mut(),
    }
}

/// Writes `_delete` and `_copy` for a type object.
macro_rules! delete_copy {
    ($t:ty, $delete:ident, $copy:ident) => {
        /// Deletes the object (NULL is ignored).
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $delete(p: *mut $t) {
            // SAFETY: `p` is NULL or an object this library handed out, now given back (wasm.h).
            unsafe { $crate::types::delete_boxed(p) }
        }

        /// A new copy of the object (NULL for NULL).
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $copy(p: *const $t) -> *mut $t {
            // SAFETY: `p` is NULL or a live object (wasm.h).
            unsafe { $crate::types::copy_boxed(p) }
        }
    };
}
pub(crate) use delete_copy;

delete_copy!(wasm_valtype_t, wasm_valtype_delete, wasm_valtype_copy);
delete_copy!(wasm_functype_t, wasm_functype_delete, wasm_functype_copy);
delete_copy!(wasm_globaltype_t, wasm_globaltype_delete, wasm_globaltype_copy);
delete_copy!(wasm_tabletype_t, wasm_tabletype_delete, wasm_tabletype_copy);
delete_copy!(wasm_memorytype_t, wasm_memorytype_delete, wasm_memorytype_copy);
delete_copy!(wasm_externtype_t, wasm_externtype_delete, wasm_externtype_copy);

/// A value type of kind `kind`; NULL if the kind is not one the standard (or silo.h) defines.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_valtype_new(kind: u8) -> *mut wasm_valtype_t {
    match type_of_kind(kind) {
        Some(ty) => crate::into_raw(wasm_valtype_t { ty }),
        None => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> u8 {
    // SAFETY: `t` is NULL or a live value type (wasm.h).
    unsafe { t.as_ref() }.map_or(WASM_I32, |t| kind_of(t.ty))
}

/// A function type taking over the value types of `params` and `results` (the vectors are left
/// empty). NULL if either is NULL or holds a NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    // SAFETY: each is NULL or a live vector this library made, whose elements move to us (wasm.h).
    let (Some(params), Some(results)) = (unsafe { params.as_mut() }, unsafe { results.as_mut() })
    else {
        return std::ptr::null_mut();
    };
    let take = |v: &mut wasm_valtype_vec_t| -> Option<Vec<ValType>> {
        // SAFETY: the vector is this library's and owns its elements (wasm.h).
        let items = unsafe { v.take() };
        let types = items
            .iter()
            // SAFETY: each element is NULL or a live value type we now own.
            .map(|&p| unsafe { p.as_ref() }.map(|t| t.ty))
            .collect::<Option<Vec<_>>>();
        for p in items {
            // SAFETY: the elements are ours (taken above) and deleted once.
            unsafe { delete_boxed(p) };
        }
        types
    };
    match (take(params), take(results)) {
        (Some(p), Some(r)) => crate::into_raw(wasm_functype_t::from_silo(FuncType::new(p, r))),
        _ => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_params(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    // SAFETY: `t` is NULL or a live function type (wasm.h); the vector lives as long as it.
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| t.vecs().0)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_functype_results(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    // SAFETY: `t` is NULL or a live function type (wasm.h); the vector lives as long as it.
    unsafe { t.as_ref() }.map_or(std::ptr::null(), |t| t.vecs().1)
}

/// A global type taking over `content`. NULL if `content` is NULL, a reference type other than
/// funcref/externref, or `mutability` is neither `WASM_CONST` nor `WASM_VAR`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: u8,
) -> *mut wasm_globaltype_t {
    if content.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `content` is a value type this library handed out, now given to us (wasm.h).
    let content = unsafe { Box::from_raw(content) };
    let mutable = match mutability {
        WASM_CONST => false,
        WASM_VAR => true,
        _ => return std::ptr::null_mut(),
    };
    crate::into_raw(wasm_globaltype_t::from_silo(GlobalType { content: content.ty, mutable }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_content(
    t: *const wasm_globaltype_t,
) -> *const wasm_valtype_t {
    // SAFETY: `t` is NULL or a live global type (wasm.h).
    match unsafe { t.as_ref() }.map(|t| &t.ext.data) {
        Some(ExternTypeData::Global { content, .. }) => content,
        _ => std::ptr::null(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_globaltype_mutability(t: *const wasm_globaltype_t) -> u8 {
    // SAFETY: `t` is NULL or a live global type (wasm.h).
    match unsafe { t.as_ref() } {
        Some(t) if t.silo().mutable => WASM_VAR,
        _ => WASM_CONST,
    }
}

/// A table type taking over `element` (which must be a reference type). NULL on NULL arguments
/// or a non-reference element.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    if element.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: `element` is a value type this library handed out, now given to us (wasm.h).
    let element = unsafe { Box::from_raw(element) };
    // SAFETY: `limits` is NULL or live (wasm.h).
    let (Some(limits), ValType::Ref(element)) = (unsafe { limits.as_ref() }, element.ty) else {
        return std::ptr::null_mut();
    };
    let ty = TableType {
        element,
        index64: false,
        initial: u64::from(limits.min),
        maximum: limits.maximum(),
    };
    crate::into_raw(wasm_tabletype_t::from_silo(ty))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_element(
    t: *const wasm_tabletype_t,
) -> *const wasm_valtype_t {
    // SAFETY: `t` is NULL or a live table type (wasm.h).
    match unsafe { t.as_ref() }.map(|t| &t.ext.data) {
        Some(ExternTypeData::Table { element, .. }) => element,
        _ => std::ptr::null(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    // SAFETY: `t` is NULL or a live table type (wasm.h).
    match unsafe { t.as_ref() }.map(|t| &t.ext.data) {
        Some(ExternTypeData::Table { limits, .. }) => limits,
        _ => std::ptr::null(),
    }
}

/// A memory type of 64 KiB pages. NULL if `limits` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: *const wasm_limits_t,
) -> *mut wasm_memorytype_t {
    // SAFETY: `limits` is NULL or live (wasm.h).
    let Some(limits) = (unsafe { limits.as_ref() }) else { return std::ptr::null_mut() };
    let ty = MemoryType::new64(u64::from(limits.min), limits.maximum());
    crate::into_raw(wasm_memorytype_t::from_silo(MemoryType { index64: false, ..ty }))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_memorytype_limits(
    t: *const wasm_memorytype_t,
) -> *const wasm_limits_t {
    // SAFETY: `t` is NULL or a live memory type (wasm.h).
    match unsafe { t.as_ref() }.map(|t| &t.ext.data) {
        Some(ExternTypeData::Memory { limits, .. }) => limits,
        _ => std::ptr::null(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> u8 {
    // SAFETY: `t` is NULL or a live extern type (wasm.h).
    unsafe { t.as_ref() }.map_or(WASM_EXTERN_FUNC, |t| t.kind())
}

/// Writes the casts between an extern type and one of its kinds (mutable and const forms).
macro_rules! externtype_casts {
    ($t:ty, $kind:expr, $up:ident, $up_const:ident, $down:ident, $down_const:ident) => {
        /// The same object, as an extern type.
        #[unsafe(no_mangle)]
        pub extern "C" fn $up(t: *mut $t) -> *mut wasm_externtype_t {
            t.cast()
        }

        /// The same object, as an extern type.
        #[unsafe(no_mangle)]
        pub extern "C" fn $up_const(t: *const $t) -> *const wasm_externtype_t {
            t.cast()
        }

        /// The same object, as its kind; NULL if it is of another kind.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $down(t: *mut wasm_externtype_t) -> *mut $t {
            // SAFETY: `t` is NULL or a live extern type (wasm.h); the kinds are transparent
            // wrappers of it, so the cast is exact once the kind matches.
            match unsafe { t.as_ref() } {
                Some(e) if e.kind() == $kind => t.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        /// The same object, as its kind; NULL if it is of another kind.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $down_const(t: *const wasm_externtype_t) -> *const $t {
            // SAFETY: as for the mutable form.
            match unsafe { t.as_ref() } {
                Some(e) if e.kind() == $kind => t.cast(),
                _ => std::ptr::null(),
            }
        }
    };
}

externtype_casts!(
    wasm_functype_t,
    WASM_EXTERN_FUNC,
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
externtype_casts!(
    wasm_globaltype_t,
    WASM_EXTERN_GLOBAL,
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
externtype_casts!(
    wasm_tabletype_t,
    WASM_EXTERN_TABLE,
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
externtype_casts!(
    wasm_memorytype_t,
    WASM_EXTERN_MEMORY,
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in [WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF] {
            assert_eq!(kind_of(type_of_kind(kind).unwrap()), kind);
        }
        assert_eq!(type_of_kind(7), None);
        assert_eq!(WASM_EXTERNREF, 128);
        assert_eq!(WASM_FUNCREF, 129);
    }

    #[test]
    fn functype_casts_and_accessors() {
        let params = [wasm_valtype_new(WASM_I32), wasm_valtype_new(WASM_F64)];
        let mut params_vec = WasmVec::from_vec(params.to_vec());
        let mut results_vec = WasmVec::<*mut wasm_valtype_t>::empty();
        // SAFETY: both vectors were made here and own their elements.
        let f = unsafe { wasm_functype_new(&mut params_vec, &mut results_vec) };
        assert!(!f.is_null());
        assert_eq!(params_vec.size, 0);
        let ext = wasm_functype_as_externtype(f);
        // SAFETY: `ext` is the live function type made above.
        unsafe {
            assert_eq!(wasm_externtype_kind(ext), WASM_EXTERN_FUNC);
            assert!(wasm_externtype_as_globaltype(ext).is_null());
            assert_eq!(wasm_externtype_as_functype(ext), f);
            assert_eq!((*wasm_functype_params(f)).size, 2);
            wasm_functype_delete(f);
        }
    }

    #[test]
    fn limits_without_maximum() {
        let limits = wasm_limits_t::of(1, None);
        assert_eq!(limits.max, u32::MAX);
        assert_eq!(limits.maximum(), None);
    }
}
