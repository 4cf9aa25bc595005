//! Call thunks: how native code calls a function that has no native code (a host function, or
//! one still in the interpreter), without a slow path at every call site.
//!
//! A call site reads its callee's native entry; when it is null, it calls the thunk of the
//! call's signature instead, passing the callee's `FuncEntity` where the callee's `VMContext`
//! would go. The thunk has the callee's native signature: it spills the arguments to a slot
//! array, calls the `CallEntity` builtin, raises the builtin's trap if it failed, and returns the
//! results. So a call site is one test, one call and nothing else, and no register is spent on
//! what only the slow path needs.
//!
//! The tail-call thunk first asks for the callee's native code (`NativeCode` compiles it if it
//! can) and tail-calls that, so that a chain of tail calls between tiers stays in constant stack;
//! only a callee that has no native code at all (a host function) is called through the array.

use cranelift_codegen::ir::{
    self, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind, types,
};
use cranelift_codegen::isa::TargetIsa;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use silo_core::vm::{Builtin, TrapKind, offsets};

use crate::trampoline::{load_slots, slots_size};
use crate::translate::{builtin_signature, trap};

/// Which thunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ThunkKind {
    Call,
    TailCall,
}

/// Calls `builtin` from glue code, with the caller's context first.
pub(crate) fn call_builtin(
    isa: &dyn TargetIsa,
    b: &mut FunctionBuilder<'_>,
    vmctx: ir::Value,
    builtin: Builtin,
    args: &[ir::Value],
) -> Vec<ir::Value> {
    let sig = b.import_signature(builtin_signature(isa, builtin));
    let flags = MemFlagsData::trusted().with_readonly();
    let table = b.ins().load(types::I64, flags, vmctx, offsets::VMCTX_BUILTINS);
    let target = b.ins().load(types::I64, flags, table, builtin.offset());
    crate::translate::record_exit(b, vmctx);
    let mut all = vec![vmctx];
    all.extend_from_slice(args);
    let call = b.ins().call_indirect(sig, target, &all);
    b.inst_results(call).to_vec()
}

/// Builds the thunk of `kind` for calls of native signature `wasm` into `func`.
pub(crate) fn build(
    isa: &dyn TargetIsa,
    wasm: &Signature,
    kind: ThunkKind,
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) {
    func.signature = wasm.clone();
    let mut b = FunctionBuilder::new(func, fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let params = b.block_params(block).to_vec();
    let (entity, vmctx, args) = (params[0], params[1], &params[2..]);

    if kind == ThunkKind::TailCall {
        let code = call_builtin(isa, &mut b, vmctx, Builtin::NativeCode, &[entity])[0];
        let native = b.create_block();
        let array = b.create_block();
        b.ins().brif(code, native, &[], array, &[]);
        b.switch_to_block(native);
        b.seal_block(native);
        let flags = MemFlagsData::trusted().with_readonly();
        let callee_vmctx = b.ins().load(types::I64, flags, entity, offsets::FUNC_VMCTX);
        let sig = b.import_signature(wasm.clone());
        let mut native_args = vec![callee_vmctx, vmctx];
        native_args.extend_from_slice(args);
        b.ins().return_call_indirect(sig, code, &native_args);
        b.switch_to_block(array);
        b.seal_block(array);
    }

    let arg_types: Vec<ir::Type> = args.iter().map(|&a| b.func.dfg.value_type(a)).collect();
    let result_types: Vec<ir::Type> = wasm.returns.iter().map(|r| r.value_type).collect();
    let size = slots_size(&arg_types).max(slots_size(&result_types)).max(8) as u32;
    let slots = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 4));
    let array = b.ins().stack_addr(types::I64, slots, 0);
    crate::trampoline::store_slots(&mut b, args, array);
    let ok = call_builtin(isa, &mut b, vmctx, Builtin::CallEntity, &[entity, array])[0];
    let done = b.create_block();
    let failed = b.create_block();
    b.ins().brif(ok, done, &[], failed, &[]);
    b.switch_to_block(failed);
    b.seal_block(failed);
    b.set_cold_block(failed);
    // An exception the callee threw unwinds on from this thunk's caller; a trap is raised here.
    let none = b.ins().iconst(types::I64, 0);
    call_builtin(isa, &mut b, vmctx, Builtin::Raise, &[none]);
    b.ins().trap(trap(TrapKind::Pending));
    b.switch_to_block(done);
    b.seal_block(done);
    let results = load_slots(&mut b, &result_types, array);
    b.ins().return_(&results);
    b.finalize(isa.frontend_config());
}
