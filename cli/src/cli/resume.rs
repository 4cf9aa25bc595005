//! `silo resume FILE`: bring a checkpointed guest back — its module (embedded in the file, or
//! `--module`), its memories, tables, globals and WASI descriptors — under the sandbox flags given
//! now (a checkpoint carries no capability), and go on: from where the run stopped, for a
//! checkpoint taken in the middle of one; else call an export with `--invoke`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use silo::snapshot::{Checkpoint, Taken};
use silo::wasi::WasiCtxBuilder;
use silo::{Linker, Module, Store};

use super::checkpoint_args::CheckpointArgs;
use super::checkpoint_trigger;
use super::run::{Host, SIGPIPE_EXIT, UNMETERED_FUEL, call_export, finish, stopped_for_checkpoint};
use super::sandbox_args::SandboxArgs;
use super::wasm_args::WasmArgs;
use super::{EngineChoice, engine, engine_config, invoke_args};

#[derive(clap::Args)]
pub struct ResumeArgs {
    /// Call this export of the resumed guest; the arguments after FILE are its arguments.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// The engine that runs the resumed guest (any: a checkpoint holds no native state).
    #[arg(long, value_enum)]
    engine: Option<EngineChoice>,
    /// With the tiered engine: see `silo run --tier-up-after`.
    #[arg(long, value_name = "N")]
    tier_up_after: Option<u32>,
    /// The module the checkpoint was taken from, when the file does not embed it.
    #[arg(long, value_name = "MODULE")]
    module: Option<PathBuf>,
    #[command(flatten)]
    wasm: WasmArgs,
    /// What the resumed guest is granted: checked against what the checkpoint holds open.
    #[command(flatten)]
    sandbox: SandboxArgs,
    #[command(flatten)]
    checkpoint: CheckpointArgs,
    /// The checkpoint file.
    file: PathBuf,
    /// The invoked function's arguments.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

pub fn run(args: ResumeArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.display();
    let checkpoint =
        Checkpoint::load(&args.file).with_context(|| format!("cannot resume `{name}`"))?;
    let module_bytes = match (&args.module, checkpoint.embedded_module()?) {
        (Some(path), _) => super::read_module(path, args.wasm.max_module_size)?,
        (None, Some(embedded)) => embedded.to_vec(),
        (None, None) => bail!(
            "`{name}` does not embed its module (SHA-256 {}): give it with --module",
            checkpoint.module_sha256_hex()
        ),
    };
    let run_state = match &checkpoint.taken {
        Taken::InRun(run) => Some(run),
        Taken::InterpreterPositions(_) => bail!(
            "`{name}` holds a run as positions in the interpreter code of the Silo that wrote it \
             (checkpoint format 3), which no other build can resume: take the checkpoint again"
        ),
        Taken::BetweenCalls => None,
    };
    match (&args.invoke, run_state) {
        (Some(_), Some(_)) => bail!(
            "`{name}` was taken in the middle of a run, which goes on from where it stopped: \
             --invoke has no place"
        ),
        (None, None) => bail!(
            "`{name}` was taken between calls (after the guest's call returned): name an export \
             to call with --invoke"
        ),
        _ => {}
    }
    // A run taken in the middle goes on with its frames interpreted (in the interpreter's code,
    // whatever engine took it), and the calls they make run as the engine runs any call.
    let engine_choice = args.engine;

    let policy = args.sandbox.policy(Vec::new())?;
    super::check_tier_up_after(engine_choice, args.tier_up_after)?;
    let mut config = engine_config(engine_choice, args.tier_up_after);
    args.wasm.apply(&mut config)?;
    policy.configure_engine(&mut config);
    // A run goes on under the settings that shaped its code: checks (interruptible), and fuel
    // metering if it counted fuel.
    args.checkpoint.configure_engine(&mut config, run_state.is_some());
    if checkpoint.fuel_remaining.is_some() {
        config.consume_fuel(true);
    }
    let engine = engine(engine_choice, &config)?;
    let module = Module::new(&engine, &module_bytes)
        .with_context(|| format!("failed to load the module of `{name}`"))?;
    checkpoint.check_module(&module).with_context(|| format!("cannot resume `{name}`"))?;
    args.checkpoint.check(silo::wasi::threads::uses_threads(&module))?;

    let wasi = WasiCtxBuilder::from_policy(&policy)?.broken_pipe_exit(Some(SIGPIPE_EXIT)).build();
    if let Some(saved) = &checkpoint.wasi {
        wasi.restore(saved).with_context(|| format!("cannot resume `{name}`"))?;
    }
    let mut store = Store::new(&engine, Host { wasi, threads: None });
    let mut linker = Linker::new(&engine);
    silo::wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)?;
    policy.apply_to_store(&mut store)?;
    let (instance, objects) = checkpoint
        .resume_with_heap(&mut store, &linker, &module)
        .with_context(|| format!("cannot resume `{name}`"))?;
    // The fuel quota is the guest's whole life: what it used before counts.
    match (checkpoint.fuel_remaining, policy.limits.fuel) {
        (Some(left), Some(quota)) => store.set_fuel_of(left.min(quota), quota)?,
        (Some(left), None) => store.set_fuel(left)?,
        (None, _) if args.checkpoint.counts_fuel() && policy.limits.fuel.is_none() => {
            store.set_fuel(UNMETERED_FUEL)?
        }
        (None, _) => {}
    }
    let mid_run = checkpoint_trigger::install(&args.checkpoint, &mut store)?;

    let Some(export) = &args.invoke else {
        let run = run_state.expect("checked above: a run or --invoke");
        let outcome = instance.resume_with_heap(&mut store, &run.to_exec_state(), &objects);
        if mid_run.stopped() {
            return Ok(stopped_for_checkpoint(&args.checkpoint));
        }
        let outcome = outcome.and_then(|results| {
            store.check_stop()?;
            Ok(results)
        });
        let outcome = match outcome {
            Ok(results) => {
                for r in &results {
                    println!("{}", invoke_args::format(r));
                }
                args.checkpoint.write_at_exit(&store, &instance, &store.data().wasi)?;
                Ok(())
            }
            Err(e) => Err(e),
        };
        return finish(&store, &args.file, outcome);
    };
    let (outcome, results) = call_export(&mut store, &instance, export, &args.args, &args.file)?;
    if mid_run.stopped() {
        return Ok(stopped_for_checkpoint(&args.checkpoint));
    }
    let outcome = outcome.and_then(|()| Ok(store.check_stop()?));
    if outcome.is_ok() {
        for r in &results {
            println!("{}", invoke_args::format(r));
        }
        args.checkpoint.write_at_exit(&store, &instance, &store.data().wasi)?;
    }
    finish(&store, &args.file, outcome)
}
