//! The `spectest` host module the official tests import from.

use silo_core::{
    Error, Func, FuncType, Global, GlobalType, Linker, Memory, MemoryType, RefType, Store, Table,
    TableType, Val, ValType,
};

/// Defines `spectest` in `linker`, with its entities created in `store`.
pub fn define(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), Error> {
    let globals = [
        ("global_i32", ValType::I32, Val::I32(666)),
        ("global_i64", ValType::I64, Val::I64(666)),
        ("global_f32", ValType::F32, Val::F32(666.6f32.to_bits())),
        ("global_f64", ValType::F64, Val::F64(666.6f64.to_bits())),
    ];
    for (name, ty, value) in globals {
        let g = Global::new(&mut *store, GlobalType { content: ty, mutable: false }, value)?;
        linker.define(&*store, "spectest", name, g)?;
    }
    let table =
        |index64| TableType { element: RefType::FUNCREF, index64, initial: 10, maximum: Some(20) };
    let t = Table::new(&mut *store, table(false), Val::FuncRef(None))?;
    linker.define(&*store, "spectest", "table", t)?;
    let t64 = Table::new(&mut *store, table(true), Val::FuncRef(None))?;
    linker.define(&*store, "spectest", "table64", t64)?;
    let memory = MemoryType {
        index64: false,
        shared: false,
        initial: 1,
        maximum: Some(2),
        page_size_log2: None,
    };
    let m = Memory::new(&mut *store, memory)?;
    linker.define(&*store, "spectest", "memory", m)?;
    // The threads proposal's tests import a shared one too.
    let shared = Memory::new(&mut *store, MemoryType { shared: true, ..memory })?;
    linker.define(&*store, "spectest", "shared_memory", shared)?;

    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[ValType::I32]),
        ("print_i64", &[ValType::I64]),
        ("print_f32", &[ValType::F32]),
        ("print_f64", &[ValType::F64]),
        ("print_i32_f32", &[ValType::I32, ValType::F32]),
        ("print_f64_f64", &[ValType::F64, ValType::F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        // The reference interpreter prints its arguments; the tests only need the call to work.
        let f = Func::new(&mut *store, ty, |_, _, _| Ok(()));
        linker.define(&*store, "spectest", name, f)?;
    }
    Ok(())
}
