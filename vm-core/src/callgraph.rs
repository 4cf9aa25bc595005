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
    let n = info.num_defined_funcs();
    let callees: Vec<Vec<u32>> = (0..n).map(|def| direct_callees(info, def)).collect();
    let mut seen = vec![false; n as usize];
    let mut order = Vec::with_capacity(n as usize);
    // An explicit stack of (function, next callee to visit): call graphs can be deep.
    for root in 0..n {
        if seen[root as usize] {
            continue;
        }
        seen[root as usize] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some((def, next)) = stack.last_mut() {
            match callees[*def as usize].get(*next) {
                Some(&callee) => {
                    *next += 1;
                    if !seen[callee as usize] {
                        seen[callee as usize] = true;
                        stack.push((callee, 0));
                    }
                }
                None => {
                    order.push(*def);
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
    }
}
