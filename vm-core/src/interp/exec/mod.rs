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
//! runs in constant native stack (`threaded::probe_constant_stack` for the simple ops,
//! `call_probe` for calls, returns and tail calls); if it does not (an unoptimized or sanitized
//! build), the same handlers are driven by a loop instead (`looped`), slower but just as correct.
//!
//! For a handler's final call to become a jump, nothing may need its frame afterwards: a handler
//! keeps no value with a destructor alive, and lets no local's address escape (which a call
//! returning a large value, such as `Result<_, Trap>`, does through its return slot). So handlers
//! only call functions with register-sized results; everything that builds a `Trap` runs out of
//! line (`fail`, `trap`, `translate_in_run`, `calls`) and records the trap in the context.

mod atomic;
mod call_probe;
mod calls;
mod deopt;
mod exn;
mod frame_values;
pub(crate) use frame_values::traced_values;
mod gc;
mod gc_handlers;
mod handlers;
mod looped;
mod resume;
mod roots;
mod semantics;
mod simd;
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
use crate::runtime::simd::V128;
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
/// (so that no pointer past the value stack's allocation is ever formed). The sum cannot overflow:
/// user-space addresses are far below `usize::MAX`, and a frame is at most 2^30 slots (the
/// translator's limit), so this is one add and one compare, as cheap as the pointer form.
#[inline(always)]
fn fits(at: *const u64, slots: usize, end: *const u64) -> bool {
    at as usize + slots * std::mem::size_of::<u64>() <= end as usize
}

/// A handler: runs the op at `ip` and continues with the next (or returns how the run ended).
///
/// # Safety
/// A handler may only be called with the registers and context of a live run, as `run` sets them
/// up and every handler hands them on to the next. These are the *run invariants*, which the
/// `# Safety` sections of the executor's functions refer to:
/// - `cx` points to the run's [`Cx`], which nothing else uses while a handler runs. Its `store` is
///   the whole, live store (with provenance over all of it), lent exclusively to the run: no Rust
///   reference into it is held across handlers. Its `inst` is a live instance of that store, and
///   its `func` the interpreter code of one of that instance's defined functions (owned by the
///   instance's module, which the instance keeps alive). `frames[entry_depth..depth]` are the
///   callers this run saved, and `depth <= max_depth`, which is at most the frame array's length.
/// - `ip` points into `cx.func`'s code at an op whose handler this is (`Op::new` pairs every
///   instruction with the handler of its own variant, so the op's payload is the handler's).
///   Where the translator follows an op with an extension word (`Ext`, `MemArg`) or with a
///   `br_table`'s entries, they come right after it, and every branch offset lands on an op of
///   the same code.
/// - `fp` points to the running function's frame: `cx.func.frame_size` slots inside the value
///   stack (`cx.slots_base..cx.stack_end`), its locals and constants set up by `init_frame`. The
///   translator emits only slot operands below the frame size (both slots of a `v128` included).
///   The value stack is zeroed when allocated and only ever holds `u64`s, so every slot is
///   initialized.
/// - `mb` and `ml` are the base of `cx.inst`'s memory 0 and a length it has at least (`mem_regs`,
///   reloaded after anything that can grow or move it: `memory.grow`, calls and returns), or null
///   and 0 without a memory 0.
pub(crate) type Handler =
    unsafe fn(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx, acc: u64) -> Exit;

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
    acc: u64,
    /// The trap that ended the run.
    trap: Option<Trap>,
    /// The op that raised it and its frame (null when the current call ended in native code):
    /// where the search for an exception's handler starts.
    fault_ip: *const Op,
    fault_fp: *mut u64,
    /// Where the run is while it is out of its handlers (in a host function, native code or the
    /// collector): the op that left and the frame it left from. Set by every op that can lead
    /// to a collection, so the collector can find the frame's references.
    at_ip: *const Op,
    at_fp: *mut u64,
    /// The run this one was started under (a host function or native code called back into the
    /// interpreter), or null.
    outer: *mut Cx,
    /// Whether the run is out in a host function that one of its call ops called (`at_ip`): the
    /// point where its state can be taken out (`resume::capture`).
    in_host: bool,
    /// Whether the run is stopped at a fuel or interrupt check (`at_ip`) while the store's check
    /// hook runs: the other point where its state can be taken out.
    at_check: bool,
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
    /// calls into jumps (checked once per process: the simple ops detached, then calls, returns
    /// and tail calls in a guest of the probe's own, `call_probe`), unless the configuration asks
    /// for the loop. Under Miri, which does not promise that tail calls become jumps, always the
    /// loop.
    pub fn for_config(config: &Config) -> Dispatch {
        static THREADED_WORKS: OnceLock<bool> = OnceLock::new();
        let probe =
            || threaded::probe_constant_stack() && call_probe::calls_run_in_constant_stack();
        let threaded_works = || call_probe::probing() || *THREADED_WORKS.get_or_init(probe);
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
    /// The innermost active run, whose `outer` links lead to the others (null when none is).
    innermost: *mut Cx,
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
            innermost: ptr::null_mut(),
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
        // The value stack is mapped fresh, not taken from the heap: fresh pages are zero and
        // resident only once touched, while a heap allocation made after other stores freed
        // theirs comes back as reused memory that `alloc_zeroed` must clear — a whole stack
        // resident for every store, which made 2,000 idle guests take 17 GiB.
        use rustix::mm::{MapFlags, ProtFlags, mmap_anonymous};
        let bytes = self.slots_layout().size();
        // SAFETY: a new private anonymous mapping at an address the kernel chooses touches no
        // existing memory; it is unmapped (with this length) only in `drop`.
        let slots = unsafe {
            mmap_anonymous(
                ptr::null_mut(),
                bytes,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE,
            )
        }
        .map_err(|_| Trap::host("cannot allocate the WebAssembly value stack"))?;
        // SAFETY: the layout has a non-zero size, as `alloc` requires (`Config` keeps
        // `max_call_depth` at least 1); the pointer is deallocated only when non-null, with the
        // layout it was allocated with.
        let frames = unsafe { std::alloc::alloc(self.frames_layout()).cast::<Frame>() };
        if frames.is_null() {
            // SAFETY: `slots` was just mapped with this length and nothing refers to it.
            let _ = unsafe { rustix::mm::munmap(slots, bytes) };
            return Err(Trap::host("cannot allocate the WebAssembly value stack"));
        }
        self.slots = slots.cast::<u64>();
        self.frames = frames;
        Ok(())
    }
}

