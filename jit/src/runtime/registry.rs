//! The process-wide map from code addresses to what is there: which WebAssembly function, where
//! its traps are, and which WebAssembly offset each instruction came from. The signal handler
//! reads it to tell a guest's fault from any other and to walk the guest's frames; backtraces read
//! it to name them.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use cranelift_codegen::ir::TrapCode;
use cranelift_codegen::{Final, FinalizedMachExceptionHandler, MachBufferFinalized};
use silo_core::FrameInfo;

use super::srclocs::SrcLocs;

/// Where a frame keeps its heap references while it waits in one call.
#[derive(Clone)]
pub(crate) struct StackMap {
    /// Code offset of the call's return address.
    pub ret: u32,
    /// Bytes from the frame's stack pointer up to its frame pointer.
    pub span: u32,
    /// Offsets from the stack pointer of the 64-bit slots holding references.
    pub slots: Box<[u32]>,
}

/// Where an exception thrown out of a call lands in the calling frame.
#[derive(Clone, Copy)]
pub(crate) struct Landing {
    /// Code offset of the call's return address.
    pub ret: u32,
    /// Code offset of the landing.
    pub handler: u32,
    /// Bytes from the frame pointer down to the stack pointer at the call (what the landing
    /// runs with).
    pub frame_offset: u32,
}

/// The tables of a compiled function, as Cranelift emitted them.
#[derive(Clone)]
pub(crate) struct CodeTables {
    /// Trapping instructions: code offset and trap, sorted by offset.
    pub traps: Box<[(u32, TrapCode)]>,
    /// Code ranges and the WebAssembly byte offset they came from, sorted.
    pub srclocs: SrcLocs,
    /// The stack maps of the calls that have live references, sorted by return address.
    pub stack_maps: Box<[StackMap]>,
    /// The landings of the calls that have an exception handler, sorted by return address.
    pub landings: Box<[Landing]>,
}

impl CodeTables {
    /// The tables of `buffer`. Every reference the translator declares is a 64-bit value.
    pub fn of(buffer: &MachBufferFinalized<Final>) -> CodeTables {
        let stack_maps = buffer
            .user_stack_maps()
            .iter()
            .map(|(ret, span, map)| {
                let slots = map.entries().map(|(ty, offset)| {
                    debug_assert_eq!(ty, cranelift_codegen::ir::types::I64);
                    offset
                });
                StackMap { ret: *ret, span: *span, slots: slots.collect() }
            })
            .collect();
        let mut landings: Vec<Landing> = buffer
            .call_sites()
            .filter_map(|site| {
                let handler = site.exception_handlers.iter().find_map(|h| match h {
                    FinalizedMachExceptionHandler::Default(at) => Some(*at),
                    _ => None,
                })?;
                Some(Landing { ret: site.ret_addr, handler, frame_offset: site.frame_offset? })
            })
            .collect();
        landings.sort_by_key(|l| l.ret);
        CodeTables {
            landings: landings.into(),
            traps: buffer.traps().iter().map(|t| (t.offset, t.code)).collect(),
            srclocs: SrcLocs::Decoded(
                buffer
                    .get_srclocs_sorted()
                    .iter()
                    .filter(|s| !s.loc.is_default())
                    .map(|s| (s.start, s.end, s.loc.bits()))
                    .collect(),
            ),
            stack_maps,
        }
    }
}

/// What a compiled WebAssembly function's code means.
#[derive(Clone)]
pub(crate) struct FuncInfo {
    pub func_index: u32,
    /// The module's names (shared by its functions: looked up only for a backtrace).
    pub names: Arc<silo_loader::Names>,
    /// Byte offset of the body in the module: where prologue checks are reported.
    pub body_offset: u32,
    /// Trapping instructions: code offset and trap, sorted by offset.
    pub traps: Box<[(u32, TrapCode)]>,
    /// Code ranges and the WebAssembly byte offset they came from, sorted.
    pub srclocs: SrcLocs,
    /// Stack maps, sorted by return address.
    pub stack_maps: Box<[StackMap]>,
    /// Exception landings, sorted by return address.
    pub landings: Box<[Landing]>,
}

impl FuncInfo {
    /// The stack map of the call returning to code offset `ret`, if references live across it.
    pub fn stack_map(&self, ret: u32) -> Option<&StackMap> {
        let i = self.stack_maps.binary_search_by_key(&ret, |m| m.ret).ok()?;
        Some(&self.stack_maps[i])
    }

    /// Where an exception thrown out of the call returning to code offset `ret` lands, if the
    /// call has a handler.
    pub fn landing(&self, ret: u32) -> Option<Landing> {
        let i = self.landings.binary_search_by_key(&ret, |l| l.ret).ok()?;
        Some(self.landings[i])
    }

