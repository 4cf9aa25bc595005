//! The interface of a native-code tier: `silo-core` asks it to compile functions and to run them,
//! and never depends on how it does either.

use std::sync::OnceLock;
use std::sync::atomic::AtomicPtr;

use super::analysis::FuncAnalysis;
use super::context::VMContext;
use crate::registry::TypeId;
use crate::trap::{FrameInfo, TrapCode};

/// A compiled function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NativeFunc {
    /// The function in the native calling convention: `(callee vmctx, caller vmctx, params...) ->
    /// results`.
    pub code: *const u8,
    /// The trampoline that calls `code` with its parameters taken from, and its results written
    /// to, an array of 64-bit slots: `(callee vmctx, caller vmctx, code, slots)`.
    pub array_entry: *const u8,
}

// SAFETY: two addresses of immutable machine code, which any thread may call while its module
// lives; the struct owns nothing and is never written through.
unsafe impl Send for NativeFunc {}
// SAFETY: a `&NativeFunc` only lets other threads copy the two addresses (see `Send`).
unsafe impl Sync for NativeFunc {}

/// One value of the operand stack of an interpreter frame standing at a loop header: where it
/// is, and its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StackSlot {
    pub value: StackValue,
    pub ty: silo_loader::ValType,
}

/// Where a value of a frame's operand stack is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackValue {
    /// In this slot of the frame, in the slot form (a `v128` takes it and the next).
    Slot(u32),
    /// Nowhere: it is this constant, in the slot form (the interpreter writes constants where
    /// they are used).
    Bits(u64),
    /// A `v128` constant, lane 0 in the low bits.
    Bits128(u128),
}

/// An on-stack-replacement entry to compile: the loop whose `loop` instruction is at byte
/// `offset`, and where an interpreter frame at its header holds the operand stack, bottom
/// first, the loop's parameters last (empty when the stack is).
#[derive(Clone, Copy, Debug)]
pub struct LoopEntry<'a> {
    pub offset: u32,
    pub stack: &'a [StackSlot],
}

/// What a compiler sees of the module it compiles.
pub struct ModuleEnv<'a> {
    /// The validated module.
    pub info: &'a silo_loader::Module,
    /// Canonical id of each of the module's types, as `call_indirect` compares them.
    pub type_ids: &'a [TypeId],
    /// Whether code must check fuel and interrupts at function entries and loop headers,
    /// charging what the interpreter charges (see `Meter`).
    pub metered: bool,
    /// Whether 32-bit memories are reserved with their whole index space plus `guard_bytes` of
    /// inaccessible guard: accesses with a static offset up to the guard need no bounds check.
    pub guarded_memories: bool,
    /// The guard's size in bytes.
    pub guard_bytes: u64,
    /// Native entry of each defined function, null while it has none. An entry, once set,
    /// never changes while the module lives: code may call it directly.
    pub native: &'a [AtomicPtr<u8>],
    /// Whether code counts active calls against the store's call-depth quota: +1 on entry
    /// (trapping through `Builtin::CallDepthExceeded` past the quota), -1 on return and before
    /// a tail call.
    pub count_calls: bool,
    /// Whether code keeps a record of each frame for mid-run checkpoints (`vm::deopt`;
    /// `Config::native_checkpoints`).
    pub deopt: bool,
    /// Whether relaxed-SIMD instructions give the spec's deterministic results rather than the
    /// x86-64 ones (`Config::relaxed_simd_deterministic`); the interpreter follows the same flag.
    pub relaxed_simd_deterministic: bool,
    /// The analysis of each defined function, shared with the interpreter: see `analysis`.
    pub(crate) analyses: &'a [OnceLock<Result<FuncAnalysis, String>>],
}

impl ModuleEnv<'_> {
    /// The analysis of defined function `def` (fuel costs, loops), computed once for both tiers.
    pub fn analysis(&self, def: u32) -> Result<&FuncAnalysis, String> {
        super::analysis::cached(self.analyses, self.info, def)
    }
}

/// Saved native code placed again: its native module, and each defined function's code.
pub type LoadedCode = (Box<dyn NativeModule>, Vec<(u32, NativeFunc)>);

