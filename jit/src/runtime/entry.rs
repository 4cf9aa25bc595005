//! The entry into native code, and the way back out of it when it traps.
//!
//! `silo_jit_enter` (assembly, below) saves the callee-saved registers on its own frame, records
//! its stack pointer in the thread's current [`Activation`], and calls the slot-array trampoline.
//! It returns 0 when the trampoline returns. When guest code traps, the signal handler records the
//! trap in the activation and resumes the thread at `silo_jit_resume` with that stack pointer:
//! the registers are restored from the frame and `silo_jit_enter` returns 1, as if the native
//! frames above it had returned. Those frames are Cranelift code, with nothing to drop.
//!
//! Activations nest (native code calls the host, which calls native code again): each entry links
//! to the previous one, and a trap always unwinds to the innermost.

use std::cell::Cell;

use cranelift_codegen::ir::TrapCode;
use silo_core::vm::{NativeFunc, NativeTrap, TrapKind, VMContext};
use silo_core::{FrameInfo, TrapCode as Code};

use super::registry::{self, Code as Range};

/// Frames a trap records; the rest are counted.
pub(crate) const MAX_FRAMES: usize = 64;

/// Native stack kept free below the limit native code may use: for the host functions and
/// interpreter runs it calls, and for the signal handler.
const STACK_MARGIN: usize = 256 << 10;

/// One entry into native code on this thread.
pub(crate) struct Activation {
    /// The stack pointer `silo_jit_resume` continues with.
    pub resume_sp: usize,
    prev: *mut Activation,
    /// The trap, once the handler has recorded one.
    pub trap: Option<TrapCode>,
    /// Code addresses of the guest frames at the trap, innermost first: the faulting
    /// instruction, then return addresses (one more than a backtrace keeps, in case the first
    /// is left out).
    pub pcs: [usize; MAX_FRAMES + 1],
    pub num_pcs: usize,
    /// Guest frames beyond `pcs`.
    pub omitted: usize,
}

thread_local! {
    static CURRENT: Cell<*mut Activation> = const { Cell::new(std::ptr::null_mut()) };
    static STACK_LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// The innermost activation of this thread, or null.
pub(crate) fn current() -> *mut Activation {
    CURRENT.with(|c| c.get())
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
std::arch::global_asm!(
    ".text",
    ".globl silo_jit_enter",
    ".type silo_jit_enter,@function",
    ".p2align 4",
    // (trampoline, callee vmctx, caller vmctx, code, slots, &resume_sp) -> 0 or 1
    "silo_jit_enter:",
    "push rbp",
    "mov rbp, rsp",
    "push rbx",
    "push r12",
    "push r13",
    "push r14",
    "push r15",
    "sub rsp, 8",
    "mov [r9], rsp",
    "mov rax, rdi",
    "mov rdi, rsi",
    "mov rsi, rdx",
    "mov rdx, rcx",
    "mov rcx, r8",
    "call rax",
    "xor eax, eax",
    "jmp 2f",
    ".globl silo_jit_resume",
    "silo_jit_resume:",
    "mov eax, 1",
    "2:",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".size silo_jit_enter, . - silo_jit_enter",
);

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe extern "C" {
    fn silo_jit_enter(
        trampoline: *const u8,
        callee: *mut u8,
        caller: *mut u8,
        code: *const u8,
        slots: *mut u64,
        resume_sp: *mut usize,
    ) -> u32;
    fn silo_jit_resume();
}

/// Where the signal handler resumes a trapped thread.
pub(crate) fn resume_address() -> usize {
    silo_jit_resume as *const () as usize
}

/// Leaves the native frames of the innermost activation as a trap does: `silo_jit_enter`
/// returns 1 from the frame at `resume_sp`.
///
/// # Safety
/// `resume_sp` is the innermost activation's, whose entry is still running on this thread;
/// everything on the stack below it is abandoned.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
pub(crate) unsafe fn resume_entry(resume_sp: usize) -> ! {
    // SAFETY: this function's contract: `silo_jit_resume` expects the stack pointer
    // `silo_jit_enter` recorded, and restores the rest from that frame.
    unsafe {
        std::arch::asm!(
            "mov rsp, {sp}",
            "jmp {resume}",
            sp = in(reg) resume_sp,
            resume = in(reg) resume_address(),
            options(noreturn, nostack),
        )
    }
}

/// The lowest stack address this thread's native code may use.
fn stack_limit() -> usize {
    let cached = STACK_LIMIT.with(|l| l.get());
    if cached != 0 {
        return cached;
    }
    let here = &cached as *const usize as usize;
    let limit = match thread_stack_low() {
        Some(low) if low + STACK_MARGIN < here => low + STACK_MARGIN,
        _ => here.saturating_sub(1 << 20),
    };
    STACK_LIMIT.with(|l| l.set(limit));
    limit
}

/// The low end of this thread's stack.
fn thread_stack_low() -> Option<usize> {
    // SAFETY: plain queries of the calling thread's attributes: `pthread_getattr_np` initializes
    // `attr` when it succeeds (checked before `attr` is used), `pthread_attr_getstack` writes the
    // two locals it is given, and `attr` is destroyed once, after its last use.
    unsafe {
        let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return None;
        }
        let mut addr = std::ptr::null_mut();
        let mut size = 0;
        let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        ok.then_some(addr as usize)
    }
}

/// The trap a Cranelift trap code stands for; `None` for one a builtin left in the store.
fn trap_code(code: TrapCode) -> Option<Code> {
    match code {
        TrapCode::STACK_OVERFLOW => Some(Code::StackOverflow),
        TrapCode::INTEGER_OVERFLOW => Some(Code::IntegerOverflow),
        TrapCode::HEAP_OUT_OF_BOUNDS => Some(Code::MemoryOutOfBounds),
        TrapCode::INTEGER_DIVISION_BY_ZERO => Some(Code::IntegerDivideByZero),
        TrapCode::BAD_CONVERSION_TO_INTEGER => Some(Code::BadConversionToInteger),
        // User trap codes are the numbers of `TrapKind`s.
        other => match TrapKind::from_u8(other.as_raw().get()) {
            Some(kind) => kind.code(),
            None => Some(Code::Host),
        },
    }
}

/// The backtrace of the frames an activation recorded, and how many more there were.
fn backtrace(act: &Activation) -> (Vec<FrameInfo>, usize) {
    let pcs = &act.pcs[..act.num_pcs];
    // The stack check is in the callee's prologue: the callee never started, and the trap
    // belongs to the call, as the interpreter reports it. A trap in glue (the meter stub, a call
    // thunk) belongs to the function that called the glue, whose frame comes next.
    let in_glue = |lookup: &registry::Lookup<'_>| {
        pcs.first().is_some_and(|&pc| matches!(lookup.get(pc), Some((_, Range::Glue(_)))))
    };
    let first_left_out = act.trap == Some(TrapCode::STACK_OVERFLOW)
        || registry::with_lookup(in_glue).unwrap_or(false);
    let skip = usize::from(first_left_out && pcs.len() > 1);
    let kept = (pcs.len() - skip).min(MAX_FRAMES);
    let omitted = act.omitted + (pcs.len() - skip - kept);
    let frames = registry::with_lookup(|lookup| {
        pcs.iter()
            .enumerate()
            .skip(skip)
            .take(kept)
            .filter_map(|(i, &pc)| {
                // A return address is just past its call: look up the call itself.
                let at = if i == 0 { pc } else { pc - 1 };
                match lookup.get(at)? {
                    (start, Range::Func(info)) => Some(info.frame((at - start) as u32)),
                    (_, Range::Glue(_)) => None,
                }
            })
            .collect()
    })
    .unwrap_or_default();
    (frames, omitted)
}

