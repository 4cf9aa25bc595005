//! Where `silo run` gets its module: a local file, or an `http://`/`https://` URL streamed
//! through the cache; `--sha256` pins either. Also `silo cache list|clean`.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use silo::fetch::{Cache, FetchOptions, Fetched, Fetcher, ModuleDigest, Origin};
use silo::{Engine, Module};

pub use super::hot_code::HotCode;
use super::validated;

/// The module-source flags of `silo run`.
#[derive(clap::Args, Default)]
pub struct FetchArgs {
    /// Refuse the module unless its SHA-256 is this (64 hexadecimal digits), before any of it
    /// runs: a downloaded module and a local file alike.
    #[arg(long, value_name = "HEX")]
    pub sha256: Option<ModuleDigest>,
    /// Run a URL's module from the cache only, without the network.
    #[arg(long)]
    pub offline: bool,
    /// Neither read nor fill the module cache.
    #[arg(long, conflicts_with = "offline")]
    pub no_cache: bool,
    #[command(flatten)]
    pub cache: CacheDirArgs,
    /// Say on stderr where the module came from and how long loading it took.
    #[arg(short, long)]
    pub verbose: bool,
    /// Run a module precompiled by `silo compile` (`.silo`): its native code is trusted as
    /// Silo's own, so only for files from a trusted source.
    #[arg(long)]
    pub allow_precompiled: bool,
}

/// Which cache directory, and how large it may grow.
#[derive(clap::Args, Default)]
pub struct CacheDirArgs {
    /// The cache directory [default: $XDG_CACHE_HOME/silo, else ~/.cache/silo].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// The most the cache keeps, e.g. `2GiB` (the least recently used modules go first).
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size,
          default_value_t = silo::fetch::cache::DEFAULT_MAX_BYTES)]
    pub cache_max_size: u64,
}

impl CacheDirArgs {
    /// Opens the cache.
    pub fn open(&self) -> anyhow::Result<Cache> {
        let dir = match &self.cache_dir {
            Some(dir) => dir.clone(),
            None => Cache::default_dir().context(
                "no cache directory: neither XDG_CACHE_HOME nor HOME is set (give --cache-dir or --no-cache)",
            )?,
        };
        let cache = Cache::open(&dir)
            .with_context(|| format!("cannot open the cache directory `{}`", dir.display()))?;
        Ok(cache.with_max_bytes(self.cache_max_size))
    }
}

/// A module ready to instantiate, and what `-v` says about it.
pub struct Loaded {
    pub module: Module,
    /// When the module's last byte was in hand.
    pub last_byte: Instant,
    /// Under `tiered`, where to keep the native code of the functions this run finds hot.
    pub hot_code: Option<HotCode>,
}

