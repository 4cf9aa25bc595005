//! `silo run`: instantiate a program with WASI and run its `_start`, or call one export.

use std::path::PathBuf;
use std::process::ExitCode;

use std::path::Path;

use anyhow::{Context, bail};
use silo::sandbox::Policy;
use silo::wasi::threads::{self, Ending, WasiThreads};
use silo::wasi::{WasiCtx, WasiCtxBuilder};
use silo::{Error, Linker, Module, Quota, Store, Trap, TrapCode, Val};

use super::checkpoint_args::CheckpointArgs;
use super::checkpoint_trigger;
use super::fetch_args::{self, FetchArgs};
use super::sandbox_args::SandboxArgs;
use super::wasm_args::WasmArgs;
use super::{EngineChoice, engine, engine_config, invoke_args};

/// Exit status of a guest that trapped (as wasmtime: 128 + SIGABRT).
const TRAP_EXIT: u8 = 134;

#[derive(clap::Args)]
pub struct RunArgs {
    /// Call this export instead of `_start`; the arguments after FILE are its arguments.
    #[arg(long, value_name = "NAME")]
    invoke: Option<String>,
    /// The execution engine [default: tiered where native code runs (x86-64 Linux), interp
    /// elsewhere].
    // The default is `silo::Engine::default()`'s strategy.
    #[arg(long, value_enum)]
    engine: Option<EngineChoice>,
    /// With the tiered engine: calls plus loop iterations a function runs in the interpreter
    /// before it is compiled to native code (0: compile on first call).
    #[arg(long, value_name = "N")]
    tier_up_after: Option<u32>,
    /// The garbage-collected heap's young generation, e.g. `4MiB`: how much the guest allocates
    /// between two minor collections [default: 4MiB; 0: every collection is a full one].
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size)]
    gc_nursery: Option<u64>,
    #[command(flatten)]
    wasm: WasmArgs,
    #[command(flatten)]
    sandbox: SandboxArgs,
    #[command(flatten)]
    fetch: FetchArgs,
    #[command(flatten)]
    checkpoint: CheckpointArgs,
    /// The program: a `.wasm` binary or `.wat` text, a file or an `http://` or `https://` URL
    /// (streamed, compiled while it downloads, and cached).
    #[arg(value_name = "FILE|URL")]
    file: PathBuf,
    /// Arguments: the program's (after its name), or the invoked function's.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// The host state of a `silo run` guest (each thread of a wasi-threads guest has a copy: the
/// same WASI world, the same threads).
#[derive(Clone)]
pub(super) struct Host {
    pub(super) wasi: WasiCtx,
    pub(super) threads: Option<WasiThreads<Host>>,
}

/// The guest's policy, from the sandbox flags and the program's arguments.
fn policy(args: &RunArgs) -> anyhow::Result<Policy> {
    let mut argv = vec![args.file.display().to_string()];
    if args.invoke.is_none() {
        argv.extend(args.args.iter().cloned());
    }
    args.sandbox.policy(argv)
}

/// Whether a trap is a quota stopping the guest (reported on one line, without a backtrace).
fn is_quota_stop(store: &Store<Host>, trap: &Trap) -> bool {
    match trap.code() {
        TrapCode::OutOfFuel
        | TrapCode::DeadlineExceeded
        | TrapCode::Interrupted
        | TrapCode::ResourceLimit => true,
        TrapCode::StackOverflow => {
            store.last_quota_hit().is_some_and(|h| h.quota == Quota::CallDepth)
        }
        TrapCode::Host => store.data().wasi.output_quota_reached(),
        _ => false,
    }
}

/// Reports how a guest ended: its exit status, or the trap with its backtrace. When it failed
/// after a quota refused it something (a `memory.grow` that returned -1), says so.
/// The exit status of a guest that wrote to a closed pipe: a shell's status for a process
/// killed by `SIGPIPE` (128 + 13).
pub(super) const SIGPIPE_EXIT: i32 = 141;

pub(super) fn finish(
    store: &Store<Host>,
    file: &Path,
    result: Result<(), Error>,
) -> anyhow::Result<ExitCode> {
    let refused = || {
        if let Some(hit) = store.last_quota_hit() {
            eprintln!("note: the guest was refused: {hit}");
        }
        if let Some(hit) = store.data().wasi.quota_hit() {
            eprintln!("note: the guest was refused: {hit}");
        }
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(Error::Trap(trap)) => match trap.exit_status() {
            Some(0) => Ok(ExitCode::SUCCESS),
            Some(status) => {
                refused();
                Ok(ExitCode::from(status as u8))
            }
            None if is_quota_stop(store, &trap) => {
                eprintln!("error: `{}` stopped: {}", file.display(), trap.message());
                Ok(ExitCode::from(TRAP_EXIT))
            }
            None => {
                eprintln!("error: `{}` trapped: {trap}", file.display());
                refused();
                Ok(ExitCode::from(TRAP_EXIT))
            }
        },
        Err(e) => {
            refused();
            Err(e).with_context(|| format!("failed to run `{}`", file.display()))
        }
    }
}

