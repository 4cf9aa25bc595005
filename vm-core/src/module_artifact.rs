//! Compiled modules that outlive their process: [`Module::serialize`] compiles every function to
//! native code and writes the module with its code (`silo compile`, the compiled-code cache), and
//! [`Module::deserialize`] brings it back in a later process without compiling.
//!
//! ```text
//! "\0silo-native\n"     magic
//! u32                   format version
//! str                   build: Silo's version and this executable's identity (size, time, inode)
//! str                   compiler: target and CPU features (`Compiler::fingerprint`)
//! str                   settings: what the engine's code depends on (fuel checks, guards, ...)
//! [u8; 32]              SHA-256 of the WebAssembly module
//! u32, u32 * n          the canonical type ids the code was compiled against
//! u32                   the features the module's bodies use (found when it was validated)
//! bytes                 the WebAssembly module (length-prefixed)
//! bytes                 the native code (`NativeModule::save`)
//! [u8; 16]              XXH3-128 of everything above
//! ```
//!
//! Loading checks the checksum first (a damaged file is an error, never a crash), then that the
//! artifact was made by this very executable, for this machine and these settings, each with its
//! own message; the module's sections are validated again (its function bodies were, when it was
//! compiled, by this same build), and its types must get the same canonical ids.
//! Native code cannot be verified: `deserialize` is `unsafe`, for bytes this process or the
//! user's own cache wrote, never for a file from elsewhere. So the checksum only has to catch
//! damage, not forgery: XXH3-128 does at memory speed (a warm start of a 4.5 MB module reads a
//! 20 MB artifact, whose SHA-256 took a fifth of the start), and the module's own SHA-256 is
//! written for the cache's key, not computed again when loading.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use twox_hash::XxHash3_128;

use crate::engine::Engine;
use crate::error::Error;
use crate::module::{CompileScratch, Module};
use crate::stream_compile::Precompiled;

/// The first bytes of every artifact.
pub const ARTIFACT_MAGIC: &[u8] = b"\0silo-native\n";
/// The layout's version.
const FORMAT: u32 = 3;
/// The bytes of the trailing checksum.
const CHECKSUM_LEN: usize = 16;

impl Module {
    /// Whether `bytes` are a compiled module ([`Module::serialize`]'s output) rather than
    /// WebAssembly.
    pub fn is_artifact(bytes: &[u8]) -> bool {
        bytes.starts_with(ARTIFACT_MAGIC)
    }

    /// Compiles every function of the module to native code (on every core, as the `Jit`
    /// strategy does) and returns the module and its code as bytes [`Module::deserialize`] loads
    /// in a later run of the same executable on the same machine. The engine must run native
    /// code (`Jit` or `Tiered`).
    pub fn serialize(&self) -> Result<Vec<u8>, Error> {
        let all: Vec<u32> = (0..self.inner.info.num_defined_funcs()).collect();
        self.serialize_functions(&all)
    }

    /// Like [`Module::serialize`], leaving the WebAssembly module out: see
    /// [`Module::serialize_functions_without_module`].
    pub fn serialize_without_module(&self) -> Result<Vec<u8>, Error> {
        let all: Vec<u32> = (0..self.inner.info.num_defined_funcs()).collect();
        self.serialize_parts(&all, false)
    }

    /// Like [`Module::serialize`], with native code for the defined functions `defs` only
    /// (indices among the module's own functions; duplicates and unknown indices are ignored):
    /// what a `Tiered` engine found hot, say ([`Module::native_functions`]). A module loaded
    /// from it starts with those functions native and the others as usual for its engine —
    /// interpreted until hot under `Tiered`, compiled at the first call under `Jit`.
    pub fn serialize_functions(&self, defs: &[u32]) -> Result<Vec<u8>, Error> {
        self.serialize_parts(defs, true)
    }

    /// Like [`Module::serialize_functions`], leaving the WebAssembly module out (the artifact
    /// names it by its SHA-256): for a cache that keeps the module's bytes anyway, keyed by that
    /// digest, so the artifact is smaller by the whole module (30 MB for a large C++ program).
    /// Load it with [`Module::deserialize_for_module`].
    pub fn serialize_functions_without_module(&self, defs: &[u32]) -> Result<Vec<u8>, Error> {
        self.serialize_parts(defs, false)
    }

