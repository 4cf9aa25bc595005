//! Compiling a batch of functions (the `Jit` strategy's whole module) on every core.
//!
//! Every function of the batch is declared first, so that each can call any other directly by
//! its id (code memory patches the addresses in when the batch is finalized), and so can the
//! call thunks a function needs, declared for every signature of the module. Then worker threads
//! translate and compile functions to machine code, each with its own contexts, while only the
//! placing of the code in memory, the thunks actually used, and the one finalize that makes the
//! batch executable are done under the module's lock, in order.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use cranelift_codegen::Context;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, InstBuilder, Signature, UserFuncName};
use cranelift_codegen::isa::TargetIsa;
use cranelift_frontend::FunctionBuilderContext;
use silo_core::vm::{COMPILE_CANCELLED, ModuleEnv, NativeFunc};

use super::artifact::{Meaning, Saved};
use super::code_memory::{self, CodeId, Relocation};
use super::{
    Glue, Inner, JitModule, code_alignment, compiler_panicked, disasm_wanted, import_function,
    register_function,
};
use crate::runtime::registry::CodeTables;
use crate::thunk::ThunkKind;
use crate::translate;

/// Batches of fewer functions are compiled on the calling thread.
const SMALL_BATCH: usize = 16;

/// Where a call thunk is: compiled already, or declared for this batch.
#[derive(Clone, Copy)]
enum Thunk {
    At(usize),
    Declared(CodeId),
}

/// A function compiled to machine code, not yet in code memory.
struct Compiled {
    id: CodeId,
    bytes: Vec<u8>,
    alignment: usize,
    relocs: Vec<Relocation>,
    tables: CodeTables,
    signature: Signature,
    /// The declared thunks it refers to.
    thunks: Vec<Glue>,
}

