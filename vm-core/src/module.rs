//! A module compiled for an engine: the loader's validated module, the canonical ids of its types,
//! and per function the code each tier runs, filled lazily.
//!
//! `compiled` is what the interpreter enters when the function is called: its interpreter code,
//! translated on the first call, or, once the function has native code, a stub whose one
//! instruction calls the native code through its slot-array trampoline. `native` is what native
//! callers use: the function's native entry, or null while it has none (they then call through
//! the `CallEntity` builtin). Tiering swaps both when a hot function's native code is ready;
//! frames already running the interpreter code finish there.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use silo_loader::{Export, Import};

use crate::engine::{Engine, Job, Strategy};
use crate::error::Error;
use crate::interp::code::InterpFunc;
use crate::interp::translate;
use crate::meter::StopWatch;
use crate::registry::TypeId;
use crate::stream_compile::Precompiled;
use crate::vm::{COMPILE_CANCELLED, FuncAnalysis, ModuleEnv, NativeFunc, NativeModule};

/// A WebAssembly module compiled for an engine. Cheap to clone; share it between stores and
/// threads.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

/// Per point of a native frame — (defined function, byte offset, at a check) — which values of
/// its record are traced references (`gc::record_roots`); `None` where that cannot be known.
pub(crate) type RecordRefs =
    std::collections::HashMap<(u32, u32, bool), Option<std::sync::Arc<[u32]>>>;

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub info: silo_loader::Module,
    /// Canonical id of each module type.
    pub type_ids: Box<[TypeId]>,
    /// The object layout of each module type that is a struct type (`None` for the others): the
    /// interpreter's inline `struct.new` writes fields with it.
    pub struct_layouts: Box<[Option<silo_gc::StructLayout>]>,
    /// Whether a run of the module can be taken out (`portable_values`), once asked.
    pub values_are_portable: OnceLock<Result<(), String>>,
    /// Which values of a native frame's record hold references the collector traces, by
    /// (function, byte offset, at a check) of the point it is at (`gc::record_roots`), once
    /// asked; `None` where that cannot be known.
    pub record_refs: std::sync::Mutex<RecordRefs>,
    /// Interpreter code of each defined function, translated on first call.
    code: Box<[OnceLock<Result<InterpFunc, String>>]>,
    /// What the interpreter enters: the code above once translated, or the native stub (null
    /// until one of them exists).
    pub compiled: Box<[AtomicPtr<InterpFunc>]>,
    /// Native entry of each defined function, null until it has one. Native code reads it.
    pub native: Box<[AtomicPtr<u8>]>,
    /// Native code of each function, compiled once on demand.
    natives: Box<[OnceLock<Result<NativeFunc, String>>]>,
    /// The interpreter stub calling each function's native code.
    stubs: Box<[OnceLock<InterpFunc>]>,
    /// Tiered strategy: calls plus loop iterations each function has left in the interpreter
    /// before it is compiled.
    pub hotness: Box<[AtomicU32]>,
    /// Whether each function has been asked to tier up.
    requested: Box<[AtomicBool]>,
    /// On-stack-replacement entries, by defined function and loop offset: `None` while queued,
    /// then the entry or why there is none.
    loop_entries: Mutex<LoopEntries>,
    /// Loop headers passed by calls waiting to come back to an outer loop whose entry is ready,
    /// by function and inner loop (see `loop_entry`).
    outer_waits: Mutex<HashMap<(u32, u32), u32>>,
    /// The analysis of each defined function both tiers use (computed when first needed).
    analyses: Box<[OnceLock<Result<FuncAnalysis, String>>]>,
    /// The module's native code, when the engine runs any.
    jit: Option<Box<dyn NativeModule>>,
    /// `Jit` strategy: set once every function has been compiled, callees first.
    all_native: AtomicBool,
    /// `Jit` strategy, a module that streamed in faster than it compiled: its other functions are
    /// compiled one at a time, by the background compiler or at their first call, whichever
    /// comes first (not all at the first call).
    one_at_a_time: AtomicBool,
    /// `Jit` strategy: held while the module's functions are being compiled.
    compiling: Mutex<()>,
    /// Instantiations begun so far (counted up to the second): images are built for the second.
    instantiations: AtomicU32,
    /// Copy-on-write images of the defined memories' initial contents, built on the module's
    /// second instantiation (`data_images`).
    data_images: OnceLock<Box<[Option<crate::data_images::DataImage>]>>,
}

