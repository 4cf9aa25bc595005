//! The native code of one module: its code memory ([`code_memory`]), the functions compiled into
//! it with their trap and source tables, and the trampolines of their signatures.
//!
//! Functions are compiled one at a time, as the runtime asks (first call, or tier-up from any
//! thread), each made executable and registered before its address is handed out. Dropping the
//! module unregisters its code and frees the memory: nothing can run it any more by then, since
//! every instance and every queued compilation holds the module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cranelift_codegen::ir::{self, InstBuilder, Signature, UserFuncName};
use cranelift_codegen::isa::{OwnedTargetIsa, TargetIsa};
use cranelift_codegen::{Context, control::ControlPlane};
use cranelift_frontend::FunctionBuilderContext;
use silo_core::vm::{LoopEntry, ModuleEnv, NativeFunc, NativeModule};

use crate::runtime::registry::{self, Code, CodeTables, FuncInfo};
mod artifact;
mod batch;
mod code_memory;

use code_memory::{CodeId, CodeMemory};

use crate::thunk::{self, ThunkKind};
use crate::{refill, trampoline, translate};

/// A module's native code.
pub(crate) struct JitModule {
    isa: OwnedTargetIsa,
    inner: Mutex<Inner>,
}

struct Inner {
    /// The code memory, unmapped when the module is dropped.
    code: CodeMemory,
    /// For functions, and for the glue (trampolines, thunks) a function needs compiled first.
    ctx: Context,
    glue_ctx: Context,
    fctx: FunctionBuilderContext,
    /// The glue compiled so far.
    glue: HashMap<Glue, usize>,
    /// The meter stub's id, once compiled (metered engines).
    meter_stub: Option<CodeId>,
    /// Start addresses of everything registered.
    registered: Vec<usize>,
    /// Whether every function was registered with the whole module at hand (loaded from saved
    /// code), so with its names: `name_functions` has nothing to do.
    named: bool,
    bytes: usize,
    /// A recording module's batch, kept to be saved.
    record: Option<artifact::Record>,
}

/// Code shared by the functions of a signature.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Glue {
    /// The slot-array trampoline into functions of a native signature.
    Trampoline(Signature),
    /// The call thunk for callees of a native signature without native code.
    Thunk(Signature, ThunkKind),
    /// The meter's slow path, for metered functions (`refill`).
    MeterRefill,
}

impl JitModule {
    /// A module that keeps the code of its one batch to be saved (`NativeModule::save`).
    pub(crate) fn new_recording(isa: OwnedTargetIsa) -> JitModule {
        let module = JitModule::new(isa);
        module.inner.lock().unwrap_or_else(|e| e.into_inner()).record = Some(Default::default());
        module
    }

    pub(crate) fn new(isa: OwnedTargetIsa) -> JitModule {
        JitModule {
            isa,
            inner: Mutex::new(Inner {
                code: CodeMemory::new(),
                ctx: Context::new(),
                glue_ctx: Context::new(),
                fctx: FunctionBuilderContext::new(),
                glue: HashMap::new(),
                meter_stub: None,
                registered: Vec::new(),
                named: false,
                bytes: 0,
                record: None,
            }),
        }
    }
}

impl Inner {
    /// A new function in code memory, to define.
    fn declare(&mut self) -> Result<CodeId, String> {
        self.code.declare()
    }

    /// Compiles the function in `ctx` into code memory as `id` and makes it (and all placed
    /// before) executable; returns where it is and its trap and source tables. `ctx` is cleared
    /// either way.
    fn define(
        &mut self,
        isa: &dyn TargetIsa,
        ctx: &mut Context,
        id: CodeId,
    ) -> Result<Defined, String> {
        ctx.set_disasm(disasm_wanted());
        let failed = ctx.compile(isa, &mut ControlPlane::default()).err().map(|e| e.inner);
        if let Some(e) = failed {
            let message = cranelift_codegen::print_errors::pretty_error(&ctx.func, e);
            ctx.clear();
            return Err(format!("cranelift: {message}"));
        }
        let compiled = ctx.compiled_code().expect("just compiled");
        if let Some(text) = compiled.vcode.as_ref().filter(|_| disasm_wanted()) {
            eprintln!("{}\n{text}", ctx.func.display());
        }
        let bytes = compiled.code_buffer();
        let size = bytes.len();
        let tables = CodeTables::of(&compiled.buffer);
        let relocs = code_memory::relocations_of(compiled.buffer.relocs(), &ctx.func);
        let placed = relocs.and_then(|relocs| {
            self.code.place(id, code_alignment(isa, compiled.buffer.alignment), bytes, relocs)
        });
        ctx.clear();
        let start = placed?;
        self.finalize_all()?;
        if self.code.address(id).is_none() {
            return Err("internal error: a function compiled alone failed to link".into());
        }
        self.bytes += size;
        Ok(Defined { start, size, tables })
    }