impl Drop for ExecStack {
    fn drop(&mut self) {
        if !self.slots.is_null() {
            // SAFETY: `slots` is non-null only after `ensure_allocated` mapped it and allocated
            // `frames`, with these sizes and layouts (`slots_len` and `max_depth` never change);
            // nothing uses them after the store, which owns this stack, is dropped.
            unsafe {
                let _ = rustix::mm::munmap(self.slots.cast(), self.slots_layout().size());
                std::alloc::dealloc(self.frames.cast(), self.frames_layout());
            }
        }
    }
}

/// Base and length of memory 0 of `inst`, for the fast loads and stores (which the translator
/// emits only when memory 0 is 32-bit); null and 0 when the instance has no memory.
///
/// # Safety
/// `inst` must point to a live instance.
#[inline(always)]
unsafe fn mem_regs(inst: *const InstanceData) -> (*mut u8, u64) {
    // SAFETY: `inst` is live (this function's contract), and a live instance's `memories` point
    // to memories of its store, which keeps them alive and at their addresses while it lives.
    unsafe {
        match (*inst).memories.first() {
            Some(&m) => ((*m).base, (*m).len() as u64),
            None => (ptr::null_mut(), 0),
        }
    }
}

/// The current length of memory 0 of `inst` when it is shared and longer than `ml`: another
/// thread grew it since `ml` was read. `None` otherwise (a memory that is not shared never has a
/// stale `ml`: the registers are reloaded after everything that can grow it).
///
/// # Safety
/// `inst` must point to a live instance.
#[cold]
unsafe fn grown_memory0(inst: *const InstanceData, ml: u64) -> Option<u64> {
    // SAFETY: `inst` is live (this function's contract), and a live instance's `memories` point
    // to memories of its store, which keeps them alive; only shared references are made, and a
    // shared memory's length is atomic.
    unsafe {
        match (*inst).memories.first() {
            Some(&m) if (*m).is_shared() => Some((*m).len() as u64).filter(|&len| len > ml),
            _ => None,
        }
    }
}

