//! Translation of one function from WebAssembly's stack machine to the interpreter's register
//! code, on the function's first call.
//!
//! The translator runs the operand stack at translation time. An entry is a local (used in place,
//! no copy), a constant (folded into an immediate or materialized where needed), or a temporary,
//! which lives in the slot fixed by its depth: after the locals, as many slots up as the entries
//! below it take (one each, two for a `v128`; see `vm::slots`). Validation makes the types below a
//! depth the same on every path that reaches it, so a temporary's slot depends only on its depth:
//! the values a branch carries end up where its target expects them with at most a few copies, and
//! a call's arguments are already laid out as the callee's frame.
//!
//! A constant read where no immediate form exists gets a slot of the function's constant pool,
//! which sits between the locals and the temporaries and is filled once per call, so a constant in
//! a loop costs nothing per iteration. Pool and temporary slots are numbered provisionally
//! (`CONST_MARK`, `TEMP_MARK`) and relocated when the function is done, once the pool's size is
//! known.
//!
//! Two rules keep lazily used locals sound: `local.set`/`local.tee` first copies out any stack
//! entry still reading the local, and entering a block, loop or `if` turns every such entry into a
//! temporary (a copy made inside a conditional arm would not run on the other path).

mod acc;
mod atomic;
mod control;
mod exn;
mod fuse;
mod gc;
mod ops;
mod simd;
mod simd_memory;
mod site_types;

use silo_loader::ValType;
use silo_loader::wasmparser::{self as wp, BinaryReader, FunctionBody};

use std::collections::HashMap;

use super::code::{InterpFunc, StackMap};
use super::exec::{Dispatch, Op};
use super::isa::{Instr, Slot};
use crate::module::ModuleInner;
use crate::vm::slots::{slot_count, slot_width};
use crate::vm::{FuncAnalysis, StackSlot, StackValue};

/// Marks a provisional temporary slot (by stack depth) until relocation.
const TEMP_MARK: Slot = 1 << 31;
/// Marks a provisional constant-pool slot (by pool index) until relocation.
const CONST_MARK: Slot = 1 << 30;

/// Where a stack entry's value is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    /// In the local's slot.
    Local(u32),
    /// In the temporary slot of the entry's depth.
    Temp,
    /// A constant not yet written anywhere (raw slot bits).
    Const(u64),
    /// A `v128` constant (`v128.const`), read from two constant-pool slots where it is used.
    Const128(u128),
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    op: Operand,
    ty: ValType,
    /// The temporary slot of the entry's depth, counted from the first temporary (provisional).
    at: Slot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CtrlKind {
    Function,
    Block,
    Loop,
    If,
    Else,
    /// A `try_table`'s body.
    TryTable,
    /// A legacy `try`'s body.
    Try,
    /// A legacy `catch` or `catch_all` body (its hidden exception temporary at `height`).
    Catch,
}

/// An open control construct.
struct Ctrl {
    kind: CtrlKind,
    /// Stack depth below the construct's parameters.
    height: usize,
    params: Box<[ValType]>,
    results: Box<[ValType]>,
    /// For a loop, the index of its first instruction.
    header: usize,
    /// Forward branches to the end of the construct, to patch when it is reached.
    patches: Vec<usize>,
    /// For an `if`, the branch taken when the condition is false.
    else_patch: Option<usize>,
    /// Whether the code at the construct's entry was reachable.
    entry_reachable: bool,
    /// For a `try_table` or legacy `try`, its handler region.
    region: Option<u32>,
    /// For a `try_table`, its clauses (landed after the function's code).
    catches: Box<[silo_loader::wasmparser::Catch]>,
    /// Whether a `try_table` landing (emitted later) branches to the construct's end, which is
    /// then reached even when nothing else reaches it.
    landed: bool,
    /// A number for the construct, unique in the function: where its end ends up is kept
    /// under it (`Translator::ends`) for landings emitted later.
    id: u32,
}

impl Ctrl {
    /// The types a branch to this construct carries.
    fn label_types(&self) -> &[ValType] {
        if self.kind == CtrlKind::Loop { &self.params } else { &self.results }
    }
}

