//! Exceptions: `throw`, `throw_ref`, `try_table`, and the legacy `try`/`catch`/`catch_all`/
//! `delegate`/`rethrow`.
//!
//! Each `try_table` and legacy `try` opens a handler region (`code::Region`) over the ops of its
//! body; the executor looks a thrown exception up there (`exec::exn::land`). Entering a region
//! emits nothing, so code that does not throw pays nothing for it. A clause lands on a `Catch` op
//! that writes the payload where the construct it branches to wants its values:
//!
//! - a `try_table`'s landings are emitted after its body (which jumps over them), each a `Catch`
//!   into the temporaries at the try's height followed by an ordinary branch to its label;
//! - a legacy `catch` body starts with its landing. Under its payload the body keeps a hidden
//!   temporary holding the caught exception, which `rethrow` throws again.

use silo_loader::wasmparser::{BlockType, Catch, TryTable};
use silo_loader::{HeapType, RefType, ValType};

use super::{CtrlKind, Translator};
use crate::interp::code::{Clause, Region};
use crate::interp::isa::Instr;

/// `exnref`.
const EXNREF: ValType = ValType::Ref(RefType { nullable: true, heap: HeapType::Exn });

impl Translator<'_> {
    /// The payload types of module tag `tag`.
    fn tag_params(&self, tag: u32) -> Box<[ValType]> {
        let info = &self.module.info;
        let ty = info.tags.get(tag as usize).copied().unwrap_or(u32::MAX);
        info.func_type(ty).map(|f| f.params.clone()).unwrap_or_default()
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
        self.regions.push(Region { start, end: start, parent, clauses: Box::new([]) });
        (self.regions.len() - 1) as u32
    }

    fn close_region(&mut self, region: u32) {
        self.regions[region as usize].end = self.code.len() as u32;
    }

    fn add_clause(&mut self, region: u32, tag: Option<u32>) {
        let landing = self.code.len() as u32;
        let r = &mut self.regions[region as usize];
        let mut clauses = std::mem::take(&mut r.clauses).into_vec();
        clauses.push(Clause { tag, landing });
        r.clauses = clauses.into();
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

    /// The end of a `try_table`'s body: closes its region, jumps over the landings, and emits
    /// them; the construct then ends like a block.
    pub(super) fn end_try_table(&mut self) {
        let Some(c) = self.ctrl.pop() else { return };
        if let Some(region) = c.region {
            self.close_region(region);
        }
        let mut c = c;
        if self.reachable {
            self.copy_branch_values(c.height, c.results.len());
            c.patches.push(self.emit(Instr::Br { offset: 0 }));
        }
        let catches = std::mem::take(&mut c.catches);
        for catch in catches.iter() {
            self.reset_stack(c.height, &[]);
            self.reachable = c.entry_reachable;
            if !self.reachable {
                continue;
            }
            let (tag, label, with_ref) = match *catch {
                Catch::One { tag, label } => (Some(tag), label, false),
                Catch::OneRef { tag, label } => (Some(tag), label, true),
                Catch::All { label } => (None, label, false),
                Catch::AllRef { label } => (None, label, true),
            };
            if let Some(region) = c.region {
                self.add_clause(region, tag);
            }
            let dst = self.slot_at(self.stack.len());
            let params = tag.map(|t| self.tag_params(t)).unwrap_or_default();
            for &ty in params.iter() {
                self.push_temp(ty);
            }
            let exn = if with_ref { self.push_temp(EXNREF) } else { dst };
            let mode = u32::from(tag.is_some()) | if with_ref { 2 } else { 0 };
            self.emit(Instr::Catch { dst, exn, mode });
            self.branch_to(label);
        }
        self.reset_stack(c.height, &[]);
        self.reachable = false;
        c.kind = CtrlKind::Block;
        self.ctrl.push(c);
        self.end();
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
