//! The shape of translated code: what the translator promises beyond running correctly (which
//! the spec suite checks): no copies for locals and constants, fused compare-and-branch, results
//! written straight into locals, arguments laid out in place, and reference slots recorded.

use super::translate;
use crate::engine::Engine;
use crate::interp::code::InterpFunc;
use crate::interp::isa::Instr;
use crate::module::Module;

/// A translated function: its instructions, and the rest of its record.
pub(super) struct Translated {
    pub(super) code: Vec<Instr>,
    func: InterpFunc,
}

impl std::ops::Deref for Translated {
    type Target = InterpFunc;
    fn deref(&self) -> &InterpFunc {
        &self.func
    }
}

pub(super) fn translated(wat: &str) -> Translated {
    let module = Module::new(&Engine::default(), wat).unwrap();
    let func = translate(&module.inner, 0).unwrap();
    Translated { code: func.code.iter().map(|op| *op.instr()).collect(), func }
}

#[test]
fn loop_counter_is_fused_and_written_in_place() {
    let f = translated(
        r#"(module (func (param $n i32) (result i32) (local $i i32)
            (loop $l
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
            (local.get $i)))"#,
    );
    // The add writes the local directly and is fused with the compare on the back edge into one
    // loop step (the compare's other operand in the extension word where the branch was), and the
    // result is returned from the local: two ops and a word, no copies.
    assert_eq!(
        &f.code[..],
        &[
            Instr::I32StepBrLtS { var: 1, imm: 1, offset: -2 },
            Instr::Ext { a: 0, b: 0 },
            Instr::Return1 { src: 1 },
        ]
    );
}

#[test]
fn if_condition_branches_on_the_negated_comparison() {
    let f = translated(
        r#"(module (func (param i64) (result i32)
            (if (result i32) (i64.gt_u (local.get 0) (i64.const 10))
              (then (i32.const 1)) (else (i32.const 2)))))"#,
    );
    assert_eq!(f.code[0], Instr::BrI64LeUImm { lhs: 0, imm: 10, offset: 2 });
}

#[test]
fn call_arguments_are_laid_out_as_the_callee_frame() {
    let f = translated(
        r#"(module
            (func (param i32 i32) (result i32) (call 1 (local.get 1) (local.get 0)))
            (func (param i32 i32) (result i32) (local.get 0)))"#,
    );
    // Two copies put the arguments in the temporaries after the two locals; the call's base is
    // there and its result comes back in the same slot.
    assert_eq!(
        &f.code[..],
        &[
            Instr::Copy { dst: 2, src: 1 },
            Instr::Copy { dst: 3, src: 0 },
            Instr::CallInternal { func: 1, base: 2 },
            Instr::Return1 { src: 2 },
        ]
    );
    assert!(f.frame_size >= 4);
}

#[test]
fn set_local_while_its_old_value_is_on_the_stack() {
    // `local.get 0` is still on the stack when local 0 is overwritten: its old value must be
    // copied out first.
    let f = translated(
        r#"(module (func (param i32) (result i32)
            (local.get 0) (local.set 0 (i32.const 5)) (local.get 0) (i32.sub)))"#,
    );
    assert_eq!(
        &f.code[..],
        &[
            Instr::Copy { dst: 1, src: 0 },
            Instr::Const32 { dst: 0, value: 5 },
            Instr::I32Sub { dst: 1, lhs: 1, rhs: 0 },
            Instr::Return1 { src: 1 },
        ]
    );
}

