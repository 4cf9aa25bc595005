//! Calls, tables and globals.
//!
//! A call reads its callee's native entry (the module's table for a function of the same module,
//! the callee's `FuncEntity` otherwise) and, when there is one, calls it directly in the native
//! convention, or tail-calls it for `return_call*`. A callee without native code (a host function,
//! or one still in the interpreter) is called through the `CallEntity` builtin with the arguments
//! in a slot array on the stack. `call_indirect` checks bounds, null and the signature inline
//! against the canonical type id, and leaves anything else (subtyping, and the traps with their
//! detail) to the `IndirectTarget` builtin.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, SigRef, Value, types};
use silo_core::vm::{Builtin, TrapKind, offsets};

use super::{FuncTranslator, ThunkSite, args, ir_type, readonly, readonly_here, trap};
use crate::thunk::ThunkKind;

/// What a native call calls.
#[derive(Clone, Copy)]
pub(super) enum Callee {
    /// A function of the module's code memory, by reference.
    Func(cranelift_codegen::ir::FuncRef),
    /// Code at an address.
    Code(Value),
}

/// How a call finds the callee's `FuncEntity` when it needs it (only on the slot-array path).
#[derive(Clone, Copy)]
enum Entity {
    /// Already in a value.
    Value(Value),
    /// Entry `func_index` of the function index space.
    Index(u32),
}

const GROW_TRAPPED: i64 = silo_core::vm::GROW_TRAPPED as i64;

impl FuncTranslator<'_, '_> {
    pub(super) fn global_get(&mut self, index: u32) -> Result<(), String> {
        let ty = self.env.info.globals[index as usize];
        let entity = self.index_space_entry(offsets::VMCTX_GLOBALS, index);
        // A `v128` global's 16 bytes are 16-byte aligned in its entity, like every scalar's 8.
        let flags = if ty.mutable { MemFlagsData::trusted() } else { readonly() };
        let v = self.b.ins().load(ir_type(ty.content)?, flags, entity, offsets::GLOBAL_VALUE);
        self.push(v);
        self.mark(v, ty.content);
        Ok(())
    }

    pub(super) fn global_set(&mut self, index: u32) {
        let v = self.pop();
        let entity = self.index_space_entry(offsets::VMCTX_GLOBALS, index);
        self.b.ins().store(MemFlagsData::trusted(), v, entity, offsets::GLOBAL_VALUE);
    }

    fn table_entity(&mut self, table: u32) -> Value {
        self.index_space_entry(offsets::VMCTX_TABLES, table)
    }

    fn table_index64(&self, table: u32) -> bool {
        self.env.info.tables[table as usize].index64
    }

