//! Validation marks: a large module this build of Silo validated once is not validated body by
//! body again.
//!
//! Validating function bodies is most of what starting a large module costs in the interpreter
//! and the tiered engine (a 30 MB C++ program printing its version: 60% of the run in the
//! validator, 1% translating the functions it ran, so keeping interpreter translations would not
//! pay). After validating a module of at least [`WORTH_MARKING`] bytes (a local file, or a
//! download or cached copy of a URL's module), `silo run` leaves a mark
//! in the cache of native code — the features the module uses, under a key naming this build,
//! the engine settings (or, for the interpreter engine, the proposals it validates with) and the
//! module's SHA-256 — and the next run of the same bytes loads them
//! with their sections validated again and their bodies trusted, as it does for cached native
//! code (`silo::loader::load_binary_revalidating_sections`). The mark is trusted as cached code
//! is: the cache is the user's own (owner-only), and anyone who can write there could plant
//! native code, which is worse. A mark that does not read back is replaced by a fresh one.

use anyhow::Context;
use silo::fetch::Cache;
use silo::loader::FeatureSet;
use silo::{Engine, Module};

/// Below this many bytes, validating costs less than looking for a mark.
pub const WORTH_MARKING: usize = 256 << 10;

/// `bytes` (a binary module) compiled for `engine`, validated unless the cache holds a mark
/// under `key` (`mark_key`) saying this build validated them; marked when validated here.
pub fn compile(
    engine: &Engine,
    bytes: &[u8],
    name: &str,
    verbose: bool,
    cache: &Cache,
    key: &str,
) -> anyhow::Result<Module> {
    if let Some(module) = load_marked(engine, bytes, name, verbose, cache, key) {
        return Ok(module);
    }
    let module =
        Module::new(engine, bytes).with_context(|| format!("failed to compile `{name}`"))?;
    leave_mark(&module, cache, key);
    Ok(module)
}

/// `bytes` loaded with their bodies trusted, if they are large enough to be marked and the cache
/// holds the mark `key` for them.
pub fn load_marked(
    engine: &Engine,
    bytes: &[u8],
    name: &str,
    verbose: bool,
    cache: &Cache,
    key: &str,
) -> Option<Module> {
    if bytes.len() < WORTH_MARKING || !bytes.starts_with(b"\0asm") {
        return None;
    }
    let module = cache.code(key).and_then(|mark| marked(engine, bytes, &mark))?;
    if verbose {
        eprintln!("silo: `{name}` was validated by this Silo before: its bodies are trusted");
    }
    Some(module)
}

/// Leaves the mark `key` for `module`, validated here, if it is large enough to be worth it.
pub fn leave_mark(module: &Module, cache: &Cache, key: &str) {
    let bytes = &module.info().bytes;
    if bytes.len() < WORTH_MARKING || !bytes.starts_with(b"\0asm") {
        return;
    }
    // A cache that cannot be written costs the next run a validation, nothing else.
    let _ = cache.store_code(key, &module.info().features.bits().to_le_bytes());
}

/// What marks for `engine` are keyed by: its native code's identity (`silo::native_code_identity`:
/// this build, the machine, the engine settings), or for an engine without native code this build
/// and the proposals it validates with.
pub fn identity(engine: &Engine) -> String {
    silo::native_code_identity(engine).unwrap_or_else(|| {
        let features = format!("{:?}", engine.features()).replace(' ', "");
        format!("{} | interpreter | features={features}", silo::build_id())
    })
}

/// The cache key of the mark of a module with digest `digest`, for code of `identity`
/// (`silo::native_code_identity`: this build, the machine, the engine settings).
pub fn mark_key(identity: &str, digest: &impl std::fmt::Display) -> String {
    format!("{identity} | validated | {digest}")
}

/// The module loaded with its bodies trusted, if `mark` reads as the features it uses.
fn marked(engine: &Engine, bytes: &[u8], mark: &[u8]) -> Option<Module> {
    let used = FeatureSet::from_bits(u32::from_le_bytes(mark.try_into().ok()?));
    let info =
        silo::loader::load_binary_revalidating_sections(bytes, engine.features(), used).ok()?;
    Module::from_loaded(engine, info).ok()
}