/// Loads `source` (a path or a URL) for `engine`, checking its digest against `--sha256` or the
/// policy's `sha256`; with native code from the cache when it holds some for this module and
/// engine (and, under `--engine jit`, compiled into it otherwise).
pub fn load(
    args: &FetchArgs,
    source: &Path,
    pinned_by_policy: Option<&str>,
    max_size: u64,
    engine: &Engine,
) -> anyhow::Result<Loaded> {
    let pin = match (args.sha256, pinned_by_policy) {
        (Some(pin), _) => Some(pin),
        (None, Some(text)) => Some(text.parse().context("the policy's sha256")?),
        (None, None) => None,
    };
    let name = source.display().to_string();
    let text = source.to_string_lossy();
    let code_identity = if args.no_cache { None } else { silo::native_code_identity(engine) };
    // What a validation mark is keyed by: the native code's identity, or this build and the
    // proposals an interpreter engine validates with.
    let mark_identity = if args.no_cache { None } else { Some(validated::identity(engine)) };
    // Under the jit engine with the code cache, a download is only validated as it streams:
    // the native code comes from the cache, or is compiled whole for it.
    let validate_only = code_identity.is_some() && engine.strategy() == silo::Strategy::Jit;
    let native_from_cache = Rc::new(Cell::new(false));
    let trusted_by_mark = Rc::new(Cell::new(false));
    let (loaded, cache, key, digest, last_byte) = if silo::fetch::is_url(&text) {
        // A module the cache holds with its native code, or with a mark saying this build
        // validated it, needs no validation of its bodies.
        let load_cached = mark_identity.clone().map(|marks| {
            let (engine, name, hit) = (engine.clone(), name.clone(), native_from_cache.clone());
            let (marked, code) = (trusted_by_mark.clone(), code_identity.clone());
            let (verbose, cache) = (args.verbose, args.cache.open());
            Box::new(move |wasm: &[u8], digest: ModuleDigest| {
                let cache = cache.as_ref().ok()?;
                if let Some(identity) = &code {
                    let key = code_key(identity, &digest, &engine);
                    let cached =
                        cached_code(verbose, &name, wasm, &digest, None, &engine, cache, &key);
                    if cached.is_some() {
                        hit.set(true);
                        return cached;
                    }
                }
                let mark = validated::mark_key(&marks, &digest);
                let module = validated::load_marked(&engine, wasm, &name, verbose, cache, &mark)?;
                marked.set(true);
                Some(module)
            }) as silo::fetch::LoadCached
        });
        let (fetched, cache) =
            fetch(args, &text, pin, max_size, engine, validate_only, load_cached)?;
        if let (Some(cache), Some(identity)) = (&cache, &mark_identity)
            && !native_from_cache.get()
            && !trusted_by_mark.get()
        {
            // Validated here, from the network or the cached copy: the next run need not.
            validated::leave_mark(
                &fetched.module,
                cache,
                &validated::mark_key(identity, &fetched.digest),
            );
        }
        let key = code_identity.map(|identity| code_key(&identity, &fetched.digest, engine));
        (fetched.module, cache, key, fetched.digest, fetched.stats.last_byte)
    } else {
        if args.offline {
            bail!("--offline applies to a URL, not to the file `{name}`");
        }
        let started = Instant::now();
        let bytes = super::read_module(source, max_size)?;
        let last_byte = Instant::now();
        // Without native code, only a module large enough to be marked needs the cache: the
        // interpreter's start-up is not made to hash a small module and open a directory.
        let mark_identity = mark_identity
            .filter(|_| code_identity.is_some() || bytes.len() >= validated::WORTH_MARKING);
        if args.verbose {
            eprintln!("silo: read `{name}` ({} bytes) in {}", bytes.len(), ms(last_byte - started));
        }
        // The pin is on the file as given.
        let mut digest =
            (pin.is_some() || mark_identity.is_some()).then(|| ModuleDigest::of(&bytes));
        if let (Some(expected), Some(actual)) = (pin, digest)
            && actual != expected
        {
            bail!("`{name}`: integrity check failed: expected sha256 {expected}, got {actual}");
        }
        if Module::is_artifact(&bytes) {
            return precompiled(args, &name, &bytes, engine, last_byte);
        }
        // Cached code holds the binary module it was compiled from: text is assembled first, so
        // that its entry is found and matches (text that does not assemble is left for the
        // compiler to report).
        let bytes = match mark_identity.as_ref().and_then(|_| assembled(&bytes)) {
            Some(binary) => {
                digest = Some(ModuleDigest::of(&binary));
                binary
            }
            None => bytes,
        };
        let cache = match mark_identity.as_ref().map(|_| args.cache.open()) {
            Some(Ok(cache)) => Some(cache),
            // The cache is an optimization for a local file: without one (no home directory,
            // a read-only one), the module is compiled as usual; `-v` says why.
            Some(Err(e)) => {
                if args.verbose {
                    eprintln!("silo: no cache (of native code and validation marks): {e:#}");
                }
                None
            }
            None => None,
        };
        let compile =
            || Module::new(engine, &bytes).with_context(|| format!("failed to compile `{name}`"));
        let mark =
            mark_identity.as_ref().zip(digest.as_ref()).map(|(id, d)| validated::mark_key(id, d));
        let key = code_identity.zip(digest).map(|(id, digest)| code_key(&id, &digest, engine));
        let module = match (&cache, &key, &mark, &digest) {
            // Cached native code needs no validation of the bodies it was compiled from, and
            // neither does a module this build validated before.
            (Some(cache), Some(key), Some(mark), Some(digest)) => {
                let verbose = args.verbose;
                match cached_code(verbose, &name, &bytes, digest, None, engine, cache, key) {
                    Some(module) => module,
                    None => {
                        let module =
                            validated::compile(engine, &bytes, &name, verbose, cache, mark)?;
                        compile_and_cache(args, &name, module, false, engine, cache, key, digest)?
                    }
                }
            }
            // No native code: a module this build validated before is still not validated again.
            (Some(cache), None, Some(mark), Some(_)) => {
                validated::compile(engine, &bytes, &name, args.verbose, cache, mark)?
            }
            _ => compile()?,
        };
        report_ready(args, &name, last_byte);
        let hot_code = HotCode::for_run(cache, key, engine, &module, &name);
        return Ok(Loaded { module, last_byte, hot_code });
    };
    let module = match (&cache, &key) {
        // The fetcher found the module's native code in the cache already.
        _ if native_from_cache.get() => loaded,
        (Some(cache), Some(key)) => {
            let wasm = &loaded.info().bytes;
            let verbose = args.verbose;
            match cached_code(verbose, &name, wasm, &digest, Some(&loaded), engine, cache, key) {
                Some(module) => module,
                None => {
                    let validated = validate_only;
                    compile_and_cache(args, &name, loaded, validated, engine, cache, key, &digest)?
                }
            }
        }
        _ => loaded,
    };
    report_ready(args, &name, last_byte);
    let hot_code = HotCode::for_run(cache, key, engine, &module, &name);
    Ok(Loaded { module, last_byte, hot_code })
}

