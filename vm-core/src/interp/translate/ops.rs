//! The operator dispatch: every WebAssembly instruction the interpreter runs, mapped to the stack
//! and slot operations of `mod.rs` and the control flow of `control.rs`.

use silo_loader::wasmparser::{MemArg, MemArgTarget, Operator};
use silo_loader::{RefType, ValType};

use super::{Operand, Translator};
use crate::interp::isa::{Instr, LoadKind, Slot, StoreKind};
use crate::vm::br_table_targets;

type SlotOp3 = fn(Slot, Slot, Slot) -> Instr;
type SlotImmOp = fn(Slot, Slot, i32) -> Instr;

/// A binary operator: its register form, its forms with a constant right or left operand (given
/// as `(dst, other operand, constant)`), which constants those forms accept, and its result type.
struct Bin {
    rr: SlotOp3,
    ri: Option<SlotImmOp>,
    ir: Option<SlotImmOp>,
    imm_ok: fn(i64) -> bool,
    ty: ValType,
}

fn any(_: i64) -> bool {
    true
}

fn nonzero(v: i64) -> bool {
    v != 0
}

/// Signed division by these constants cannot trap.
fn nonzero_not_minus_one(v: i64) -> bool {
    v != 0 && v != -1
}

/// `x - c` becomes `x + (-c)`, which does not fit an `i32` immediate for `c = i32::MIN`.
fn not_min(v: i64) -> bool {
    v != i32::MIN as i64
}

macro_rules! rr {
    ($v:ident) => {
        |dst, lhs, rhs| Instr::$v { dst, lhs, rhs }
    };
}

macro_rules! ri {
    ($v:ident) => {
        Some(|dst, lhs, imm| Instr::$v { dst, lhs, imm })
    };
}

macro_rules! un {
    ($v:ident) => {
        |dst, src| Instr::$v { dst, src }
    };
}

