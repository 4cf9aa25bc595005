//! Control flow: blocks, loops, `if`, branches and returns.
//!
//! Each construct has a continuation block (`next`) whose parameters are its results; a loop also
//! has a header whose parameters are its parameters. A branch jumps to its label's block with the
//! values the label carries; `end` falls through into `next`, which is then sealed (every branch
//! to it comes from inside the construct), and translation goes on there.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{Block, InstBuilder, JumpTableData, Value};
use cranelift_frontend::Variable;
use silo_core::ValType;
use silo_loader::wasmparser::{BlockType, Operator};

use super::{FuncTranslator, args, ir_type};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FrameKind {
    Function,
    Block,
    Loop,
    If,
    Else,
    /// A `try_table`'s body.
    TryTable,
    /// A legacy `try`'s body.
    Try,
    /// A legacy catch body.
    Catch,
}

/// An open control construct.
pub(super) struct Frame {
    pub(super) kind: FrameKind,
    /// Where `end` leads, with the results as parameters.
    pub(super) next: Block,
    /// A loop's header, with its parameters as parameters.
    header: Option<Block>,
    /// An `if`'s else arm, until it is opened (or the `if` ends without one).
    else_block: Option<Block>,
    /// Stack height below the construct's parameters.
    pub(super) height: usize,
    params: Box<[ValType]>,
    pub(super) results: Box<[ValType]>,
    /// An `if`'s parameters as they were on entry, for its else arm.
    entry_args: Vec<Value>,
    /// Whether the entry was reachable.
    pub(super) entry_reachable: bool,
    /// Whether anything reaches `next`: a branch to it, or falling through.
    pub(super) next_reachable: bool,
    /// For a `try_table` or legacy `try`, its handler scope (see `exn`).
    pub(super) scope: Option<usize>,
    /// A `try_table`'s clauses.
    pub(super) catches: Box<[silo_loader::wasmparser::Catch]>,
    /// A legacy `try`'s clauses so far: the tag (none for `catch_all`) and the catch body.
    pub(super) legacy_clauses: Vec<(Option<u32>, Block)>,
    /// In a legacy catch body, the exception it caught (for `rethrow`).
    pub(super) caught: Option<Value>,
    /// For a loop around the one a loop entry enters: the variables that carry the operands
    /// below it, in stack order (see `loop_entry`).
    pub(super) carried: Vec<Variable>,
}

impl Frame {
    /// The types a branch to this construct carries.
    fn label_types(&self) -> &[ValType] {
        if self.kind == FrameKind::Loop { &self.params } else { &self.results }
    }

    /// The block a branch to this construct jumps to.
    fn label(&self) -> Block {
        self.header.unwrap_or(self.next)
    }
}

impl FuncTranslator<'_, '_> {
    /// Parameter and result types of a block type.
    fn block_type(&self, bt: BlockType) -> (Box<[ValType]>, Box<[ValType]>) {
        self.env.info.block_type(bt)
    }

    /// A block with parameters of `types`.
    pub(super) fn block_with_params(&mut self, types: &[ValType]) -> Result<Block, String> {
        let block = self.b.create_block();
        for &t in types {
            let v = self.b.append_block_param(block, ir_type(t)?);
            self.mark(v, t);
        }
        Ok(block)
    }

    fn push_frame(
        &mut self,
        kind: FrameKind,
        params: Box<[ValType]>,
        results: Box<[ValType]>,
    ) -> Result<&mut Frame, String> {
        let next = self.block_with_params(&results)?;
        let height = self.stack.len() - params.len();
        self.ctrl.push(Frame {
            kind,
            next,
            header: None,
            else_block: None,
            height,
            params,
            results,
            entry_args: Vec::new(),
            entry_reachable: self.reachable,
            next_reachable: false,
            scope: None,
            catches: Box::new([]),
            legacy_clauses: Vec::new(),
            caught: None,
            carried: Vec::new(),
        });
        Ok(self.ctrl.last_mut().expect("just pushed"))
    }

    /// The function body, as the outermost construct.
    pub(super) fn open_function(&mut self, ty: &silo_core::FuncType) {
        // Result types were checked when the signature was built.
        let _ = self.push_frame(FrameKind::Function, Box::new([]), ty.results.clone());
    }