#[test]
fn references_live_across_calls_are_in_the_stack_map() {
    let f = translated(
        r#"(module
            (func (param externref i32) (result externref i32)
              (local.get 0) (ref.null extern) (drop) (local.get 1) (call 1))
            (func (param i32) (result i32) (local.get 0)))"#,
    );
    // The externref below the call's argument is materialized only if something forces it; here
    // it stays a lazily used local, which the collector finds through `ref_locals`. The call
    // still gets its (empty) map: a caller's map is the last one before where it resumes.
    assert_eq!(&*f.ref_locals, &[0]);
    assert_eq!(f.stack_maps.len(), 1);
    assert!(f.stack_maps[0].ref_slots.is_empty());

    let f = translated(
        r#"(module
            (table 1 externref)
            (func (param i32) (result externref i32)
              (table.get 0 (i32.const 0)) (local.get 0) (call 1))
            (func (param i32) (result i32) (local.get 0)))"#,
    );
    // `table.get` leaves its reference in temporary slot 2 (after the one local and the pool's one
    // constant, the index 0) across the call.
    assert_eq!(&*f.consts, &[0]);
    assert_eq!(f.stack_maps.len(), 1);
    assert_eq!(&*f.stack_maps[0].ref_slots, &[2]);
    assert!(matches!(f.code[f.stack_maps[0].pc as usize], Instr::CallInternal { .. }));
}

#[test]
fn float_constants_come_from_the_pool() {
    let f = translated(
        r#"(module (func (param f64 i32) (result f64) (local f64)
            (loop $l
              (local.set 2 (f64.add (local.get 2) (f64.div (f64.const 1) (local.get 0))))
              (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
            (local.get 2)))"#,
    );
    // 1.0 sits in pool slot 3 (after three locals); the loop reads it and materializes nothing.
    // The quotient is at stack depth 1: slot 5, after the pool.
    assert_eq!(&*f.consts, &[1f64.to_bits()]);
    assert!(f.code.iter().all(|i| !matches!(i, Instr::Const64 { .. } | Instr::Const32 { .. })));
    assert!(f.code.contains(&Instr::F64Div { dst: 5, lhs: 3, rhs: 0 }));
}

#[test]
fn address_add_fuses_into_the_load() {
    let f = translated(
        r#"(module (memory 1) (func (param i32) (result i32)
            (i32.load (i32.add (local.get 0) (i32.const 8)))))"#,
    );
    assert_eq!(f.code[0], Instr::I32LoadAddImm { dst: 1, base: 0, imm: 8 });
    assert_eq!(f.code.len(), 2);
}

#[test]
fn indexed_addresses_fuse_into_loads_and_stores() {
    let f = translated(
        r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.store8 (i32.add (local.get 0) (local.get 1)) (i32.const 1))
            (i32.store (i32.add (local.get 0) (local.get 1)) (local.get 1))
            (i32.load (i32.add (local.get 0) (local.get 1)))))"#,
    );
    assert_eq!(
        &f.code[..],
        &[
            Instr::I32Store8IdxImm { base: 0, index: 1, value: 1 },
            Instr::I32StoreIdx { base: 0, index: 1, value: 1 },
            Instr::I32LoadIdx { dst: 2, base: 0, index: 1 },
            Instr::Return1 { src: 2 },
        ]
    );
}

#[test]
fn a_computed_value_keeps_the_store_separate() {
    // The value is computed after the address: the add is not the last instruction any more.
    let f = translated(
        r#"(module (memory 1) (func (param i32 i32)
            (i32.store (i32.add (local.get 0) (local.get 1)) (i32.mul (local.get 0) (local.get 1)))))"#,
    );
    assert!(matches!(f.code[0], Instr::I32Add { .. }));
    // The store takes the product from `acc`, where the multiply left it.
    assert!(matches!(f.code[1], Instr::I32Mul { .. }));
    assert!(matches!(f.code[2], Instr::I32StoreA { .. }));
}

#[test]
fn a_bit_test_feeding_a_branch_is_one_instruction() {
    let f = translated(
        r#"(module (func (param i32 i32) (result i32)
            (if (i32.and (local.get 0) (i32.const 4)) (then (return (i32.const 1))))
            (br_if 0 (i32.const 2) (i32.and (local.get 0) (local.get 1)))
            (drop)
            (i32.const 3)))"#,
    );
    // `if` branches past its body when the bit is clear; `br_if` out of the function (its value
    // copied, then a return) branches around that when no bit is set.
    assert!(
        matches!(f.code[0], Instr::BrI32AndImmEqz { lhs: 0, imm: 4, offset: 2 }),
        "{:?}",
        f.code
    );
    assert!(
        f.code.iter().any(|i| matches!(i, Instr::BrI32AndEqz { lhs: 0, rhs: 1, offset: 2 })),
        "{:?}",
        f.code
    );
    assert!(!f.code.iter().any(|i| matches!(i, Instr::I32And { .. } | Instr::I32AndImm { .. })));
}

