//! The builtins of exceptions: making an exception object, and throwing out of a native frame.
//!
//! Native code catches what its own function throws without help: `throw` makes the object
//! (`exn_new`) and the function's handlers compare its tag inline. What its handlers do not
//! catch, and what a call through a thunk (a host function, the interpreter) returns as the
//! trap `UncaughtException`, leaves the frame through `raise`, which has the compiler unwind the
//! native frames above (`Compiler::unwind`): to the first whose call has a handler, or out
//! through the entry into native code.

use silo_gc::GcRef;

use super::builtins::{leave_trap, parts};
use super::context::VMContext;
use crate::runtime::exn;
use crate::trap::TrapCode;

/// # Safety
/// The builtins' contract; `tag` is a tag index of the module, and `payload` points to the
/// tag's payload in slot form.
pub(super) unsafe extern "C" fn exn_new(vmctx: *mut VMContext, tag: u32, payload: *mut u8) -> u64 {
    // SAFETY: `vmctx` is a live instance's context whose store is lent to the running code with
    // no reference into it held (the builtins' contract); the instance's tags are live entities
    // of that store, and the payload's slots are the caller's.
    unsafe {
        let (store, inst) = parts(vmctx);
        let tag = &*(&(*inst).tags)[tag as usize];
        let n = crate::vm::slots::slot_count(&tag.ty.params);
        let payload = std::slice::from_raw_parts(payload.cast::<u64>(), n);
        match exn::new_exception(&mut *store, tag, payload) {
            Ok(r) => u64::from(r.raw()),
            Err(trap) => {
                leave_trap(store, trap);
                0
            }
        }
    }
}

/// # Safety
/// The builtins' contract; the calling native code wrote the store's exit record before the
/// call (as before every builtin call), and `exn` is 0 or a reference to an exception object.
pub(super) unsafe extern "C" fn raise(vmctx: *mut VMContext, exn: u64) {
    // SAFETY: the store is live and lent to the running code (the builtins' contract). The trap
    // and the exception are settled in the store before the compiler abandons this frame, and
    // nothing with a destructor is alive in it then: the compiler and exit record are borrowed
    // through raw pointers, and the `Option<Trap>` taken out is dropped before the call.
    unsafe {
        let (store, _) = parts(vmctx);
        let exn = if exn != 0 {
            let trap = exn::raise(&mut *store, GcRef::from_raw(exn as u32));
            leave_trap(store, trap);
            exn
        } else {
            let throwing = (*store)
                .pending_trap
                .as_ref()
                .is_some_and(|t| t.code() == TrapCode::UncaughtException);
            match (*store).gc.exception {
                Some(e) if throwing => u64::from(e.raw()),
                _ => return,
            }
        };
        // The compiler lives in the engine's shared allocation, outside the store.
        let engine = &(*store).engine;
        let Some(compiler) = engine.inner.config.compiler.as_deref() else { return };
        let compiler: *const dyn super::Compiler = compiler;
        let exit: *const super::NativeExit = &raw const (*store).native_exit;
        let mut caught = || {
            (*store).pending_trap = None;
            (*store).gc.exception = None;
        };
        (*compiler).unwind(&*exit, exn, &mut caught);
    }
}