    pub(super) fn block(&mut self, bt: BlockType) -> Result<(), String> {
        let (params, results) = self.block_type(bt);
        self.push_frame(FrameKind::Block, params, results)?;
        Ok(())
    }

    pub(super) fn loop_(&mut self, bt: BlockType) -> Result<(), String> {
        let loop_offset = self.offset;
        let (params, results) = self.block_type(bt);
        let header = self.block_with_params(&params)?;
        let entry = self.pop_n(params.len());
        let carried = match self.loop_entry.take_if(|e| e.at == loop_offset) {
            Some(way_in) => {
                self.enter_loop(way_in, header, &entry)?;
                Vec::new()
            }
            None => {
                // A loop around the one a loop entry enters is reached again from the way in:
                // it carries the operands below it (see `loop_entry`).
                let carried = self.carry_below(loop_offset)?;
                self.b.ins().jump(header, &args(&entry));
                carried
            }
        };
        self.b.switch_to_block(header);
        // The loop's parameters, before reading the carried operands adds more to the header.
        let values = self.b.block_params(header).to_vec();
        self.read_carried(&carried);
        self.stack.extend(values);
        let frame = self.push_frame(FrameKind::Loop, params, results)?;
        frame.header = Some(header);
        frame.carried = carried;
        // Every iteration passes the header: a metered engine checks there.
        self.check_fuel(Some(loop_offset))
    }

    pub(super) fn if_(&mut self, bt: BlockType) -> Result<(), String> {
        let cond = self.pop();
        let (params, results) = self.block_type(bt);
        let then_block = self.b.create_block();
        let else_block = self.b.create_block();
        self.b.ins().brif(cond, then_block, &[], else_block, &[]);
        self.b.switch_to_block(then_block);
        self.b.seal_block(then_block);
        let n = params.len();
        let entry_args = self.peek_n(n).to_vec();
        let frame = self.push_frame(FrameKind::If, params, results)?;
        frame.else_block = Some(else_block);
        frame.entry_args = entry_args;
        Ok(())
    }

    pub(super) fn else_(&mut self) {
        let reachable = self.reachable;
        let frame = self.ctrl.last_mut().expect("validated control stack");
        let (next, n) = (frame.next, frame.results.len());
        if reachable {
            frame.next_reachable = true;
        }
        let else_block = frame.else_block.take().expect("`else` of an `if`");
        frame.kind = FrameKind::Else;
        let (height, entry, entry_reachable) =
            (frame.height, frame.entry_args.clone(), frame.entry_reachable);
        if reachable {
            let values = self.peek_n(n).to_vec();
            self.b.ins().jump(next, &args(&values));
        }
        self.b.switch_to_block(else_block);
        self.b.seal_block(else_block);
        self.stack.truncate(height);
        self.stack.extend(entry);
        self.reachable = entry_reachable;
    }

    pub(super) fn end(&mut self) {
        let mut frame = self.ctrl.pop().expect("validated control stack");
        if self.reachable {
            let values = self.peek_n(frame.results.len()).to_vec();
            self.b.ins().jump(frame.next, &args(&values));
            frame.next_reachable = true;
        }
        if let Err(e) = self.finish_scope(&frame) {
            self.failure.get_or_insert(e);
        }
        if let Some(else_block) = frame.else_block {
            // An `if` without `else`: the false path delivers its parameters as its results.
            self.b.switch_to_block(else_block);
            self.b.seal_block(else_block);
            self.b.ins().jump(frame.next, &args(&frame.entry_args));
            frame.next_reachable |= frame.entry_reachable;
        }
        if let Some(header) = frame.header {
            self.b.seal_block(header);
        }
        self.b.switch_to_block(frame.next);
        self.b.seal_block(frame.next);
        self.stack.truncate(frame.height);
        let results = self.b.block_params(frame.next).to_vec();
        self.stack.extend(results);
        self.reachable = frame.next_reachable;
        if frame.kind == FrameKind::Function {
            let values = self.stack.clone();
            self.count_return();
            self.b.ins().return_(&values);
            self.reachable = false;
        }
    }

