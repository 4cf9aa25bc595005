//! The order in which the `Jit` strategy compiles a module: callees before their callers (a
//! post-order of the direct call graph), so that most calls are compiled as direct calls to code
//! that exists already. Calls in a cycle other than a function's call of itself go through the
//! module's table.

use silo_loader::wasmparser::{BinaryReader, FunctionBody, Operator};

/// The defined functions a defined function calls directly (`call`, `return_call`).
fn direct_callees(info: &silo_loader::Module, def: u32) -> Vec<u32> {
    let Some((bytes, offset)) = info.body(def) else { return Vec::new() };
    let mut reader = BinaryReader::new(bytes, offset as u64);
    reader.set_features(silo_loader::validation_features());
    let Ok(ops) = FunctionBody::new(reader).get_operators_reader() else { return Vec::new() };
    let imported = info.num_imported.funcs;
    let mut callees: Vec<u32> = ops
        .into_iter()
        .filter_map(|op| match op {
            Ok(Operator::Call { function_index } | Operator::ReturnCall { function_index }) => {
                function_index.checked_sub(imported)
            }
            _ => None,
        })
        .collect();
    callees.sort_unstable();
    callees.dedup();
    callees
}

/// Every defined function, callees first.
pub(crate) fn compile_order(info: &silo_loader::Module) -> Vec<u32> {
    let all: Vec<u32> = (0..info.num_defined_funcs()).collect();
    compile_order_of(info, &all)
}

/// The defined functions `defs` (each once; indices past the module's are left out), callees
/// among them first. Only their own bodies are read, so ordering a few functions of a large
/// module costs little.
pub(crate) fn compile_order_of(info: &silo_loader::Module, defs: &[u32]) -> Vec<u32> {
    let n = info.num_defined_funcs();
    let mut wanted = vec![false; n as usize];
    for &def in defs {
        if let Some(w) = wanted.get_mut(def as usize) {
            *w = true;
        }
    }
    let mut callees: Vec<Option<Vec<u32>>> = vec![None; n as usize];
    let mut seen = vec![false; n as usize];
    let mut order = Vec::with_capacity(defs.len().min(n as usize));
    // An explicit stack of (function, next callee to visit): call graphs can be deep.
    for root in 0..n {
        if seen[root as usize] || !wanted[root as usize] {
            continue;
        }
        seen[root as usize] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (def, ref mut next)) = stack.last_mut() {
            let of_def = callees[def as usize].get_or_insert_with(|| {
                let mut c = direct_callees(info, def);
                c.retain(|&callee| wanted.get(callee as usize).is_some_and(|&w| w));
                c
            });
            match of_def.get(*next) {
                Some(&callee) => {
                    *next += 1;
                    if !seen[callee as usize] {
                        seen[callee as usize] = true;
                        stack.push((callee, 0));
                    }
                }
                None => {
                    order.push(def);
                    stack.pop();
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callees_come_first_and_cycles_end() {
        let info = silo_loader::load(
            br#"(module
              (func $main (call $a) (call $b))
              (func $a (call $leaf) (call $a))
              (func $b (call $c))
              (func $c (call $b) (call $leaf))
              (func $leaf))"#,
        )
        .unwrap();
        let order = compile_order(&info);
        let at = |f: u32| order.iter().position(|&d| d == f).unwrap();
        assert_eq!(order.len(), 5);
        assert!(at(4) < at(1) && at(1) < at(0) && at(2) < at(0) && at(3) < at(0));
        assert!(at(4) < at(3));
        // Of a subset, only its members, callees first; indices past the module are left out.
        assert_eq!(compile_order_of(&info, &[1, 4, 4, 99]), [4, 1]);
        // $b calls $c, which calls $b: the cycle ends, $c first.
        assert_eq!(compile_order_of(&info, &[3, 2]), [3, 2]);
    }
}
