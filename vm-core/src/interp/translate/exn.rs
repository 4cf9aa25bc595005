//! Exceptions: `throw`, `throw_ref`, `try_table`, and the legacy `try`/`catch`/`catch_all`/
//! `delegate`/`rethrow`.
//!
//! Each `try_table` and legacy `try` opens a handler region (`code::Region`) over the ops of its
//! body; the executor looks a thrown exception up there (`exec::exn::land`). Entering a region
//! emits nothing, so code that does not throw pays nothing for it. A clause lands on a `Catch` op
//! that writes the payload where the construct it branches to wants its values:
//!
//! - a `try_table`'s landings are emitted after the function's code (so its body runs on into what
//!   follows with no jump), each a `Catch` into the temporaries above the stack the try had,
//!   then an ordinary branch to its label;
//! - a legacy `catch` body starts with its landing. Under its payload the body keeps a hidden
//!   temporary holding the caught exception, which `rethrow` throws again.

use silo_loader::wasmparser::{BlockType, Catch, TryTable};
use silo_loader::{HeapType, RefType, ValType};

use super::{CtrlKind, Entry, Translator};
use crate::interp::code::{Clause, Region};
use crate::interp::isa::Instr;

/// Where a landing branches once the exception is taken.
pub(super) enum Target {
    /// The function's results: a return.
    Return,
    /// A loop's header, at this op.
    At(usize),
    /// The end of the construct with this `Ctrl::id` (known once it has ended).
    End(u32),
}

/// A `try_table` clause's landing, emitted after the function's code.
pub(super) struct Landing {
    region: u32,
    tag: Option<u32>,
    with_ref: bool,
    /// The operand stack below the try.
    stack: Vec<Entry>,
    target: Target,
    /// The target label's height and how many values it takes.
    height: usize,
    arity: usize,
    /// The `try_table`'s byte offset, for the landing's ops.
    offset: u32,
}

/// `exnref`.
const EXNREF: ValType = ValType::Ref(RefType { nullable: true, heap: HeapType::Exn });

