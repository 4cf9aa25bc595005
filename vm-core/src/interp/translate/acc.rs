//! Accumulator forms: an op that reads the value the op just before it wrote takes it from `acc`,
//! the handler register that value is still in, instead of loading it back from its slot.
//!
//! Every handler passes `acc` on to the next, and the producers below set it to the value they
//! also store: the frame stays complete (sites, stack maps, on-stack replacement, checkpoints read
//! slots and are untouched by this), and only the reading op changes form. A slot written and
//! read back at once is a store-to-load dependency on every link of a chain of arithmetic; a
//! register is not. The rewrite is safe wherever the op before is the only way in: it never
//! touches an op that a branch, a branch table or an exception handler's landing can reach
//! (those may arrive with another `acc`). Other ways into the middle of code — returns from calls,
//! resumed checks — land after calls and at checks, which are not producers.
//!
//! The same pass then fuses a counted loop's latch, an in-place `var += imm` and the
//! compare-and-branch on `acc` (or the jump) after it, into one loop step (`I32StepBr*`), with the
//! compare's right operand in an extension word where the branch was: every op keeps its index,
//! so sites, stack maps and landings need no change. And an add of a constant before a branch
//! table (a `switch` whose cases do not start at 0) becomes part of the table's op, likewise in
//! the add's place.

use crate::interp::code::Region;
use crate::interp::isa::{Instr, Instr as I, Slot};

/// Rewrites `code` (relocated) so that each op reading the slot the op just before it wrote, where
/// nothing else leads to it, reads `acc` instead; then fuses loop steps and biased branch tables.
/// Slots from `first_temp` on hold the operand stack's temporaries.
pub(super) fn use_acc(code: &mut [Instr], regions: &[Region], first_temp: Slot) {
    let mut reached = vec![false; code.len() + 1];
    let mut mark = |at: i64| {
        if let Some(r) = usize::try_from(at).ok().and_then(|at| reached.get_mut(at)) {
            *r = true;
        }
    };
    for (i, op) in code.iter_mut().enumerate() {
        if let Some(&mut offset) = op.offset_mut() {
            mark(i as i64 + 1 + i64::from(offset));
        }
        if let I::BrTable { len, .. } = *op {
            // Its entries are entered directly (a `Br` entry then jumps on).
            for entry in 0..=i64::from(len) {
                mark(i as i64 + 1 + entry);
            }
        }
    }
    for clause in regions.iter().flat_map(|r| &r.clauses) {
        mark(i64::from(clause.landing));
    }
    for i in 1..code.len() {
        if reached[i] {
            continue;
        }
        if let Some(d) = acc_dst(&code[i - 1])
            && let Some(op) = with_acc(code[i], d)
        {
            code[i] = op;
        }
    }
    for i in 1..code.len() {
        if reached[i] {
            continue;
        }
        if let I::I32AddImm { dst, lhs, imm } = code[i - 1]
            && dst == lhs
            && let Some((step, a)) = stepped(code[i], dst, imm)
        {
            code[i - 1] = step;
            code[i] = I::Ext { a, b: 0 };
        }
    }
    // A `switch` whose cases start elsewhere than 0 subtracts before its branch table: the add
    // and the table become one op, when the sum goes to a temporary (which only the table reads:
    // it pops it) — a sum teed into a local must still be written.
    for i in 1..code.len() {
        if reached[i] {
            continue;
        }
        if let I::BrTable { index, len } = code[i]
            && index >= first_temp
        {
            match code[i - 1] {
                I::I32AddImm { dst, lhs, imm } if dst == index => {
                    code[i - 1] = I::BrTableAddImm { index: lhs, bias: imm, len };
                }
                I::I32AddImmA { dst, imm } if dst == index => {
                    code[i - 1] = I::BrTableAddImmA { bias: imm, len };
                }
                _ => {}
            }
        }
    }
}

/// The loop step fusing `var += imm` with `op`, the compare-and-branch on the new `var` (in `acc`)
/// or the jump after it, and the extension word's `a` (the compare's right operand). The branch's offset is
/// kept: a step's counts from the op after its extension word, which is the op after the branch.
fn stepped(op: Instr, var: Slot, imm: i32) -> Option<(Instr, u32)> {
    macro_rules! step {
        ($op:ident, $offset:expr, $a:expr) => {
            (I::$op { var, imm, offset: $offset }, $a)
        };
    }
    Some(match op {
        I::BrI32EqA { rhs, offset } => step!(I32StepBrEq, offset, rhs),
        I::BrI32EqImmA { imm: k, offset } => step!(I32StepBrEqImm, offset, k as u32),
        I::BrI32NeA { rhs, offset } => step!(I32StepBrNe, offset, rhs),
        I::BrI32NeImmA { imm: k, offset } => step!(I32StepBrNeImm, offset, k as u32),
        I::BrI32LtSA { rhs, offset } => step!(I32StepBrLtS, offset, rhs),
        I::BrI32LtSImmA { imm: k, offset } => step!(I32StepBrLtSImm, offset, k as u32),
        I::BrI32LtUA { rhs, offset } => step!(I32StepBrLtU, offset, rhs),
        I::BrI32LtUImmA { imm: k, offset } => step!(I32StepBrLtUImm, offset, k as u32),
        I::BrI32GtSA { rhs, offset } => step!(I32StepBrGtS, offset, rhs),
        I::BrI32GtSImmA { imm: k, offset } => step!(I32StepBrGtSImm, offset, k as u32),
        I::BrI32GtUA { rhs, offset } => step!(I32StepBrGtU, offset, rhs),
        I::BrI32GtUImmA { imm: k, offset } => step!(I32StepBrGtUImm, offset, k as u32),
        I::BrI32LeSA { rhs, offset } => step!(I32StepBrLeS, offset, rhs),
        I::BrI32LeSImmA { imm: k, offset } => step!(I32StepBrLeSImm, offset, k as u32),
        I::BrI32LeUA { rhs, offset } => step!(I32StepBrLeU, offset, rhs),
        I::BrI32LeUImmA { imm: k, offset } => step!(I32StepBrLeUImm, offset, k as u32),
        I::BrI32GeSA { rhs, offset } => step!(I32StepBrGeS, offset, rhs),
        I::BrI32GeSImmA { imm: k, offset } => step!(I32StepBrGeSImm, offset, k as u32),
        I::BrI32GeUA { rhs, offset } => step!(I32StepBrGeU, offset, rhs),
        I::BrI32GeUImmA { imm: k, offset } => step!(I32StepBrGeUImm, offset, k as u32),
        I::Br { offset } => step!(I32StepBr, offset, 0),
        I::BrIfNezA { offset } => step!(I32StepBrNez, offset, 0),
        I::BrIfEqzA { offset } => step!(I32StepBrEqz, offset, 0),
        _ => return None,
    })
}

