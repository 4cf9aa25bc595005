//! Silo's extensions (silo.h): the execution strategy, fuel, deadlines and interrupts, text to
//! binary, errors, and the exit status of a trap. An extension that can fail returns an owned
//! `silo_error_t*` (NULL on success).

use std::time::Duration;

use silo::{Config, Strategy};

use crate::engine::{wasm_config_t, wasm_store_t};
use crate::trap::wasm_trap_t;
use crate::types::delete_boxed;
use crate::vec::{WasmVec, wasm_byte_vec_t, wasm_name_t};

/// Why a Silo extension failed.
pub struct silo_error_t {
    pub(crate) message: String,
}

/// Stops a store's running guest from any thread.
pub struct silo_interrupt_handle_t {
    handle: silo::InterruptHandle,
}

const SILO_STRATEGY_AUTO: u8 = 0;
const SILO_STRATEGY_INTERP: u8 = 1;
const SILO_STRATEGY_JIT: u8 = 2;
const SILO_STRATEGY_TIERED: u8 = 3;

/// A new error with `message`, for C.
pub(crate) fn error(message: impl Into<String>) -> *mut silo_error_t {
    crate::into_raw(silo_error_t { message: message.into() })
}

/// Changes a configuration in place; false if it is NULL.
///
/// # Safety
/// `config` is NULL or a live configuration.
unsafe fn configure(config: *mut wasm_config_t, f: impl FnOnce(&mut Config)) -> bool {
    // SAFETY: this fn's contract.
    match unsafe { config.as_mut() } {
        Some(c) => {
            f(&mut c.config);
            true
        }
        None => false,
    }
}

/// Sets how code runs: `SILO_STRATEGY_AUTO`, `_INTERP`, `_JIT` or `_TIERED`. False for an
/// unknown strategy or a NULL config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_config_strategy(config: *mut wasm_config_t, strategy: u8) -> bool {
    let strategy = match strategy {
        SILO_STRATEGY_AUTO => Strategy::Auto,
        SILO_STRATEGY_INTERP => Strategy::Interpreter,
        SILO_STRATEGY_JIT => Strategy::Jit,
        SILO_STRATEGY_TIERED => Strategy::Tiered,
        _ => return false,
    };
    // SAFETY: `config` is NULL or live (silo.h).
    unsafe {
        configure(config, |c| {
            c.strategy(strategy);
        })
    }
}

/// Under the tiered strategy, how many calls plus loop iterations a function runs in the
/// interpreter before it is compiled (0: on its first call). False on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_config_tier_up_after(config: *mut wasm_config_t, count: u32) -> bool {
    // SAFETY: `config` is NULL or live (silo.h).
    unsafe {
        configure(config, |c| {
            c.tier_up_after(count);
        })
    }
}

/// Meters fuel in stores of engines made with this configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_config_consume_fuel(config: *mut wasm_config_t, on: bool) {
    // SAFETY: `config` is NULL or live (silo.h).
    unsafe {
        configure(config, |c| {
            c.consume_fuel(on);
        })
    };
}

/// Makes guests of engines made with this configuration stoppable (deadlines, interrupts).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_config_interruptible(config: *mut wasm_config_t, on: bool) {
    // SAFETY: `config` is NULL or live (silo.h).
    unsafe {
        configure(config, |c| {
            c.interruptible(on);
        })
    };
}

/// Runs `f` with the store's `Store`, turning every failure into an error.
///
/// # Safety
/// `store` is NULL or a live store used by this thread.
unsafe fn on_store(
    store: *mut wasm_store_t,
    f: impl FnOnce(&mut silo::Store<crate::engine::StoreData>) -> Result<(), silo::Error>,
) -> *mut silo_error_t {
    if store.is_null() {
        return error("the store is NULL");
    }
    crate::guard(error, || {
        // SAFETY: `store` is live and this thread's (this fn's contract).
        match unsafe { wasm_store_t::with_store(store, f) } {
            None => error("the store is lent to a running host callback"),
            Some(Err(e)) => error(e.to_string()),
            Some(Ok(())) => std::ptr::null_mut(),
        }
    })
}

/// Gives the store `fuel` units (WebAssembly instructions); running out traps. Fails unless the
/// engine meters fuel.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_store_set_fuel(
    store: *mut wasm_store_t,
    fuel: u64,
) -> *mut silo_error_t {
    // SAFETY: `store` is NULL or live (silo.h).
    unsafe { on_store(store, |s| s.set_fuel(fuel)) }
}

