//! Slot-array trampolines: the way into native code from the interpreter and the host.
//!
//! One per signature: `(callee vmctx, caller vmctx, code, slots)` in the platform's C convention,
//! it loads the parameters from the slots, calls `code` in the native convention, and writes the
//! results back from slot 0 in the interpreter's raw form (an `i32` zero-extended, an `f32`'s
//! bits in the low half).

use cranelift_codegen::ir::{self, AbiParam, InstBuilder, MemFlagsData, Signature, types};
use cranelift_codegen::isa::TargetIsa;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// The trampoline's own signature.
pub(crate) fn signature(isa: &dyn TargetIsa) -> Signature {
    let mut sig = Signature::new(isa.default_call_conv());
    sig.params.extend([AbiParam::new(types::I64); 4]);
    sig
}

/// Builds the trampoline calling functions of native signature `wasm` into `func`.
pub(crate) fn build(
    isa: &dyn TargetIsa,
    wasm: &Signature,
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) {
    func.signature = signature(isa);
    let mut b = FunctionBuilder::new(func, fctx);
    let block = b.create_block();
    b.append_block_params_for_function_params(block);
    b.switch_to_block(block);
    b.seal_block(block);
    let p = b.block_params(block).to_vec();
    let (callee, caller, code, slots) = (p[0], p[1], p[2], p[3]);
    let flags = MemFlagsData::trusted();
    let mut call_args = vec![callee, caller];
    for (i, param) in wasm.params[2..].iter().enumerate() {
        call_args.push(b.ins().load(param.value_type, flags, slots, i as i32 * 8));
    }
    let sig = b.import_signature(wasm.clone());
    let call = b.ins().call_indirect(sig, code, &call_args);
    let results = b.inst_results(call).to_vec();
    store_slots(&mut b, &results, slots);
    b.ins().return_(&[]);
    b.finalize(isa.frontend_config());
}

/// Stores `values` into the slot array at `slots` in the slot form: 64-bit raw values, an `i32`
/// zero-extended, an `f32`'s bits in the low half.
pub(crate) fn store_slots(b: &mut FunctionBuilder<'_>, values: &[ir::Value], slots: ir::Value) {
    for (i, &v) in values.iter().enumerate() {
        let raw = match b.func.dfg.value_type(v) {
            types::I32 => b.ins().uextend(types::I64, v),
            types::F32 => {
                let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                b.ins().uextend(types::I64, bits)
            }
            _ => v,
        };
        b.ins().store(MemFlagsData::trusted(), raw, slots, i as i32 * 8);
    }
}
