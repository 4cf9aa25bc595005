//! The meter's slow path as native code calls it: a stub in Cranelift's `preserve_all`
//! convention around the `MeterRefill` builtin.
//!
//! A metered function checks its budget at its entry and at every loop header, and calls out
//! only when the budget went negative. Called directly, the builtin is a C call: it clobbers
//! every vector register and most general ones, so the register allocator keeps whatever a loop
//! holds across its header's check (its floats, say) in stack slots, stored and reloaded on every
//! iteration of the hot path for the sake of a call that almost never happens. A call of this
//! stub clobbers nothing: the stub saves every register it, or the builtin it calls, may change,
//! so the loop keeps its values in registers and the cost is paid on the slow path alone.
//!
//! `preserve_all` functions return no values, so the stub tests the builtin's status and raises
//! the trap it left (fuel used up, deadline passed, interrupt) itself, the `trapz` a check used to
//! have after its call: the backtrace leaves the stub's frame out, as it does any glue's (see
//! `runtime::entry`), so it starts at the check's function, at the check's offset, as before. The stub records the exit itself (its own frame, whose caller
//! is the function at its check), so a collection during the refill walks up from the stub to
//! that function's stack map at the call. One stub per module, compiled with its glue before the
//! first metered function.

use cranelift_codegen::ir::{self, AbiParam, InstBuilder, Signature, types};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use silo_core::vm::{Builtin, TrapKind};

use crate::translate::trap;

/// The stub's signature: `(vmctx)`, the caller's context.
pub(crate) fn signature() -> Signature {
    let mut sig = Signature::new(CallConv::PreserveAll);
    sig.params.push(AbiParam::new(types::I64));
    sig
}

/// Builds the stub into `func`.
pub(crate) fn build(
    isa: &dyn TargetIsa,
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) {
    func.signature = signature();
    let mut b = FunctionBuilder::new(func, fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let vmctx = b.block_params(block)[0];
    let ok = crate::thunk::call_builtin(isa, &mut b, vmctx, Builtin::MeterRefill, &[])[0];
    b.ins().trapz(ok, trap(TrapKind::Pending));
    b.ins().return_(&[]);
    b.finalize(isa.frontend_config());
}
