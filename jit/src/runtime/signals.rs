//! The signal handler that turns faults in guest code into traps.
//!
//! Installed once per process for SIGSEGV, SIGBUS (an access in a memory's guard region), SIGILL
//! (a trap instruction) and SIGFPE (integer division). A signal is the guest's when this thread
//! is running native code (it has an [`Activation`]) and the faulting instruction is one that
//! compiled code marked as trapping. Then the handler records the trap and the guest's frames
//! (walking the frame-pointer chain while the return addresses are guest code) and resumes the
//! thread at the entry's landing point with the entry's stack pointer. Any other signal goes to
//! the handler that was installed before ours (Rust's own stack-overflow report, say), or gets the
//! default action.

use std::sync::OnceLock;

use super::entry;
use super::registry::{self, Code};

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

/// The handlers installed before ours, by signal.
static PREVIOUS: OnceLock<Vec<(libc::c_int, libc::sigaction)>> = OnceLock::new();

/// Installs the handler (once per process). Fails when the system refuses.
pub(crate) fn install() -> Result<(), String> {
    static RESULT: OnceLock<Result<(), String>> = OnceLock::new();
    RESULT
        .get_or_init(|| {
            let mut previous = Vec::new();
            for &signal in &SIGNALS {
                // SAFETY: a zeroed `sigaction` is a valid value to fill in; `handler` has the
                // signature SA_SIGINFO asks for; `old` receives the handler we replace.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = handler as *const () as usize;
                    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                    libc::sigemptyset(&mut action.sa_mask);
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(signal, &action, &mut old) != 0 {
                        return Err(format!(
                            "cannot install the trap handler for signal {signal}: {}",
                            std::io::Error::last_os_error()
                        ));
                    }
                    previous.push((signal, old));
                }
            }
            PREVIOUS.set(previous).map_err(|_| "trap handler installed twice".to_string())
        })
        .clone()
}

/// The program counter, stack pointer and frame pointer of a signal context.
///
/// # Safety
/// `context` is the `ucontext_t` the kernel passed to the signal handler that is running.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn registers(context: *mut libc::c_void) -> (usize, usize) {
    // SAFETY: `context` points to the running handler's `ucontext_t` (this function's contract),
    // valid until the handler returns; `REG_RIP` and `REG_RBP` index its general registers.
    unsafe {
        let gregs = &(*context.cast::<libc::ucontext_t>()).uc_mcontext.gregs;
        (gregs[libc::REG_RIP as usize] as usize, gregs[libc::REG_RBP as usize] as usize)
    }
}

/// Makes the interrupted thread continue at `pc` with stack pointer `sp`.
///
/// # Safety
/// `context` is the `ucontext_t` the kernel passed to the signal handler that is running, and
/// `pc` and `sp` a place the interrupted thread may continue at: here, `silo_jit_resume` with the
/// stack pointer its `silo_jit_enter` recorded, whose frame is still on the stack.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn resume_at(context: *mut libc::c_void, pc: usize, sp: usize) {
    // SAFETY: `context` points to the running handler's `ucontext_t` (this function's contract),
    // writable until the handler returns; the kernel restores the thread from it, so the new
    // `pc` and `sp`, a valid resumption point (contract), are where it continues.
    unsafe {
        let gregs = &mut (*context.cast::<libc::ucontext_t>()).uc_mcontext.gregs;
        gregs[libc::REG_RIP as usize] = pc as i64;
        gregs[libc::REG_RSP as usize] = sp as i64;
    }
}

extern "C" fn handler(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: the kernel calls this handler (installed with `SA_SIGINFO`) with valid `info` and
    // `context` for the signal, as `guest_trap`, `resume_at` and `forward` require. A non-null
    // current activation is this thread's innermost live one: `entry::call` links it before
    // entering native code and unlinks it only after `silo_jit_enter` returned, so its frame is
    // still on the stack below the interrupted code and nothing else uses it while the handler
    // runs. `resume_at` is used only when `guest_trap` found the fault in guest code, which runs
    // above that activation's `silo_jit_enter`, whose recorded stack pointer is then valid.
    unsafe {
        let act = entry::current();
        if !act.is_null() && guest_trap(&mut *act, context) {
            resume_at(context, entry::resume_address(), (*act).resume_sp);
            return;
        }
        forward(signal, info, context);
    }
}

/// Records the trap in `act` if the signal came from guest code.
///
/// # Safety
/// `context` is the `ucontext_t` the kernel passed to the running signal handler; frame pointers
/// of guest frames point to frame records (Cranelift keeps frame pointers).
unsafe fn guest_trap(act: &mut entry::Activation, context: *mut libc::c_void) -> bool {
    // SAFETY: `context` is the running handler's `ucontext_t` (this function's contract), as
    // `registers` requires.
    let (pc, fp) = unsafe { registers(context) };
    let recorded = registry::with_lookup(|lookup| {
        let (start, code) = lookup.get(pc)?;
        let trap = code.trap_at((pc - start) as u32)?;
        act.trap = Some(trap);
        act.pcs[0] = pc;
        let (mut n, mut omitted, mut fp) = (1, 0, fp);
        // Each guest frame record holds the caller's frame pointer and the return address.
        while fp != 0 && fp % 8 == 0 {
            // SAFETY: `fp` is the frame pointer of a guest frame (checked below before going on),
            // which Cranelift keeps pointing at its frame record.
            let (next, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
            match lookup.get(ret.wrapping_sub(1)) {
                Some((_, Code::Func(_))) if n < act.pcs.len() => {
                    act.pcs[n] = ret;
                    n += 1;
                }
                Some((_, Code::Func(_))) => omitted += 1,
                _ => break,
            }
            if next <= fp {
                break;
            }
            fp = next;
        }
        act.num_pcs = n;
        act.omitted = omitted;
        Some(())
    });
    matches!(recorded, Some(Some(())))
}

/// Hands a signal that is not a guest trap to the handler installed before ours.
///
/// # Safety
/// `signal`, `info` and `context` are the arguments the kernel passed to `handler`, which is
/// running, for this signal.
unsafe fn forward(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let previous = PREVIOUS.get().and_then(|p| p.iter().find(|(s, _)| *s == signal));
    let Some((_, old)) = previous else { return };
    // SAFETY: `old` was installed for this signal before ours and takes the arguments its flags
    // say; restoring it (for the default action) makes the faulting instruction fault again
    // under it when we return.
    unsafe {
        match old.sa_sigaction {
            libc::SIG_DFL | libc::SIG_IGN => {
                libc::sigaction(signal, old, std::ptr::null_mut());
            }
            f if old.sa_flags & libc::SA_SIGINFO != 0 => {
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(f);
                f(signal, info, context);
            }
            f => {
                let f: extern "C" fn(libc::c_int) = std::mem::transmute(f);
                f(signal);
            }
        }
    }
}