    /// The address of element `index` of `table`, trapping when out of bounds.
    fn table_element(&mut self, table: u32, index: Value) -> Value {
        let entity = self.table_entity(table);
        let index = self.extend_index(index);
        let len =
            self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::TABLE_LEN);
        let out = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.b.ins().trapnz(out, trap(TrapKind::TableOutOfBounds));
        let base =
            self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::TABLE_BASE);
        let scaled = self.b.ins().ishl_imm_u(index, 3);
        self.b.ins().iadd(base, scaled)
    }

    pub(super) fn table_get(&mut self, table: u32) {
        let index = self.pop();
        let addr = self.table_element(table, index);
        let v = self.b.ins().load(types::I64, MemFlagsData::trusted(), addr, 0);
        self.push(v);
    }

    pub(super) fn table_set(&mut self, table: u32) {
        let (index, value) = self.pop2();
        let addr = self.table_element(table, index);
        self.b.ins().store(MemFlagsData::trusted(), value, addr, 0);
    }

    pub(super) fn table_size(&mut self, table: u32) {
        let entity = self.table_entity(table);
        let len =
            self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::TABLE_LEN);
        let v = self.narrow_index(len, self.table_index64(table));
        self.push(v);
    }

    pub(super) fn table_grow(&mut self, table: u32) {
        let (init, delta) = self.pop2();
        let delta = self.extend_index(delta);
        let t = self.b.ins().iconst(types::I32, table as i64);
        let old = self.call_builtin(Builtin::TableGrow, &[t, init, delta])[0];
        let trapped = self.b.ins().icmp_imm_s(IntCC::Equal, old, GROW_TRAPPED);
        self.b.ins().trapnz(trapped, trap(TrapKind::Pending));
        let v = self.narrow_index(old, self.table_index64(table));
        self.push(v);
    }

    pub(super) fn table_fill(&mut self, table: u32) {
        let (start, value, len) = self.pop3();
        let (start, len) = (self.extend_index(start), self.extend_index(len));
        let t = self.b.ins().iconst(types::I32, table as i64);
        self.call_builtin_checked(Builtin::TableFill, &[t, start, value, len]);
    }

    pub(super) fn table_copy(&mut self, dst_table: u32, src_table: u32) {
        let (dst, src, len) = self.pop3();
        let (dst, src, len) =
            (self.extend_index(dst), self.extend_index(src), self.extend_index(len));
        let d = self.b.ins().iconst(types::I32, dst_table as i64);
        let s = self.b.ins().iconst(types::I32, src_table as i64);
        self.call_builtin_checked(Builtin::TableCopy, &[d, s, dst, src, len]);
    }

    pub(super) fn table_init(&mut self, seg: u32, table: u32) {
        let (dst, src, len) = self.pop3();
        let dst = self.extend_index(dst);
        let t = self.b.ins().iconst(types::I32, table as i64);
        let s = self.b.ins().iconst(types::I32, seg as i64);
        self.call_builtin_checked(Builtin::TableInit, &[t, s, dst, src, len]);
    }

    /// `call` and `return_call` of function `func_index`.
    pub(super) fn call(&mut self, func_index: u32, tail: bool) -> Result<(), String> {
        self.deopt_point(silo_core::vm::deopt::AT_CALL);
        let info = self.env.info;
        let ty_index = info.funcs[func_index as usize];
        let ty = info.func_type(ty_index).ok_or("call of a non-function type")?.clone();
        let sig = self.type_sig(ty_index)?;
        let call_args = self.pop_n(ty.params.len());
        if let Some(def) = func_index.checked_sub(info.num_imported.funcs) {
            // Same instance, so the context is ours. The function itself, or one with native
            // code already (which never changes), is called directly; any other through the
            // module's table, which has its native entry once it is compiled.
            let vmctx = self.vmctx;
            let mut native_args = vec![vmctx, vmctx];
            native_args.extend_from_slice(&call_args);
            let known = (self.calls.known)(def);
            let in_batch = (self.calls.batch)(def).filter(|_| def != self.def);
            let direct = self
                .calls
                .self_ref
                .filter(|_| def == self.def)
                .or_else(|| in_batch.map(|id| super::import_code(self.b.func, id, sig, false)));
            match (direct, known) {
                (Some(f), _) => self.emit_native_call(Callee::Func(f), sig, &native_args, tail),
                (None, code) if code != 0 => {
                    let code = self.b.ins().iconst(types::I64, code as i64);
                    self.emit_native_call(Callee::Code(code), sig, &native_args, tail);
                }
                (None, _) => {
                    let table = self.load_ptr(self.vmctx, offsets::VMCTX_NATIVE, readonly());
                    let code = self.load_ptr(table, def as i32 * 8, MemFlagsData::trusted());
                    let entity = Entity::Index(func_index);
                    self.emit_call(code, vmctx, entity, sig, &call_args, tail);
                }
            }
        } else {
            let entity = self.index_space_entry(offsets::VMCTX_FUNCS, func_index);
            self.call_entity(entity, sig, &call_args, tail);
        }
        Ok(())
    }

    /// `call_indirect` and `return_call_indirect`.
    pub(super) fn call_indirect(
        &mut self,
        ty_index: u32,
        table: u32,
        tail: bool,
    ) -> Result<(), String> {
        self.deopt_point(silo_core::vm::deopt::AT_CALL);
        let ty = self.env.info.func_type(ty_index).ok_or("call of a non-function type")?.clone();
        let sig = self.type_sig(ty_index)?;
        let index = self.pop();
        let call_args = self.pop_n(ty.params.len());
        let index = self.extend_index(index);

        let entity = self.table_entity(table);
        let len =
            self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::TABLE_LEN);
        let load = self.b.create_block();
        let check = self.b.create_block();
        let slow = self.b.create_block();
        let found = self.b.create_block();
        let func = self.b.append_block_param(found, types::I64);
        let in_bounds = self.b.ins().icmp(IntCC::UnsignedLessThan, index, len);
        self.b.ins().brif(in_bounds, load, &[], slow, &[]);

        self.b.switch_to_block(load);
        self.b.seal_block(load);
        let base =
            self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::TABLE_BASE);
        let scaled = self.b.ins().ishl_imm_u(index, 3);
        let addr = self.b.ins().iadd(base, scaled);
        let element = self.b.ins().load(types::I64, MemFlagsData::trusted(), addr, 0);
        self.b.ins().brif(element, check, &[], slow, &[]);

        self.b.switch_to_block(check);
        self.b.seal_block(check);
        // Not `can_move`: the element may be null on other paths, and a load hoisted above the
        // null check would fault outside any trap site.
        let have = self.b.ins().load(types::I32, readonly_here(), element, offsets::FUNC_SIG);
        let ids = self.load_ptr(self.vmctx, offsets::VMCTX_TYPE_IDS, readonly());
        let want = self.b.ins().load(types::I32, readonly(), ids, ty_index as i32 * 4);
        let same = self.b.ins().icmp(IntCC::Equal, have, want);
        self.b.ins().brif(same, found, &args(&[element]), slow, &[]);

        // Out of bounds, null, or a signature that is not the same id (it may still be a
        // subtype): the builtin decides, and raises the trap with its detail.
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        self.b.set_cold_block(slow);
        let t = self.b.ins().iconst(types::I32, table as i64);
        let y = self.b.ins().iconst(types::I32, ty_index as i64);
        let resolved = self.call_builtin(Builtin::IndirectTarget, &[t, y, index])[0];
        self.b.ins().trapz(resolved, trap(TrapKind::Pending));
        self.b.ins().jump(found, &args(&[resolved]));

        self.b.switch_to_block(found);
        self.b.seal_block(found);
        self.call_entity(func, sig, &call_args, tail);
        Ok(())
    }

    /// `call_ref` and `return_call_ref`.
    pub(super) fn call_ref(&mut self, ty_index: u32, tail: bool) -> Result<(), String> {
        self.deopt_point(silo_core::vm::deopt::AT_CALL);
        let ty = self.env.info.func_type(ty_index).ok_or("call of a non-function type")?.clone();
        let sig = self.type_sig(ty_index)?;
        let func = self.pop();
        let call_args = self.pop_n(ty.params.len());
        self.b.ins().trapz(func, trap(TrapKind::NullFunctionReference));
        self.call_entity(func, sig, &call_args, tail);
        Ok(())
    }

    /// Calls the function whose `FuncEntity` is `entity`.
    fn call_entity(&mut self, entity: Value, sig: SigRef, call_args: &[Value], tail: bool) {
        let code =
            self.b.ins().load(types::I64, MemFlagsData::trusted(), entity, offsets::FUNC_CODE);
        // Not `can_move`: a `call_ref`'s entity may be null (its null check comes first).
        let vmctx = self.b.ins().load(types::I64, readonly_here(), entity, offsets::FUNC_VMCTX);
        self.emit_call(code, vmctx, Entity::Value(entity), sig, call_args, tail);
    }

    /// A call of native `code` (with `callee_vmctx`), or when `code` is null of the thunk of the
    /// call's signature (with the callee's entity instead: see `thunk`); its results are pushed,
    /// or returned for a tail call.
    fn emit_call(
        &mut self,
        code: Value,
        callee_vmctx: Value,
        entity: Entity,
        sig: SigRef,
        call_args: &[Value],
        tail: bool,
    ) {
        let cold = self.b.create_block();
        let call = self.b.create_block();
        let target = self.b.append_block_param(call, types::I64);
        let first = self.b.append_block_param(call, types::I64);
        self.b.ins().brif(code, call, &args(&[code, callee_vmctx]), cold, &[]);

        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        self.b.set_cold_block(cold);
        let entity = match entity {
            Entity::Value(v) => v,
            Entity::Index(i) => {
                let funcs = self.load_ptr(self.vmctx, offsets::VMCTX_FUNCS, readonly_here());
                self.load_ptr(funcs, i as i32 * 8, readonly_here())
            }
        };
        let thunk = self.b.ins().iconst(types::I64, 0);
        let kind = if tail { ThunkKind::TailCall } else { ThunkKind::Call };
        self.thunk_sites.push(ThunkSite {
            inst: self.b.func.dfg.value_def(thunk).unwrap_inst(),
            signature: self.b.func.dfg.signatures[sig].clone(),
            kind,
        });
        self.b.ins().jump(call, &args(&[thunk, entity]));

        self.b.switch_to_block(call);
        self.b.seal_block(call);
        let mut native_args = vec![first, self.vmctx];
        native_args.extend_from_slice(call_args);
        self.emit_native_call(Callee::Code(target), sig, &native_args, tail);
    }

    /// The call itself, in the native convention: its results are pushed, or for a tail call,
    /// which takes this call's place, returned.
    fn emit_native_call(&mut self, callee: Callee, sig: SigRef, native_args: &[Value], tail: bool) {
        if tail {
            // The callee takes this call's place.
            self.count_return_tail();
        }
        if !tail && self.in_scope() {
            self.emit_try_call(callee, sig, native_args);
            return;
        }
        let ins = self.b.ins();
        let inst = match (callee, tail) {
            (Callee::Func(f), true) => ins.return_call(f, native_args),
            (Callee::Func(f), false) => ins.call(f, native_args),
            (Callee::Code(code), true) => ins.return_call_indirect(sig, code, native_args),
            (Callee::Code(code), false) => ins.call_indirect(sig, code, native_args),
        };
        if tail {
            self.reachable = false;
        } else {
            let results = self.b.inst_results(inst).to_vec();
            self.stack.extend(results);
        }
    }
}
