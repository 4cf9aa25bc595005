//! Command-line interface: argument definitions and dispatch to the subcommands.

mod invoke_args;
mod run;
mod sandbox_args;
mod validate;
mod wast;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Silo: a WebAssembly process VM with a capability sandbox.
#[derive(Parser)]
#[command(name = "silo", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Which execution engine runs the guest.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EngineChoice {
    /// The interpreter, for every function.
    Interp,
    /// Native code (Cranelift) for every function, compiled on its first call.
    Jit,
    /// The interpreter first, native code for the functions that get hot.
    Tiered,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WebAssembly program (binary or text): its `_start`, or an export with `--invoke`.
    Run(Box<run::RunArgs>),
    /// Run WebAssembly test scripts (`.wast`) and count the directives that pass and fail.
    Wast(wast::WastArgs),
    /// Check that a module is well-formed and valid.
    Validate {
        /// The module file.
        file: PathBuf,
    },
}

/// Runs the subcommand; returns the process exit code.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(*args),
        Command::Wast(args) => wast::run(args),
        Command::Validate { file } => validate::run(&file),
    }
}

/// The engine settings for a choice, with `--tier-up-after`'s threshold when given.
fn engine_config(choice: EngineChoice, tier_up_after: Option<u32>) -> anyhow::Result<silo::Config> {
    let mut config = silo::Config::new();
    let strategy = match choice {
        EngineChoice::Interp => silo::Strategy::Interpreter,
        EngineChoice::Jit => silo::Strategy::Jit,
        EngineChoice::Tiered => silo::Strategy::Tiered,
    };
    config.strategy(strategy);
    if strategy != silo::Strategy::Interpreter {
        let compiler = silo::jit::cranelift()
            .map_err(|e| anyhow::anyhow!("--engine {choice:?}: {e}").context("no native code"))?;
        config.compiler(compiler);
    }
    if let Some(n) = tier_up_after {
        config.tier_up_after(n);
    }
    Ok(config)
}
