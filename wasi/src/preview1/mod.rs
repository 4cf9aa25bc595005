//! `wasi_snapshot_preview1`: the host functions, wired into a `Linker`.
//!
//! Every function of the preview1 interface is defined, so any `wasm32-wasi` program links, and
//! each behaves as its witx definition says: arguments and environment; the standard streams
//! (host streams, buffers or host files); files and directories inside the pre-opened
//! directories, every path resolved by cap-std so that `..`, absolute paths, symbolic links and
//! hard links cannot leave them (`ENOTCAPABLE`), read-only pre-opens refusing every change
//! (`EPERM`), rights that only shrink; clocks (host or virtual), `poll_oneoff` on clocks and
//! descriptors, randomness and exit. Signals (`proc_raise`) and sockets are not part of the
//! sandbox: `ENOTSUP`, and no socket is ever granted.

mod args;
mod clocks;
mod fd;
mod fdstat;
mod path;
mod poll;
mod proc;
mod readdir;

use silo_core::{Caller, Error, Extern, Linker, Trap};

use crate::ctx::{WasiCtx, WasiState};
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;
use crate::wait::Stop;

/// Finds the guest's `WasiCtx` in the store's host data.
pub type Getter<T> = fn(&mut T) -> &mut WasiCtx;

/// The module name preview1 functions are imported from.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// Runs `f` with the caller's exported memory and its `WasiCtx`, and turns the outcome into the
/// errno the guest receives, or into a trap if `f` asked for one (an exceeded quota).
fn with_memory<T>(
    caller: &mut Caller<'_, T>,
    get: Getter<T>,
    f: impl FnOnce(&mut GuestMemory<'_>, &mut WasiState) -> WasiResult,
) -> Result<i32, Trap> {
    let memory = match caller.get_export("memory") {
        Some(Extern::Memory(m)) => m,
        _ => return Err(Trap::host("WASI call from a module that exports no `memory`")),
    };
    let stop = Stop::new(caller.deadline(), caller.interrupt_handle());
    let (result, trap, exit) = {
        let (bytes, data) = memory.data_and_store_mut(&mut *caller);
        let mut mem = GuestMemory::new(bytes);
        // The guest's threads share the world: each call has it to itself while it runs.
        let shared = get(data).clone();
        let mut ctx = shared.lock();
        ctx.stop = stop;
        let result = f(&mut mem, &mut ctx);
        (result, ctx.trap.take(), ctx.exit.take())
    };
    if let Some(message) = trap {
        return Err(Trap::host(message));
    }
    // Past its deadline (or asked to stop) the guest stops here: it never sees what a wait it
    // gave up returned, and never exits as a success.
    caller.check_stop()?;
    if let Some(status) = exit {
        return Err(Trap::exit(status));
    }
    Ok(match result {
        Ok(()) => 0,
        Err(e) => e as i32,
    })
}

/// A guest path: `len` bytes at `ptr` that must be UTF-8 (`EILSEQ` otherwise).
fn read_path(mem: &GuestMemory<'_>, ptr: u32, len: u32) -> Result<String, Errno> {
    let bytes = mem.slice(ptr, len)?;
    std::str::from_utf8(bytes).map(str::to_string).map_err(|_| Errno::Ilseq)
}

/// Defines every `wasi_snapshot_preview1` function in `linker`, reading the guest's context
/// through `get`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    args::define(linker, get)?;
    clocks::define(linker, get)?;
    poll::define(linker, get)?;
    fd::define(linker, get)?;
    fdstat::define(linker, get)?;
    readdir::define(linker, get)?;
    path::define(linker, get)?;
    proc::define(linker, get)?;
    Ok(())
}