/// The largest function body (in bytes of WebAssembly) the tiered strategy compiles; a larger
/// one stays in the interpreter. Compiling costs time and memory in proportion to the body (about
/// 0.7 KB of compiler memory and 5 µs per byte, measured on deeply nested code), so this bounds
/// one compilation near 350 MB and a second or two; real programs' largest functions (an SQL
/// engine's bytecode loop, a parser's generated tables) are well below it.
pub const MAX_TIERED_BODY: usize = 512 * 1024;

type LoopEntries = HashMap<(u32, u32), Option<Result<NativeFunc, String>>>;

/// How many loop headers a call in an inner loop may pass, once the entry of the outermost loop
/// around it is ready, before it is entered at the inner loop instead (see
/// `ModuleInner::loop_entry`): a few milliseconds of interpretation at most.
pub(crate) const OUTER_WAIT: u32 = 10_000;

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("name", &self.name()).finish_non_exhaustive()
    }
}

impl Module {
    /// Whether both are the same compiled module (clones of one `Module`).
    pub fn same(a: &Module, b: &Module) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// Compiles a module from the binary or text format. It may use the proposals the engine
    /// enables (`Config::wasm_*`); one using another is invalid.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        Module::from_loaded(engine, silo_loader::load_with(bytes.as_ref(), engine.features())?)
    }

    /// Compiles a module from the binary format.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        Module::from_loaded(engine, silo_loader::load_binary_with(bytes, engine.features())?)
    }

    /// Reads and compiles a module file, binary or text.
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Link(format!("cannot read `{}`: {e}", path.display())))?;
        Module::new(engine, bytes)
    }

    /// Validates bytes without compiling them, with the WebAssembly 3.0 features.
    pub fn validate(bytes: &[u8]) -> Result<(), Error> {
        silo_loader::load(bytes)?;
        Ok(())
    }

    /// Validates bytes without compiling them, with the features `engine` enables.
    pub fn validate_for(engine: &Engine, bytes: &[u8]) -> Result<(), Error> {
        silo_loader::load_with(bytes, engine.features())?;
        Ok(())
    }

    /// Compiles a module the loader has already validated. A module validated with proposals
    /// the engine does not enable is validated again with the engine's (and is invalid if it uses
    /// one of them). Fails with `unsupported feature` when the module needs something the
    /// engine's tiers do not run.
    pub fn from_loaded(engine: &Engine, info: silo_loader::Module) -> Result<Module, Error> {
        Module::from_loaded_with(engine, info, None)
    }

    /// Like [`Module::from_loaded`], taking over the native code of the functions compiled
    /// while the module streamed in (same engine, same bytes). Under `Jit`, the functions the
    /// compiler had not reached are compiled in the background, or at their first call.
    pub(crate) fn from_loaded_precompiled(
        engine: &Engine,
        info: silo_loader::Module,
        pre: Precompiled,
    ) -> Result<Module, Error> {
        let Precompiled { jit, funcs } = pre;
        jit.name_functions(&info);
        let module = Module::from_loaded_with(engine, info, Some(jit))?;
        let jit = engine.config().effective_strategy() == Strategy::Jit;
        for (def, func) in funcs {
            if module.inner.natives[def as usize].set(Ok(func)).is_ok() {
                if jit {
                    // Native callers call it from now on; under `Jit` the interpreter's stub is
                    // made at the first call that enters through the interpreter (`code_for`
                    // installs native code there): most are never made, and a module of many
                    // functions is ready sooner.
                    module.inner.native[def as usize]
                        .store(func.code.cast_mut(), Ordering::Release);
                } else {
                    // Elsewhere the interpreter would translate it instead: installed now (a
                    // tiered run's few hot functions).
                    module.inner.install(def, func);
                }
            }
        }
        // With every function native, the `Jit` strategy has nothing left to compile (and need
        // not walk the call graph to find that out at the first call).
        if module.inner.natives.iter().all(|n| n.get().is_some_and(Result::is_ok)) {
            module.inner.all_native.store(true, Ordering::Release);
        } else if jit {
            module.inner.compile_rest_in_background();
        }
        Ok(module)
    }

    fn from_loaded_with(
        engine: &Engine,
        info: silo_loader::Module,
        native: Option<Box<dyn NativeModule>>,
    ) -> Result<Module, Error> {
        let info = if info.validated_with.is_subset(engine.features()) {
            info
        } else {
            silo_loader::load_binary_with(&info.bytes, engine.features())?
        };
        crate::features::check_supported(info.features)?;
        let type_ids =
            engine.inner.registry.register_module(&info.types, &info.rec_groups).into_boxed_slice();
        let config = engine.config();
        let jit = match (config.runs_native(), &config.compiler) {
            (false, _) => None,
            (true, Some(_)) if native.is_some() => native,
            (true, Some(compiler)) => {
                let env = module_env(engine, &info, &type_ids, &[], &[]);
                Some(compiler.new_module(&env).map_err(Error::Unsupported)?)
            }
            (true, None) => {
                return Err(Error::Unsupported(
                    "native code: the engine's strategy needs a compiler (`Config::compiler`)"
                        .into(),
                ));
            }
        };
        let n = info.num_defined_funcs() as usize;
        let threshold = config.tier_up_after;
        let struct_layouts = (0..info.types.len() as u32)
            .map(|ty| crate::vm::gc_refs::struct_layout_of(&info, ty).ok())
            .collect();
        Ok(Module {
            inner: Arc::new(ModuleInner {
                engine: engine.clone(),
                info,
                type_ids,
                struct_layouts,
                values_are_portable: OnceLock::new(),
                record_refs: Default::default(),
                code: (0..n).map(|_| OnceLock::new()).collect(),
                compiled: (0..n).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect(),
                native: (0..n).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect(),
                natives: (0..n).map(|_| OnceLock::new()).collect(),
                stubs: (0..n).map(|_| OnceLock::new()).collect(),
                analyses: (0..n).map(|_| OnceLock::new()).collect(),
                hotness: (0..n).map(|_| AtomicU32::new(threshold)).collect(),
                requested: (0..n).map(|_| AtomicBool::new(false)).collect(),
                loop_entries: Mutex::new(HashMap::new()),
                outer_waits: Mutex::new(HashMap::new()),
                jit,
                all_native: AtomicBool::new(false),
                one_at_a_time: AtomicBool::new(false),
                compiling: Mutex::new(()),
                instantiations: AtomicU32::new(0),
                data_images: OnceLock::new(),
            }),
        })
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.info.names.module.as_deref()
    }

    /// The imports the module needs.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = &Import> {
        self.inner.info.imports.iter()
    }

    /// The exports the module provides.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = &Export> {
        self.inner.info.exports.iter()
    }

    /// The interpreter code of a function, one instruction per line (for studying the translator;
    /// the format is not stable).
    #[doc(hidden)]
    pub fn debug_interp_code(&self, func_index: u32) -> Result<String, String> {
        let def = func_index
            .checked_sub(self.inner.info.num_imported.funcs)
            .ok_or("an imported function has no code")?;
        let code = self.inner.code(def).map_err(str::to_string)?;
        let mut out = format!(
            "func {func_index}: {} params, {} locals, frame of {} slots\n",
            code.num_params, code.num_locals, code.frame_size
        );
        for (pc, op) in code.code.iter().enumerate() {
            out.push_str(&format!("{pc:5}  {:?}\n", op.instr()));
        }
        Ok(out)
    }

    /// Translates every function now rather than on its first call (functions are otherwise
    /// translated lazily): to interpreter code, or to native code under the `Jit` strategy. For
    /// measuring translation speed, or to pay the cost up front; the first function that fails to
    /// translate is the error.
    pub fn translate_all(&self) -> Result<(), Error> {
        let info = &self.inner.info;
        for def in 0..info.num_defined_funcs() {
            self.inner.code(def).map_err(|e| {
                let index = info.num_imported.funcs + def;
                Error::Unsupported(format!("function {index} cannot be translated: {e}"))
            })?;
        }
        Ok(())
    }

    /// How many on-stack-replacement entries (a function entered natively at a loop header)
    /// have been compiled for this module (for tests of tiering; not a stable interface).
    #[doc(hidden)]
    pub fn loop_entries_compiled(&self) -> usize {
        self.inner.loop_entries().values().filter(|e| matches!(e, Some(Ok(_)))).count()
    }

    /// The loader's view of the module.
    pub fn info(&self) -> &silo_loader::Module {
        &self.inner.info
    }

    /// Bytes of native code compiled for the module so far.
    pub fn native_code_size(&self) -> usize {
        self.inner.jit.as_ref().map_or(0, |j| j.code_size())
    }

    /// How many on-stack-replacement entries (a function's native code from one of its loops)
    /// have been compiled, for studying tiering.
    #[doc(hidden)]
    pub fn native_loop_entry_count(&self) -> usize {
        self.inner.loop_entries().values().filter(|e| matches!(e, Some(Ok(_)))).count()
    }

    /// The on-stack-replacement entries compiled so far, as (defined function, loop offset),
    /// in order: for studying tiering.
    #[doc(hidden)]
    pub fn native_loop_entries(&self) -> Vec<(u32, u32)> {
        let entries = self.inner.loop_entries();
        let mut compiled: Vec<(u32, u32)> =
            entries.iter().filter(|(_, e)| matches!(e, Some(Ok(_)))).map(|(&k, _)| k).collect();
        compiled.sort_unstable();
        compiled
    }

    /// How many of the module's functions have native code now.
    pub fn native_function_count(&self) -> usize {
        self.native_functions().len()
    }

    /// The defined functions (indices among the module's own, imports not counted) that have
    /// native code now: under `Tiered`, those found hot so far, and those loaded as saved code.
    pub fn native_functions(&self) -> Vec<u32> {
        let native = self.inner.native.iter().enumerate();
        native
            .filter(|(_, p)| !p.load(Ordering::Acquire).is_null())
            .map(|(d, _)| d as u32)
            .collect()
    }
}