/// Runs `func` through its trampoline with `slots` as its slot array.
///
/// # Safety
/// `silo_core::vm::Compiler::call`'s contract: `func` (its code and its slot-array trampoline)
/// was compiled by this crate for the module of `callee`'s instance, and `callee` and `caller`
/// are filled-in contexts of live instances of one live store; `slots` holds at least as many
/// slots as the function has parameters or results; the store is exclusively the caller's for
/// the call.
pub(crate) unsafe fn call(
    func: NativeFunc,
    callee: *mut VMContext,
    caller: *mut VMContext,
    slots: *mut u64,
) -> Result<(), NativeTrap> {
    let mut act = Activation {
        resume_sp: 0,
        prev: current(),
        trap: None,
        pcs: [0; MAX_FRAMES + 1],
        num_pcs: 0,
        omitted: 0,
    };
    // SAFETY: `callee` is a live instance's filled-in context (this function's contract), as
    // `stack_limit_cell` requires; the cell is its store's `native_stack_limit`, which we may
    // write because the store is exclusively ours for the call (contract).
    unsafe { *VMContext::stack_limit_cell(callee) = stack_limit() };
    CURRENT.with(|c| c.set(&mut act));
    // SAFETY: `func.array_entry` is the slot-array trampoline of `func.code`'s signature, both
    // compiled by this crate for `callee`'s module, `callee` and `caller` are live contexts and
    // `slots` holds enough slots for that signature (this function's contract): what the
    // trampoline needs to run the code. `act` stays in place, linked as this thread's current
    // activation, until it is unlinked below, after `silo_jit_enter` returned; meanwhile only the
    // signal handler writes it (`resume_sp` is where `silo_jit_enter` records its stack pointer).
    let status = unsafe {
        silo_jit_enter(
            func.array_entry,
            callee.cast(),
            caller.cast(),
            func.code,
            slots,
            &mut act.resume_sp,
        )
    };
    CURRENT.with(|c| c.set(act.prev));
    if status == 0 {
        return Ok(());
    }
    let code = act.trap.and_then(trap_code);
    let (backtrace, omitted) = backtrace(&act);
    Err(NativeTrap { code, backtrace, omitted })
}
