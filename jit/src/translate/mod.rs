//! WebAssembly to Cranelift IR, one function at a time.
//!
//! The translator runs the operand stack at translation time: each entry is an SSA value, locals
//! are frontend variables, and control constructs are blocks whose parameters carry the values a
//! branch delivers (the usual construction for a structured stack machine). Code after an
//! unconditional branch is skipped until the construct that makes it reachable again ends.
//!
//! Functions use Cranelift's `tail` calling convention, so `return_call` becomes a real tail call,
//! with two leading pointer parameters: the callee's `VMContext` and the caller's. Everything
//! instance-specific is reached through the `VMContext` (see `silo_core::vm`); loads of what never
//! changes during a call (index-space arrays, a 32-bit memory's base) are marked read-only and
//! movable so that Cranelift hoists them out of loops.
//!
//! Fuel and interrupt checks, when the engine meters, sit where the interpreter puts them
//! (function entry and loop headers) and charge what it charges: every operator read, up to the
//! next loop, counts toward the innermost open check. Their slow path calls the module's meter
//! stub, which clobbers no register (`crate::refill`): a loop keeps its values in registers
//! across its check.
//!
//! A loop entry (on-stack replacement) is the same function translated with a different way in:
//! its entry block loads every local from the interpreter frame it is given and jumps to the
//! chosen loop's header (refunding the header's fuel check, which the interpreter has just
//! charged). The code before the loop is still translated, unreachable, so that every construct
//! around the loop is built as usual; Cranelift drops it. Entering at the header rather than past
//! it keeps the loop's single entry, without which it compiles far worse. The loops around the
//! entered one are reached again from the way in: they carry the operands below them
//! (`loop_entry`).

mod atomic;
mod calls;
mod control;
mod deopt;
mod exn;
mod gc;
mod loop_entry;
mod memory;
mod numeric;
mod simd;
mod simd_arith;
mod simd_memory;
mod simd_relaxed;

use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, GlobalValueData, Inst, InstBuilder, MemFlagsData, SigRef, Signature,
    SourceLoc, TrapCode, Type, Value, types,
};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use silo_core::vm::{AbiType, Builtin, LoopEntry, ModuleEnv, StackSlot, TrapKind, offsets};
use silo_core::{FuncType, ValType};
use silo_loader::wasmparser::{self as wp, BinaryReader, FunctionBody, Operator};
use std::collections::HashMap;

use control::Frame;

use crate::thunk::ThunkKind;

/// A call site's constant standing for the address of its signature's call thunk, filled in once
/// the thunk is compiled.
pub(crate) struct ThunkSite {
    pub inst: Inst,
    pub signature: Signature,
    pub kind: ThunkKind,
}

/// The Cranelift type of a WebAssembly value (references are pointers to entities, or indices).
pub(crate) fn ir_type(ty: ValType) -> Result<Type, String> {
    match ty {
        ValType::I32 => Ok(types::I32),
        ValType::I64 | ValType::Ref(_) => Ok(types::I64),
        ValType::F32 => Ok(types::F32),
        ValType::F64 => Ok(types::F64),
        ValType::V128 => Ok(types::I8X16),
    }
}

/// The native signature of a WebAssembly function type: `(callee vmctx, caller vmctx, params...)
/// -> results` in the `tail` convention.
pub(crate) fn wasm_signature(ty: &FuncType) -> Result<Signature, String> {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::special(types::I64, ir::ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(types::I64));
    for &p in ty.params.iter() {
        sig.params.push(AbiParam::new(ir_type(p)?));
    }
    for &r in ty.results.iter() {
        sig.returns.push(AbiParam::new(ir_type(r)?));
    }
    Ok(sig)
}

/// The native signature of a builtin, in the platform's C convention.
pub(crate) fn builtin_signature(isa: &dyn TargetIsa, builtin: Builtin) -> Signature {
    let (params, results) = builtin.signature();
    let abi = |t: &AbiType| {
        AbiParam::new(match t {
            AbiType::I32 => types::I32,
            AbiType::I64 | AbiType::Ptr => types::I64,
        })
    };
    let mut sig = Signature::new(isa.default_call_conv());
    sig.params.extend(params.iter().map(abi));
    sig.returns.extend(results.iter().map(abi));
    sig
}