impl ModuleInner {
    /// The images new instances' defined memories start from (by defined index), from the
    /// module's second instantiation on; `None` for the first (see `data_images`).
    pub(crate) fn data_images(&self) -> Option<&[Option<crate::data_images::DataImage>]> {
        if let Some(images) = self.data_images.get() {
            return Some(images);
        }
        if self.instantiations.fetch_add(1, Ordering::Relaxed) == 0 {
            return None;
        }
        Some(self.data_images.get_or_init(|| crate::data_images::build(&self.info)))
    }

    /// The analysis of defined function `def` both tiers use (fuel costs, loops).
    pub(crate) fn analysis(&self, def: u32) -> Result<&FuncAnalysis, String> {
        crate::vm::analysis::cached(&self.analyses, &self.info, def)
    }
}

/// The per-function state a compilation outside a `Module` needs (saving, loading saved code,
/// compiling while a module streams in): no function has native code yet, no analysis is done.
pub(crate) struct CompileScratch {
    /// Native entry of each defined function, null until compiled.
    pub native: Box<[AtomicPtr<u8>]>,
    analyses: Box<[OnceLock<Result<FuncAnalysis, String>>]>,
}

impl CompileScratch {
    /// Scratch for `n` defined functions.
    pub fn new(n: usize) -> CompileScratch {
        CompileScratch {
            native: (0..n).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect(),
            analyses: (0..n).map(|_| OnceLock::new()).collect(),
        }
    }