/// The `N` bytes of guest memory at `ea`, read as `runtime::racy` reads memory another thread
/// may be writing (one move, unaligned).
///
/// # Safety
/// `mb` must be the base of a live memory (a run's `mb` register) and `ea + N` at most its length
/// (every caller checks `ea + N <= ml` first).
#[inline(always)]
unsafe fn load<const N: usize>(mb: *mut u8, ea: u64) -> [u8; N]
where
    [u8; N]: crate::runtime::racy::Access,
{
    // SAFETY: `mb + ea .. mb + ea + N` lies inside the memory's committed bytes (this function's
    // contract), to which no Rust reference is held while a run uses them.
    unsafe { crate::runtime::racy::read::<N>(mb.add(ea as usize)) }
}

/// Writes `N` bytes of guest memory at `ea` (as `load`).
///
/// # Safety
/// As for `load`: `mb` is the base of a live memory and `ea + N` at most its length.
#[inline(always)]
unsafe fn store<const N: usize>(mb: *mut u8, ea: u64, bytes: [u8; N])
where
    [u8; N]: crate::runtime::racy::Access,
{
    // SAFETY: `mb + ea .. mb + ea + N` lies inside the memory's committed, writable bytes (this
    // function's contract), which no Rust reference covers while a run is using them.
    unsafe { crate::runtime::racy::write::<N>(mb.add(ea as usize), bytes) }
}

/// Slot `slot` of the frame at `fp`.
///
/// # Safety
/// `fp` is a live run's frame and `slot` below its function's frame size (run invariants, see
/// [`Handler`]: the translator emits only such slot operands).
#[inline(always)]
unsafe fn rd(fp: *mut u64, slot: Slot) -> u64 {
    // SAFETY: `slot < frame_size` and the frame's `frame_size` slots lie inside the value stack
    // (this function's contract), so `fp + slot` is in bounds, aligned for `u64` and initialized
    // (the value stack is zeroed when allocated).
    unsafe { *fp.add(slot as usize) }
}

/// Writes slot `slot` of the frame at `fp`.
///
/// # Safety
/// As for `rd`: `fp` is a live run's frame and `slot` below its function's frame size.
#[inline(always)]
unsafe fn wr(fp: *mut u64, slot: Slot, value: u64) {
    // SAFETY: `fp + slot` is inside the frame, so inside the value stack (this function's
    // contract), which nothing but this run touches while it runs.
    unsafe { *fp.add(slot as usize) = value }
}

/// The `v128` in slots `slot` and `slot + 1` of the frame at `fp` (low half first): one 16-byte
/// load.
///
/// # Safety
/// As for `rd`, for both slots: `fp` is a live run's frame and `slot + 1` below its function's
/// frame size (the translator gives a `v128` operand both of its slots).
#[inline(always)]
unsafe fn rd128(fp: *mut u64, slot: Slot) -> V128 {
    if cfg!(target_endian = "little") {
        // SAFETY: both slots are inside the frame (this function's contract), initialized `u64`s
        // next to each other, whose 16 bytes on a little-endian target are the vector's, low half
        // first. Read through a byte-array pointer (alignment 1, and no temporary, as in `load`).
        unsafe { V128::from_bytes(*fp.add(slot as usize).cast::<[u8; 16]>()) }
    } else {
        // SAFETY: as for `rd`, for both slots (this function's contract).
        unsafe { V128::from_bits(rd(fp, slot) as u128 | (rd(fp, slot + 1) as u128) << 64) }
    }
}

/// Writes a `v128` to slots `slot` and `slot + 1` of the frame at `fp`: one 16-byte store.
///
/// # Safety
/// As for `wr`, for both slots.
#[inline(always)]
unsafe fn wr128(fp: *mut u64, slot: Slot, value: V128) {
    if cfg!(target_endian = "little") {
        // SAFETY: both slots are inside the frame (this function's contract), which nothing but
        // this run touches; on a little-endian target the low half lands in the first. Written
        // through a byte-array pointer (alignment 1, no temporary).
        unsafe { *fp.add(slot as usize).cast::<[u8; 16]>() = value.to_bytes() }
    } else {
        let bits = value.bits();
        // SAFETY: as for `wr`, for both slots (this function's contract).
        unsafe {
            wr(fp, slot, bits as u64);
            wr(fp, slot + 1, (bits >> 64) as u64);
        }
    }
}