/// Makes function `id` of the module's code memory callable from `func`, with the imported
/// signature `signature`: by a direct call when `colocated` (a function calling itself), by its
/// absolute address, filled in when the code is placed, otherwise.
pub(crate) fn import_code(
    func: &mut ir::Function,
    id: u32,
    signature: SigRef,
    colocated: bool,
) -> ir::FuncRef {
    let name = func.declare_imported_user_function(ir::UserExternalName::new(0, id));
    func.import_function(ir::ExtFuncData {
        name: ir::ExternalName::user(name),
        signature,
        colocated,
        patchable: false,
    })
}

/// The trap code of a trap native code raises itself.
pub(crate) fn trap(kind: TrapKind) -> TrapCode {
    match kind {
        TrapKind::IntegerOverflow => TrapCode::INTEGER_OVERFLOW,
        TrapKind::IntegerDivideByZero => TrapCode::INTEGER_DIVISION_BY_ZERO,
        TrapKind::BadConversionToInteger => TrapCode::BAD_CONVERSION_TO_INTEGER,
        TrapKind::MemoryOutOfBounds => TrapCode::HEAP_OUT_OF_BOUNDS,
        TrapKind::StackOverflow => TrapCode::STACK_OVERFLOW,
        other => TrapCode::unwrap_user(other as u8),
    }
}

/// Flags of loads from runtime structures that never change while code runs: Cranelift may
/// merge them and hoist them out of loops, even above the checks before them, so only through
/// pointers that are never null (the `VMContext` and what it points to).
pub(crate) fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// The same for loads on cold paths (slow calls, builtins): left where they are, so that a
/// value only the cold path needs does not take a register across the hot one.
pub(crate) fn readonly_here() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly()
}

/// Records, in the store's exit record, where the code is about to call out of compiled code
/// (its frame pointer, and its stack pointer, just above the call's return address), so that a
/// collection during the call finds this frame and the native frames around it (see
/// `silo_core::vm::NativeExit`). Emitted right before every call of a builtin.
pub(crate) fn record_exit(b: &mut FunctionBuilder<'_>, vmctx: Value) {
    let exit = b.ins().load(types::I64, readonly_here(), vmctx, offsets::VMCTX_NATIVE_EXIT);
    let fp = b.ins().get_frame_pointer(types::I64);
    let sp = b.ins().get_stack_pointer(types::I64);
    let flags = MemFlagsData::trusted();
    b.ins().store(flags, fp, exit, offsets::EXIT_FP);
    b.ins().store(flags, sp, exit, offsets::EXIT_SP);
}

/// Block arguments from values.
pub(crate) fn args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|&v| BlockArg::Value(v)).collect()
}

/// The way into a loop entry, waiting for its loop: the loop's byte offset, the block the entry
/// jumps to, the interpreter frame's address and where that frame holds the operand stack.
pub(super) struct LoopEntryAt {
    pub at: u32,
    pub block: ir::Block,
    pub frame: Value,
    pub stack: Vec<StackSlot>,
    /// The byte offsets of the loops around it (from the function's analysis).
    pub enclosing: Vec<u32>,
}

/// The state of translating one function.
pub(crate) struct FuncTranslator<'a, 'f> {
    env: &'a ModuleEnv<'a>,
    isa: &'a dyn TargetIsa,
    b: FunctionBuilder<'f>,
    vmctx: Value,
    /// The operand stack.
    stack: Vec<Value>,
    /// Open control constructs, the function body first.
    ctrl: Vec<Frame>,
    locals: Vec<(Variable, ValType)>,
    results: Box<[ValType]>,
    /// Whether the code being translated can run.
    reachable: bool,
    /// Constructs opened in unreachable code, to match their `end`s.
    dead_depth: u32,
    /// Byte offset of the operator being translated.
    offset: u32,
    /// For a loop entry: where to enter, filled in when the loop is reached.
    loop_entry: Option<LoopEntryAt>,
    /// Call sites' thunk addresses, to fill in.
    thunk_sites: Vec<ThunkSite>,
    /// The function's own defined index, and what it may call directly.
    def: u32,
    calls: Calls<'a>,
    /// Signatures imported into the function, by module type index.
    type_sigs: HashMap<u32, SigRef>,
    builtin_sigs: HashMap<Builtin, SigRef>,
    /// The meter stub, once a check calls it.
    refill: Option<ir::FuncRef>,
    /// Handler scopes (`try_table`, legacy `try`), in the order they open.
    scopes: Vec<exn::Scope>,
    /// The block that throws out of this frame, once something needs it.
    raise_block: Option<(ir::Block, SourceLoc)>,
    /// With the call-depth quota: this call's count, restored in handlers.
    depth_at_entry: Option<Value>,
    /// The first error met where an operator cannot return one (at an `end`).
    failure: Option<String>,
    /// The frame's record for mid-run checkpoints, when the engine keeps them.
    deopt: Option<deopt::Record>,
    /// The function's index in its module (written in its record).
    func_index: u32,
}

