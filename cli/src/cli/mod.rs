//! Command-line interface: argument definitions and dispatch to the subcommands.

mod checkpoint_args;
mod checkpoint_trigger;
mod compile;
mod fetch_args;
mod hot_code;
mod init;
mod invoke_args;
mod native_code;
mod output;
mod resume;
mod run;
mod sandbox_args;
mod validate;
mod validated;
mod wasm_args;
mod wast;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
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
    /// Resume a guest from a checkpoint (`silo run --checkpoint FILE`), under the sandbox flags
    /// given now.
    Resume(Box<resume::ResumeArgs>),
    /// Run WebAssembly test scripts (`.wast`) and count the directives that pass and fail.
    Wast(wast::WastArgs),
    /// Compile a module ahead of time to native code (`.silo`), for `silo run
    /// --allow-precompiled`.
    Compile(Box<compile::CompileArgs>),
    /// Pre-initialize a module: run its initializer once and write a new module that starts
    /// where it left off (as Wizer does), runnable by any WebAssembly runtime.
    Init(Box<init::InitArgs>),
    /// Show or clean the cache of modules fetched from URLs.
    #[command(subcommand)]
    Cache(fetch_args::CacheCommand),
    /// Check that a module is well-formed and valid.
    Validate {
        #[command(flatten)]
        wasm: wasm_args::WasmArgs,
        /// The module file.
        file: PathBuf,
    },
}

/// Runs the subcommand; returns the process exit code.
pub fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run::run(*args),
        Command::Resume(args) => resume::run(*args),
        Command::Wast(args) => wast::run(args),
        Command::Validate { wasm, file } => validate::run(&wasm, &file),
        Command::Compile(args) => compile::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Init(args) => init::run(&args).map(|()| ExitCode::SUCCESS),
        Command::Cache(command) => fetch_args::cache_command(&command).map(|()| ExitCode::SUCCESS),
    }
}

impl EngineChoice {
    /// The flag value, as typed on the command line.
    fn name(self) -> &'static str {
        match self {
            EngineChoice::Interp => "interp",
            EngineChoice::Jit => "jit",
            EngineChoice::Tiered => "tiered",
        }
    }
}

/// `--tier-up-after` means something to the tiered engine only: with `--engine interp` or `jit`
/// it is an error rather than silently ignored.
fn check_tier_up_after(
    choice: Option<EngineChoice>,
    tier_up_after: Option<u32>,
) -> anyhow::Result<()> {
    match (choice, tier_up_after) {
        (Some(c @ (EngineChoice::Interp | EngineChoice::Jit)), Some(_)) => anyhow::bail!(
            "--tier-up-after applies to the tiered engine only, not to --engine {}",
            c.name()
        ),
        _ => Ok(()),
    }
}

/// Reads a module file, refusing with one line what cannot be one: not a regular file, an empty
/// file, or bytes that are neither the binary format (its magic number) nor the text format.
fn read_module(path: &std::path::Path, max_size: u64) -> anyhow::Result<Vec<u8>> {
    // A FIFO would block and a device such as /dev/zero never end: regular files only.
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!("`{}` is not a regular file", path.display());
    }
    if meta.len() > max_size {
        anyhow::bail!(
            "`{}` is {} bytes, more than the module size limit of {max_size} bytes \
             (raise it with --max-module-size)",
            path.display(),
            meta.len()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if bytes.is_empty() {
        anyhow::bail!("`{}` is an empty file, not a WebAssembly module", path.display());
    }
    // The text format starts with `(` or a comment (`;;`, `(;`) after any blanks.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let text =
        first.is_some_and(|&b| b == b'(' || b == b';') && std::str::from_utf8(&bytes).is_ok();
    if !bytes.starts_with(b"\0asm") && !text && !silo::Module::is_artifact(&bytes) {
        let found: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
        anyhow::bail!(
            "`{}` is not a WebAssembly module: bad magic number, found `{}` (expected `00 61 73 6d`)",
            path.display(),
            found.join(" ")
        );
    }
    Ok(bytes)
}

/// The engine settings for `--engine` (the facade's default strategy without it), with
/// `--tier-up-after`'s threshold when given. The facade's [`silo::Engine`] adds the compiler.
fn engine_config(choice: Option<EngineChoice>, tier_up_after: Option<u32>) -> silo::Config {
    let mut config = silo::Config::new();
    config.strategy(match choice {
        None => silo::Strategy::Auto,
        Some(EngineChoice::Interp) => silo::Strategy::Interpreter,
        Some(EngineChoice::Jit) => silo::Strategy::Jit,
        Some(EngineChoice::Tiered) => silo::Strategy::Tiered,
    });
    if let Some(n) = tier_up_after {
        config.tier_up_after(n);
    }
    config
}

/// The engine for these settings; an `--engine` that needs native code this machine cannot run
/// is an error naming the flag.
fn engine(choice: Option<EngineChoice>, config: &silo::Config) -> anyhow::Result<silo::Engine> {
    silo::Engine::try_new(config).with_context(|| match choice {
        Some(choice) => format!("--engine {}", choice.name()),
        None => "the default engine".to_string(),
    })
}
