//! Builtins: runtime functions native code calls through the table its `VMContext` points to.
//!
//! Each is an `extern "C"` function taking the caller's context first. A builtin that can fail
//! returns a failure value (0 for a `u32` status, null for a pointer, `GROW_TRAPPED` for a growth)
//! after leaving the trap in the store (`StoreOpaque::pending_trap`); native code then raises
//! [`super::TrapKind::Pending`], and the entry to native code hands that trap on. A host function
//! that panics is caught here, so that no unwinding crosses native frames, and the panic is
//! resumed once native code has been left.
//!
//! # Safety
//! The builtins' contract, which native code keeps and their `# Safety` sections refer to: `vmctx`
//! is the context native code runs with, the `VMContext` of a live instance, filled in (so its
//! `store` is the whole store that owns the instance, with provenance over all of it, and its
//! `instance` that instance); the store is lent exclusively to the running code, which holds no
//! reference into it across the call; and every index operand (memory, table, data or element
//! segment, type) is an index of the instance's module, as validation checked.

use std::ptr::NonNull;

use super::context::VMContext;
use super::exn_builtins::*;
use super::gc_builtins::*;
use crate::func::{FuncEntity, FuncKind};
use crate::limits::{Quota, QuotaHit, quota_trap};
use crate::runtime::{atomic, call, memory, table};
use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

/// What `memory_grow` and `table_grow` return when the growth trapped (a quota refused it and the
/// store's quotas say refusals trap). Never a size: sizes stay below 2^48.
pub const GROW_TRAPPED: u64 = u64::MAX - 1;

/// What the wait and notify builtins return when they trapped. Never a result: those fit in
/// 32 bits.
pub const ATOMIC_TRAPPED: u64 = u64::MAX;

/// The type of a builtin parameter or result, for building its native signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiType {
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    /// A pointer.
    Ptr,
}

macro_rules! abi {
    (vmctx) => {
        AbiType::Ptr
    };
    (ptr) => {
        AbiType::Ptr
    };
    (u32) => {
        AbiType::I32
    };
    (u64) => {
        AbiType::I64
    };
}

macro_rules! rust_ty {
    (vmctx) => { *mut VMContext };
    (ptr) => { *mut u8 };
    (u32) => { u32 };
    (u64) => { u64 };
}