/// The native signature of a loop entry of a function of type `ty`: `(callee vmctx, caller
/// vmctx, locals) -> results`.
fn loop_entry_signature(ty: &FuncType) -> Result<Signature, String> {
    let entry = FuncType { params: Box::new([ValType::I64]), results: ty.results.clone() };
    wasm_signature(&entry)
}

/// The native signature of defined function `def`, or of its entry at a loop.
pub(crate) fn signature(
    env: &ModuleEnv<'_>,
    def: u32,
    loop_entry: Option<u32>,
) -> Result<Signature, String> {
    let func_index = env.info.num_imported.funcs + def;
    let ty = env.info.func_sig(func_index).ok_or("function has no signature")?;
    match loop_entry {
        Some(_) => loop_entry_signature(ty),
        None => wasm_signature(ty),
    }
}

/// What a translation may call directly.
pub(crate) struct Calls<'a> {
    /// The function itself.
    pub self_ref: Option<ir::FuncRef>,
    /// The native address of a defined function that has one already, or 0.
    pub known: &'a dyn Fn(u32) -> usize,
    /// The code-memory id of a defined function compiled in the same batch, if it is: called
    /// directly, its address filled in when the batch is placed.
    pub batch: &'a dyn Fn(u32) -> Option<u32>,
    /// The code-memory id of the module's meter stub (`crate::refill`) when the engine meters.
    pub meter_refill: Option<u32>,
}