/// Entry `i` of the instance's function index space.
///
/// # Safety
/// `inst` points to a live instance and `i` is a function index of its module (which validation
/// guarantees of every function index in its code).
#[inline(always)]
unsafe fn func_at(inst: *const InstanceData, i: u32) -> *const FuncEntity {
    // SAFETY: `inst` is live (this function's contract), so its `funcs` box is allocated and holds
    // the module's whole function index space; `i` is a function index of the module (contract),
    // so it is below `funcs.len()`.
    unsafe {
        let funcs: &[*const FuncEntity] = &(*inst).funcs;
        *funcs.get_unchecked(i as usize)
    }
}

/// Global `i` of the instance.
///
/// # Safety
/// `inst` points to a live instance and `i` is a global index of its module (which validation
/// guarantees of every global index in its code).
#[inline(always)]
unsafe fn global_at(inst: *const InstanceData, i: u32) -> *mut crate::global::GlobalEntity {
    // SAFETY: `inst` is live (this function's contract), so its `globals` box is allocated and
    // holds the module's whole global index space; `i` is a global index of the module
    // (contract), so it is below `globals.len()`.
    unsafe {
        let globals: &[*mut crate::global::GlobalEntity] = &(*inst).globals;
        *globals.get_unchecked(i as usize)
    }
}

/// The extension word after the op at `ip`.
///
/// # Safety
/// `ip` must point into a function's code at an op the translator follows with an `Ext` word.
#[inline(always)]
unsafe fn ext(ip: *const Op) -> (u32, u32) {
    // SAFETY: the op at `ip` is followed by its extension word in the same code (this function's
    // contract), so `ip + 1` is an initialized op of that code.
    match unsafe { (*ip.add(1)).instr } {
        Instr::Ext { a, b } => (a, b),
        _ => (0, 0),
    }
}

/// The interpreter code of a defined function of `inst`'s module if it has been translated
/// already (null otherwise): the fast path of every call, one load.
///
/// # Safety
/// `inst` must point to a live instance and `def` be a defined-function index of its module
/// (below its number of defined functions).
#[inline(always)]
unsafe fn translated(inst: *const InstanceData, def: u32) -> *const InterpFunc {
    // SAFETY: `inst` is live (this function's contract), so its `module` is a valid, shared
    // field; only shared references are made to the instance while code runs.
    let module: &crate::module::ModuleInner = unsafe { &(*inst).module.inner };
    module.compiled[def as usize].load(Ordering::Acquire)
}

/// The interpreter code of a defined function of `inst`'s module, translating it on first use.
///
/// # Safety
/// As for `translated`: `inst` points to a live instance and `def` is a defined-function index of
/// its module; `store` points to the live store of the instance, not otherwise borrowed.
unsafe fn compiled(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    def: u32,
) -> Result<*const InterpFunc, Trap> {
    // SAFETY: `inst` and `def` are what `translated` requires (this function's contract).
    let ptr = unsafe { translated(inst, def) };
    if !ptr.is_null() {
        return Ok(ptr);
    }
    // SAFETY: `inst` is live (this function's contract), so its `module` is a valid field, only
    // ever shared while code runs; `store` is the live store, whose meter nothing else uses
    // while this reads it and, on a cancelled compilation, takes the trap that stops the guest.
    unsafe {
        let module = &(*inst).module.inner;
        let stop = (*store).meter.watch();
        module.code_for(def, &stop).map(|f| f as *const InterpFunc).map_err(|e| {
            if e == crate::vm::COMPILE_CANCELLED
                && let Some(trap) = (*store).meter.stop()
            {
                return trap;
            }
            Trap::host(format!("cannot run function {}: {e}", module.info.num_imported.funcs + def))
        })
    }
}

