//! Whether a module's functions ever hold a reference other than a function reference in a
//! local or on their operand stack. A run of such a module cannot be taken out (a host value or a
//! collector's object has no meaning outside its store), and, more to the point, cannot be
//! resumed from numbers: an op that follows a reference reads an address from its slot, and a
//! forged state could put any number there. Function references are taken out as function
//! indices and resumed as the instance's own functions, by the types of the slots that the
//! module's own code gives (`interp::exec::resume`), so a forged state cannot plant an address.
//!
//! References reach a function's values only through a parameter, result or local of a reference
//! type, or an instruction that makes one: `ref.null`, `ref.func`, `table.get`, `global.get` of a
//! reference global, a typed `select` of references — and the GC and exception proposals'
//! instructions, which a module using either is refused for outright.

use silo_loader::wasmparser::{HeapType, Operator, Parser, Payload, ValType};

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
        if sig.params.iter().chain(sig.results.iter()).any(|&t| !number_or_func(t)) {
            return Err(refused(format!("function {i} takes or returns a non-function reference")));
        }
    }
    let ref_globals: Vec<bool> = info.globals.iter().map(|g| !number_or_func(g.content)).collect();
    let ref_tables: Vec<bool> =
        info.tables.iter().map(|t| !number_or_func(silo_loader::ValType::Ref(t.element))).collect();
    let mut index = info.num_imported.funcs;
    for payload in Parser::new(0).parse_all(&info.bytes) {
        let Payload::CodeSectionEntry(body) = payload.map_err(parse)? else { continue };
        let func = index;
        index += 1;
        let mut locals = body.get_locals_reader().map_err(parse)?;
        for _ in 0..locals.get_count() {
            let (_, ty) = locals.read().map_err(parse)?;
            if !wp_number_or_func(ty) {
                return Err(refused(format!("function {func} has a non-function reference local")));
            }
        }
        let mut ops = body.get_operators_reader().map_err(parse)?;
        while !ops.eof() {
            let makes_ref = match ops.read().map_err(parse)? {
                Operator::RefNull { hty } => !wp_func_heap(hty),
                Operator::TableGet { table } => {
                    ref_tables.get(table as usize).copied().unwrap_or(true)
                }
                Operator::GlobalGet { global_index } => {
                    ref_globals.get(global_index as usize).copied().unwrap_or(true)
                }
                Operator::TypedSelect { ty } => !wp_number_or_func(ty),
                Operator::TypedSelectMulti { tys } => tys.iter().any(|&t| !wp_number_or_func(t)),
                _ => false,
            };
            if makes_ref {
                return Err(refused(format!("function {func} handles non-function references")));
            }
        }
    }
    Ok(())
}

/// Whether a value of type `ty` is a number or a function reference (what a run's state can
/// hold). Concrete types are function types here: a module of the GC proposal is refused first.
pub(crate) fn number_or_func(ty: silo_loader::ValType) -> bool {
    use silo_loader::HeapType as H;
    match ty {
        silo_loader::ValType::Ref(r) => matches!(r.heap, H::Func | H::NoFunc | H::Concrete(_)),
        _ => true,
    }
}

/// `number_or_func` of a type as `wasmparser` reads it.
fn wp_number_or_func(ty: ValType) -> bool {
    match ty {
        ValType::Ref(r) => wp_func_heap(r.heap_type()),
        _ => true,
    }
}

/// Whether a heap type is one of functions.
fn wp_func_heap(ty: HeapType) -> bool {
    use silo_loader::wasmparser::AbstractHeapType as A;
    match ty {
        HeapType::Abstract { ty, .. } => matches!(ty, A::Func | A::NoFunc),
        HeapType::Concrete(_) | HeapType::Exact(_) => true,
    }
}
