//! The interpreter's executor: one loop over the internal code of `isa.rs`.
//!
//! State lives in locals: the instruction pointer, the frame pointer (slots are addressed from it),
//! the current function and instance, and the base and length of memory 0. Calls push the caller's
//! state on a frame array and continue in the same loop, so WebAssembly recursion never uses the
//! host stack; the value stack and the frame array are allocated once per store, and running out of
//! either is the "call stack exhausted" trap. Nothing on the hot path allocates or returns a
//! `Result`: an instruction that traps leaves the loop with its trap code.

#[rustfmt::skip]
mod run;
mod semantics;
mod slow;

use std::ptr;
use std::sync::atomic::Ordering;

use super::code::InterpFunc;
use super::isa::{Instr, Instr as I, Slot};
use crate::engine::Config;
use crate::func::{FuncEntity, FuncKind};
use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::trap::{FrameInfo, MAX_BACKTRACE, Trap, TrapCode};

/// A caller's state, saved while its callee runs.
#[derive(Clone, Copy)]
pub(crate) struct Frame {
    func: *const InterpFunc,
    ip: *const Instr,
    fp: *mut u64,
    inst: *const InstanceData,
}

/// A store's value stack and frame array. Both are allocated on first use, at their full
/// configured size (the pages are only touched as the stack deepens), and never move.
pub(crate) struct ExecStack {
    slots: *mut u64,
    slots_len: usize,
    frames: *mut Frame,
    max_depth: usize,
    /// Frames in use by the calls active now (an outer run keeps this current before it calls a
    /// host function, so a nested call starts above it).
    depth: usize,
    /// First slot not used by an active frame.
    top: usize,
}

impl ExecStack {
    pub fn new(config: &Config) -> ExecStack {
        ExecStack {
            slots: ptr::null_mut(),
            slots_len: config.max_wasm_stack / 8,
            frames: ptr::null_mut(),
            max_depth: config.max_call_depth,
            depth: 0,
            top: 0,
        }
    }

    fn slots_layout(&self) -> std::alloc::Layout {
        std::alloc::Layout::array::<u64>(self.slots_len).expect("stack size fits the address space")
    }

    fn frames_layout(&self) -> std::alloc::Layout {
        std::alloc::Layout::array::<Frame>(self.max_depth)
            .expect("frame array fits the address space")
    }

    fn ensure_allocated(&mut self) -> Result<(), Trap> {
        if !self.slots.is_null() {
            return Ok(());
        }
        // SAFETY: both layouts have a non-zero size (the config keeps the stack at least 1 KiB and
        // the depth at least 1).
        unsafe {
            let slots = std::alloc::alloc_zeroed(self.slots_layout()).cast::<u64>();
            let frames = std::alloc::alloc(self.frames_layout()).cast::<Frame>();
            if slots.is_null() || frames.is_null() {
                if !slots.is_null() {
                    std::alloc::dealloc(slots.cast(), self.slots_layout());
                }
                if !frames.is_null() {
                    std::alloc::dealloc(frames.cast(), self.frames_layout());
                }
                return Err(Trap::host("cannot allocate the WebAssembly value stack"));
            }
            self.slots = slots;
            self.frames = frames;
        }
        Ok(())
    }
}

impl Drop for ExecStack {
    fn drop(&mut self) {
        if !self.slots.is_null() {
            // SAFETY: allocated in `ensure_allocated` with exactly these layouts.
            unsafe {
                std::alloc::dealloc(self.slots.cast(), self.slots_layout());
                std::alloc::dealloc(self.frames.cast(), self.frames_layout());
            }
        }
    }
}

/// Base and length of memory 0 of the current instance, when it is a 32-bit memory (the fast
/// load and store instructions are only emitted then).
#[derive(Clone, Copy)]
struct MemCache {
    base: *mut u8,
    len: u64,
}

/// # Safety
/// `inst` must be a live instance.
#[inline(always)]
unsafe fn mem_cache(inst: *const InstanceData) -> MemCache {
    // SAFETY: per the contract; memory pointers of an instance are live.
    unsafe {
        match (*inst).memories.first() {
            Some(&m) => MemCache { base: (*m).base, len: (*m).len as u64 },
            None => MemCache { base: ptr::null_mut(), len: 0 },
        }
    }
}

#[inline(always)]
unsafe fn rd(fp: *mut u64, slot: Slot) -> u64 {
    // SAFETY: the translator only emits slots below the frame size, and a frame is entered only
    // after checking that `fp + frame_size` is inside the value stack.
    unsafe { *fp.add(slot as usize) }
}

#[inline(always)]
unsafe fn wr(fp: *mut u64, slot: Slot, value: u64) {
    // SAFETY: as in `rd`.
    unsafe { *fp.add(slot as usize) = value }
}

/// Entry `i` of the instance's function index space.
///
/// # Safety
/// `inst` is live and `i` is a function index of its module (validated).
#[inline(always)]
unsafe fn func_at(inst: *const InstanceData, i: u32) -> *const FuncEntity {
    // SAFETY: per the contract.
    unsafe {
        let funcs: &[*const FuncEntity] = &(*inst).funcs;
        *funcs.get_unchecked(i as usize)
    }
}

