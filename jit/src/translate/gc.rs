//! The GC proposal's instructions, and the stack maps that let the collector find and move the
//! references a frame holds.
//!
//! A reference of the `any`/`extern` hierarchies is a 64-bit value holding a 32-bit offset from
//! the heap's base (or an `i31`, odd). Every such value is declared to Cranelift as needing a
//! stack map: across each call it is spilled to a slot the call's stack map names and reloaded
//! after it, so a collection during the call may rewrite it (`runtime::gc_frames`).
//!
//! Field and element accesses are inline: after the null check, the object's header must lie
//! below the heap's allocation top (every object does; the check keeps a reference that is not one
//! from reaching outside the heap), an array index is checked against the length in the header,
//! and the field is read or written at its offset from the heap's base. Allocation is an inline
//! bump (the runtime only when the heap has no room); casts answer null and the exact type inline.
//! Arrays from segments, the bulk array instructions and the rest of casts call builtins
//! (`silo_core::vm::Builtin::Gc*`).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    AliasRegion, AliasRegionData, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Type,
    Value, types,
};
use silo_core::vm::gc_refs::{self, ARRAY_DATA_OFFSET, ARRAY_LEN_OFFSET, FieldKind};
use silo_core::vm::{Builtin, TrapKind, offsets};
use silo_core::{RefType, ValType};
use silo_loader::wasmparser::{self as wp, Operator};

use super::{FuncTranslator, args, readonly, trap};

/// How a field is read: sign- or zero-extended when packed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Extend {
    None,
    Signed,
    Unsigned,
}

/// Alias-region ids (unique within a function) of the GC heap's two kinds of memory.
const OBJECTS_REGION: u32 = 0x6763_0001;
const BUMP_REGION: u32 = 0x6763_0002;

impl FuncTranslator<'_, '_> {
    /// Flags of accesses to objects: in bounds (checked), not necessarily aligned (a `v128`
    /// field is aligned to 8 only), in an alias region of their own. Objects are never the
    /// allocation pointer's memory, so a store to a field does not make Cranelift reload the
    /// heap's base, top or `old_top` (builtin calls still do: they may collect).
    pub(super) fn object_flags(&mut self) -> MemFlagsData {
        let region = self.region(OBJECTS_REGION, "gc objects");
        MemFlagsData::new().with_notrap().with_alias_region(Some(region))
    }

    /// Flags of accesses to the allocation pointer (`silo_gc::Bump`) and the cell holding its
    /// address: trusted, in an alias region of their own.
    fn bump_flags(&mut self) -> MemFlagsData {
        let region = self.region(BUMP_REGION, "gc allocation pointer");
        MemFlagsData::trusted().with_alias_region(Some(region))
    }

    fn region(&mut self, user_id: u32, description: &'static str) -> AliasRegion {
        let data = AliasRegionData { user_id, description: description.into() };
        self.b.func.dfg.alias_regions.insert(data)
    }

    /// Whether values of module-relative type `ty` are heap references.
    pub(super) fn is_gc(&self, ty: ValType) -> bool {
        gc_refs::is_gc_val(self.env.info, ty)
    }

    /// Declares `v`, a value of type `ty`, as needing a stack map when it is a heap reference.
    pub(super) fn mark(&mut self, v: Value, ty: ValType) {
        if self.is_gc(ty) {
            self.b.declare_value_needs_stack_map(v);
        }
    }

    /// Declares the top `types.len()` operands, of `types`, as `mark` does.
    pub(super) fn mark_top(&mut self, types: &[ValType]) {
        let at = self.stack.len() - types.len();
        for (i, &ty) in types.iter().enumerate() {
            let v = self.stack[at + i];
            self.mark(v, ty);
        }
    }