/// Translates defined function `def` of the module into `func`, whose signature is set: the
/// function, or with `loop_entry` its entry at that loop. Returns the call thunks it needs.
pub(crate) fn translate(
    env: &ModuleEnv<'_>,
    isa: &dyn TargetIsa,
    def: u32,
    loop_entry: Option<LoopEntry<'_>>,
    calls: Calls<'_>,
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) -> Result<Vec<ThunkSite>, String> {
    let info = env.info;
    let func_index = info.num_imported.funcs + def;
    let ty = info.func_sig(func_index).ok_or("function has no signature")?.clone();
    let (bytes, offset) = info.body(def).ok_or("function has no body")?;
    let err =
        |e: wp::BinaryReaderError| format!("{} (at byte offset {:#x})", e.message(), e.offset());
    let mut reader = BinaryReader::new(bytes, offset as u64);
    reader.set_features(silo_loader::validation_features());
    let body = FunctionBody::new(reader);

    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let vmctx = b.block_params(entry)[0];
    let params: Vec<Value> = b.block_params(entry)[2..].to_vec();

    // The native stack limit, for the prologue's check: `*vmctx.stack_limit`.
    let vmctx_gv = b.create_global_value(GlobalValueData::VMContext);
    let flags = b
        .func
        .dfg
        .mem_flags
        .insert(MemFlagsData::trusted().with_readonly())
        .map_err(|_| "too many memory flag sets".to_string())?;
    let limit_ptr = b.create_global_value(GlobalValueData::Load {
        base: vmctx_gv,
        offset: offsets::VMCTX_STACK_LIMIT.into(),
        global_type: types::I64,
        flags,
    });
    let limit = b.create_global_value(GlobalValueData::Load {
        base: limit_ptr,
        offset: 0.into(),
        global_type: types::I64,
        flags,
    });
    b.func.stack_limit = Some(limit);

    let mut t = FuncTranslator {
        env,
        isa,
        b,
        vmctx,
        stack: Vec::new(),
        ctrl: Vec::new(),
        locals: Vec::new(),
        results: ty.results.clone(),
        reachable: true,
        dead_depth: 0,
        type_sigs: HashMap::new(),
        builtin_sigs: HashMap::new(),
        refill: None,
        offset: offset as u32,
        loop_entry: None,
        thunk_sites: Vec::new(),
        def,
        calls,
        scopes: Vec::new(),
        raise_block: None,
        depth_at_entry: None,
        failure: None,
        deopt: None,
        func_index,
    };
    t.deopt_enter();
    t.b.set_srcloc(SourceLoc::new(offset as u32));
    let mut types: Vec<ValType> = ty.params.to_vec();
    let mut locals = body.get_locals_reader().map_err(err)?;
    for _ in 0..locals.get_count() {
        let (count, ty) = locals.read().map_err(err)?;
        types.extend(std::iter::repeat_n(silo_loader::val_type_of(ty), count as usize));
    }
    for &ty in &types {
        let var = t.b.declare_var(ir_type(ty)?);
        if t.is_gc(ty) {
            t.b.declare_var_needs_stack_map(var);
        }
        t.locals.push((var, ty));
    }
    if let Some(LoopEntry { offset: at, stack }) = loop_entry {
        // The way in: the locals from the interpreter frame, then on to the loop (which loads the
        // operand stack).
        t.count_call();
        let frame = params[0];
        let local_types =
            t.locals.iter().map(|&(_, ty)| ir_type(ty)).collect::<Result<Vec<_>, _>>()?;
        let values = crate::trampoline::load_slots(&mut t.b, &local_types, frame);
        for (&(var, _), v) in t.locals.iter().zip(values) {
            t.b.def_var(var, v);
        }
        let to_loop = t.b.create_block();
        t.b.ins().jump(to_loop, &[]);
        t.loop_entry = Some(LoopEntryAt {
            at,
            block: to_loop,
            frame,
            stack: stack.to_vec(),
            enclosing: env.analysis(def)?.loops_around(at),
        });
        // The function's own entry, never taken.
        let unused = t.b.create_block();
        t.b.switch_to_block(unused);
        t.b.seal_block(unused);
    }
    for (i, (var, ty)) in t.locals.clone().into_iter().enumerate() {
        let v = match params.get(i) {
            Some(&v) if loop_entry.is_none() => v,
            _ => t.zero(ir_type(ty)?),
        };
        t.b.def_var(var, v);
    }
    t.open_function(&ty);
    if loop_entry.is_none() {
        t.count_call();
    }
    t.check_fuel(None)?;

    let mut reader = locals.get_binary_reader();
    reader.set_features(silo_loader::validation_features());
    let mut ops = wp::OperatorsReader::new(reader);
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().map_err(err)?;
        t.b.set_srcloc(SourceLoc::new(offset as u32));
        t.offset = offset as u32;
        t.operator(op)?;
    }
    if let Some(LoopEntryAt { at, .. }) = t.loop_entry {
        return Err(format!("no loop at byte offset {at:#x} to enter"));
    }
    if let Some(e) = t.failure.take() {
        return Err(e);
    }
    t.finish_raise_block();
    t.deopt_finish();
    t.b.seal_all_blocks();
    let sites = std::mem::take(&mut t.thunk_sites);
    t.b.finalize(isa.frontend_config());
    Ok(sites)
}