    /// What `engine`'s compiler needs to compile functions of `info`.
    pub fn env<'a>(
        &'a self,
        engine: &Engine,
        info: &'a silo_loader::Module,
        type_ids: &'a [TypeId],
    ) -> ModuleEnv<'a> {
        module_env(engine, info, type_ids, &self.native, &self.analyses)
    }
}

/// What the engine's compiler needs to know of a module.
fn module_env<'a>(
    engine: &Engine,
    info: &'a silo_loader::Module,
    type_ids: &'a [TypeId],
    native: &'a [AtomicPtr<u8>],
    analyses: &'a [OnceLock<Result<FuncAnalysis, String>>],
) -> ModuleEnv<'a> {
    let config = engine.config();
    let guard = config.memory_guard();
    ModuleEnv {
        info,
        type_ids,
        metered: config.metered(),
        guarded_memories: guard.is_some(),
        guard_bytes: guard.unwrap_or(0),
        native,
        count_calls: config.native_call_depth,
        deopt: config.native_checkpoints,
        relaxed_simd_deterministic: config.relaxed_simd_deterministic,
        analyses,
    }
}

impl ModuleInner {
    /// What the interpreter enters for a defined function, translating it on first use: its
    /// interpreter code, or under the `Jit` strategy the stub calling its native code (compiled
    /// now if need be).
    pub fn code(&self, def_index: u32) -> Result<&InterpFunc, &str> {
        self.code_for(def_index, &StopWatch::default())
    }