macro_rules! builtins {
    ($( $(#[$doc:meta])* $variant:ident => $name:ident ( $($arg:ident : $ty:ident),* ) $(-> $ret:ident)? ;)*) => {
        /// The table of builtins, in `Builtin` order.
        #[repr(C)]
        pub struct Builtins {
            $( $name: unsafe extern "C" fn($(rust_ty!($ty)),*) $(-> rust_ty!($ret))?, )*
        }

        /// Every builtin.
        pub(crate) static BUILTINS: Builtins = Builtins { $( $name, )* };

        /// A builtin function native code may call.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Builtin {
            $( $(#[$doc])* $variant, )*
        }

        impl Builtin {
            /// Byte offset of its entry in the `Builtins` table.
            pub fn offset(self) -> i32 {
                self as i32 * super::offsets::BUILTIN_SIZE
            }

            /// Its parameter types (the caller's `VMContext` first) and result types, in the
            /// platform's C calling convention.
            pub fn signature(self) -> (&'static [AbiType], &'static [AbiType]) {
                match self {
                    $( Builtin::$variant => (&[$(abi!($ty)),*], &[$(abi!($ret))?]), )*
                }
            }

            /// The builtin's name, for listings of compiled code.
            pub fn name(self) -> &'static str {
                match self {
                    $( Builtin::$variant => stringify!($name), )*
                }
            }
        }
    };
}

builtins! {
    /// Calls any function (host, interpreted, or native through its trampoline) with the arguments
    /// in a slot array, which receives the results: `(vmctx, func, slots) -> ok`.
    CallEntity => call_entity(vmctx: vmctx, func: ptr, slots: ptr) -> u32;
    /// The slow path of a fuel or interrupt check: `(vmctx) -> ok`.
    MeterRefill => meter_refill(vmctx: vmctx) -> u32;
    /// `memory.grow`: `(vmctx, memory, delta) -> old pages, -1, or GROW_TRAPPED`.
    MemoryGrow => memory_grow(vmctx: vmctx, mem: u32, delta: u64) -> u64;
    /// `memory.fill`: `(vmctx, memory, dst, value, len) -> ok`.
    MemoryFill => memory_fill(vmctx: vmctx, mem: u32, dst: u64, value: u32, len: u64) -> u32;
    /// `memory.copy`: `(vmctx, dst memory, src memory, dst, src, len) -> ok`.
    MemoryCopy => memory_copy(vmctx: vmctx, dst_mem: u32, src_mem: u32, dst: u64, src: u64, len: u64) -> u32;
    /// `memory.init`: `(vmctx, memory, segment, dst, src, len) -> ok`.
    MemoryInit => memory_init(vmctx: vmctx, mem: u32, seg: u32, dst: u64, src: u32, len: u32) -> u32;
    /// `data.drop`: `(vmctx, segment)`.
    DataDrop => data_drop(vmctx: vmctx, seg: u32);
    /// `table.grow`: `(vmctx, table, init, delta) -> old size, -1, or GROW_TRAPPED`.
    TableGrow => table_grow(vmctx: vmctx, table: u32, init: u64, delta: u64) -> u64;
    /// `table.fill`: `(vmctx, table, start, value, len) -> ok`.
    TableFill => table_fill(vmctx: vmctx, table: u32, start: u64, value: u64, len: u64) -> u32;
    /// `table.copy`: `(vmctx, dst table, src table, dst, src, len) -> ok`.
    TableCopy => table_copy(vmctx: vmctx, dst_table: u32, src_table: u32, dst: u64, src: u64, len: u64) -> u32;
    /// `table.init`: `(vmctx, table, segment, dst, src, len) -> ok`.
    TableInit => table_init(vmctx: vmctx, table: u32, seg: u32, dst: u64, src: u32, len: u32) -> u32;
    /// `elem.drop`: `(vmctx, segment)`.
    ElemDrop => elem_drop(vmctx: vmctx, seg: u32);
    /// The slow path of `call_indirect`: resolves entry `index` of `table` against module type
    /// `ty` (subtyping, and the detailed traps): `(vmctx, table, ty, index) -> func or null`.
    IndirectTarget => indirect_target(vmctx: vmctx, table: u32, ty: u32, index: u64) -> ptr;
    /// The native code of a WebAssembly function, compiled now if it has none yet (null for a
    /// host function, or one that cannot be compiled): a tail call from native code must stay
    /// native, or the stack would grow. `(vmctx, func) -> code or null`.
    NativeCode => native_code(vmctx: vmctx, func: ptr) -> ptr;
    /// A call went past the store's call-depth quota: leaves the trap naming it.
    /// `(vmctx)`.
    CallDepthExceeded => call_depth_exceeded(vmctx: vmctx);
    /// A zero-filled object of module type `ty` (an array of `len` elements when `array` is 1),
    /// for native code whose inline allocation found no room: `(vmctx, type, len, array) -> ref
    /// or 0`. May collect.
    GcAlloc => gc_alloc(vmctx: vmctx, ty: u32, len: u32, array: u32) -> u64;
    /// `array.new_data` (`elem` 0) or `array.new_elem` (`elem` 1):
    /// `(vmctx, type, segment, offset, len, elem) -> ref or 0`.
    GcArrayNewSegment => gc_array_new_segment(vmctx: vmctx, ty: u32, seg: u32, offset: u32, len: u32, elem: u32) -> u64;
    /// `array.fill`: `(vmctx, array, index, value slots, len) -> ok`.
    GcArrayFill => gc_array_fill(vmctx: vmctx, arr: u64, idx: u32, value: ptr, len: u32) -> u32;
    /// `array.copy`: `(vmctx, dst, dst index, src, src index, len) -> ok`.
    GcArrayCopy => gc_array_copy(vmctx: vmctx, dst: u64, dst_idx: u32, src: u64, src_idx: u32, len: u32) -> u32;
    /// `array.init_data`: `(vmctx, segment, array, index, offset, len) -> ok`.
    GcArrayInitData => gc_array_init_data(vmctx: vmctx, seg: u32, arr: u64, idx: u32, offset: u32, len: u32) -> u32;
    /// `array.init_elem`: `(vmctx, segment, array, index, offset, len) -> ok`.
    GcArrayInitElem => gc_array_init_elem(vmctx: vmctx, seg: u32, arr: u64, idx: u32, offset: u32, len: u32) -> u32;
    /// The write barrier's slow path: native code stored a reference to a young object into
    /// old object `obj`, which joins the heap's remembered set. `(vmctx, obj)`.
    GcRemember => gc_remember(vmctx: vmctx, obj: u64);
    /// Whether a reference passes a cast: `(vmctx, ref, cast target) -> 0 or 1`.
    GcRefTest => gc_ref_test(vmctx: vmctx, raw: u64, target: u32) -> u32;
    /// Whether a reference's descriptor is `desc` (custom descriptors; both non-null):
    /// `(vmctx, ref, desc) -> 0 or 1`.
    GcDescEq => gc_desc_eq(vmctx: vmctx, raw: u64, desc: u64) -> u32;
    /// A new exception of module tag `tag` with the payload in a slot array:
    /// `(vmctx, tag, payload slots) -> ref or 0`. May collect.
    ExnNew => exn_new(vmctx: vmctx, tag: u32, payload: ptr) -> u64;
    /// Throws out of the calling frame: the exception `exn` (a raw reference), or with 0 the
    /// exception the trap the store holds stands for. Resumes at the handler of a frame above,
    /// or leaves native code through its entry; returns only when the store holds a trap that
    /// is no exception (the caller then raises it). `(vmctx, exn)`.
    Raise => raise(vmctx: vmctx, exn: u64);
    /// `memory.atomic.wait32` (`width` 4) or `wait64` (8) at `addr + offset` (the address as
    /// the index type has it, zero-extended): `(vmctx, memory, addr, offset, expected, timeout,
    /// width) -> 0 woken, 1 not equal, 2 timed out, or ATOMIC_TRAPPED`.
    MemoryAtomicWait => memory_atomic_wait(vmctx: vmctx, mem: u32, addr: u64, offset: u64, expected: u64, timeout: u64, width: u32) -> u64;
    /// `memory.atomic.notify` at `addr + offset`: `(vmctx, memory, addr, offset, count) -> how
    /// many it woke, or ATOMIC_TRAPPED`.
    MemoryAtomicNotify => memory_atomic_notify(vmctx: vmctx, mem: u32, addr: u64, offset: u64, count: u32) -> u64;
}

/// The trap of a bulk instruction's failure `code` (see `runtime::bulk::meter_trap`).
///
/// # Safety
/// As for `leave_trap`: `store` points to the whole live store of the running code, and no
/// reference into it is live.
unsafe fn bulk_trap(store: *mut StoreOpaque, code: TrapCode) -> Trap {
    // SAFETY: this function's contract: the `&mut` is the only reference into the store.
    unsafe { crate::runtime::bulk::meter_trap(&mut *store, code) }
}

/// Leaves `trap` for the entry to native code to pick up.
///
/// # Safety
/// `store` points to the whole live store of the running code, and no reference into it is live
/// (the builtins' contract, see the module documentation).
pub(super) unsafe fn leave_trap(store: *mut StoreOpaque, trap: Trap) {
    // SAFETY: `store` is live and nothing else refers into it now (this function's contract), so
    // writing its `pending_trap` field is sound.
    unsafe { (*store).pending_trap = Some(trap) };
}

/// 1 for success; 0 after leaving the trap.
///
/// # Safety
/// As for `leave_trap`: `store` points to the whole live store of the running code, and no
/// reference into it is live.
pub(super) unsafe fn status(store: *mut StoreOpaque, result: Result<(), Trap>) -> u32 {
    match result {
        Ok(()) => 1,
        Err(trap) => {
            // SAFETY: `store` is live with no reference into it (this function's contract), as
            // `leave_trap` requires.
            unsafe { leave_trap(store, trap) };
            0
        }
    }
}

/// The store and instance of a context.
///
/// # Safety
/// `vmctx` points to the filled-in context of a live instance (the builtins' contract, see the
/// module documentation).
pub(super) unsafe fn parts(
    vmctx: *mut VMContext,
) -> (*mut StoreOpaque, *const crate::instance::InstanceData) {
    // SAFETY: `vmctx` points to a live instance's context (this function's contract), a field of
    // the instance, so reading its two pointer fields is sound.
    unsafe { ((*vmctx).store, (*vmctx).instance) }
}

/// How many slots a call of `func` uses: room for its parameters, then its results.
///
/// # Safety
/// `func` points to a live function entity.
unsafe fn slot_count(func: *const FuncEntity) -> usize {
    // SAFETY: `func` is live (this function's contract), so its `kind` may be read; a WebAssembly
    // function's instance lives in the same store as long as its functions do, so `as_ref` gives
    // a live instance, only read here.
    unsafe {
        let ty = match &(*func).kind {
            FuncKind::Host(h) => &h.ty,
            FuncKind::Wasm { instance, func_index, .. } => {
                instance.as_ref().module.info().func_sig(*func_index).expect("validated")
            }
        };
        super::slots::call_slots(ty)
    }
}

/// # Safety
/// The builtins' contract (see the module documentation); `func` points to a live function entity
/// of the store, and `slots` to a writable, 8-byte aligned array of at least `slot_count(func)`
/// slots, holding the arguments.
unsafe extern "C" fn call_entity(vmctx: *mut VMContext, func: *mut u8, slots: *mut u8) -> u32 {
    // SAFETY: native code passes its own live context, a live function entity of its store, and a
    // slot array it built for the callee's signature, so at least `slot_count(func)` slots, which
    // nothing else refers to during the call (this function's contract). The store is lent to the
    // running code with no reference into it held across the call, so reading and writing its
    // fields here is sound and `invoke` gets it exclusively; `func`'s instance, for a WebAssembly
    // function, is live.
    unsafe {
        let (store, inst) = parts(vmctx);
        let func = func.cast_const().cast::<FuncEntity>();
        let slots = std::slice::from_raw_parts_mut(slots.cast::<u64>(), slot_count(func));
        // The interpreter counts on from native code's calls; native code's count is its own
        // again afterwards.
        let (active, frames) = ((*store).call_depth.active, (*store).exec.depth);
        if (*store).engine.config().native_call_depth {
            (*store).exec.depth = usize::try_from(active).unwrap_or(usize::MAX);
        }
        // Callers through this entity call its native code directly from now on, if it has some.
        if let FuncKind::Wasm { instance, def_index, .. } = &(*func).kind {
            let module = &instance.as_ref().module.inner;
            let code =
                module.native[*def_index as usize].load(std::sync::atomic::Ordering::Acquire);
            (*func).code.store(code, std::sync::atomic::Ordering::Relaxed);
        }
        let call = std::panic::AssertUnwindSafe(|| {
            call::invoke(store, NonNull::new(inst.cast_mut()), func, slots)
        });
        let outcome = std::panic::catch_unwind(call);
        (*store).call_depth.active = active;
        (*store).exec.depth = frames;
        match outcome {
            Ok(result) => status(store, result),
            Err(payload) => {
                (*store).pending_panic = Some(payload);
                status(store, Err(Trap::host("host function panicked")))
            }
        }
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn meter_refill(vmctx: *mut VMContext) -> u32 {
    // SAFETY: `vmctx` is the live context of running code, and its store is lent to that code
    // with no reference into it held across the call (this function's contract), so its `meter`
    // may be borrowed mutably and `status` gets what it requires.
    unsafe {
        let (store, inst) = parts(vmctx);
        let result = match (*store).meter.refill() {
            Ok(()) if (*store).check_hook.is_some() => native_check(store, inst),
            other => other,
        };
        status(store, result)
    }
}

/// Runs the store's check hook (`Store::on_check`) when native code is at a check whose frame
/// keeps its record (`vm::deopt`): the record says where, and `native_at_check` that it is a
/// check, so the run's state can be taken out (`interp::exec::deopt`). Not at a bulk
/// operation's charge, nor in code that keeps no records.
///
/// # Safety
/// `store` is the whole live store of the running code, lent to it with no reference into it
/// held (the builtins' contract); `inst` is the running instance.
#[cold]
unsafe fn native_check(
    store: *mut StoreOpaque,
    inst: *const crate::instance::InstanceData,
) -> Result<(), Trap> {
    // SAFETY: as the contract says; the innermost record, when not null, is a live record of a
    // frame below this call or a boundary (`vm::deopt`), only read; the hook is taken out of the
    // store while it runs, so it gets the store with no borrow of its own box held.
    unsafe {
        let top = (*store).deopt_top;
        if top.is_null() || (*top).func == super::deopt::BOUNDARY {
            return Ok(());
        }
        if (*top).kind != super::deopt::AT_CHECK {
            return Ok(());
        }
        let Some(mut hook) = (*store).check_hook.take() else { return Ok(()) };
        (*store).native_at_check = true;
        let result = hook(store, NonNull::new(inst.cast_mut()));
        (*store).native_at_check = false;
        if (*store).check_hook.is_none() {
            (*store).check_hook = Some(hook);
        }
        result
    }
}

/// The result of a growth builtin from the interpreter's helper: the old size or -1, or the
/// trap of the quota that refused it.
///
/// # Safety
/// As for `leave_trap`: `store` points to the whole live store of the running code, and no
/// reference into it is live.
unsafe fn grown(store: *mut StoreOpaque, outcome: Option<u64>) -> u64 {
    match outcome {
        Some(old) => old,
        None => {
            // SAFETY: `store` is live with no reference into it (this function's contract), so
            // its usage record may be read, and `leave_trap` gets what it requires.
            unsafe {
                let trap = match &(*store).usage.last_hit {
                    Some(hit) => quota_trap(hit),
                    None => Trap::new(TrapCode::ResourceLimit),
                };
                leave_trap(store, trap);
            }
            GROW_TRAPPED
        }
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn memory_grow(vmctx: *mut VMContext, mem: u32, delta: u64) -> u64 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `mem` is one of the instance's memories (this function's
    // contract): what `runtime::memory::memory_grow` and `grown` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        grown(store, memory::memory_grow(store, inst, mem, delta))
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn memory_fill(
    vmctx: *mut VMContext,
    mem: u32,
    dst: u64,
    value: u32,
    len: u64,
) -> u32 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `mem` is one of the instance's memories (this function's
    // contract): what `parts`, `runtime::memory::memory_fill` and `status` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        status(
            store,
            memory::memory_fill(inst, mem, dst, value as u64, len).map_err(|c| bulk_trap(store, c)),
        )
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn memory_copy(
    vmctx: *mut VMContext,
    dst_mem: u32,
    src_mem: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and both memory indices are the instance's (this function's
    // contract): what `parts`, `runtime::memory::memory_copy` and `status` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        status(
            store,
            memory::memory_copy(inst, dst_mem, src_mem, dst, src, len)
                .map_err(|c| bulk_trap(store, c)),
        )
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn memory_init(
    vmctx: *mut VMContext,
    mem: u32,
    seg: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, `mem` is one of the instance's memories and `seg` one of its data
    // segments (this function's contract): what `parts`, `runtime::memory::memory_init` and
    // `status` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        let result = memory::memory_init(inst, mem, seg, dst, src as u64, len as u64);
        status(store, result.map_err(|c| bulk_trap(store, c)))
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn data_drop(vmctx: *mut VMContext, seg: u32) {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `seg` is one of the instance's data segments (this
    // function's contract); the instance pointer comes from the store's arena, with write
    // provenance: what `parts` and `runtime::memory::data_drop` require.
    unsafe { memory::data_drop(parts(vmctx).1, seg) }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn table_grow(vmctx: *mut VMContext, table: u32, init: u64, delta: u64) -> u64 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `table` is one of the instance's tables (this function's
    // contract): what `parts`, `runtime::table::table_grow` and `grown` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        grown(store, table::table_grow(store, inst, table, init, delta))
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn table_fill(
    vmctx: *mut VMContext,
    table: u32,
    start: u64,
    value: u64,
    len: u64,
) -> u32 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `table` is one of the instance's tables (this function's
    // contract): what `parts`, `runtime::table::table_fill` and `status` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        status(
            store,
            table::table_fill(inst, table, start, value, len).map_err(|c| bulk_trap(store, c)),
        )
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn table_copy(
    vmctx: *mut VMContext,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and both table indices are the instance's (this function's
    // contract): what `parts`, `runtime::table::table_copy` and `status` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        let result = table::table_copy(inst, dst_table, src_table, dst, src, len);
        status(store, result.map_err(|c| bulk_trap(store, c)))
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn table_init(
    vmctx: *mut VMContext,
    table: u32,
    seg: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, `table` is one of the instance's tables and `seg` one of its
    // element segments (this function's contract): what `parts`, `runtime::table::table_init` and
    // `status` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        let result = table::table_init(inst, table, seg, dst, src as u64, len as u64);
        status(store, result.map_err(|c| bulk_trap(store, c)))
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn elem_drop(vmctx: *mut VMContext, seg: u32) {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `seg` is one of the instance's element segments (this
    // function's contract); the instance pointer comes from the store's arena, with write
    // provenance: what `parts` and `runtime::table::elem_drop` require.
    unsafe { table::elem_drop(parts(vmctx).1, seg) }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn indirect_target(
    vmctx: *mut VMContext,
    table: u32,
    ty: u32,
    index: u64,
) -> *mut u8 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, `table` is one of the instance's tables (a function table, as
    // validation requires of `call_indirect`'s) and `ty` one of its module's types (this
    // function's contract): what `parts`, `runtime::call::indirect_target` and `leave_trap`
    // require.
    unsafe {
        let (store, inst) = parts(vmctx);
        match call::indirect_target(store, inst, table, ty, index) {
            Ok(func) => func.cast_mut().cast(),
            Err(trap) => {
                leave_trap(store, trap);
                std::ptr::null_mut()
            }
        }
    }
}

/// # Safety
/// The builtins' contract (see the module documentation); `func` points to a live function entity
/// of the store.
unsafe extern "C" fn native_code(_vmctx: *mut VMContext, func: *mut u8) -> *mut u8 {
    // SAFETY: `func` is a live function entity (this function's contract), so its `kind` may be
    // read; a WebAssembly function's instance lives as long as its functions, and its module as
    // long as the instance, so both may be read.
    unsafe {
        match &(*func.cast_const().cast::<FuncEntity>()).kind {
            FuncKind::Wasm { instance, def_index, .. } => {
                let module = &instance.as_ref().module.inner;
                match module.native_code(*def_index) {
                    Ok(code) => {
                        module.tier_up(*def_index);
                        code.code.cast_mut()
                    }
                    Err(_) => std::ptr::null_mut(),
                }
            }
            FuncKind::Host(_) => std::ptr::null_mut(),
        }
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn call_depth_exceeded(vmctx: *mut VMContext) {
    // SAFETY: `vmctx` is the live context of running code, and its store is lent to that code
    // with no reference into it held across the call (this function's contract), so its fields
    // may be read and written here and `leave_trap` gets what it requires.
    unsafe {
        let (store, _) = parts(vmctx);
        let limit = (*store).call_depth.limit;
        let hit = QuotaHit { quota: Quota::CallDepth, limit, requested: limit.saturating_add(1) };
        (*store).usage.last_hit = Some(hit.clone());
        let trap =
            Trap::with_message(TrapCode::StackOverflow, format!("call stack exhausted: {hit}"));
        leave_trap(store, trap);
    }
}

/// The result of a wait or notify: its count, or `ATOMIC_TRAPPED` after leaving the trap (the
/// stop trap a wait left in the store when it was interrupted, see `bulk_trap`). A panic in the
/// call is kept for the entry to resume once native code is left.
///
/// # Safety
/// As for `leave_trap`: `store` points to the whole live store of the running code, and no
/// reference into it is live once `run` has returned.
unsafe fn atomic_outcome(
    store: *mut StoreOpaque,
    run: impl FnOnce() -> Result<u32, TrapCode>,
) -> u64 {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
    // SAFETY: `store` is live with no reference into it (this function's contract), as
    // `bulk_trap` and `leave_trap` require.
    unsafe {
        match outcome {
            Ok(Ok(n)) => n as u64,
            Ok(Err(code)) => {
                let trap = bulk_trap(store, code);
                leave_trap(store, trap);
                ATOMIC_TRAPPED
            }
            Err(payload) => {
                (*store).pending_panic = Some(payload);
                leave_trap(store, Trap::host("host function panicked"));
                ATOMIC_TRAPPED
            }
        }
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn memory_atomic_wait(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    offset: u64,
    expected: u64,
    timeout: u64,
    width: u32,
) -> u64 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `mem` is one of the instance's memories (this function's
    // contract): what `parts`, `runtime::atomic::memory_atomic_wait` (whose context is filled in
    // and whose store's meter nothing references) and `atomic_outcome` require.
    unsafe {
        let (store, inst) = parts(vmctx);
        atomic_outcome(store, || {
            atomic::memory_atomic_wait(inst, mem, addr, offset, expected, timeout as i64, width)
        })
    }
}

/// # Safety
/// The builtins' contract (see the module documentation).
unsafe extern "C" fn memory_atomic_notify(
    vmctx: *mut VMContext,
    mem: u32,
    addr: u64,
    offset: u64,
    count: u32,
) -> u64 {
    // SAFETY: `vmctx` is a live instance's context, whose store is lent to the running code with
    // no reference into it held, and `mem` is one of the instance's memories (this function's
    // contract): what `parts`, `runtime::atomic::memory_atomic_notify` and `atomic_outcome`
    // require.
    unsafe {
        let (store, inst) = parts(vmctx);
        atomic_outcome(store, || atomic::memory_atomic_notify(inst, mem, addr, offset, count))
    }
}
