//! Control flow: blocks, loops, `if`, branches, returns and calls.
//!
//! A construct's label values live in the temporaries at its height. A branch copies the values it
//! carries there (usually nothing: they are already in place), then jumps; forward jumps are
//! patched when the construct ends. Conditional branches that need copies jump over them instead.

use silo_loader::wasmparser::BlockType;
use silo_loader::{FuncType, ValType};

use super::fuse::{fused_branch, negated};
use super::{Ctrl, CtrlKind, Operand, Translator};
use crate::interp::isa::{Instr, Slot};
use crate::vm::slots::{call_slots, slot_count, slot_width};

/// The condition of a conditional branch, as the translator sees it.
pub(super) enum Cond {
    /// A constant: the branch is always or never taken.
    Const(bool),
    /// A comparison just computed, to be fused into the branch.
    Compare(Instr),
    /// An `i32` in a slot.
    Slot(Slot),
}

impl Translator<'_> {
    /// Parameter and result types of a block type.
    pub(super) fn block_type(&self, bt: BlockType) -> (Box<[ValType]>, Box<[ValType]>) {
        self.module.info.block_type(bt)
    }

    pub(super) fn push_ctrl(&mut self, kind: CtrlKind, bt: BlockType) -> &mut Ctrl {
        let (params, results) = self.block_type(bt);
        let height = self.stack.len() - params.len();
        self.ctrl.push(Ctrl {
            kind,
            height,
            params,
            results,
            header: self.code.len(),
            patches: Vec::new(),
            else_patch: None,
            entry_reachable: self.reachable,
            region: None,
            catches: Box::new([]),
            landed: false,
            id: self.next_ctrl_id,
        });
        self.next_ctrl_id += 1;
        self.ctrl.last_mut().expect("just pushed")
    }

    pub(super) fn block(&mut self, bt: BlockType) {
        self.materialize_locals();
        self.push_ctrl(CtrlKind::Block, bt);
        self.forget_results();
    }

    pub(super) fn loop_(&mut self, bt: BlockType) {
        self.materialize_locals();
        let loop_offset = self.offset;
        let (params, _) = self.block_type(bt);
        // The back edge delivers the parameters in their temporaries: they must be there on entry.
        self.materialize_top(params.len());
        self.push_ctrl(CtrlKind::Loop, bt);
        // Every iteration passes the header: a metered engine checks there, and a tiered one
        // counts the function's hotness.
        self.check_fuel(Some(loop_offset));
        self.count_loop_hotness(loop_offset);
        self.forget_results();
    }

    pub(super) fn if_(&mut self, bt: BlockType) {
        let cond = self.take_condition();
        self.materialize_locals();
        let (params, _) = self.block_type(bt);
        // Both arms start from the parameters, so they must sit in their temporaries.
        self.materialize_top(params.len());
        let skip = self.emit_cond_branch(cond, false);
        let ctrl = self.push_ctrl(CtrlKind::If, bt);
        ctrl.else_patch = skip;
        self.forget_results();
    }

    pub(super) fn else_(&mut self) {
        let depth = self.ctrl.len() - 1;
        if self.reachable {
            let (height, n) = {
                let c = &self.ctrl[depth];
                (c.height, c.results.len())
            };
            self.copy_branch_values(height, n);
            let br = self.emit(Instr::Br { offset: 0 });
            self.ctrl[depth].patches.push(br);
        }
        let here = self.code.len();
        let c = &mut self.ctrl[depth];
        c.kind = CtrlKind::Else;
        let skip = c.else_patch.take();
        let (height, params, reachable) = (c.height, c.params.clone(), c.entry_reachable);
        if let Some(skip) = skip {
            self.patch(skip, here);
        }
        self.reset_stack(height, &params);
        self.reachable = reachable;
        self.forget_results();
    }

    pub(super) fn end(&mut self) {
        match self.ctrl.last().map(|c| (c.kind, c.region)) {
            Some((CtrlKind::TryTable, _)) => return self.end_try_table(),
            // A legacy `try` without a `catch` ends as a block.
            Some((CtrlKind::Try, Some(region))) => {
                self.regions[region as usize].end = self.code.len() as u32;
            }
            _ => {}
        }
        let c = self.ctrl.pop().expect("validated control stack");
        if c.kind == CtrlKind::Function {
            if self.reachable {
                self.return_();
            }
            return;
        }
        // A one-armed `if` falls through from its condition too; its label values are its
        // parameters, already in place.
        // A legacy catch body's results sit above its hidden exception: they move down too.
        let merges = !c.patches.is_empty()
            || c.kind == CtrlKind::If && c.else_patch.is_some()
            || c.kind == CtrlKind::Catch
            || c.landed;
        if self.reachable && merges {
            self.copy_branch_values(c.height, c.results.len());
        }
        let here = self.code.len();
        for &p in &c.patches {
            self.patch(p, here);
        }
        self.ends.insert(c.id, here);
        if let Some(skip) = c.else_patch {
            self.patch(skip, here);
        }
        if merges || !self.reachable {
            // Code after the construct sees its results in their temporaries.
            self.reset_stack(c.height, &c.results);
            self.forget_results();
        }
        self.reachable = self.reachable || merges;
    }

    /// Truncates the stack to `height` and pushes temporaries of `types` on it.
    pub(super) fn reset_stack(&mut self, height: usize, types: &[ValType]) {
        while self.stack.len() > height {
            self.pop();
        }
        for &ty in types {
            self.push_temp(ty);
        }
    }

    /// Sets the offset of branch `at` so that it jumps to instruction `target`.
    pub(super) fn patch(&mut self, at: usize, target: usize) {
        let offset = target as isize - (at as isize + 1);
        if let Some(o) = self.code[at].offset_mut() {
            *o = offset as i32;
        }
    }

    /// Whether a branch to a construct at `height` carrying the top `n` values needs copies.
    fn needs_copies(&self, height: usize, n: usize) -> bool {
        let len = self.stack.len();
        (0..n).any(|i| {
            let pos = len - n + i;
            !(self.stack[pos].op == Operand::Temp && pos == height + i)
        })
    }

    /// Copies the top `n` values to the temporaries at `height` (the stack itself is unchanged:
    /// this is what a branch does on its own path).
    pub(super) fn copy_branch_values(&mut self, height: usize, n: usize) {
        let len = self.stack.len();
        // The label's values go where temporaries of their types sit from `height` up.
        let mut dst = self.slot_at(height);
        for i in 0..n {
            let pos = len - n + i;
            let e = self.stack[pos];
            match e.op {
                Operand::Temp if pos == height + i => {}
                Operand::Temp => {
                    let src = self.slot_at(pos);
                    self.emit_copy(e.ty, dst, src);
                }
                Operand::Local(l) => {
                    let src = self.local_slot(l);
                    self.emit_copy(e.ty, dst, src);
                }
                Operand::Const(v) => self.emit_const(dst, v),
                Operand::Const128(v) => {
                    let src = self.const_slot128(v);
                    self.emit(Instr::Copy128 { dst, src });
                }
            }
            dst += slot_width(e.ty) as Slot;
        }
    }

    /// Pops the condition of `br_if`/`if`, noting a comparison that can be fused.
    pub(super) fn take_condition(&mut self) -> Cond {
        let fusable = self.last_result.is_some_and(|at| at + 1 == self.code.len());
        let pos = self.stack.len() - 1;
        let e = self.pop();
        match e.op {
            Operand::Const(v) => Cond::Const(v as u32 != 0),
            Operand::Temp if fusable => {
                let last = *self.code.last().expect("fusable implies an instruction");
                if fused_branch(last, false).is_some() {
                    self.code.pop();
                    self.offsets.pop();
                    self.forget_results();
                    Cond::Compare(last)
                } else {
                    Cond::Slot(self.slot_at(pos))
                }
            }
            _ => Cond::Slot(self.use_entry(e)),
        }
    }

    /// Emits a branch taken when `cond` is `when`; returns it for patching (`None`: never taken).
    pub(super) fn emit_cond_branch(&mut self, cond: Cond, when: bool) -> Option<usize> {
        let instr = match cond {
            Cond::Const(c) if c == when => Instr::Br { offset: 0 },
            Cond::Const(_) => return None,
            Cond::Compare(cmp) => fused_branch(cmp, !when).expect("checked when taken"),
            Cond::Slot(cond) if when => Instr::BrIfNez { cond, offset: 0 },
            Cond::Slot(cond) => Instr::BrIfEqz { cond, offset: 0 },
        };
        Some(self.emit(instr))
    }

    /// The construct `depth` levels out.
    fn target(&self, depth: u32) -> &Ctrl {
        &self.ctrl[self.ctrl.len() - 1 - depth as usize]
    }

    /// Emits an unconditional branch to the construct `depth` levels out, with its copies.
    pub(super) fn branch_to(&mut self, depth: u32) {
        let t = self.target(depth);
        let (kind, height, n, header) = (t.kind, t.height, t.label_types().len(), t.header);
        if kind == CtrlKind::Function {
            self.return_values();
            return;
        }
        self.copy_branch_values(height, n);
        if kind == CtrlKind::Loop && self.invert_back_edge(header) {
            return;
        }
        let br = self.emit(Instr::Br { offset: 0 });
        if kind == CtrlKind::Loop {
            self.patch(br, header);
        } else {
            let at = self.ctrl.len() - 1 - depth as usize;
            self.ctrl[at].patches.push(br);
        }
    }

    /// A back edge to a loop whose first instruction is a conditional exit: rather than jump to the
    /// header and test there, test here and jump straight into the body while the loop goes on,
    /// falling through to the exit otherwise. One dispatch per iteration instead of two.
    fn invert_back_edge(&mut self, header: usize) -> bool {
        let Some(&first) = self.code.get(header) else { return false };
        let Some(stay) = negated(first) else { return false };
        // Where the header's branch leads: pending in a construct's patch list, or already final
        // (a pending `if` condition is in no list: leave that case alone).
        let pending = self.ctrl.iter().position(|c| c.patches.contains(&header));
        if pending.is_none() && self.ctrl.iter().any(|c| c.else_patch == Some(header)) {
            return false;
        }
        let mut copy = first;
        let offset = copy.offset_mut().map_or(0, |o| *o);
        let resolved = (header as isize + 1 + offset as isize) as usize;
        let at = self.emit(stay);
        self.patch(at, header + 1);
        let exit = self.emit(Instr::Br { offset: 0 });
        match pending {
            Some(c) => self.ctrl[c].patches.push(exit),
            None => self.patch(exit, resolved),
        }
        true
    }

    /// Links a branch that needs no copies to the construct `depth` levels out.
    pub(super) fn link(&mut self, br: usize, depth: u32) {
        let at = self.ctrl.len() - 1 - depth as usize;
        if self.ctrl[at].kind == CtrlKind::Loop {
            let header = self.ctrl[at].header;
            self.patch(br, header);
        } else {
            self.ctrl[at].patches.push(br);
        }
    }

    /// Whether a branch `depth` levels out can be one instruction (no copies, not a return).
    pub(super) fn direct(&self, depth: u32) -> bool {
        let t = self.target(depth);
        t.kind != CtrlKind::Function && !self.needs_copies(t.height, t.label_types().len())
    }

    pub(super) fn br(&mut self, depth: u32) {
        self.branch_to(depth);
        self.reachable = false;
    }

    pub(super) fn br_if(&mut self, depth: u32) {
        let cond = self.take_condition();
        match cond {
            Cond::Const(false) => {}
            // Always taken, but the code after it stays reachable as far as fuel goes: a loop
            // there opens its own check, as in native code, so both tiers charge alike.
            Cond::Const(true) => self.branch_to(depth),
            _ if self.direct(depth) => {
                let br = self.emit_cond_branch(cond, true).expect("not constant");
                self.link(br, depth);
            }
            _ => {
                let skip = self.emit_cond_branch(cond, false).expect("not constant");
                self.branch_to(depth);
                let here = self.code.len();
                self.patch(skip, here);
            }
        }
    }

    /// `br_table` to the relative depths `all`, the default last.
    pub(super) fn br_table(&mut self, all: &[u32]) {
        let e = self.pop();
        let index = self.use_entry(e);
        let len = all.len() as u32 - 1;
        self.emit(Instr::BrTable { index, len });
        let entries: Vec<usize> = all.iter().map(|_| self.emit(Instr::Br { offset: 0 })).collect();
        for (&entry, &depth) in entries.iter().zip(all) {
            if self.direct(depth) {
                self.link(entry, depth);
            } else {
                let here = self.code.len();
                self.patch(entry, here);
                self.branch_to(depth);
            }
        }
        self.reachable = false;
    }

    /// `br_on_null`: branch when the reference on top is null (dropping it); otherwise keep it.
    pub(super) fn br_on_null(&mut self, depth: u32) {
        let pos = self.stack.len() - 1;
        self.materialize(pos);
        let cond = self.slot_at(pos);
        let e = self.pop();
        if self.direct(depth) {
            let br = self.emit(Instr::BrIfEqz64 { cond, offset: 0 });
            self.link(br, depth);
        } else {
            let skip = self.emit(Instr::BrIfNez64 { cond, offset: 0 });
            self.branch_to(depth);
            let here = self.code.len();
            self.patch(skip, here);
        }
        self.push(Operand::Temp, e.ty);
    }

    /// `br_on_non_null`: branch with the reference when it is not null; otherwise drop it.
    pub(super) fn br_on_non_null(&mut self, depth: u32) {
        let pos = self.stack.len() - 1;
        self.materialize(pos);
        let cond = self.slot_at(pos);
        if self.direct(depth) {
            let br = self.emit(Instr::BrIfNez64 { cond, offset: 0 });
            self.link(br, depth);
        } else {
            let skip = self.emit(Instr::BrIfEqz64 { cond, offset: 0 });
            self.branch_to(depth);
            let here = self.code.len();
            self.patch(skip, here);
        }
        self.pop();
    }

    /// Emits the return of the top values as the function's results (the stack is left alone).
    pub(super) fn return_values(&mut self) {
        let n = self.results.len();
        let slots = slot_count(&self.results);
        let len = self.stack.len();
        match (n, slots) {
            (0, _) => {
                self.emit(Instr::Return0 {});
            }
            (1, 1) => {
                let pos = len - 1;
                let src = match self.stack[pos].op {
                    Operand::Local(l) => self.local_slot(l),
                    Operand::Temp => self.slot_at(pos),
                    Operand::Const(v) => {
                        // Results go to slot 0 of the frame: write the constant there directly.
                        self.emit_const(0, v);
                        0
                    }
                    // (A `v128` takes two slots: not this case.)
                    Operand::Const128(v) => self.const_slot128(v),
                };
                self.emit(Instr::Return1 { src });
            }
            _ => {
                // Gather the results in their temporaries; copying them down in ascending order
                // is then safe, since each source is at or above its destination.
                self.copy_branch_values(len - n, n);
                let src = self.slot_at(len - n);
                self.emit(Instr::ReturnSpan { src, len: slots as u32 });
            }
        }
    }

    pub(super) fn return_(&mut self) {
        self.return_values();
        self.reachable = false;
    }

    /// Prepares a call with `params` arguments on top of the stack: they are written to their
    /// temporaries, which become the start of the callee's frame. Returns the base slot.
    fn call_args(&mut self, sig: &FuncType) -> Slot {
        let params = sig.params.len();
        let base_pos = self.stack.len() - params;
        self.materialize_top(params);
        self.record_stack_map(base_pos);
        let base = self.offset_at(base_pos) as usize;
        self.note_height(base + call_slots(sig));
        self.slot_at(base_pos)
    }

    /// Replaces the arguments on the stack with the call's results.
    fn call_results(&mut self, params: usize, results: &[ValType]) {
        for _ in 0..params {
            self.pop();
        }
        for &ty in results {
            self.push_temp(ty);
        }
    }

    /// Pops the operand on top (a table index or a function reference) into a slot.
    fn pop_operand_slot(&mut self) -> Slot {
        let e = self.pop();
        self.use_entry(e)
    }

    pub(super) fn call(&mut self, func: u32, tail: bool) {
        let info = &self.module.info;
        let sig = info.func_sig(func).cloned().unwrap_or_default();
        let imported = info.num_imported.funcs;
        let base = self.call_args(&sig);
        self.record_site(false, None);
        self.set_site_args(sig.params.len());
        let instr = match (func >= imported, tail) {
            (true, false) => Instr::CallInternal { func: func - imported, base },
            (true, true) => Instr::ReturnCallInternal { func: func - imported, base },
            (false, false) => Instr::CallImported { func, base },
            (false, true) => Instr::ReturnCallImported { func, base },
        };
        self.emit(instr);
        self.finish_call(sig.params.len(), &sig.results, tail);
    }

    pub(super) fn call_indirect(&mut self, ty: u32, table: u32, tail: bool) {
        let sig = self.module.info.func_type(ty).cloned().unwrap_or_default();
        let index = self.pop_operand_slot();
        let base = self.call_args(&sig);
        let index_ty = match self.module.info.tables.get(table as usize) {
            Some(t) if t.index64 => ValType::I64,
            _ => ValType::I32,
        };
        self.record_site(false, Some((index, index_ty)));
        self.set_site_args(sig.params.len() + 1);
        let instr = if tail {
            Instr::ReturnCallIndirect { table, ty, base }
        } else {
            Instr::CallIndirect { table, ty, base }
        };
        self.emit(instr);
        // The extension word also carries the type's engine-wide id, which the handler compares
        // with the target's first (the common exact match) before it asks the registry.
        let id = self.module.type_ids.get(ty as usize).map_or(u32::MAX, |id| id.0);
        self.emit(Instr::Ext { a: index, b: id });
        self.finish_call(sig.params.len(), &sig.results, tail);
    }

    pub(super) fn call_ref(&mut self, ty: u32, tail: bool) {
        let sig = self.module.info.func_type(ty).cloned().unwrap_or_default();
        let func = self.pop_operand_slot();
        let base = self.call_args(&sig);
        let funcref = ValType::Ref(silo_loader::RefType {
            nullable: true,
            heap: silo_loader::HeapType::Func,
        });
        self.record_site(false, Some((func, funcref)));
        self.set_site_args(sig.params.len() + 1);
        let instr =
            if tail { Instr::ReturnCallRef { func, base } } else { Instr::CallRef { func, base } };
        self.emit(instr);
        self.finish_call(sig.params.len(), &sig.results, tail);
    }

    fn finish_call(&mut self, params: usize, results: &[ValType], tail: bool) {
        if tail {
            self.reachable = false;
        } else {
            self.call_results(params, results);
        }
    }
}
