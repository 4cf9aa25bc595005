//! The builtins of the GC instructions native code does not inline: allocation when the inline
//! bump finds no room (it may collect), arrays from segments, the bulk array instructions and
//! casts. Field and element accesses and the common allocation are inline (the object layouts
//! and the heap's allocation pointer are in reach of the `VMContext`).
//!
//! Values cross in raw slot form (see `runtime::gc`); an allocation returns the new reference, or
//! 0 (null, which no allocation returns) after leaving its trap. Their contract is the builtins'
//! (see `builtins`).

use silo_gc::{FieldKind, GcRef};

use super::builtins::{leave_trap, parts, status};
use super::context::VMContext;
use crate::runtime::gc as rt;
use crate::runtime::gc_ops::{self as ops, ArrayBulk, ArrayInit};
use crate::store::StoreOpaque;
use crate::trap::Trap;

/// Slots per value of `kind`.
fn width(kind: FieldKind) -> usize {
    if kind == FieldKind::V128 { 2 } else { 1 }
}

/// The raw reference, or 0 after leaving the trap.
///
/// # Safety
/// As for `leave_trap`: `store` is the whole live store of the running code, no reference into it
/// live.
unsafe fn allocated(store: *mut StoreOpaque, result: Result<GcRef, Trap>) -> u64 {
    match result {
        Ok(r) => u64::from(r.raw()),
        Err(trap) => {
            // SAFETY: this function's contract is `leave_trap`'s.
            unsafe { leave_trap(store, trap) };
            0
        }
    }
}

/// `n` slots at `ptr`.
///
/// # Safety
/// `ptr` points to `n` readable slots that nothing writes meanwhile.
unsafe fn slots<'a>(ptr: *const u8, n: usize) -> &'a [u64] {
    // SAFETY: this function's contract.
    unsafe { std::slice::from_raw_parts(ptr.cast::<u64>(), n) }
}

/// # Safety
/// The builtins' contract; `ty` is a struct type of the module (`array` 0) or an array type
/// (`array` 1).
pub(super) unsafe extern "C" fn gc_alloc(
    vmctx: *mut VMContext,
    ty: u32,
    len: u32,
    array: u32,
) -> u64 {
    // SAFETY: `vmctx` is a live instance's context whose store is lent to the running code with
    // no reference into it held (the builtins' contract).
    unsafe {
        let (store, inst) = parts(vmctx);
        let id = rt::type_id(&*inst, ty);
        let result = match array {
            0 => rt::alloc_struct(&mut *store, id),
            _ => rt::alloc_array(&mut *store, id, len),
        };
        allocated(store, result)
    }
}

/// # Safety
/// The builtins' contract; `seg` is a data segment of the module (`elem` 0) or an element segment
/// (`elem` 1).
pub(super) unsafe extern "C" fn gc_array_new_segment(
    vmctx: *mut VMContext,
    ty: u32,
    seg: u32,
    offset: u32,
    len: u32,
    elem: u32,
) -> u64 {
    // SAFETY: as in `gc_alloc`.
    unsafe {
        let (store, inst) = parts(vmctx);
        let init = match elem {
            0 => ArrayInit::Data { seg, offset },
            _ => ArrayInit::Elem { seg, offset },
        };
        allocated(store, ops::array_new(&mut *store, &*inst, ty, len, init))
    }
}

/// Runs a bulk array instruction; 1, or 0 after leaving the trap.
///
/// # Safety
/// The builtins' contract (`vmctx`), and the segment in `op`, if any, is the module's.
unsafe fn bulk(vmctx: *mut VMContext, op: ArrayBulk<'_>) -> u32 {
    // SAFETY: as in `gc_alloc`.
    unsafe {
        let (store, inst) = parts(vmctx);
        let result = ops::array_bulk(&mut *store, &*inst, op);
        status(store, result.map_err(|c| crate::runtime::bulk::meter_trap(&mut *store, c)))
    }
}

/// # Safety
/// The builtins' contract; `value` holds one element's raw slots (two for a `v128`).
pub(super) unsafe extern "C" fn gc_array_fill(
    vmctx: *mut VMContext,
    arr: u64,
    idx: u32,
    value: *mut u8,
    len: u32,
) -> u32 {
    // SAFETY: `value` holds one element (this function's contract); the element's width comes
    // from the array itself, which is live (the store's, lent to the running code).
    unsafe {
        let (store, _) = parts(vmctx);
        let heap = (*store).gc.heap();
        let layout = heap.and_then(|h| rt::array_of(h, GcRef::from_raw(arr as u32)).ok());
        let n = layout.map_or(1, |l| width(l.elem_kind));
        bulk(vmctx, ArrayBulk::Fill { arr, idx, value: slots(value, n), len })
    }
}

/// # Safety
/// The builtins' contract.
pub(super) unsafe extern "C" fn gc_array_copy(
    vmctx: *mut VMContext,
    dst: u64,
    dst_idx: u32,
    src: u64,
    src_idx: u32,
    len: u32,
) -> u32 {
    // SAFETY: the builtins' contract, which this function's is.
    unsafe { bulk(vmctx, ArrayBulk::Copy { dst, dst_idx, src, src_idx, len }) }
}

/// # Safety
/// The builtins' contract; `seg` is a data segment of the module.
pub(super) unsafe extern "C" fn gc_array_init_data(
    vmctx: *mut VMContext,
    seg: u32,
    arr: u64,
    idx: u32,
    offset: u32,
    len: u32,
) -> u32 {
    // SAFETY: the builtins' contract, with a data segment of the module (this function's).
    unsafe { bulk(vmctx, ArrayBulk::InitData { seg, arr, idx, offset, len }) }
}

/// # Safety
/// The builtins' contract; `seg` is an element segment of the module.
pub(super) unsafe extern "C" fn gc_array_init_elem(
    vmctx: *mut VMContext,
    seg: u32,
    arr: u64,
    idx: u32,
    offset: u32,
    len: u32,
) -> u32 {
    // SAFETY: the builtins' contract, with an element segment of the module (this function's).
    unsafe { bulk(vmctx, ArrayBulk::InitElem { seg, arr, idx, offset, len }) }
}

/// # Safety
/// The builtins' contract; `target` is a cast target of the module (`vm::gc_refs::cast_target`).
pub(super) unsafe extern "C" fn gc_ref_test(vmctx: *mut VMContext, raw: u64, target: u32) -> u32 {
    // SAFETY: the store and instance are live and only read here (the builtins' contract).
    unsafe {
        let (store, inst) = parts(vmctx);
        u32::from(rt::ref_test(&*store, &*inst, raw, target))
    }
}

/// # Safety
/// The builtins' contract.
pub(super) unsafe extern "C" fn gc_remember(vmctx: *mut VMContext, obj: u64) {
    // SAFETY: the store is live and lent to the running code with no reference into it held
    // (the builtins' contract).
    unsafe {
        let (store, _) = parts(vmctx);
        if let Some(heap) = (*store).gc.existing_heap_mut() {
            heap.remember(GcRef::from_raw(obj as u32));
        }
    }
}

/// # Safety
/// The builtins' contract; `raw` and `desc` are non-null references.
pub(super) unsafe extern "C" fn gc_desc_eq(vmctx: *mut VMContext, raw: u64, desc: u64) -> u32 {
    // SAFETY: the store is live and only read here (the builtins' contract).
    unsafe {
        let (store, _) = parts(vmctx);
        u32::from(rt::descriptor_of(&*store, raw) == Some(desc))
    }
}