impl JitModule {
    /// Compiles `defs` on the machine's cores, as one batch; a function not started when
    /// `cancel` says yes gets [`COMPILE_CANCELLED`], and so does every function that calls one
    /// left uncompiled.
    pub(super) fn compile_parallel(
        &self,
        env: &ModuleEnv<'_>,
        defs: &[u32],
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Vec<Result<NativeFunc, String>> {
        let isa = &*self.isa;
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let inner = &mut *guard;
        // The stub is placed and made executable before anything of the batch is declared.
        let meter_refill = match inner.meter_refill(isa, env) {
            Ok(at) => at,
            Err(e) => return defs.iter().map(|_| Err(e.clone())).collect(),
        };
        let mut ids = HashMap::new();
        let mut early: HashMap<u32, String> = HashMap::new();
        for &def in defs {
            match translate::signature(env, def, None).and_then(|_| inner.declare()) {
                Ok(id) => {
                    ids.insert(def, id);
                }
                Err(e) => {
                    early.insert(def, e);
                }
            }
        }
        let (thunks, thunk_types) = match declare_thunks(inner, env) {
            Ok(declared) => declared,
            Err(e) => return defs.iter().map(|_| Err(e.clone())).collect(),
        };
        // A recording module notes what each code id stands for, and compiles with no address
        // known from before (its one batch is all relocations).
        let recording = inner.record.is_some();
        if let Some(record) = &mut inner.record {
            if !record.funcs.is_empty() || thunks.values().any(|t| matches!(t, Thunk::At(_))) {
                let e = "internal error: a recording module compiles one batch".to_string();
                return defs.iter().map(|_| Err(e.clone())).collect();
            }
            record.meanings.extend(ids.iter().map(|(&def, id)| (id.as_u32(), Meaning::Func(def))));
            for (glue, thunk) in &thunks {
                if let (Glue::Thunk(_, kind), Thunk::Declared(id)) = (glue, thunk)
                    && let Some(&ty) = thunk_types.get(glue)
                {
                    record.meanings.insert(id.as_u32(), Meaning::Thunk(ty, *kind));
                }
            }
            if let Some(id) = inner.meter_stub {
                record.meanings.insert(id.as_u32(), Meaning::Meter);
            }
        }

        // Machine code, on every core.
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<Result<Compiled, String>>>> =
            defs.iter().map(|_| Mutex::new(None)).collect();
        // A small batch is not worth starting threads for.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let workers = if defs.len() < SMALL_BATCH { 1 } else { cores.min(defs.len()) };
        let work = || {
            let mut ctx = Context::new();
            let mut fctx = FunctionBuilderContext::new();
            // The index taken is the function's place in `defs` and in `slots`.
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&def) = defs.get(i) else { break };
                let Some(&id) = ids.get(&def) else { continue };
                if cancel() {
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(Err(COMPILE_CANCELLED.into()));
                    continue;
                }
                let job = std::panic::AssertUnwindSafe(|| {
                    let batch = Batch { ids: &ids, thunks: &thunks, meter_refill, recording };
                    compile_one(isa, env, def, id, &batch, &mut ctx, &mut fctx)
                });
                let result = std::panic::catch_unwind(job).unwrap_or_else(|panic| {
                    ctx = Context::new();
                    fctx = FunctionBuilderContext::new();
                    Err(compiler_panicked(&*panic))
                });
                ctx.clear();
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            }
        };
        if workers == 1 {
            work();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(work);
                }
            });
        }

        // Into code memory, in order, with the thunks they use.
        let compiled: Vec<Result<Compiled, String>> = defs
            .iter()
            .zip(slots)
            .map(|(def, slot)| match early.remove(def) {
                Some(e) => Err(e),
                None => slot
                    .into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .unwrap_or_else(|| Err("not compiled".into())),
            })
            .collect();
        let cancelled = compiled.iter().any(|c| matches!(c, Err(e) if e == COMPILE_CANCELLED));
        let mut needed: Vec<Glue> = Vec::new();
        for c in compiled.iter().flatten() {
            for glue in &c.thunks {
                if !needed.contains(glue) {
                    needed.push(glue.clone());
                }
            }
        }
        for glue in needed {
            if let Some(Thunk::Declared(id)) = thunk_of(&thunks, &glue)
                && let Err(e) = inner.glue_as(isa, glue, id)
            {
                return defs.iter().map(|_| Err(e.clone())).collect();
            }
        }
        if let Some(record) = &mut inner.record {
            for (&def, c) in defs.iter().zip(&compiled) {
                if let Ok(c) = c {
                    record.funcs.push(Saved {
                        def,
                        alignment: c.alignment,
                        bytes: c.bytes.clone(),
                        relocs: c.relocs.clone(),
                        tables: c.tables.clone(),
                    });
                }
            }
        }
        let placed: Vec<Result<Compiled, String>> = compiled
            .into_iter()
            .map(|c| {
                let mut c = c?;
                let relocs = std::mem::take(&mut c.relocs);
                inner.code.place(c.id, c.alignment, &c.bytes, relocs)?;
                Ok(c)
            })
            .collect();
        let unlinked = match inner.code.finalize() {
            Ok(unlinked) => unlinked,
            Err(e) => return defs.iter().map(|_| Err(e.clone())).collect(),
        };
        defs.iter()
            .zip(placed)
            .map(|(&def, c)| {
                let c = c?;
                if let Some((_, reason)) = unlinked.iter().find(|(id, _)| *id == c.id) {
                    // A callee left uncompiled by a cancellation: compiled again next time.
                    if cancelled {
                        return Err(COMPILE_CANCELLED.into());
                    }
                    return Err(format!("linking compiled code: {reason}"));
                }
                let start = inner.code.address(c.id).ok_or("internal error: code not placed")?;
                inner.bytes += c.bytes.len();
                register_function(inner, env, def, start, c.bytes.len(), c.tables);
                let array_entry = inner.glue(isa, Glue::Trampoline(c.signature))?;
                Ok(NativeFunc { code: start as *const u8, array_entry: array_entry as *const u8 })
            })
            .collect()
    }
}

