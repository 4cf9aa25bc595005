//! Translation of the GC proposal's instructions: allocation, field and element access, casts.
//!
//! Field offsets and kinds come from the layouts `silo_gc` computes from the module's own types,
//! the same ones the heap computes from the canonical types, so a handler reads a field at a
//! constant offset. An instruction that allocates can run the collector, which moves objects:
//! the translator records at it which temporaries hold references (its operands included, which
//! the handler reads after allocating), as it does at calls.

use silo_gc::{ArrayLayout, FieldKind, StructLayout};
use silo_loader::wasmparser::{self as wp, Operator};
use silo_loader::{CompositeType, FieldType, HeapType, RefType, StorageType, ValType};

use super::{Operand, Translator};
use crate::interp::isa::{Instr, Slot};
use crate::vm::gc_refs::{array_layout_of, cast_target, struct_layout_of};

/// How a field or element is read: the instruction for each width.
type Getter = fn(Slot, Slot, u32) -> Instr;

impl Translator<'_> {
    /// Translates a GC instruction; `Ok(false)` when `op` is not one.
    pub(super) fn gc_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        match *op {
            O::RefI31 => {
                let ty = ValType::Ref(RefType { nullable: false, heap: HeapType::I31 });
                self.unary(|dst, src| Instr::RefI31 { dst, src }, ty);
            }
            O::I31GetS => self.unary(|dst, src| Instr::I31GetS { dst, src }, ValType::I32),
            O::I31GetU => self.unary(|dst, src| Instr::I31GetU { dst, src }, ValType::I32),
            O::RefEq => {
                let [lhs, rhs] = self.pop_two();
                let dst = self.slot_at(self.stack.len());
                self.emit_result(Instr::I64Eq { dst, lhs, rhs }, ValType::I32);
            }
            O::AnyConvertExtern => self.convert(HeapType::Any),
            O::ExternConvertAny => self.convert(HeapType::Extern),
            O::StructNew { struct_type_index: ty } => {
                let n = self.struct_fields(ty)?.len();
                self.new_from_operands(ty, n, |dst, ty| Instr::StructNew { dst, ty });
            }
            O::StructNewDefault { struct_type_index: ty } => {
                self.record_stack_map(self.stack.len());
                let dst = self.slot_at(self.stack.len());
                self.emit_result(Instr::StructNewDefault { dst, ty }, self.ref_to(ty));
            }
            O::StructGet { struct_type_index: ty, field_index: f } => {
                self.struct_get(ty, f, None)?
            }
            O::StructGetS { struct_type_index: ty, field_index: f } => {
                self.struct_get(ty, f, Some(true))?
            }
            O::StructGetU { struct_type_index: ty, field_index: f } => {
                self.struct_get(ty, f, Some(false))?
            }
            O::StructSet { struct_type_index: ty, field_index: f } => {
                let field =
                    *self.struct_layout(ty)?.fields.get(f as usize).ok_or("no such field")?;
                let [obj, value] = self.pop_two();
                let offset = field.offset;
                self.emit(match field.kind.size() {
                    1 => Instr::StructSet8 { obj, value, offset },
                    2 => Instr::StructSet16 { obj, value, offset },
                    4 => Instr::StructSet32 { obj, value, offset },
                    8 => Instr::StructSet64 { obj, value, offset },
                    _ => Instr::StructSet128 { obj, value, offset },
                });
            }
            O::ArrayNew { array_type_index: ty } => {
                self.record_stack_map(self.stack.len());
                let [init, len] = self.pop_two();
                let dst = self.slot_at(self.stack.len());
                self.emit(Instr::ArrayNew { dst, ty, init });
                self.emit(Instr::Ext { a: len, b: len });
                self.push_temp(self.ref_to(ty));
            }
            O::ArrayNewDefault { array_type_index: ty } => {
                self.record_stack_map(self.stack.len());
                let (dst, len) = self.pop_unary();
                self.emit_result(Instr::ArrayNewDefault { dst, ty, len }, self.ref_to(ty));
            }
            O::ArrayNewFixed { array_type_index: ty, array_size: n } => {
                self.new_from_operands(ty, n as usize, |dst, ty| Instr::ArrayNewFixed {
                    dst,
                    ty,
                    n,
                });
            }
            O::ArrayNewData { array_type_index: ty, array_data_index: seg } => {
                self.array_new_segment(ty, |dst, ty| Instr::ArrayNewData { dst, ty, seg })
            }
            O::ArrayNewElem { array_type_index: ty, array_elem_index: seg } => {
                self.array_new_segment(ty, |dst, ty| Instr::ArrayNewElem { dst, ty, seg })
            }
            O::ArrayGet { array_type_index: ty } => self.array_get(ty, None)?,
            O::ArrayGetS { array_type_index: ty } => self.array_get(ty, Some(true))?,
            O::ArrayGetU { array_type_index: ty } => self.array_get(ty, Some(false))?,
            O::ArraySet { array_type_index: ty } => {
                let layout = self.array_layout(ty)?;
                let [arr, idx, value] = self.pop_three();
                self.emit(match layout.elem_size {
                    1 => Instr::ArraySet8 { arr, idx },
                    2 => Instr::ArraySet16 { arr, idx },
                    4 => Instr::ArraySet32 { arr, idx },
                    8 => Instr::ArraySet64 { arr, idx },
                    _ => Instr::ArraySet128 { arr, idx },
                });
                self.emit(Instr::Ext { a: value, b: value });
            }
            O::ArrayLen => self.unary(|dst, arr| Instr::ArrayLen { dst, arr }, ValType::I32),
            O::ArrayFill { .. } => {
                let [arr, idx, value, len] = self.pop_four();
                self.emit(Instr::ArrayFill { arr, idx, value });
                self.emit(Instr::Ext { a: len, b: len });
            }
            O::ArrayCopy { .. } => {
                let [dst, dst_idx, src, src_idx, len] = self.pop_five();
                self.emit(Instr::ArrayCopy { dst, dst_idx, src });
                self.emit(Instr::Ext { a: src_idx, b: len });
            }
            O::ArrayInitData { array_data_index: seg, .. } => {
                let [arr, idx, offset, len] = self.pop_four();
                self.emit(Instr::ArrayInitData { seg, arr, idx });
                self.emit(Instr::Ext { a: offset, b: len });
            }
            O::ArrayInitElem { array_elem_index: seg, .. } => {
                let [arr, idx, offset, len] = self.pop_four();
                self.emit(Instr::ArrayInitElem { seg, arr, idx });
                self.emit(Instr::Ext { a: offset, b: len });
            }
            O::RefTestNonNull { hty } => self.ref_test(hty, false),
            O::RefTestNullable { hty } => self.ref_test(hty, true),
            O::RefCastNonNull { hty } => self.ref_cast(hty, false),
            O::RefCastNullable { hty } => self.ref_cast(hty, true),
            O::BrOnCast { relative_depth, from_ref_type, to_ref_type } => {
                self.br_on_cast(relative_depth, from_ref_type, to_ref_type, false)
            }
            O::BrOnCastFail { relative_depth, from_ref_type, to_ref_type } => {
                self.br_on_cast(relative_depth, from_ref_type, to_ref_type, true)
            }
            O::StructNewDesc { struct_type_index: ty } => {
                // The fields, then the descriptor.
                let n = self.struct_fields(ty)?.len() + 1;
                self.new_from_operands(ty, n, |dst, ty| Instr::StructNewDesc { dst, ty });
            }
            O::StructNewDefaultDesc { struct_type_index: ty } => {
                self.record_stack_map(self.stack.len());
                let (dst, desc) = self.pop_unary();
                self.emit_result(Instr::StructNewDefaultDesc { dst, ty, desc }, self.ref_to(ty));
            }
            O::RefGetDesc { type_index: ty } => {
                let offset =
                    self.struct_layout(ty)?.descriptor.ok_or("a type without descriptor")?;
                let desc = self.module.info.types[ty as usize].descriptor.ok_or("no descriptor")?;
                let (dst, obj) = self.pop_unary();
                self.emit_result(Instr::RefGetDesc { dst, obj, offset }, self.ref_to(desc));
            }
            O::RefCastDescEqNonNull { hty } => self.ref_cast_desc(hty, false),
            O::RefCastDescEqNullable { hty } => self.ref_cast_desc(hty, true),
            O::BrOnCastDescEq { relative_depth, from_ref_type, to_ref_type } => {
                self.br_on_cast_desc(relative_depth, from_ref_type, to_ref_type, false)
            }
            O::BrOnCastDescEqFail { relative_depth, from_ref_type, to_ref_type } => {
                self.br_on_cast_desc(relative_depth, from_ref_type, to_ref_type, true)
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Whether a value of `ty` is a reference the collector must find in a frame.
    pub(super) fn is_gc_val(&self, ty: ValType) -> bool {
        crate::vm::gc_refs::is_gc_val(&self.module.info, ty)
    }

    /// `(ref $ty)`.
    fn ref_to(&self, ty: u32) -> ValType {
        ValType::Ref(RefType { nullable: false, heap: HeapType::Concrete(ty) })
    }

    fn struct_fields(&self, ty: u32) -> Result<&[FieldType], String> {
        match self.module.info.types.get(ty as usize).map(|t| &t.composite) {
            Some(CompositeType::Struct(fields)) => Ok(fields),
            _ => Err(format!("type {ty} is not a struct type")),
        }
    }

    fn struct_layout(&self, ty: u32) -> Result<StructLayout, String> {
        struct_layout_of(&self.module.info, ty)
    }

    fn array_elem(&self, ty: u32) -> Result<FieldType, String> {
        match self.module.info.types.get(ty as usize).map(|t| &t.composite) {
            Some(CompositeType::Array(elem)) => Ok(*elem),
            _ => Err(format!("type {ty} is not an array type")),
        }
    }

    fn array_layout(&self, ty: u32) -> Result<ArrayLayout, String> {
        array_layout_of(&self.module.info, ty)
    }

    /// `struct.new` and `array.new_fixed`: the top `n` operands, gathered in their temporaries,
    /// become the object written to the first of them.
    fn new_from_operands(&mut self, ty: u32, n: usize, make: impl Fn(Slot, u32) -> Instr) {
        self.materialize_top(n);
        self.record_stack_map(self.stack.len());
        let base = self.stack.len() - n;
        let dst = self.slot_at(base);
        for _ in 0..n {
            self.pop();
        }
        self.emit_result(make(dst, ty), self.ref_to(ty));
    }

    /// `array.new_data` and `array.new_elem`: offset and length operands, in an extension word.
    fn array_new_segment(&mut self, ty: u32, make: impl Fn(Slot, u32) -> Instr) {
        self.record_stack_map(self.stack.len());
        let [offset, len] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        self.emit(make(dst, ty));
        self.emit(Instr::Ext { a: offset, b: len });
        self.push_temp(self.ref_to(ty));
    }

    /// The type a field or element is read as: packed ones widen to `i32`.
    fn unpacked(storage: StorageType) -> ValType {
        match storage {
            StorageType::I8 | StorageType::I16 => ValType::I32,
            StorageType::Val(v) => v,
        }
    }

    fn struct_get(&mut self, ty: u32, f: u32, signed: Option<bool>) -> Result<(), String> {
        let storage = self.struct_fields(ty)?.get(f as usize).ok_or("no such field")?.storage;
        let field = self.struct_layout(ty)?.fields[f as usize];
        let (dst, obj) = self.pop_unary();
        let offset = field.offset;
        let make: Getter = getter(field.kind, signed, Getters::STRUCT);
        self.emit_result(make(dst, obj, offset), Self::unpacked(storage));
        Ok(())
    }

    fn array_get(&mut self, ty: u32, signed: Option<bool>) -> Result<(), String> {
        let elem = self.array_elem(ty)?;
        let layout = self.array_layout(ty)?;
        let [arr, idx] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        let make: Getter = getter(layout.elem_kind, signed, Getters::ARRAY);
        self.emit_result(make(dst, arr, idx), Self::unpacked(elem.storage));
        Ok(())
    }

    /// `any.convert_extern` and `extern.convert_any`: the same bits in another hierarchy.
    fn convert(&mut self, heap: HeapType) {
        let nullable = match self.stack.last().map(|e| e.ty) {
            Some(ValType::Ref(r)) => r.nullable,
            _ => true,
        };
        self.relabel(ValType::Ref(RefType { nullable, heap }));
    }

    fn cast_target(&self, heap: wp::HeapType, nullable: bool) -> (u32, RefType) {
        let ty = RefType { nullable, heap: silo_loader::heap_type_of(heap) };
        (cast_target(&self.module.info, ty), ty)
    }

    fn ref_test(&mut self, heap: wp::HeapType, nullable: bool) {
        let (target, _) = self.cast_target(heap, nullable);
        let (dst, src) = self.pop_unary();
        self.emit_result(Instr::RefTest { dst, src, target }, ValType::I32);
    }

    fn ref_cast(&mut self, heap: wp::HeapType, nullable: bool) {
        let (target, ty) = self.cast_target(heap, nullable);
        let pos = self.stack.len() - 1;
        let src = match self.stack[pos].op {
            Operand::Local(l) => self.local_slot(l),
            _ => {
                self.materialize(pos);
                self.slot_at(pos)
            }
        };
        self.emit(Instr::RefCast { src, target });
        self.relabel(ValType::Ref(ty));
    }

    /// `br_on_cast` (`fail`: `br_on_cast_fail`): branch with the reference when the cast
    /// succeeds (fails), otherwise leave it on the stack, its type narrowed.
    fn br_on_cast(&mut self, depth: u32, from: wp::RefType, to: wp::RefType, fail: bool) {
        let from = silo_loader::ref_type_of(from);
        let (target, to) = self.cast_target(to.heap_type(), to.is_nullable());
        // What is left when the cast fails: `from`, without null if null passes the cast.
        let rest = RefType { nullable: from.nullable && !to.nullable, heap: from.heap };
        let (taken, kept) = if fail { (rest, to) } else { (to, rest) };
        let pos = self.stack.len() - 1;
        self.materialize(pos);
        let src = self.slot_at(pos);
        self.stack[pos].ty = ValType::Ref(taken);
        if self.direct(depth) {
            let br = match fail {
                false => self.emit(Instr::BrOnCast { src, target, offset: 0 }),
                true => self.emit(Instr::BrOnCastFail { src, target, offset: 0 }),
            };
            self.link(br, depth);
        } else {
            let skip = match fail {
                false => self.emit(Instr::BrOnCastFail { src, target, offset: 0 }),
                true => self.emit(Instr::BrOnCast { src, target, offset: 0 }),
            };
            self.branch_to(depth);
            let here = self.code.len();
            self.patch(skip, here);
        }
        self.stack[pos].ty = ValType::Ref(kept);
        self.forget_results();
    }

    /// `ref.cast_desc_eq`: the reference (under the descriptor) stays where it is, its type
    /// narrowed, when its descriptor is the one on top.
    fn ref_cast_desc(&mut self, heap: wp::HeapType, nullable: bool) {
        let ty = RefType { nullable, heap: silo_loader::heap_type_of(heap) };
        let desc = self.pop_slot();
        let pos = self.stack.len() - 1;
        let src = match self.stack[pos].op {
            Operand::Local(l) => self.local_slot(l),
            _ => {
                self.materialize(pos);
                self.slot_at(pos)
            }
        };
        self.emit(Instr::RefCastDescEq { src, desc, nullable: u32::from(nullable) });
        self.relabel(ValType::Ref(ty));
    }

    /// `br_on_cast_desc_eq` (`fail`: `br_on_cast_desc_eq_fail`): as `br_on_cast`, the test being
    /// whether the reference's descriptor is the one on top of it, which is popped.
    fn br_on_cast_desc(&mut self, depth: u32, from: wp::RefType, to: wp::RefType, fail: bool) {
        let from = silo_loader::ref_type_of(from);
        let to = silo_loader::ref_type_of(to);
        let desc = self.pop_slot();
        let rest = RefType { nullable: from.nullable && !to.nullable, heap: from.heap };
        let (taken, kept) = if fail { (rest, to) } else { (to, rest) };
        let pos = self.stack.len() - 1;
        self.materialize(pos);
        let src = self.slot_at(pos);
        self.stack[pos].ty = ValType::Ref(taken);
        // The op that jumps when the branch is taken, and the one that jumps when it is not.
        let op = |jump_on_match: bool, offset| match (jump_on_match, to.nullable) {
            (true, false) => Instr::BrOnCastDesc { src, desc, offset },
            (true, true) => Instr::BrOnCastDescNull { src, desc, offset },
            (false, false) => Instr::BrOnCastDescFail { src, desc, offset },
            (false, true) => Instr::BrOnCastDescFailNull { src, desc, offset },
        };
        if self.direct(depth) {
            let br = self.emit(op(!fail, 0));
            self.link(br, depth);
        } else {
            let skip = self.emit(op(fail, 0));
            self.branch_to(depth);
            let here = self.code.len();
            self.patch(skip, here);
        }
        self.stack[pos].ty = ValType::Ref(kept);
        self.forget_results();
    }

    /// Pops five operands, deepest first.    /// Pops five operands, deepest first.
    fn pop_five(&mut self) -> [Slot; 5] {
        let e = self.pop();
        let [a, b, c, d] = self.pop_four();
        [a, b, c, d, self.use_entry(e)]
    }
}

/// The getters of one kind of object, by the width and signedness they read.
struct Getters {
    s8: Getter,
    u8: Getter,
    s16: Getter,
    u16: Getter,
    b32: Getter,
    b64: Getter,
    b128: Getter,
}

impl Getters {
    const STRUCT: Getters = Getters {
        s8: |dst, obj, offset| Instr::StructGetS8 { dst, obj, offset },
        u8: |dst, obj, offset| Instr::StructGetU8 { dst, obj, offset },
        s16: |dst, obj, offset| Instr::StructGetS16 { dst, obj, offset },
        u16: |dst, obj, offset| Instr::StructGetU16 { dst, obj, offset },
        b32: |dst, obj, offset| Instr::StructGet32 { dst, obj, offset },
        b64: |dst, obj, offset| Instr::StructGet64 { dst, obj, offset },
        b128: |dst, obj, offset| Instr::StructGet128 { dst, obj, offset },
    };
    const ARRAY: Getters = Getters {
        s8: |dst, arr, idx| Instr::ArrayGetS8 { dst, arr, idx },
        u8: |dst, arr, idx| Instr::ArrayGetU8 { dst, arr, idx },
        s16: |dst, arr, idx| Instr::ArrayGetS16 { dst, arr, idx },
        u16: |dst, arr, idx| Instr::ArrayGetU16 { dst, arr, idx },
        b32: |dst, arr, idx| Instr::ArrayGet32 { dst, arr, idx },
        b64: |dst, arr, idx| Instr::ArrayGet64 { dst, arr, idx },
        b128: |dst, arr, idx| Instr::ArrayGet128 { dst, arr, idx },
    };
}

/// The getter for a field of `kind` (`signed`: how a packed field widens).
fn getter(kind: FieldKind, signed: Option<bool>, of: Getters) -> Getter {
    match (kind.size(), signed) {
        (1, Some(true)) => of.s8,
        (1, _) => of.u8,
        (2, Some(true)) => of.s16,
        (2, _) => of.u16,
        (4, _) => of.b32,
        (8, _) => of.b64,
        _ => of.b128,
    }
}