pub(super) struct Translator<'a> {
    module: &'a ModuleInner,
    func_index: u32,
    results: Box<[ValType]>,
    local_types: Vec<ValType>,
    /// The slot of each local (a `v128` takes two).
    local_slots: Vec<Slot>,
    /// Slots of the parameters, and of the parameters and declared locals.
    num_params: u32,
    num_locals: u32,
    code: Vec<Instr>,
    offsets: Vec<u32>,
    /// Byte offset of the WebAssembly instruction being translated.
    offset: u32,
    stack: Vec<Entry>,
    ctrl: Vec<Ctrl>,
    /// Deepest stack seen, in slots.
    max_height: usize,
    /// For each local, how many stack entries read it in place.
    local_refs: Vec<u32>,
    /// Index of the last instruction emitted when it computed the temporary now on top of the
    /// stack and nothing has happened since (no other instruction, label, push or pop): it may be
    /// retargeted by `local.set` or fused into a branch.
    last_result: Option<usize>,
    /// The last instruction emitted and the stack depth of the temporary it wrote, when nothing has
    /// been emitted (nor a label bound) since: address arithmetic can fuse into the load or store
    /// that consumes it even when a local or constant was pushed on top meanwhile.
    last_temp: Option<(usize, usize)>,
    reachable: bool,
    /// Blocks opened inside unreachable code, to match their `end`s.
    dead_depth: u32,
    stack_maps: Vec<StackMap>,
    /// Where the operand stack is at loop headers where it is not empty (see
    /// `InterpFunc::loop_stacks`; provisional slots until relocation).
    loop_stacks: Vec<(u32, Box<[StackSlot]>)>,
    /// Handler regions, in the order their constructs open.
    regions: Vec<crate::interp::code::Region>,
    /// Calls and checks with their operand stacks, when asked for (`translate_with_sites`;
    /// provisional slots until relocation).
    sites: Option<Vec<crate::interp::code::Site>>,
    /// `try_table` landings, emitted after the function's code (see `exn`).
    deferred: Vec<exn::Landing>,
    /// Where each ended construct (by `Ctrl::id`) ended, for branches emitted after it.
    ends: HashMap<u32, usize>,
    /// The next `Ctrl::id`.
    next_ctrl_id: u32,
    /// The constant pool, and the pool index of each value in it.
    consts: Vec<u64>,
    const_index: HashMap<u64, Slot>,
    /// The pool index of each `v128` in it (two slots, low half first).
    const128_index: HashMap<u128, Slot>,
    /// When the engine wants fuel and interrupt checks: what each charges (the analysis both
    /// tiers share).
    fuel: Option<&'a FuncAnalysis>,
    /// Tiered strategy: the address of the function's hotness counter, counted down at its entry
    /// and loop headers.
    hotness: Option<u64>,
}

/// The interpreter code of a function that runs natively: one `CallNative`, with a frame just
/// large enough for its parameters and results.
pub(crate) fn native_stub(module: &ModuleInner, def: u32) -> InterpFunc {
    let info = &module.info;
    let func_index = info.num_imported.funcs + def;
    let ty = info.func_sig(func_index).cloned().unwrap_or_default();
    let offset = info.body(def).map_or(0, |(_, offset)| offset as u32);
    let instr = Instr::CallNative { def };
    let dispatch = Dispatch::for_config(module.engine.config());
    let (params, results) = (slot_count(&ty.params) as u32, slot_count(&ty.results) as u32);
    InterpFunc {
        code: Box::new([Op::new(dispatch, instr)]),
        offsets: Box::new([offset]),
        func_index,
        num_params: params,
        num_results: results,
        num_locals: params,
        frame_size: params.max(results).max(1),
        consts: Box::new([]),
        local_types: ty.params.clone(),
        ref_locals: Box::new([]),
        stack_maps: Box::new([]),
        loop_stacks: Box::new([]),
        regions: Box::new([]),
        sites: Box::new([]),
    }
}

/// Translates defined function `def` of `module`.
pub(crate) fn translate(module: &ModuleInner, def: u32) -> Result<InterpFunc, String> {
    translate_recording(module, def, false, tiered(module))
}

