//! The rules of the custom sections Silo understands, checked on request.
//!
//! A custom section never makes a module malformed or invalid: loading keeps what it can read of
//! one (the function names) and ignores the rest. [`check_custom_sections`] says whether they
//! follow their own specifications: the `name` section decodes, and every hint of the
//! `metadata.code.branch_hint` section names a defined function and sits on an `if` or `br_if`
//! of it, in order.

use std::ops::Range;

use wasmparser as wp;

use crate::error::{LoadError, LoadErrorKind};
use crate::module::Module;
use crate::stream::validation_features;

/// Checks the custom sections Silo knows: `Malformed` for one that does not decode, `Invalid` for
/// one that decodes but does not fit the module.
pub fn check_custom_sections(module: &Module) -> Result<(), LoadError> {
    for (name, range) in module.custom_sections.iter() {
        let reader = wp::BinaryReader::new(&module.bytes[range.clone()], range.start as u64);
        let section = format!("custom section \"{name}\"");
        let result = match name.as_str() {
            "name" => check_names(reader),
            "metadata.code.branch_hint" => check_branch_hints(module, reader),
            _ => Ok(()),
        };
        result.map_err(|(kind, message, offset)| LoadError {
            kind,
            message,
            section: Some(section),
            offset: Some(offset),
        })?;
    }
    Ok(())
}

/// A problem: its kind, message and byte offset.
type Problem = (LoadErrorKind, String, u64);

fn malformed(e: wp::BinaryReaderError) -> Problem {
    (LoadErrorKind::Malformed, e.message().to_string(), e.offset())
}

/// The `name` section decodes to its end.
fn check_names(reader: wp::BinaryReader<'_>) -> Result<(), Problem> {
    for subsection in wp::NameSectionReader::new(reader) {
        match subsection.map_err(malformed)? {
            wp::Name::Module { .. } | wp::Name::Unknown { .. } => {}
            wp::Name::Function(map)
            | wp::Name::Type(map)
            | wp::Name::Memory(map)
            | wp::Name::Table(map)
            | wp::Name::Global(map)
            | wp::Name::Element(map)
            | wp::Name::Data(map)
            | wp::Name::Tag(map) => {
                for naming in map {
                    naming.map_err(malformed)?;
                }
            }
            wp::Name::Local(map)
            | wp::Name::Label(map)
            | wp::Name::Field(map)
            | wp::Name::Parameter(map)
            | wp::Name::TagParameter(map) => {
                for indirect in map {
                    for naming in indirect.map_err(malformed)?.names {
                        naming.map_err(malformed)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Every hint names a defined function and, in increasing order, the offsets of `if` or `br_if`
/// instructions in its body.
fn check_branch_hints(module: &Module, reader: wp::BinaryReader<'_>) -> Result<(), Problem> {
    let invalid = |message: &str, offset| (LoadErrorKind::Invalid, message.to_string(), offset);
    let section = wp::BranchHintSectionReader::new(reader).map_err(malformed)?;
    for function in section.into_iter_with_offsets() {
        let (offset, function) = function.map_err(malformed)?;
        let defined = function.func.checked_sub(module.num_imported.funcs);
        let Some(body) = defined.and_then(|d| module.bodies.get(d as usize)) else {
            return Err(invalid("branch hint for an unknown or imported function", offset));
        };
        let branches = branch_offsets(module, body.clone()).map_err(malformed)?;
        let mut previous = None;
        for hint in function.hints.into_iter_with_offsets() {
            let (offset, hint) = hint.map_err(malformed)?;
            if previous.is_some_and(|p| hint.func_offset <= p) {
                return Err(invalid("branch hints out of order", offset));
            }
            previous = Some(hint.func_offset);
            match branches.binary_search_by_key(&hint.func_offset, |b| b.0) {
                Ok(i) if branches[i].1 => {}
                Ok(_) => {
                    return Err(invalid(
                        "branch hint on an instruction that does not branch (not `if` or `br_if`)",
                        offset,
                    ));
                }
                Err(_) => {
                    let message = "branch hint offset is not the start of an instruction";
                    return Err((LoadErrorKind::Malformed, message.to_string(), offset));
                }
            }
        }
    }
    Ok(())
}

/// The offset of every instruction of a body from the body's start, and whether it is an `if`
/// or a `br_if`.
fn branch_offsets(module: &Module, body: Range<usize>) -> wp::Result<Vec<(u32, bool)>> {
    let start = body.start as u64;
    let mut reader = wp::BinaryReader::new(&module.bytes[body], start);
    reader.set_features(validation_features());
    let ops = wp::FunctionBody::new(reader).get_operators_reader()?;
    let mut offsets = Vec::new();
    for op in ops.into_iter_with_offsets() {
        let (op, offset) = op?;
        let branches = matches!(op, wp::Operator::If { .. } | wp::Operator::BrIf { .. });
        offsets.push(((offset - start) as u32, branches));
    }
    Ok(offsets)
}