    /// The WebAssembly offset of the instruction at code offset `offset`.
    pub fn wasm_offset(&self, offset: u32) -> u32 {
        self.srclocs.lookup(offset).unwrap_or(self.body_offset)
    }

    /// The backtrace frame for code offset `offset`.
    pub fn frame(&self, offset: u32) -> FrameInfo {
        FrameInfo {
            func_index: self.func_index,
            func_name: self.names.funcs.get(&self.func_index).cloned(),
            module_name: self.names.module.clone(),
            module_offset: Some(self.wasm_offset(offset) as usize),
        }
    }
}

/// What a code range holds.
#[derive(Clone)]
pub(crate) enum Code {
    /// A WebAssembly function.
    Func(Arc<FuncInfo>),
    /// Glue between conventions (a trampoline or a call thunk), with its trapping instructions.
    Glue(Arc<[(u32, TrapCode)]>),
}

impl Code {
    /// The trap raised by the instruction at code offset `offset`.
    pub fn trap_at(&self, offset: u32) -> Option<TrapCode> {
        let traps = match self {
            Code::Func(info) => &info.traps[..],
            Code::Glue(traps) => &traps[..],
        };
        let i = traps.binary_search_by_key(&offset, |t| t.0).ok()?;
        Some(traps[i].1)
    }
}

struct Range {
    end: usize,
    code: Code,
}

static CODE: RwLock<BTreeMap<usize, Range>> = RwLock::new(BTreeMap::new());

thread_local! {
    /// Whether this thread holds the registry for writing: its signal handler must not wait for it.
    static WRITING: Cell<bool> = const { Cell::new(false) };
}

/// Records code at `start..end`.
pub(crate) fn register(start: usize, end: usize, code: Code) {
    WRITING.with(|w| w.set(true));
    CODE.write().unwrap_or_else(|e| e.into_inner()).insert(start, Range { end, code });
    WRITING.with(|w| w.set(false));
}

/// Gives the functions starting at each of `starts` the module's `names` (a module compiled
/// while it streamed gets its name section only at the end).
pub(crate) fn rename_functions(starts: &[usize], names: &Arc<silo_loader::Names>) {
    WRITING.with(|w| w.set(true));
    let mut map = CODE.write().unwrap_or_else(|e| e.into_inner());
    for start in starts {
        if let Some(Range { code: Code::Func(info), .. }) = map.get_mut(start) {
            // Code registered with the whole module at hand (not streamed) has its names.
            let same = |a: &silo_loader::Names, b: &silo_loader::Names| {
                a.module == b.module
                    && a.funcs.get(&info.func_index) == b.funcs.get(&info.func_index)
            };
            if Arc::ptr_eq(&info.names, names) || same(&info.names, names) {
                continue;
            }
            let mut renamed = FuncInfo::clone(info);
            renamed.names = names.clone();
            *info = Arc::new(renamed);
        }
    }
    drop(map);
    WRITING.with(|w| w.set(false));
}

/// Forgets the code starting at each of `starts`.
pub(crate) fn unregister(starts: &[usize]) {
    WRITING.with(|w| w.set(true));
    let mut map = CODE.write().unwrap_or_else(|e| e.into_inner());
    for start in starts {
        map.remove(start);
    }
    drop(map);
    WRITING.with(|w| w.set(false));
}

/// The registry, read.
pub(crate) struct Lookup<'a>(std::sync::RwLockReadGuard<'a, BTreeMap<usize, Range>>);

impl Lookup<'_> {
    /// The code at `pc`: the start of its range and what it holds.
    pub fn get(&self, pc: usize) -> Option<(usize, &Code)> {
        let (&start, range) = self.0.range(..=pc).next_back()?;
        (pc < range.end).then_some((start, &range.code))
    }
}

/// Runs `f` with the registry read, waiting for a writer to finish (not from a signal handler).
pub(crate) fn with_lookup_blocking<R>(f: impl FnOnce(&Lookup<'_>) -> R) -> R {
    f(&Lookup(CODE.read().unwrap_or_else(|e| e.into_inner())))
}

/// Runs `f` with the registry read, or returns `None` when it cannot be read here (this thread
/// is writing it). Used from the signal handler: it allocates nothing.
pub(crate) fn with_lookup<R>(f: impl FnOnce(&Lookup<'_>) -> R) -> Option<R> {
    if WRITING.with(|w| w.get()) {
        return None;
    }
    Some(f(&Lookup(CODE.read().unwrap_or_else(|e| e.into_inner()))))
}