    /// `code`, for a guest that `stop` watches: under the `Jit` strategy, compiling the module
    /// gives up with [`COMPILE_CANCELLED`] once the guest must stop (its deadline passed or it was
    /// interrupted); what was compiled stays, the rest is compiled on the next call.
    pub(crate) fn code_for(&self, def_index: u32, stop: &StopWatch) -> Result<&InterpFunc, &str> {
        let def = def_index as usize;
        if self.engine.config().effective_strategy() == Strategy::Jit {
            if !self.all_native.load(Ordering::Acquire)
                && !self.one_at_a_time.load(Ordering::Acquire)
            {
                self.compile_all(stop)?;
            }
            let func = self.native_code(def_index)?;
            return Ok(self.install(def_index, func));
        }
        let code = self.code[def]
            .get_or_init(|| translate::translate(self, def_index))
            .as_ref()
            .map_err(String::as_str)?;
        let ptr = (code as *const InterpFunc).cast_mut();
        // Only the first translation publishes: native code may have been installed since.
        let _ = self.compiled[def].compare_exchange(
            std::ptr::null_mut(),
            ptr,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        Ok(code)
    }

    /// `Jit` strategy, after a stream whose compilation the download outran: the functions not
    /// compiled yet go to the engine's background compiler, callees first, and each is compiled
    /// at its first call if that comes sooner, so the module runs at once. (Ordering them walks
    /// every body, so the background compiler does that too.) Without a background compiler
    /// (one core, or background compilation off) they are compiled together at the first call,
    /// as for any module.
    fn compile_rest_in_background(self: &Arc<Self>) {
        if self.engine.inner.queue_compile(self, Job::Rest, false) {
            self.one_at_a_time.store(true, Ordering::Release);
        }
    }

    /// The background compiler's part of `compile_rest_in_background`: a job for each function
    /// not compiled yet, callees first.
    fn queue_rest(self: &Arc<Self>) {
        for def in crate::callgraph::compile_order(&self.info) {
            if self.natives[def as usize].get().is_none() {
                self.engine.inner.queue_compile(self, Job::Function(def), false);
            }
        }
    }

    /// `Jit` strategy: compiles every function not compiled yet, callees first, and switches
    /// them to it; gives up with [`COMPILE_CANCELLED`] when `stop` says the guest must stop.
    fn compile_all(&self, stop: &StopWatch) -> Result<(), &'static str> {
        let Some(jit) = self.jit.as_ref() else { return Ok(()) };
        let _compiling = self.compiling.lock().unwrap_or_else(|e| e.into_inner());
        if self.all_native.load(Ordering::Acquire) {
            return Ok(());
        }
        let order: Vec<u32> = crate::callgraph::compile_order(&self.info)
            .into_iter()
            .filter(|&def| self.natives[def as usize].get().is_none())
            .collect();
        let env =
            module_env(&self.engine, &self.info, &self.type_ids, &self.native, &self.analyses);
        let mut cancelled = false;
        for (def, result) in
            order.iter().zip(jit.compile_batch(&env, &order, &|| stop.should_stop()))
        {
            if matches!(&result, Err(e) if e == COMPILE_CANCELLED) {
                cancelled = true;
                continue;
            }
            let _ = self.natives[*def as usize].set(result);
            if let Some(func) = self.compiled_native(*def) {
                self.install(*def, func);
            }
        }
        if cancelled {
            return Err(COMPILE_CANCELLED);
        }
        self.all_native.store(true, Ordering::Release);
        Ok(())
    }

    /// The native code of a defined function, compiling it on first use.
    pub fn native_code(&self, def_index: u32) -> Result<NativeFunc, &str> {
        let jit = self.jit.as_ref().ok_or("the engine runs no native code")?;
        let result = self.natives[def_index as usize].get_or_init(|| {
            let env =
                module_env(&self.engine, &self.info, &self.type_ids, &self.native, &self.analyses);
            jit.compile(&env, def_index)
        });
        result.as_ref().copied().map_err(String::as_str)
    }

    /// The native code of a defined function if it has been compiled.
    pub fn compiled_native(&self, def_index: u32) -> Option<NativeFunc> {
        self.natives[def_index as usize].get().and_then(|r| r.as_ref().ok().copied())
    }

    /// Switches a function to its native code: native callers call it directly, and the
    /// interpreter enters its stub. Returns the stub.
    fn install(&self, def_index: u32, func: NativeFunc) -> &InterpFunc {
        let def = def_index as usize;
        let stub = self.stubs[def].get_or_init(|| translate::native_stub(self, def_index));
        self.native[def].store(func.code.cast_mut(), Ordering::Release);
        self.compiled[def].store((stub as *const InterpFunc).cast_mut(), Ordering::Release);
        stub
    }

    /// Compiles a hot function and switches it to native code; one that cannot be compiled
    /// stays in the interpreter.
    pub fn tier_up(&self, def_index: u32) {
        if let Ok(func) = self.native_code(def_index) {
            self.install(def_index, func);
        }
    }

