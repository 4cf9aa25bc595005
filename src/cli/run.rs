//! `silo run`: instantiate a program with WASI and run its `_start`, or call one export.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use silo::wasi::{WasiCtx, WasiCtxBuilder};
use silo::{Error, Linker, Module, Store, Val};

use super::{EngineChoice, engine, invoke_args};

/// Exit status of a guest that trapped (as wasmtime: 128 + SIGABRT).
const TRAP_EXIT: u8 = 134;

#[derive(clap::Args)]
pub struct RunArgs {
    /// Call this export instead of `_start`; the arguments after FILE are its arguments.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// The execution engine.
    #[arg(long, value_enum, default_value = "interp")]
    engine: EngineChoice,
    /// Grant the guest an environment variable (it gets none otherwise).
    #[arg(long = "env", value_name = "NAME=VALUE")]
    env: Vec<String>,
    /// The program: a `.wasm` binary or `.wat` text.
    file: PathBuf,
    /// Arguments: the program's (after its name), or the invoked function's.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// The host state of a `silo run` guest.
struct Host {
    wasi: WasiCtx,
}

fn wasi_ctx(args: &RunArgs) -> anyhow::Result<WasiCtx> {
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio();
    builder.arg(args.file.display().to_string());
    if args.invoke.is_none() {
        builder.args(&args.args);
    }
    for var in &args.env {
        let Some((name, value)) = var.split_once('=') else {
            bail!("--env expects NAME=VALUE, got `{var}`");
        };
        builder.env(name, value);
    }
    Ok(builder.build())
}

/// Reports how a guest ended: its exit status, or the trap with its backtrace.
fn finish(file: &std::path::Path, result: Result<(), Error>) -> anyhow::Result<ExitCode> {
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(Error::Trap(trap)) => match trap.exit_status() {
            Some(status) => Ok(ExitCode::from(status as u8)),
            None => {
                eprintln!("error: `{}` trapped: {trap}", file.display());
                Ok(ExitCode::from(TRAP_EXIT))
            }
        },
        Err(e) => Err(e).with_context(|| format!("failed to run `{}`", file.display())),
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let engine = engine(args.engine);
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read `{}`", args.file.display()))?;
    let module = Module::new(&engine, bytes)
        .with_context(|| format!("failed to compile `{}`", args.file.display()))?;
    let mut store = Store::new(&engine, Host { wasi: wasi_ctx(&args)? });
    let mut linker = Linker::new(&engine);
    silo::wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)?;

    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e @ Error::Trap(_)) => return finish(&args.file, Err(e)),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("failed to instantiate `{}`", args.file.display()));
        }
    };
    // A WASI reactor initializes itself before any export is called.
    if let Some(init) = instance.get_func(&store, "_initialize")
        && let Err(e) = init.call(&mut store, &[], &mut [])
    {
        return finish(&args.file, Err(e));
    }
    match &args.invoke {
        Some(name) => {
            let func = instance.get_func(&store, name).with_context(|| {
                format!("`{}` exports no function `{name}`", args.file.display())
            })?;
            let ty = func.ty(&store);
            if ty.params.len() != args.args.len() {
                bail!("`{name}` takes {} arguments, {} given", ty.params.len(), args.args.len());
            }
            let params = args
                .args
                .iter()
                .zip(ty.params.iter())
                .map(|(text, &t)| invoke_args::parse(text, t))
                .collect::<anyhow::Result<Vec<Val>>>()?;
            let mut results: Vec<Val> = ty.results.iter().map(|&t| Val::default_for(t)).collect();
            let outcome = func.call(&mut store, &params, &mut results);
            if outcome.is_ok() {
                for r in &results {
                    println!("{}", invoke_args::format(r));
                }
            }
            finish(&args.file, outcome)
        }
        None => match instance.get_func(&store, "_start") {
            Some(start) => finish(&args.file, start.call(&mut store, &[], &mut [])),
            None => Ok(ExitCode::SUCCESS),
        },
    }
}
