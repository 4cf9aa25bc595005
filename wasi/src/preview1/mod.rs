//! `wasi_snapshot_preview1`: the host functions, wired into a `Linker`.
//!
//! Every function of the preview1 interface is defined, so any `wasm32-wasi` program links. What
//! this crate implements today: arguments, environment, the standard streams, clocks, sleeping
//! through `poll_oneoff`, randomness and exit. No directory is granted yet, so path functions
//! and descriptors other than 0–2 answer `EBADF` (there is no such descriptor), and sockets
//! answer `ENOTSUP`: that is exactly what a guest granted nothing should see.

mod args;
mod clocks;
mod fd;
mod path;
mod proc;

use silo_core::{Caller, Error, Extern, Linker, Trap};

use crate::ctx::WasiCtx;
use crate::errno::WasiResult;
use crate::memory::GuestMemory;

/// Finds the guest's `WasiCtx` in the store's host data.
pub type Getter<T> = fn(&mut T) -> &mut WasiCtx;

/// The module name preview1 functions are imported from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Runs `f` with the caller's exported memory and its `WasiCtx`, and turns the outcome into the
/// errno the guest receives.
fn with_memory<T>(
    caller: &mut Caller<'_, T>,
    get: Getter<T>,
    f: impl FnOnce(&mut GuestMemory<'_>, &mut WasiCtx) -> WasiResult,
) -> Result<i32, Trap> {
    let memory = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        _ => return Err(Trap::host("WASI call from a module that exports no `memory`")),
    };
    let (bytes, data) = memory.data_and_store_mut(&mut *caller);
    let mut mem = GuestMemory::new(bytes);
    Ok(match f(&mut mem, get(data)) {
        Ok(()) => 0,
        Err(e) => e as i32,
    })
}

/// Defines every `wasi_snapshot_preview1` function in `linker`, reading the guest's context
/// through `get`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    args::define(linker, get)?;
    clocks::define(linker, get)?;
    fd::define(linker, get)?;
    path::define(linker, get)?;
    proc::define(linker, get)?;
    Ok(())
}
