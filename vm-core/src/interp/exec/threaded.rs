//! Threaded dispatch: each handler ends by calling the next op's handler in tail position, which
//! the optimizer turns into a jump.

use super::handlers::define_handlers;

/// Continues with the op at `ip`: a tail call to its handler.
///
/// # Safety
/// The registers and context satisfy the run invariants (see [`Handler`]) for the op at `ip`.
#[inline(always)]
unsafe fn next(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx, acc: u64) -> Exit {
    // SAFETY: `ip` points at an op of the running code (this function's contract), so its
    // `handler` field is initialized and is that op's own handler, which the run invariants
    // allow calling with these registers.
    unsafe { ((*ip).handler)(ip, fp, mb, ml, cx, acc) }
}

define_handlers!();

/// Slots of the probe's frame: 0 to 3 are read by the sample (they hold 1), 4 to 7 written, 8 to
/// 11 the probe's own record.
const PROBE_SLOTS: usize = 16;

/// Whether chained tail calls run in constant native stack in this build: a probe handler records
/// the stack position, every op the instruction set's description says can run on sample operands
/// runs (`isa::probe_sample`: every handler that touches only the frame, memory 0 or a branch),
/// the probe records it again, and so on. The second and third positions match exactly when every
/// tail call became a jump. (Handler codegen varies with the build profile: a debug check that
/// needs a temporary on the stack keeps a call from becoming a jump, hence every shape.)
pub(super) fn probe_constant_stack() -> bool {
    let sample = crate::interp::isa::probe_sample();
    let marker = Instr::Const32 { dst: 0, value: 1 };
    // The probe's own handlers read no operands; every other op gets its own handler (`Op::new`).
    let custom = |handler: Handler| Op { handler, instr: marker };
    let mut ops = Vec::new();
    for _ in 0..3 {
        ops.push(custom(probe));
        ops.extend(sample.iter().map(|&i| Op::new(super::Dispatch::Threaded, i)));
    }
    ops.push(custom(stop));
    let mut slots = [0u64; PROBE_SLOTS];
    slots[..4].fill(1);
    // 64 bytes, 8-aligned like a memory's base, for the atomic accesses.
    let mut memory = [0u64; 8];
    let mut cx = super::Cx::detached();
    // SAFETY: not a real run, but every access the chain makes is inside what is set up here:
    // `isa::probe_sample` holds only ops that touch nothing but their frame, memory 0 or a branch
    // (so they never read the detached context's null store, instance or function); their slot
    // operands are 0 to 7 of the 16-slot frame (the probe uses 8 to 11), their addresses (slots
    // hold 1, offsets and immediates are 1, an atomic access's offset 7) stay below 16 of the
    // 64-byte memory, whose length is `ml`, and are aligned for the atomic accesses; each op carries its own handler (`Op::new`), their branches have offset 0 (the next
    // op), and the chain ends at `stop`, inside `ops`.
    let exit = unsafe {
        let (ip, fp, mb) = (ops.as_ptr(), slots.as_mut_ptr(), memory.as_mut_ptr().cast::<u8>());
        ((*ip).handler)(ip, fp, mb, size_of_val(&memory) as u64, &mut cx, 0)
    };
    exit == Exit::Done && slots[8] == 3 && slots[10] == slots[11]
}

/// Where the native stack is: the address of a local in a frame of its own, so that the caller's
/// tail call is not blocked by a local whose address escaped.
#[inline(never)]
pub(super) fn stack_position() -> u64 {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as u64
}

/// Counts itself in slot 8 and records the native stack position in slots 9 to 11.
///
/// # Safety
/// Only for `probe_constant_stack`'s chain: `fp` is its 16-slot frame, whose slot 8 counts the
/// probes run so far (at most two before this one), and `ip + 1` is the next op of the chain.
unsafe fn probe(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx, acc: u64) -> Exit {
    let position = stack_position();
    // SAFETY: the frame has sixteen slots and slot 8 is at most 2 here (this function's
    // contract), so slots 8 and `9 + n <= 11` are in it; `ip + 1` is the chain's next op, with the
    // same frame, memory and context, as `next` requires.
    unsafe {
        let n = *fp.add(8) as usize;
        *fp.add(9 + n) = position;
        *fp.add(8) = n as u64 + 1;
        next(ip.add(1), fp, mb, ml, cx, acc)
    }
}

/// Ends the probe.
///
/// # Safety
/// None needed: it touches nothing. It is `unsafe` only to have the type of a handler.
unsafe fn stop(_: *const Op, _: *mut u64, _: *mut u8, _: u64, _: *mut Cx, _: u64) -> Exit {
    Exit::Done
}

#[cfg(test)]
mod tests {
    /// The test builds (optimized, as the workspace configures them) and release builds must run
    /// threaded: a failing probe means every guest runs on the slow loop.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not turn tail calls into jumps")]
    fn this_build_threads_its_handlers() {
        assert!(super::probe_constant_stack());
    }

    /// The sample holds every op that touches only the frame, memory 0 or a branch, and runs
    /// without trapping (a trap would end the chain early, and the probe would fail).
    #[test]
    fn the_probe_runs_every_simple_op() {
        use crate::interp::isa::{Category, probe_sample};
        let sample = probe_sample();
        let simple = |c| matches!(c, Category::Frame | Category::Memory | Category::Jump);
        assert!(sample.iter().filter(|i| simple(i.category())).count() > 250);
        assert!(sample.iter().all(|i| simple(i.category()) || i.category() == Category::Word));
    }
}
