//! Exceptions: `throw`, `throw_ref`, `try_table`, and the legacy `try`/`catch`/`catch_all`/
//! `delegate`/`rethrow`.
//!
//! Each `try_table` and legacy `try` is a *scope* with a dispatch block, built only when
//! something can reach it: given an exception (its reference), it compares the exception's tag
//! number with each clause's tag (through the `VMContext`'s tag table: a tag is an entity, so
//! the same module instantiated twice has different tags), loads the payload of the first that
//! matches and branches where the clause says; when none does, it hands the exception to the
//! enclosing scope's dispatch, and from the outermost to `Builtin::Raise`, which unwinds the
//! frames above.
//!
//! A `throw` inside a scope jumps to its dispatch directly: no unwinding, no runtime search.
//! A call inside a scope is a `try_call` whose exception edge leads to a landing block that jumps
//! to the dispatch; the unwinder (`runtime::unwind`) finds that edge in the call's exception
//! table and resumes there with the exception in the payload register, so a throw costs one
//! table lookup per frame and entering a scope costs nothing. Calls outside any scope are plain
//! calls, which the unwinder passes over.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    self, Block, BlockArg, ExceptionTableData, ExceptionTableItem, InstBuilder, MemFlagsData,
    SigRef, Value, types,
};
use silo_core::ValType;
use silo_core::vm::gc_refs;
use silo_core::vm::{Builtin, TrapKind, offsets};
use silo_loader::wasmparser::{BlockType, Catch, TryTable};

use super::control::FrameKind;
use super::{FuncTranslator, ir_type, readonly, trap};

/// A handler scope: a `try_table`, or a legacy `try`.
pub(super) struct Scope {
    /// Where an exception goes (one `i64` parameter, the exception), once something needs it.
    dispatch: Option<Block>,
    /// The scope whose dispatch takes what this one does not catch (a `delegate` names it).
    parent: Option<usize>,
}

/// Where a clause that matched sends the exception.
enum Dest {
    /// A `try_table` clause: a branch to the label `depth` levels out, with the payload (when it
    /// has a tag) and the exception (when `with_ref`).
    Label { depth: u32, with_ref: bool },
    /// A legacy catch body: its block, given the exception, then the payload.
    Body(Block),
}

impl FuncTranslator<'_, '_> {
    /// The innermost scope open around the code being translated, from frame `from` outwards
    /// (a legacy catch body is outside its own `try`'s scope).
    fn scope_from(&self, from: usize) -> Option<usize> {
        self.ctrl[..=from]
            .iter()
            .rev()
            .find(|f| matches!(f.kind, FrameKind::TryTable | FrameKind::Try))
            .and_then(|f| f.scope)
    }

    fn current_scope(&self) -> Option<usize> {
        self.ctrl.len().checked_sub(1).and_then(|top| self.scope_from(top))
    }

    fn dispatch_of(&mut self, scope: usize) -> Block {
        if let Some(b) = self.scopes[scope].dispatch {
            return b;
        }
        let b = self.b.create_block();
        let exn = self.b.append_block_param(b, types::I64);
        self.b.declare_value_needs_stack_map(exn);
        self.b.set_cold_block(b);
        self.scopes[scope].dispatch = Some(b);
        b
    }

    /// The block that throws an exception out of this frame (one `i64` parameter).
    /// (Filled in by `finish_raise_block` once the body is translated.)
    /// Its calls are reported at the instruction that first needed it (the end of a scope no
    /// clause of which matched).
    fn raise_block(&mut self) -> Block {
        if let Some((b, _)) = self.raise_block {
            return b;
        }
        let b = self.b.create_block();
        self.b.append_block_param(b, types::I64);
        self.b.set_cold_block(b);
        self.raise_block = Some((b, self.b.srcloc()));
        b
    }

