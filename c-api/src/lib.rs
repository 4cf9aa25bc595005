//! `silo-c-api` is Silo's C API: the standard WebAssembly C API (`include/wasm.h`, the
//! wasm-c-api proposal's types, functions and ownership rules) and Silo's own extensions
//! (`include/silo.h`: strategies, fuel, deadlines, interrupts, text to binary, WASI, sandbox
//! policies and quotas, and a linker), built as `libsilo.so` and `libsilo.a`.
//!
//! Every C object is a Rust value behind `Box::into_raw`; its `_delete` takes it back. Objects
//! made in a store (functions, globals, tables, memories, instances, references) point back to
//! their `wasm_store_t` and, as the standard says, must not outlive it. The safety contract of
//! every exported function is the one its header states (live, non-dangling pointers of the
//! right type; NULL only where the header allows it), which is why the functions here carry no
//! `# Safety` sections of their own. No Rust panic crosses into C: the bodies that call into the
//! runtime run under [`guard`], which turns a panic into a trap, an error or NULL.

// The contract of each `unsafe extern "C"` function is in the C headers, not in Rust docs.
#![allow(clippy::missing_safety_doc)]
// The C names are the standard's.
#![allow(non_camel_case_types)]

// The facade crate under the name the modules use (this library itself is also called `silo`).
extern crate silo_facade as silo;

mod engine;
mod extern_;
mod func;
mod host_info;
mod importtype;
mod instance;
mod module;
mod policy;
mod silo_ext;
mod trap;
mod types;
mod val;
mod vec;
mod wasi;

pub use engine::{wasm_config_t, wasm_engine_t, wasm_store_t};
pub use extern_::{wasm_extern_t, wasm_global_t, wasm_memory_t, wasm_table_t};
pub use func::wasm_func_t;
pub use importtype::{wasm_exporttype_t, wasm_importtype_t};
pub use instance::wasm_instance_t;
pub use module::{wasm_module_t, wasm_shared_module_t};
pub use silo_ext::{silo_error_t, silo_interrupt_handle_t};
pub use trap::{wasm_frame_t, wasm_trap_t};
pub use types::{
    wasm_externtype_t, wasm_functype_t, wasm_globaltype_t, wasm_limits_t, wasm_memorytype_t,
    wasm_tabletype_t, wasm_valtype_t,
};
pub use val::{wasm_foreign_t, wasm_ref_t, wasm_val_t};
pub use vec::*;
pub use wasi::{silo_linker_t, silo_wasi_config_t};

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `body`, returning `fallback(message)` instead if it panics: no unwinding ever leaves an
/// `extern "C"` function.
pub(crate) fn guard<R>(fallback: impl FnOnce(String) -> R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => {
            let message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic".to_string()
            };
            fallback(format!("internal error in Silo (panic): {message}"))
        }
    }
}

/// Moves `value` to the heap and hands it to C.
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}