/// For handlers: the code of defined function `def` of `inst`, or null after recording the trap
/// (a translation failure) in the context.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]); `inst` points to a live
/// instance of the run's store and `def` is a defined-function index of its module.
#[inline(always)]
unsafe fn callee_code(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    inst: *const InstanceData,
    def: u32,
) -> *const InterpFunc {
    // SAFETY: `inst` and `def` are what `translated` requires, and the registers what
    // `translate_in_run` requires (this function's contract).
    unsafe {
        let ptr = translated(inst, def);
        if ptr.is_null() { translate_in_run(ip, fp, cx, inst, def) } else { ptr }
    }
}

/// The slow path of `callee_code`, out of line so that no handler builds a `Trap` itself.
///
/// # Safety
/// As for `callee_code`: the run invariants hold for `ip`, `fp` and `cx`; `inst` is a live
/// instance of the run's store and `def` a defined-function index of its module.
#[cold]
#[inline(never)]
unsafe fn translate_in_run(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    inst: *const InstanceData,
    def: u32,
) -> *const InterpFunc {
    // SAFETY: `inst` and `def` are what `compiled` requires, and `ip`, `fp` and `cx` the live
    // run's registers `fail` requires (this function's contract).
    unsafe {
        match compiled((*cx).store, inst, def) {
            Ok(code) => code,
            Err(t) => {
                fail(ip, fp, cx, t);
                ptr::null()
            }
        }
    }
}

/// Marks the run as being at the op `ip` with frame `fp` (so a collection finds this frame's
/// references), and gives the store.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see `Handler`), and the caller holds no other
/// reference into the store while it uses the one returned.
unsafe fn enter_store<'a>(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> &'a mut StoreOpaque {
    // SAFETY: `cx` is the run's context and its `store` the whole live store, lent exclusively to
    // the run with no other reference into it held now (run invariants, this function's
    // contract).
    unsafe {
        ((*cx).at_ip, (*cx).at_fp) = (ip, fp);
        &mut *(*cx).store
    }
}