/// The call thunk of every function signature of the module (either kind): compiled already, or
/// declared now, to be compiled if a function of the batch uses it.
fn declare_thunks(inner: &mut Inner, env: &ModuleEnv<'_>) -> Result<Thunks, String> {
    let mut thunks = HashMap::new();
    let mut types = HashMap::new();
    for index in 0..env.info.types.len() as u32 {
        let Some(ty) = env.info.func_type(index) else { continue };
        let Ok(sig) = translate::wasm_signature(ty) else { continue };
        for kind in [ThunkKind::Call, ThunkKind::TailCall] {
            let glue = Glue::Thunk(sig.clone(), kind);
            if thunks.contains_key(&glue) {
                continue;
            }
            types.insert(glue.clone(), index);
            let thunk = match inner.glue.get(&glue) {
                Some(&at) => Thunk::At(at),
                None => Thunk::Declared(inner.declare()?),
            };
            thunks.insert(glue, thunk);
        }
    }
    Ok((thunks, types))
}

/// The batch's call thunks, and the module type each was declared for.
type Thunks = (HashMap<Glue, Thunk>, HashMap<Glue, u32>);

/// What every function of a batch shares.
struct Batch<'a> {
    ids: &'a HashMap<u32, CodeId>,
    thunks: &'a HashMap<Glue, Thunk>,
    meter_refill: Option<u32>,
    /// No native address from outside the batch may be used (the code is saved).
    recording: bool,
}

fn thunk_of(thunks: &HashMap<Glue, Thunk>, glue: &Glue) -> Option<Thunk> {
    thunks.get(glue).copied()
}

/// Translates and compiles one function of the batch to machine code.
fn compile_one(
    isa: &dyn TargetIsa,
    env: &ModuleEnv<'_>,
    def: u32,
    id: CodeId,
    batch_info: &Batch<'_>,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<Compiled, String> {
    let Batch { ids, thunks, meter_refill, recording } = *batch_info;
    ctx.clear();
    let signature = translate::signature(env, def, None)?;
    ctx.func = ir::Function::with_name_signature(UserFuncName::user(0, def), signature.clone());
    let self_ref = Some(import_function(&mut ctx.func, id, signature.clone(), true));
    let known = |d: u32| {
        if recording { 0 } else { env.native[d as usize].load(Ordering::Acquire) as usize }
    };
    let batch = |d: u32| ids.get(&d).map(|id| id.as_u32());
    let calls = translate::Calls { self_ref, known: &known, batch: &batch, meter_refill };
    let sites = translate::translate(env, isa, def, None, calls, &mut ctx.func, fctx)?;
    let mut used = Vec::new();
    for site in sites {
        let glue = Glue::Thunk(site.signature.clone(), site.kind);
        match thunk_of(thunks, &glue) {
            Some(Thunk::At(at)) => {
                ctx.func.replace(site.inst).iconst(ir::types::I64, at as i64);
            }
            Some(Thunk::Declared(thunk)) => {
                let r = import_function(&mut ctx.func, thunk, site.signature, false);
                ctx.func.replace(site.inst).func_addr(ir::types::I64, r);
                used.push(glue);
            }
            None => return Err("internal error: a call of a signature the module lacks".into()),
        }
    }
    ctx.set_disasm(disasm_wanted());
    let failed = ctx.compile(isa, &mut ControlPlane::default()).err().map(|e| e.inner);
    if let Some(e) = failed {
        return Err(format!(
            "cranelift: {}",
            cranelift_codegen::print_errors::pretty_error(&ctx.func, e)
        ));
    }
    let code = ctx.compiled_code().expect("just compiled");
    if let Some(text) = code.vcode.as_ref().filter(|_| disasm_wanted()) {
        eprintln!("{}\n{text}", ctx.func.display());
    }
    Ok(Compiled {
        id,
        bytes: code.code_buffer().to_vec(),
        alignment: code_alignment(isa, code.buffer.alignment),
        relocs: code_memory::relocations_of(code.buffer.relocs(), &ctx.func)?,
        tables: CodeTables::of(&code.buffer),
        signature,
        thunks: used,
    })
}
