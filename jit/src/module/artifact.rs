//! Native code that outlives its process: a module's functions compiled once, written out, and
//! placed in code memory again by a later process (`silo compile`, the compiled-code cache).
//!
//! A recording module (`JitModule::new_recording`) compiles a whole module as one batch into a
//! fresh code memory, so that every reference between pieces of code is a relocation against a
//! code id (never an address known from an earlier compilation), and keeps each function's machine
//! code, relocations and tables. Saving writes them with what each code id stands for — a
//! function, the call thunk of a type, the meter's stub — and loading declares those anew,
//! compiles the glue (thunks, stub, trampolines: small and quick), places the functions, and
//! patches their relocations against the new addresses. What the code assumes of its engine (the
//! Silo version, the machine, the settings, the canonical type ids) is the caller's to check: this
//! format is the code alone. Its reader checks every length and index and fails with a message,
//! never a panic, but it cannot tell forged machine code from real: whoever loads it trusts it.

use rustc_hash::FxHashMap as HashMap;
use std::num::NonZeroU8;
use std::str::FromStr;

use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::{LibCall, TrapCode};
use silo_core::vm::{ModuleEnv, NativeFunc};

use super::code_memory::{CodeId, Relocation, Target};
use super::{Glue, JitModule, register_function};
use crate::runtime::registry::{CodeTables, Landing, StackMap};
use crate::runtime::srclocs::SrcLocs;
use crate::thunk::ThunkKind;
use crate::translate;
use crate::varint::{Reader, Writer};

/// The format's version: bumped whenever its layout changes. Version 2 writes numbers as LEB128
/// varints and table offsets as differences from the entry before (version 1's fixed-width
/// fields made the tables of a 30 MB module 60 MB, more than its machine code); version 3 saves
/// each function's source ranges as one byte string, which loading keeps as it is.
const FORMAT: u32 = 3;

/// What a code id of a recorded batch stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Meaning {
    /// A defined function.
    Func(u32),
    /// The call thunk of a module type.
    Thunk(u32, ThunkKind),
    /// The meter's slow-path stub.
    Meter,
}

/// A function as compiled, before it was placed.
pub(super) struct Saved {
    pub def: u32,
    pub alignment: usize,
    pub bytes: Vec<u8>,
    pub relocs: Vec<Relocation>,
    pub tables: CodeTables,
}

/// What a recording module keeps of its batch.
#[derive(Default)]
pub(super) struct Record {
    pub meanings: HashMap<u32, Meaning>,
    pub funcs: Vec<Saved>,
}

impl Record {
    /// The saved form: every function with its relocations in terms of meanings.
    pub(super) fn save(&self) -> Result<Vec<u8>, String> {
        let mut w = Writer::default();
        w.u32(FORMAT);
        w.var(self.funcs.len() as u64);
        for f in &self.funcs {
            w.var(f.def.into());
            w.var(f.alignment as u64);
            w.bytes(&f.bytes);
            w.var(f.relocs.len() as u64);
            let mut prev = 0;
            for r in &f.relocs {
                w.delta(&mut prev, r.offset);
                w.u8(reloc_kind(r.kind)?);
                w.svar(r.addend);
                match r.target {
                    Target::Code(id) => match self.meanings.get(&id.as_u32()) {
                        Some(Meaning::Func(def)) => {
                            w.u8(0);
                            w.var((*def).into());
                        }
                        Some(Meaning::Thunk(ty, kind)) => {
                            w.u8(1);
                            w.var((*ty).into());
                            w.u8(matches!(kind, ThunkKind::TailCall) as u8);
                        }
                        Some(Meaning::Meter) => w.u8(2),
                        None => return Err("a relocation against code outside the batch".into()),
                    },
                    Target::Within(offset) => {
                        w.u8(3);
                        w.var(offset.into());
                    }
                    Target::LibCall(call) => {
                        w.u8(4);
                        w.bytes(call.to_string().as_bytes());
                    }
                }
            }
            save_tables(&mut w, &f.tables);
        }
        Ok(w.0)
    }
}

/// A function's tables, each offset as its difference from the one before in the same column
/// (they ascend, so most are a byte or two).
fn save_tables(w: &mut Writer, t: &CodeTables) {
    w.var(t.traps.len() as u64);
    let mut prev = 0;
    for (offset, code) in &t.traps {
        w.delta(&mut prev, *offset);
        w.u8(code.as_raw().get());
    }
    t.srclocs.save(w);
    w.var(t.stack_maps.len() as u64);
    let mut prev = 0;
    for m in &t.stack_maps {
        w.delta(&mut prev, m.ret);
        w.var(m.span.into());
        w.var(m.slots.len() as u64);
        for s in &m.slots {
            w.var((*s).into());
        }
    }
    w.var(t.landings.len() as u64);
    let (mut prev_ret, mut prev_handler) = (0, 0);
    for l in &t.landings {
        w.delta(&mut prev_ret, l.ret);
        w.delta(&mut prev_handler, l.handler);
        w.var(l.frame_offset.into());
    }
}