    /// Fills in the block `raise_block` made, if anything uses it.
    pub(super) fn finish_raise_block(&mut self) {
        let Some((b, at)) = self.raise_block else { return };
        self.b.switch_to_block(b);
        self.b.set_srcloc(at);
        let exn = self.b.block_params(b)[0];
        self.call_builtin(Builtin::Raise, &[exn]);
        // `Raise` with an exception never returns.
        self.b.ins().trap(trap(TrapKind::Pending));
    }

    /// Where an exception raised here goes.
    fn handler_here(&mut self) -> Block {
        match self.current_scope() {
            Some(s) => self.dispatch_of(s),
            None => self.raise_block(),
        }
    }

    /// Throws `exn` from here: to the scope's dispatch, or out of the frame by a `Raise` call
    /// made right here, so that the backtrace names this instruction.
    fn throw_here(&mut self, exn: Value) {
        match self.current_scope() {
            Some(s) => {
                let dispatch = self.dispatch_of(s);
                self.b.ins().jump(dispatch, &[BlockArg::Value(exn)]);
            }
            None => {
                self.call_builtin(Builtin::Raise, &[exn]);
                // `Raise` with an exception never returns.
                self.b.ins().trap(trap(TrapKind::Pending));
            }
        }
        self.reachable = false;
    }

    /// Whether calls made here need an exception edge.
    pub(super) fn in_scope(&self) -> bool {
        self.current_scope().is_some()
    }

