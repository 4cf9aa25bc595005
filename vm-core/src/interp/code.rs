//! A function translated for the interpreter.

use silo_loader::ValType;

use super::exec::Op;
use super::isa::Slot;
use crate::vm::StackSlot;

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
    /// Type of every local.
    pub local_types: Box<[ValType]>,
    /// The slots of the parameters and locals that hold references into the garbage-collected
    /// heap: roots for the collector wherever the function is.
    pub ref_locals: Box<[Slot]>,
    /// At each call and allocation, by increasing `pc`, the operand-stack slots live there that
    /// hold references into the garbage-collected heap.
    pub stack_maps: Box<[StackMap]>,
    /// At each loop header whose operand stack is not empty there (tiered engines only), by
    /// increasing byte offset of the `loop`: where the frame holds that stack, for an
    /// on-stack-replacement entry.
    pub loop_stacks: Box<[(u32, Box<[StackSlot]>)]>,
    /// The exception handlers: the code each `try_table` and legacy `try` covers, in the order
    /// the constructs open (so an inner region comes after the one around it).
    pub regions: Box<[Region]>,
    /// Where the frame holds the operand stack at each call op and check, by increasing `pc`:
    /// recorded only by `translate::translate_with_sites`, to rebuild a native frame as this
    /// code's frame (`exec::deopt`); empty otherwise.
    pub sites: Box<[Site]>,
}

/// A call op or a check, and where the frame holds the WebAssembly operand stack there.
pub(crate) struct Site {
    /// The op: the call, or the `Check`.
    pub pc: u32,
    /// Byte offset in the module of the call instruction, of the checked `loop`, or of the
    /// body's start for the entry check.
    pub offset: u32,
    /// Whether it is a check.
    pub check: bool,
    /// The whole operand stack there, bottom first: for a call its arguments too, and on top the
    /// table index or function reference of `call_indirect` and `call_ref`.
    pub stack: Box<[StackSlot]>,
    /// For a call, how many of those operands on top it takes (its arguments, and the index or
    /// reference): in a frame below another, they are dead — the callee's frame begins with its
    /// arguments, and nothing reads them again once the call is made.
    pub args: u32,
}

/// What happens to an exception thrown at an op inside `start..end`: the first clause whose tag
/// matches (or that has none: `catch_all`) lands at its op; when none does, the region `parent`
/// decides (the enclosing handler, or for a legacy `delegate` the one it names), and without a
/// parent the exception leaves the function.
pub(crate) struct Region {
    pub start: u32,
    pub end: u32,
    pub parent: Option<u32>,
    pub clauses: Vec<Clause>,
}

/// One `catch` of a region: the module tag it catches (`None`: all) and where it lands.
#[derive(Clone, Copy)]
pub(crate) struct Clause {
    pub tag: Option<u32>,
    pub landing: u32,
}

/// Heap-reference-holding operand slots live at one call or allocation.
pub(crate) struct StackMap {
    /// Index of the call or allocating instruction.
    pub pc: u32,
    /// The slots.
    pub ref_slots: Box<[Slot]>,
}

impl InterpFunc {
    /// Where a frame at the header of the loop at byte `offset` holds its operand stack (empty
    /// when nothing is on it there).
    pub fn loop_stack(&self, offset: u32) -> &[StackSlot] {
        match self.loop_stacks.binary_search_by_key(&offset, |(at, _)| *at) {
            Ok(i) => &self.loop_stacks[i].1,
            Err(_) => &[],
        }
    }

    /// Where an exception thrown at op `pc` lands in this function, `matches` telling whether it
    /// is of a given module tag; `None` when it leaves the function.
    pub(crate) fn landing(&self, pc: u32, matches: impl Fn(u32) -> bool) -> Option<u32> {
        let pc = pc as usize;
        let inner =
            self.regions.iter().rposition(|r| (r.start as usize..r.end as usize).contains(&pc));
        let mut region = inner.map(|i| i as u32);
        // Parents always come earlier in the list, so this ends.
        while let Some(i) = region {
            let r = self.regions.get(i as usize)?;
            if let Some(c) = r.clauses.iter().find(|c| c.tag.is_none_or(&matches)) {
                return Some(c.landing);
            }
            region = r.parent.filter(|&p| p < i);
        }
        None
    }

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
            zero_slots(fp.add(params), locals - params);
            copy_slots(self.consts.as_ptr(), fp.add(locals), self.consts.len());
        }
    }

    /// Byte offset in the module of the instruction at `pc`.
    pub fn offset_of(&self, pc: usize) -> Option<usize> {
        self.offsets.get(pc).map(|&o| o as usize)
    }
}

/// Zeroes `n` slots at `to`: a few plain stores for the usual handful (a call of `memset`, even
/// for none, costs more than the whole of a small function's entry), `write_bytes` beyond. Slot
/// by slot, with no aggregate temporaries: a temporary on the stack would give the call handler
/// a frame, and in the test profile its dispatch would stop being a jump.
///
/// # Safety
/// `to..to + n` are writable slots.
#[inline(always)]
unsafe fn zero_slots(to: *mut u64, n: usize) {
    // SAFETY: each arm writes exactly the `n` slots from `to` (this function's contract).
    unsafe {
        match n {
            0 => {}
            1 => to.write(0),
            2 => {
                to.write(0);
                to.add(1).write(0);
            }
            3 => {
                to.write(0);
                to.add(1).write(0);
                to.add(2).write(0);
            }
            4 => {
                to.write(0);
                to.add(1).write(0);
                to.add(2).write(0);
                to.add(3).write(0);
            }
            _ => std::ptr::write_bytes(to, 0, n),
        }
    }
}

/// Copies `n` slots from `from` to `to` (not overlapping), as `zero_slots` does: plain moves for
/// a handful.
///
/// # Safety
/// `from..from + n` are readable, `to..to + n` writable, and the two do not overlap.
#[inline(always)]
unsafe fn copy_slots(from: *const u64, to: *mut u64, n: usize) {
    // SAFETY: each arm copies exactly the `n` slots (this function's contract).
    unsafe {
        match n {
            0 => {}
            1 => to.write(from.read()),
            2 => {
                to.write(from.read());
                to.add(1).write(from.add(1).read());
            }
            3 => {
                to.write(from.read());
                to.add(1).write(from.add(1).read());
                to.add(2).write(from.add(2).read());
            }
            4 => {
                to.write(from.read());
                to.add(1).write(from.add(1).read());
                to.add(2).write(from.add(2).read());
                to.add(3).write(from.add(3).read());
            }
            _ => std::ptr::copy_nonoverlapping(from, to, n),
        }
    }
}
