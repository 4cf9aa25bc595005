//! The shape of translated SIMD code: `v128` results written straight into `v128` locals,
//! `v128.const` and shuffle indices read from the constant pool in place, the memory paths, the
//! lane accesses as a scalar access and a lane op, and the relaxed instructions' ops chosen by the
//! engine's mode.

use super::tests::translated;
use super::translate;
use crate::engine::{Config, Engine};
use crate::interp::isa::{Instr, LoadKind, V128LoadKind};
use crate::module::Module;

#[test]
fn vector_results_are_written_into_vector_locals() {
    let f = translated(
        r#"(module (func (param $a v128) (param $b v128) (local $v v128)
            (local.set $v (i32x4.add (local.get $a) (local.get $b)))
            (local.set $v (v128.bitselect (local.get $a) (local.get $b) (local.get $v)))))"#,
    );
    // $a in slots 0-1, $b in 2-3, $v in 4-5; the first op writes $v itself. The three-operand
    // op is followed by its extension word, so it writes its temporary, which a copy moves.
    assert_eq!(
        &f.code[..],
        &[
            Instr::I32x4Add { dst: 4, lhs: 0, rhs: 2 },
            Instr::V128Bitselect { dst: 6, a: 0, b: 2 },
            Instr::Ext { a: 4, b: 0 },
            Instr::Copy128 { dst: 4, src: 6 },
            Instr::Return0 {},
        ]
    );
    assert!(f.frame_size >= 8);
}

#[test]
fn vector_constants_are_read_from_the_pool() {
    let f = translated(
        r#"(module (func (param v128) (result v128)
            (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4))))"#,
    );
    // The parameter takes slots 0-1, the pool 2-3, the temporaries start at 4.
    assert_eq!(&*f.consts, &[2 << 32 | 1, 4 << 32 | 3]);
    assert_eq!(
        &f.code[..],
        &[Instr::I32x4Add { dst: 4, lhs: 0, rhs: 2 }, Instr::ReturnSpan { src: 4, len: 2 }]
    );
}

#[test]
fn a_stored_vector_constant_is_copied_from_the_pool_once() {
    let f = translated(
        r#"(module (func (local $v v128) (local $w v128)
            (local.set $w (local.tee $v (v128.const i64x2 7 7)))))"#,
    );
    assert_eq!(&*f.consts, &[7, 7]);
    assert_eq!(
        &f.code[..],
        &[Instr::Copy128 { dst: 0, src: 4 }, Instr::Copy128 { dst: 2, src: 4 }, Instr::Return0 {},]
    );
}

#[test]
fn shuffle_lanes_are_a_pool_constant() {
    let f = translated(
        r#"(module (func (param v128 v128) (result v128)
            (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get 0) (local.get 1))))"#,
    );
    assert_eq!(&*f.consts, &[0x1303_1202_1101_1000, 0x1707_1606_1505_1404]);
    assert_eq!(f.code[0], Instr::I8x16Shuffle { dst: 6, lhs: 0, rhs: 2 });
    assert_eq!(f.code[1], Instr::Ext { a: 4, b: 0 });
}

#[test]
fn loads_take_the_fast_path_on_a_32_bit_memory_0_only() {
    let f = translated(
        r#"(module (memory 1) (func (param i32) (result v128)
            (v128.store offset=32 (local.get 0) (v128.load64_splat offset=8 (local.get 0)))
            (v128.load offset=16 (local.get 0))))"#,
    );
    assert_eq!(
        &f.code[..3],
        &[
            Instr::V128Load64Splat { dst: 2, addr: 0, offset: 8 },
            Instr::V128Store { addr: 0, value: 2, offset: 32 },
            Instr::V128Load { dst: 1, addr: 0, offset: 16 },
        ]
    );
    let f = translated(
        r#"(module (memory i64 1) (func (param i64) (result v128)
            (v128.load32_zero offset=4 (local.get 0))))"#,
    );
    assert_eq!(f.code[0], Instr::LoadV128 { kind: V128LoadKind::Zero32, dst: 1, addr: 0 });
    assert_eq!(f.code[1], Instr::MemArg { mem: 0, offset: 4.into() });
}

#[test]
fn lane_loads_and_stores_are_a_scalar_access_and_a_lane_op() {
    let f = translated(
        r#"(module (memory 1) (func (param i32 v128) (result v128)
            (v128.store16_lane offset=2 5 (local.get 0) (local.get 1))
            (v128.load8_lane 3 (local.get 0) (local.get 1))))"#,
    );
    // The parameters take slots 0 and 1-2. The store's lane goes to the temporary above the
    // address (slot 4), the load's byte to the temporary where the address was (slot 3), which
    // the lane op then overwrites with the vector.
    assert_eq!(
        &f.code[..5],
        &[
            Instr::I16x8ExtractLaneU { dst: 4, src: 1, lane: 5 },
            Instr::I32Store16 { addr: 0, value: 4, offset: 2 },
            Instr::I32Load8U { dst: 3, addr: 0, offset: 0 },
            Instr::I8x16ReplaceLane { dst: 3, src: 1, lane: 3 },
            Instr::Ext { a: 3, b: 0 },
        ]
    );
    let f = translated(
        r#"(module (memory 2 2) (memory 1) (func (param i32 v128) (result v128)
            (v128.load64_lane 1 1 (local.get 0) (local.get 1))))"#,
    );
    assert_eq!(f.code[0], Instr::Load { kind: LoadKind::I64, dst: 3, addr: 0 });
    assert_eq!(f.code[1], Instr::MemArg { mem: 1, offset: 0.into() });
    assert_eq!(f.code[2], Instr::I64x2ReplaceLane { dst: 3, src: 1, lane: 1 });
}

#[test]
fn relaxed_instructions_follow_the_engines_mode() {
    let wat = r#"(module (func (param v128 v128) (result v128)
        (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))"#;
    let first_op = |deterministic: bool| {
        let mut config = Config::new();
        config.relaxed_simd_deterministic(deterministic);
        let module = Module::new(&Engine::new(&config), wat).unwrap();
        *translate(&module.inner, 0).unwrap().code[0].instr()
    };
    assert_eq!(first_op(false), Instr::I8x16RelaxedSwizzleX86 { dst: 4, lhs: 0, rhs: 2 });
    assert_eq!(first_op(true), Instr::I8x16Swizzle { dst: 4, lhs: 0, rhs: 2 });
}
