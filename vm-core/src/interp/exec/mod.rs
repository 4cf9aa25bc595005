//! The interpreter's executor: threaded code.
//!
//! Each interpreter instruction is an [`Op`]: the instruction and a pointer to its handler. A
//! handler does its work and ends by calling the next op's handler in tail position; the
//! optimizer turns that call into a jump, so every handler ends in its own indirect jump, which
//! branch predictors learn far better than one shared dispatch point. Four values live in
//! registers across handlers (the op pointer, the frame pointer, memory 0's base and length) and
//! the rest in a [`Cx`]. Calls push the caller's state on a frame array and continue in the same
//! chain, so WebAssembly recursion never uses the host stack; the value stack and frame array are
//! allocated once per store, and running out of either is the "call stack exhausted" trap.
//!
//! Tail calls become jumps only in optimized builds. A probe at first use checks that the chain
//! runs in constant native stack; if it does not (an unoptimized build), the same handlers are
//! driven by a loop instead (`looped`), slower but just as correct.
//!
//! For a handler's final call to become a jump, nothing may need its frame afterwards: a handler
//! keeps no value with a destructor alive, and lets no local's address escape (which a call
//! returning a large value, such as `Result<_, Trap>`, does through its return slot). So handlers
//! only call functions with register-sized results; everything that builds a `Trap` runs out of
//! line (`fail`, `trap`, `translate_in_run`, `calls`) and records the trap in the context.

mod calls;
mod handlers;
mod looped;
mod semantics;
pub(crate) mod slow;
#[cfg(test)]
mod tests;
mod threaded;

use std::ptr;
use std::sync::OnceLock;
use std::sync::atomic::Ordering;

use super::code::InterpFunc;
use super::isa::{Instr, Slot};
use crate::engine::Config;
use crate::func::FuncEntity;
use crate::instance::InstanceData;
use crate::limits::{Quota, QuotaHit};
use crate::store::StoreOpaque;
use crate::trap::{FrameInfo, MAX_BACKTRACE, Trap, TrapCode};

/// An instruction with its handler. The fields are private to the executor: outside it, an op is
/// only made by [`Op::new`], which pairs an instruction with the handler of its variant — the
/// invariant every handler relies on to read its operands.
#[repr(C)]
pub(crate) struct Op {
    handler: Handler,
    instr: Instr,
}

impl Op {
    /// `instr` with its handler in `dispatch`.
    pub(crate) fn new(dispatch: Dispatch, instr: Instr) -> Op {
        Op { handler: dispatch.handler(&instr), instr }
    }

    /// The instruction.
    pub(crate) fn instr(&self) -> &Instr {
        &self.instr
    }
}

/// Whether `slots` slots starting at `at` end at or before `end`, comparing addresses as integers
/// (so that no pointer past the value stack's allocation is ever formed).
#[inline(always)]
fn fits(at: *const u64, slots: usize, end: *const u64) -> bool {
    (end as usize).saturating_sub(at as usize) >= slots * std::mem::size_of::<u64>()
}

/// A handler: runs the op at `ip` and continues with the next (or returns how the run ended).
pub(crate) type Handler =
    unsafe fn(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx) -> Exit;

/// How a chain of handlers ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(crate) enum Exit {
    /// (Loop mode only.) Run the op saved in the context next.
    Next,
    /// The function the run started with returned.
    Done,
    /// A trap; it is in the context.
    Trap,
}

/// A caller's state, saved while its callee runs.
#[derive(Clone, Copy)]
pub(crate) struct Frame {
    func: *const InterpFunc,
    /// Where the caller resumes.
    ip: *const Op,
    fp: *mut u64,
    inst: *const InstanceData,
}

/// Executor state that does not live in registers.
pub(crate) struct Cx {
    store: *mut StoreOpaque,
    func: *const InterpFunc,
    inst: *const InstanceData,
    depth: usize,
    entry_depth: usize,
    max_depth: usize,
    frames: *mut Frame,
    slots_base: *mut u64,
    stack_end: *mut u64,
    /// Loop mode: the registers between handlers.
    ip: *const Op,
    fp: *mut u64,
    mb: *mut u8,
    ml: u64,
    /// The trap that ended the run.
    trap: Option<Trap>,
}

/// Which handlers new code gets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dispatch {
    /// Handlers tail-call each other.
    Threaded,
    /// A loop calls each handler in turn.
    Looped,
}

