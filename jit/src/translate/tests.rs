//! Unit tests of the translator's conventions.

use super::*;

#[test]
fn native_signature_has_both_contexts_first() {
    let ty = FuncType {
        params: Box::new([ValType::I32, ValType::F64]),
        results: Box::new([ValType::I64, ValType::F32]),
    };
    let sig = wasm_signature(&ty).unwrap();
    assert_eq!(sig.call_conv, CallConv::Tail);
    let params: Vec<Type> = sig.params.iter().map(|p| p.value_type).collect();
    assert_eq!(params, [types::I64, types::I64, types::I32, types::F64]);
    assert_eq!(sig.params[0].purpose, ir::ArgumentPurpose::VMContext);
    let returns: Vec<Type> = sig.returns.iter().map(|p| p.value_type).collect();
    assert_eq!(returns, [types::I64, types::F32]);
    let vector = FuncType { params: Box::new([ValType::V128]), results: Box::new([ValType::V128]) };
    let sig = wasm_signature(&vector).unwrap();
    assert_eq!(sig.params[2].value_type, types::I8X16);
    assert_eq!(sig.returns[0].value_type, types::I8X16);
}

#[test]
fn every_trap_kind_has_its_own_code() {
    let codes: Vec<TrapCode> = TrapKind::ALL.iter().map(|&k| trap(k)).collect();
    for (i, a) in codes.iter().enumerate() {
        for b in &codes[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // User codes are the kinds' own numbers, which the trap handler reads back.
    assert_eq!(trap(TrapKind::Pending), TrapCode::unwrap_user(TrapKind::Pending as u8));
}
