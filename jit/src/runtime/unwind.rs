//! Unwinding native frames for a WebAssembly exception, without signals.
//!
//! `Builtin::Raise` comes here (through `Compiler::unwind`) when a frame throws what its own
//! handlers do not catch. From the frame that called out (the store's exit record names it), the
//! walk goes up the frame-pointer chain; at each frame it looks the return address up in the
//! frame's function's landings (the exception edges of its `try_call`s, from Cranelift's call-site
//! table). The first frame with one is resumed there: stack pointer and frame pointer as they
//! were at the call, the exception in the first payload register, every other register dead
//! (a `try_call` treats all of them as clobbered on its exception edge). Without one before the
//! first return address outside compiled code, the whole stretch is left through its entry,
//! like a trap: `silo_jit_enter` returns 1 and the store's trap, `UncaughtException`, goes on.
//!
//! The host frames between the builtin and the native code (the builtin's own) are abandoned:
//! the builtin leaves nothing in them that needs dropping.

use silo_core::vm::NativeExit;

use super::entry;
use super::registry::{self, Code};

/// Where a handler resumes.
struct Resume {
    pc: usize,
    sp: usize,
    fp: usize,
}

/// See the module documentation.
///
/// # Safety
/// `Compiler::unwind`'s contract: `exit` is the exit record the innermost native frame wrote
/// before calling the builtin that calls this, every frame of its stretch is suspended and
/// compiled by this crate, and the host frames above this function's caller hold nothing to drop.
pub(crate) unsafe fn unwind(exit: &NativeExit, exn: u64, caught: &mut dyn FnMut()) {
    let act = entry::current();
    if act.is_null() || exit.fp == 0 {
        return;
    }
    // SAFETY: the stretch's frames are suspended native frames of this crate's code, chained by
    // frame pointers up to the entry (this function's contract): each saved frame pointer and
    // return address may be read. The activation is this thread's innermost, alive while its
    // entry runs, and only this thread writes it.
    unsafe {
        let act = &mut *act;
        act.num_pcs = 0;
        act.omitted = 0;
        let first = *((exit.sp - 8) as *const usize);
        // The innermost frame is at a call: its pc is inside the call instruction.
        record_pc(act, first - 1);
        let found = registry::with_lookup_blocking(|lookup| {
            let mut fp = exit.fp;
            loop {
                let pc = *((fp + 8) as *const usize);
                let caller_fp = *(fp as *const usize);
                match lookup.get(pc - 1) {
                    None => return None,
                    Some((start, Code::Func(info))) => {
                        record_pc(act, pc);
                        if let Some(l) = info.landing((pc - start) as u32) {
                            let sp = caller_fp - l.frame_offset as usize;
                            return Some(Resume {
                                pc: start + l.handler as usize,
                                sp,
                                fp: caller_fp,
                            });
                        }
                    }
                    Some((_, Code::Glue(_))) => {}
                }
                fp = caller_fp;
            }
        });
        match found {
            Some(r) => {
                caught();
                resume_handler(r.pc, r.sp, r.fp, exn)
            }
            None => {
                act.trap = None;
                entry::resume_entry(act.resume_sp)
            }
        }
    }
}

/// Notes `pc` for the backtrace of an exception that may leave the stretch.
fn record_pc(act: &mut entry::Activation, pc: usize) {
    if act.num_pcs < act.pcs.len() {
        act.pcs[act.num_pcs] = pc;
        act.num_pcs += 1;
    } else {
        act.omitted += 1;
    }
}

/// Continues at the handler `pc` of a frame with `sp` and `fp`, `exn` in the first payload
/// register.
///
/// # Safety
/// `pc`, `sp` and `fp` are a landing of a suspended frame and that frame's stack and frame
/// pointers at its call; everything on the stack below `sp` is abandoned.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn resume_handler(pc: usize, sp: usize, fp: usize, exn: u64) -> ! {
    // SAFETY: this function's contract: the landing expects exactly this machine state (a
    // `try_call`'s exception edge restores nothing else; Cranelift's payload registers on x86-64
    // are rax and rdx).
    unsafe {
        std::arch::asm!(
            "mov rsp, {sp}",
            "mov rbp, {fp}",
            "jmp {pc}",
            sp = in(reg) sp,
            fp = in(reg) fp,
            pc = in(reg) pc,
            in("rax") exn,
            in("rdx") 0u64,
            options(noreturn, nostack),
        )
    }
}