    /// A call made inside a scope: `try_call`, its normal results pushed, its exception edge to
    /// the scope's dispatch (restoring the call-depth count the unwound frames left behind).
    pub(super) fn emit_try_call(
        &mut self,
        callee: super::calls::Callee,
        sig: SigRef,
        native_args: &[Value],
    ) {
        let target = self.handler_here();
        let returns: Vec<ir::Type> =
            self.b.func.dfg.signatures[sig].returns.iter().map(|r| r.value_type).collect();
        let cont = self.b.create_block();
        for &t in &returns {
            self.b.append_block_param(cont, t);
        }
        let landing = self.b.create_block();
        self.b.set_cold_block(landing);
        let rets: Vec<BlockArg> =
            (0..returns.len()).map(|i| BlockArg::TryCallRet(i as u32)).collect();
        let normal = self.b.func.dfg.block_call(cont, &rets);
        let exn_edge = self.b.func.dfg.block_call(landing, &[BlockArg::TryCallExn(0)]);
        let table = ExceptionTableData::new(sig, normal, [ExceptionTableItem::Default(exn_edge)]);
        let table = self.b.func.dfg.exception_tables.push(table);
        match callee {
            super::calls::Callee::Func(f) => self.b.ins().try_call(f, native_args, table),
            super::calls::Callee::Code(c) => self.b.ins().try_call_indirect(c, native_args, table),
        };
        self.b.switch_to_block(landing);
        self.b.seal_block(landing);
        let exn = self.b.append_block_param(landing, types::I64);
        self.b.declare_value_needs_stack_map(exn);
        self.restore_call_depth();
        self.b.ins().jump(target, &[BlockArg::Value(exn)]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
        let results = self.b.block_params(cont).to_vec();
        self.stack.extend(results);
    }

    /// In a handler reached by unwinding: the frames unwound never counted their returns.
    fn restore_call_depth(&mut self) {
        self.deopt_relink();
        let Some(active) = self.depth_at_entry else { return };
        let record = self.load_ptr(self.vmctx, offsets::VMCTX_CALL_DEPTH, readonly());
        self.b.ins().store(MemFlagsData::trusted(), active, record, offsets::DEPTH_ACTIVE);
    }

    pub(super) fn throw(&mut self, tag: u32) -> Result<(), String> {
        let layout = gc_refs::exception_layout_of(self.env.info, tag)?;
        let n = layout.fields.len() - 1;
        let payload = self.pop_n(n);
        let slots = self.slot_array(&payload);
        let tag_index = self.b.ins().iconst(types::I32, i64::from(tag));
        let exn = self.call_builtin(Builtin::ExnNew, &[tag_index, slots])[0];
        self.b.ins().trapz(exn, trap(TrapKind::Pending));
        self.b.declare_value_needs_stack_map(exn);
        self.throw_here(exn);
        Ok(())
    }

    pub(super) fn throw_ref(&mut self) {
        let exn = self.pop();
        self.b.ins().trapz(exn, trap(TrapKind::NullReference));
        self.throw_here(exn);
    }

    fn new_scope(&mut self) -> usize {
        let parent = self.current_scope();
        self.scopes.push(Scope { dispatch: None, parent });
        self.scopes.len() - 1
    }

    pub(super) fn try_table(&mut self, table: TryTable) -> Result<(), String> {
        let scope = self.new_scope();
        self.block(table.ty)?;
        let frame = self.ctrl.last_mut().expect("just pushed");
        frame.kind = FrameKind::TryTable;
        frame.scope = Some(scope);
        frame.catches = table.catches.into();
        Ok(())
    }

    pub(super) fn legacy_try(&mut self, bt: BlockType) -> Result<(), String> {
        let scope = self.new_scope();
        self.block(bt)?;
        let frame = self.ctrl.last_mut().expect("just pushed");
        frame.kind = FrameKind::Try;
        frame.scope = Some(scope);
        Ok(())
    }

    /// `catch tag` (`Some`) or `catch_all` of the innermost legacy `try`: its body (or the
    /// previous catch body) ends, and this clause's body starts in a block of its own.
    pub(super) fn legacy_catch(&mut self, tag: Option<u32>) -> Result<(), String> {
        let reachable = self.reachable;
        let params = match tag {
            Some(t) => self.tag_params(t)?,
            None => Box::new([]),
        };
        let body = self.b.create_block();
        let exn = self.b.append_block_param(body, types::I64);
        self.b.declare_value_needs_stack_map(exn);
        let mut values = Vec::new();
        for &ty in params.iter() {
            let v = self.b.append_block_param(body, ir_type(ty)?);
            self.mark(v, ty);
            values.push(v);
        }
        let frame = self.ctrl.last_mut().expect("validated control stack");
        let (next, n, height) = (frame.next, frame.results.len(), frame.height);
        if reachable {
            frame.next_reachable = true;
        }
        frame.kind = FrameKind::Catch;
        frame.legacy_clauses.push((tag, body));
        frame.caught = Some(exn);
        let entry_reachable = frame.entry_reachable;
        if reachable {
            let results = self.peek_n(n).to_vec();
            self.b.ins().jump(next, &super::args(&results));
        }
        self.b.switch_to_block(body);
        self.stack.truncate(height);
        self.stack.extend(values);
        self.reachable = entry_reachable;
        Ok(())
    }

    /// `delegate label`: the innermost legacy `try` ends, what it throws going to the scope
    /// around the construct `label` names (counted from outside the `try`).
    pub(super) fn delegate(&mut self, label: u32) {
        let top = self.ctrl.len() - 1;
        if let Some(scope) = self.ctrl[top].scope {
            let target = top.checked_sub(1 + label as usize);
            self.scopes[scope].parent = target.and_then(|t| self.scope_from(t));
        }
        self.end();
    }

    /// `rethrow depth`: the exception the legacy catch `depth` levels out caught, thrown again.
    pub(super) fn rethrow(&mut self, depth: u32) {
        let at = self.ctrl.len() - 1 - depth as usize;
        if let Some(exn) = self.ctrl[at].caught {
            self.throw_here(exn);
        } else {
            self.b.ins().trap(trap(TrapKind::Unreachable));
            self.reachable = false;
        }
    }

    /// The payload types of module tag `tag`.
    fn tag_params(&self, tag: u32) -> Result<Box<[ValType]>, String> {
        Ok(self.env.info.tag_type(tag).ok_or_else(|| format!("no tag {tag}"))?.params.clone())
    }

    /// At the end of a scope's construct (its frame popped, the fallthrough emitted): builds
    /// the scope's dispatch, if anything reaches it (the caller then switches to the block
    /// after the construct).
    pub(super) fn finish_scope(&mut self, frame: &super::control::Frame) -> Result<(), String> {
        let Some(scope) = frame.scope else { return Ok(()) };
        let Some(dispatch) = self.scopes[scope].dispatch else { return Ok(()) };
        let clauses: Vec<(Option<u32>, Dest)> = if frame.kind == FrameKind::TryTable {
            frame
                .catches
                .iter()
                .map(|c| match *c {
                    Catch::One { tag, label } => {
                        (Some(tag), Dest::Label { depth: label, with_ref: false })
                    }
                    Catch::OneRef { tag, label } => {
                        (Some(tag), Dest::Label { depth: label, with_ref: true })
                    }
                    Catch::All { label } => (None, Dest::Label { depth: label, with_ref: false }),
                    Catch::AllRef { label } => (None, Dest::Label { depth: label, with_ref: true }),
                })
                .collect()
        } else {
            frame.legacy_clauses.iter().map(|&(tag, body)| (tag, Dest::Body(body))).collect()
        };
        self.b.switch_to_block(dispatch);
        let exn = self.b.block_params(dispatch)[0];
        let mut caught_all = false;
        let mut tag_id = None;
        for (tag, dest) in clauses {
            let Some(tag) = tag else {
                self.deliver(exn, None, &dest)?;
                caught_all = true;
                break;
            };
            let have = match tag_id {
                Some(v) => v,
                None => {
                    // Every exception has at least its tag number, the first field.
                    let addr = self.object(exn, 12, TrapKind::NullReference);
                    let v = self.b.ins().load(types::I32, MemFlagsData::trusted(), addr, 8);
                    tag_id = Some(v);
                    v
                }
            };
            let tags = self.load_ptr(self.vmctx, offsets::VMCTX_TAGS, readonly());
            let entity = self.load_ptr(tags, tag as i32 * 8, readonly());
            let want = self.b.ins().load(types::I32, readonly(), entity, offsets::TAG_ID);
            let eq = self.b.ins().icmp(IntCC::Equal, have, want);
            let yes = self.b.create_block();
            let no = self.b.create_block();
            self.b.ins().brif(eq, yes, &[], no, &[]);
            self.b.switch_to_block(yes);
            self.b.seal_block(yes);
            self.deliver(exn, Some(tag), &dest)?;
            self.b.switch_to_block(no);
            self.b.seal_block(no);
        }
        if !caught_all {
            let parent = match self.scopes[scope].parent {
                Some(p) => self.dispatch_of(p),
                None => self.raise_block(),
            };
            self.b.ins().jump(parent, &[BlockArg::Value(exn)]);
        }
        Ok(())
    }

    /// Sends exception `exn`, caught by a clause of `tag`, where `dest` says.
    fn deliver(&mut self, exn: Value, tag: Option<u32>, dest: &Dest) -> Result<(), String> {
        let mut values = Vec::new();
        if let Some(tag) = tag {
            let layout = gc_refs::exception_layout_of(self.env.info, tag)?;
            let addr = self.object(exn, layout.size as i64, TrapKind::NullReference);
            let params = self.tag_params(tag)?;
            for (f, &ty) in layout.fields[1..].iter().zip(params.iter()) {
                let v = self.load_field(f.kind, addr, f.offset as i32);
                self.mark(v, ty);
                values.push(v);
            }
        }
        match *dest {
            Dest::Label { depth, with_ref } => {
                if with_ref {
                    values.push(exn);
                }
                let (block, _) = self.branch_to(depth);
                self.b.ins().jump(block, &super::args(&values));
            }
            Dest::Body(body) => {
                let mut all = vec![exn];
                all.extend(values);
                self.b.ins().jump(body, &super::args(&all));
            }
        }
        Ok(())
    }
}
