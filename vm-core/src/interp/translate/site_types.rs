//! The exact type of every reference on the operand stack at a function's sites, as the
//! validator knows it.
//!
//! The translator keeps a type per operand for its own needs (where values live, which slots the
//! collector traces), and for references it may keep a wider one than validation gives (`ref.func`
//! is a `funcref` to it, `ref.as_non_null` keeps the nullable type). A run resumed from a state
//! must never hold a reference where the code after it expects a narrower type: `call_ref $t`,
//! `struct.get $t` and native code trust validation. So the sites a run is taken out at and
//! resumed from carry the validator's types: the function is validated again up to each site
//! (before its call; after the `loop` of a loop header's check, whose values the loop's
//! parameter types describe), and the site's reference operands take the validator's types.

use std::collections::HashMap;

use silo_loader::wasmparser::types::CoreTypeId;
use silo_loader::wasmparser::{
    FuncValidatorAllocations, HeapType as WpHeapType, Operator, OperatorsReader, Parser, Payload,
    RefType as WpRefType, UnpackedIndex, ValType as WpValType, ValidPayload, Validator,
    WasmFeatures,
};

use crate::interp::code::Site;

/// Gives the reference operands of `sites` (sites of defined function `def` of `info`, in the
/// translator's types) the validator's types there. Fails when a site's stack is not the
/// validator's (a site in code the validator finds unreachable has none it can type).
pub(super) fn refine(
    info: &silo_loader::Module,
    def: u32,
    sites: &mut [Site],
) -> Result<(), String> {
    if !sites.iter().any(|s| s.stack.iter().any(|v| v.ty.is_ref())) {
        return Ok(());
    }
    let err = |e: silo_loader::wasmparser::BinaryReaderError| {
        format!("{} (at byte offset {:#x})", e.message(), e.offset())
    };
    let features: WasmFeatures = silo_loader::validation_features();
    let mut validator = Validator::new_with_features(features);
    let mut code_index = 0u32;
    // The validator names the module's types by its own ids: back to module indices.
    let mut indices: Option<HashMap<CoreTypeId, u32>> = None;
    for payload in Parser::new(0).parse_all(&info.bytes) {
        let payload = payload.map_err(err)?;
        let valid = validator.payload(&payload).map_err(err)?;
        if matches!(payload, Payload::CodeSectionStart { .. }) {
            let types = validator.types(0).ok_or("the validator has no types")?;
            let count = types.core_type_count_in_module();
            indices =
                Some((0..count).rev().map(|i| (types.core_type_at_in_module(i), i)).collect());
        }
        let ValidPayload::Func(func, body) = valid else {
            if matches!(payload, Payload::End(_)) {
                break;
            }
            continue;
        };
        if code_index != def {
            code_index += 1;
            continue;
        }
        let mut fv = func.into_validator(FuncValidatorAllocations::default());
        let mut reader = body.get_binary_reader();
        fv.read_locals(&mut reader).map_err(err)?;
        reader.set_features(features);
        let mut ops = OperatorsReader::new(reader);
        let mut typed = vec![false; sites.len()];
        while !ops.eof() {
            let (op, at) = ops.read_with_offset().map_err(err)?;
            let is_loop = matches!(op, Operator::Loop { .. });
            // A call's operands are typed before it; a loop header's after the `loop`.
            for (site, done) in sites.iter_mut().zip(typed.iter_mut()) {
                if u64::from(site.offset) == at && !(site.check && is_loop) {
                    take_types(&fv, site, indices.as_ref().ok_or("no type section")?)?;
                    *done = true;
                }
            }
            fv.op(at, &op).map_err(err)?;
            for (site, done) in sites.iter_mut().zip(typed.iter_mut()) {
                if u64::from(site.offset) == at && site.check && is_loop {
                    take_types(&fv, site, indices.as_ref().ok_or("no type section")?)?;
                    *done = true;
                }
            }
        }
        // The entry's check sits before the first instruction, on an empty stack.
        return match sites.iter().zip(&typed).find(|(s, done)| !**done && !s.stack.is_empty()) {
            Some((s, _)) => Err(format!("no instruction at byte offset {:#x}", s.offset)),
            None => Ok(()),
        };
    }
    Err(format!("the module has no body for function {def}"))
}

/// Gives `site`'s reference operands the types `fv` has for its operand stack now.
fn take_types<T: silo_loader::wasmparser::WasmModuleResources>(
    fv: &silo_loader::wasmparser::FuncValidator<T>,
    site: &mut Site,
    indices: &HashMap<CoreTypeId, u32>,
) -> Result<(), String> {
    let height = fv.operand_stack_height() as usize;
    if height != site.stack.len() {
        return Err(format!(
            "the operand stack at byte offset {:#x} holds {height} values, the translation {}",
            site.offset,
            site.stack.len()
        ));
    }
    for (i, slot) in site.stack.iter_mut().enumerate() {
        if !slot.ty.is_ref() {
            continue;
        }
        match fv.get_operand_type(height - 1 - i) {
            Some(Some(WpValType::Ref(r))) => {
                let heap = match r.heap_type() {
                    WpHeapType::Concrete(i) | WpHeapType::Exact(i) => {
                        let id = i.as_core_type_id().ok_or("a type the validator did not name")?;
                        let index = *indices.get(&id).ok_or("a type not of the module")?;
                        let index = UnpackedIndex::Module(index);
                        match r.heap_type() {
                            WpHeapType::Exact(_) => WpHeapType::Exact(index),
                            _ => WpHeapType::Concrete(index),
                        }
                    }
                    abstract_type => abstract_type,
                };
                let r = WpRefType::new(r.is_nullable(), heap).ok_or("a type index too large")?;
                slot.ty = silo_loader::val_type_of(WpValType::Ref(r));
            }
            _ => {
                return Err(format!(
                    "operand {i} at byte offset {:#x} has no reference type to the validator",
                    site.offset
                ));
            }
        }
    }
    Ok(())
}
