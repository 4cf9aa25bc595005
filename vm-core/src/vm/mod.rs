//! The contract between this crate and a native-code tier (`silo-jit`): what compiled code may
//! read and call, and the trait a compiler implements. Embedders have no use for it.
//!
//! Native code receives the [`VMContext`] of its instance and reaches everything through it at
//! the fixed offsets of [`offsets`]: the instance's function, memory, table and global index
//! spaces, the canonical type ids of its module, the module's table of native entry points (which
//! tiering fills in as functions are compiled), the store's fuel budget and native stack limit,
//! and the [`Builtins`]: runtime functions for what is too rare or too involved to inline (calls
//! into the interpreter or the host, growth, bulk memory and table operations, the slow paths of
//! `call_indirect` and of fuel checks). A builtin that fails leaves its trap in the store and
//! returns a failure value; the code then raises [`TrapKind::Pending`].
//!
//! Native code records where it calls out of compiled code ([`NativeExit`]), so that a collection
//! can find the heap references its frames hold (the compiler's stack maps, through
//! [`Compiler::trace_frames`]).
//!
//! The calling convention at the boundary between tiers is an array of 64-bit slots, arguments
//! first and results written back from slot 0, the same as the interpreter's frames; a `v128`
//! takes two slots ([`slots`]).

pub mod analysis;
mod builtins;
mod compiler;
mod context;
pub mod deopt;
mod exit;
mod exn_builtins;
mod gc_builtins;
pub mod gc_refs;
pub mod offsets;
pub mod slots;

pub use analysis::{FuncAnalysis, LoopSite, br_table_targets};
pub(crate) use builtins::BUILTINS;
pub use builtins::{ATOMIC_TRAPPED, AbiType, Builtin, Builtins, GROW_TRAPPED};
pub use compiler::{
    COMPILE_CANCELLED, Compiler, LoadedCode, LoopEntry, ModuleEnv, NativeFunc, NativeModule,
    NativeTrap, StackSlot, StackValue, TrapKind,
};
pub use context::VMContext;
pub use deopt::DeoptRecord;
pub use exit::NativeExit;