#[test]
fn a_value_goes_to_the_next_op_in_acc_but_never_across_a_branch_target() {
    // `(x >> 2) ^ r` then `+ load`: the xor reads the shift's result from `acc`, the add the
    // xor's (its right operand: an add commutes), the store the sum's.
    let f = translated(
        r#"(module (memory 1) (func (param $a i32) (param $r i32)
            (i32.store (local.get $a)
              (i32.add (i32.load (local.get $a))
                       (i32.xor (i32.shr_u (local.get $a) (i32.const 2)) (local.get $r))))))"#,
    );
    assert_eq!(
        &f.code[..4],
        &[
            Instr::I32Load { dst: 3, addr: 0, offset: 0 },
            Instr::I32ShrUImm { dst: 4, lhs: 0, imm: 2 },
            Instr::I32XorA { dst: 4, rhs: 1 },
            Instr::I32AddA { dst: 3, rhs: 3 },
        ],
        "{:?}",
        f.code
    );
    assert_eq!(f.code[4], Instr::I32StoreA { addr: 0, offset: 0 });

    // A loop header is a branch target: its first op reads its operand from the slot, even when
    // the op before the loop wrote it.
    let f = translated(
        r#"(module (func (param $n i32) (local $i i32)
            (local.set $i (i32.add (local.get $n) (i32.const 1)))
            (loop $l
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.lt_s (local.get $i) (local.get $n))))))"#,
    );
    assert_eq!(f.code[0], Instr::I32AddImm { dst: 1, lhs: 0, imm: 1 }, "{:?}", f.code);
    assert_eq!(f.code[1], Instr::I32StepBrLtS { var: 1, imm: 1, offset: -2 }, "{:?}", f.code);
}

#[test]
fn a_while_loops_step_and_jump_back_are_one_op() {
    let f = translated(
        r#"(module (func (param $n i32) (local $i i32)
            (block $out (loop $l
              (call 1)
              (br_if $out (i32.ge_s (local.get $i) (local.get $n)))
              (local.set $i (i32.add (local.get $i) (i32.const 3)))
              (br $l))))
            (func))"#,
    );
    // (A loop whose first op is its exit test has that test copied to the bottom instead, where
    // it fuses with the step as any latch does.)
    let step = f.code.iter().position(|op| matches!(op, Instr::I32StepBr { .. }));
    let at = step.unwrap_or_else(|| panic!("no loop step: {:?}", f.code));
    assert_eq!(f.code[at], Instr::I32StepBr { var: 1, imm: 3, offset: -4 }, "{:?}", f.code);
    assert!(matches!(f.code[at + 1], Instr::Ext { .. }));
}

#[test]
fn a_loop_latch_that_a_branch_reaches_is_not_fused() {
    // The `if` without an else jumps to the compare when its condition is zero: the compare is a
    // branch target, so it keeps its own op (reading the counter from its slot).
    let f = translated(
        r#"(module (func (param $n i32) (local $i i32)
            (loop $l
              (if (local.get $n) (then (local.set $i (i32.add (local.get $i) (i32.const 1)))))
              (br_if $l (i32.lt_s (local.get $i) (local.get $n))))))"#,
    );
    assert_eq!(
        &f.code[..3],
        &[
            Instr::BrIfEqz { cond: 0, offset: 1 },
            Instr::I32AddImm { dst: 1, lhs: 1, imm: 1 },
            Instr::BrI32LtS { lhs: 1, rhs: 0, offset: -3 },
        ],
        "{:?}",
        f.code
    );
}
