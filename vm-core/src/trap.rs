//! Traps: why a guest stopped, and where (a WebAssembly backtrace with function names and byte
//! offsets). Every tier produces the same `Trap` for the same fault.

use std::fmt;

/// Why execution trapped. The messages are the official test suite's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow, or a float-to-int conversion out of range.
    IntegerOverflow,
    /// A float-to-int conversion of NaN.
    BadConversionToInteger,
    /// A memory access outside the memory.
    MemoryOutOfBounds,
    /// A table access outside the table.
    TableOutOfBounds,
    /// An atomic memory access at an address that is not a multiple of its width.
    UnalignedAtomic,
    /// `memory.atomic.wait32`/`wait64` on a memory that is not shared (nothing could wake it).
    AtomicWaitNonShared,
    /// `call_indirect` with an index outside the table.
    UndefinedElement,
    /// `call_indirect` on a null table entry.
    UninitializedElement,
    /// `call_indirect` to a function of the wrong type.
    IndirectCallTypeMismatch,
    /// `call_ref` or `return_call_ref` on null.
    NullFunctionReference,
    /// `ref.as_non_null` on null.
    NullReference,
    /// A struct instruction on null.
    NullStructReference,
    /// An array instruction on null.
    NullArrayReference,
    /// `i31.get_s` or `i31.get_u` on null.
    NullI31Reference,
    /// An array access outside the array.
    ArrayOutOfBounds,
    /// `ref.cast` of a reference not of the target type.
    CastFailure,
    /// A custom-descriptors instruction given a null descriptor (`struct.new_desc`,
    /// `ref.cast_desc_eq`, `br_on_cast_desc_eq`).
    NullDescriptorReference,
    /// `ref.cast_desc_eq` of a reference whose descriptor is not the one given.
    DescriptorCastFailure,
    /// A WebAssembly exception no handler caught; the store holds it
    /// (`Store::take_pending_exception`). WebAssembly never catches a trap.
    UncaughtException,
    /// Too deep a recursion: the call stack is exhausted.
    StackOverflow,
    /// The store's fuel is used up.
    OutOfFuel,
    /// The store's deadline passed.
    DeadlineExceeded,
    /// The host interrupted the guest through an `InterruptHandle`.
    Interrupted,
    /// A memory or table quota refused a growth (with `trap_on_grow_failure`).
    ResourceLimit,
    /// A host function failed.
    Host,
    /// The guest asked to exit (`proc_exit`) with this status.
    Exit(i32),
}

impl TrapCode {
    /// The message for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UnalignedAtomic => "unaligned atomic",
            TrapCode::AtomicWaitNonShared => "expected shared memory",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::NullFunctionReference => "null function reference",
            TrapCode::NullReference => "null reference",
            TrapCode::NullStructReference => "null structure reference",
            TrapCode::NullArrayReference => "null array reference",
            TrapCode::NullI31Reference => "null i31 reference",
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            TrapCode::CastFailure => "cast failure",
            TrapCode::NullDescriptorReference => "null descriptor reference",
            TrapCode::DescriptorCastFailure => "descriptor cast failure",
            TrapCode::UncaughtException => "uncaught exception",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::DeadlineExceeded => "deadline exceeded",
            TrapCode::Interrupted => "interrupted",
            TrapCode::ResourceLimit => "resource limit exceeded",
            TrapCode::Host => "host function failed",
            TrapCode::Exit(_) => "exit",
        }
    }
}

/// One frame of a WebAssembly backtrace, innermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The function's index in its module.
    pub func_index: u32,
    /// The function's name from the module's name section.
    pub func_name: Option<String>,
    /// The module's name from its name section.
    pub module_name: Option<String>,
    /// Byte offset of the instruction in the module binary.
    pub module_offset: Option<usize>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.module_offset {
            Some(offset) => write!(f, "{offset:#8x} - ")?,
            None => f.write_str("         - ")?,
        }
        write!(f, "{}!", self.module_name.as_deref().unwrap_or("<unknown>"))?;
        match &self.func_name {
            Some(name) => f.write_str(name),
            None => write!(f, "<wasm function {}>", self.func_index),
        }
    }
}

/// A trap: the code, a message and the WebAssembly backtrace at the point of the fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    message: String,
    backtrace: Vec<FrameInfo>,
    /// Frames beyond the ones kept in `backtrace` (deep recursion keeps only the innermost).
    frames_omitted: usize,
}

/// How many frames a backtrace keeps; the rest are counted.
pub(crate) const MAX_BACKTRACE: usize = 64;

impl Trap {
    /// A trap with the standard message for `code`.
    pub fn new(code: TrapCode) -> Trap {
        Trap { code, message: code.message().to_string(), backtrace: Vec::new(), frames_omitted: 0 }
    }

    /// A trap with the standard message for `code` followed by a detail (`uninitialized element 2`).
    pub(crate) fn detailed(code: TrapCode, detail: impl std::fmt::Display) -> Trap {
        Trap {
            code,
            message: format!("{} {detail}", code.message()),
            backtrace: Vec::new(),
            frames_omitted: 0,
        }
    }

    /// A trap with `code` and its own message.
    pub(crate) fn with_message(code: TrapCode, message: impl Into<String>) -> Trap {
        Trap { code, message: message.into(), backtrace: Vec::new(), frames_omitted: 0 }
    }

    /// A trap raised by a host function, with its own message.
    pub fn host(message: impl Into<String>) -> Trap {
        Trap {
            code: TrapCode::Host,
            message: message.into(),
            backtrace: Vec::new(),
            frames_omitted: 0,
        }
    }

    /// The guest asked to exit with `status` (WASI `proc_exit`).
    pub fn exit(status: i32) -> Trap {
        Trap {
            code: TrapCode::Exit(status),
            message: format!("exit with status {status}"),
            backtrace: Vec::new(),
            frames_omitted: 0,
        }
    }

    /// Why the trap happened.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The message, without the backtrace.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The exit status, when the guest exited rather than faulted.
    pub fn exit_status(&self) -> Option<i32> {
        match self.code {
            TrapCode::Exit(status) => Some(status),
            _ => None,
        }
    }

    /// The WebAssembly frames active at the trap, innermost first.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }

    /// How many outer frames the backtrace leaves out.
    pub fn frames_omitted(&self) -> usize {
        self.frames_omitted
    }

    /// Adds the frames of one more part of the call stack, outside those already recorded: a trap
    /// collects them innermost first as it leaves each run of the interpreter, native code, or a
    /// host function. Past `MAX_BACKTRACE` frames, or once outer frames have been left out, frames
    /// are only counted.
    pub(crate) fn with_backtrace(mut self, backtrace: Vec<FrameInfo>, omitted: usize) -> Trap {
        let room = if self.frames_omitted > 0 {
            0
        } else {
            MAX_BACKTRACE.saturating_sub(self.backtrace.len())
        };
        let kept = backtrace.len().min(room);
        self.frames_omitted += omitted + (backtrace.len() - kept);
        self.backtrace.extend(backtrace.into_iter().take(kept));
        self
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Trap {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.backtrace.is_empty() {
            f.write_str("\nwasm backtrace:")?;
            for (i, frame) in self.backtrace.iter().enumerate() {
                write!(f, "\n  {i:>3}: {frame}")?;
            }
            if self.frames_omitted > 0 {
                write!(f, "\n       ... {} more frames", self.frames_omitted)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}