    fn serialize_parts(&self, defs: &[u32], embed_module: bool) -> Result<Vec<u8>, Error> {
        let engine = self.engine();
        let config = engine.config();
        let unsupported =
            |why: String| Error::Unsupported(format!("serializing native code: {why}"));
        let compiler = match (&config.compiler, config.runs_native()) {
            (Some(compiler), true) => compiler,
            _ => return Err(unsupported("the engine runs no native code".into())),
        };
        let inner = &self.inner;
        let info = &inner.info;
        let scratch = CompileScratch::new(info.num_defined_funcs() as usize);
        let env = scratch.env(engine, info, &inner.type_ids);
        let saving = compiler
            .new_saving_module(&env)
            .ok_or_else(|| unsupported(format!("the {} compiler cannot", compiler.name())))?;
        let order = crate::callgraph::compile_order_of(info, defs);
        for (def, result) in order.iter().zip(saving.compile_batch(&env, &order, &|| false)) {
            result.map_err(|e| unsupported(format!("function {def}: {e}")))?;
        }
        let code = saving.save().map_err(unsupported)?;

        let mut out = Vec::with_capacity(info.bytes.len() + code.len() + 256);
        out.extend_from_slice(ARTIFACT_MAGIC);
        out.extend_from_slice(&FORMAT.to_le_bytes());
        put_bytes(&mut out, build_id().as_bytes());
        put_bytes(&mut out, compiler.fingerprint().as_bytes());
        put_bytes(&mut out, settings(engine).as_bytes());
        out.extend_from_slice(&Sha256::digest(&info.bytes));
        out.extend_from_slice(&(inner.type_ids.len() as u32).to_le_bytes());
        for id in inner.type_ids.iter() {
            out.extend_from_slice(&id.as_u32().to_le_bytes());
        }
        out.extend_from_slice(&info.features.bits().to_le_bytes());
        // An empty module field: the module is not embedded (a valid module is never empty).
        put_bytes(&mut out, if embed_module { &info.bytes } else { &[] });
        put_bytes(&mut out, &code);
        let sum = XxHash3_128::oneshot(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        Ok(out)
    }

    /// Loads a module [`Module::serialize`] wrote, with its native code, for `engine` (whose
    /// settings must be those it was compiled with). An artifact from another build of Silo, for
    /// another machine, with other settings, or damaged, is an [`Error::Artifact`] saying which.
    ///
    /// # Safety
    /// The native code in `bytes` is run as it is: it must come from `Module::serialize` (this
    /// process, or a file only this user could write, such as Silo's cache), never from a party
    /// the host does not trust with its own privileges.
    pub unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        // SAFETY: the caller keeps this function's contract, which is `load`'s.
        unsafe { load(engine, bytes, None, None) }
    }

    /// Like [`Module::deserialize`], for an artifact written with or without its module
    /// ([`Module::serialize_functions_without_module`]): `wasm` is the module, whose SHA-256 the
    /// caller computed (`wasm_sha256`); an artifact naming another module is an
    /// [`Error::Artifact`] saying so. The module's function bodies are not validated (the build
    /// that compiled the code validated them); with `loaded`, the same module already validated,
    /// it is not parsed again either.
    ///
    /// # Safety
    /// As [`Module::deserialize`]; and `wasm_sha256` is the SHA-256 of `wasm`.
    pub unsafe fn deserialize_for_module(
        engine: &Engine,
        bytes: &[u8],
        wasm: &[u8],
        wasm_sha256: &[u8; 32],
        loaded: Option<&Module>,
    ) -> Result<Module, Error> {
        // SAFETY: the caller keeps this function's contract, which is `load`'s.
        unsafe { load(engine, bytes, loaded.map(Module::info), Some((wasm, wasm_sha256))) }
    }

    /// Like [`Module::deserialize`], given `loaded`: the same WebAssembly module, already
    /// validated (for `engine` or an engine with the same proposals), which is then not
    /// validated again.
    ///
    /// # Safety
    /// As [`Module::deserialize`].
    pub unsafe fn deserialize_with(
        engine: &Engine,
        loaded: &Module,
        bytes: &[u8],
    ) -> Result<Module, Error> {
        // SAFETY: the caller keeps this function's contract, which is `load`'s.
        unsafe { load(engine, bytes, Some(loaded.info()), None) }
    }
}