impl Dispatch {
    /// The dispatch for code of an engine with `config`: threaded where this build turns tail
    /// calls into jumps (checked once per process), unless the configuration asks for the loop.
    /// Under Miri, which does not promise that tail calls become jumps, always the loop.
    pub fn for_config(config: &Config) -> Dispatch {
        static THREADED_WORKS: OnceLock<bool> = OnceLock::new();
        let threaded_works = || *THREADED_WORKS.get_or_init(threaded::probe_constant_stack);
        if !cfg!(miri) && !config.loop_dispatch && threaded_works() {
            Dispatch::Threaded
        } else {
            Dispatch::Looped
        }
    }

    /// The handler of `instr` in this dispatch.
    fn handler(self, instr: &Instr) -> Handler {
        match self {
            Dispatch::Threaded => threaded::handler_of(instr),
            Dispatch::Looped => looped::handler_of(instr),
        }
    }
}

/// A store's value stack and frame array. Both are allocated on first use, at their full
/// configured size (the pages are only touched as the stack deepens), and never move.
pub(crate) struct ExecStack {
    slots: *mut u64,
    slots_len: usize,
    frames: *mut Frame,
    /// Frames allocated: the engine's `max_call_depth`.
    max_depth: usize,
    /// Frames a run may use: `max_depth`, or less under the store's call-depth quota.
    depth_limit: usize,
    depth_quota: Option<u64>,
    /// Frames in use by the calls active now (a run keeps this current before it calls a host
    /// function, so a nested call starts above it).
    pub(crate) depth: usize,
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
            depth_limit: config.max_call_depth,
            depth_quota: None,
            depth: 0,
            top: 0,
        }
    }

    /// Limits active calls to `depth` (never above the engine's maximum). A run's entry call
    /// saves no frame, so `depth` calls need `depth - 1` saved frames.
    pub fn set_depth_quota(&mut self, depth: u64) {
        let depth = depth.max(1);
        self.depth_quota = Some(depth);
        self.depth_limit = usize::try_from(depth - 1).unwrap_or(usize::MAX).min(self.max_depth);
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

/// Base and length of memory 0 of `inst` when it is 32-bit (the fast loads and stores only exist
/// for that case); null and 0 otherwise.
///
/// # Safety
/// `inst` must be a live instance.
#[inline(always)]
unsafe fn mem_regs(inst: *const InstanceData) -> (*mut u8, u64) {
    // SAFETY: per the contract; memory pointers of an instance are live.
    unsafe {
        match (*inst).memories.first() {
            Some(&m) => ((*m).base, (*m).len as u64),
            None => (ptr::null_mut(), 0),
        }
    }
}

/// The `N` bytes of guest memory at `ea`. Read through a byte-array pointer: an unaligned load
/// with no temporary, which keeps the handler's final call a jump even with debug checks on.
///
/// # Safety
/// `ea + N` must be within the memory at `mb` (every caller checks against its length first).
#[inline(always)]
unsafe fn load<const N: usize>(mb: *mut u8, ea: u64) -> [u8; N] {
    // SAFETY: per the contract; `[u8; N]` has alignment 1.
    unsafe { *mb.add(ea as usize).cast::<[u8; N]>() }
}

/// Writes `N` bytes of guest memory at `ea` (as `load`).
///
/// # Safety
/// As for `load`.
#[inline(always)]
unsafe fn store<const N: usize>(mb: *mut u8, ea: u64, bytes: [u8; N]) {
    // SAFETY: as in `load`.
    unsafe { *mb.add(ea as usize).cast::<[u8; N]>() = bytes }
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

/// The extension word after the op at `ip`.
///
/// # Safety
/// `ip` must be an op the translator follows with an `Ext` word.
#[inline(always)]
unsafe fn ext(ip: *const Op) -> (u32, u32) {
    // SAFETY: per the contract.
    match unsafe { (*ip.add(1)).instr } {
        Instr::Ext { a, b } => (a, b),
        _ => (0, 0),
    }
}

/// The interpreter code of a defined function of `inst`'s module if it has been translated
/// already (null otherwise): the fast path of every call, one load.
///
/// # Safety
/// `inst` must be a live instance and `def` a defined-function index of its module.
#[inline(always)]
unsafe fn translated(inst: *const InstanceData, def: u32) -> *const InterpFunc {
    // SAFETY: per the contract.
    let module: &crate::module::ModuleInner = unsafe { &(*inst).module.inner };
    module.compiled[def as usize].load(Ordering::Acquire)
}

/// The interpreter code of a defined function of `inst`'s module, translating it on first use.
///
/// # Safety
/// As for `translated`.
unsafe fn compiled(inst: *const InstanceData, def: u32) -> Result<*const InterpFunc, Trap> {
    // SAFETY: per the contract.
    let ptr = unsafe { translated(inst, def) };
    if !ptr.is_null() {
        return Ok(ptr);
    }
    // SAFETY: per the contract.
    let module = unsafe { &(*inst).module.inner };
    module.code(def).map(|f| f as *const InterpFunc).map_err(|e| {
        Trap::host(format!("cannot run function {}: {e}", module.info.num_imported.funcs + def))
    })
}

/// For handlers: the code of defined function `def` of `inst`, or null after recording the trap
/// (a translation failure) in the context.
///
/// # Safety
/// The registers and context of a live run; `inst` live and `def` one of its functions.
#[inline(always)]
unsafe fn callee_code(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    inst: *const InstanceData,
    def: u32,
) -> *const InterpFunc {
    // SAFETY: per the contract.
    unsafe {
        let ptr = translated(inst, def);
        if ptr.is_null() { translate_in_run(ip, fp, cx, inst, def) } else { ptr }
    }
}

/// The slow path of `callee_code`, out of line so that no handler builds a `Trap` itself.
#[cold]
#[inline(never)]
unsafe fn translate_in_run(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    inst: *const InstanceData,
    def: u32,
) -> *const InterpFunc {
    // SAFETY: per `callee_code`'s contract.
    unsafe {
        match compiled(inst, def) {
            Ok(code) => code,
            Err(t) => {
                fail(ip, fp, cx, t);
                ptr::null()
            }
        }
    }
}

/// Ends the run: an extension word was dispatched, which the translator never allows.
#[cold]
#[inline(never)]
unsafe fn internal_error(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Exit {
    // SAFETY: as in `fail`.
    unsafe { fail(ip, fp, cx, Trap::host("internal error: an extension word was run")) }
}

/// Ends the run with `trap` raised by the op at `ip`, recording its backtrace.
#[cold]
#[inline(never)]
unsafe fn fail(ip: *const Op, fp: *mut u64, cx: *mut Cx, trap: Trap) -> Exit {
    // SAFETY: the context is the live one of this run.
    unsafe {
        let cx = &mut *cx;
        let current = Frame { func: cx.func, ip: ip.add(1), fp, inst: cx.inst };
        let (trace, omitted) = backtrace(cx.frames, cx.entry_depth, cx.depth, current);
        cx.trap = Some(trap.with_backtrace(trace, omitted));
    }
    Exit::Trap
}

/// Ends the run with the trap `code` raised by the op at `ip`.
#[cold]
#[inline(never)]
unsafe fn trap(ip: *const Op, fp: *mut u64, cx: *mut Cx, code: TrapCode) -> Exit {
    // SAFETY: as in `fail`.
    unsafe { fail(ip, fp, cx, Trap::new(code)) }
}

/// The trap for a call that does not fit with `depth` frames saved: "call stack exhausted",
/// naming the store's call-depth quota when that is what was hit.
#[cold]
fn exhausted(store: &mut StoreOpaque, depth: usize) -> Trap {
    match store.exec.depth_quota {
        Some(limit) if depth as u64 + 1 >= limit => {
            let hit = QuotaHit { quota: Quota::CallDepth, limit, requested: limit + 1 };
            store.usage.last_hit = Some(hit.clone());
            Trap::with_message(TrapCode::StackOverflow, format!("call stack exhausted: {hit}"))
        }
        _ => Trap::new(TrapCode::StackOverflow),
    }
}

/// Ends the run: a call found no room on the value stack or the frame array.
#[cold]
#[inline(never)]
unsafe fn stack_exhausted(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Exit {
    // SAFETY: the live context of this run, whose store pointer is the whole store.
    unsafe {
        let trap = exhausted(&mut *(*cx).store, (*cx).depth);
        fail(ip, fp, cx, trap)
    }
}

/// Ends the run: a quota refused a growth and the store's quotas say refusals trap.
#[cold]
#[inline(never)]
unsafe fn quota_exceeded(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Exit {
    // SAFETY: as in `stack_exhausted`.
    unsafe {
        let trap = match &(*(*cx).store).usage.last_hit {
            Some(hit) => crate::limits::quota_trap(hit),
            None => Trap::new(TrapCode::ResourceLimit),
        };
        fail(ip, fp, cx, trap)
    }
}

/// The slow path of a fuel or interrupt check: `true` to go on, `false` after recording the trap.
#[cold]
#[inline(never)]
unsafe fn meter_refill(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> bool {
    // SAFETY: as in `stack_exhausted`.
    unsafe {
        match (*(*cx).store).meter.refill() {
            Ok(()) => true,
            Err(trap) => {
                fail(ip, fp, cx, trap);
                false
            }
        }
    }
}

/// Runs defined function `def` of instance `inst` with the arguments in `slots` and leaves its
/// results there. `slots` must be as long as the larger of the parameter and result lists (in
/// slots: see `vm::slots`). The way into a function for the host and the runtime is
/// `runtime::call::invoke`, which comes here for WebAssembly functions.
///
/// # Safety
/// `store` must point to the whole, live store that owns the instance, lent exclusively for the
/// call; `def` is one of the instance's functions.
pub(crate) unsafe fn run(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    def: u32,
    slots: &mut [u64],
) -> Result<(), Trap> {
    // SAFETY: the instance is live, per the contract.
    let callee = unsafe { compiled(inst, def)? };
    // SAFETY: the store is ours for the call; this reference ends before the handlers run.
    let mut cx = unsafe {
        let stack = &mut (*store).exec;
        stack.ensure_allocated()?;
        let callee = &*callee;
        let base = stack.top;
        let need = base + (callee.frame_size as usize).max(slots.len());
        if need > stack.slots_len || stack.depth > stack.depth_limit {
            return Err(exhausted(&mut *store, stack.depth));
        }
        let fp = stack.slots.add(base);
        ptr::copy_nonoverlapping(slots.as_ptr(), fp, callee.num_params as usize);
        callee.init_frame(fp);
        stack.top = need;
        let (mb, ml) = mem_regs(inst);
        Cx {
            store,
            func: callee,
            inst,
            depth: stack.depth,
            entry_depth: stack.depth,
            max_depth: stack.depth_limit,
            frames: stack.frames,
            slots_base: stack.slots,
            stack_end: stack.slots.add(stack.slots_len),
            ip: callee.code.as_ptr(),
            fp,
            mb,
            ml,
            trap: None,
        }
    };
    let (entry_depth, saved_top, fp) = (cx.entry_depth, cx.top_of_entry(), cx.fp);
    // SAFETY: the frame was set up above inside the value stack; the handlers get the store
    // exclusively through the context.
    let exit = unsafe {
        let (ip, mb, ml) = (cx.ip, cx.mb, cx.ml);
        match ((*ip).handler)(ip, fp, mb, ml, &mut cx) {
            Exit::Next => looped::drive(&mut cx),
            other => other,
        }
    };
    // SAFETY: the run is done with the store.
    unsafe {
        let stack = &mut (*store).exec;
        stack.depth = entry_depth;
        stack.top = saved_top;
    }
    match exit {
        Exit::Trap => Err(cx.trap.take().unwrap_or_else(|| Trap::host("run ended without a trap"))),
        _ => {
            // SAFETY: the results are in the first slots of the entry frame.
            let num_results = unsafe { (*callee).num_results as usize };
            // SAFETY: as above; `slots` is long enough for the results.
            unsafe { ptr::copy_nonoverlapping(fp, slots.as_mut_ptr(), num_results) };
            Ok(())
        }
    }
}

impl Cx {
    /// A context for running ops that touch nothing but their frame (the dispatch probe).
    fn detached() -> Cx {
        Cx {
            store: ptr::null_mut(),
            func: ptr::null(),
            inst: ptr::null(),
            depth: 0,
            entry_depth: 0,
            max_depth: 0,
            frames: ptr::null_mut(),
            slots_base: ptr::null_mut(),
            stack_end: ptr::null_mut(),
            ip: ptr::null(),
            fp: ptr::null_mut(),
            mb: ptr::null_mut(),
            ml: 0,
            trap: None,
        }
    }

    /// The stack top to restore when the run ends: where the entry frame began.
    fn top_of_entry(&self) -> usize {
        // SAFETY: `fp` of the entry frame lies in the value stack starting at `slots_base`.
        unsafe { self.fp.offset_from(self.slots_base) as usize }
    }
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
        // op that was executing (or that made the call).
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