/// Writes the fuel left to `*out`. Fails unless the engine meters fuel.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_store_get_fuel(
    store: *mut wasm_store_t,
    out: *mut u64,
) -> *mut silo_error_t {
    if out.is_null() {
        return error("the output pointer is NULL");
    }
    let get = |s: &mut silo::Store<crate::engine::StoreData>| {
        // SAFETY: `out` is room for the count (silo.h; not NULL, checked above).
        s.get_fuel().map(|fuel| unsafe { out.write(fuel) })
    };
    // SAFETY: `store` is NULL or live (silo.h).
    unsafe { on_store(store, get) }
}

/// Guests of the store running later than `ms` milliseconds from now trap; 0 removes the
/// deadline. Fails unless the engine is interruptible.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_store_set_timeout_ms(
    store: *mut wasm_store_t,
    ms: u64,
) -> *mut silo_error_t {
    let timeout = (ms > 0).then(|| Duration::from_millis(ms));
    // SAFETY: `store` is NULL or live (silo.h).
    unsafe { on_store(store, |s| s.set_timeout(timeout)) }
}

/// A handle that interrupts the store's running guest from any thread. NULL unless the engine is
/// interruptible (or if `store` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_store_interrupt_handle_new(
    store: *mut wasm_store_t,
) -> *mut silo_interrupt_handle_t {
    if store.is_null() {
        return std::ptr::null_mut();
    }
    crate::guard(
        |_| std::ptr::null_mut(),
        || {
            // SAFETY: `store` is live and this thread's (silo.h).
            match unsafe { wasm_store_t::with_store(store, |s| s.interrupt_handle()) } {
                Some(Ok(handle)) => crate::into_raw(silo_interrupt_handle_t { handle }),
                _ => std::ptr::null_mut(),
            }
        },
    )
}

/// Asks the store's running guest to stop: it traps ("interrupted") at its next function entry
/// or loop iteration. Safe to call from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_interrupt_handle_interrupt(handle: *const silo_interrupt_handle_t) {
    // SAFETY: `handle` is NULL or live; an interrupt handle is `Send + Sync` (silo.h).
    if let Some(h) = unsafe { handle.as_ref() } {
        h.handle.interrupt();
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_interrupt_handle_delete(handle: *mut silo_interrupt_handle_t) {
    // SAFETY: `handle` is NULL or a handle given back to us (silo.h).
    unsafe { delete_boxed(handle) }
}

/// Translates WebAssembly text (`len` bytes at `text`, UTF-8) to the binary format, written to
/// `out` as a new byte vector. Returns an error (and leaves `out` alone) if the text is not a
/// module.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_wat2wasm(
    text: *const u8,
    len: usize,
    out: *mut wasm_byte_vec_t,
) -> *mut silo_error_t {
    if out.is_null() || (text.is_null() && len > 0) {
        return error("silo_wat2wasm: NULL argument");
    }
    let bytes = if len == 0 {
        &[][..]
    } else {
        // SAFETY: `text` points to `len` readable bytes (silo.h).
        unsafe { std::slice::from_raw_parts(text, len) }
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return error("silo_wat2wasm: the text is not UTF-8");
    };
    crate::guard(error, || match silo::loader::assemble(text) {
        Ok(binary) => {
            // SAFETY: `out` is room for a vector (silo.h).
            unsafe { out.write(WasmVec::from_vec(binary)) };
            std::ptr::null_mut()
        }
        Err(e) => error(e.to_string()),
    })
}

/// Writes the error's message to `out` (a new byte vector, not NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_error_message(err: *const silo_error_t, out: *mut wasm_name_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `err` is NULL or a live error (silo.h).
    let message = unsafe { err.as_ref() }.map_or("", |e| e.message.as_str());
    // SAFETY: `out` is room for a vector (silo.h).
    unsafe { out.write(WasmVec::from_bytes(message.as_bytes())) };
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_error_delete(err: *mut silo_error_t) {
    // SAFETY: `err` is NULL or an error given back to us (silo.h).
    unsafe { delete_boxed(err) }
}

/// Whether the trap is a guest's request to exit (WASI `proc_exit`); if so, writes its status
/// to `*status` (when not NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_trap_exit_status(trap: *const wasm_trap_t, status: *mut i32) -> bool {
    // SAFETY: `trap` is NULL or a live trap (silo.h).
    match unsafe { trap.as_ref() }.and_then(|t| t.exit_status()) {
        Some(s) => {
            if !status.is_null() {
                // SAFETY: `status` is room for an int (silo.h).
                unsafe { status.write(s) };
            }
            true
        }
        None => false,
    }
}