/// Translates defined function `def` of `module` as `translate` does, recording where the frame
/// holds the operand stack at each call op and check (`InterpFunc::sites`); the code is the same.
pub(crate) fn translate_with_sites(module: &ModuleInner, def: u32) -> Result<InterpFunc, String> {
    translate_recording(module, def, true, tiered(module))
}

/// Translates defined function `def` of `module` as the `Interpreter` strategy runs it (without
/// the tiered strategy's hotness counting; the engine's fuel setting), recording its sites: the
/// code a run taken out is resumed in (`exec::deopt`).
pub(crate) fn translate_for_resume(module: &ModuleInner, def: u32) -> Result<InterpFunc, String> {
    translate_recording(module, def, true, false)
}

/// Whether the engine counts hotness (the tiered strategy).
fn tiered(module: &ModuleInner) -> bool {
    module.engine.config().effective_strategy() == crate::engine::Strategy::Tiered
}

fn translate_recording(
    module: &ModuleInner,
    def: u32,
    record_sites: bool,
    count_hotness: bool,
) -> Result<InterpFunc, String> {
    let info = &module.info;
    let func_index = info.num_imported.funcs + def;
    let ty = info.func_sig(func_index).ok_or("function has no signature")?;
    let (bytes, offset) = info.body(def).ok_or("function has no body")?;
    let mut reader = BinaryReader::new(bytes, offset as u64);
    reader.set_features(silo_loader::validation_features());
    let body = FunctionBody::new(reader);
    let err =
        |e: wp::BinaryReaderError| format!("{} (at byte offset {:#x})", e.message(), e.offset());

    let mut local_types: Vec<ValType> = ty.params.to_vec();
    let mut locals = body.get_locals_reader().map_err(err)?;
    for _ in 0..locals.get_count() {
        let (count, ty) = locals.read().map_err(err)?;
        let ty = silo_loader::val_type_of(ty);
        local_types.extend(std::iter::repeat_n(ty, count as usize));
    }
    let local_slots: Vec<Slot> =
        crate::vm::slots::slot_offsets(&local_types).map(|s| s as Slot).collect();
    let num_locals = slot_count(&local_types);
    if num_locals >= CONST_MARK as usize {
        return Err(format!("function has {num_locals} slots of locals, more than supported"));
    }
    let mut t = Translator {
        module,
        func_index,
        results: ty.results.clone(),
        num_params: slot_count(&ty.params) as u32,
        num_locals: num_locals as u32,
        local_refs: vec![0; local_types.len()],
        local_slots,
        local_types,
        code: Vec::new(),
        offsets: Vec::new(),
        offset: 0,
        stack: Vec::new(),
        ctrl: Vec::new(),
        max_height: 0,
        last_result: None,
        last_temp: None,
        reachable: true,
        dead_depth: 0,
        stack_maps: Vec::new(),
        loop_stacks: Vec::new(),
        regions: Vec::new(),
        sites: record_sites.then(Vec::new),
        deferred: Vec::new(),
        ends: HashMap::new(),
        next_ctrl_id: 1,
        consts: Vec::new(),
        const_index: HashMap::new(),
        const128_index: HashMap::new(),
        fuel: match module.engine.config().metered() {
            true => Some(module.analysis(def)?),
            false => None,
        },
        hotness: count_hotness.then(|| &module.hotness[def as usize] as *const _ as u64),
    };
    t.ctrl.push(Ctrl {
        kind: CtrlKind::Function,
        height: 0,
        params: Box::new([]),
        results: ty.results.clone(),
        header: 0,
        patches: Vec::new(),
        else_patch: None,
        entry_reachable: true,
        region: None,
        catches: Box::new([]),
        landed: false,
        id: 0,
    });
    // A check at entry is reported at the body's first byte.
    t.offset = offset as u32;
    t.check_fuel(None);
    t.count_hotness();
    let mut reader = locals.get_binary_reader();
    reader.set_features(silo_loader::validation_features());
    let mut ops = wp::OperatorsReader::new(reader);
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().map_err(err)?;
        t.offset = offset as u32;
        t.operator(op)?;
    }
    t.emit_deferred_landings();
    let mut code = t.finish()?;
    if record_sites {
        site_types::refine(info, def, &mut code.sites)?;
    }
    Ok(code)
}