impl Translator<'_> {
    pub(super) fn operator(&mut self, op: Operator<'_>) -> Result<(), String> {
        if !self.reachable {
            self.dead_operator(&op);
            return Ok(());
        }
        use Operator as O;
        match op {
            O::Unreachable => {
                self.emit(Instr::Unreachable {});
                self.reachable = false;
            }
            O::Throw { tag_index } => self.throw(tag_index),
            O::ThrowRef => self.throw_ref(),
            O::TryTable { try_table } => self.try_table(try_table),
            O::Try { blockty } => self.legacy_try(blockty),
            O::Catch { tag_index } => self.legacy_catch(Some(tag_index)),
            O::CatchAll => self.legacy_catch(None),
            O::Delegate { relative_depth } => self.delegate(relative_depth),
            O::Rethrow { relative_depth } => self.rethrow(relative_depth),
            O::Nop => {}
            O::Block { blockty } => self.block(blockty),
            O::Loop { blockty } => self.loop_(blockty),
            O::If { blockty } => self.if_(blockty),
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { targets } => self.br_table(&br_table_targets(&targets)?),
            O::BrOnNull { relative_depth } => self.br_on_null(relative_depth),
            O::BrOnNonNull { relative_depth } => self.br_on_non_null(relative_depth),
            O::Return => self.return_(),
            O::Call { function_index } => self.call(function_index, false),
            O::ReturnCall { function_index } => self.call(function_index, true),
            O::CallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, false)
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, true)
            }
            O::CallRef { type_index } => self.call_ref(type_index, false),
            O::ReturnCallRef { type_index } => self.call_ref(type_index, true),

            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => self.select(),
            O::LocalGet { local_index } => {
                let ty = self.local_types[local_index as usize];
                self.push(Operand::Local(local_index), ty);
            }
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let ty = self.module.info.globals[global_index as usize].content;
                let dst = self.slot_at(self.stack.len());
                let global = global_index;
                let instr = if ty == ValType::V128 {
                    Instr::GlobalGet128 { dst, global }
                } else {
                    Instr::GlobalGet { dst, global }
                };
                self.emit_result(instr, ty);
            }
            O::GlobalSet { global_index } => {
                let ty = self.module.info.globals[global_index as usize].content;
                let (src, global) = (self.pop_slot(), global_index);
                if ty == ValType::V128 {
                    self.emit(Instr::GlobalSet128 { global, src });
                } else {
                    self.emit(Instr::GlobalSet { global, src });
                }
            }

            O::I32Const { value } => self.push(Operand::Const(value as u32 as u64), ValType::I32),
            O::I64Const { value } => self.push(Operand::Const(value as u64), ValType::I64),
            O::F32Const { value } => self.push(Operand::Const(value.bits() as u64), ValType::F32),
            O::F64Const { value } => self.push(Operand::Const(value.bits()), ValType::F64),

            // Slots hold raw bits and i32s zero-extended: these change only the type.
            O::I32ReinterpretF32 => self.relabel(ValType::I32),
            O::I64ReinterpretF64 => self.relabel(ValType::I64),
            O::F32ReinterpretI32 => self.relabel(ValType::F32),
            O::F64ReinterpretI64 => self.relabel(ValType::F64),
            O::I64ExtendI32U => self.relabel(ValType::I64),

            O::MemorySize { mem } => {
                let ty = self.memory_index_type(mem);
                let dst = self.slot_at(self.stack.len());
                self.emit_result(Instr::MemorySize { dst, mem }, ty);
            }
            O::MemoryGrow { mem } => {
                let ty = self.memory_index_type(mem);
                let (dst, delta) = self.pop_unary();
                self.emit_result(Instr::MemoryGrow { dst, delta, mem }, ty);
            }
            O::MemoryFill { mem } => {
                let [dst, value, len] = self.pop_three();
                self.emit(Instr::MemoryFill { mem, dst, value });
                self.emit(Instr::Ext { a: len, b: 0 });
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let [dst, src, len] = self.pop_three();
                self.emit(Instr::MemoryCopy { dst_mem, src_mem, dst });
                self.emit(Instr::Ext { a: src, b: len });
            }
            O::MemoryInit { data_index, mem } => {
                let [dst, src, len] = self.pop_three();
                self.emit(Instr::MemoryInit { mem, seg: data_index, dst });
                self.emit(Instr::Ext { a: src, b: len });
            }
            O::DataDrop { data_index } => {
                self.emit(Instr::DataDrop { seg: data_index });
            }

            O::TableGet { table } => {
                let ty = ValType::Ref(self.module.info.tables[table as usize].element);
                let (dst, index) = self.pop_unary();
                self.emit_result(Instr::TableGet { dst, table, index }, ty);
            }
            O::TableSet { table } => {
                let [index, value] = self.pop_two();
                self.emit(Instr::TableSet { table, index, value });
            }
            O::TableSize { table } => {
                let ty = self.table_index_type(table);
                let dst = self.slot_at(self.stack.len());
                self.emit_result(Instr::TableSize { dst, table }, ty);
            }
            O::TableGrow { table } => {
                let ty = self.table_index_type(table);
                let [init, delta] = self.pop_two();
                let dst = self.slot_at(self.stack.len());
                self.emit(Instr::TableGrow { dst, table, init });
                self.emit(Instr::Ext { a: delta, b: 0 });
                self.push_temp(ty);
            }
            O::TableFill { table } => {
                let [start, value, len] = self.pop_three();
                self.emit(Instr::TableFill { table, start, value });
                self.emit(Instr::Ext { a: len, b: 0 });
            }
            O::TableCopy { dst_table, src_table } => {
                let [dst, src, len] = self.pop_three();
                self.emit(Instr::TableCopy { dst_table, src_table, dst });
                self.emit(Instr::Ext { a: src, b: len });
            }
            O::TableInit { elem_index, table } => {
                let [dst, src, len] = self.pop_three();
                self.emit(Instr::TableInit { table, seg: elem_index, dst });
                self.emit(Instr::Ext { a: src, b: len });
            }
            O::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop { seg: elem_index });
            }

            O::RefNull { hty } => {
                let heap = silo_loader::heap_type_of(hty);
                self.push(Operand::Const(0), ValType::Ref(RefType { nullable: true, heap }));
            }
            O::RefIsNull => self.unary(un!(I64Eqz), ValType::I32),
            O::RefFunc { function_index } => {
                let dst = self.slot_at(self.stack.len());
                self.emit_result(Instr::RefFunc { dst, func: function_index }, ValType::FUNCREF);
            }
            O::RefAsNonNull => {
                let pos = self.stack.len() - 1;
                let src = match self.stack[pos].op {
                    Operand::Local(l) => self.local_slot(l),
                    _ => {
                        self.materialize(pos);
                        self.slot_at(pos)
                    }
                };
                self.emit(Instr::RefAsNonNull { src });
            }

            O::I32Add => self.binary(
                Bin {
                    rr: rr!(I32Add),
                    ri: ri!(I32AddImm),
                    ir: ri!(I32AddImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Sub => self.binary(
                Bin {
                    rr: rr!(I32Sub),
                    ri: Some(|dst, lhs, imm: i32| Instr::I32AddImm {
                        dst,
                        lhs,
                        imm: imm.wrapping_neg(),
                    }),
                    ir: ri!(I32RsubImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Mul => self.binary(
                Bin {
                    rr: rr!(I32Mul),
                    ri: ri!(I32MulImm),
                    ir: ri!(I32MulImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32And => self.binary(
                Bin {
                    rr: rr!(I32And),
                    ri: ri!(I32AndImm),
                    ir: ri!(I32AndImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Or => self.binary(
                Bin {
                    rr: rr!(I32Or),
                    ri: ri!(I32OrImm),
                    ir: ri!(I32OrImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Xor => self.binary(
                Bin {
                    rr: rr!(I32Xor),
                    ri: ri!(I32XorImm),
                    ir: ri!(I32XorImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Shl => self.binary(
                Bin {
                    rr: rr!(I32Shl),
                    ri: ri!(I32ShlImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32ShrS => self.binary(
                Bin {
                    rr: rr!(I32ShrS),
                    ri: ri!(I32ShrSImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32ShrU => self.binary(
                Bin {
                    rr: rr!(I32ShrU),
                    ri: ri!(I32ShrUImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Rotl => self.binary(
                Bin {
                    rr: rr!(I32Rotl),
                    ri: ri!(I32RotlImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Rotr => self.binary(
                Bin {
                    rr: rr!(I32Rotr),
                    ri: ri!(I32RotrImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Eq => self.binary(
                Bin {
                    rr: rr!(I32Eq),
                    ri: ri!(I32EqImm),
                    ir: ri!(I32EqImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32Ne => self.binary(
                Bin {
                    rr: rr!(I32Ne),
                    ri: ri!(I32NeImm),
                    ir: ri!(I32NeImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32LtS => self.binary(
                Bin {
                    rr: rr!(I32LtS),
                    ri: ri!(I32LtSImm),
                    ir: ri!(I32GtSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32LtU => self.binary(
                Bin {
                    rr: rr!(I32LtU),
                    ri: ri!(I32LtUImm),
                    ir: ri!(I32GtUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32GtS => self.binary(
                Bin {
                    rr: rr!(I32GtS),
                    ri: ri!(I32GtSImm),
                    ir: ri!(I32LtSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32GtU => self.binary(
                Bin {
                    rr: rr!(I32GtU),
                    ri: ri!(I32GtUImm),
                    ir: ri!(I32LtUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32LeS => self.binary(
                Bin {
                    rr: rr!(I32LeS),
                    ri: ri!(I32LeSImm),
                    ir: ri!(I32GeSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32LeU => self.binary(
                Bin {
                    rr: rr!(I32LeU),
                    ri: ri!(I32LeUImm),
                    ir: ri!(I32GeUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32GeS => self.binary(
                Bin {
                    rr: rr!(I32GeS),
                    ri: ri!(I32GeSImm),
                    ir: ri!(I32LeSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32GeU => self.binary(
                Bin {
                    rr: rr!(I32GeU),
                    ri: ri!(I32GeUImm),
                    ir: ri!(I32LeUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32DivS => self.binary(
                Bin {
                    rr: rr!(I32DivS),
                    ri: ri!(I32DivSImm),
                    ir: None,
                    imm_ok: nonzero_not_minus_one,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32DivU => self.binary(
                Bin {
                    rr: rr!(I32DivU),
                    ri: ri!(I32DivUImm),
                    ir: None,
                    imm_ok: nonzero,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32RemS => self.binary(
                Bin {
                    rr: rr!(I32RemS),
                    ri: ri!(I32RemSImm),
                    ir: None,
                    imm_ok: nonzero_not_minus_one,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I32RemU => self.binary(
                Bin {
                    rr: rr!(I32RemU),
                    ri: ri!(I32RemUImm),
                    ir: None,
                    imm_ok: nonzero,
                    ty: ValType::I32,
                },
                false,
            ),
            O::I64Add => self.binary(
                Bin {
                    rr: rr!(I64Add),
                    ri: ri!(I64AddImm),
                    ir: ri!(I64AddImm),
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Sub => self.binary(
                Bin {
                    rr: rr!(I64Sub),
                    ri: Some(|dst, lhs, imm: i32| Instr::I64AddImm {
                        dst,
                        lhs,
                        imm: imm.wrapping_neg(),
                    }),
                    ir: ri!(I64RsubImm),
                    imm_ok: not_min,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Mul => self.binary(
                Bin {
                    rr: rr!(I64Mul),
                    ri: ri!(I64MulImm),
                    ir: ri!(I64MulImm),
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64And => self.binary(
                Bin {
                    rr: rr!(I64And),
                    ri: ri!(I64AndImm),
                    ir: ri!(I64AndImm),
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Or => self.binary(
                Bin {
                    rr: rr!(I64Or),
                    ri: ri!(I64OrImm),
                    ir: ri!(I64OrImm),
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Xor => self.binary(
                Bin {
                    rr: rr!(I64Xor),
                    ri: ri!(I64XorImm),
                    ir: ri!(I64XorImm),
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Shl => self.binary(
                Bin {
                    rr: rr!(I64Shl),
                    ri: ri!(I64ShlImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64ShrS => self.binary(
                Bin {
                    rr: rr!(I64ShrS),
                    ri: ri!(I64ShrSImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64ShrU => self.binary(
                Bin {
                    rr: rr!(I64ShrU),
                    ri: ri!(I64ShrUImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Rotl => self.binary(
                Bin {
                    rr: rr!(I64Rotl),
                    ri: ri!(I64RotlImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Rotr => self.binary(
                Bin {
                    rr: rr!(I64Rotr),
                    ri: ri!(I64RotrImm),
                    ir: None,
                    imm_ok: any,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64Eq => self.binary(
                Bin {
                    rr: rr!(I64Eq),
                    ri: ri!(I64EqImm),
                    ir: ri!(I64EqImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64Ne => self.binary(
                Bin {
                    rr: rr!(I64Ne),
                    ri: ri!(I64NeImm),
                    ir: ri!(I64NeImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64LtS => self.binary(
                Bin {
                    rr: rr!(I64LtS),
                    ri: ri!(I64LtSImm),
                    ir: ri!(I64GtSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64LtU => self.binary(
                Bin {
                    rr: rr!(I64LtU),
                    ri: ri!(I64LtUImm),
                    ir: ri!(I64GtUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64GtS => self.binary(
                Bin {
                    rr: rr!(I64GtS),
                    ri: ri!(I64GtSImm),
                    ir: ri!(I64LtSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64GtU => self.binary(
                Bin {
                    rr: rr!(I64GtU),
                    ri: ri!(I64GtUImm),
                    ir: ri!(I64LtUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64LeS => self.binary(
                Bin {
                    rr: rr!(I64LeS),
                    ri: ri!(I64LeSImm),
                    ir: ri!(I64GeSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64LeU => self.binary(
                Bin {
                    rr: rr!(I64LeU),
                    ri: ri!(I64LeUImm),
                    ir: ri!(I64GeUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64GeS => self.binary(
                Bin {
                    rr: rr!(I64GeS),
                    ri: ri!(I64GeSImm),
                    ir: ri!(I64LeSImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64GeU => self.binary(
                Bin {
                    rr: rr!(I64GeU),
                    ri: ri!(I64GeUImm),
                    ir: ri!(I64LeUImm),
                    imm_ok: any,
                    ty: ValType::I32,
                },
                true,
            ),
            O::I64DivS => self.binary(
                Bin {
                    rr: rr!(I64DivS),
                    ri: ri!(I64DivSImm),
                    ir: None,
                    imm_ok: nonzero_not_minus_one,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64DivU => self.binary(
                Bin {
                    rr: rr!(I64DivU),
                    ri: ri!(I64DivUImm),
                    ir: None,
                    imm_ok: nonzero,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64RemS => self.binary(
                Bin {
                    rr: rr!(I64RemS),
                    ri: ri!(I64RemSImm),
                    ir: None,
                    imm_ok: nonzero_not_minus_one,
                    ty: ValType::I64,
                },
                true,
            ),
            O::I64RemU => self.binary(
                Bin {
                    rr: rr!(I64RemU),
                    ri: ri!(I64RemUImm),
                    ir: None,
                    imm_ok: nonzero,
                    ty: ValType::I64,
                },
                true,
            ),
            O::F32Add => self.binary(
                Bin { rr: rr!(F32Add), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Sub => self.binary(
                Bin { rr: rr!(F32Sub), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Mul => self.binary(
                Bin { rr: rr!(F32Mul), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Div => self.binary(
                Bin { rr: rr!(F32Div), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Min => self.binary(
                Bin { rr: rr!(F32Min), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Max => self.binary(
                Bin { rr: rr!(F32Max), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Copysign => self.binary(
                Bin { rr: rr!(F32Copysign), ri: None, ir: None, imm_ok: any, ty: ValType::F32 },
                false,
            ),
            O::F32Eq => self.binary(
                Bin { rr: rr!(F32Eq), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F32Ne => self.binary(
                Bin { rr: rr!(F32Ne), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F32Lt => self.binary(
                Bin { rr: rr!(F32Lt), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F32Gt => self.binary(
                Bin { rr: rr!(F32Gt), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F32Le => self.binary(
                Bin { rr: rr!(F32Le), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F32Ge => self.binary(
                Bin { rr: rr!(F32Ge), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F64Add => self.binary(
                Bin { rr: rr!(F64Add), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Sub => self.binary(
                Bin { rr: rr!(F64Sub), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Mul => self.binary(
                Bin { rr: rr!(F64Mul), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Div => self.binary(
                Bin { rr: rr!(F64Div), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Min => self.binary(
                Bin { rr: rr!(F64Min), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Max => self.binary(
                Bin { rr: rr!(F64Max), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Copysign => self.binary(
                Bin { rr: rr!(F64Copysign), ri: None, ir: None, imm_ok: any, ty: ValType::F64 },
                false,
            ),
            O::F64Eq => self.binary(
                Bin { rr: rr!(F64Eq), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F64Ne => self.binary(
                Bin { rr: rr!(F64Ne), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F64Lt => self.binary(
                Bin { rr: rr!(F64Lt), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F64Gt => self.binary(
                Bin { rr: rr!(F64Gt), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F64Le => self.binary(
                Bin { rr: rr!(F64Le), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::F64Ge => self.binary(
                Bin { rr: rr!(F64Ge), ri: None, ir: None, imm_ok: any, ty: ValType::I32 },
                false,
            ),
            O::I32Clz => self.unary(un!(I32Clz), ValType::I32),
            O::I32Ctz => self.unary(un!(I32Ctz), ValType::I32),
            O::I32Popcnt => self.unary(un!(I32Popcnt), ValType::I32),
            O::I32Eqz => self.unary(un!(I32Eqz), ValType::I32),
            O::I32Extend8S => self.unary(un!(I32Extend8S), ValType::I32),
            O::I32Extend16S => self.unary(un!(I32Extend16S), ValType::I32),
            O::I64Clz => self.unary(un!(I64Clz), ValType::I64),
            O::I64Ctz => self.unary(un!(I64Ctz), ValType::I64),
            O::I64Popcnt => self.unary(un!(I64Popcnt), ValType::I64),
            O::I64Eqz => self.unary(un!(I64Eqz), ValType::I32),
            O::I64Extend8S => self.unary(un!(I64Extend8S), ValType::I64),
            O::I64Extend16S => self.unary(un!(I64Extend16S), ValType::I64),
            O::I64Extend32S => self.unary(un!(I64Extend32S), ValType::I64),

            O::I64Add128 => {
                self.wide_pair(|dst, lhs_lo, lhs_hi| Instr::I64Add128 { dst, lhs_lo, lhs_hi })
            }
            O::I64Sub128 => {
                self.wide_pair(|dst, lhs_lo, lhs_hi| Instr::I64Sub128 { dst, lhs_lo, lhs_hi })
            }
            O::I64MulWideS => {
                self.wide_product(|dst, lhs, rhs| Instr::I64MulWideS { dst, lhs, rhs })
            }
            O::I64MulWideU => {
                self.wide_product(|dst, lhs, rhs| Instr::I64MulWideU { dst, lhs, rhs })
            }
            O::F32Abs => self.unary(un!(F32Abs), ValType::F32),
            O::F32Neg => self.unary(un!(F32Neg), ValType::F32),
            O::F32Ceil => self.unary(un!(F32Ceil), ValType::F32),
            O::F32Floor => self.unary(un!(F32Floor), ValType::F32),
            O::F32Trunc => self.unary(un!(F32Trunc), ValType::F32),
            O::F32Nearest => self.unary(un!(F32Nearest), ValType::F32),
            O::F32Sqrt => self.unary(un!(F32Sqrt), ValType::F32),
            O::F64Abs => self.unary(un!(F64Abs), ValType::F64),
            O::F64Neg => self.unary(un!(F64Neg), ValType::F64),
            O::F64Ceil => self.unary(un!(F64Ceil), ValType::F64),
            O::F64Floor => self.unary(un!(F64Floor), ValType::F64),
            O::F64Trunc => self.unary(un!(F64Trunc), ValType::F64),
            O::F64Nearest => self.unary(un!(F64Nearest), ValType::F64),
            O::F64Sqrt => self.unary(un!(F64Sqrt), ValType::F64),
            O::I32WrapI64 => self.unary(un!(I32WrapI64), ValType::I32),
            O::I64ExtendI32S => self.unary(un!(I64ExtendI32S), ValType::I64),
            O::F32DemoteF64 => self.unary(un!(F32DemoteF64), ValType::F32),
            O::F64PromoteF32 => self.unary(un!(F64PromoteF32), ValType::F64),
            O::F32ConvertI32S => self.unary(un!(F32ConvertI32S), ValType::F32),
            O::F32ConvertI32U => self.unary(un!(F32ConvertI32U), ValType::F32),
            O::F32ConvertI64S => self.unary(un!(F32ConvertI64S), ValType::F32),
            O::F32ConvertI64U => self.unary(un!(F32ConvertI64U), ValType::F32),
            O::F64ConvertI32S => self.unary(un!(F64ConvertI32S), ValType::F64),
            O::F64ConvertI32U => self.unary(un!(F64ConvertI32U), ValType::F64),
            O::F64ConvertI64S => self.unary(un!(F64ConvertI64S), ValType::F64),
            O::F64ConvertI64U => self.unary(un!(F64ConvertI64U), ValType::F64),
            O::I32TruncSatF32S => self.unary(un!(I32TruncSatF32S), ValType::I32),
            O::I32TruncSatF32U => self.unary(un!(I32TruncSatF32U), ValType::I32),
            O::I32TruncSatF64S => self.unary(un!(I32TruncSatF64S), ValType::I32),
            O::I32TruncSatF64U => self.unary(un!(I32TruncSatF64U), ValType::I32),
            O::I64TruncSatF32S => self.unary(un!(I64TruncSatF32S), ValType::I64),
            O::I64TruncSatF32U => self.unary(un!(I64TruncSatF32U), ValType::I64),
            O::I64TruncSatF64S => self.unary(un!(I64TruncSatF64S), ValType::I64),
            O::I64TruncSatF64U => self.unary(un!(I64TruncSatF64U), ValType::I64),
            O::I32TruncF32S => self.unary(un!(I32TruncF32S), ValType::I32),
            O::I32TruncF32U => self.unary(un!(I32TruncF32U), ValType::I32),
            O::I32TruncF64S => self.unary(un!(I32TruncF64S), ValType::I32),
            O::I32TruncF64U => self.unary(un!(I32TruncF64U), ValType::I32),
            O::I64TruncF32S => self.unary(un!(I64TruncF32S), ValType::I64),
            O::I64TruncF32U => self.unary(un!(I64TruncF32U), ValType::I64),
            O::I64TruncF64S => self.unary(un!(I64TruncF64S), ValType::I64),
            O::I64TruncF64U => self.unary(un!(I64TruncF64U), ValType::I64),
            O::I32Load { memarg } => self.load(
                memarg,
                LoadKind::I32,
                |dst, addr, offset| Instr::I32Load { dst, addr, offset },
                ValType::I32,
            )?,
            O::I64Load { memarg } => self.load(
                memarg,
                LoadKind::I64,
                |dst, addr, offset| Instr::I64Load { dst, addr, offset },
                ValType::I64,
            )?,
            O::F32Load { memarg } => self.load(
                memarg,
                LoadKind::F32,
                |dst, addr, offset| Instr::F32Load { dst, addr, offset },
                ValType::F32,
            )?,
            O::F64Load { memarg } => self.load(
                memarg,
                LoadKind::F64,
                |dst, addr, offset| Instr::F64Load { dst, addr, offset },
                ValType::F64,
            )?,
            O::I32Load8S { memarg } => self.load(
                memarg,
                LoadKind::I32_8S,
                |dst, addr, offset| Instr::I32Load8S { dst, addr, offset },
                ValType::I32,
            )?,
            O::I32Load8U { memarg } => self.load(
                memarg,
                LoadKind::I32_8U,
                |dst, addr, offset| Instr::I32Load8U { dst, addr, offset },
                ValType::I32,
            )?,
            O::I32Load16S { memarg } => self.load(
                memarg,
                LoadKind::I32_16S,
                |dst, addr, offset| Instr::I32Load16S { dst, addr, offset },
                ValType::I32,
            )?,
            O::I32Load16U { memarg } => self.load(
                memarg,
                LoadKind::I32_16U,
                |dst, addr, offset| Instr::I32Load16U { dst, addr, offset },
                ValType::I32,
            )?,
            O::I64Load8S { memarg } => self.load(
                memarg,
                LoadKind::I64_8S,
                |dst, addr, offset| Instr::I64Load8S { dst, addr, offset },
                ValType::I64,
            )?,
            O::I64Load8U { memarg } => self.load(
                memarg,
                LoadKind::I64_8U,
                |dst, addr, offset| Instr::I64Load8U { dst, addr, offset },
                ValType::I64,
            )?,
            O::I64Load16S { memarg } => self.load(
                memarg,
                LoadKind::I64_16S,
                |dst, addr, offset| Instr::I64Load16S { dst, addr, offset },
                ValType::I64,
            )?,
            O::I64Load16U { memarg } => self.load(
                memarg,
                LoadKind::I64_16U,
                |dst, addr, offset| Instr::I64Load16U { dst, addr, offset },
                ValType::I64,
            )?,
            O::I64Load32S { memarg } => self.load(
                memarg,
                LoadKind::I64_32S,
                |dst, addr, offset| Instr::I64Load32S { dst, addr, offset },
                ValType::I64,
            )?,
            O::I64Load32U { memarg } => self.load(
                memarg,
                LoadKind::I64_32U,
                |dst, addr, offset| Instr::I64Load32U { dst, addr, offset },
                ValType::I64,
            )?,
            O::I32Store { memarg } => {
                self.store(memarg, StoreKind::B32, |addr, value, offset| Instr::I32Store {
                    addr,
                    value,
                    offset,
                })?
            }
            O::I64Store { memarg } => {
                self.store(memarg, StoreKind::B64, |addr, value, offset| Instr::I64Store {
                    addr,
                    value,
                    offset,
                })?
            }
            O::F32Store { memarg } => {
                self.store(memarg, StoreKind::B32, |addr, value, offset| Instr::F32Store {
                    addr,
                    value,
                    offset,
                })?
            }
            O::F64Store { memarg } => {
                self.store(memarg, StoreKind::B64, |addr, value, offset| Instr::F64Store {
                    addr,
                    value,
                    offset,
                })?
            }
            O::I32Store8 { memarg } => {
                self.store(memarg, StoreKind::B8, |addr, value, offset| Instr::I32Store8 {
                    addr,
                    value,
                    offset,
                })?
            }
            O::I32Store16 { memarg } => {
                self.store(memarg, StoreKind::B16, |addr, value, offset| Instr::I32Store16 {
                    addr,
                    value,
                    offset,
                })?
            }
            O::I64Store8 { memarg } => {
                self.store(memarg, StoreKind::B8, |addr, value, offset| Instr::I64Store8 {
                    addr,
                    value,
                    offset,
                })?
            }
            O::I64Store16 { memarg } => {
                self.store(memarg, StoreKind::B16, |addr, value, offset| Instr::I64Store16 {
                    addr,
                    value,
                    offset,
                })?
            }
            O::I64Store32 { memarg } => {
                self.store(memarg, StoreKind::B32, |addr, value, offset| Instr::I64Store32 {
                    addr,
                    value,
                    offset,
                })?
            }

            other => {
                if !self.gc_operator(&other)?
                    && !self.simd_operator(&other)?
                    && !self.atomic_operator(&other)?
                {
                    return Err(format!("the interpreter does not run {other:?} yet"));
                }
            }
        }
        Ok(())
    }

    /// In unreachable code only the nesting of constructs matters.
    fn dead_operator(&mut self, op: &Operator<'_>) {
        use Operator as O;
        match op {
            O::Block { .. }
            | O::Loop { .. }
            | O::If { .. }
            | O::TryTable { .. }
            | O::Try { .. } => self.dead_depth += 1,
            O::Else if self.dead_depth == 0 => self.else_(),
            O::Catch { tag_index } if self.dead_depth == 0 => self.legacy_catch(Some(*tag_index)),
            O::CatchAll if self.dead_depth == 0 => self.legacy_catch(None),
            O::Delegate { relative_depth } if self.dead_depth == 0 => {
                self.delegate(*relative_depth)
            }
            O::Delegate { .. } => self.dead_depth -= 1,
            O::End if self.dead_depth == 0 => self.end(),
            O::End => self.dead_depth -= 1,
            _ => {}
        }
    }

    fn memory_index_type(&self, mem: u32) -> ValType {
        if self.module.info.memories[mem as usize].index64 { ValType::I64 } else { ValType::I32 }
    }

    fn table_index_type(&self, table: u32) -> ValType {
        if self.module.info.tables[table as usize].index64 { ValType::I64 } else { ValType::I32 }
    }

    /// Pops the top entry into a slot.
    pub(super) fn pop_slot(&mut self) -> Slot {
        let e = self.pop();
        self.use_entry(e)
    }

    /// Pops one operand; returns the result slot (its depth) and the operand's slot.
    pub(super) fn pop_unary(&mut self) -> (Slot, Slot) {
        let e = self.pop();
        (self.slot_at(self.stack.len()), self.use_entry(e))
    }

    /// Pops two operands, deepest first.
    pub(super) fn pop_two(&mut self) -> [Slot; 2] {
        let b = self.pop();
        let a = self.pop();
        [self.use_entry(a), self.use_entry(b)]
    }

    /// Pops three operands, deepest first.
    pub(super) fn pop_three(&mut self) -> [Slot; 3] {
        let c = self.pop();
        let b = self.pop();
        let a = self.pop();
        [self.use_entry(a), self.use_entry(b), self.use_entry(c)]
    }

    /// `i64.add128` and `i64.sub128`: two 128-bit operands as pairs of `i64`s, low halves first;
    /// the result's halves are the two temporaries from the first operand's depth.
    fn wide_pair(&mut self, make: SlotOp3) {
        let [lhs_lo, lhs_hi, rhs_lo, rhs_hi] = self.pop_four();
        let dst = self.slot_at(self.stack.len());
        self.emit(make(dst, lhs_lo, lhs_hi));
        self.emit(Instr::Ext { a: rhs_lo, b: rhs_hi });
        self.push_temp(ValType::I64);
        self.push_temp(ValType::I64);
    }

    /// `i64.mul_wide_s` and `i64.mul_wide_u`: the 128-bit product's halves, low first.
    fn wide_product(&mut self, make: SlotOp3) {
        let [lhs, rhs] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        self.emit(make(dst, lhs, rhs));
        self.push_temp(ValType::I64);
        self.push_temp(ValType::I64);
    }

    /// Pops four operands, deepest first.
    pub(super) fn pop_four(&mut self) -> [Slot; 4] {
        let [d, c, b, a] = [self.pop(), self.pop(), self.pop(), self.pop()];
        [self.use_entry(a), self.use_entry(b), self.use_entry(c), self.use_entry(d)]
    }

    pub(super) fn unary(&mut self, make: fn(Slot, Slot) -> Instr, ty: ValType) {
        let (dst, src) = self.pop_unary();
        self.emit_result(make(dst, src), ty);
    }

    fn binary(&mut self, op: Bin, wide: bool) {
        let rhs = self.pop();
        let lhs = self.pop();
        let dst = self.slot_at(self.stack.len());
        let imm = |e: super::Entry| match e.op {
            Operand::Const(v) => {
                let v = if wide { v as i64 } else { v as u32 as i32 as i64 };
                (i32::try_from(v).is_ok() && (op.imm_ok)(v)).then_some(v as i32)
            }
            _ => None,
        };
        let instr = match (op.ri, imm(rhs), op.ir, imm(lhs)) {
            (Some(ri), Some(c), _, _) => {
                let l = self.use_entry(lhs);
                ri(dst, l, c)
            }
            (_, _, Some(ir), Some(c)) => {
                let r = self.use_entry(rhs);
                ir(dst, r, c)
            }
            _ => {
                let l = self.use_entry(lhs);
                let r = self.use_entry(rhs);
                (op.rr)(dst, l, r)
            }
        };
        self.emit_result(instr, op.ty);
    }

    /// Changes the type of the top entry, keeping where its value is.
    pub(super) fn relabel(&mut self, ty: ValType) {
        let last = self.last_result;
        let e = self.pop();
        self.push(e.op, ty);
        if e.op == Operand::Temp {
            self.last_result = last;
        }
    }

    fn select(&mut self) {
        let cond = self.pop();
        let b = self.pop();
        let a = self.pop();
        let dst = self.slot_at(self.stack.len());
        let cond = self.use_entry(cond);
        let b = self.use_entry(b);
        if a.ty == ValType::V128 {
            let a = self.use_entry(a);
            self.emit(Instr::Select128 { dst, a, b });
            self.emit(Instr::Ext { a: cond, b: 0 });
            self.push_temp(ValType::V128);
            return;
        }
        match a.op {
            Operand::Local(l) => {
                let src = self.local_slot(l);
                self.emit(Instr::Select { dst, a: src, b });
                self.emit(Instr::Ext { a: cond, b: 0 });
                self.push_temp(a.ty);
            }
            _ => {
                // The first operand is (or is now written) in the result slot: keep it unless the
                // condition is zero.
                if let Operand::Const(v) = a.op {
                    self.emit_const(dst, v);
                }
                self.emit_result(Instr::SelectInPlace { dst, cond, src: b }, a.ty);
            }
        }
    }

    fn local_set(&mut self, local: u32, tee: bool) {
        let fusable = self.last_result.is_some_and(|at| at + 1 == self.code.len());
        let pos = self.stack.len() - 1;
        let e = self.pop();
        let slot = self.local_slot(local);
        let retargeted = e.op == Operand::Temp
            && fusable
            && self.local_refs[local as usize] == 0
            && self.code.last_mut().is_some_and(|i| i.set_dst(slot));
        if !retargeted {
            self.preserve_local(local);
            match e.op {
                Operand::Local(l) if l == local => {}
                Operand::Local(l) => {
                    let src = self.local_slot(l);
                    self.emit_copy(e.ty, slot, src);
                }
                Operand::Temp => {
                    let src = self.slot_at(pos);
                    self.emit_copy(e.ty, slot, src);
                }
                Operand::Const(v) => self.emit_const(slot, v),
                Operand::Const128(v) => {
                    let src = self.const_slot128(v);
                    self.emit(Instr::Copy128 { dst: slot, src });
                }
            }
        }
        if tee {
            match e.op {
                Operand::Const(_) | Operand::Const128(_) => self.push(e.op, e.ty),
                _ => self.push(Operand::Local(local), e.ty),
            }
        }
    }

    /// The memory a load or store addresses (GC arrays are not for this tier).
    pub(super) fn memory_of(memarg: &MemArg) -> Result<u32, String> {
        match memarg.target {
            MemArgTarget::Memory(m) => Ok(m),
            MemArgTarget::Array(_) => Err("array accesses need the gc feature".into()),
        }
    }

    /// Whether an access takes the fast path: memory 0, 32-bit, with a 32-bit offset.
    pub(super) fn fast_memory(&self, mem: u32, memarg: &MemArg) -> bool {
        mem == 0
            && memarg.offset <= u32::MAX as u64
            && self.module.info.memories.first().is_some_and(|m| !m.index64)
    }

    pub(super) fn load(
        &mut self,
        memarg: MemArg,
        kind: LoadKind,
        fast: fn(Slot, Slot, u32) -> Instr,
        ty: ValType,
    ) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        if memarg.offset == 0
            && self.fast_memory(mem, &memarg)
            && let Some(instr) = self.load_add_imm(kind)
        {
            self.emit_result(instr, ty);
            return Ok(());
        }
        let (dst, addr) = self.pop_unary();
        if self.fast_memory(mem, &memarg) {
            self.emit_result(fast(dst, addr, memarg.offset as u32), ty);
        } else {
            self.emit(Instr::Load { kind, dst, addr });
            self.emit(Instr::MemArg { mem, offset: memarg.offset.into() });
            self.push_temp(ty);
        }
        Ok(())
    }

    /// A load whose address was just computed by `i32.add x, imm`: the add and the load become
    /// one instruction (the add still wraps at 32 bits, so nothing changes for the program). Pops
    /// the address and drops the add when it applies.
    fn load_add_imm(&mut self, kind: LoadKind) -> Option<Instr> {
        let top = self.stack.len().checked_sub(1)?;
        if let Some(Instr::I32Add { dst, lhs, rhs }) = self.producer_of(top) {
            let make: fn(Slot, Slot, Slot) -> Instr = match kind {
                LoadKind::I32 => |dst, base, index| Instr::I32LoadIdx { dst, base, index },
                LoadKind::I64 => |dst, base, index| Instr::I64LoadIdx { dst, base, index },
                LoadKind::F32 => |dst, base, index| Instr::F32LoadIdx { dst, base, index },
                LoadKind::F64 => |dst, base, index| Instr::F64LoadIdx { dst, base, index },
                LoadKind::I32_8U => |dst, base, index| Instr::I32Load8UIdx { dst, base, index },
                LoadKind::I32_8S => |dst, base, index| Instr::I32Load8SIdx { dst, base, index },
                LoadKind::I32_16U => |dst, base, index| Instr::I32Load16UIdx { dst, base, index },
                LoadKind::I32_16S => |dst, base, index| Instr::I32Load16SIdx { dst, base, index },
                _ => return None,
            };
            self.unemit();
            self.pop();
            return Some(make(dst, lhs, rhs));
        }
        let Some(Instr::I32AddImm { dst, lhs: base, imm }) = self.producer_of(top) else {
            return None;
        };
        let make: fn(Slot, Slot, i32) -> Instr = match kind {
            LoadKind::I32 => |dst, base, imm| Instr::I32LoadAddImm { dst, base, imm },
            LoadKind::I64 => |dst, base, imm| Instr::I64LoadAddImm { dst, base, imm },
            LoadKind::F32 => |dst, base, imm| Instr::F32LoadAddImm { dst, base, imm },
            LoadKind::F64 => |dst, base, imm| Instr::F64LoadAddImm { dst, base, imm },
            LoadKind::I32_8U => |dst, base, imm| Instr::I32Load8UAddImm { dst, base, imm },
            LoadKind::I32_8S => |dst, base, imm| Instr::I32Load8SAddImm { dst, base, imm },
            LoadKind::I32_16U => |dst, base, imm| Instr::I32Load16UAddImm { dst, base, imm },
            LoadKind::I32_16S => |dst, base, imm| Instr::I32Load16SAddImm { dst, base, imm },
            _ => return None,
        };
        self.unemit();
        self.pop();
        Some(make(dst, base, imm))
    }

    /// A store at offset 0 whose address was just computed by `i32.add base, index` and whose
    /// value is a local or a constant (so nothing ran between the add and the store): one
    /// instruction. Pops the value and the address when it applies.
    fn store_indexed(&mut self, kind: StoreKind) -> Option<Instr> {
        let len = self.stack.len();
        let Some(Instr::I32Add { lhs: base, rhs: index, .. }) =
            self.producer_of(len.checked_sub(2)?)
        else {
            return None;
        };
        let value = self.stack[len - 1];
        let imm = match (value.op, kind) {
            (Operand::Const(v), StoreKind::B64) => i32::try_from(v as i64).ok(),
            (Operand::Const(v), _) => Some(v as u32 as i32),
            _ => None,
        };
        let instr = match imm {
            Some(value) => match kind {
                StoreKind::B64 => Instr::I64StoreIdxImm { base, index, value },
                StoreKind::B32 => Instr::I32StoreIdxImm { base, index, value },
                StoreKind::B16 => Instr::I32Store16IdxImm { base, index, value },
                StoreKind::B8 => Instr::I32Store8IdxImm { base, index, value },
            },
            None => {
                let value = match value.op {
                    Operand::Local(l) => self.local_slot(l),
                    Operand::Const(v) => self.const_slot(v),
                    Operand::Temp | Operand::Const128(_) => return None,
                };
                match kind {
                    StoreKind::B64 => Instr::I64StoreIdx { base, index, value },
                    StoreKind::B32 => Instr::I32StoreIdx { base, index, value },
                    StoreKind::B16 => Instr::I32Store16Idx { base, index, value },
                    StoreKind::B8 => Instr::I32Store8Idx { base, index, value },
                }
            }
        };
        self.unemit();
        self.pop();
        self.pop();
        Some(instr)
    }

    /// A fast-path store of a constant: the value entry on top is a constant that fits the
    /// immediate (all 32 bits of narrower stores, a sign-extended `i32` for 8-byte ones). Pops the
    /// value and the address when it applies.
    fn store_immediate(&mut self, kind: StoreKind, offset: u32) -> Option<Instr> {
        let Operand::Const(v) = self.stack.last()?.op else { return None };
        let value = match kind {
            StoreKind::B64 => i32::try_from(v as i64).ok()?,
            _ => v as u32 as i32,
        };
        self.pop();
        let (_, addr) = self.pop_unary();
        Some(match kind {
            StoreKind::B64 => Instr::I64StoreImm { addr, value, offset },
            StoreKind::B32 => Instr::I32StoreImm { addr, value, offset },
            StoreKind::B16 => Instr::I32Store16Imm { addr, value, offset },
            StoreKind::B8 => Instr::I32Store8Imm { addr, value, offset },
        })
    }

    pub(super) fn store(
        &mut self,
        memarg: MemArg,
        kind: StoreKind,
        fast: fn(Slot, Slot, u32) -> Instr,
    ) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        if memarg.offset == 0
            && self.fast_memory(mem, &memarg)
            && let Some(instr) = self.store_indexed(kind)
        {
            self.emit(instr);
            return Ok(());
        }
        if self.fast_memory(mem, &memarg)
            && let Some(imm) = self.store_immediate(kind, memarg.offset as u32)
        {
            self.emit(imm);
            return Ok(());
        }
        let [addr, value] = self.pop_two();
        if self.fast_memory(mem, &memarg) {
            self.emit(fast(addr, value, memarg.offset as u32));
        } else {
            self.emit(Instr::Store { kind, addr, value });
            self.emit(Instr::MemArg { mem, offset: memarg.offset.into() });
        }
        Ok(())
    }
}