fn load_tables(r: &mut Reader<'_>, code_len: usize) -> Result<CodeTables, String> {
    let within = |offset: u32| {
        if offset as usize <= code_len { Ok(offset) } else { Err("a table offset past the code") }
    };
    let n = r.count(2)?;
    let mut traps = Vec::with_capacity(n);
    let mut prev = 0;
    for _ in 0..n {
        let offset = within(r.delta(&mut prev)?)?;
        let code = NonZeroU8::new(r.u8()?).ok_or("a zero trap code")?;
        traps.push((offset, TrapCode::from_raw(code)));
    }
    // Kept as saved: decoded only when a frame is looked up (`runtime::srclocs`).
    let srclocs = SrcLocs::Encoded(r.bytes()?.into());
    let n = r.count(3)?;
    let mut stack_maps = Vec::with_capacity(n);
    let mut prev = 0;
    for _ in 0..n {
        let ret = within(r.delta(&mut prev)?)?;
        let span = r.var32()?;
        let slots = (0..r.count(1)?).map(|_| r.var32()).collect::<Result<Box<[u32]>, _>>()?;
        if slots.iter().any(|&s| s >= span) {
            return Err("a stack-map slot outside its frame".into());
        }
        stack_maps.push(StackMap { ret, span, slots });
    }
    let n = r.count(3)?;
    let mut landings = Vec::with_capacity(n);
    let (mut prev_ret, mut prev_handler) = (0, 0);
    for _ in 0..n {
        landings.push(Landing {
            ret: within(r.delta(&mut prev_ret)?)?,
            handler: within(r.delta(&mut prev_handler)?)?,
            frame_offset: r.var32()?,
        });
    }
    Ok(CodeTables {
        traps: traps.into(),
        srclocs,
        stack_maps: stack_maps.into(),
        landings: landings.into(),
    })
}

/// The four relocation kinds code memory applies, as bytes.
fn reloc_kind(kind: Reloc) -> Result<u8, String> {
    Ok(match kind {
        Reloc::Abs8 => 0,
        Reloc::Abs4 => 1,
        Reloc::X86PCRel4 => 2,
        Reloc::X86CallPCRel4 => 3,
        other => return Err(format!("a {other} relocation cannot be saved")),
    })
}

fn reloc_of(byte: u8) -> Result<Reloc, String> {
    Ok(match byte {
        0 => Reloc::Abs8,
        1 => Reloc::Abs4,
        2 => Reloc::X86PCRel4,
        3 => Reloc::X86CallPCRel4,
        other => return Err(format!("unknown relocation kind {other}")),
    })
}

/// A relocation target read back, before code ids are given.
enum SavedTarget {
    Code(Meaning),
    Within(u32),
    LibCall(LibCall),
}

/// A saved function read back (its code still in the saved bytes).
struct ReadFunc<'a> {
    def: u32,
    alignment: usize,
    bytes: &'a [u8],
    relocs: Vec<ReadReloc>,
    tables: CodeTables,
}

/// A saved relocation read back.
struct ReadReloc {
    offset: u32,
    kind: Reloc,
    addend: i64,
    target: SavedTarget,
}

/// Reads the saved functions of a module of `declared` defined functions, checking every
/// length, index and offset.
fn read_saved(saved: &[u8], declared: u32) -> Result<Vec<ReadFunc<'_>>, String> {
    let mut r = Reader { bytes: saved, at: 0 };
    if r.u32()? != FORMAT {
        return Err("saved code of another format version".into());
    }
    // Each function: def, alignment, code length, then at least five counts.
    let n = r.count(8)?;
    let mut funcs = Vec::with_capacity(n);
    for _ in 0..n {
        let def = r.var32()?;
        if def >= declared {
            return Err(format!("saved code for function {def}, which the module lacks"));
        }
        let alignment = r.var32()? as usize;
        if !alignment.is_power_of_two() || alignment > 4096 {
            return Err(format!("a code alignment of {alignment}"));
        }
        let bytes = r.bytes()?;
        let mut relocs = Vec::new();
        let mut prev = 0;
        for _ in 0..r.count(4)? {
            let offset = r.delta(&mut prev)?;
            let kind = reloc_of(r.u8()?)?;
            let size = if kind == Reloc::Abs8 { 8 } else { 4 };
            if offset as usize + size > bytes.len() {
                return Err("a relocation past the end of its code".into());
            }
            let addend = r.svar()?;
            let target = match r.u8()? {
                0 => SavedTarget::Code(Meaning::Func(r.var32()?)),
                1 => {
                    let ty = r.var32()?;
                    let kind = if r.u8()? == 0 { ThunkKind::Call } else { ThunkKind::TailCall };
                    SavedTarget::Code(Meaning::Thunk(ty, kind))
                }
                2 => SavedTarget::Code(Meaning::Meter),
                3 => SavedTarget::Within(r.var32()?),
                4 => {
                    let name = std::str::from_utf8(r.bytes()?).map_err(|_| "a bad libcall")?;
                    let call = LibCall::from_str(name).map_err(|_| format!("libcall `{name}`"))?;
                    SavedTarget::LibCall(call)
                }
                other => return Err(format!("unknown relocation target {other}")),
            };
            relocs.push(ReadReloc { offset, kind, addend, target });
        }
        let tables = load_tables(&mut r, bytes.len())?;
        funcs.push(ReadFunc { def, alignment, bytes, relocs, tables });
    }
    if !r.is_done() {
        return Err("bytes after the saved code".into());
    }
    Ok(funcs)
}

