//! A function translated for the interpreter.

use silo_loader::ValType;

use super::isa::{Instr, Slot};

/// One function's interpreter code and frame layout.
pub(crate) struct InterpFunc {
    /// The instructions.
    pub code: Box<[Instr]>,
    /// For each instruction, the byte offset in the module of the WebAssembly instruction it came
    /// from (for backtraces).
    pub offsets: Box<[u32]>,
    /// Index of the function in its module.
    pub func_index: u32,
    /// Parameter count: the first slots of the frame.
    pub num_params: u32,
    /// Result count: returned in the first slots of the frame.
    pub num_results: u32,
    /// Parameters plus declared locals: declared locals are zeroed on entry.
    pub num_locals: u32,
    /// Slots the frame needs: locals, the deepest operand stack, and room for results.
    pub frame_size: u32,
    /// Type of every local, so a collector can find the ones holding references.
    #[allow(dead_code)] // read by the garbage collector, which comes next, and by tests
    pub local_types: Box<[ValType]>,
    /// At each call, the operand-stack slots live across it that hold references.
    #[allow(dead_code)] // as `local_types`
    pub stack_maps: Box<[StackMap]>,
}

/// Reference-holding operand slots live across one call site.
#[allow(dead_code)] // read by the garbage collector, which comes next, and by tests
pub(crate) struct StackMap {
    /// Index of the call instruction.
    pub pc: u32,
    /// The slots.
    pub ref_slots: Box<[Slot]>,
}

impl InterpFunc {
    /// Byte offset in the module of the instruction at `pc`.
    pub fn offset_of(&self, pc: usize) -> Option<usize> {
        self.offsets.get(pc).map(|&o| o as usize)
    }
}