impl Translator<'_> {
    /// The payload types of module tag `tag`.
    fn tag_params(&self, tag: u32) -> Box<[ValType]> {
        self.module.info.tag_type(tag).map(|f| f.params.clone()).unwrap_or_default()
    }

    /// The innermost region open around the code being translated, looking from construct
    /// `from` (an index into the control stack) outwards: a `try_table` or a legacy `try` still
    /// in its body (a legacy catch body is outside its own try's region).
    fn open_region(&self, from: usize) -> Option<u32> {
        self.ctrl[..=from.min(self.ctrl.len().saturating_sub(1))]
            .iter()
            .rev()
            .find(|c| matches!(c.kind, CtrlKind::TryTable | CtrlKind::Try))
            .and_then(|c| c.region)
    }

    /// Opens a region starting here, inside the innermost open one.
    fn new_region(&mut self) -> u32 {
        let parent = self.open_region(self.ctrl.len().saturating_sub(1));
        let start = self.code.len() as u32;
        self.regions.push(Region { start, end: start, parent, clauses: Vec::new() });
        (self.regions.len() - 1) as u32
    }

    fn close_region(&mut self, region: u32) {
        self.regions[region as usize].end = self.code.len() as u32;
    }

    fn add_clause(&mut self, region: u32, tag: Option<u32>) {
        let landing = self.code.len() as u32;
        self.regions[region as usize].clauses.push(Clause { tag, landing });
    }

    pub(super) fn throw(&mut self, tag: u32) {
        let params = self.tag_params(tag);
        let n = params.len();
        self.materialize_top(n);
        // Allocates the exception: the payload's references are roots until it is made.
        self.record_stack_map(self.stack.len());
        let base = self.slot_at(self.stack.len() - n);
        for _ in 0..n {
            self.pop();
        }
        self.emit(Instr::Throw { tag, base });
        self.reachable = false;
    }

    pub(super) fn throw_ref(&mut self) {
        let e = self.pop();
        let src = self.use_entry(e);
        self.emit(Instr::ThrowRef { src });
        self.reachable = false;
    }

    pub(super) fn try_table(&mut self, table: TryTable) {
        self.materialize_locals();
        let region = self.new_region();
        let ctrl = self.push_ctrl(CtrlKind::TryTable, table.ty);
        ctrl.region = Some(region);
        ctrl.catches = table.catches.into();
        self.forget_results();
    }

    /// The end of a `try_table`'s body: closes its region and notes its landings (emitted after
    /// the function's code, so that the body runs into what follows it with no jump); the
    /// construct then ends like a block.
    pub(super) fn end_try_table(&mut self) {
        let Some(mut c) = self.ctrl.pop() else { return };
        if let Some(region) = c.region
            && c.entry_reachable
        {
            self.close_region(region);
            // The operand stack under the try, as its landings find it.
            let below: Vec<Entry> = self.stack[..c.height].to_vec();
            for catch in c.catches.iter() {
                let (tag, label, with_ref) = match *catch {
                    Catch::One { tag, label } => (Some(tag), label, false),
                    Catch::OneRef { tag, label } => (Some(tag), label, true),
                    Catch::All { label } => (None, label, false),
                    Catch::AllRef { label } => (None, label, true),
                };
                let at = self.ctrl.len() - 1 - label as usize;
                let t = &mut self.ctrl[at];
                let target = match t.kind {
                    CtrlKind::Function => Target::Return,
                    CtrlKind::Loop => Target::At(t.header),
                    _ => {
                        t.landed = true;
                        Target::End(t.id)
                    }
                };
                let (height, arity) = (t.height, t.label_types().len());
                self.deferred.push(Landing {
                    region,
                    tag,
                    with_ref,
                    stack: below.clone(),
                    target,
                    height,
                    arity,
                    offset: self.offset,
                });
            }
        }
        c.kind = CtrlKind::Block;
        self.ctrl.push(c);
        self.end();
    }

    /// Emits the landings `end_try_table` noted: each takes the exception into the temporaries
    /// above the stack its try had, and branches to its label with the values.
    pub(super) fn emit_deferred_landings(&mut self) {
        for l in std::mem::take(&mut self.deferred) {
            self.offset = l.offset;
            self.stack = l.stack;
            self.reachable = true;
            self.add_clause(l.region, l.tag);
            let dst = self.slot_at(self.stack.len());
            let params = l.tag.map(|t| self.tag_params(t)).unwrap_or_default();
            for &ty in params.iter() {
                self.push_temp(ty);
            }
            let exn = if l.with_ref { self.push_temp(EXNREF) } else { dst };
            let mode = u32::from(l.tag.is_some()) | if l.with_ref { 2 } else { 0 };
            self.emit(Instr::Catch { dst, exn, mode });
            match l.target {
                Target::Return => self.return_values(),
                Target::At(at) => {
                    self.copy_branch_values(l.height, l.arity);
                    let br = self.emit(Instr::Br { offset: 0 });
                    self.patch(br, at);
                }
                Target::End(id) => {
                    self.copy_branch_values(l.height, l.arity);
                    let br = self.emit(Instr::Br { offset: 0 });
                    // Every construct ends before the function does (validation).
                    match self.ends.get(&id) {
                        Some(&at) => self.patch(br, at),
                        None => self.code[br] = Instr::Unreachable {},
                    }
                }
            }
        }
        self.stack.clear();
        self.reachable = false;
    }

    pub(super) fn legacy_try(&mut self, bt: BlockType) {
        self.materialize_locals();
        let region = self.new_region();
        self.push_ctrl(CtrlKind::Try, bt).region = Some(region);
        self.forget_results();
    }

    /// `catch tag` (`Some`) or `catch_all` (`None`) of the innermost legacy `try`.
    pub(super) fn legacy_catch(&mut self, tag: Option<u32>) {
        let depth = self.ctrl.len() - 1;
        let (kind, region, height, n) = {
            let c = &self.ctrl[depth];
            (c.kind, c.region, c.height, c.results.len())
        };
        if kind == CtrlKind::Try
            && let Some(region) = region
        {
            self.close_region(region);
        }
        if self.reachable {
            self.copy_branch_values(height, n);
            let br = self.emit(Instr::Br { offset: 0 });
            self.ctrl[depth].patches.push(br);
        }
        self.reset_stack(height, &[]);
        if let Some(region) = region {
            self.add_clause(region, tag);
        }
        let exn = self.push_temp(EXNREF);
        let dst = self.slot_at(self.stack.len());
        let params = tag.map(|t| self.tag_params(t)).unwrap_or_default();
        for &ty in params.iter() {
            self.push_temp(ty);
        }
        self.emit(Instr::Catch { dst, exn, mode: u32::from(tag.is_some()) | 2 });
        let c = &mut self.ctrl[depth];
        c.kind = CtrlKind::Catch;
        self.reachable = c.entry_reachable;
        self.forget_results();
    }

    /// `delegate label`: the innermost legacy `try` ends, its exceptions going to the handlers
    /// around the construct `label` names (counted from outside the `try`).
    pub(super) fn delegate(&mut self, label: u32) {
        let depth = self.ctrl.len() - 1;
        if let Some(region) = self.ctrl[depth].region {
            self.close_region(region);
            let target = depth.checked_sub(1 + label as usize);
            let parent = target.and_then(|t| self.open_region(t));
            self.regions[region as usize].parent = parent;
        }
        // With no catch, the construct ends as a block.
        self.ctrl[depth].kind = CtrlKind::Block;
        self.end();
    }

    /// `rethrow depth`: throws again the exception the legacy catch `depth` levels out caught.
    pub(super) fn rethrow(&mut self, depth: u32) {
        let height = self.ctrl[self.ctrl.len() - 1 - depth as usize].height;
        let src = self.slot_at(height);
        self.emit(Instr::ThrowRef { src });
        self.reachable = false;
    }
}
