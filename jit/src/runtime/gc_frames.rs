//! The heap references in native frames, for a collection: from each stretch of native frames'
//! exit record (where the innermost frame called out), up the frame-pointer chain, each frame's
//! stack map at the call it waits in names the slots that hold references. Cranelift spilled
//! them there before the call and reloads them after it, so the collector may move the objects
//! and rewrite the slots.

use silo_core::vm::NativeExit;

use super::registry::{self, Code};

/// Visits the reference slots of the native frames `exit` describes and of those its `outer`
/// records describe.
///
/// # Safety
/// `Compiler::trace_frames`'s contract: every record in the list describes native frames of this
/// crate's code that are suspended in a call out of compiled code, so their frame-pointer chain,
/// return addresses and spill slots are in place and nothing else uses them.
pub(crate) unsafe fn trace(exit: &NativeExit, visit: &mut dyn FnMut(&mut u64)) {
    registry::with_lookup_blocking(|lookup| {
        let mut record: *const NativeExit = exit;
        // SAFETY: each record is the store's or one saved on the Rust stack of an entry that is
        // still running (the list's invariant, this function's contract), so it may be read.
        while let Some(e) = unsafe { record.as_ref() } {
            if e.fp != 0 {
                // SAFETY: `e.sp` is the stack pointer of a frame suspended in a call, so the word
                // below it is that call's return address; the frames up the chain are suspended
                // native frames or the glue that entered them (contract).
                unsafe { trace_stretch(lookup, e.fp, *((e.sp - 8) as *const usize), visit) };
            }
            record = e.outer;
        }
    })
}

/// Visits the frames from the one with frame pointer `fp`, waiting at return address `pc`, up to
/// the first return address outside compiled code (the entry into native code).
///
/// # Safety
/// `fp` and `pc` are a suspended native frame's, and the chain above it leads, through compiled
/// code and glue only, to the entry (see `trace`).
unsafe fn trace_stretch(
    lookup: &registry::Lookup<'_>,
    mut fp: usize,
    mut pc: usize,
    visit: &mut dyn FnMut(&mut u64),
) {
    // A return address may be the end of its function's code: look up the call before it.
    while let Some((start, code)) = lookup.get(pc - 1) {
        if let Code::Func(info) = code
            && let Some(map) = info.stack_map((pc - start) as u32)
        {
            let sp = fp - map.span as usize;
            for &offset in map.slots.iter() {
                // SAFETY: the stack map of the call this frame waits in names spill slots of
                // the frame, which hold the references live across the call; the frame is
                // suspended, so nothing else reads or writes them now (contract).
                visit(unsafe { &mut *((sp + offset as usize) as *mut u64) });
            }
        }
        // SAFETY: compiled code and glue keep frame pointers (`preserve_frame_pointers`): the
        // caller's frame pointer is saved at `fp` and the return address into it just above.
        unsafe {
            pc = *((fp + 8) as *const usize);
            fp = *(fp as *const usize);
        }
    }
}
