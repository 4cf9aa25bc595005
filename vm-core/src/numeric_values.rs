//! Whether a module's functions ever hold a reference in a local or on their operand stack. A run
//! of such a module cannot be taken out as numbers (a reference slot holds a host address, or a
//! collector's offset), and, more to the point, cannot be resumed from numbers: an op that follows
//! a function reference reads an address from its slot, and a forged state could put any number
//! there. So `interp::exec::resume` takes out and resumes only runs of modules that pass this.
//!
//! References reach a function's values only through a parameter, result or local of a reference
//! type, or an instruction that makes one: `ref.null`, `ref.func`, `table.get`, `global.get` of a
//! reference global, a typed `select` of references — and the GC and exception proposals'
//! instructions, which a module using either is refused for outright. (C, C++ and Rust programs
//! compiled for `wasm32-wasi` use none of these, though their tables of functions make
//! `call_indirect` mark them as using reference types.)

use silo_loader::wasmparser::{Operator, Parser, Payload, ValType};

/// Refuses `info` when its functions may hold references in their values, naming where.
pub(crate) fn check_values_are_numbers(info: &silo_loader::Module) -> Result<(), String> {
    let refused =
        |why: String| format!("a run of this module cannot be taken in the middle yet: {why}");
    let parse = |e: silo_loader::wasmparser::BinaryReaderError| refused(format!("{e}"));
    let features = format!("{:?}", info.features).to_lowercase();
    for proposal in ["gc", "exceptions"] {
        if features.contains(proposal) {
            return Err(refused(format!("it uses the {proposal} proposal")));
        }
    }
    for (i, &ty) in info.funcs.iter().enumerate() {
        let sig = info.func_type(ty).ok_or_else(|| refused(format!("function {i} has no type")))?;
        if sig.params.iter().chain(sig.results.iter()).any(|t| t.is_ref()) {
            return Err(refused(format!("function {i} takes or returns a reference")));
        }
    }
    let ref_globals: Vec<bool> = info.globals.iter().map(|g| g.content.is_ref()).collect();
    let mut index = info.num_imported.funcs;
    for payload in Parser::new(0).parse_all(&info.bytes) {
        let Payload::CodeSectionEntry(body) = payload.map_err(parse)? else { continue };
        let func = index;
        index += 1;
        let mut locals = body.get_locals_reader().map_err(parse)?;
        for _ in 0..locals.get_count() {
            let (_, ty) = locals.read().map_err(parse)?;
            if matches!(ty, ValType::Ref(_)) {
                return Err(refused(format!("function {func} has a reference local")));
            }
        }
        let mut ops = body.get_operators_reader().map_err(parse)?;
        while !ops.eof() {
            let makes_ref = match ops.read().map_err(parse)? {
                Operator::RefNull { .. } | Operator::RefFunc { .. } | Operator::TableGet { .. } => {
                    true
                }
                Operator::GlobalGet { global_index } => {
                    ref_globals.get(global_index as usize).copied().unwrap_or(true)
                }
                Operator::TypedSelect { ty } => matches!(ty, ValType::Ref(_)),
                Operator::TypedSelectMulti { tys } => {
                    tys.iter().any(|t| matches!(t, ValType::Ref(_)))
                }
                _ => false,
            };
            if makes_ref {
                return Err(refused(format!("function {func} handles references")));
            }
        }
    }
    Ok(())
}