/// `bytes` assembled into the binary format if they are text that assembles.
fn assembled(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.starts_with(b"\0asm") {
        return None;
    }
    silo::loader::assemble(std::str::from_utf8(bytes).ok()?).ok()
}

/// `-v`: when the module became ready.
fn report_ready(args: &FetchArgs, name: &str, last_byte: Instant) {
    if args.verbose {
        let since = ms(last_byte.elapsed());
        eprintln!("silo: `{name}` ready to instantiate {since} after its last byte");
    }
}

/// The key of a module's native code in the cache: all of it (under `jit`), or the functions
/// found hot (under `tiered`, which keeps its own entry: loading a whole module's code would
/// make a short run slower than starting in the interpreter).
fn code_key(identity: &str, digest: &ModuleDigest, engine: &Engine) -> String {
    match engine.strategy() {
        silo::Strategy::Tiered => format!("{identity} | hot | {digest}"),
        _ => format!("{identity} | {digest}"),
    }
}

/// The module `wasm` with its native code from the cache, if the cache holds it for this
/// engine; `loaded` is the module already validated, if it is. A bad entry is dropped with a
/// warning.
#[allow(clippy::too_many_arguments)] // the module three ways, and where its code is
fn cached_code(
    verbose: bool,
    name: &str,
    wasm: &[u8],
    digest: &ModuleDigest,
    loaded: Option<&Module>,
    engine: &Engine,
    cache: &Cache,
    key: &str,
) -> Option<Module> {
    let saved = cache.code(key)?;
    // Entries name their module by its SHA-256 (they do not hold it): an entry naming another
    // module (a swapped file) is as bad as a damaged one.
    let loaded_here = super::native_code::load_own_for(engine, loaded, &saved, wasm, digest);
    match loaded_here {
        Ok(module) => {
            if verbose {
                let n = module.native_function_count();
                eprintln!("silo: native code of {n} functions of `{name}` from the cache");
            }
            Some(module)
        }
        Err(e) => {
            cache.drop_code(key, &e.to_string());
            for warning in cache.take_warnings() {
                eprintln!("warning: {warning}");
            }
            None
        }
    }
}

/// `silo run app.silo`: a module compiled by `silo compile`, run only with
/// `--allow-precompiled` (its native code is trusted as Silo's own).
fn precompiled(
    args: &FetchArgs,
    name: &str,
    bytes: &[u8],
    engine: &Engine,
    last_byte: Instant,
) -> anyhow::Result<Loaded> {
    if !args.allow_precompiled {
        bail!(
            "`{name}` is a precompiled module: its native code runs with Silo's own privileges, \
             outside the sandbox's checks; run it with --allow-precompiled only if you trust \
             whoever made it"
        );
    }
    let module = super::native_code::load_vouched_for(engine, bytes)
        .with_context(|| format!("cannot run `{name}`"))?;
    Ok(Loaded { module, last_byte, hot_code: None })
}

/// The module for `engine` after a miss in the cache of native code: under the `Jit` strategy
/// without a deadline, compiled whole and stored for the next run. `loaded` is the module,
/// validated (for an interpreter engine with the same proposals when `validated_only`, else for
/// `engine`).
#[allow(clippy::too_many_arguments)] // the module, how it was validated, and where its code goes
fn compile_and_cache(
    args: &FetchArgs,
    name: &str,
    loaded: Module,
    validated_only: bool,
    engine: &Engine,
    cache: &Cache,
    key: &str,
    digest: &ModuleDigest,
) -> anyhow::Result<Module> {
    let module = if validated_only {
        Module::from_loaded(engine, loaded.info().clone())
            .with_context(|| format!("failed to compile `{name}`"))?
    } else {
        loaded
    };
    // Compiling whole happens before the guest's deadline is set, so an engine with deadlines
    // compiles on first call as usual (under the deadline), uncached.
    if engine.strategy() == silo::Strategy::Jit && !engine.config().is_interruptible() {
        let started = Instant::now();
        match module.serialize_without_module() {
            Ok(saved) => {
                if let Err(e) = cache.store_code(key, &saved) {
                    eprintln!("warning: could not cache the native code of `{name}`: {e}");
                }
                if args.verbose {
                    eprintln!(
                        "silo: compiled `{name}` in {}, cached its native code",
                        ms(started.elapsed())
                    );
                }
                let wasm = &module.info().bytes;
                let loaded =
                    super::native_code::load_own_for(engine, Some(&module), &saved, wasm, digest);
                return loaded.with_context(|| format!("failed to load `{name}`"));
            }
            // A module the saving compiler cannot take runs as usual, compiled on first call.
            Err(e) => eprintln!("warning: the native code of `{name}` cannot be cached: {e}"),
        }
    }
    Ok(module)
}

