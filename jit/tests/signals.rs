//! The trap handler keeps to guest code: a signal raised anywhere else goes to the handler that
//! was installed before it, and guest traps are caught on any thread.

#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

use std::sync::atomic::{AtomicUsize, Ordering};

use silo_core::{Config, Engine, Instance, Module, Store, Strategy};

static FORWARDED: AtomicUsize = AtomicUsize::new(0);

/// The "previous" handler: counts the signal and steps over the `ud2` (two bytes) that raised it.
extern "C" fn previous(_: libc::c_int, _: *mut libc::siginfo_t, context: *mut libc::c_void) {
    FORWARDED.fetch_add(1, Ordering::SeqCst);
    // SAFETY: the kernel passes the interrupted thread's context; moving its pc past the
    // two-byte `ud2` resumes it after the instruction.
    unsafe {
        let gregs = &mut (*context.cast::<libc::ucontext_t>()).uc_mcontext.gregs;
        gregs[libc::REG_RIP as usize] += 2;
    }
}

fn jit_engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Jit).compiler(silo_jit::cranelift().unwrap());
    Engine::new(&config)
}

#[test]
fn signals_outside_guest_code_reach_the_previous_handler() {
    // SAFETY: installs a handler with the signature SA_SIGINFO asks for, before any other thread
    // of this test binary handles SIGILL.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = previous as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGILL, &action, std::ptr::null_mut()), 0);
    }
    // Installs Silo's handler on top of ours.
    let engine = jit_engine();
    let module = Module::new(&engine, r#"(module (func (export "boom") unreachable))"#).unwrap();

    // A trap instruction in host code is not the guest's: it is forwarded.
    // SAFETY: `ud2` raises SIGILL on this thread outside guest code: Silo's handler, installed by
    // `jit_engine`, forwards it to `previous`, which steps over the instruction.
    unsafe { std::arch::asm!("ud2") };
    assert_eq!(FORWARDED.load(Ordering::SeqCst), 1);

    // The guest's own `unreachable`, on another thread, is a trap and is not forwarded.
    std::thread::spawn(move || {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let boom = instance.get_typed_func::<(), ()>(&store, "boom").unwrap();
        for _ in 0..3 {
            let err = boom.call(&mut store, ()).unwrap_err();
            assert_eq!(err.to_string().lines().next(), Some("unreachable"));
        }
    })
    .join()
    .unwrap();
    assert_eq!(FORWARDED.load(Ordering::SeqCst), 1);

    // SAFETY: `ud2` raises SIGILL on this thread outside guest code, so Silo's handler forwards it
    // to `previous`, still installed beneath it, which steps over the instruction.
    unsafe { std::arch::asm!("ud2") };
    assert_eq!(FORWARDED.load(Ordering::SeqCst), 2);
}
