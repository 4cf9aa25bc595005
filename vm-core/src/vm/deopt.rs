//! Native frames as interpreter frames: the records native code keeps for mid-run checkpoints.
//!
//! With [`Config::native_checkpoints`](crate::Config::native_checkpoints) every compiled
//! function keeps a record in its own stack frame: the [`DeoptRecord`] header, then its values in
//! the slot form (`vm::slots`): its WebAssembly locals, then its operand stack, bottom first.
//! Entering, it links the record to the store's list (`StoreOpaque::deopt_top`, reached through
//! `VMContext::deopt_top`); returning or tail-calling, it unlinks it; a handler reached by an
//! exception links it again. Before every call and in the slow path of every fuel or interrupt
//! check it writes where it is — its function and the kind of point, the byte offset of the call or
//! of the checked loop (the body's start for the entry check) and how many value slots follow, two
//! 64-bit stores — and the values.
//! The slow path of a bulk operation's fuel charge marks its record as at no point.
//!
//! So while native code is out in a host function or in the check hook, the list from the store
//! down to the boundary the entry into native code pushed (`func == BOUNDARY`) describes every
//! native frame of the stretch, innermost first, and `interp::exec::deopt` rebuilds them as the
//! interpreter frames the same function would have there: the interpreter's translation records
//! where each of those values lives in its frame at that call op or check.

/// The header of a native frame's record; its values follow at [`VALUES`].
#[repr(C)]
pub struct DeoptRecord {
    /// The record of the frame below (the caller), or the boundary's.
    pub prev: *const DeoptRecord,
    /// The function's index in its module, or [`BOUNDARY`] (written with `kind`, at each point).
    pub func: u32,
    /// What that point is: [`AT_CALL`], [`AT_CHECK`], [`AT_BULK`] or [`TAILED`].
    pub kind: u32,
    /// Byte offset in the module of the point the frame is at (written with `slots`).
    pub offset: u32,
    /// Slots of values written at that point: the locals', then the operand stack's (an `i32`
    /// or `f32` in the low half of its slot, the high half left as it was).
    pub slots: u32,
    /// The frame's instance context.
    pub vmctx: *const super::VMContext,
}

/// `func` of the record an entry into native code pushes: the end of a stretch of native frames.
pub const BOUNDARY: u32 = u32::MAX;

/// At a call (`call`, `call_indirect`, `call_ref`, or their `return_call` forms through a thunk).
pub const AT_CALL: u32 = 0;
/// At the fuel or interrupt check of a loop header or of the function's entry.
pub const AT_CHECK: u32 = 1;
/// In a bulk operation's fuel charge: no point an interpreter frame can be at.
pub const AT_BULK: u32 = 2;
/// Its call was a tail call: the callee took its place (the frame's own record is gone, and its
/// caller is marked so that no state is taken at the callee's host call).
pub const TAILED: u32 = 3;

/// Offsets in a record, for native code.
pub const PREV: i32 = std::mem::offset_of!(DeoptRecord, prev) as i32;
pub const FUNC: i32 = std::mem::offset_of!(DeoptRecord, func) as i32;
pub const OFFSET: i32 = std::mem::offset_of!(DeoptRecord, offset) as i32;
pub const KIND: i32 = std::mem::offset_of!(DeoptRecord, kind) as i32;
pub const SLOTS: i32 = std::mem::offset_of!(DeoptRecord, slots) as i32;
pub const VMCTX: i32 = std::mem::offset_of!(DeoptRecord, vmctx) as i32;
/// Where the values start.
pub const VALUES: i32 = std::mem::size_of::<DeoptRecord>() as i32;

// Native code writes `func` and `kind`, and `offset` and `slots`, as one 64-bit store each.
const _: () = assert!(KIND == FUNC + 4 && SLOTS == OFFSET + 4 && FUNC % 8 == 0 && OFFSET % 8 == 0);

impl DeoptRecord {
    /// The boundary an entry into native code pushes, linked to the list it interrupts.
    pub fn boundary(prev: *const DeoptRecord) -> DeoptRecord {
        DeoptRecord {
            prev,
            func: BOUNDARY,
            offset: 0,
            kind: AT_BULK,
            slots: 0,
            vmctx: std::ptr::null(),
        }
    }
}