    /// The frame a branch of `depth` targets.
    fn target(&mut self, depth: u32) -> &mut Frame {
        let at = self.ctrl.len() - 1 - depth as usize;
        &mut self.ctrl[at]
    }

    /// The target block of a branch of `depth` and how many values it carries; marks its
    /// continuation reachable.
    pub(super) fn branch_to(&mut self, depth: u32) -> (Block, usize) {
        let frame = self.target(depth);
        if frame.kind != FrameKind::Loop {
            frame.next_reachable = true;
        }
        (frame.label(), frame.label_types().len())
    }

    pub(super) fn br(&mut self, depth: u32) {
        let (block, n) = self.branch_to(depth);
        let values = self.peek_n(n).to_vec();
        self.b.ins().jump(block, &args(&values));
        self.reachable = false;
    }

    pub(super) fn br_if(&mut self, depth: u32) {
        let cond = self.pop();
        let (block, n) = self.branch_to(depth);
        let values = self.peek_n(n).to_vec();
        let cont = self.b.create_block();
        self.b.ins().brif(cond, block, &args(&values), cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    pub(super) fn br_table(&mut self, targets: &[u32], default: u32) {
        let index = self.pop();
        let (_, n) = self.branch_to(default);
        let values = self.peek_n(n).to_vec();
        // Branches carrying values go through a block of their own per target: jump tables
        // carry no arguments.
        let mut via: Vec<(u32, Block)> = Vec::new();
        let mut entry = |t: &mut Self, depth: u32| -> Block {
            let (block, _) = t.branch_to(depth);
            if n == 0 {
                return block;
            }
            if let Some(&(_, b)) = via.iter().find(|(d, _)| *d == depth) {
                return b;
            }
            let b = t.b.create_block();
            via.push((depth, b));
            b
        };
        let calls: Vec<_> = targets
            .iter()
            .map(|&d| {
                let block = entry(self, d);
                self.b.func.dfg.block_call(block, &[])
            })
            .collect();
        let default_block = entry(self, default);
        let default_call = self.b.func.dfg.block_call(default_block, &[]);
        let table = self.b.create_jump_table(JumpTableData::new(default_call, &calls));
        self.b.ins().br_table(index, table);
        for (depth, block) in via {
            let (target, _) = self.branch_to(depth);
            self.b.switch_to_block(block);
            self.b.seal_block(block);
            self.b.ins().jump(target, &args(&values));
        }
        self.reachable = false;
    }

    pub(super) fn return_(&mut self) {
        let values = self.peek_n(self.results.len()).to_vec();
        self.count_return();
        self.b.ins().return_(&values);
        self.reachable = false;
    }

    pub(super) fn br_on_null(&mut self, depth: u32) {
        let r = self.pop();
        let (block, n) = self.branch_to(depth);
        let values = self.peek_n(n).to_vec();
        let is_null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
        let cont = self.b.create_block();
        self.b.ins().brif(is_null, block, &args(&values), cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
        self.push(r);
    }

    pub(super) fn br_on_non_null(&mut self, depth: u32) {
        let r = self.pop();
        let (block, n) = self.branch_to(depth);
        let mut values = self.peek_n(n - 1).to_vec();
        values.push(r);
        let cont = self.b.create_block();
        self.b.ins().brif(r, block, &args(&values), cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// An operator in unreachable code: only the structure matters.
    pub(super) fn dead_operator(&mut self, op: &Operator<'_>) {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. }
            | Operator::Try { .. } => self.dead_depth += 1,
            Operator::Else if self.dead_depth == 0 => self.else_(),
            Operator::Catch { tag_index } if self.dead_depth == 0 => {
                if let Err(e) = self.legacy_catch(Some(*tag_index)) {
                    self.failure.get_or_insert(e);
                }
            }
            Operator::CatchAll if self.dead_depth == 0 => {
                if let Err(e) = self.legacy_catch(None) {
                    self.failure.get_or_insert(e);
                }
            }
            Operator::Delegate { relative_depth } if self.dead_depth == 0 => {
                self.delegate(*relative_depth)
            }
            Operator::Delegate { .. } => self.dead_depth -= 1,
            Operator::End if self.dead_depth == 0 => self.end(),
            Operator::End => self.dead_depth -= 1,
            _ => {}
        }
    }
}