    /// A GC instruction; `false` when `op` is none.
    pub(super) fn gc_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        match *op {
            O::RefEq => {
                let (a, b) = self.pop2();
                let eq = self.b.ins().icmp(IntCC::Equal, a, b);
                let eq = self.b.ins().uextend(types::I32, eq);
                self.push(eq);
            }
            O::RefI31 => {
                let x = self.pop();
                let shifted = self.b.ins().ishl_imm_u(x, 1);
                let tagged = self.b.ins().bor_imm_u(shifted, 1);
                let r = self.b.ins().uextend(types::I64, tagged);
                self.push(r);
            }
            O::I31GetS | O::I31GetU => {
                let r = self.pop();
                self.b.ins().trapz(r, trap(TrapKind::NullI31Reference));
                let low = self.b.ins().ireduce(types::I32, r);
                let v = match op {
                    O::I31GetS => self.b.ins().sshr_imm_u(low, 1),
                    _ => self.b.ins().ushr_imm_u(low, 1),
                };
                self.push(v);
            }
            // The same bits in the other hierarchy.
            O::AnyConvertExtern | O::ExternConvertAny => {}

            O::StructNew { struct_type_index: ty } => {
                let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
                let fields = self.pop_n(layout.fields.len());
                let size = self.b.ins().iconst(types::I64, layout.size as i64);
                let (r, addr) = self.alloc_object(ty, size, None);
                for (f, &v) in layout.fields.iter().zip(&fields) {
                    self.write_field(f.kind, v, addr, f.offset as i32);
                }
                self.push(r);
            }
            O::StructNewDefault { struct_type_index: ty } => {
                let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
                let size = self.b.ins().iconst(types::I64, layout.size as i64);
                let (r, _) = self.alloc_object(ty, size, None);
                self.push(r);
            }
            O::StructGet { struct_type_index: ty, field_index: f } => {
                self.struct_get(ty, f, Extend::None)?
            }
            O::StructGetS { struct_type_index: ty, field_index: f } => {
                self.struct_get(ty, f, Extend::Signed)?
            }
            O::StructGetU { struct_type_index: ty, field_index: f } => {
                self.struct_get(ty, f, Extend::Unsigned)?
            }
            O::StructSet { struct_type_index: ty, field_index: f } => {
                let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
                let field = *layout.fields.get(f as usize).ok_or("no such field")?;
                let (obj, value) = self.pop2();
                self.b.ins().trapz(obj, trap(TrapKind::NullStructReference));
                let size = field.kind.size() as i64;
                let addr =
                    self.object(obj, field.offset as i64 + size, TrapKind::NullStructReference);
                self.write_field(field.kind, value, addr, field.offset as i32);
                if field.kind == FieldKind::GcRef {
                    self.write_barrier(obj, value);
                }
            }

            O::ArrayNew { array_type_index: ty } => {
                let kind = gc_refs::array_layout_of(self.env.info, ty)?.elem_kind;
                let (value, len) = self.pop2();
                let (r, addr) = self.alloc_array(ty, kind, len)?;
                self.fill(kind, value, addr, len);
                self.push(r);
            }
            O::ArrayNewDefault { array_type_index: ty } => {
                let kind = gc_refs::array_layout_of(self.env.info, ty)?.elem_kind;
                let len = self.pop();
                let (r, _) = self.alloc_array(ty, kind, len)?;
                self.push(r);
            }
            O::ArrayNewFixed { array_type_index: ty, array_size: n } => {
                let kind = gc_refs::array_layout_of(self.env.info, ty)?.elem_kind;
                let values = self.pop_n(n as usize);
                let len = self.b.ins().iconst(types::I32, n as i64);
                let (r, addr) = self.alloc_array(ty, kind, len)?;
                for (i, &v) in values.iter().enumerate() {
                    let at = ARRAY_DATA_OFFSET as i64 + i as i64 * kind.size() as i64;
                    self.write_field(kind, v, addr, at as i32);
                }
                self.push(r);
            }
            O::ArrayNewData { array_type_index: ty, array_data_index: seg } => {
                self.array_new_segment(ty, seg, false)
            }
            O::ArrayNewElem { array_type_index: ty, array_elem_index: seg } => {
                self.array_new_segment(ty, seg, true)
            }
            O::ArrayGet { array_type_index: ty } => self.array_get(ty, Extend::None)?,
            O::ArrayGetS { array_type_index: ty } => self.array_get(ty, Extend::Signed)?,
            O::ArrayGetU { array_type_index: ty } => self.array_get(ty, Extend::Unsigned)?,
            O::ArraySet { array_type_index: ty } => {
                let kind = gc_refs::array_layout_of(self.env.info, ty)?.elem_kind;
                let (arr, idx, value) = self.pop3();
                let addr = self.element(arr, idx, kind);
                self.write_field(kind, value, addr, 0);
                if kind == FieldKind::GcRef {
                    self.write_barrier(arr, value);
                }
            }
            O::ArrayLen => {
                let arr = self.pop();
                self.b.ins().trapz(arr, trap(TrapKind::NullArrayReference));
                let addr = self.object(arr, ARRAY_DATA_OFFSET as i64, TrapKind::NullArrayReference);
                let of = self.object_flags();
                let len = self.b.ins().load(types::I32, of, addr, ARRAY_LEN_OFFSET as i32);
                self.push(len);
            }
            O::ArrayFill { .. } => {
                let [arr, idx, value, len] = self.pop4();
                let slots = self.slot_array(&[value]);
                self.call_builtin_checked(Builtin::GcArrayFill, &[arr, idx, slots, len]);
            }
            O::ArrayCopy { .. } => {
                let len = self.pop();
                let [dst, dst_idx, src, src_idx] = self.pop4();
                self.call_builtin_checked(Builtin::GcArrayCopy, &[dst, dst_idx, src, src_idx, len]);
            }
            O::ArrayInitData { array_data_index: seg, .. } => {
                self.array_init(Builtin::GcArrayInitData, seg)
            }
            O::ArrayInitElem { array_elem_index: seg, .. } => {
                self.array_init(Builtin::GcArrayInitElem, seg)
            }

            O::RefTestNonNull { hty } => self.ref_test(hty, false),
            O::RefTestNullable { hty } => self.ref_test(hty, true),
            O::RefCastNonNull { hty } => self.ref_cast(hty, false),
            O::RefCastNullable { hty } => self.ref_cast(hty, true),
            O::BrOnCast { relative_depth, to_ref_type, .. } => {
                self.br_on_cast(relative_depth, to_ref_type, false)
            }
            O::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                self.br_on_cast(relative_depth, to_ref_type, true)
            }
            O::StructNewDesc { struct_type_index: ty } => {
                // The fields, then the descriptor (the layout's last field).
                let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
                let values = self.pop_n(layout.fields.len());
                let desc = *values.last().ok_or("a struct.new_desc without descriptor")?;
                self.b.ins().trapz(desc, trap(TrapKind::NullDescriptorReference));
                let size = self.b.ins().iconst(types::I64, layout.size as i64);
                let (r, addr) = self.alloc_object(ty, size, None);
                for (f, &v) in layout.fields.iter().zip(&values) {
                    self.write_field(f.kind, v, addr, f.offset as i32);
                }
                self.push(r);
            }
            O::StructNewDefaultDesc { struct_type_index: ty } => {
                let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
                let offset = layout.descriptor.ok_or("a type without descriptor")?;
                let desc = self.pop();
                self.b.ins().trapz(desc, trap(TrapKind::NullDescriptorReference));
                let size = self.b.ins().iconst(types::I64, layout.size as i64);
                let (r, addr) = self.alloc_object(ty, size, None);
                self.write_field(FieldKind::GcRef, desc, addr, offset as i32);
                self.push(r);
            }
            O::RefGetDesc { type_index: ty } => {
                let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
                let offset = layout.descriptor.ok_or("a type without descriptor")?;
                let obj = self.pop();
                self.b.ins().trapz(obj, trap(TrapKind::NullReference));
                let addr = self.object(obj, offset as i64 + 4, TrapKind::NullReference);
                self.read_field(FieldKind::GcRef, Extend::None, addr, offset as i32);
            }
            O::RefCastDescEqNonNull { .. } => self.ref_cast_desc(false),
            O::RefCastDescEqNullable { .. } => self.ref_cast_desc(true),
            O::BrOnCastDescEq { relative_depth, to_ref_type, .. } => {
                self.br_on_cast_desc(relative_depth, to_ref_type.is_nullable(), false)
            }
            O::BrOnCastDescEqFail { relative_depth, to_ref_type, .. } => {
                self.br_on_cast_desc(relative_depth, to_ref_type.is_nullable(), true)
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The top four operands, removed, deepest first.
    fn pop4(&mut self) -> [Value; 4] {
        let d = self.pop();
        let (a, b, c) = self.pop3();
        [a, b, c, d]
    }

    /// A slot array on the stack holding `values` in their raw slot form; its address.
    pub(super) fn slot_array(&mut self, values: &[Value]) -> Value {
        let types: Vec<Type> = values.iter().map(|&v| self.b.func.dfg.value_type(v)).collect();
        let size = crate::trampoline::slots_size(&types).max(8) as u32;
        let data = StackSlotData::new(StackSlotKind::ExplicitSlot, size, 4);
        let slot = self.b.create_sized_stack_slot(data);
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        crate::trampoline::store_slots(&mut self.b, values, addr);
        addr
    }

    /// Calls an allocating builtin and pushes the new reference (0 means it trapped).
    fn allocate(&mut self, builtin: Builtin, args: &[Value]) {
        let r = self.call_builtin(builtin, args)[0];
        self.b.ins().trapz(r, trap(TrapKind::Pending));
        self.b.declare_value_needs_stack_map(r);
        self.push(r);
    }

    /// `array.new_data` (`elem` false) or `array.new_elem`.
    fn array_new_segment(&mut self, ty: u32, seg: u32, elem: bool) {
        let (offset, len) = self.pop2();
        let t = self.b.ins().iconst(types::I32, ty as i64);
        let s = self.b.ins().iconst(types::I32, seg as i64);
        let e = self.b.ins().iconst(types::I32, elem as i64);
        self.allocate(Builtin::GcArrayNewSegment, &[t, s, offset, len, e])
    }

    /// `array.init_data` or `array.init_elem` from segment `seg`.
    fn array_init(&mut self, builtin: Builtin, seg: u32) {
        let [arr, idx, offset, len] = self.pop4();
        let s = self.b.ins().iconst(types::I32, seg as i64);
        self.call_builtin_checked(builtin, &[s, arr, idx, offset, len]);
    }

    /// Allocates an object of module type `ty`, `size` bytes (an `i64`), an array of `len`
    /// elements when `len` is given: inline from the heap's bump pointer, or through the runtime
    /// when there is no room below the limit (or no heap yet). Returns the reference, declared
    /// for stack maps, and the object's address. Fresh memory is zero: only the header is
    /// written.
    fn alloc_object(&mut self, ty: u32, size: Value, len: Option<Value>) -> (Value, Value) {
        let flags = self.bump_flags();
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_GC_BUMP, readonly());
        let bump = self.b.ins().load(types::I64, flags, cell, 0);
        let check = self.b.create_block();
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let join = self.b.create_block();
        let r = self.b.append_block_param(join, types::I64);
        self.b.declare_value_needs_stack_map(r);
        self.b.ins().brif(bump, check, &[], slow, &[]);

        self.b.switch_to_block(check);
        self.b.seal_block(check);
        let top = self.b.ins().uload32(flags, bump, offsets::BUMP_TOP);
        let limit = self.b.ins().uload32(flags, bump, offsets::BUMP_LIMIT);
        let end = self.b.ins().iadd(top, size);
        let over = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, limit);
        self.b.ins().brif(over, slow, &[], fast, &[]);

