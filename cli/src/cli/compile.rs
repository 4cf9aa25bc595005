//! `silo compile`: a module compiled ahead of time to native code (`Module::serialize`), which
//! `silo run --allow-precompiled` runs without compiling.

use std::path::PathBuf;

use anyhow::Context;

use super::sandbox_args::SandboxArgs;
use super::wasm_args::WasmArgs;

#[derive(clap::Args)]
pub struct CompileArgs {
    #[command(flatten)]
    wasm: WasmArgs,
    /// The quota flags the program will run with: fuel, deadlines (`--timeout`) and the call
    /// depth (`--max-stack`) are checked by the code itself, so it must be compiled for them.
    #[command(flatten)]
    sandbox: SandboxArgs,
    /// Where to write the compiled module [default: FILE with the extension `.silo`].
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// The module: a `.wasm` binary or `.wat` text.
    file: PathBuf,
}

/// Compiles `args.file` and writes the artifact.
pub fn run(args: &CompileArgs) -> anyhow::Result<()> {
    let policy = args.sandbox.policy(Vec::new())?;
    let mut config = super::engine_config(Some(super::EngineChoice::Jit), None);
    args.wasm.apply(&mut config)?;
    policy.configure_engine(&mut config);
    let mut engine = super::engine(Some(super::EngineChoice::Jit), &config)?;
    let bytes = super::read_module(&args.file, args.wasm.max_module_size)?;
    let name = args.file.display();
    let compile = |engine: &silo::Engine| {
        silo::Module::new(engine, &bytes).with_context(|| format!("failed to compile `{name}`"))
    };
    let mut module = compile(&engine)?;
    // As `silo run` does: the threads of a guest stop together, so each must be interruptible.
    if silo::wasi::threads::uses_threads(&module) && !config.is_interruptible() {
        config.interruptible(true);
        engine = super::engine(Some(super::EngineChoice::Jit), &config)?;
        module = compile(&engine)?;
    }
    let artifact = module.serialize().with_context(|| format!("failed to compile `{name}`"))?;
    let output = args.output.clone().unwrap_or_else(|| args.file.with_extension("silo"));
    super::output::write_atomically(&output, &artifact)
        .with_context(|| format!("cannot write `{}`", output.display()))?;
    Ok(())
}