    /// Makes everything placed so far executable; an error if any of it failed to link.
    fn finalize_all(&mut self) -> Result<(), String> {
        match self.code.finalize()?.into_iter().next() {
            Some((_, reason)) => Err(format!("linking compiled code: {reason}")),
            None => Ok(()),
        }
    }

    /// The glue `key`, compiled on first use.
    fn glue(&mut self, isa: &dyn TargetIsa, key: Glue) -> Result<usize, String> {
        self.glue_with(isa, key, None)
    }

    /// The glue `key`, compiled as the function `id` declared for it.
    fn glue_as(&mut self, isa: &dyn TargetIsa, key: Glue, id: CodeId) -> Result<usize, String> {
        self.glue_with(isa, key, Some(id))
    }

    fn glue_with(
        &mut self,
        isa: &dyn TargetIsa,
        key: Glue,
        id: Option<CodeId>,
    ) -> Result<usize, String> {
        if let Some(&at) = self.glue.get(&key) {
            return Ok(at);
        }
        let mut ctx = std::mem::replace(&mut self.glue_ctx, Context::new());
        ctx.func = ir::Function::with_name_signature(
            UserFuncName::default(),
            Signature::new(isa.default_call_conv()),
        );
        match &key {
            Glue::Trampoline(sig) => trampoline::build(isa, sig, &mut ctx.func, &mut self.fctx),
            Glue::Thunk(sig, kind) => thunk::build(isa, sig, *kind, &mut ctx.func, &mut self.fctx),
            Glue::MeterRefill => refill::build(isa, &mut ctx.func, &mut self.fctx),
        }
        let id = match id {
            Some(id) => Ok(id),
            None => self.declare(),
        };
        let defined = id.and_then(|id| self.define(isa, &mut ctx, id));
        self.glue_ctx = ctx;
        let defined = defined?;
        let (start, end) = (defined.start, defined.start + defined.size);
        registry::register(start, end, Code::Glue(defined.tables.traps.into()));
        self.registered.push(start);
        self.glue.insert(key, start);
        Ok(start)
    }

    /// When the engine meters, the code-memory id of the meter's slow-path stub (`refill`),
    /// compiled on first use, which the translator's checks call.
    fn meter_refill(
        &mut self,
        isa: &dyn TargetIsa,
        env: &ModuleEnv<'_>,
    ) -> Result<Option<u32>, String> {
        if !env.metered {
            return Ok(None);
        }
        if let Some(id) = self.meter_stub {
            return Ok(Some(id.as_u32()));
        }
        let id = self.declare()?;
        self.glue_as(isa, Glue::MeterRefill, id)?;
        self.meter_stub = Some(id);
        Ok(Some(id.as_u32()))
    }
}

/// A function just compiled into code memory.
struct Defined {
    start: usize,
    size: usize,
    tables: CodeTables,
}

impl NativeModule for JitModule {
    fn compile(&self, env: &ModuleEnv<'_>, def: u32) -> Result<NativeFunc, String> {
        self.compile_entry(env, def, None)
    }

    fn compile_loop_entry(
        &self,
        env: &ModuleEnv<'_>,
        def: u32,
        entry: LoopEntry<'_>,
    ) -> Result<NativeFunc, String> {
        self.compile_entry(env, def, Some(entry))
    }

    fn compile_batch(
        &self,
        env: &ModuleEnv<'_>,
        defs: &[u32],
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Vec<Result<NativeFunc, String>> {
        self.compile_parallel(env, defs, cancel)
    }

    fn code_size(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    fn save(&self) -> Result<Vec<u8>, String> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.record.as_ref().ok_or("this native module keeps no code to save")?.save()
    }

    fn name_functions(&self, info: &silo_loader::Module) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.named {
            return;
        }
        registry::rename_functions(&inner.registered, &info.names);
    }
}

impl JitModule {
    /// Compiles function `def`, or its entry at the loop at `loop_entry`.
    fn compile_entry(
        &self,
        env: &ModuleEnv<'_>,
        def: u32,
        loop_entry: Option<LoopEntry<'_>>,
    ) -> Result<NativeFunc, String> {
        let isa = &*self.isa;
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let inner = &mut *guard;
        let mut ctx = std::mem::replace(&mut inner.ctx, Context::new());
        let known =
            |d: u32| env.native[d as usize].load(std::sync::atomic::Ordering::Acquire) as usize;
        let result = inner.compile_guarded(isa, env, def, loop_entry, &known, &mut ctx);
        ctx.clear();
        inner.ctx = ctx;
        result
    }
}