        self.b.switch_to_block(fast);
        self.b.seal_block(fast);
        self.b.ins().istore32(flags, end, bump, offsets::BUMP_TOP);
        let base = self.b.ins().load(types::I64, flags, bump, offsets::BUMP_BASE);
        let addr = self.b.ins().iadd(base, top);
        let ids = self.load_ptr(self.vmctx, offsets::VMCTX_TYPE_IDS, readonly());
        let id = self.b.ins().load(types::I32, readonly(), ids, ty as i32 * 4);
        let of = self.object_flags();
        self.b.ins().store(of, id, addr, 0);
        if let Some(len) = len {
            let of = self.object_flags();
            self.b.ins().store(of, len, addr, ARRAY_LEN_OFFSET as i32);
        }
        self.b.ins().jump(join, &args(&[top]));

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        self.b.set_cold_block(slow);
        let t = self.b.ins().iconst(types::I32, ty as i64);
        let (n, array) = match len {
            Some(len) => (len, self.b.ins().iconst(types::I32, 1)),
            None => (self.b.ins().iconst(types::I32, 0), self.b.ins().iconst(types::I32, 0)),
        };
        let made = self.call_builtin(Builtin::GcAlloc, &[t, n, array])[0];
        self.b.ins().trapz(made, trap(TrapKind::Pending));
        self.b.ins().jump(join, &args(&[made]));