    /// A function got hot in the interpreter: have it compiled in the background, or now. Hot
    /// again while its compilation still waits, it goes before the other jobs.
    pub fn request_tier_up(self: &Arc<Self>, def_index: u32) {
        if !self.may_tier_up(def_index) {
            return;
        }
        if self.requested[def_index as usize].swap(true, Ordering::AcqRel) {
            self.engine.inner.hurry_compile(self, Job::Function(def_index));
            return;
        }
        if !self.engine.inner.queue_compile(self, Job::Function(def_index), false) {
            self.tier_up(def_index);
        }
    }

    /// Whether the tiered strategy may compile function `def_index`: not when its body is larger
    /// than [`MAX_TIERED_BODY`], so that no function costs a compilation beyond that bound.
    fn may_tier_up(&self, def_index: u32) -> bool {
        self.info.body(def_index).is_some_and(|(body, _)| body.len() <= MAX_TIERED_BODY)
    }

    /// Does what the background compiler was asked.
    pub fn run_job(self: &Arc<Self>, job: Job) {
        match job {
            Job::Function(def) => self.tier_up(def),
            Job::LoopEntry(def, offset) => self.compile_loop_entry(def, offset),
            Job::Rest => self.queue_rest(),
        }
    }

    fn loop_entries(&self) -> MutexGuard<'_, LoopEntries> {
        self.loop_entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Compiles the entry of a function at a loop (once), for frames of its interpreter code.
    fn compile_loop_entry(&self, def: u32, offset: u32) {
        let Some(jit) = self.jit.as_ref() else { return };
        if matches!(self.loop_entries().get(&(def, offset)), Some(Some(_))) {
            return;
        }
        let env =
            module_env(&self.engine, &self.info, &self.type_ids, &self.native, &self.analyses);
        let entry = match self.code(def) {
            Ok(code) => {
                let at = crate::vm::LoopEntry { offset, stack: code.loop_stack(offset) };
                jit.compile_loop_entry(&env, def, at)
            }
            Err(e) => Err(e.to_string()),
        };
        self.loop_entries().insert((def, offset), Some(entry));
    }

    /// The on-stack-replacement entry of a function at a loop, once compiled; the first ask
    /// has it compiled (in the background, or now).
    ///
    /// A loop inside other loops of the function asks for the outermost one's entry first, and
    /// the call goes on in the interpreter until it comes back to that loop's header: entered
    /// at an inner loop, the native code would reach the loops around it only through the
    /// inner loop's header, so for Cranelift the nest would be turned inside out and nothing
    /// computed in the outer bodies could leave the inner loop (nbody ran 15% slower so). A call
    /// that stays in the inner loop — the outer entry ready, [`OUTER_WAIT`] headers passed
    /// without meeting the outer one — is entered at the inner loop after all.
    pub fn loop_entry(self: &Arc<Self>, def: u32, offset: u32) -> Option<NativeFunc> {
        if !self.may_tier_up(def) {
            return None;
        }
        let mut entries = self.loop_entries();
        match entries.get(&(def, offset)) {
            Some(Some(entry)) => return entry.as_ref().ok().copied(),
            Some(None) => return None,
            None => {}
        }
        let outermost = crate::vm::analysis::cached(&self.analyses, &self.info, def)
            .ok()
            .and_then(|a| a.loops_around(offset).first().copied());
        if let Some(outer) = outermost {
            match entries.get(&(def, outer)) {
                None => {
                    drop(entries);
                    self.loop_entry(def, outer);
                    return None;
                }
                Some(None) => return None,
                Some(Some(Ok(_))) => {
                    let mut waits = self.outer_waits.lock().unwrap_or_else(|e| e.into_inner());
                    let waited = waits.entry((def, offset)).or_insert(0);
                    *waited += 1;
                    if *waited <= OUTER_WAIT {
                        // Look again at the very next loop header: the outer one, if the call
                        // comes back to it soon.
                        self.hotness[def as usize].store(0, Ordering::Relaxed);
                        return None;
                    }
                }
                // No entry there: this loop's own.
                Some(Some(Err(_))) => {}
            }
        }
        entries.insert((def, offset), None);
        drop(entries);
        // A call is waiting at the loop: before the other jobs.
        if !self.engine.inner.queue_compile(self, Job::LoopEntry(def, offset), true) {
            self.compile_loop_entry(def, offset);
        }
        match self.loop_entries().get(&(def, offset)) {
            Some(Some(Ok(entry))) => Some(*entry),
            _ => None,
        }
    }
}
