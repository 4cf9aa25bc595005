//! Fusing a comparison into the branch that consumes it.
//!
//! When the condition of `br_if` or `if` is the result of the instruction just emitted and that
//! instruction is a comparison (or `eqz`), the comparison is replaced by one compare-and-branch
//! instruction, which saves a dispatch and a slot write on every loop iteration.

use crate::interp::isa::{Instr, Instr as I};

/// The compare-and-branch form of `cmp`: branching when the comparison holds, or when it does not
/// if `negate`. `None` when `cmp` is not a comparison. The offset is left 0 for patching.
pub(super) fn fused_branch(cmp: Instr, negate: bool) -> Option<Instr> {
    Some(match (cmp, negate) {
        (I::I32Eqz { src, .. }, false) => I::BrIfEqz { cond: src, offset: 0 },
        (I::I32Eqz { src, .. }, true) => I::BrIfNez { cond: src, offset: 0 },
        (I::I64Eqz { src, .. }, false) => I::BrIfEqz64 { cond: src, offset: 0 },
        (I::I64Eqz { src, .. }, true) => I::BrIfNez64 { cond: src, offset: 0 },
        (I::I32Eq { lhs, rhs, .. }, false) => I::BrI32Eq { lhs, rhs, offset: 0 },
        (I::I32Eq { lhs, rhs, .. }, true) => I::BrI32Ne { lhs, rhs, offset: 0 },
        (I::I32EqImm { lhs, imm, .. }, false) => I::BrI32EqImm { lhs, imm, offset: 0 },
        (I::I32EqImm { lhs, imm, .. }, true) => I::BrI32NeImm { lhs, imm, offset: 0 },
        (I::I32Ne { lhs, rhs, .. }, false) => I::BrI32Ne { lhs, rhs, offset: 0 },
        (I::I32Ne { lhs, rhs, .. }, true) => I::BrI32Eq { lhs, rhs, offset: 0 },
        (I::I32NeImm { lhs, imm, .. }, false) => I::BrI32NeImm { lhs, imm, offset: 0 },
        (I::I32NeImm { lhs, imm, .. }, true) => I::BrI32EqImm { lhs, imm, offset: 0 },
        (I::I32LtS { lhs, rhs, .. }, false) => I::BrI32LtS { lhs, rhs, offset: 0 },
        (I::I32LtS { lhs, rhs, .. }, true) => I::BrI32GeS { lhs, rhs, offset: 0 },
        (I::I32LtSImm { lhs, imm, .. }, false) => I::BrI32LtSImm { lhs, imm, offset: 0 },
        (I::I32LtSImm { lhs, imm, .. }, true) => I::BrI32GeSImm { lhs, imm, offset: 0 },
        (I::I32LtU { lhs, rhs, .. }, false) => I::BrI32LtU { lhs, rhs, offset: 0 },
        (I::I32LtU { lhs, rhs, .. }, true) => I::BrI32GeU { lhs, rhs, offset: 0 },
        (I::I32LtUImm { lhs, imm, .. }, false) => I::BrI32LtUImm { lhs, imm, offset: 0 },
        (I::I32LtUImm { lhs, imm, .. }, true) => I::BrI32GeUImm { lhs, imm, offset: 0 },
        (I::I32GtS { lhs, rhs, .. }, false) => I::BrI32GtS { lhs, rhs, offset: 0 },
        (I::I32GtS { lhs, rhs, .. }, true) => I::BrI32LeS { lhs, rhs, offset: 0 },
        (I::I32GtSImm { lhs, imm, .. }, false) => I::BrI32GtSImm { lhs, imm, offset: 0 },
        (I::I32GtSImm { lhs, imm, .. }, true) => I::BrI32LeSImm { lhs, imm, offset: 0 },
        (I::I32GtU { lhs, rhs, .. }, false) => I::BrI32GtU { lhs, rhs, offset: 0 },
        (I::I32GtU { lhs, rhs, .. }, true) => I::BrI32LeU { lhs, rhs, offset: 0 },
        (I::I32GtUImm { lhs, imm, .. }, false) => I::BrI32GtUImm { lhs, imm, offset: 0 },
        (I::I32GtUImm { lhs, imm, .. }, true) => I::BrI32LeUImm { lhs, imm, offset: 0 },
        (I::I32LeS { lhs, rhs, .. }, false) => I::BrI32LeS { lhs, rhs, offset: 0 },
        (I::I32LeS { lhs, rhs, .. }, true) => I::BrI32GtS { lhs, rhs, offset: 0 },
        (I::I32LeSImm { lhs, imm, .. }, false) => I::BrI32LeSImm { lhs, imm, offset: 0 },
        (I::I32LeSImm { lhs, imm, .. }, true) => I::BrI32GtSImm { lhs, imm, offset: 0 },
        (I::I32LeU { lhs, rhs, .. }, false) => I::BrI32LeU { lhs, rhs, offset: 0 },
        (I::I32LeU { lhs, rhs, .. }, true) => I::BrI32GtU { lhs, rhs, offset: 0 },
        (I::I32LeUImm { lhs, imm, .. }, false) => I::BrI32LeUImm { lhs, imm, offset: 0 },
        (I::I32LeUImm { lhs, imm, .. }, true) => I::BrI32GtUImm { lhs, imm, offset: 0 },
        (I::I32GeS { lhs, rhs, .. }, false) => I::BrI32GeS { lhs, rhs, offset: 0 },
        (I::I32GeS { lhs, rhs, .. }, true) => I::BrI32LtS { lhs, rhs, offset: 0 },
        (I::I32GeSImm { lhs, imm, .. }, false) => I::BrI32GeSImm { lhs, imm, offset: 0 },
        (I::I32GeSImm { lhs, imm, .. }, true) => I::BrI32LtSImm { lhs, imm, offset: 0 },
        (I::I32GeU { lhs, rhs, .. }, false) => I::BrI32GeU { lhs, rhs, offset: 0 },
        (I::I32GeU { lhs, rhs, .. }, true) => I::BrI32LtU { lhs, rhs, offset: 0 },
        (I::I32GeUImm { lhs, imm, .. }, false) => I::BrI32GeUImm { lhs, imm, offset: 0 },
        (I::I32GeUImm { lhs, imm, .. }, true) => I::BrI32LtUImm { lhs, imm, offset: 0 },
        (I::I64Eq { lhs, rhs, .. }, false) => I::BrI64Eq { lhs, rhs, offset: 0 },
        (I::I64Eq { lhs, rhs, .. }, true) => I::BrI64Ne { lhs, rhs, offset: 0 },
        (I::I64EqImm { lhs, imm, .. }, false) => I::BrI64EqImm { lhs, imm, offset: 0 },
        (I::I64EqImm { lhs, imm, .. }, true) => I::BrI64NeImm { lhs, imm, offset: 0 },
        (I::I64Ne { lhs, rhs, .. }, false) => I::BrI64Ne { lhs, rhs, offset: 0 },
        (I::I64Ne { lhs, rhs, .. }, true) => I::BrI64Eq { lhs, rhs, offset: 0 },
        (I::I64NeImm { lhs, imm, .. }, false) => I::BrI64NeImm { lhs, imm, offset: 0 },
        (I::I64NeImm { lhs, imm, .. }, true) => I::BrI64EqImm { lhs, imm, offset: 0 },
        (I::I64LtS { lhs, rhs, .. }, false) => I::BrI64LtS { lhs, rhs, offset: 0 },
        (I::I64LtS { lhs, rhs, .. }, true) => I::BrI64GeS { lhs, rhs, offset: 0 },
        (I::I64LtSImm { lhs, imm, .. }, false) => I::BrI64LtSImm { lhs, imm, offset: 0 },
        (I::I64LtSImm { lhs, imm, .. }, true) => I::BrI64GeSImm { lhs, imm, offset: 0 },
        (I::I64LtU { lhs, rhs, .. }, false) => I::BrI64LtU { lhs, rhs, offset: 0 },
        (I::I64LtU { lhs, rhs, .. }, true) => I::BrI64GeU { lhs, rhs, offset: 0 },
        (I::I64LtUImm { lhs, imm, .. }, false) => I::BrI64LtUImm { lhs, imm, offset: 0 },
        (I::I64LtUImm { lhs, imm, .. }, true) => I::BrI64GeUImm { lhs, imm, offset: 0 },
        (I::I64GtS { lhs, rhs, .. }, false) => I::BrI64GtS { lhs, rhs, offset: 0 },
        (I::I64GtS { lhs, rhs, .. }, true) => I::BrI64LeS { lhs, rhs, offset: 0 },
        (I::I64GtSImm { lhs, imm, .. }, false) => I::BrI64GtSImm { lhs, imm, offset: 0 },
        (I::I64GtSImm { lhs, imm, .. }, true) => I::BrI64LeSImm { lhs, imm, offset: 0 },
        (I::I64GtU { lhs, rhs, .. }, false) => I::BrI64GtU { lhs, rhs, offset: 0 },
        (I::I64GtU { lhs, rhs, .. }, true) => I::BrI64LeU { lhs, rhs, offset: 0 },
        (I::I64GtUImm { lhs, imm, .. }, false) => I::BrI64GtUImm { lhs, imm, offset: 0 },
        (I::I64GtUImm { lhs, imm, .. }, true) => I::BrI64LeUImm { lhs, imm, offset: 0 },
        (I::I64LeS { lhs, rhs, .. }, false) => I::BrI64LeS { lhs, rhs, offset: 0 },
        (I::I64LeS { lhs, rhs, .. }, true) => I::BrI64GtS { lhs, rhs, offset: 0 },
        (I::I64LeSImm { lhs, imm, .. }, false) => I::BrI64LeSImm { lhs, imm, offset: 0 },
        (I::I64LeSImm { lhs, imm, .. }, true) => I::BrI64GtSImm { lhs, imm, offset: 0 },
        (I::I64LeU { lhs, rhs, .. }, false) => I::BrI64LeU { lhs, rhs, offset: 0 },
        (I::I64LeU { lhs, rhs, .. }, true) => I::BrI64GtU { lhs, rhs, offset: 0 },
        (I::I64LeUImm { lhs, imm, .. }, false) => I::BrI64LeUImm { lhs, imm, offset: 0 },
        (I::I64LeUImm { lhs, imm, .. }, true) => I::BrI64GtUImm { lhs, imm, offset: 0 },
        (I::I64GeS { lhs, rhs, .. }, false) => I::BrI64GeS { lhs, rhs, offset: 0 },
        (I::I64GeS { lhs, rhs, .. }, true) => I::BrI64LtS { lhs, rhs, offset: 0 },
        (I::I64GeSImm { lhs, imm, .. }, false) => I::BrI64GeSImm { lhs, imm, offset: 0 },
        (I::I64GeSImm { lhs, imm, .. }, true) => I::BrI64LtSImm { lhs, imm, offset: 0 },
        (I::I64GeU { lhs, rhs, .. }, false) => I::BrI64GeU { lhs, rhs, offset: 0 },
        (I::I64GeU { lhs, rhs, .. }, true) => I::BrI64LtU { lhs, rhs, offset: 0 },
        (I::I64GeUImm { lhs, imm, .. }, false) => I::BrI64GeUImm { lhs, imm, offset: 0 },
        (I::I64GeUImm { lhs, imm, .. }, true) => I::BrI64LtUImm { lhs, imm, offset: 0 },
        (I::F32Eq { lhs, rhs, .. }, false) => I::BrF32Eq { lhs, rhs, offset: 0 },
        (I::F32Eq { lhs, rhs, .. }, true) => I::BrF32NotEq { lhs, rhs, offset: 0 },
        (I::F32Ne { lhs, rhs, .. }, false) => I::BrF32Ne { lhs, rhs, offset: 0 },
        (I::F32Ne { lhs, rhs, .. }, true) => I::BrF32NotNe { lhs, rhs, offset: 0 },
        (I::F32Lt { lhs, rhs, .. }, false) => I::BrF32Lt { lhs, rhs, offset: 0 },
        (I::F32Lt { lhs, rhs, .. }, true) => I::BrF32NotLt { lhs, rhs, offset: 0 },
        (I::F32Gt { lhs, rhs, .. }, false) => I::BrF32Gt { lhs, rhs, offset: 0 },
        (I::F32Gt { lhs, rhs, .. }, true) => I::BrF32NotGt { lhs, rhs, offset: 0 },
        (I::F32Le { lhs, rhs, .. }, false) => I::BrF32Le { lhs, rhs, offset: 0 },
        (I::F32Le { lhs, rhs, .. }, true) => I::BrF32NotLe { lhs, rhs, offset: 0 },
        (I::F32Ge { lhs, rhs, .. }, false) => I::BrF32Ge { lhs, rhs, offset: 0 },
        (I::F32Ge { lhs, rhs, .. }, true) => I::BrF32NotGe { lhs, rhs, offset: 0 },
        (I::F64Eq { lhs, rhs, .. }, false) => I::BrF64Eq { lhs, rhs, offset: 0 },
        (I::F64Eq { lhs, rhs, .. }, true) => I::BrF64NotEq { lhs, rhs, offset: 0 },
        (I::F64Ne { lhs, rhs, .. }, false) => I::BrF64Ne { lhs, rhs, offset: 0 },
        (I::F64Ne { lhs, rhs, .. }, true) => I::BrF64NotNe { lhs, rhs, offset: 0 },
        (I::F64Lt { lhs, rhs, .. }, false) => I::BrF64Lt { lhs, rhs, offset: 0 },
        (I::F64Lt { lhs, rhs, .. }, true) => I::BrF64NotLt { lhs, rhs, offset: 0 },
        (I::F64Gt { lhs, rhs, .. }, false) => I::BrF64Gt { lhs, rhs, offset: 0 },
        (I::F64Gt { lhs, rhs, .. }, true) => I::BrF64NotGt { lhs, rhs, offset: 0 },
        (I::F64Le { lhs, rhs, .. }, false) => I::BrF64Le { lhs, rhs, offset: 0 },
        (I::F64Le { lhs, rhs, .. }, true) => I::BrF64NotLe { lhs, rhs, offset: 0 },
        (I::F64Ge { lhs, rhs, .. }, false) => I::BrF64Ge { lhs, rhs, offset: 0 },
        (I::F64Ge { lhs, rhs, .. }, true) => I::BrF64NotGe { lhs, rhs, offset: 0 },
        _ => return None,
    })
}