impl FuncTranslator<'_, '_> {
    /// The zero of a type.
    fn zero(&mut self, ty: Type) -> Value {
        match ty {
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            types::I8X16 => {
                let zero = self.b.func.dfg.constants.insert(vec![0u8; 16].into());
                self.b.ins().vconst(types::I8X16, zero)
            }
            ty => self.b.ins().iconst(ty, 0),
        }
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated operand stack")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }

    /// The top `n` values, removed.
    fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    /// The top `n` values, left in place.
    fn peek_n(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    /// A load of a pointer-sized field of the runtime structure at `base`.
    fn load_ptr(&mut self, base: Value, offset: i32, flags: MemFlagsData) -> Value {
        self.b.ins().load(types::I64, flags, base, offset)
    }

    /// Element `index` of the pointer array the `VMContext` field at `field` points to (an index
    /// space: functions, memories, tables or globals of the instance; none of them changes).
    fn index_space_entry(&mut self, field: i32, index: u32) -> Value {
        let array = self.load_ptr(self.vmctx, field, readonly());
        self.load_ptr(array, (index as i32) * 8, readonly())
    }

    /// The signature of module type `ty`, imported into the function once.
    fn type_sig(&mut self, ty: u32) -> Result<SigRef, String> {
        if let Some(&sig) = self.type_sigs.get(&ty) {
            return Ok(sig);
        }
        let fty = self.env.info.func_type(ty).ok_or("call of a non-function type")?;
        let sig = self.b.import_signature(wasm_signature(fty)?);
        self.type_sigs.insert(ty, sig);
        Ok(sig)
    }

    /// Calls a builtin; returns its results.
    fn call_builtin(&mut self, builtin: Builtin, args: &[Value]) -> Vec<Value> {
        let sig = match self.builtin_sigs.get(&builtin) {
            Some(&sig) => sig,
            None => {
                let sig = self.b.import_signature(builtin_signature(self.isa, builtin));
                self.builtin_sigs.insert(builtin, sig);
                sig
            }
        };
        let table = self.load_ptr(self.vmctx, offsets::VMCTX_BUILTINS, readonly_here());
        let target = self.load_ptr(table, builtin.offset(), readonly_here());
        record_exit(&mut self.b, self.vmctx);
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        let call = self.b.ins().call_indirect(sig, target, &all);
        self.b.inst_results(call).to_vec()
    }

    /// Calls a builtin returning a status, and raises the trap it left when it failed.
    fn call_builtin_checked(&mut self, builtin: Builtin, args: &[Value]) {
        let ok = self.call_builtin(builtin, args)[0];
        self.b.ins().trapz(ok, trap(TrapKind::Pending));
    }

    /// Counts this call against the store's call-depth quota (when the engine counts calls).
    fn count_call(&mut self) {
        if !self.env.count_calls {
            return;
        }
        let record = self.load_ptr(self.vmctx, offsets::VMCTX_CALL_DEPTH, readonly());
        let flags = MemFlagsData::trusted();
        let active = self.b.ins().load(types::I64, flags, record, offsets::DEPTH_ACTIVE);
        let active = self.b.ins().iadd_imm_s(active, 1);
        self.b.ins().store(flags, active, record, offsets::DEPTH_ACTIVE);
        self.depth_at_entry = Some(active);
        let limit = self.b.ins().load(types::I64, flags, record, offsets::DEPTH_LIMIT);
        let over = self.b.ins().icmp(ir::condcodes::IntCC::UnsignedGreaterThan, active, limit);
        let slow = self.b.create_block();
        let cont = self.b.create_block();
        self.b.ins().brif(over, slow, &[], cont, &[]);
        self.b.set_cold_block(slow);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        self.call_builtin(Builtin::CallDepthExceeded, &[]);
        self.b.ins().trap(trap(TrapKind::Pending));
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Before leaving the function (a return, or a tail call): the call no longer counts.
    fn count_return(&mut self) {
        self.deopt_leave(false);
        self.count_down();
    }

    /// Before a tail call: as `count_return`, the callee taking this frame's place.
    fn count_return_tail(&mut self) {
        self.deopt_leave(true);
        self.count_down();
    }

    /// One active call less (the call-depth quota).
    fn count_down(&mut self) {
        if !self.env.count_calls {
            return;
        }
        let record = self.load_ptr(self.vmctx, offsets::VMCTX_CALL_DEPTH, readonly());
        let flags = MemFlagsData::trusted();
        let active = self.b.ins().load(types::I64, flags, record, offsets::DEPTH_ACTIVE);
        let active = self.b.ins().iadd_imm_s(active, -1);
        self.b.ins().store(flags, active, record, offsets::DEPTH_ACTIVE);
    }

    /// The fuel check of the function's entry, or of the header of the loop at byte offset
    /// `loop_offset` (metered engines), charging what the analysis both tiers share says.
    fn check_fuel(&mut self, loop_offset: Option<u32>) -> Result<(), String> {
        if !self.env.metered {
            return Ok(());
        }
        let cost = self.fuel_cost(loop_offset)?;
        let at = silo_core::vm::deopt::AT_CHECK;
        self.charge_budget(at, |b, budget| b.ins().iadd_imm_s(budget, -(cost as i64)))
    }

    /// The fuel of bulk work done inline: `units` (an `i64`) charged as the runtime's
    /// `bulk::charge_store` charges them in the interpreter, with the same slow path as a check.
    pub(super) fn charge_fuel(&mut self, units: Value) -> Result<(), String> {
        if !self.env.metered {
            return Ok(());
        }
        self.charge_budget(silo_core::vm::deopt::AT_BULK, |b, budget| b.ins().isub(budget, units))
    }

    /// Takes what `charge` computes from the budget, then refills it (or traps) when it went
    /// negative; the refill is point `at` of the frame's record (`deopt`).
    fn charge_budget(
        &mut self,
        at: u32,
        charge: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value,
    ) -> Result<(), String> {
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_BUDGET, readonly());
        let flags = MemFlagsData::trusted();
        let budget = self.b.ins().load(types::I64, flags, cell, 0);
        let left = charge(&mut self.b, budget);
        self.b.ins().store(flags, left, cell, 0);
        let slow = self.b.create_block();
        let cont = self.b.create_block();
        let out = self.b.ins().icmp_imm_s(ir::condcodes::IntCC::SignedLessThan, left, 0);
        self.b.ins().brif(out, slow, &[], cont, &[]);
        self.b.set_cold_block(slow);
        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        self.deopt_point(at);
        self.meter_refill()?;
        self.b.ins().jump(cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
        Ok(())
    }

    /// The slow path of a fuel check: `MeterRefill` through the module's stub, which clobbers
    /// no register and raises the trap the builtin left, if any (see `crate::refill`). A direct
    /// call: its address is part of the call sequence, in the cold block, not a value that
    /// Cranelift could hoist out of the loop and keep in a register.
    fn meter_refill(&mut self) -> Result<(), String> {
        let stub = match self.refill {
            Some(stub) => stub,
            None => {
                let id = self
                    .calls
                    .meter_refill
                    .ok_or("internal error: a metered function without the meter stub")?;
                let sig = self.b.import_signature(crate::refill::signature());
                let stub = import_code(self.b.func, id, sig, false);
                self.refill = Some(stub);
                stub
            }
        };
        self.b.ins().call(stub, &[self.vmctx]);
        Ok(())
    }

    /// What the check of the entry or of a loop header charges.
    fn fuel_cost(&self, loop_offset: Option<u32>) -> Result<u32, String> {
        let analysis = self.env.analysis(self.def)?;
        Ok(match loop_offset {
            Some(at) => analysis.loop_cost(at),
            None => analysis.entry_cost,
        })
    }

    /// A loop entry comes in at the header of the loop at `loop_offset`, whose check the
    /// interpreter has just passed: gives back what the check is about to charge again.
    fn fuel_refund(&mut self, loop_offset: u32) -> Result<(), String> {
        if !self.env.metered {
            return Ok(());
        }
        let cost = self.fuel_cost(Some(loop_offset))?;
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_BUDGET, readonly());
        let flags = MemFlagsData::trusted();
        let budget = self.b.ins().load(types::I64, flags, cell, 0);
        let more = self.b.ins().iadd_imm_s(budget, cost as i64);
        self.b.ins().store(flags, more, cell, 0);
        Ok(())
    }

    /// One operator.
    fn operator(&mut self, op: Operator<'_>) -> Result<(), String> {
        if !self.reachable {
            self.dead_operator(&op);
            return Ok(());
        }
        use Operator as O;
        match op {
            O::Unreachable => {
                self.b.ins().trap(trap(TrapKind::Unreachable));
                self.reachable = false;
            }
            O::Throw { tag_index } => self.throw(tag_index)?,
            O::ThrowRef => self.throw_ref(),
            O::TryTable { try_table } => self.try_table(try_table)?,
            O::Try { blockty } => self.legacy_try(blockty)?,
            O::Catch { tag_index } => self.legacy_catch(Some(tag_index))?,
            O::CatchAll => self.legacy_catch(None)?,
            O::Delegate { relative_depth } => self.delegate(relative_depth),
            O::Rethrow { relative_depth } => self.rethrow(relative_depth),
            O::Nop => {}
            O::Block { blockty } => self.block(blockty)?,
            O::Loop { blockty } => self.loop_(blockty)?,
            O::If { blockty } => self.if_(blockty)?,
            O::Else => self.else_(),
            O::End => self.end(),
            O::Br { relative_depth } => self.br(relative_depth),
            O::BrIf { relative_depth } => self.br_if(relative_depth),
            O::BrTable { targets } => {
                let all = silo_core::vm::br_table_targets(&targets)?;
                let (default, targets) = all.split_last().expect("the default is last");
                self.br_table(targets, *default);
            }
            O::Return => self.return_(),
            O::BrOnNull { relative_depth } => self.br_on_null(relative_depth),
            O::BrOnNonNull { relative_depth } => self.br_on_non_null(relative_depth),

            O::Call { function_index } => {
                self.call(function_index, false)?;
                let ty = self.env.info.func_sig(function_index).ok_or("no such function")?;
                self.mark_top(&ty.results.clone());
            }
            O::ReturnCall { function_index } => self.call(function_index, true)?,
            O::CallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, false)?;
                self.mark_results_of(type_index)?;
            }
            O::ReturnCallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, true)?
            }
            O::CallRef { type_index } => {
                self.call_ref(type_index, false)?;
                self.mark_results_of(type_index)?;
            }
            O::ReturnCallRef { type_index } => self.call_ref(type_index, true)?,

            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (x, y, c) = self.pop3();
                let v = self.b.ins().select(c, x, y);
                self.push(v);
                if let O::TypedSelect { ty } = op {
                    self.mark_top(&[silo_loader::val_type_of(ty)]);
                }
            }
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize].0);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated operand stack");
                self.b.def_var(self.locals[local_index as usize].0, v);
            }
            O::GlobalGet { global_index } => self.global_get(global_index)?,
            O::GlobalSet { global_index } => self.global_set(global_index),

            O::RefNull { .. } => {
                let v = self.b.ins().iconst(types::I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let r = self.pop();
                let v = self.b.ins().icmp_imm_s(ir::condcodes::IntCC::Equal, r, 0);
                let v = self.b.ins().uextend(types::I32, v);
                self.push(v);
            }
            O::RefFunc { function_index } => {
                let f = self.index_space_entry(offsets::VMCTX_FUNCS, function_index);
                self.push(f);
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("validated operand stack");
                self.b.ins().trapz(r, trap(TrapKind::NullReference));
            }

            O::TableGet { table } => {
                self.table_get(table);
                let element = self.env.info.tables[table as usize].element;
                self.mark_top(&[ValType::Ref(element)]);
            }
            O::TableSet { table } => self.table_set(table),
            O::TableSize { table } => self.table_size(table),
            O::TableGrow { table } => self.table_grow(table),
            O::TableFill { table } => self.table_fill(table),
            O::TableCopy { dst_table, src_table } => self.table_copy(dst_table, src_table),
            O::TableInit { elem_index, table } => self.table_init(elem_index, table),
            O::ElemDrop { elem_index } => {
                let seg = self.b.ins().iconst(types::I32, elem_index as i64);
                self.call_builtin(Builtin::ElemDrop, &[seg]);
            }

            op => {
                if !self.memory_operator(&op)?
                    && !self.numeric_operator(&op)?
                    && !self.gc_operator(&op)?
                    && !self.simd_operator(&op)?
                    && !self.atomic_operator(&op)?
                {
                    return Err(format!("the JIT does not compile {op:?} yet"));
                }
            }
        }
        Ok(())
    }

    /// Declares the results of a call of function type `ty` on the stack as `mark_top` does.
    fn mark_results_of(&mut self, ty: u32) -> Result<(), String> {
        let ty = self.env.info.func_type(ty).ok_or("call of a non-function type")?;
        self.mark_top(&ty.results.clone());
        Ok(())
    }

    /// An index operand zero-extended to 64 bits.
    fn extend_index(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == types::I64 {
            v
        } else {
            self.b.ins().uextend(types::I64, v)
        }
    }

    /// Narrows a 64-bit builtin result to the index type.
    fn narrow_index(&mut self, v: Value, index64: bool) -> Value {
        if index64 { v } else { self.b.ins().ireduce(types::I32, v) }
    }
}

#[cfg(test)]
mod tests;
