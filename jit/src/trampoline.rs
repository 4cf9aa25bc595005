//! Slot-array trampolines: the way into native code from the interpreter and the host.
//!
//! One per signature: `(callee vmctx, caller vmctx, code, slots)` in the platform's C convention,
//! it loads the parameters from the slots, calls `code` in the native convention, and writes the
//! results back from slot 0 in the interpreter's raw form (an `i32` zero-extended, an `f32`'s
//! bits in the low half, a `v128` in two slots: see `silo_core::vm::slots`).

use cranelift_codegen::ir::{self, AbiParam, InstBuilder, MemFlagsData, Signature, Type, types};
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
    let mut call_args = vec![callee, caller];
    let types: Vec<Type> = wasm.params[2..].iter().map(|p| p.value_type).collect();
    call_args.extend(load_slots(&mut b, &types, slots));
    let sig = b.import_signature(wasm.clone());
    let call = b.ins().call_indirect(sig, code, &call_args);
    let results = b.inst_results(call).to_vec();
    store_slots(&mut b, &results, slots);
    b.ins().return_(&[]);
    b.finalize(isa.frontend_config());
}

/// Bytes a value of type `ty` takes in a slot array: one 8-byte slot, or two for a vector.
pub(crate) fn slot_bytes(ty: Type) -> i32 {
    if ty.is_vector() { 16 } else { 8 }
}

/// The byte offset of each value of a list of types in a slot array.
pub(crate) fn slot_offsets(types: &[Type]) -> Vec<i32> {
    types
        .iter()
        .scan(0, |next, &ty| {
            let at = *next;
            *next += slot_bytes(ty);
            Some(at)
        })
        .collect()
}

/// Bytes of a slot array that holds values of the given types.
pub(crate) fn slots_size(types: &[Type]) -> i32 {
    types.iter().map(|&ty| slot_bytes(ty)).sum()
}

/// The flags of a slot-array access: slots are 8-byte aligned, so a vector (two slots) may not be
/// aligned to its size.
pub(crate) fn slot_flags(ty: Type) -> MemFlagsData {
    if ty.is_vector() { MemFlagsData::new().with_notrap() } else { MemFlagsData::trusted() }
}

/// Loads values of the given types from the slot array at `slots`.
pub(crate) fn load_slots(
    b: &mut FunctionBuilder<'_>,
    types: &[Type],
    slots: ir::Value,
) -> Vec<ir::Value> {
    let offsets = slot_offsets(types);
    types.iter().zip(offsets).map(|(&ty, at)| b.ins().load(ty, slot_flags(ty), slots, at)).collect()
}

/// Stores `values` into the slot array at `slots` in the slot form: 64-bit raw values, an `i32`
/// zero-extended, an `f32`'s bits in the low half, a vector in two slots.
pub(crate) fn store_slots(b: &mut FunctionBuilder<'_>, values: &[ir::Value], slots: ir::Value) {
    let types: Vec<Type> = values.iter().map(|&v| b.func.dfg.value_type(v)).collect();
    for ((&v, &ty), at) in values.iter().zip(&types).zip(slot_offsets(&types)) {
        let raw = match ty {
            types::I32 => b.ins().uextend(types::I64, v),
            types::F32 => {
                let bits = b.ins().bitcast(types::I32, MemFlagsData::new(), v);
                b.ins().uextend(types::I64, bits)
            }
            _ => v,
        };
        b.ins().store(slot_flags(ty), raw, slots, at);
    }
}