/// A code generator for native code.
pub trait Compiler: Send + Sync + 'static {
    /// A short name for messages (`cranelift`).
    fn name(&self) -> &'static str;

    /// Prepares to compile the functions of a module (code memory, shared trampolines).
    fn new_module(&self, env: &ModuleEnv<'_>) -> Result<Box<dyn NativeModule>, String>;

    /// A native module that compiles the whole module as one batch and keeps its code, to be
    /// saved with [`NativeModule::save`]; `None` from a compiler that cannot save code.
    fn new_saving_module(&self, env: &ModuleEnv<'_>) -> Option<Box<dyn NativeModule>> {
        let _ = env;
        None
    }

    /// A native module holding the code `saved` (what [`NativeModule::save`] gave, in this or
    /// an earlier process), with each function's native code. The caller has checked that the
    /// code was made by this compiler, on this machine ([`Compiler::fingerprint`]), for this
    /// module and these settings: the code is trusted, not verified.
    fn load_module(&self, env: &ModuleEnv<'_>, saved: &[u8]) -> Result<LoadedCode, String> {
        let _ = (env, saved);
        Err(format!("the {} compiler cannot load saved code", self.name()))
    }

    /// What the code this compiler makes depends on besides the module and the engine's
    /// settings: its version, the target and the CPU features it uses.
    fn fingerprint(&self) -> String {
        self.name().to_string()
    }

    /// Runs `func` with the slot array `slots` (arguments in, results out).
    ///
    /// # Safety
    /// `func` was compiled by this compiler for the module of `callee`'s instance, whose module and
    /// store are live; `slots` holds at least as many slots as the function has parameters or
    /// results; the store is exclusively the caller's for the call.
    unsafe fn call(
        &self,
        func: NativeFunc,
        callee: *mut VMContext,
        caller: *mut VMContext,
        slots: *mut u64,
    ) -> Result<(), NativeTrap>;

    /// Visits every slot of the native frames described by `exit` and the records it links to
    /// (`NativeExit::outer`) that holds a heap reference at the call the frame waits in, as its
    /// stack map says; the collector may rewrite the slot, and the code reloads it after the call.
    /// A compiler whose code never holds heap references visits nothing.
    ///
    /// # Safety
    /// `exit` is a store's exit record while every native frame it describes is suspended in a
    /// call out of compiled code (the store is running a builtin, the host or the interpreter on
    /// their behalf); the frames belong to code this compiler compiled.
    unsafe fn trace_frames(&self, exit: &super::NativeExit, visit: &mut dyn FnMut(&mut u64)) {
        let _ = (exit, visit);
    }

    /// Unwinds native frames for the exception `exn` (its raw reference), which the frame `exit`
    /// describes (the innermost of its stretch, the one that called out) did not catch: resumes
    /// in the first frame above it whose call has a handler, with `exn` for the handler; with no
    /// such frame, leaves the stretch through its entry, as a trap does (the entry then hands on
    /// the trap the store holds, `TrapCode::UncaughtException`). `caught` runs just before a
    /// handler is resumed (the exception is no longer in flight). Returns only if the compiler
    /// has no native code (so no such frames).
    ///
    /// # Safety
    /// Called from a builtin that native code called, with `exit` the store's exit record it
    /// wrote before the call: every frame of the stretch is suspended and compiled by this
    /// compiler. Nothing on the host stack between the builtin and the native frames may need
    /// dropping: those host frames are abandoned.
    unsafe fn unwind(&self, exit: &super::NativeExit, exn: u64, caught: &mut dyn FnMut()) {
        let _ = (exit, exn, caught);
    }
}

/// The error of a function whose compilation a batch gave up ([`NativeModule::compile_batch`]).
pub const COMPILE_CANCELLED: &str = "compilation cancelled";