/// Global `i` of the instance.
///
/// # Safety
/// `inst` is live and `i` is a global index of its module (validated).
#[inline(always)]
unsafe fn global_at(inst: *const InstanceData, i: u32) -> *mut crate::global::GlobalEntity {
    // SAFETY: per the contract.
    unsafe {
        let globals: &[*mut crate::global::GlobalEntity] = &(*inst).globals;
        *globals.get_unchecked(i as usize)
    }
}

/// Reads the extension word at `ip`.
#[inline(always)]
unsafe fn ext(ip: *const Instr) -> (u32, u32) {
    // SAFETY: the translator emits an `Ext` word after every instruction that reads one.
    match unsafe { *ip } {
        Instr::Ext { a, b } => (a, b),
        _ => (0, 0),
    }
}

/// The interpreter code of a defined function of `inst`'s module, translated if need be.
///
/// # Safety
/// `inst` must be a live instance and `def` a defined-function index of its module.
#[inline(always)]
unsafe fn code_of(inst: *const InstanceData, def: u32) -> Result<*const InterpFunc, Trap> {
    // SAFETY: per the contract.
    let module = unsafe { &(*inst).module.inner };
    let ptr = module.compiled[def as usize].load(Ordering::Acquire);
    if !ptr.is_null() {
        return Ok(ptr);
    }
    module.code(def).map(|f| f as *const InterpFunc).map_err(|e| {
        Trap::host(format!("cannot run function {}: {e}", module.info.num_imported.funcs + def))
    })
}

/// Calls `func` with the arguments in `slots` and leaves its results there. `slots` must be as long
/// as the larger of the parameter and result lists.
///
/// # Safety
/// `store` must point to the whole, live store that owns `func`, lent exclusively for the call.
pub(crate) unsafe fn invoke(
    store: *mut StoreOpaque,
    func: *const FuncEntity,
    slots: &mut [u64],
) -> Result<(), Trap> {
    // SAFETY: `func` is a live entity of this store, per the contract.
    let (inst, def) = match unsafe { &(*func).kind } {
        FuncKind::Host(h) => return (h.call)(store, None, slots),
        FuncKind::Wasm { instance, def_index, .. } => (instance.as_ptr().cast_const(), *def_index),
    };
    // SAFETY: the instance of a live function is live.
    let callee = unsafe { code_of(inst, def)? };
    // SAFETY: the store is ours for the call; these references end before `run` starts.
    let (fp, entry_depth, saved_top, num_results) = unsafe {
        let stack = &mut (*store).exec;
        stack.ensure_allocated()?;
        let callee = &*callee;
        let base = stack.top;
        let need = base + (callee.frame_size as usize).max(slots.len());
        if need > stack.slots_len || stack.depth >= stack.max_depth {
            return Err(Trap::new(TrapCode::StackOverflow));
        }
        let fp = stack.slots.add(base);
        ptr::copy_nonoverlapping(slots.as_ptr(), fp, callee.num_params as usize);
        callee.init_frame(fp);
        stack.top = need;
        (fp, stack.depth, base, callee.num_results as usize)
    };
    // SAFETY: the frame was set up above inside the value stack; `run` gets the store exclusively.
    let result = unsafe { run::run(store, callee, fp, inst, entry_depth) };
    // SAFETY: `run` is done with the store.
    unsafe {
        let stack = &mut (*store).exec;
        stack.depth = entry_depth;
        stack.top = saved_top;
        if result.is_ok() {
            ptr::copy_nonoverlapping(fp, slots.as_mut_ptr(), num_results);
        }
    }
    result
}

/// The WebAssembly backtrace: the current function, then its callers up to the entry of this run,
/// at most `MAX_BACKTRACE` of them; also how many more there were.
#[cold]
unsafe fn backtrace(
    frames: *const Frame,
    entry_depth: usize,
    depth: usize,
    current: Frame,
) -> (Vec<FrameInfo>, usize) {
    let total = depth - entry_depth + 1;
    let kept = total.min(MAX_BACKTRACE);
    let mut out = Vec::with_capacity(kept);
    let all = std::iter::once(current)
        // SAFETY: frames `entry_depth..depth` were written by calls of this run.
        .chain((entry_depth..depth).rev().map(|d| unsafe { *frames.add(d) }))
        .take(kept);
    for frame in all {
        // SAFETY: saved frames name live functions and instances, and `ip` points just past the
        // instruction that was executing (or that made the call).
        unsafe {
            let func = &*frame.func;
            let pc = frame.ip.offset_from(func.code.as_ptr()).max(1) as usize - 1;
            let info = (*frame.inst).module.info();
            out.push(FrameInfo {
                func_index: func.func_index,
                func_name: info.func_name(func.func_index).map(str::to_string),
                module_name: info.names.module.clone(),
                module_offset: func.offset_of(pc),
            });
        }
    }
    (out, total - kept)
}
