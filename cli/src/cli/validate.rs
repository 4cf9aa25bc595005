//! `silo validate`: load and validate a module, and say which features it uses.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::wasm_args::WasmArgs;

pub fn run(wasm: &WasmArgs, file: &Path) -> anyhow::Result<ExitCode> {
    let mut config = silo::Config::new();
    wasm.apply(&mut config)?;
    let bytes = super::read_module(file, wasm.max_module_size)?;
    let module = silo::loader::load_with(&bytes, config.enabled_features())
        .with_context(|| format!("`{}`", file.display()))?;
    println!(
        "{}: valid ({} functions, {} imports, {} exports)",
        file.display(),
        module.funcs.len(),
        module.imports.len(),
        module.exports.len()
    );
    if !module.features.is_empty() {
        println!("features used: {}", module.features);
    }
    let engine = silo::Engine::default();
    let missing = module.features.difference(engine.supported_features());
    if !missing.is_empty() {
        println!("note: this build cannot run it yet: unsupported feature: {missing}");
    }
    Ok(ExitCode::SUCCESS)
}