/// The conditional branch taken exactly when `branch` is not (offset left 0); `None` for anything
/// that is not a conditional branch.
#[rustfmt::skip]
pub(super) fn negated(branch: Instr) -> Option<Instr> {
    Some(match branch {
        I::BrIfNez { cond, .. } => I::BrIfEqz { cond, offset: 0 },
        I::BrIfEqz { cond, .. } => I::BrIfNez { cond, offset: 0 },
        I::BrIfNez64 { cond, .. } => I::BrIfEqz64 { cond, offset: 0 },
        I::BrIfEqz64 { cond, .. } => I::BrIfNez64 { cond, offset: 0 },
        I::BrI32Eq { lhs, rhs, .. } => I::BrI32Ne { lhs, rhs, offset: 0 },
        I::BrI32EqImm { lhs, imm, .. } => I::BrI32NeImm { lhs, imm, offset: 0 },
        I::BrI32Ne { lhs, rhs, .. } => I::BrI32Eq { lhs, rhs, offset: 0 },
        I::BrI32NeImm { lhs, imm, .. } => I::BrI32EqImm { lhs, imm, offset: 0 },
        I::BrI32LtS { lhs, rhs, .. } => I::BrI32GeS { lhs, rhs, offset: 0 },
        I::BrI32LtSImm { lhs, imm, .. } => I::BrI32GeSImm { lhs, imm, offset: 0 },
        I::BrI32LtU { lhs, rhs, .. } => I::BrI32GeU { lhs, rhs, offset: 0 },
        I::BrI32LtUImm { lhs, imm, .. } => I::BrI32GeUImm { lhs, imm, offset: 0 },
        I::BrI32GtS { lhs, rhs, .. } => I::BrI32LeS { lhs, rhs, offset: 0 },
        I::BrI32GtSImm { lhs, imm, .. } => I::BrI32LeSImm { lhs, imm, offset: 0 },
        I::BrI32GtU { lhs, rhs, .. } => I::BrI32LeU { lhs, rhs, offset: 0 },
        I::BrI32GtUImm { lhs, imm, .. } => I::BrI32LeUImm { lhs, imm, offset: 0 },
        I::BrI32LeS { lhs, rhs, .. } => I::BrI32GtS { lhs, rhs, offset: 0 },
        I::BrI32LeSImm { lhs, imm, .. } => I::BrI32GtSImm { lhs, imm, offset: 0 },
        I::BrI32LeU { lhs, rhs, .. } => I::BrI32GtU { lhs, rhs, offset: 0 },
        I::BrI32LeUImm { lhs, imm, .. } => I::BrI32GtUImm { lhs, imm, offset: 0 },
        I::BrI32GeS { lhs, rhs, .. } => I::BrI32LtS { lhs, rhs, offset: 0 },
        I::BrI32GeSImm { lhs, imm, .. } => I::BrI32LtSImm { lhs, imm, offset: 0 },
        I::BrI32GeU { lhs, rhs, .. } => I::BrI32LtU { lhs, rhs, offset: 0 },
        I::BrI32GeUImm { lhs, imm, .. } => I::BrI32LtUImm { lhs, imm, offset: 0 },
        I::BrI64Eq { lhs, rhs, .. } => I::BrI64Ne { lhs, rhs, offset: 0 },
        I::BrI64EqImm { lhs, imm, .. } => I::BrI64NeImm { lhs, imm, offset: 0 },
        I::BrI64Ne { lhs, rhs, .. } => I::BrI64Eq { lhs, rhs, offset: 0 },
        I::BrI64NeImm { lhs, imm, .. } => I::BrI64EqImm { lhs, imm, offset: 0 },
        I::BrI64LtS { lhs, rhs, .. } => I::BrI64GeS { lhs, rhs, offset: 0 },
        I::BrI64LtSImm { lhs, imm, .. } => I::BrI64GeSImm { lhs, imm, offset: 0 },
        I::BrI64LtU { lhs, rhs, .. } => I::BrI64GeU { lhs, rhs, offset: 0 },
        I::BrI64LtUImm { lhs, imm, .. } => I::BrI64GeUImm { lhs, imm, offset: 0 },
        I::BrI64GtS { lhs, rhs, .. } => I::BrI64LeS { lhs, rhs, offset: 0 },
        I::BrI64GtSImm { lhs, imm, .. } => I::BrI64LeSImm { lhs, imm, offset: 0 },
        I::BrI64GtU { lhs, rhs, .. } => I::BrI64LeU { lhs, rhs, offset: 0 },
        I::BrI64GtUImm { lhs, imm, .. } => I::BrI64LeUImm { lhs, imm, offset: 0 },
        I::BrI64LeS { lhs, rhs, .. } => I::BrI64GtS { lhs, rhs, offset: 0 },
        I::BrI64LeSImm { lhs, imm, .. } => I::BrI64GtSImm { lhs, imm, offset: 0 },
        I::BrI64LeU { lhs, rhs, .. } => I::BrI64GtU { lhs, rhs, offset: 0 },
        I::BrI64LeUImm { lhs, imm, .. } => I::BrI64GtUImm { lhs, imm, offset: 0 },
        I::BrI64GeS { lhs, rhs, .. } => I::BrI64LtS { lhs, rhs, offset: 0 },
        I::BrI64GeSImm { lhs, imm, .. } => I::BrI64LtSImm { lhs, imm, offset: 0 },
        I::BrI64GeU { lhs, rhs, .. } => I::BrI64LtU { lhs, rhs, offset: 0 },
        I::BrI64GeUImm { lhs, imm, .. } => I::BrI64LtUImm { lhs, imm, offset: 0 },
        I::BrF32Eq { lhs, rhs, .. } => I::BrF32NotEq { lhs, rhs, offset: 0 },
        I::BrF32NotEq { lhs, rhs, .. } => I::BrF32Eq { lhs, rhs, offset: 0 },
        I::BrF32Ne { lhs, rhs, .. } => I::BrF32NotNe { lhs, rhs, offset: 0 },
        I::BrF32NotNe { lhs, rhs, .. } => I::BrF32Ne { lhs, rhs, offset: 0 },
        I::BrF32Lt { lhs, rhs, .. } => I::BrF32NotLt { lhs, rhs, offset: 0 },
        I::BrF32NotLt { lhs, rhs, .. } => I::BrF32Lt { lhs, rhs, offset: 0 },
        I::BrF32Gt { lhs, rhs, .. } => I::BrF32NotGt { lhs, rhs, offset: 0 },
        I::BrF32NotGt { lhs, rhs, .. } => I::BrF32Gt { lhs, rhs, offset: 0 },
        I::BrF32Le { lhs, rhs, .. } => I::BrF32NotLe { lhs, rhs, offset: 0 },
        I::BrF32NotLe { lhs, rhs, .. } => I::BrF32Le { lhs, rhs, offset: 0 },
        I::BrF32Ge { lhs, rhs, .. } => I::BrF32NotGe { lhs, rhs, offset: 0 },
        I::BrF32NotGe { lhs, rhs, .. } => I::BrF32Ge { lhs, rhs, offset: 0 },
        I::BrF64Eq { lhs, rhs, .. } => I::BrF64NotEq { lhs, rhs, offset: 0 },
        I::BrF64NotEq { lhs, rhs, .. } => I::BrF64Eq { lhs, rhs, offset: 0 },
        I::BrF64Ne { lhs, rhs, .. } => I::BrF64NotNe { lhs, rhs, offset: 0 },
        I::BrF64NotNe { lhs, rhs, .. } => I::BrF64Ne { lhs, rhs, offset: 0 },
        I::BrF64Lt { lhs, rhs, .. } => I::BrF64NotLt { lhs, rhs, offset: 0 },
        I::BrF64NotLt { lhs, rhs, .. } => I::BrF64Lt { lhs, rhs, offset: 0 },
        I::BrF64Gt { lhs, rhs, .. } => I::BrF64NotGt { lhs, rhs, offset: 0 },
        I::BrF64NotGt { lhs, rhs, .. } => I::BrF64Gt { lhs, rhs, offset: 0 },
        I::BrF64Le { lhs, rhs, .. } => I::BrF64NotLe { lhs, rhs, offset: 0 },
        I::BrF64NotLe { lhs, rhs, .. } => I::BrF64Le { lhs, rhs, offset: 0 },
        I::BrF64Ge { lhs, rhs, .. } => I::BrF64NotGe { lhs, rhs, offset: 0 },
        I::BrF64NotGe { lhs, rhs, .. } => I::BrF64Ge { lhs, rhs, offset: 0 },

        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negation_flips_the_comparison() {
        let lt = I::I32LtS { dst: 9, lhs: 1, rhs: 2 };
        assert_eq!(fused_branch(lt, false), Some(I::BrI32LtS { lhs: 1, rhs: 2, offset: 0 }));
        assert_eq!(fused_branch(lt, true), Some(I::BrI32GeS { lhs: 1, rhs: 2, offset: 0 }));
        let flt = I::F64Lt { dst: 9, lhs: 1, rhs: 2 };
        assert_eq!(fused_branch(flt, true), Some(I::BrF64NotLt { lhs: 1, rhs: 2, offset: 0 }));
        assert_eq!(fused_branch(I::I32Add { dst: 0, lhs: 1, rhs: 2 }, false), None);
        let br = I::BrI64LtUImm { lhs: 3, imm: 7, offset: 5 };
        assert_eq!(negated(br), Some(I::BrI64GeUImm { lhs: 3, imm: 7, offset: 0 }));
        assert_eq!(
            negated(negated(br).unwrap()),
            Some(I::BrI64LtUImm { lhs: 3, imm: 7, offset: 0 })
        );
        assert_eq!(negated(I::Br { offset: 1 }), None);
    }
}