impl Inner {
    /// `compile_into`, with a panic in the translator or in Cranelift (a bug) turned into an
    /// error: the function then stays in the interpreter, or its call traps, and the host and
    /// the compiler thread go on.
    fn compile_guarded(
        &mut self,
        isa: &dyn TargetIsa,
        env: &ModuleEnv<'_>,
        def: u32,
        loop_entry: Option<LoopEntry<'_>>,
        known: &dyn Fn(u32) -> usize,
        ctx: &mut Context,
    ) -> Result<NativeFunc, String> {
        quiet_compiler_panics();
        COMPILING.with(|c| c.set(true));
        let compiled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.compile_into(isa, env, def, loop_entry, known, ctx)
        }));
        COMPILING.with(|c| c.set(false));
        compiled.unwrap_or_else(|panic| {
            self.fctx = FunctionBuilderContext::new();
            *ctx = Context::new();
            Err(compiler_panicked(&*panic))
        })
    }

    /// Compiles function `def` (or its entry at a loop) into code memory and makes it
    /// executable. `known` gives the native address of functions that have one (0 if none).
    fn compile_into(
        &mut self,
        isa: &dyn TargetIsa,
        env: &ModuleEnv<'_>,
        def: u32,
        loop_entry: Option<LoopEntry<'_>>,
        known: &dyn Fn(u32) -> usize,
        ctx: &mut Context,
    ) -> Result<NativeFunc, String> {
        ctx.clear();
        ctx.func.name = UserFuncName::user(0, def);
        ctx.func.signature = translate::signature(env, def, loop_entry.map(|e| e.offset))?;
        let id = self.declare()?;
        // A function calls itself directly (a loop entry calls the function, not itself).
        let self_ref = match loop_entry {
            None => {
                let signature = ctx.func.signature.clone();
                Some(import_function(&mut ctx.func, id, signature, true))
            }
            Some(_) => None,
        };
        let meter_refill = self.meter_refill(isa, env)?;
        let calls = translate::Calls { self_ref, known, batch: &|_| None, meter_refill };
        let thunks =
            translate::translate(env, isa, def, loop_entry, calls, &mut ctx.func, &mut self.fctx)?;
        // The call sites without native code go to their signature's thunk.
        for site in thunks {
            let at = self.glue(isa, Glue::Thunk(site.signature, site.kind))?;
            ctx.func.replace(site.inst).iconst(ir::types::I64, at as i64);
        }
        let sig = ctx.func.signature.clone();
        let defined = self.define(isa, ctx, id)?;
        let start = defined.start;
        register_function(self, env, def, start, defined.size, defined.tables);
        let array_entry = self.glue(isa, Glue::Trampoline(sig))?;
        Ok(NativeFunc { code: start as *const u8, array_entry: array_entry as *const u8 })
    }
}

thread_local! {
    /// Whether this thread is inside `compile_guarded`, whose panics become errors.
    static COMPILING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes the process's panic hook silent for a compiler panic that `compile_guarded` turns into
/// an error (the function, or the loop, stays interpreted), and leaves every other
/// panic to the hook that was there: the host's output is not the place for a caught one.
fn quiet_compiler_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !COMPILING.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
}

/// The error for a panic while compiling (a bug in the translator or in Cranelift).
fn compiler_panicked(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    format!("internal error: the compiler panicked: {what}")
}

/// Makes `id` (declared in the module's code memory with `signature`) callable from `func`,
/// by a direct call when `colocated` (the same code region: a function calling itself).
fn import_function(
    func: &mut ir::Function,
    id: CodeId,
    signature: Signature,
    colocated: bool,
) -> ir::FuncRef {
    let signature = func.import_signature(signature);
    translate::import_code(func, id.as_u32(), signature, colocated)
}

/// Records compiled function `def`, at `start`, for the trap handler and backtraces.
fn register_function(
    inner: &mut Inner,
    env: &ModuleEnv<'_>,
    def: u32,
    start: usize,
    size: usize,
    tables: CodeTables,
) {
    let info = env.info;
    let func_index = info.num_imported.funcs + def;
    let func_info = FuncInfo {
        func_index,
        names: info.names.clone(),
        body_offset: info.body(def).map_or(0, |(_, offset)| offset as u32),
        traps: tables.traps,
        srclocs: tables.srclocs,
        stack_maps: tables.stack_maps,
        landings: tables.landings,
    };
    let end = start + size;
    if disasm_wanted() {
        eprintln!("^ wasm function {func_index}, at {start:#x}..{end:#x}\n");
    }
    registry::register(start, end, Code::Func(Arc::new(func_info)));
    inner.registered.push(start);
}

/// The alignment a function's code needs: its buffer's, and at least the machine's minimum.
fn code_alignment(isa: &dyn TargetIsa, buffer_alignment: u32) -> usize {
    (buffer_alignment as usize)
        .max(isa.function_alignment().minimum as usize)
        .max(isa.symbol_alignment() as usize)
}

/// Whether `SILO_JIT_DISASM` asks for each function's IR and machine code on stderr (for
/// studying the translator).
fn disasm_wanted() -> bool {
    static WANTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *WANTED.get_or_init(|| std::env::var_os("SILO_JIT_DISASM").is_some())
}

impl Drop for JitModule {
    fn drop(&mut self) {
        let inner = self.inner.get_mut().unwrap_or_else(|e| e.into_inner());
        // The code memory is unmapped after this, with the module: nothing can call its code any
        // more by then, since every instance running it, and every queued compilation, holds the
        // module alive.
        registry::unregister(&inner.registered);
    }
}
