//! Where native code left off: the record a collection starts from to find the heap references
//! native frames hold.
//!
//! Native code writes its frame pointer and stack pointer here just before it calls out of
//! compiled code (a builtin, or a call thunk into the interpreter or the host), so that whatever
//! runs on the Rust side knows where the innermost native frame is and at which call it waits:
//! the call's return address lies just below that stack pointer. From there the frames outward
//! are a frame-pointer chain, up to the trampoline that entered native code. Each entry into
//! native code starts a new stretch of native frames: the entry saves the record of the stretch
//! it interrupts, links to it (`outer`), and puts it back when the native code returns. So the
//! store's record is the head of a list with one entry per stretch of native frames on the stack,
//! innermost first, and a compiler's [`super::Compiler::trace_frames`] walks them all.

/// The exit record of a stretch of native frames. Native code writes `fp` and `sp` at the
/// offsets `vm::offsets::EXIT_FP` and `EXIT_SP`.
#[repr(C)]
#[derive(Debug)]
pub struct NativeExit {
    /// The frame pointer of the native frame that last called out, or 0 when none has since the
    /// stretch was entered.
    pub fp: usize,
    /// That frame's stack pointer at the call: the call's return address is the word below it.
    pub sp: usize,
    /// The record of the enclosing stretch, further up the stack; null for the outermost.
    pub outer: *const NativeExit,
}

impl NativeExit {
    /// The record of a store no native code has entered.
    pub const fn none() -> NativeExit {
        NativeExit { fp: 0, sp: 0, outer: std::ptr::null() }
    }
}