impl JitModule {
    /// Places the functions of a saved batch (`Record::save`) in this fresh module's code
    /// memory, compiling the glue they need; returns each function's native code.
    pub(crate) fn load(
        &self,
        env: &ModuleEnv<'_>,
        saved: &[u8],
    ) -> Result<Vec<(u32, NativeFunc)>, String> {
        let funcs = read_saved(saved, env.info.num_defined_funcs())?;
        let isa = &*self.isa;
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let inner = &mut *guard;

        // Give every piece a code id: the functions, then the glue they refer to.
        let mut ids: HashMap<Meaning, CodeId> = HashMap::default();
        for f in &funcs {
            if ids.insert(Meaning::Func(f.def), inner.declare()?).is_some() {
                return Err(format!("function {} saved twice", f.def));
            }
        }
        for f in &funcs {
            for reloc in &f.relocs {
                let SavedTarget::Code(meaning) = &reloc.target else { continue };
                if ids.contains_key(meaning) {
                    continue;
                }
                let id = match *meaning {
                    Meaning::Func(def) => {
                        return Err(format!("a call of function {def}, whose code is not saved"));
                    }
                    Meaning::Meter => {
                        inner.meter_refill(isa, env)?;
                        inner.meter_stub.ok_or("saved metered code for an unmetered engine")?
                    }
                    Meaning::Thunk(ty, kind) => {
                        let func_type =
                            env.info.func_type(ty).ok_or("a thunk of a non-function type")?;
                        let glue = Glue::Thunk(translate::wasm_signature(func_type)?, kind);
                        let id = inner.declare()?;
                        inner.glue_as(isa, glue, id)?;
                        id
                    }
                };
                ids.insert(*meaning, id);
            }
        }

        let mut placed = Vec::with_capacity(funcs.len());
        for f in funcs {
            let relocs = f
                .relocs
                .into_iter()
                .map(|r| {
                    let target = match r.target {
                        SavedTarget::Code(meaning) => Target::Code(ids[&meaning]),
                        SavedTarget::Within(at) => Target::Within(at),
                        SavedTarget::LibCall(call) => Target::LibCall(call),
                    };
                    Relocation { offset: r.offset, kind: r.kind, target, addend: r.addend }
                })
                .collect();
            let id = ids[&Meaning::Func(f.def)];
            inner.code.place(id, f.alignment, f.bytes, relocs)?;
            placed.push((f.def, id, f.bytes.len(), f.tables));
        }
        if let Some((_, reason)) = inner.code.finalize()?.into_iter().next() {
            return Err(format!("linking saved code: {reason}"));
        }
        // Registered below with the names of `env.info`, the whole module.
        inner.named = true;
        let mut out = Vec::with_capacity(placed.len());
        // The trampoline of each function type, looked up once per type.
        let mut trampolines: HashMap<u32, usize> = HashMap::default();
        for (def, id, size, tables) in placed {
            let start = inner.code.address(id).ok_or("internal error: saved code not placed")?;
            inner.bytes += size;
            register_function(inner, env, def, start, size, tables);
            let func_index = env.info.num_imported.funcs + def;
            let ty =
                *env.info.funcs.get(func_index as usize).ok_or("a function past the module")?;
            let array_entry = match trampolines.get(&ty) {
                Some(&at) => at,
                None => {
                    let signature = translate::signature(env, def, None)?;
                    let at = inner.glue(isa, Glue::Trampoline(signature))?;
                    *trampolines.entry(ty).or_insert(at)
                }
            };
            out.push((
                def,
                NativeFunc { code: start as *const u8, array_entry: array_entry as *const u8 },
            ));
        }
        Ok(out)
    }
}
