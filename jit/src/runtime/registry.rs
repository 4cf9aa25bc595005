//! The process-wide map from code addresses to what is there: which WebAssembly function, where
//! its traps are, and which WebAssembly offset each instruction came from. The signal handler
//! reads it to tell a guest's fault from any other and to walk the guest's frames; backtraces read
//! it to name them.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use cranelift_codegen::ir::TrapCode;
use silo_core::FrameInfo;

/// What a compiled WebAssembly function's code means.
pub(crate) struct FuncInfo {
    pub func_index: u32,
    pub func_name: Option<String>,
    pub module_name: Option<String>,
    /// Byte offset of the body in the module: where prologue checks are reported.
    pub body_offset: u32,
    /// Trapping instructions: code offset and trap, sorted by offset.
    pub traps: Box<[(u32, TrapCode)]>,
    /// Code ranges and the WebAssembly byte offset they came from, sorted.
    pub srclocs: Box<[(u32, u32, u32)]>,
}

impl FuncInfo {
    /// The WebAssembly offset of the instruction at code offset `offset`.
    pub fn wasm_offset(&self, offset: u32) -> u32 {
        let i = self.srclocs.partition_point(|s| s.0 <= offset);
        match i.checked_sub(1).map(|i| self.srclocs[i]) {
            Some((start, end, loc)) if start <= offset && offset < end => loc,
            _ => self.body_offset,
        }
    }

    /// The backtrace frame for code offset `offset`.
    pub fn frame(&self, offset: u32) -> FrameInfo {
        FrameInfo {
            func_index: self.func_index,
            func_name: self.func_name.clone(),
            module_name: self.module_name.clone(),
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

/// Runs `f` with the registry read, or returns `None` when it cannot be read here (this thread
/// is writing it). Used from the signal handler: it allocates nothing.
pub(crate) fn with_lookup<R>(f: impl FnOnce(&Lookup<'_>) -> R) -> Option<R> {
    if WRITING.with(|w| w.get()) {
        return None;
    }
    Some(f(&Lookup(CODE.read().unwrap_or_else(|e| e.into_inner()))))
}
