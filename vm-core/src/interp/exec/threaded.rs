//! Threaded dispatch: each handler ends by calling the next op's handler in tail position, which
//! the optimizer turns into a jump.

use super::handlers::define_handlers;

/// Continues with the op at `ip`: a tail call to its handler.
#[inline(always)]
unsafe fn next(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx) -> Exit {
    // SAFETY: `ip` is an op of a live function (handlers only continue within code).
    unsafe { ((*ip).handler)(ip, fp, mb, ml, cx) }
}

define_handlers!();

/// One op of each shape of handler the probe runs: arithmetic, floats and libm calls,
/// conversions, every form of load and store, branches (offset 0: they fall through either way),
/// moves and selects. All read slots 0 to 3 (zero, so every address is 0) and write slots 4 to 7.
fn probe_ops() -> Vec<Instr> {
    use Instr as I;
    vec![
        I::I32AddImm { dst: 4, lhs: 0, imm: 1 },
        I::I64Add { dst: 5, lhs: 1, rhs: 2 },
        I::F64Mul { dst: 6, lhs: 1, rhs: 2 },
        I::F32Nearest { dst: 7, src: 3 },
        I::F64ConvertI32S { dst: 6, src: 0 },
        I::I64TruncSatF64S { dst: 5, src: 1 },
        I::I32Extend8S { dst: 4, src: 0 },
        I::Copy { dst: 7, src: 0 },
        I::Const64 { dst: 6, value: 1 << 40 },
        I::SelectInPlace { dst: 5, cond: 0, src: 1 },
        I::I32Load { dst: 4, addr: 0, offset: 8 },
        I::I64Load32S { dst: 5, addr: 0, offset: 4 },
        I::F64Store { addr: 0, value: 1, offset: 16 },
        I::I32Store8 { addr: 0, value: 2, offset: 3 },
        I::I32Store16Imm { addr: 0, value: 7, offset: 2 },
        I::I64StoreImm { addr: 0, value: -1, offset: 24 },
        I::I32Load8SAddImm { dst: 6, base: 0, imm: 5 },
        I::F64LoadAddImm { dst: 7, base: 0, imm: 8 },
        I::I32LoadIdx { dst: 4, base: 0, index: 1 },
        I::I32Store8Idx { base: 0, index: 1, value: 2 },
        I::I64StoreIdxImm { base: 0, index: 1, value: 3 },
        I::BrI32LtS { lhs: 0, rhs: 1, offset: 0 },
        I::BrI64GeUImm { lhs: 1, imm: 0, offset: 0 },
        I::BrF64NotLt { lhs: 1, rhs: 2, offset: 0 },
        I::BrIfNez { cond: 0, offset: 0 },
        I::Br { offset: 0 },
    ]
}

/// Whether chained tail calls run in constant native stack in this build: a probe handler records
/// the stack position, many real handlers run, the probe records it again, and so on. The second
/// and third positions match exactly when every tail call became a jump. (Handler codegen varies
/// with the build profile: a debug check that needs a temporary on the stack keeps a call from
/// becoming a jump, hence one op of each shape.)
pub(super) fn probe_constant_stack() -> bool {
    let op = |handler: Handler, instr: Instr| Op { handler, instr };
    let marker = Instr::Const32 { dst: 0, value: 0 };
    let shapes = probe_ops();
    let mut ops = Vec::new();
    for _ in 0..3 {
        ops.push(op(probe, marker));
        for _ in 0..100 {
            ops.extend(shapes.iter().map(|i| op(handler_of(i), *i)));
        }
    }
    ops.push(op(stop, marker));
    let mut slots = [0u64; 16];
    let mut memory = [0u8; 64];
    let mut cx = super::Cx::detached();
    // SAFETY: the ops read and write only slots 0 to 7 of the frame (the probe uses 8 to 11), and
    // addresses below 40 of the 64-byte memory; they end at `stop`.
    let exit = unsafe {
        let (ip, fp, mb) = (ops.as_ptr(), slots.as_mut_ptr(), memory.as_mut_ptr());
        ((*ip).handler)(ip, fp, mb, memory.len() as u64, &mut cx)
    };
    exit == Exit::Done && slots[8] == 3 && slots[10] == slots[11]
}

/// Where the native stack is: the address of a local in a frame of its own, so that the caller's
/// tail call is not blocked by a local whose address escaped.
#[inline(never)]
fn stack_position() -> u64 {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as u64
}

/// Counts itself in slot 8 and records the native stack position in slots 9 to 11.
unsafe fn probe(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx) -> Exit {
    let position = stack_position();
    // SAFETY: the probe's frame has sixteen slots and three probes run.
    unsafe {
        let n = *fp.add(8) as usize;
        *fp.add(9 + n) = position;
        *fp.add(8) = n as u64 + 1;
        next(ip.add(1), fp, mb, ml, cx)
    }
}

/// Ends the probe.
unsafe fn stop(_: *const Op, _: *mut u64, _: *mut u8, _: u64, _: *mut Cx) -> Exit {
    Exit::Done
}

#[cfg(test)]
mod tests {
    /// The test builds (optimized, as the workspace configures them) and release builds must run
    /// threaded: a failing probe means every guest runs on the slow loop.
    #[test]
    fn this_build_threads_its_handlers() {
        assert!(super::probe_constant_stack());
    }
}
