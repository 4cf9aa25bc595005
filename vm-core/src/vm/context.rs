//! The per-instance context native code runs with.

use std::sync::atomic::AtomicPtr;

use super::builtins::Builtins;
use crate::func::FuncEntity;
use crate::global::GlobalEntity;
use crate::instance::InstanceData;
use crate::memory::MemoryEntity;
use crate::registry::TypeId;
use crate::store::StoreOpaque;
use crate::table::TableEntity;

/// What native code knows of its instance. Lives inside the instance, at a fixed address, and is
/// filled in before any of the instance's code can run. Every pointer is into the instance, its
/// module or its store, all of which outlive the instance's code.
#[repr(C)]
pub struct VMContext {
    pub(crate) store: *mut StoreOpaque,
    pub(crate) instance: *const InstanceData,
    pub(crate) builtins: *const Builtins,
    /// The function index space: imports, then the instance's own functions.
    pub(crate) funcs: *const *const FuncEntity,
    pub(crate) memories: *const *mut MemoryEntity,
    pub(crate) tables: *const *mut TableEntity,
    pub(crate) globals: *const *mut GlobalEntity,
    /// The tag index space (each entry's store-wide number is at `TAG_ID`).
    pub(crate) tags: *const *const crate::tag::TagEntity,
    /// Canonical id of each type of the module.
    pub(crate) type_ids: *const TypeId,
    /// Native code of each function the module defines; null while it has none.
    pub(crate) native: *const AtomicPtr<u8>,
    /// The store's fuel and interrupt budget (`Meter::budget`).
    pub(crate) budget: *mut i64,
    /// The lowest native stack address code may use (set on entry to native code).
    pub(crate) stack_limit: *mut usize,
    /// The store's count of active calls and its call-depth quota.
    pub(crate) call_depth: *mut crate::store::CallDepth,
    /// The store's record of where native code last called out (see `vm::exit`).
    pub(crate) native_exit: *mut super::NativeExit,
    /// The store's list of native frames' records (`vm::deopt`).
    pub(crate) deopt_top: *mut *const super::DeoptRecord,
    /// The store's garbage-collected heap: a cell holding its allocation pointer (base, top),
    /// null until the heap exists.
    pub(crate) gc_bump: *const *mut silo_gc::Bump,
    /// Memory 0 (null if the instance has no memory), and its first byte when it is a 32-bit
    /// memory, which never moves: the most common access needs a single load to find it.
    pub(crate) memory0: *mut MemoryEntity,
    pub(crate) memory0_base: *mut u8,
}

impl VMContext {
    /// A context pointing nowhere, filled in when its instance is complete.
    pub(crate) fn empty() -> VMContext {
        VMContext {
            store: std::ptr::null_mut(),
            instance: std::ptr::null(),
            builtins: std::ptr::null(),
            funcs: std::ptr::null(),
            memories: std::ptr::null(),
            tables: std::ptr::null(),
            globals: std::ptr::null(),
            tags: std::ptr::null(),
            type_ids: std::ptr::null(),
            native: std::ptr::null(),
            budget: std::ptr::null_mut(),
            stack_limit: std::ptr::null_mut(),
            call_depth: std::ptr::null_mut(),
            native_exit: std::ptr::null_mut(),
            deopt_top: std::ptr::null_mut(),
            gc_bump: std::ptr::null(),
            memory0: std::ptr::null_mut(),
            memory0_base: std::ptr::null_mut(),
        }
    }

    /// The store's native stack limit: the entry to native code sets it.
    ///
    /// # Safety
    /// `vmctx` must point to the context of a live instance, filled in (instantiation fills it in
    /// before any of the instance's code can run, so every context code runs with is).
    pub unsafe fn stack_limit_cell(vmctx: *const VMContext) -> *mut usize {
        // SAFETY: `vmctx` points to a live instance's context (this function's contract), a field
        // of the instance, so its `stack_limit` field may be read; filled in, it points to the
        // `native_stack_limit` field of the instance's live store.
        unsafe { (*vmctx).stack_limit }
    }
}