        self.b.switch_to_block(join);
        self.b.seal_block(join);
        let bump = self.b.ins().load(types::I64, flags, cell, 0);
        let base = self.b.ins().load(types::I64, flags, bump, offsets::BUMP_BASE);
        let addr = self.b.ins().iadd(base, r);
        (r, addr)
    }

    /// `alloc_object` for an array of `len` (an `i32`) elements of `kind`.
    fn alloc_array(
        &mut self,
        ty: u32,
        kind: FieldKind,
        len: Value,
    ) -> Result<(Value, Value), String> {
        let n = self.b.ins().uextend(types::I64, len);
        // An array's elements cost fuel as bulk work, 8 bytes an element, before it is made
        // (`gc_ops::array_new` charges the interpreter's the same).
        let units = self.b.ins().ushr_imm_u(n, 3);
        self.charge_fuel(units)?;
        let bytes = self.b.ins().imul_imm_u(n, kind.size() as i64);
        let size = self.b.ins().iadd_imm_s(bytes, ARRAY_DATA_OFFSET as i64 + 7);
        let size = self.b.ins().band_imm_u(size, !7);
        Ok(self.alloc_object(ty, size, Some(len)))
    }

    /// Writes `value` into the first `len` elements of kind `kind` of the new array at `addr`.
    fn fill(&mut self, kind: FieldKind, value: Value, addr: Value, len: Value) {
        let header = self.b.create_block();
        let body = self.b.create_block();
        let done = self.b.create_block();
        let i = self.b.append_block_param(header, types::I32);
        let zero = self.b.ins().iconst(types::I32, 0);
        self.b.ins().jump(header, &args(&[zero]));
        self.b.switch_to_block(header);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, i, len);
        self.b.ins().brif(more, body, &[], done, &[]);
        self.b.switch_to_block(body);
        self.b.seal_block(body);
        let wide = self.b.ins().uextend(types::I64, i);
        let offset = self.b.ins().imul_imm_u(wide, kind.size() as i64);
        let at = self.b.ins().iadd(addr, offset);
        self.write_field(kind, value, at, ARRAY_DATA_OFFSET as i32);
        let next = self.b.ins().iadd_imm_s(i, 1);
        self.b.ins().jump(header, &args(&[next]));
        self.b.seal_block(header);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
    }

    /// The address of object `obj` (non-null), after checking that its first `end` bytes lie
    /// below the heap's top (trapping with `bad` if not).
    pub(super) fn object(&mut self, obj: Value, end: i64, bad: TrapKind) -> Value {
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_GC_BUMP, readonly());
        let flags = self.bump_flags();
        let bump = self.b.ins().load(types::I64, flags, cell, 0);
        let base = self.b.ins().load(types::I64, flags, bump, offsets::BUMP_BASE);
        let top = self.b.ins().uload32(flags, bump, offsets::BUMP_TOP);
        let last = self.b.ins().iadd_imm_s(obj, end);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, top);
        self.b.ins().trapnz(out, trap(bad));
        self.b.ins().iadd(base, obj)
    }

    /// The address of element `idx` (an `i32`) of array `arr` of elements of `kind`, after the
    /// null and bounds checks.
    fn element(&mut self, arr: Value, idx: Value, kind: FieldKind) -> Value {
        self.b.ins().trapz(arr, trap(TrapKind::NullArrayReference));
        let addr = self.object(arr, ARRAY_DATA_OFFSET as i64, TrapKind::NullArrayReference);
        let of = self.object_flags();
        let len = self.b.ins().load(types::I32, of, addr, ARRAY_LEN_OFFSET as i32);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, idx, len);
        self.b.ins().trapnz(out, trap(TrapKind::ArrayOutOfBounds));
        let idx = self.b.ins().uextend(types::I64, idx);
        let scaled = self.b.ins().imul_imm_u(idx, kind.size() as i64);
        let at = self.b.ins().iadd(addr, scaled);
        self.b.ins().iadd_imm_s(at, ARRAY_DATA_OFFSET as i64)
    }

    /// The write barrier after storing reference `value` into object `obj` (see
    /// `silo_gc::Heap::write_barrier`): when `obj` is old (below the heap's `old_top`) and
    /// `value` a young object (at or above it, and not an `i31`), the cold path has the
    /// `GcRemember` builtin add `obj` to the remembered set. Inline, it costs a load and three
    /// comparisons.
    fn write_barrier(&mut self, obj: Value, value: Value) {
        let flags = self.bump_flags();
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_GC_BUMP, readonly());
        let bump = self.b.ins().load(types::I64, flags, cell, 0);
        let old_top = self.b.ins().uload32(flags, bump, offsets::BUMP_OLD_TOP);
        let obj_old = self.b.ins().icmp(IntCC::UnsignedLessThan, obj, old_top);
        let value_young = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, value, old_top);
        let tag = self.b.ins().band_imm_u(value, 1);
        let not_i31 = self.b.ins().icmp_imm_u(IntCC::Equal, tag, 0);
        let both = self.b.ins().band(obj_old, value_young);
        let remember = self.b.ins().band(both, not_i31);
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(remember, slow, &[], done, &[]);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        self.b.set_cold_block(slow);
        self.call_builtin(Builtin::GcRemember, &[obj]);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
    }

    /// Reads a field of `kind` at `addr + offset` (unextended).
    pub(super) fn load_field(&mut self, kind: FieldKind, addr: Value, offset: i32) -> Value {
        self.read_field(kind, Extend::None, addr, offset);
        self.pop()
    }

    /// Reads a field of `kind` at `addr + offset` and pushes it.
    fn read_field(&mut self, kind: FieldKind, ext: Extend, addr: Value, offset: i32) {
        let f = self.object_flags();
        let ins = self.b.ins();
        let v = match (kind, ext) {
            (FieldKind::I8, Extend::Signed) => ins.sload8(types::I32, f, addr, offset),
            (FieldKind::I8, _) => ins.uload8(types::I32, f, addr, offset),
            (FieldKind::I16, Extend::Signed) => ins.sload16(types::I32, f, addr, offset),
            (FieldKind::I16, _) => ins.uload16(types::I32, f, addr, offset),
            (FieldKind::I32, _) => ins.load(types::I32, f, addr, offset),
            (FieldKind::F32, _) => ins.load(types::F32, f, addr, offset),
            (FieldKind::I64, _) | (FieldKind::FuncRef, _) => ins.load(types::I64, f, addr, offset),
            (FieldKind::F64, _) => ins.load(types::F64, f, addr, offset),
            (FieldKind::V128, _) => ins.load(types::I8X16, f, addr, offset),
            (FieldKind::GcRef, _) => {
                let v = ins.uload32(f, addr, offset);
                self.b.declare_value_needs_stack_map(v);
                v
            }
        };
        self.push(v);
    }

    /// Writes `value` as a field of `kind` at `addr + offset`.
    fn write_field(&mut self, kind: FieldKind, value: Value, addr: Value, offset: i32) {
        let f = self.object_flags();
        let ins = self.b.ins();
        match kind {
            FieldKind::I8 => ins.istore8(f, value, addr, offset),
            FieldKind::I16 => ins.istore16(f, value, addr, offset),
            FieldKind::GcRef => ins.istore32(f, value, addr, offset),
            _ => ins.store(f, value, addr, offset),
        };
    }

    fn struct_get(&mut self, ty: u32, f: u32, ext: Extend) -> Result<(), String> {
        let layout = gc_refs::struct_layout_of(self.env.info, ty)?;
        let field = *layout.fields.get(f as usize).ok_or("no such field")?;
        let obj = self.pop();
        self.b.ins().trapz(obj, trap(TrapKind::NullStructReference));
        let end = field.offset as i64 + field.kind.size() as i64;
        let addr = self.object(obj, end, TrapKind::NullStructReference);
        self.read_field(field.kind, ext, addr, field.offset as i32);
        Ok(())
    }

    fn array_get(&mut self, ty: u32, ext: Extend) -> Result<(), String> {
        let kind = gc_refs::array_layout_of(self.env.info, ty)?.elem_kind;
        let (arr, idx) = self.pop2();
        let addr = self.element(arr, idx, kind);
        self.read_field(kind, ext, addr, 0);
        Ok(())
    }

    /// Whether reference `r` passes the cast to `hty` (null passes when `nullable`): an `i32`.
    ///
    /// Answered inline for null, and for an object whose type is exactly a concrete struct or
    /// array target (the common downcast); the runtime (`GcRefTest`) answers the rest: subtypes
    /// through the type's display, abstract targets, `i31`s, function references.
    fn test(&mut self, r: Value, hty: wp::HeapType, nullable: bool) -> Value {
        let heap = silo_loader::heap_type_of(hty);
        let ty = RefType { nullable, heap };
        let target = gc_refs::cast_target(self.env.info, ty);
        let object_type = match heap {
            silo_core::HeapType::Concrete(i) | silo_core::HeapType::Exact(i)
                if gc_refs::is_gc_ref(self.env.info, ty) =>
            {
                Some(i)
            }
            _ => None,
        };
        let done = self.b.create_block();
        let answer = self.b.append_block_param(done, types::I32);
        let not_null = self.b.create_block();
        let slow = self.b.create_block();
        let null_answer = self.b.ins().iconst(types::I32, i64::from(nullable));
        self.b.ins().brif(r, not_null, &[], done, &args(&[null_answer]));

        self.b.switch_to_block(not_null);
        self.b.seal_block(not_null);
        if let Some(index) = object_type {
            // An object (not an `i31`) in the heap whose header names the target type itself.
            let header = self.b.create_block();
            let compare = self.b.create_block();
            let i31 = self.b.ins().band_imm_u(r, 1);
            self.b.ins().brif(i31, slow, &[], header, &[]);
            self.b.switch_to_block(header);
            self.b.seal_block(header);
            let flags = self.bump_flags();
            let cell = self.load_ptr(self.vmctx, offsets::VMCTX_GC_BUMP, readonly());
            let bump = self.b.ins().load(types::I64, flags, cell, 0);
            let top = self.b.ins().uload32(flags, bump, offsets::BUMP_TOP);
            let end = self.b.ins().iadd_imm_s(r, 8);
            let inside = self.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, end, top);
            self.b.ins().brif(inside, compare, &[], slow, &[]);
            self.b.switch_to_block(compare);
            self.b.seal_block(compare);
            let base = self.b.ins().load(types::I64, flags, bump, offsets::BUMP_BASE);
            let addr = self.b.ins().iadd(base, r);
            let of = self.object_flags();
            let have = self.b.ins().load(types::I32, of, addr, 0);
            let ids = self.load_ptr(self.vmctx, offsets::VMCTX_TYPE_IDS, readonly());
            let want = self.b.ins().load(types::I32, readonly(), ids, index as i32 * 4);
            let same = self.b.ins().icmp(IntCC::Equal, have, want);
            let yes = self.b.ins().iconst(types::I32, 1);
            self.b.ins().brif(same, done, &args(&[yes]), slow, &[]);
        } else {
            self.b.ins().jump(slow, &[]);
        }

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let target = self.b.ins().iconst(types::I32, target as i64);
        let ok = self.call_builtin(Builtin::GcRefTest, &[r, target])[0];
        self.b.ins().jump(done, &args(&[ok]));
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        answer
    }

    fn ref_test(&mut self, hty: wp::HeapType, nullable: bool) {
        let r = self.pop();
        let ok = self.test(r, hty, nullable);
        self.push(ok);
    }

    fn ref_cast(&mut self, hty: wp::HeapType, nullable: bool) {
        let r = *self.stack.last().expect("validated operand stack");
        let ok = self.test(r, hty, nullable);
        self.b.ins().trapz(ok, trap(TrapKind::CastFailure));
    }

    /// `br_on_cast` (`fail`: `br_on_cast_fail`): branches with the reference when the cast
    /// succeeds (fails); otherwise it stays on the stack.
    fn br_on_cast(&mut self, depth: u32, to: wp::RefType, fail: bool) {
        let r = *self.stack.last().expect("validated operand stack");
        let ok = self.test(r, to.heap_type(), to.is_nullable());
        self.branch_on(ok, depth, fail);
    }

    /// Branches to `depth` with the operands it takes when `ok` is non-zero (zero when `fail`);
    /// otherwise goes on with the stack as it is.
    fn branch_on(&mut self, ok: Value, depth: u32, fail: bool) {
        let (block, n) = self.branch_to(depth);
        let values = self.peek_n(n).to_vec();
        let cont = self.b.create_block();
        match fail {
            false => self.b.ins().brif(ok, block, &args(&values), cont, &[]),
            true => self.b.ins().brif(ok, cont, &[], block, &args(&values)),
        };
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Whether reference `r` has the descriptor `desc` (null passes when `nullable`): an `i32`,
    /// after trapping on a null `desc`. Null is answered inline, the rest by the runtime
    /// (`GcDescEq`), which reads the descriptor where the object's own type keeps it.
    fn desc_test(&mut self, r: Value, desc: Value, nullable: bool) -> Value {
        self.b.ins().trapz(desc, trap(TrapKind::NullDescriptorReference));
        let done = self.b.create_block();
        let answer = self.b.append_block_param(done, types::I32);
        let not_null = self.b.create_block();
        let null_answer = self.b.ins().iconst(types::I32, i64::from(nullable));
        self.b.ins().brif(r, not_null, &[], done, &args(&[null_answer]));
        self.b.switch_to_block(not_null);
        self.b.seal_block(not_null);
        let ok = self.call_builtin(Builtin::GcDescEq, &[r, desc])[0];
        self.b.ins().jump(done, &args(&[ok]));
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        answer
    }

    /// `ref.cast_desc_eq`: the reference under the descriptor stays, trapping unless its
    /// descriptor is the one popped.
    fn ref_cast_desc(&mut self, nullable: bool) {
        let desc = self.pop();
        let r = *self.stack.last().expect("validated operand stack");
        let ok = self.desc_test(r, desc, nullable);
        self.b.ins().trapz(ok, trap(TrapKind::DescriptorCastFailure));
    }

    /// `br_on_cast_desc_eq` (`fail`: `br_on_cast_desc_eq_fail`): as `br_on_cast`, the test being
    /// the descriptor's, which is popped.
    fn br_on_cast_desc(&mut self, depth: u32, nullable: bool, fail: bool) {
        let desc = self.pop();
        let r = *self.stack.last().expect("validated operand stack");
        let ok = self.desc_test(r, desc, nullable);
        self.branch_on(ok, depth, fail);
    }
}
