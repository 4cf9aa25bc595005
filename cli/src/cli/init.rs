//! `silo init`: pre-initialize a module (as Wizer does). Instantiate it under the sandbox flags
//! given, run its initializer once, and write a new standard module whose memories, tables and
//! globals start where the initializer left them — so every later start, in Silo or any other
//! runtime, skips the initialization.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use silo::wasi::{WasiCtx, WasiCtxBuilder};
use silo::{Error, Linker, Module, Store};

use super::sandbox_args::SandboxArgs;
use super::wasm_args::WasmArgs;
use super::{EngineChoice, engine, engine_config};

/// The initializer's name when `--init-func` is not given: Wizer's, so programs written for it
/// work unchanged.
const DEFAULT_INIT_FUNC: &str = "wizer.initialize";

/// A WASI reactor's own initializer (constructors), run before the one named.
const REACTOR_INIT: &str = "_initialize";

#[derive(clap::Args)]
pub struct InitArgs {
    /// The export that initializes the program; it takes no arguments and returns nothing.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_INIT_FUNC)]
    init_func: String,
    /// Keep exporting the initializer in the new module (it is removed by default: it has run).
    #[arg(long)]
    keep_init_func: bool,
    /// Where to write the pre-initialized module.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// The engine that runs the initializer.
    #[arg(long, value_enum)]
    engine: Option<EngineChoice>,
    #[command(flatten)]
    wasm: WasmArgs,
    /// What the initializer may use: directories, environment, quotas. Whatever it reads ends
    /// up in the new module's memory.
    #[command(flatten)]
    sandbox: SandboxArgs,
    /// The module: a `.wasm` binary or `.wat` text.
    file: PathBuf,
    /// The program's arguments, as the initializer sees them (after its name).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// Runs the initializer of `args.file` and writes the pre-initialized module.
pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    let name = args.file.display();
    let mut argv = vec![name.to_string()];
    argv.extend(args.args.iter().cloned());
    let policy = args.sandbox.policy(argv)?;
    let mut config = engine_config(args.engine, None);
    args.wasm.apply(&mut config)?;
    policy.configure_engine(&mut config);
    let engine = engine(args.engine, &config)?;
    let bytes = super::read_module(&args.file, args.wasm.max_module_size)?;
    let module =
        Module::new(&engine, &bytes).with_context(|| format!("failed to load `{name}`"))?;
    let original = &module.info().bytes;
    silo::snapshot::check_preinitializable(original)
        .with_context(|| format!("cannot pre-initialize `{name}`"))?;
    if module.info().export(&args.init_func).is_none() {
        bail!(
            "`{name}` exports no function `{}` to initialize it (name the initializer with \
             --init-func)",
            args.init_func
        );
    }

    let wasi = WasiCtxBuilder::from_policy(&policy)?.build();
    let mut store = Store::new(&engine, wasi);
    policy.apply_to_store(&mut store)?;
    let mut linker = Linker::new(&engine);
    silo::wasi::add_to_linker(&mut linker, |wasi: &mut WasiCtx| wasi)?;
    let instance = linker
        .instantiate(&mut store, &module)
        .with_context(|| format!("failed to instantiate `{name}`"))?;
    let mut removed = Vec::new();
    let mut initializers = Vec::new();
    if args.init_func != REACTOR_INIT && module.info().export(REACTOR_INIT).is_some() {
        initializers.push(REACTOR_INIT);
    }
    initializers.push(args.init_func.as_str());
    for init in initializers {
        let func = instance
            .get_func(&store, init)
            .with_context(|| format!("`{name}` exports `{init}`, but not as a function"))?;
        let ty = func.ty(&store);
        if !ty.params.is_empty() || !ty.results.is_empty() {
            bail!("`{init}` must take no arguments and return nothing, but its type is {ty}");
        }
        let outcome = func.call(&mut store, &[], &mut []).and_then(|()| Ok(store.check_stop()?));
        if let Err(e) = outcome {
            return Err(initializer_failed(e, init, &args.file));
        }
        if init == REACTOR_INIT || !args.keep_init_func {
            removed.push(init);
        }
    }

    // The objects of the garbage-collected heap that globals and tables hold are taken too: the
    // new module builds them again when it starts.
    let mut heap = silo::HeapCapture::new();
    let state = silo::snapshot::InstanceState::capture_with(&store, &instance, Some(&mut heap))
        .with_context(|| format!("cannot pre-initialize `{name}`"))?;
    let image = heap
        .finish(&store, &instance)
        .with_context(|| format!("cannot pre-initialize `{name}`"))?;
    let objects = silo::snapshot::objects_out(image);
    let output =
        silo::snapshot::write_preinitialized_with_heap(original, &state, &objects, &removed)
            .with_context(|| format!("cannot pre-initialize `{name}`"))?;
    super::output::write_atomically(&args.output, &output)
        .with_context(|| format!("cannot write `{}`", args.output.display()))
}

/// The error for an initializer that did not return: its exit status or its trap.
fn initializer_failed(error: Error, init: &str, file: &Path) -> anyhow::Error {
    let name = file.display();
    match error {
        Error::Trap(trap) => match trap.exit_status() {
            Some(status) => anyhow::anyhow!(
                "`{init}` of `{name}` exited (status {status}) instead of returning; nothing written"
            ),
            None => anyhow::anyhow!("`{init}` of `{name}` trapped: {trap}; nothing written"),
        },
        other => anyhow::Error::new(other).context(format!("`{init}` of `{name}` failed")),
    }
}