/// The fuel a run gets when only a `--checkpoint-on fuel=N` trigger meters it: far more than any
/// run uses.
pub(super) const UNMETERED_FUEL: u64 = 1 << 62;

/// The end of a guest stopped once its mid-run checkpoint was written: a success.
pub(super) fn stopped_for_checkpoint(args: &CheckpointArgs) -> ExitCode {
    if let Some(path) = &args.checkpoint {
        eprintln!("silo: wrote the checkpoint `{}`; the guest stopped", path.display());
    }
    ExitCode::SUCCESS
}

/// With `-v`: what the garbage collector did, when the guest allocated anything.
fn report_gc(store: &Store<Host>) {
    let gc = store.gc_stats();
    if gc.bytes_allocated_total == 0 {
        return;
    }
    let mib = |n: u64| format!("{:.1} MiB", n as f64 / f64::from(1 << 20));
    eprintln!(
        "silo: gc: {} allocated, {} collections ({} full), {} paused in all, longest {}, {} live \
         after the last",
        mib(gc.bytes_allocated_total),
        gc.collections,
        gc.full_collections,
        fetch_args::ms(gc.total_pause),
        fetch_args::ms(gc.max_pause),
        mib(gc.live_bytes),
    );
}

/// A threads guest's outcome: its first thread's `outcome` ends the guest (unless another
/// thread ended it first, which stopped this one), the other threads stop, and the guest's
/// ending is the outcome reported.
fn guest_ending(guest: &WasiThreads<Host>, outcome: Result<(), Error>) -> Result<(), Error> {
    let ending = guest.finish(outcome)?;
    if let Some(why) = guest.refused() {
        eprintln!("note: the guest was refused: {why}");
    }
    match ending {
        Ending::Exit(0) => Ok(()),
        Ending::Exit(status) => Err(Error::Trap(Trap::exit(status))),
        Ending::Trap(trap) => Err(Error::Trap(trap)),
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let policy = policy(&args)?;
    let engine_choice = args.engine;
    super::check_tier_up_after(engine_choice, args.tier_up_after)?;
    let mut config = engine_config(engine_choice, args.tier_up_after);
    if let Some(bytes) = args.gc_nursery {
        if bytes > silo::MAX_GC_HEAP_BYTES {
            anyhow::bail!(
                "--gc-nursery ({bytes} bytes) exceeds the largest heap, 4 GiB less 64 KiB (references are 32-bit offsets)"
            );
        }
        config.gc_nursery_size(bytes);
    }
    args.wasm.apply(&mut config)?;
    policy.configure_engine(&mut config);
    args.checkpoint.configure_engine(&mut config, false);
    let mut engine = engine(engine_choice, &config)?;
    let pin = policy.module_sha256.as_deref();
    let max_size = args.wasm.max_module_size;
    let loaded = fetch_args::load(&args.fetch, &args.file, pin, max_size, &engine)?;
    let mut module = loaded.module;
    let mut hot_code = loaded.hot_code;
    let uses_threads = threads::uses_threads(&module);
    if uses_threads && !config.is_interruptible() {
        hot_code = None;
        // The threads of a guest stop together: each must be interruptible.
        config.interruptible(true);
        engine = super::engine(engine_choice, &config)?;
        module = Module::new(&engine, &module.info().bytes)
            .with_context(|| format!("failed to compile `{}`", args.file.display()))?;
    }
    // The process ends with the run: tearing the compiled module down (its code, its
    // registrations, the tables of every function) would only delay the exit — a tenth of a
    // warm start of a large module — so it is left to the operating system.
    std::mem::forget(module.clone());
    args.checkpoint.check(uses_threads)?;
    threads::check_guest(&module)
        .with_context(|| format!("failed to instantiate `{}`", args.file.display()))?;
    // A guest whose reader went away ends as a native process does on SIGPIPE (status 141).
    let wasi = WasiCtxBuilder::from_policy(&policy)?.broken_pipe_exit(Some(SIGPIPE_EXIT)).build();
    let mut store = Store::new(&engine, Host { wasi, threads: None });
    let mut linker = Linker::new(&engine);
    silo::wasi::add_to_linker(&mut linker, |host: &mut Host| &mut host.wasi)?;
    policy.apply_to_store(&mut store)?;
    if args.checkpoint.counts_fuel() && policy.limits.fuel.is_none() {
        store.set_fuel(UNMETERED_FUEL)?;
    }
    if uses_threads {
        threads::add_to_linker(&mut linker, |host: &Host| host.threads.as_ref())?;
        let memories = threads::define_memories(&module, &mut store, &mut linker)?;
        let setup_policy = policy.clone();
        // The guest's threads share one fuel quota.
        let fuel = policy.limits.fuel.map(|_| store.share_fuel()).transpose()?;
        let max = policy.limits.max_threads.unwrap_or(silo::sandbox::MAX_THREADS);
        let guest = WasiThreads::new(&module, &linker, memories, max, move |s| {
            setup_policy.apply_to_store(s)?;
            fuel.as_ref().map_or(Ok(()), |pool| s.use_fuel_pool(pool))
        });
        guest.register_first(&store)?;
        store.data_mut().threads = Some(guest);
    }

    let instance = match linker.instantiate(&mut store, &module) {
        Ok(instance) => instance,
        Err(e @ Error::Trap(_)) => return finish(&store, &args.file, Err(e)),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("failed to instantiate `{}`", args.file.display()));
        }
    };
    // A WASI reactor initializes itself before any export is called.
    if let Some(init) = instance.get_func(&store, "_initialize")
        && let Err(e) = init.call(&mut store, &[], &mut [])
    {
        return finish(&store, &args.file, Err(e));
    }
    let mid_run = checkpoint_trigger::install(&args.checkpoint, &mut store)?;
    match &args.invoke {
        Some(name) => {
            let (outcome, results) =
                call_export(&mut store, &instance, name, &args.args, &args.file)?;
            if mid_run.stopped() {
                return Ok(stopped_for_checkpoint(&args.checkpoint));
            }
            if args.fetch.verbose {
                let since = fetch_args::ms(loaded.last_byte.elapsed());
                eprintln!("silo: `{name}` returned {since} after the module's last byte");
                report_gc(&store);
            }
            let outcome = outcome.and_then(|()| Ok(store.check_stop()?));
            if outcome.is_ok() {
                for r in &results {
                    println!("{}", invoke_args::format(r));
                }
                args.checkpoint.write_at_exit(&store, &instance, &store.data().wasi)?;
            }
            if let Some(hot_code) = &hot_code {
                hot_code.save(&module, args.fetch.verbose);
            }
            finish(&store, &args.file, outcome)
        }
        None => match instance.get_func(&store, "_start") {
            Some(start) => {
                if args.fetch.verbose {
                    let since = fetch_args::ms(loaded.last_byte.elapsed());
                    eprintln!("silo: `_start` entered {since} after the module's last byte");
                }
                let outcome = start.call(&mut store, &[], &mut []);
                if mid_run.stopped() {
                    return Ok(stopped_for_checkpoint(&args.checkpoint));
                }
                if args.fetch.verbose {
                    report_gc(&store);
                }
                // Returning after the deadline is not a success either.
                let outcome = outcome.and_then(|()| Ok(store.check_stop()?));
                let outcome = match store.data().threads.clone() {
                    Some(guest) => guest_ending(&guest, outcome),
                    None => outcome,
                };
                if outcome.is_ok() {
                    args.checkpoint.write_at_exit(&store, &instance, &store.data().wasi)?;
                }
                if let Some(hot_code) = &hot_code {
                    hot_code.save(&module, args.fetch.verbose);
                }
                finish(&store, &args.file, outcome)
            }
            None => {
                let exports: Vec<String> = instance
                    .exports(&store)
                    .into_iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect();
                bail!(
                    "`{}` has no `_start` function to run; call an export with --invoke NAME (it \
                     exports {})",
                    args.file.display(),
                    if exports.is_empty() { "nothing".to_string() } else { exports.join(", ") }
                )
            }
        },
    }
}

/// Calls export `name` of `instance` with `texts` parsed as its arguments; returns how the call
/// ended and its results. An unknown export or wrong arguments is an error before the call.
pub(super) fn call_export(
    store: &mut Store<Host>,
    instance: &silo::Instance,
    name: &str,
    texts: &[String],
    file: &Path,
) -> anyhow::Result<(Result<(), Error>, Vec<Val>)> {
    let func = instance
        .get_func(&*store, name)
        .with_context(|| format!("`{}` exports no function `{name}`", file.display()))?;
    let ty = func.ty(&*store);
    if ty.params.len() != texts.len() {
        bail!("`{name}` takes {} arguments, {} given", ty.params.len(), texts.len());
    }
    let params = texts
        .iter()
        .zip(ty.params.iter())
        .map(|(text, &t)| invoke_args::parse(text, t))
        .collect::<anyhow::Result<Vec<Val>>>()?;
    let mut results: Vec<Val> = ty.results.iter().map(|&t| Val::default_for(t)).collect();
    let outcome = func.call(&mut *store, &params, &mut results);
    Ok((outcome, results))
}
