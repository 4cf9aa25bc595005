//! A function translated for the interpreter.

use silo_loader::ValType;

use super::exec::Op;
use super::isa::Slot;

/// One function's interpreter code and frame layout.
pub(crate) struct InterpFunc {
    /// The instructions, each with its handler.
    pub code: Box<[Op]>,
    /// For each instruction, the byte offset in the module of the WebAssembly instruction it came
    /// from (for backtraces).
    pub offsets: Box<[u32]>,
    /// Index of the function in its module.
    pub func_index: u32,
    /// Slots of the parameters: the first slots of the frame (a `v128` takes two, see
    /// `vm::slots`).
    pub num_params: u32,
    /// Slots of the results: returned in the first slots of the frame.
    pub num_results: u32,
    /// Slots of the parameters plus declared locals: declared locals are zeroed on entry.
    pub num_locals: u32,
    /// Slots the frame needs: locals, the constant pool, the deepest operand stack, and room for
    /// results.
    pub frame_size: u32,
    /// The constant pool, copied into the slots after the locals on entry.
    pub consts: Box<[u64]>,
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
    /// Sets up a frame whose parameters are in place: zeroes the declared locals and fills the
    /// constant pool.
    ///
    /// # Safety
    /// `fp` must point to at least `frame_size` writable `u64` slots that nothing else refers to
    /// during the call.
    #[inline(always)]
    pub unsafe fn init_frame(&self, fp: *mut u64) {
        let (params, locals) = (self.num_params as usize, self.num_locals as usize);
        // SAFETY: the translator lays frames out as `num_params <= num_locals` and
        // `num_locals + consts.len() <= frame_size` (parameters, declared locals, then the constant
        // pool), so both writes, `params..locals` and `locals..locals + consts.len()`, are inside
        // the `frame_size` writable slots at `fp` (this function's contract); the pool is another
        // allocation, so the copy does not overlap.
        unsafe {
            std::ptr::write_bytes(fp.add(params), 0, locals - params);
            std::ptr::copy_nonoverlapping(self.consts.as_ptr(), fp.add(locals), self.consts.len());
        }
    }

    /// Byte offset in the module of the instruction at `pc`.
    pub fn offset_of(&self, pc: usize) -> Option<usize> {
        self.offsets.get(pc).map(|&o| o as usize)
    }
}