/// The native code of one module.
pub trait NativeModule: Send + Sync {
    /// Compiles defined function `def` (an index past the imported functions).
    fn compile(&self, env: &ModuleEnv<'_>, def: u32) -> Result<NativeFunc, String>;

    /// Compiles an on-stack-replacement entry of defined function `def`: the rest of the
    /// function from the header of the loop `entry` names, for an interpreter frame that is
    /// there. Its native signature is `(callee vmctx, caller vmctx, frame) -> the function's
    /// results`, where `frame` points to the frame's slots, which hold every local (parameters
    /// first) in the slot form, and the operand stack where `entry.stack` says. Fails when the
    /// loop cannot be entered so (for example inside a legacy `catch`, whose caught exception
    /// the frame does not hand over).
    fn compile_loop_entry(
        &self,
        env: &ModuleEnv<'_>,
        def: u32,
        entry: LoopEntry<'_>,
    ) -> Result<NativeFunc, String>;

    /// Compiles the defined functions `defs` in this order, as `compile` does one (a batch may
    /// share code pages and call earlier functions of the batch directly). Before each function
    /// it asks `cancel`: once that says yes, the functions not yet compiled get the error
    /// [`COMPILE_CANCELLED`] (the guest the compilation is for must stop: its deadline passed or
    /// it was interrupted), and may be compiled again later.
    fn compile_batch(
        &self,
        env: &ModuleEnv<'_>,
        defs: &[u32],
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Vec<Result<NativeFunc, String>> {
        defs.iter()
            .map(
                |&def| {
                    if cancel() { Err(COMPILE_CANCELLED.into()) } else { self.compile(env, def) }
                },
            )
            .collect()
    }

    /// Bytes of machine code so far.
    fn code_size(&self) -> usize;

    /// The code of the one batch a saving module compiled ([`Compiler::new_saving_module`]),
    /// in a form [`Compiler::load_module`] places again in a later process.
    fn save(&self) -> Result<Vec<u8>, String> {
        Err("this native module keeps no code to save".into())
    }

    /// Takes the function and module names of `info` for the code compiled so far: a module
    /// compiled while it streamed in had no name section yet (it follows the code).
    fn name_functions(&self, info: &silo_loader::Module) {
        let _ = info;
    }
}

/// How native code trapped.
#[derive(Clone, Debug)]
pub struct NativeTrap {
    /// The trap, or `None` for the one a builtin left in the store.
    pub code: Option<TrapCode>,
    /// The native frames active at the trap, innermost first.
    pub backtrace: Vec<FrameInfo>,
    /// Frames beyond those in `backtrace`.
    pub omitted: usize,
}

/// The traps native code raises itself, by number (a code generator's user trap codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum TrapKind {
    /// `unreachable`.
    Unreachable = 1,
    /// A table access out of bounds.
    TableOutOfBounds = 2,
    /// `call_ref` on null.
    NullFunctionReference = 3,
    /// `ref.as_non_null` on null.
    NullReference = 4,
    /// A builtin failed and left its trap in the store.
    Pending = 5,
    /// Signed division overflow, or a float-to-int conversion out of range.
    IntegerOverflow = 6,
    /// Division or remainder by zero.
    IntegerDivideByZero = 7,
    /// A float-to-int conversion of NaN.
    BadConversionToInteger = 8,
    /// A memory access out of bounds.
    MemoryOutOfBounds = 9,
    /// The native stack limit was reached.
    StackOverflow = 10,
    /// A struct access through null.
    NullStructReference = 11,
    /// An array access through null.
    NullArrayReference = 12,
    /// `i31.get` of null.
    NullI31Reference = 13,
    /// An array index out of bounds.
    ArrayOutOfBounds = 14,
    /// `ref.cast` failed.
    CastFailure = 15,
    /// An atomic access at an address that is not a multiple of its width.
    UnalignedAtomic = 16,
    /// A null descriptor given to a custom-descriptors instruction.
    NullDescriptorReference = 17,
    /// `ref.cast_desc_eq` failed.
    DescriptorCastFailure = 18,
}

impl TrapKind {
    /// Every kind.
    pub const ALL: [TrapKind; 18] = [
        TrapKind::Unreachable,
        TrapKind::TableOutOfBounds,
        TrapKind::NullFunctionReference,
        TrapKind::NullReference,
        TrapKind::Pending,
        TrapKind::IntegerOverflow,
        TrapKind::IntegerDivideByZero,
        TrapKind::BadConversionToInteger,
        TrapKind::MemoryOutOfBounds,
        TrapKind::StackOverflow,
        TrapKind::NullStructReference,
        TrapKind::NullArrayReference,
        TrapKind::NullI31Reference,
        TrapKind::ArrayOutOfBounds,
        TrapKind::CastFailure,
        TrapKind::UnalignedAtomic,
        TrapKind::NullDescriptorReference,
        TrapKind::DescriptorCastFailure,
    ];

    /// The kind numbered `n`.
    pub fn from_u8(n: u8) -> Option<TrapKind> {
        TrapKind::ALL.into_iter().find(|k| *k as u8 == n)
    }

    /// The trap code, or `None` for `Pending`.
    pub fn code(self) -> Option<TrapCode> {
        Some(match self {
            TrapKind::Unreachable => TrapCode::Unreachable,
            TrapKind::TableOutOfBounds => TrapCode::TableOutOfBounds,
            TrapKind::NullFunctionReference => TrapCode::NullFunctionReference,
            TrapKind::NullReference => TrapCode::NullReference,
            TrapKind::Pending => return None,
            TrapKind::IntegerOverflow => TrapCode::IntegerOverflow,
            TrapKind::IntegerDivideByZero => TrapCode::IntegerDivideByZero,
            TrapKind::BadConversionToInteger => TrapCode::BadConversionToInteger,
            TrapKind::MemoryOutOfBounds => TrapCode::MemoryOutOfBounds,
            TrapKind::StackOverflow => TrapCode::StackOverflow,
            TrapKind::NullStructReference => TrapCode::NullStructReference,
            TrapKind::NullArrayReference => TrapCode::NullArrayReference,
            TrapKind::NullI31Reference => TrapCode::NullI31Reference,
            TrapKind::ArrayOutOfBounds => TrapCode::ArrayOutOfBounds,
            TrapKind::CastFailure => TrapCode::CastFailure,
            TrapKind::UnalignedAtomic => TrapCode::UnalignedAtomic,
            TrapKind::NullDescriptorReference => TrapCode::NullDescriptorReference,
            TrapKind::DescriptorCastFailure => TrapCode::DescriptorCastFailure,
        })
    }
}