/// Ends the run: an extension word was dispatched, which the translator never allows.
///
/// # Safety
/// As for `fail`: `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]).
#[cold]
#[inline(never)]
unsafe fn internal_error(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Exit {
    // SAFETY: the registers and context are a live run's (this function's contract), as `fail`
    // requires.
    unsafe { fail(ip, fp, cx, Trap::host("internal error: an extension word was run")) }
}

/// Ends the run with `trap` raised by the op at `ip`, recording its backtrace.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]).
#[cold]
#[inline(never)]
unsafe fn fail(ip: *const Op, fp: *mut u64, cx: *mut Cx, trap: Trap) -> Exit {
    // SAFETY: `cx` is the run's context, used by nothing else meanwhile, so the `&mut` is
    // exclusive; `ip` points at an op of `cx.func`'s code, so `ip + 1` is at most one past its end;
    // `frames[entry_depth..depth]` are this run's saved callers, as `backtrace` requires (run
    // invariants, this function's contract).
    unsafe {
        let cx = &mut *cx;
        (cx.fault_ip, cx.fault_fp) = (ip, fp);
        if trap.code() == TrapCode::UncaughtException {
            // Most exceptions are caught: the backtrace waits until one leaves the run (`land`).
            cx.trap = Some(trap);
            return Exit::Trap;
        }
        let current = Frame { func: cx.func, ip: ip.add(1), fp, inst: cx.inst };
        let (trace, omitted) = backtrace(cx.frames, cx.entry_depth, cx.depth, current);
        cx.trap = Some(trap.with_backtrace(trace, omitted));
    }
    Exit::Trap
}

/// Ends the run with the trap `code` raised by the op at `ip`.
///
/// # Safety
/// As for `fail`: `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]).
#[cold]
#[inline(never)]
unsafe fn trap(ip: *const Op, fp: *mut u64, cx: *mut Cx, code: TrapCode) -> Exit {
    // SAFETY: the registers and context are a live run's (this function's contract), as `fail`
    // requires; the store is lent to the run with no reference into it held now, so the `&mut`
    // made for `meter_trap` (a bulk instruction's fuel or deadline stop) is exclusive.
    unsafe {
        let trap = match code {
            TrapCode::OutOfFuel | TrapCode::DeadlineExceeded | TrapCode::Interrupted => {
                crate::runtime::bulk::meter_trap(&mut *(*cx).store, code)
            }
            _ => Trap::new(code),
        };
        fail(ip, fp, cx, trap)
    }
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
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]).
#[cold]
#[inline(never)]
unsafe fn stack_exhausted(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Exit {
    // SAFETY: `cx` is the run's context and its `store` the whole live store, lent exclusively to
    // the run with no other reference into it held now (run invariants, this function's
    // contract), so the `&mut StoreOpaque` is exclusive while `exhausted` runs; `fail` gets the
    // live registers.
    unsafe {
        let trap = exhausted(&mut *(*cx).store, (*cx).depth);
        fail(ip, fp, cx, trap)
    }
}

/// Ends the run: a quota refused a growth and the store's quotas say refusals trap.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]).
#[cold]
#[inline(never)]
unsafe fn quota_exceeded(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Exit {
    // SAFETY: `cx.store` is the whole live store, lent exclusively to the run (run invariants,
    // this function's contract), so reading its usage record is sound; the reference ends before
    // `fail` gets the live registers.
    unsafe {
        let trap = match &(*(*cx).store).usage.last_hit {
            Some(hit) => crate::limits::quota_trap(hit),
            None => Trap::new(TrapCode::ResourceLimit),
        };
        fail(ip, fp, cx, trap)
    }
}

/// The slow path of a fuel or interrupt check: `true` to go on, `false` after recording the trap.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see [`Handler`]).
#[cold]
#[inline(never)]
unsafe fn meter_refill(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> bool {
    // SAFETY: `cx.store` is the whole live store, lent exclusively to the run with no other
    // reference into it held now (run invariants, this function's contract), so `meter` may be
    // borrowed mutably; that borrow ends before `fail` gets the live registers.
    unsafe {
        let store = (*cx).store;
        let result = match (*store).meter.refill() {
            Ok(()) if (*store).check_hook.is_some() => check_hook(ip, fp, cx),
            other => other,
        };
        match result {
            Ok(()) => true,
            Err(trap) => {
                fail(ip, fp, cx, trap);
                false
            }
        }
    }
}

/// Runs the store's check hook (`Store::on_check`) at the check `ip`, the run marked as stopped
/// there (`Cx::at_check`, so that its state can be taken out: `resume::capture`).
///
/// # Safety
/// As `meter_refill`'s; the store has a check hook.
#[cold]
unsafe fn check_hook(ip: *const Op, fp: *mut u64, cx: *mut Cx) -> Result<(), Trap> {
    // SAFETY: `cx.store` is the whole live store, lent exclusively to the run with no reference
    // into it held now (contract); the hook is taken out of it while it runs, so the hook gets the
    // store with no borrow of its own box held, and `cx.inst` is a live instance of it.
    unsafe {
        let store = (*cx).store;
        let Some(mut hook) = (*store).check_hook.take() else { return Ok(()) };
        ((*cx).at_ip, (*cx).at_fp, (*cx).at_check) = (ip, fp, true);
        (*store).exec.depth = (*cx).depth;
        (*store).exec.top =
            fp.add((*(*cx).func).frame_size as usize).offset_from((*cx).slots_base) as usize;
        let result = hook(store, ptr::NonNull::new((*cx).inst.cast_mut()));
        (*cx).at_check = false;
        if (*store).check_hook.is_none() {
            (*store).check_hook = Some(hook);
        }
        result
    }
}

/// Runs defined function `def` of instance `inst` with the arguments in `slots` and leaves its
/// results there. The way into a function for the host and the runtime is
/// `runtime::call::invoke`, which comes here for WebAssembly functions.
///
/// # Safety
/// - `store` must point to the whole, live store (with provenance over all of it), lent
///   exclusively for the call: no reference into it is live while the call runs.
/// - `inst` must point to a live instance of that store, and `def` be a defined-function index
///   of its module (below its number of defined functions).
/// - `slots` must be at least as long as the larger of the function's parameter and result lists,
///   counted in slots (see `vm::slots`).
pub(crate) unsafe fn run(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    def: u32,
    slots: &mut [u64],
) -> Result<(), Trap> {
    // SAFETY: `inst` is a live instance and `def` a defined-function index of its module (this
    // function's contract), as `compiled` requires.
    let callee = unsafe { compiled(store, inst, def)? };
    // SAFETY: `store` is the whole live store, ours alone for the call (this function's
    // contract), so `stack` is the only reference into it until it is last used, before the
    // handlers run (and `exhausted` gets the store only after it). `callee` is code of `inst`'s
    // module, which the live instance keeps alive. `base + frame_size` and `base + slots.len()`
    // are at most `need`, which is checked against the value stack's length before anything is
    // written, so the frame at `fp` is inside the value stack `ensure_allocated` allocated:
    // `init_frame` gets its `frame_size` slots, and the `num_params <= slots.len()` (contract)
    // arguments are copied into it from the caller's slice, another allocation.
    // `slots + slots_len` is one past the end of the value stack. `mem_regs` gets the live
    // instance.
    let cx = unsafe {
        let stack = &mut (*store).exec;
        stack.ensure_allocated()?;
        let callee = &*callee;
        let base = stack.top;
        let need = base + (callee.frame_size as usize).max(slots.len());
        if need > stack.slots_len || stack.depth > stack.depth_limit {
            let depth = stack.depth;
            return Err(exhausted(&mut *store, depth));
        }
        let fp = stack.slots.add(base);
        ptr::copy_nonoverlapping(slots.as_ptr(), fp, callee.num_params as usize);
        callee.init_frame(fp);
        stack.top = need;
        Cx::entering(store, stack, callee, inst, stack.depth, callee.code.as_ptr(), fp)
    };
    // SAFETY: `cx` is a context set up as `drive` requires (see the SAFETY of its making above),
    // for `store`, ours alone for the call; `slots` holds at least the callee's results.
    unsafe { drive(store, cx, slots) }
}

/// Runs a run whose context `cx` has been set up (its registers at the op to start with), until
/// its entry frame returns or it traps; then copies the entry function's results into `out`.
///
/// # Safety
/// `store` is the whole live store, ours alone for the call; `cx` satisfies the run invariants
/// (see `Handler`) for its `ip`, `fp`, `mb` and `ml` registers, its frames
/// `entry_depth..depth` are saved callers of this run inside the store's frame array, and the
/// value stack's `top` lies past every frame of the run; `out` holds at least the entry
/// function's results.
unsafe fn drive(store: *mut StoreOpaque, mut cx: Cx, slots: &mut [u64]) -> Result<(), Trap> {
    // The entry frame: the one `cx` starts in when no frame is saved, else the first saved one.
    let (entry_depth, fp) = (cx.entry_depth, cx.fp);
    let (entry_fp, entry_func) = if cx.depth > cx.entry_depth {
        // SAFETY: `entry_depth < depth`: a frame this run saved (this function's contract).
        let first = unsafe { *cx.frames.add(cx.entry_depth) };
        (first.fp, first.func)
    } else {
        (cx.fp, cx.func)
    };
    let saved_top = (entry_fp as usize - cx.slots_base as usize) / std::mem::size_of::<u64>();
    // From here on the context is only reached through this one pointer, which the collector
    // may follow while the run is suspended.
    let cxp: *mut Cx = &mut cx;
    // SAFETY: `store` is the whole live store, ours alone for the call (this function's
    // contract); `cx` stays where it is until this function returns, and is unlinked below
    // before then, so the collector only ever follows a link to a live context.
    unsafe { (*store).exec.innermost = cxp };
    // SAFETY: the run invariants (see `Handler`) hold for the registers and context set up above:
    // `cx` is this function's own context; its store is the whole store, ours alone (this
    // function's contract) with no reference into it live now; `inst` is live and `cx.func` its
    // module's code for `def`; `ip` is that code's first op, carrying its own handler (`Op::new`);
    // `fp` is the frame just set up inside the value stack; `mb` and `ml` come from `mem_regs`; and
    // no frames are saved yet (`depth == entry_depth <= max_depth`). `looped::drive` continues
    // with the registers the last handler left in the context, under the same invariants.
    // A thrown exception that a frame of this run catches continues the run at its landing
    // (`exn::land`, which leaves the registers and context as the run invariants want them).
    let exit = unsafe {
        let (mut ip, mut fp, mut mb, mut ml) = ((*cxp).ip, fp, (*cxp).mb, (*cxp).ml);
        loop {
            let exit = match ((*ip).handler)(ip, fp, mb, ml, cxp, 0) {
                Exit::Next => looped::drive(&mut *cxp),
                other => other,
            };
            match exit {
                Exit::Trap => match exn::land(cxp) {
                    Some(regs) => (ip, fp, mb, ml) = regs,
                    None => break exit,
                },
                _ => break exit,
            }
        }
    };
    // SAFETY: `store` is still the live store lent to this call (this function's contract), and
    // the run that used it through `cx` has ended, so this is the only reference into it.
    unsafe {
        let stack = &mut (*store).exec;
        stack.depth = entry_depth;
        stack.top = saved_top;
        stack.innermost = (*cxp).outer;
    }
    match exit {
        Exit::Trap => {
            // SAFETY: the run has ended and unlinked its context: `cxp` is the only way to it.
            let trap = unsafe { (*cxp).trap.take() };
            Err(trap.unwrap_or_else(|| Trap::host("run ended without a trap")))
        }
        _ => {
            // SAFETY: `entry_func` is code of the live instance's module, which outlives this call.
            let num_results = unsafe { (*entry_func).num_results as usize };
            // SAFETY: the entry function returned its results in the first `num_results` slots
            // of its frame at `entry_fp`, inside the value stack (which the store keeps
            // allocated), and `slots`, a different allocation, holds at least `num_results` slots
            // (this function's contract).
            unsafe { ptr::copy_nonoverlapping(entry_fp, slots.as_mut_ptr(), num_results) };
            Ok(())
        }
    }
}

pub use resume::{ExecFrame, ExecState};
pub(crate) use resume::{capture, resume};

impl Cx {
    /// The context of a run that enters the interpreter at `ip` in the frame `fp` of `func`, a
    /// function of `inst`, with `depth` frames of the store's frame array in use (the frames of
    /// the run's own callers among them: `stack.depth` are the host's); the rest from the value
    /// stack `stack` and the memory registers of `inst`.
    ///
    /// # Safety
    /// `stack` is the live store's value stack, allocated; `inst` is a live instance; `ip`
    /// and `fp` are a position in `func`'s code and a frame inside that stack.
    unsafe fn entering(
        store: *mut StoreOpaque,
        stack: &ExecStack,
        func: *const InterpFunc,
        inst: *const InstanceData,
        depth: usize,
        ip: *const Op,
        fp: *mut u64,
    ) -> Cx {
        // SAFETY: `inst` is live (contract); `slots + slots_len` is one past the end of the
        // allocated value stack.
        let ((mb, ml), stack_end) = unsafe { (mem_regs(inst), stack.slots.add(stack.slots_len)) };
        Cx {
            store,
            func,
            inst,
            depth,
            entry_depth: stack.depth,
            max_depth: stack.depth_limit,
            frames: stack.frames,
            slots_base: stack.slots,
            stack_end,
            ip,
            fp,
            mb,
            ml,
            acc: 0,
            trap: None,
            fault_ip: ptr::null(),
            fault_fp: ptr::null_mut(),
            at_ip: ptr::null(),
            at_fp: ptr::null_mut(),
            outer: stack.innermost,
            in_host: false,
            at_check: false,
        }
    }

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
            acc: 0,
            trap: None,
            fault_ip: ptr::null(),
            fault_fp: ptr::null_mut(),
            at_ip: ptr::null(),
            at_fp: ptr::null_mut(),
            outer: ptr::null_mut(),
            in_host: false,
            at_check: false,
        }
    }
}

/// The WebAssembly backtrace: the current function, then its callers up to the entry of this run,
/// at most `MAX_BACKTRACE` of them; also how many more there were.
///
/// # Safety
/// `frames[entry_depth..depth]` must be frames saved by one live run's calls, and `current` a
/// frame of that run: each names the code of a function (`func`), an op pointer into that code or
/// one past its end (`ip`), and a live instance whose module owns the code (`inst`).
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
        // SAFETY: `d` is in `entry_depth..depth`, frames this run's calls wrote (this function's
        // contract), so `frames + d` is an initialized frame of the array.
        .chain((entry_depth..depth).rev().map(|d| unsafe { *frames.add(d) }))
        .take(kept);
    for frame in all {
        // SAFETY: every frame names code kept alive by its live instance's module, and an `ip`
        // into that code or one past its end (this function's contract), so `offset_from` is
        // between two pointers into the same allocation.
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