/// The slot `op` writes when its handler also leaves the value in `acc`.
fn acc_dst(op: &Instr) -> Option<Slot> {
    match *op {
        I::I32Add { dst, .. }
        | I::I32AddA { dst, .. }
        | I::I32AddImm { dst, .. }
        | I::I32AddImmA { dst, .. }
        | I::I32Sub { dst, .. }
        | I::I32SubA { dst, .. }
        | I::I32Mul { dst, .. }
        | I::I32MulA { dst, .. }
        | I::I32MulImm { dst, .. }
        | I::I32MulImmA { dst, .. }
        | I::I32And { dst, .. }
        | I::I32AndA { dst, .. }
        | I::I32AndImm { dst, .. }
        | I::I32AndImmA { dst, .. }
        | I::I32Or { dst, .. }
        | I::I32OrA { dst, .. }
        | I::I32OrImm { dst, .. }
        | I::I32OrImmA { dst, .. }
        | I::I32Xor { dst, .. }
        | I::I32XorA { dst, .. }
        | I::I32XorImm { dst, .. }
        | I::I32XorImmA { dst, .. }
        | I::I32Shl { dst, .. }
        | I::I32ShlA { dst, .. }
        | I::I32ShlImm { dst, .. }
        | I::I32ShlImmA { dst, .. }
        | I::I32ShrS { dst, .. }
        | I::I32ShrSA { dst, .. }
        | I::I32ShrSImm { dst, .. }
        | I::I32ShrSImmA { dst, .. }
        | I::I32ShrU { dst, .. }
        | I::I32ShrUA { dst, .. }
        | I::I32ShrUImm { dst, .. }
        | I::I32ShrUImmA { dst, .. }
        | I::I64Add { dst, .. }
        | I::I64AddA { dst, .. }
        | I::I64AddImm { dst, .. }
        | I::I64AddImmA { dst, .. }
        | I::I64Sub { dst, .. }
        | I::I64SubA { dst, .. }
        | I::I64Mul { dst, .. }
        | I::I64MulA { dst, .. }
        | I::I64MulImm { dst, .. }
        | I::I64MulImmA { dst, .. }
        | I::I64And { dst, .. }
        | I::I64AndA { dst, .. }
        | I::I64AndImm { dst, .. }
        | I::I64AndImmA { dst, .. }
        | I::I64Or { dst, .. }
        | I::I64OrA { dst, .. }
        | I::I64OrImm { dst, .. }
        | I::I64OrImmA { dst, .. }
        | I::I64Xor { dst, .. }
        | I::I64XorA { dst, .. }
        | I::I64XorImm { dst, .. }
        | I::I64XorImmA { dst, .. }
        | I::I64Shl { dst, .. }
        | I::I64ShlA { dst, .. }
        | I::I64ShlImm { dst, .. }
        | I::I64ShlImmA { dst, .. }
        | I::I64ShrS { dst, .. }
        | I::I64ShrSA { dst, .. }
        | I::I64ShrSImm { dst, .. }
        | I::I64ShrSImmA { dst, .. }
        | I::I64ShrU { dst, .. }
        | I::I64ShrUA { dst, .. }
        | I::I64ShrUImm { dst, .. }
        | I::I64ShrUImmA { dst, .. }
        | I::F32Add { dst, .. }
        | I::F32AddA { dst, .. }
        | I::F32Sub { dst, .. }
        | I::F32SubA { dst, .. }
        | I::F32Mul { dst, .. }
        | I::F32MulA { dst, .. }
        | I::F32Div { dst, .. }
        | I::F32DivA { dst, .. }
        | I::F64Add { dst, .. }
        | I::F64AddA { dst, .. }
        | I::F64Sub { dst, .. }
        | I::F64SubA { dst, .. }
        | I::F64Mul { dst, .. }
        | I::F64MulA { dst, .. }
        | I::F64Div { dst, .. }
        | I::F64DivA { dst, .. }
        | I::I32Load { dst, .. }
        | I::I32LoadA { dst, .. }
        | I::I64Load { dst, .. }
        | I::I64LoadA { dst, .. }
        | I::F32Load { dst, .. }
        | I::F32LoadA { dst, .. }
        | I::F64Load { dst, .. }
        | I::F64LoadA { dst, .. }
        | I::I32Load8S { dst, .. }
        | I::I32Load8SA { dst, .. }
        | I::I32Load8U { dst, .. }
        | I::I32Load8UA { dst, .. }
        | I::I32Load16S { dst, .. }
        | I::I32Load16SA { dst, .. }
        | I::I32Load16U { dst, .. }
        | I::I32Load16UA { dst, .. }
        | I::I64Load32S { dst, .. }
        | I::I64Load32SA { dst, .. }
        | I::I64Load32U { dst, .. }
        | I::I64Load32UA { dst, .. }
        | I::I32Clz { dst, .. }
        | I::I32Ctz { dst, .. }
        | I::I32Popcnt { dst, .. }
        | I::I32Eqz { dst, .. }
        | I::I32Extend8S { dst, .. }
        | I::I32Extend16S { dst, .. }
        | I::I64Clz { dst, .. }
        | I::I64Ctz { dst, .. }
        | I::I64Popcnt { dst, .. }
        | I::I64Eqz { dst, .. }
        | I::I64Extend8S { dst, .. }
        | I::I64Extend16S { dst, .. }
        | I::I64Extend32S { dst, .. }
        | I::F32Abs { dst, .. }
        | I::F32Neg { dst, .. }
        | I::F32Ceil { dst, .. }
        | I::F32Floor { dst, .. }
        | I::F32Trunc { dst, .. }
        | I::F32Nearest { dst, .. }
        | I::F32Sqrt { dst, .. }
        | I::F64Abs { dst, .. }
        | I::F64Neg { dst, .. }
        | I::F64Ceil { dst, .. }
        | I::F64Floor { dst, .. }
        | I::F64Trunc { dst, .. }
        | I::F64Nearest { dst, .. }
        | I::F64Sqrt { dst, .. }
        | I::I32WrapI64 { dst, .. }
        | I::I64ExtendI32S { dst, .. }
        | I::F32DemoteF64 { dst, .. }
        | I::F64PromoteF32 { dst, .. }
        | I::F32ConvertI32S { dst, .. }
        | I::F32ConvertI32U { dst, .. }
        | I::F32ConvertI64S { dst, .. }
        | I::F32ConvertI64U { dst, .. }
        | I::F64ConvertI32S { dst, .. }
        | I::F64ConvertI32U { dst, .. }
        | I::F64ConvertI64S { dst, .. }
        | I::F64ConvertI64U { dst, .. }
        | I::I32TruncSatF32S { dst, .. }
        | I::I32TruncSatF32U { dst, .. }
        | I::I32TruncSatF64S { dst, .. }
        | I::I32TruncSatF64U { dst, .. }
        | I::I64TruncSatF32S { dst, .. }
        | I::I64TruncSatF32U { dst, .. }
        | I::I64TruncSatF64S { dst, .. }
        | I::I64TruncSatF64U { dst, .. }
        | I::I32EqzA { dst, .. }
        | I::I64EqzA { dst, .. }
        | I::I32Extend8SA { dst, .. }
        | I::I32Extend16SA { dst, .. }
        | I::I32WrapI64A { dst, .. }
        | I::I64ExtendI32SA { dst, .. }
        | I::F64ConvertI32SA { dst, .. }
        | I::F64ConvertI32UA { dst, .. }
        | I::F64ConvertI64SA { dst, .. }
        | I::F32ConvertI32SA { dst, .. }
        | I::F64PromoteF32A { dst, .. }
        | I::F32DemoteF64A { dst, .. }
        | I::F64SqrtA { dst, .. }
        | I::F64NegA { dst, .. }
        | I::F64AbsA { dst, .. }
        | I::F32SqrtA { dst, .. }
        | I::F32NegA { dst, .. }
        | I::I32SubRA { dst, .. }
        | I::I64SubRA { dst, .. }
        | I::F32SubRA { dst, .. }
        | I::F64SubRA { dst, .. }
        | I::F32DivRA { dst, .. }
        | I::F64DivRA { dst, .. }
        | I::Copy { dst, .. }
        | I::I32LoadIdx { dst, .. }
        | I::I32LoadAddImm { dst, .. }
        | I::I64LoadIdx { dst, .. }
        | I::I64LoadAddImm { dst, .. }
        | I::F32LoadIdx { dst, .. }
        | I::F32LoadAddImm { dst, .. }
        | I::F64LoadIdx { dst, .. }
        | I::F64LoadAddImm { dst, .. }
        | I::I32Load8SIdx { dst, .. }
        | I::I32Load8SAddImm { dst, .. }
        | I::I32Load8UIdx { dst, .. }
        | I::I32Load8UAddImm { dst, .. }
        | I::I32Load16SIdx { dst, .. }
        | I::I32Load16SAddImm { dst, .. }
        | I::I32Load16UIdx { dst, .. }
        | I::I32Eq { dst, .. }
        | I::I32EqImm { dst, .. }
        | I::I32EqA { dst, .. }
        | I::I32EqImmA { dst, .. }
        | I::I32Ne { dst, .. }
        | I::I32NeImm { dst, .. }
        | I::I32NeA { dst, .. }
        | I::I32NeImmA { dst, .. }
        | I::I32LtS { dst, .. }
        | I::I32LtSImm { dst, .. }
        | I::I32LtSA { dst, .. }
        | I::I32LtSImmA { dst, .. }
        | I::I32LtU { dst, .. }
        | I::I32LtUImm { dst, .. }
        | I::I32LtUA { dst, .. }
        | I::I32LtUImmA { dst, .. }
        | I::I32GtS { dst, .. }
        | I::I32GtSImm { dst, .. }
        | I::I32GtSA { dst, .. }
        | I::I32GtSImmA { dst, .. }
        | I::I32GtU { dst, .. }
        | I::I32GtUImm { dst, .. }
        | I::I32GtUA { dst, .. }
        | I::I32GtUImmA { dst, .. }
        | I::I32LeS { dst, .. }
        | I::I32LeSImm { dst, .. }
        | I::I32LeSA { dst, .. }
        | I::I32LeSImmA { dst, .. }
        | I::I32LeU { dst, .. }
        | I::I32LeUImm { dst, .. }
        | I::I32LeUA { dst, .. }
        | I::I32LeUImmA { dst, .. }
        | I::I32GeS { dst, .. }
        | I::I32GeSImm { dst, .. }
        | I::I32GeSA { dst, .. }
        | I::I32GeSImmA { dst, .. }
        | I::I32GeU { dst, .. }
        | I::I32GeUImm { dst, .. }
        | I::I32GeUA { dst, .. }
        | I::I32GeUImmA { dst, .. }
        | I::I64Eq { dst, .. }
        | I::I64EqImm { dst, .. }
        | I::I64EqA { dst, .. }
        | I::I64EqImmA { dst, .. }
        | I::I64Ne { dst, .. }
        | I::I64NeImm { dst, .. }
        | I::I64NeA { dst, .. }
        | I::I64NeImmA { dst, .. }
        | I::I64LtS { dst, .. }
        | I::I64LtSImm { dst, .. }
        | I::I64LtSA { dst, .. }
        | I::I64LtSImmA { dst, .. }
        | I::I64LtU { dst, .. }
        | I::I64LtUImm { dst, .. }
        | I::I64LtUA { dst, .. }
        | I::I64LtUImmA { dst, .. }
        | I::I64GtS { dst, .. }
        | I::I64GtSImm { dst, .. }
        | I::I64GtSA { dst, .. }
        | I::I64GtSImmA { dst, .. }
        | I::I64GtU { dst, .. }
        | I::I64GtUImm { dst, .. }
        | I::I64GtUA { dst, .. }
        | I::I64GtUImmA { dst, .. }
        | I::I64LeS { dst, .. }
        | I::I64LeSImm { dst, .. }
        | I::I64LeSA { dst, .. }
        | I::I64LeSImmA { dst, .. }
        | I::I64LeU { dst, .. }
        | I::I64LeUImm { dst, .. }
        | I::I64LeUA { dst, .. }
        | I::I64LeUImmA { dst, .. }
        | I::I64GeS { dst, .. }
        | I::I64GeSImm { dst, .. }
        | I::I64GeSA { dst, .. }
        | I::I64GeSImmA { dst, .. }
        | I::I64GeU { dst, .. }
        | I::I64GeUImm { dst, .. }
        | I::I64GeUA { dst, .. }
        | I::I64GeUImmA { dst, .. }
        | I::I32Load16UAddImm { dst, .. } => Some(dst),
        _ => None,
    }
}