impl Translator<'_> {
    fn finish(mut self) -> Result<InterpFunc, String> {
        let pool = self.consts.len();
        let frame = self.num_locals as usize + pool + self.max_height;
        if frame >= CONST_MARK as usize {
            return Err(format!("function needs {frame} interpreter slots, more than supported"));
        }
        let (locals, pool) = (self.num_locals, pool as Slot);
        let relocate = |s: &mut Slot| {
            if *s & TEMP_MARK != 0 {
                *s = locals + pool + (*s & !TEMP_MARK);
            } else if *s & CONST_MARK != 0 {
                *s = locals + (*s & !CONST_MARK);
            }
        };
        for instr in &mut self.code {
            instr.for_each_slot_mut(relocate);
        }
        for map in &mut self.stack_maps {
            map.ref_slots.iter_mut().for_each(relocate);
        }
        let site_stacks = self.sites.iter_mut().flatten().map(|s| &mut s.stack);
        for stack in self.loop_stacks.iter_mut().map(|(_, s)| s).chain(site_stacks) {
            for s in stack.iter_mut() {
                if let StackValue::Slot(slot) = &mut s.value {
                    relocate(slot);
                }
            }
        }
        let frame_size = frame.max(slot_count(&self.results)).max(1) as u32;
        let ref_locals = (self.local_types.iter().zip(&self.local_slots))
            .filter(|&(&ty, _)| self.is_gc_val(ty))
            .map(|(_, &slot)| slot)
            .collect();
        acc::use_acc(&mut self.code, &self.regions, locals + pool);
        let dispatch = Dispatch::for_config(self.module.engine.config());
        let code = self.code.iter().map(|&i| Op::new(dispatch, i)).collect();
        Ok(InterpFunc {
            code,
            offsets: self.offsets.into(),
            func_index: self.func_index,
            num_params: self.num_params,
            num_results: slot_count(&self.results) as u32,
            num_locals: self.num_locals,
            frame_size,
            local_types: self.local_types.into(),
            ref_locals,
            stack_maps: self.stack_maps.into(),
            loop_stacks: self.loop_stacks.into(),
            consts: self.consts.into(),
            regions: self.regions.into(),
            sites: self.sites.unwrap_or_default().into(),
        })
    }

    /// In a metered engine, emits the fuel check of the function's entry, or of the header of the
    /// loop at byte offset `loop_offset`, charging what the analysis says it charges.
    fn check_fuel(&mut self, loop_offset: Option<u32>) {
        if let Some(fuel) = self.fuel {
            let cost = match loop_offset {
                Some(at) => fuel.loop_cost(at),
                None => fuel.entry_cost,
            };
            self.record_site(true, None);
            self.emit(Instr::Check { cost });
        }
    }

    /// When sites are recorded: the op about to be emitted is a call or a check, with the
    /// operand stack where it is now and, for a call that popped a table index or function
    /// reference into slot `popped`, that operand on top.
    pub(super) fn record_site(&mut self, check: bool, popped: Option<(Slot, ValType)>) {
        if self.sites.is_none() {
            return;
        }
        let mut stack: Vec<StackSlot> =
            (0..self.stack.len()).map(|pos| self.stack_slot(pos)).collect();
        if let Some((slot, ty)) = popped {
            stack.push(StackSlot { value: StackValue::Slot(slot), ty });
        }
        let site = crate::interp::code::Site {
            pc: self.code.len() as u32,
            offset: self.offset,
            check,
            stack: stack.into(),
            args: 0,
        };
        self.sites.as_mut().expect("recording").push(site);
    }

    /// When sites are recorded: the call just recorded takes `args` operands.
    pub(super) fn set_site_args(&mut self, args: usize) {
        if let Some(site) = self.sites.as_mut().and_then(|s| s.last_mut()) {
            site.args = args as u32;
        }
    }

    /// Where the frame holds the operand of stack depth `pos` (provisional slots).
    fn stack_slot(&self, pos: usize) -> StackSlot {
        let e = self.stack[pos];
        let value = match e.op {
            Operand::Temp => StackValue::Slot(self.slot_at(pos)),
            Operand::Local(l) => StackValue::Slot(self.local_slot(l)),
            Operand::Const(bits) => StackValue::Bits(bits),
            Operand::Const128(bits) => StackValue::Bits128(bits),
        };
        StackSlot { value, ty: e.ty }
    }

    /// In the tiered strategy, counts the function's hotness here (an entry or a loop header).
    fn count_hotness(&mut self) {
        if let Some(counter) = self.hotness {
            self.emit(Instr::Hotness { counter: counter.into() });
        }
    }

    /// At a loop header: counts hotness, and offers to continue the frame in native code,
    /// recording where its operand stack is for the native entry. Nothing is copied for it: an
    /// entry below the loop may be read after the construct around the loop by paths that never
    /// pass here (a branch out before the loop, an exception landing), so it stays where it is —
    /// a temporary, a local's slot (unchanged since: `preserve_local`) or a constant.
    fn count_loop_hotness(&mut self, loop_offset: u32) {
        let Some(counter) = self.hotness else { return };
        if !self.stack.is_empty() {
            let stack = (0..self.stack.len()).map(|pos| self.stack_slot(pos)).collect();
            self.loop_stacks.push((loop_offset, stack));
        }
        self.emit(Instr::LoopHotness { offset: loop_offset, counter: counter.into() });
    }

    /// The temporary slot of stack depth `pos`, at most the stack's height (provisional until
    /// relocation).
    fn slot_at(&self, pos: usize) -> Slot {
        TEMP_MARK | self.offset_at(pos)
    }

    /// Where the temporary of stack depth `pos` (at most the stack's height) starts, counted from
    /// the first temporary.
    fn offset_at(&self, pos: usize) -> Slot {
        match self.stack.get(pos) {
            Some(e) => e.at,
            None => self.stack.last().map_or(0, |top| top.at + slot_width(top.ty) as Slot),
        }
    }

    /// The slot of local `l`.
    fn local_slot(&self, l: u32) -> Slot {
        self.local_slots[l as usize]
    }

    /// The constant-pool slot holding `value` (provisional until relocation).
    fn const_slot(&mut self, value: u64) -> Slot {
        let next = self.consts.len() as Slot;
        let index = *self.const_index.entry(value).or_insert(next);
        if index == next {
            self.consts.push(value);
        }
        CONST_MARK | index
    }

    /// The first of the two constant-pool slots holding the `v128` `value` (provisional until
    /// relocation).
    fn const_slot128(&mut self, value: u128) -> Slot {
        let next = self.consts.len() as Slot;
        let index = *self.const128_index.entry(value).or_insert(next);
        if index == next {
            let (lo, hi) = (value as u64, (value >> 64) as u64);
            self.consts.extend([lo, hi]);
            self.const_index.entry(lo).or_insert(next);
            self.const_index.entry(hi).or_insert(next + 1);
        }
        CONST_MARK | index
    }

    /// Appends an instruction; returns its index.
    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.offsets.push(self.offset);
        self.forget_results();
        self.code.len() - 1
    }

    /// Appends an instruction that writes the temporary pushed next.
    fn emit_result(&mut self, instr: Instr, ty: ValType) {
        let at = self.emit(instr);
        let pos = self.stack.len();
        self.push_temp(ty);
        self.last_result = Some(at);
        self.last_temp = Some((at, pos));
    }

    /// No instruction emitted so far may be fused with what comes next (a label, or new code).
    fn forget_results(&mut self) {
        self.last_result = None;
        self.last_temp = None;
    }

    /// The last instruction, if it computed the temporary at stack depth `pos` and that
    /// temporary is still there, untouched.
    fn producer_of(&self, pos: usize) -> Option<Instr> {
        let (at, p) = self.last_temp?;
        let fresh = at + 1 == self.code.len() && p == pos;
        (fresh && self.stack.get(pos)?.op == Operand::Temp).then(|| self.code[at])
    }

    /// Drops the last instruction (it is being fused into the next one).
    fn unemit(&mut self) {
        self.code.pop();
        self.offsets.pop();
        self.forget_results();
    }

    /// Notes that `height` slots of temporaries are in use.
    fn note_height(&mut self, height: usize) {
        self.max_height = self.max_height.max(height);
    }

    fn push_temp(&mut self, ty: ValType) -> Slot {
        self.push(Operand::Temp, ty);
        self.slot_at(self.stack.len() - 1)
    }

    fn push(&mut self, op: Operand, ty: ValType) {
        self.last_result = None;
        if let Operand::Local(l) = op {
            self.local_refs[l as usize] += 1;
        }
        let at = self.offset_at(self.stack.len());
        self.stack.push(Entry { op, ty, at });
        self.note_height(at as usize + slot_width(ty));
    }

    fn pop(&mut self) -> Entry {
        // Whatever the last instruction computed is no longer on top.
        self.last_result = None;
        // Validation guarantees the stack is deep enough in reachable code.
        let e = self.stack.pop().unwrap_or(Entry { op: Operand::Temp, ty: ValType::I32, at: 0 });
        if let Operand::Local(l) = e.op {
            self.local_refs[l as usize] -= 1;
        }
        e
    }

    /// A slot to read the value of `e`: a local's, the temporary's, or a constant-pool slot.
    /// Never write to it.
    fn use_entry(&mut self, e: Entry) -> Slot {
        match e.op {
            Operand::Local(l) => self.local_slot(l),
            Operand::Temp => TEMP_MARK | e.at,
            Operand::Const(v) => self.const_slot(v),
            Operand::Const128(v) => self.const_slot128(v),
        }
    }

    /// Copies a value of type `ty` from slot `src` to slot `dst`.
    fn emit_copy(&mut self, ty: ValType, dst: Slot, src: Slot) {
        if slot_width(ty) == 2 {
            self.emit(Instr::Copy128 { dst, src });
        } else {
            self.emit(Instr::Copy { dst, src });
        }
    }

    fn emit_const(&mut self, dst: Slot, value: u64) {
        if value <= u32::MAX as u64 {
            self.emit(Instr::Const32 { dst, value: value as u32 });
        } else {
            self.emit(Instr::Const64 { dst, value: value.into() });
        }
    }

    /// Writes the value of stack entry `pos` into its temporary slot and marks it temporary.
    fn materialize(&mut self, pos: usize) {
        let e = self.stack[pos];
        let dst = self.slot_at(pos);
        match e.op {
            Operand::Temp => return,
            Operand::Local(l) => {
                self.local_refs[l as usize] -= 1;
                let src = self.local_slot(l);
                self.emit_copy(e.ty, dst, src);
            }
            Operand::Const(v) => self.emit_const(dst, v),
            Operand::Const128(v) => {
                let src = self.const_slot128(v);
                self.emit(Instr::Copy128 { dst, src });
            }
        }
        self.stack[pos].op = Operand::Temp;
    }

    /// Materializes the top `n` entries.
    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for pos in len - n..len {
            self.materialize(pos);
        }
    }

    /// Turns every entry that reads a local in place into a temporary.
    fn materialize_locals(&mut self) {
        for pos in 0..self.stack.len() {
            if matches!(self.stack[pos].op, Operand::Local(_)) {
                self.materialize(pos);
            }
        }
    }

    /// Before writing local `l`: entries still reading it get their value copied out.
    fn preserve_local(&mut self, l: u32) {
        if self.local_refs[l as usize] == 0 {
            return;
        }
        for pos in 0..self.stack.len() {
            if self.stack[pos].op == Operand::Local(l) {
                self.materialize(pos);
            }
        }
    }

    /// Records which temporaries below `base_pos` hold references into the garbage-collected
    /// heap, for the collector to find (and update) across the call or allocation emitted next.
    fn record_stack_map(&mut self, base_pos: usize) {
        let ref_slots: Box<[Slot]> = (0..base_pos)
            .filter(|&p| self.stack[p].op == Operand::Temp && self.is_gc_val(self.stack[p].ty))
            .map(|p| self.slot_at(p))
            .collect();
        // Recorded even when empty: the collector finds a caller's map as the last one before
        // its resume point, which must be its call's own.
        self.stack_maps.push(StackMap { pc: self.code.len() as u32, ref_slots });
    }
}

#[cfg(test)]
mod simd_tests;
#[cfg(test)]
mod tests;
