//! Byte offsets of the fields native code reads, in the structures it reads them from.

use std::mem::offset_of;

use super::builtins::Builtins;
use super::context::VMContext;
use super::exit::NativeExit;
use crate::func::FuncEntity;
use crate::global::GlobalEntity;
use crate::memory::MemoryEntity;
use crate::store::CallDepth;
use crate::table::TableEntity;

/// `VMContext` → the `*const *const FuncEntity` of the function index space.
pub const VMCTX_FUNCS: i32 = offset_of!(VMContext, funcs) as i32;
/// `VMContext` → the `*const *mut MemoryEntity` of the memories.
pub const VMCTX_MEMORIES: i32 = offset_of!(VMContext, memories) as i32;
/// `VMContext` → the `*const *mut TableEntity` of the tables.
pub const VMCTX_TABLES: i32 = offset_of!(VMContext, tables) as i32;
/// `VMContext` → the `*const *mut GlobalEntity` of the globals.
pub const VMCTX_GLOBALS: i32 = offset_of!(VMContext, globals) as i32;
/// `VMContext` → the `*const *const TagEntity` of the tags.
pub const VMCTX_TAGS: i32 = offset_of!(VMContext, tags) as i32;
/// `TagEntity` → its store-wide number (`u32`), what an exception object records.
pub const TAG_ID: i32 = offset_of!(crate::tag::TagEntity, id) as i32;
/// `VMContext` → the `*const u32` canonical type ids of the module's types.
pub const VMCTX_TYPE_IDS: i32 = offset_of!(VMContext, type_ids) as i32;
/// `VMContext` → the `*const *const u8` native entry of each defined function (null if none).
pub const VMCTX_NATIVE: i32 = offset_of!(VMContext, native) as i32;
/// `VMContext` → the `*mut i64` fuel and interrupt budget.
pub const VMCTX_BUDGET: i32 = offset_of!(VMContext, budget) as i32;
/// `VMContext` → the `*mut usize` native stack limit.
pub const VMCTX_STACK_LIMIT: i32 = offset_of!(VMContext, stack_limit) as i32;
/// `VMContext` → the `*mut` call-depth record: active calls (`u64`) at `DEPTH_ACTIVE`, the quota
/// (`u64`) at `DEPTH_LIMIT`.
pub const VMCTX_CALL_DEPTH: i32 = offset_of!(VMContext, call_depth) as i32;
/// `VMContext` → the `*mut NativeExit` native code writes before it calls out of compiled code.
pub const VMCTX_NATIVE_EXIT: i32 = offset_of!(VMContext, native_exit) as i32;
/// `VMContext::deopt_top`: a pointer to the store's list of native frames' records.
pub const VMCTX_DEOPT_TOP: i32 = offset_of!(VMContext, deopt_top) as i32;
/// Exit record → the frame pointer of the frame that calls out.
pub const EXIT_FP: i32 = offset_of!(NativeExit, fp) as i32;
/// Exit record → that frame's stack pointer at the call.
pub const EXIT_SP: i32 = offset_of!(NativeExit, sp) as i32;
/// `VMContext` → `*const *mut Bump`: the cell holding the heap's allocation pointer (null until
/// the store has a heap; a non-null reference means it has).
pub const VMCTX_GC_BUMP: i32 = offset_of!(VMContext, gc_bump) as i32;
/// `Bump` → `*mut u8`, the heap's base (references are offsets from it).
pub const BUMP_BASE: i32 = silo_gc::BUMP_BASE_OFFSET as i32;
/// `Bump` → `u32`, the end of the allocated part of the heap: every object lies below it.
pub const BUMP_TOP: i32 = silo_gc::BUMP_TOP_OFFSET as i32;
/// `Bump` → `u32`, how far inline allocation may move the top before it must ask the runtime
/// (which collects, grows the heap, or under zeal collects at every allocation).
pub const BUMP_LIMIT: i32 = silo_gc::BUMP_LIMIT_OFFSET as i32;
/// `Bump` → `u32`, where the young generation starts: the write barrier remembers an object
/// below it into which a reference at or above it (not an `i31`) is stored.
pub const BUMP_OLD_TOP: i32 = silo_gc::BUMP_OLD_TOP_OFFSET as i32;
/// Call-depth record → active calls.
pub const DEPTH_ACTIVE: i32 = offset_of!(CallDepth, active) as i32;
/// Call-depth record → the quota.
pub const DEPTH_LIMIT: i32 = offset_of!(CallDepth, limit) as i32;
/// `VMContext` → `*mut MemoryEntity` of memory 0 (null if none).
pub const VMCTX_MEMORY0: i32 = offset_of!(VMContext, memory0) as i32;
/// `VMContext` → `*mut u8`, the first byte of memory 0 when it is a 32-bit memory (which never
/// moves).
pub const VMCTX_MEMORY0_BASE: i32 = offset_of!(VMContext, memory0_base) as i32;
/// `VMContext` → the `*const Builtins`.
pub const VMCTX_BUILTINS: i32 = offset_of!(VMContext, builtins) as i32;

/// `FuncEntity` → its canonical signature id (`u32`).
pub const FUNC_SIG: i32 = offset_of!(FuncEntity, sig) as i32;
/// `FuncEntity` → `*const u8`: its native entry, null while none is known (see `FuncEntity`).
pub const FUNC_CODE: i32 = offset_of!(FuncEntity, code) as i32;
/// `FuncEntity` → `*mut VMContext` of its instance (null for host functions).
pub const FUNC_VMCTX: i32 = offset_of!(FuncEntity, vmctx) as i32;

/// `MemoryEntity` → `*mut u8` first byte.
pub const MEMORY_BASE: i32 = offset_of!(MemoryEntity, base) as i32;
/// `MemoryEntity` → `usize` size in bytes.
pub const MEMORY_LEN: i32 = offset_of!(MemoryEntity, len) as i32;

/// `TableEntity` → `*mut u64` first element.
pub const TABLE_BASE: i32 = offset_of!(TableEntity, base) as i32;
/// `TableEntity` → `usize` number of elements.
pub const TABLE_LEN: i32 = offset_of!(TableEntity, len) as i32;

/// `GlobalEntity` → its raw value (`u64`).
pub const GLOBAL_VALUE: i32 = offset_of!(GlobalEntity, value) as i32;

/// Size of a `Builtins` entry.
pub(crate) const BUILTIN_SIZE: i32 = std::mem::size_of::<usize>() as i32;

const _: () = assert!(std::mem::size_of::<Builtins>().is_multiple_of(BUILTIN_SIZE as usize));