/// `Module::deserialize`, reusing `known` (a module validated for `engine`) when the artifact
/// holds the same WebAssembly bytes, and taking the module from `external` (its bytes and their
/// SHA-256) when the artifact does not embed it.
///
/// # Safety
/// As `Module::deserialize`; an `external` digest is that of its bytes.
unsafe fn load(
    engine: &Engine,
    bytes: &[u8],
    known: Option<&silo_loader::Module>,
    external: Option<(&[u8], &[u8; 32])>,
) -> Result<Module, Error> {
    let bad = |why: &str| Error::Artifact(why.to_string());
    if !Module::is_artifact(bytes) {
        return Err(bad("not a compiled Silo module"));
    }
    let split = bytes.len().saturating_sub(CHECKSUM_LEN).max(ARTIFACT_MAGIC.len());
    let (body, sum) = bytes.split_at(split);
    if sum.len() != CHECKSUM_LEN || XxHash3_128::oneshot(body).to_le_bytes()[..] != sum[..] {
        return Err(bad("the file is damaged (its checksum does not match)"));
    }
    let mut r = Fields { bytes: body, at: ARTIFACT_MAGIC.len() };
    if r.u32()? != FORMAT {
        return Err(bad("written in another format version; compile it again"));
    }
    let build = r.text()?;
    if build != build_id() {
        return Err(bad(&format!(
            "compiled by another build of Silo ({build}); this is {}: compile it again",
            build_id()
        )));
    }
    let config = engine.config();
    let compiler = match (&config.compiler, config.runs_native()) {
        (Some(compiler), true) => compiler,
        _ => return Err(bad("the engine runs no native code (use --engine jit or tiered)")),
    };
    if r.text()? != compiler.fingerprint() {
        return Err(bad("compiled for another machine (its CPU features differ)"));
    }
    let wanted = settings(engine);
    let had = r.text()?;
    if had != wanted {
        // Name only the settings that differ.
        let now: Vec<&str> = wanted.split(' ').collect();
        let differ: Vec<String> = had
            .split(' ')
            .zip(&now)
            .filter(|(a, b)| a != *b)
            .map(|(a, b)| format!("{a} (now {})", b.split_once('=').map_or(*b, |(_, v)| v)))
            .collect();
        return Err(bad(&format!(
            "compiled with other engine settings: {}; compile it again with the flags it runs with",
            differ.join(", ")
        )));
    }
    // The module's digest: written for those who key the artifact by it; the checksum covers it.
    let digest = r.take(32)?;
    let n = r.u32()? as usize;
    let ids = (0..n).map(|_| r.u32()).collect::<Result<Vec<u32>, _>>()?;
    let used = silo_loader::FeatureSet::from_bits(r.u32()?);
    let embedded = r.field()?;
    let code = r.field()?;
    if let Some((_, sha256)) = external
        && digest != &sha256[..]
    {
        return Err(bad("it holds another module"));
    }
    let wasm = match (embedded, external) {
        (embedded, _) if !embedded.is_empty() => embedded,
        (_, Some((wasm, _))) => wasm,
        (_, None) => return Err(bad("it does not hold its module: load it with the module")),
    };
    let info = match known {
        Some(info) if *info.bytes == *wasm && info.validated_with.is_subset(engine.features()) => {
            info.clone()
        }
        // The checksum holds, and this build validated the bodies when it compiled them.
        _ => silo_loader::load_binary_revalidating_sections(wasm, engine.features(), used)?,
    };
    crate::features::check_supported(info.features)?;
    let type_ids = engine.inner.registry.register_module(&info.types, &info.rec_groups);
    if type_ids.iter().map(|id| id.as_u32()).ne(ids.iter().copied()) {
        // The engine registered other types first: the code's type checks would be wrong.
        return Err(bad("its types got other ids in this engine; compile it in this engine"));
    }
    let scratch = CompileScratch::new(info.num_defined_funcs() as usize);
    let env = scratch.env(engine, &info, &type_ids);
    let (jit, funcs) = compiler.load_module(&env, code).map_err(|e| bad(&e))?;
    Module::from_loaded_precompiled(engine, info, Precompiled { jit, funcs })
}

/// Everything native code compiled by `engine` depends on besides its module — this build of
/// Silo, the machine, the settings — as one line: with the module's digest, the key of the code
/// in a cache. `None` when the engine runs no native code.
pub fn native_code_identity(engine: &Engine) -> Option<String> {
    let config = engine.config();
    let compiler = config.compiler.as_ref().filter(|_| config.runs_native())?;
    Some(format!("{} | {} | {}", build_id(), compiler.fingerprint(), settings(engine)))
}

/// What compiled code depends on in the engine's settings.
fn settings(engine: &Engine) -> String {
    let c = engine.config();
    let features = format!("{:?}", engine.features()).replace(' ', "");
    format!(
        "metered={} guard={:?} call_depth={} checkpoints={} relaxed_simd_deterministic={} \
         features={features}",
        c.metered(),
        c.memory_guard(),
        c.native_call_depth,
        c.native_checkpoints,
        c.relaxed_simd_deterministic,
    )
}

/// This build of Silo: its version and the identity of the executable it runs in (size,
/// modification time, inode), so that code from any other build, even of the same version, is
/// refused.
pub fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        let exe = std::fs::metadata("/proc/self/exe")
            .map(|m| format!("{}:{}.{}:{}", m.size(), m.mtime(), m.mtime_nsec(), m.ino()))
            .unwrap_or_else(|_| "unknown".into());
        format!("silo {} ({exe})", env!("CARGO_PKG_VERSION"))
    })
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Reads an artifact's fields, each read checked against its end.
struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| Error::Artifact("cut short".into()))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("four bytes")))
    }
    fn field(&mut self) -> Result<&'a [u8], Error> {
        let n = u64::from_le_bytes(self.take(8)?.try_into().expect("eight bytes"));
        self.take(usize::try_from(n).unwrap_or(usize::MAX))
    }
    fn text(&mut self) -> Result<String, Error> {
        Ok(String::from_utf8_lossy(self.field()?).into_owned())
    }
}