/// Fetches a URL's module through the cache; returns the cache too. With `validate_only`, the
/// module is only validated as it streams (an interpreter's module), since its native code will
/// come from the cache or be compiled whole for it; `load_cached` may give a module the cache
/// holds faster (with its cached native code).
fn fetch(
    args: &FetchArgs,
    url: &str,
    sha256: Option<ModuleDigest>,
    max_size: u64,
    engine: &Engine,
    validate_only: bool,
    load_cached: Option<silo::fetch::LoadCached>,
) -> anyhow::Result<(Fetched, Option<Cache>)> {
    let cache = if args.no_cache { None } else { Some(args.cache.open()?) };
    let options = FetchOptions {
        cache,
        offline: args.offline,
        sha256,
        max_size,
        progress: true,
        load_cached,
        ..FetchOptions::default()
    };
    let fetcher = Fetcher::new(options);
    let validator = validate_only.then(|| {
        let mut config = engine.config().clone();
        config.strategy(silo::Strategy::Interpreter);
        Engine::new(&config)
    });
    let fetched = fetcher.fetch(validator.as_ref().unwrap_or(engine), url)?;
    for warning in &fetched.warnings {
        eprintln!("warning: {warning}");
    }
    if args.verbose {
        report(url, &fetched);
    }
    Ok((fetched, fetcher.into_cache()))
}

/// `-v`: where the module came from and how long each step took.
fn report(url: &str, fetched: &Fetched) {
    let s = &fetched.stats;
    let origin = match fetched.origin {
        Origin::Network => {
            let rate = s.bytes as f64 / s.download.as_secs_f64().max(1e-9) / 1e6;
            format!(
                "downloaded in {} ({rate:.1} MB/s), {} functions validated while downloading",
                ms(s.download),
                s.functions_validated_while_downloading
            )
        }
        Origin::Revalidated => "the cached copy (the server said it is current)".to_string(),
        Origin::Cache => "the cached copy (no network)".to_string(),
    };
    eprintln!(
        "silo: {url} ({} bytes, sha256 {}): {origin}; ready {} after the last byte",
        s.bytes,
        fetched.digest,
        ms(s.finish)
    );
}

/// A duration in milliseconds, for `-v`.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// `silo cache`: what the module cache holds, and cleaning it.
#[derive(clap::Subcommand)]
pub enum CacheCommand {
    /// List the cached modules, most recently used first.
    List {
        #[command(flatten)]
        cache: CacheDirArgs,
    },
    /// Remove cached modules: all of them, or those not used for `--older-than`.
    Clean {
        /// Remove only the modules not used for this long, e.g. `30d`, `12h`.
        #[arg(long, value_name = "DURATION", value_parser = silo::sandbox::parse_duration)]
        older_than: Option<Duration>,
        #[command(flatten)]
        cache: CacheDirArgs,
    },
}

/// Runs `silo cache ...`.
pub fn cache_command(command: &CacheCommand) -> anyhow::Result<()> {
    match command {
        CacheCommand::List { cache } => {
            let cache = cache.open()?;
            let listed = cache.list().context("cannot list the cache")?;
            if listed.is_empty() {
                println!("the cache `{}` holds no module", cache.dir().display());
            }
            for entry in listed {
                let age = SystemTime::now().duration_since(entry.last_used).unwrap_or_default();
                let urls =
                    if entry.urls.is_empty() { "-".to_string() } else { entry.urls.join(" ") };
                println!("{}  {:>10}  {:>8} ago  {urls}", entry.sha256, entry.size, age_text(age));
            }
        }
        CacheCommand::Clean { older_than, cache } => {
            let cache = cache.open()?;
            let cleaned = cache.clean(*older_than).context("cannot clean the cache")?;
            let plural = if cleaned.modules == 1 { "" } else { "s" };
            let code = match cleaned.code {
                0 => String::new(),
                1 => " and 1 compiled module".to_string(),
                n => format!(" and {n} compiled modules"),
            };
            println!("removed {} module{plural}{code} ({} bytes)", cleaned.modules, cleaned.bytes);
        }
    }
    Ok(())
}

/// A coarse age: `42s`, `5m`, `3h`, `12d`.
fn age_text(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}
