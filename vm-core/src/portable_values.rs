//! Whether a run of a module can be taken out of its frames and resumed from a state: whether
//! everything its frames hold is in their locals and operand stacks, with a meaning outside the
//! store. Numbers have one; so do references, named by meaning (function indices, `i31`s, objects
//! and exceptions of the heap image: `heap_image`), and resumed as the instance's own functions
//! and objects by the exact types the module's own code gives their slots
//! (`translate::site_types`), so a forged state cannot plant an address or an object of another
//! type. A host value (`externref` from the embedder) has none: capture refuses it where it finds
//! one.
//!
//! What is refused for the whole module: the legacy exception instructions (`try`, `catch`,
//! `catch_all`, `rethrow`, `delegate`). A frame inside a legacy `catch` keeps the exception it
//! caught for `rethrow` outside its locals and operands, where a state does not look. The
//! standard ones (`try_table`, `throw`, `throw_ref`) keep theirs on the operand stack.

use silo_loader::wasmparser::{Operator, Parser, Payload};

/// Refuses `info` when a run of it cannot be taken out, naming why.
pub(crate) fn check_values_are_portable(info: &silo_loader::Module) -> Result<(), String> {
    let refused =
        |why: String| format!("a run of this module cannot be taken in the middle yet: {why}");
    let features = format!("{:?}", info.features).to_lowercase();
    if !features.contains("exceptions") {
        return Ok(());
    }
    let parse = |e: silo_loader::wasmparser::BinaryReaderError| refused(format!("{e}"));
    let mut index = info.num_imported.funcs;
    for payload in Parser::new(0).parse_all(&info.bytes) {
        let Payload::CodeSectionEntry(body) = payload.map_err(parse)? else { continue };
        let func = index;
        index += 1;
        let mut ops = body.get_operators_reader().map_err(parse)?;
        while !ops.eof() {
            if let Operator::Try { .. }
            | Operator::Catch { .. }
            | Operator::CatchAll
            | Operator::Rethrow { .. }
            | Operator::Delegate { .. } = ops.read().map_err(parse)?
            {
                return Err(refused(format!(
                    "function {func} uses the legacy exception instructions (`try`, `catch`)"
                )));
            }
        }
    }
    Ok(())
}