/// `op` reading `acc` where it reads slot `d`, if it has such a form.
fn with_acc(op: Instr, d: Slot) -> Option<Instr> {
    Some(match op {
        I::I32Add { dst, lhs, rhs } if lhs == d => I::I32AddA { dst, rhs },
        I::I32Add { dst, lhs, rhs } if rhs == d => I::I32AddA { dst, rhs: lhs },
        I::I32AddImm { dst, lhs, imm } if lhs == d => I::I32AddImmA { dst, imm },
        I::I32Sub { dst, lhs, rhs } if lhs == d => I::I32SubA { dst, rhs },
        I::I32Mul { dst, lhs, rhs } if lhs == d => I::I32MulA { dst, rhs },
        I::I32Mul { dst, lhs, rhs } if rhs == d => I::I32MulA { dst, rhs: lhs },
        I::I32MulImm { dst, lhs, imm } if lhs == d => I::I32MulImmA { dst, imm },
        I::I32And { dst, lhs, rhs } if lhs == d => I::I32AndA { dst, rhs },
        I::I32And { dst, lhs, rhs } if rhs == d => I::I32AndA { dst, rhs: lhs },
        I::I32AndImm { dst, lhs, imm } if lhs == d => I::I32AndImmA { dst, imm },
        I::I32Or { dst, lhs, rhs } if lhs == d => I::I32OrA { dst, rhs },
        I::I32Or { dst, lhs, rhs } if rhs == d => I::I32OrA { dst, rhs: lhs },
        I::I32OrImm { dst, lhs, imm } if lhs == d => I::I32OrImmA { dst, imm },
        I::I32Xor { dst, lhs, rhs } if lhs == d => I::I32XorA { dst, rhs },
        I::I32Xor { dst, lhs, rhs } if rhs == d => I::I32XorA { dst, rhs: lhs },
        I::I32XorImm { dst, lhs, imm } if lhs == d => I::I32XorImmA { dst, imm },
        I::I32Shl { dst, lhs, rhs } if lhs == d => I::I32ShlA { dst, rhs },
        I::I32ShlImm { dst, lhs, imm } if lhs == d => I::I32ShlImmA { dst, imm },
        I::I32ShrS { dst, lhs, rhs } if lhs == d => I::I32ShrSA { dst, rhs },
        I::I32ShrSImm { dst, lhs, imm } if lhs == d => I::I32ShrSImmA { dst, imm },
        I::I32ShrU { dst, lhs, rhs } if lhs == d => I::I32ShrUA { dst, rhs },
        I::I32ShrUImm { dst, lhs, imm } if lhs == d => I::I32ShrUImmA { dst, imm },
        I::I64Add { dst, lhs, rhs } if lhs == d => I::I64AddA { dst, rhs },
        I::I64Add { dst, lhs, rhs } if rhs == d => I::I64AddA { dst, rhs: lhs },
        I::I64AddImm { dst, lhs, imm } if lhs == d => I::I64AddImmA { dst, imm },
        I::I64Sub { dst, lhs, rhs } if lhs == d => I::I64SubA { dst, rhs },
        I::I64Mul { dst, lhs, rhs } if lhs == d => I::I64MulA { dst, rhs },
        I::I64Mul { dst, lhs, rhs } if rhs == d => I::I64MulA { dst, rhs: lhs },
        I::I64MulImm { dst, lhs, imm } if lhs == d => I::I64MulImmA { dst, imm },
        I::I64And { dst, lhs, rhs } if lhs == d => I::I64AndA { dst, rhs },
        I::I64And { dst, lhs, rhs } if rhs == d => I::I64AndA { dst, rhs: lhs },
        I::I64AndImm { dst, lhs, imm } if lhs == d => I::I64AndImmA { dst, imm },
        I::I64Or { dst, lhs, rhs } if lhs == d => I::I64OrA { dst, rhs },
        I::I64Or { dst, lhs, rhs } if rhs == d => I::I64OrA { dst, rhs: lhs },
        I::I64OrImm { dst, lhs, imm } if lhs == d => I::I64OrImmA { dst, imm },
        I::I64Xor { dst, lhs, rhs } if lhs == d => I::I64XorA { dst, rhs },
        I::I64Xor { dst, lhs, rhs } if rhs == d => I::I64XorA { dst, rhs: lhs },
        I::I64XorImm { dst, lhs, imm } if lhs == d => I::I64XorImmA { dst, imm },
        I::I64Shl { dst, lhs, rhs } if lhs == d => I::I64ShlA { dst, rhs },
        I::I64ShlImm { dst, lhs, imm } if lhs == d => I::I64ShlImmA { dst, imm },
        I::I64ShrS { dst, lhs, rhs } if lhs == d => I::I64ShrSA { dst, rhs },
        I::I64ShrSImm { dst, lhs, imm } if lhs == d => I::I64ShrSImmA { dst, imm },
        I::I64ShrU { dst, lhs, rhs } if lhs == d => I::I64ShrUA { dst, rhs },
        I::I64ShrUImm { dst, lhs, imm } if lhs == d => I::I64ShrUImmA { dst, imm },
        I::F32Add { dst, lhs, rhs } if lhs == d => I::F32AddA { dst, rhs },
        I::F32Add { dst, lhs, rhs } if rhs == d => I::F32AddA { dst, rhs: lhs },
        I::F32Sub { dst, lhs, rhs } if lhs == d => I::F32SubA { dst, rhs },
        I::F32Mul { dst, lhs, rhs } if lhs == d => I::F32MulA { dst, rhs },
        I::F32Mul { dst, lhs, rhs } if rhs == d => I::F32MulA { dst, rhs: lhs },
        I::F32Div { dst, lhs, rhs } if lhs == d => I::F32DivA { dst, rhs },
        I::F64Add { dst, lhs, rhs } if lhs == d => I::F64AddA { dst, rhs },
        I::F64Add { dst, lhs, rhs } if rhs == d => I::F64AddA { dst, rhs: lhs },
        I::F64Sub { dst, lhs, rhs } if lhs == d => I::F64SubA { dst, rhs },
        I::F64Mul { dst, lhs, rhs } if lhs == d => I::F64MulA { dst, rhs },
        I::F64Mul { dst, lhs, rhs } if rhs == d => I::F64MulA { dst, rhs: lhs },
        I::F64Div { dst, lhs, rhs } if lhs == d => I::F64DivA { dst, rhs },
        I::I32Load { dst, addr, offset } if addr == d => I::I32LoadA { dst, offset },
        I::I64Load { dst, addr, offset } if addr == d => I::I64LoadA { dst, offset },
        I::F32Load { dst, addr, offset } if addr == d => I::F32LoadA { dst, offset },
        I::F64Load { dst, addr, offset } if addr == d => I::F64LoadA { dst, offset },
        I::I32Load8S { dst, addr, offset } if addr == d => I::I32Load8SA { dst, offset },
        I::I32Load8U { dst, addr, offset } if addr == d => I::I32Load8UA { dst, offset },
        I::I32Load16S { dst, addr, offset } if addr == d => I::I32Load16SA { dst, offset },
        I::I32Load16U { dst, addr, offset } if addr == d => I::I32Load16UA { dst, offset },
        I::I64Load32S { dst, addr, offset } if addr == d => I::I64Load32SA { dst, offset },
        I::I64Load32U { dst, addr, offset } if addr == d => I::I64Load32UA { dst, offset },
        I::I32Store { addr, value, offset } if value == d => I::I32StoreA { addr, offset },
        I::I64Store { addr, value, offset } if value == d => I::I64StoreA { addr, offset },
        I::F32Store { addr, value, offset } if value == d => I::F32StoreA { addr, offset },
        I::F64Store { addr, value, offset } if value == d => I::F64StoreA { addr, offset },
        I::I32Store8 { addr, value, offset } if value == d => I::I32Store8A { addr, offset },
        I::I32Store16 { addr, value, offset } if value == d => I::I32Store16A { addr, offset },
        I::I64Store8 { addr, value, offset } if value == d => I::I64Store8A { addr, offset },
        I::I64Store16 { addr, value, offset } if value == d => I::I64Store16A { addr, offset },
        I::I64Store32 { addr, value, offset } if value == d => I::I64Store32A { addr, offset },
        I::BrI32Eq { lhs, rhs, offset } if lhs == d => I::BrI32EqA { rhs, offset },
        I::BrI32Eq { lhs, rhs, offset } if rhs == d => I::BrI32EqA { rhs: lhs, offset },
        I::BrI32EqImm { lhs, imm, offset } if lhs == d => I::BrI32EqImmA { imm, offset },
        I::BrI32Ne { lhs, rhs, offset } if lhs == d => I::BrI32NeA { rhs, offset },
        I::BrI32Ne { lhs, rhs, offset } if rhs == d => I::BrI32NeA { rhs: lhs, offset },
        I::BrI32NeImm { lhs, imm, offset } if lhs == d => I::BrI32NeImmA { imm, offset },
        I::BrI32LtS { lhs, rhs, offset } if lhs == d => I::BrI32LtSA { rhs, offset },
        I::BrI32LtS { lhs, rhs, offset } if rhs == d => I::BrI32GtSA { rhs: lhs, offset },
        I::BrI32LtSImm { lhs, imm, offset } if lhs == d => I::BrI32LtSImmA { imm, offset },
        I::BrI32LtU { lhs, rhs, offset } if lhs == d => I::BrI32LtUA { rhs, offset },
        I::BrI32LtU { lhs, rhs, offset } if rhs == d => I::BrI32GtUA { rhs: lhs, offset },
        I::BrI32LtUImm { lhs, imm, offset } if lhs == d => I::BrI32LtUImmA { imm, offset },
        I::BrI32GtS { lhs, rhs, offset } if lhs == d => I::BrI32GtSA { rhs, offset },
        I::BrI32GtS { lhs, rhs, offset } if rhs == d => I::BrI32LtSA { rhs: lhs, offset },
        I::BrI32GtSImm { lhs, imm, offset } if lhs == d => I::BrI32GtSImmA { imm, offset },
        I::BrI32GtU { lhs, rhs, offset } if lhs == d => I::BrI32GtUA { rhs, offset },
        I::BrI32GtU { lhs, rhs, offset } if rhs == d => I::BrI32LtUA { rhs: lhs, offset },
        I::BrI32GtUImm { lhs, imm, offset } if lhs == d => I::BrI32GtUImmA { imm, offset },
        I::BrI32LeS { lhs, rhs, offset } if lhs == d => I::BrI32LeSA { rhs, offset },
        I::BrI32LeS { lhs, rhs, offset } if rhs == d => I::BrI32GeSA { rhs: lhs, offset },
        I::BrI32LeSImm { lhs, imm, offset } if lhs == d => I::BrI32LeSImmA { imm, offset },
        I::BrI32LeU { lhs, rhs, offset } if lhs == d => I::BrI32LeUA { rhs, offset },
        I::BrI32LeU { lhs, rhs, offset } if rhs == d => I::BrI32GeUA { rhs: lhs, offset },
        I::BrI32LeUImm { lhs, imm, offset } if lhs == d => I::BrI32LeUImmA { imm, offset },
        I::BrI32GeS { lhs, rhs, offset } if lhs == d => I::BrI32GeSA { rhs, offset },
        I::BrI32GeS { lhs, rhs, offset } if rhs == d => I::BrI32LeSA { rhs: lhs, offset },
        I::BrI32GeSImm { lhs, imm, offset } if lhs == d => I::BrI32GeSImmA { imm, offset },
        I::BrI32GeU { lhs, rhs, offset } if lhs == d => I::BrI32GeUA { rhs, offset },
        I::BrI32GeU { lhs, rhs, offset } if rhs == d => I::BrI32LeUA { rhs: lhs, offset },
        I::BrI32GeUImm { lhs, imm, offset } if lhs == d => I::BrI32GeUImmA { imm, offset },
        I::BrI64Eq { lhs, rhs, offset } if lhs == d => I::BrI64EqA { rhs, offset },
        I::BrI64Eq { lhs, rhs, offset } if rhs == d => I::BrI64EqA { rhs: lhs, offset },
        I::BrI64EqImm { lhs, imm, offset } if lhs == d => I::BrI64EqImmA { imm, offset },
        I::BrI64Ne { lhs, rhs, offset } if lhs == d => I::BrI64NeA { rhs, offset },
        I::BrI64Ne { lhs, rhs, offset } if rhs == d => I::BrI64NeA { rhs: lhs, offset },
        I::BrI64NeImm { lhs, imm, offset } if lhs == d => I::BrI64NeImmA { imm, offset },
        I::BrI64LtS { lhs, rhs, offset } if lhs == d => I::BrI64LtSA { rhs, offset },
        I::BrI64LtS { lhs, rhs, offset } if rhs == d => I::BrI64GtSA { rhs: lhs, offset },
        I::BrI64LtSImm { lhs, imm, offset } if lhs == d => I::BrI64LtSImmA { imm, offset },
        I::BrI64LtU { lhs, rhs, offset } if lhs == d => I::BrI64LtUA { rhs, offset },
        I::BrI64LtU { lhs, rhs, offset } if rhs == d => I::BrI64GtUA { rhs: lhs, offset },
        I::BrI64LtUImm { lhs, imm, offset } if lhs == d => I::BrI64LtUImmA { imm, offset },
        I::BrI64GtS { lhs, rhs, offset } if lhs == d => I::BrI64GtSA { rhs, offset },
        I::BrI64GtS { lhs, rhs, offset } if rhs == d => I::BrI64LtSA { rhs: lhs, offset },
        I::BrI64GtSImm { lhs, imm, offset } if lhs == d => I::BrI64GtSImmA { imm, offset },
        I::BrI64GtU { lhs, rhs, offset } if lhs == d => I::BrI64GtUA { rhs, offset },
        I::BrI64GtU { lhs, rhs, offset } if rhs == d => I::BrI64LtUA { rhs: lhs, offset },
        I::BrI64GtUImm { lhs, imm, offset } if lhs == d => I::BrI64GtUImmA { imm, offset },
        I::BrI64LeS { lhs, rhs, offset } if lhs == d => I::BrI64LeSA { rhs, offset },
        I::BrI64LeS { lhs, rhs, offset } if rhs == d => I::BrI64GeSA { rhs: lhs, offset },
        I::BrI64LeSImm { lhs, imm, offset } if lhs == d => I::BrI64LeSImmA { imm, offset },
        I::BrI64LeU { lhs, rhs, offset } if lhs == d => I::BrI64LeUA { rhs, offset },
        I::BrI64LeU { lhs, rhs, offset } if rhs == d => I::BrI64GeUA { rhs: lhs, offset },
        I::BrI64LeUImm { lhs, imm, offset } if lhs == d => I::BrI64LeUImmA { imm, offset },
        I::BrI64GeS { lhs, rhs, offset } if lhs == d => I::BrI64GeSA { rhs, offset },
        I::BrI64GeS { lhs, rhs, offset } if rhs == d => I::BrI64LeSA { rhs: lhs, offset },
        I::BrI64GeSImm { lhs, imm, offset } if lhs == d => I::BrI64GeSImmA { imm, offset },
        I::BrI64GeU { lhs, rhs, offset } if lhs == d => I::BrI64GeUA { rhs, offset },
        I::BrI64GeU { lhs, rhs, offset } if rhs == d => I::BrI64LeUA { rhs: lhs, offset },
        I::BrI64GeUImm { lhs, imm, offset } if lhs == d => I::BrI64GeUImmA { imm, offset },
        I::BrIfNez { cond, offset } if cond == d => I::BrIfNezA { offset },
        I::BrIfEqz { cond, offset } if cond == d => I::BrIfEqzA { offset },
        I::I32Eqz { dst, src } if src == d => I::I32EqzA { dst },
        I::I64Eqz { dst, src } if src == d => I::I64EqzA { dst },
        I::I32Extend8S { dst, src } if src == d => I::I32Extend8SA { dst },
        I::I32Extend16S { dst, src } if src == d => I::I32Extend16SA { dst },
        I::I32WrapI64 { dst, src } if src == d => I::I32WrapI64A { dst },
        I::I64ExtendI32S { dst, src } if src == d => I::I64ExtendI32SA { dst },
        I::F64ConvertI32S { dst, src } if src == d => I::F64ConvertI32SA { dst },
        I::F64ConvertI32U { dst, src } if src == d => I::F64ConvertI32UA { dst },
        I::F64ConvertI64S { dst, src } if src == d => I::F64ConvertI64SA { dst },
        I::F32ConvertI32S { dst, src } if src == d => I::F32ConvertI32SA { dst },
        I::F64PromoteF32 { dst, src } if src == d => I::F64PromoteF32A { dst },
        I::F32DemoteF64 { dst, src } if src == d => I::F32DemoteF64A { dst },
        I::F64Sqrt { dst, src } if src == d => I::F64SqrtA { dst },
        I::F64Neg { dst, src } if src == d => I::F64NegA { dst },
        I::F64Abs { dst, src } if src == d => I::F64AbsA { dst },
        I::F32Sqrt { dst, src } if src == d => I::F32SqrtA { dst },
        I::F32Neg { dst, src } if src == d => I::F32NegA { dst },
        I::I32Eq { dst, lhs, rhs } if lhs == d => I::I32EqA { dst, rhs },
        I::I32Eq { dst, lhs, rhs } if rhs == d => I::I32EqA { dst, rhs: lhs },
        I::I32EqImm { dst, lhs, imm } if lhs == d => I::I32EqImmA { dst, imm },
        I::I32Ne { dst, lhs, rhs } if lhs == d => I::I32NeA { dst, rhs },
        I::I32Ne { dst, lhs, rhs } if rhs == d => I::I32NeA { dst, rhs: lhs },
        I::I32NeImm { dst, lhs, imm } if lhs == d => I::I32NeImmA { dst, imm },
        I::I32LtS { dst, lhs, rhs } if lhs == d => I::I32LtSA { dst, rhs },
        I::I32LtS { dst, lhs, rhs } if rhs == d => I::I32GtSA { dst, rhs: lhs },
        I::I32LtSImm { dst, lhs, imm } if lhs == d => I::I32LtSImmA { dst, imm },
        I::I32LtU { dst, lhs, rhs } if lhs == d => I::I32LtUA { dst, rhs },
        I::I32LtU { dst, lhs, rhs } if rhs == d => I::I32GtUA { dst, rhs: lhs },
        I::I32LtUImm { dst, lhs, imm } if lhs == d => I::I32LtUImmA { dst, imm },
        I::I32GtS { dst, lhs, rhs } if lhs == d => I::I32GtSA { dst, rhs },
        I::I32GtS { dst, lhs, rhs } if rhs == d => I::I32LtSA { dst, rhs: lhs },
        I::I32GtSImm { dst, lhs, imm } if lhs == d => I::I32GtSImmA { dst, imm },
        I::I32GtU { dst, lhs, rhs } if lhs == d => I::I32GtUA { dst, rhs },
        I::I32GtU { dst, lhs, rhs } if rhs == d => I::I32LtUA { dst, rhs: lhs },
        I::I32GtUImm { dst, lhs, imm } if lhs == d => I::I32GtUImmA { dst, imm },
        I::I32LeS { dst, lhs, rhs } if lhs == d => I::I32LeSA { dst, rhs },
        I::I32LeS { dst, lhs, rhs } if rhs == d => I::I32GeSA { dst, rhs: lhs },
        I::I32LeSImm { dst, lhs, imm } if lhs == d => I::I32LeSImmA { dst, imm },
        I::I32LeU { dst, lhs, rhs } if lhs == d => I::I32LeUA { dst, rhs },
        I::I32LeU { dst, lhs, rhs } if rhs == d => I::I32GeUA { dst, rhs: lhs },
        I::I32LeUImm { dst, lhs, imm } if lhs == d => I::I32LeUImmA { dst, imm },
        I::I32GeS { dst, lhs, rhs } if lhs == d => I::I32GeSA { dst, rhs },
        I::I32GeS { dst, lhs, rhs } if rhs == d => I::I32LeSA { dst, rhs: lhs },
        I::I32GeSImm { dst, lhs, imm } if lhs == d => I::I32GeSImmA { dst, imm },
        I::I32GeU { dst, lhs, rhs } if lhs == d => I::I32GeUA { dst, rhs },
        I::I32GeU { dst, lhs, rhs } if rhs == d => I::I32LeUA { dst, rhs: lhs },
        I::I32GeUImm { dst, lhs, imm } if lhs == d => I::I32GeUImmA { dst, imm },
        I::I64Eq { dst, lhs, rhs } if lhs == d => I::I64EqA { dst, rhs },
        I::I64Eq { dst, lhs, rhs } if rhs == d => I::I64EqA { dst, rhs: lhs },
        I::I64EqImm { dst, lhs, imm } if lhs == d => I::I64EqImmA { dst, imm },
        I::I64Ne { dst, lhs, rhs } if lhs == d => I::I64NeA { dst, rhs },
        I::I64Ne { dst, lhs, rhs } if rhs == d => I::I64NeA { dst, rhs: lhs },
        I::I64NeImm { dst, lhs, imm } if lhs == d => I::I64NeImmA { dst, imm },
        I::I64LtS { dst, lhs, rhs } if lhs == d => I::I64LtSA { dst, rhs },
        I::I64LtS { dst, lhs, rhs } if rhs == d => I::I64GtSA { dst, rhs: lhs },
        I::I64LtSImm { dst, lhs, imm } if lhs == d => I::I64LtSImmA { dst, imm },
        I::I64LtU { dst, lhs, rhs } if lhs == d => I::I64LtUA { dst, rhs },
        I::I64LtU { dst, lhs, rhs } if rhs == d => I::I64GtUA { dst, rhs: lhs },
        I::I64LtUImm { dst, lhs, imm } if lhs == d => I::I64LtUImmA { dst, imm },
        I::I64GtS { dst, lhs, rhs } if lhs == d => I::I64GtSA { dst, rhs },
        I::I64GtS { dst, lhs, rhs } if rhs == d => I::I64LtSA { dst, rhs: lhs },
        I::I64GtSImm { dst, lhs, imm } if lhs == d => I::I64GtSImmA { dst, imm },
        I::I64GtU { dst, lhs, rhs } if lhs == d => I::I64GtUA { dst, rhs },
        I::I64GtU { dst, lhs, rhs } if rhs == d => I::I64LtUA { dst, rhs: lhs },
        I::I64GtUImm { dst, lhs, imm } if lhs == d => I::I64GtUImmA { dst, imm },
        I::I64LeS { dst, lhs, rhs } if lhs == d => I::I64LeSA { dst, rhs },
        I::I64LeS { dst, lhs, rhs } if rhs == d => I::I64GeSA { dst, rhs: lhs },
        I::I64LeSImm { dst, lhs, imm } if lhs == d => I::I64LeSImmA { dst, imm },
        I::I64LeU { dst, lhs, rhs } if lhs == d => I::I64LeUA { dst, rhs },
        I::I64LeU { dst, lhs, rhs } if rhs == d => I::I64GeUA { dst, rhs: lhs },
        I::I64LeUImm { dst, lhs, imm } if lhs == d => I::I64LeUImmA { dst, imm },
        I::I64GeS { dst, lhs, rhs } if lhs == d => I::I64GeSA { dst, rhs },
        I::I64GeS { dst, lhs, rhs } if rhs == d => I::I64LeSA { dst, rhs: lhs },
        I::I64GeSImm { dst, lhs, imm } if lhs == d => I::I64GeSImmA { dst, imm },
        I::I64GeU { dst, lhs, rhs } if lhs == d => I::I64GeUA { dst, rhs },
        I::I64GeU { dst, lhs, rhs } if rhs == d => I::I64LeUA { dst, rhs: lhs },
        I::I64GeUImm { dst, lhs, imm } if lhs == d => I::I64GeUImmA { dst, imm },
        I::BrI32AndNez { lhs, rhs, offset } if lhs == d => I::BrI32AndNezA { rhs, offset },
        I::BrI32AndNez { lhs, rhs, offset } if rhs == d => I::BrI32AndNezA { rhs: lhs, offset },
        I::BrI32AndEqz { lhs, rhs, offset } if lhs == d => I::BrI32AndEqzA { rhs, offset },
        I::BrI32AndEqz { lhs, rhs, offset } if rhs == d => I::BrI32AndEqzA { rhs: lhs, offset },
        I::BrI32AndImmNez { lhs, imm, offset } if lhs == d => I::BrI32AndImmNezA { imm, offset },
        I::BrI32AndImmEqz { lhs, imm, offset } if lhs == d => I::BrI32AndImmEqzA { imm, offset },
        I::SelectInPlace { dst, cond, src } if cond == d && src != d => {
            I::SelectInPlaceA { dst, src }
        }
        I::I32Sub { dst, lhs, rhs } if rhs == d => I::I32SubRA { dst, lhs },
        I::I64Sub { dst, lhs, rhs } if rhs == d => I::I64SubRA { dst, lhs },
        I::F32Sub { dst, lhs, rhs } if rhs == d => I::F32SubRA { dst, lhs },
        I::F64Sub { dst, lhs, rhs } if rhs == d => I::F64SubRA { dst, lhs },
        I::F32Div { dst, lhs, rhs } if rhs == d => I::F32DivRA { dst, lhs },
        I::F64Div { dst, lhs, rhs } if rhs == d => I::F64DivRA { dst, lhs },
        _ => return None,
    })
}
