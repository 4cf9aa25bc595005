//! Process-level functions: `proc_exit`, `proc_raise`, `random_get`, and the socket functions,
//! which answer `ENOTSUP` on a descriptor the guest has (no socket is ever granted: sockets are
//! not offered at all) and `EBADF` otherwise.

use cap_rand::RngCore;
use silo_core::{Caller, Error, Linker, Trap};

use super::{Getter, MODULE, with_memory};
use crate::ctx::WasiState;
use crate::errno::{Errno, WasiResult};

/// A socket call: no descriptor of a guest is a socket (the sandbox opens none), so an open one
/// answers `ENOTSOCK`, as Linux and the reference implementation do, and a closed one `EBADF`.
fn not_a_socket(ctx: &WasiState, fd: u32) -> WasiResult {
    ctx.fds.get(fd)?;
    Err(Errno::Notsock)
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    // As in wasmtime: statuses 0..126 end the guest with that status; the others (126 and up
    // mean "not executable", "not found" and signals to a shell, and they wrap modulo 256) are an
    // error, so a guest's exit is never mistaken for a trap or a signal.
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |mut c: Caller<'_, T>, code: u32| -> Result<(), Trap> {
            // A guest past its deadline does not exit as a success (nor with any status it picks).
            c.check_stop()?;
            if code < 126 {
                Err(Trap::exit(code as i32))
            } else {
                Err(Trap::host(format!(
                    "exit with invalid exit status outside of [0..126): {code}"
                )))
            }
        },
    )?;
    // Signals are not part of the sandbox; the spec lets a runtime refuse them.
    linker.func_wrap(MODULE, "proc_raise", |_sig: u32| Errno::Notsup as i32)?;
    linker.func_wrap(MODULE, "random_get", move |mut c: Caller<'_, T>, buf: u32, len: u32| {
        with_memory(&mut c, get, |mem, ctx| {
            ctx.random.fill_bytes(mem.slice_mut(buf, len)?);
            Ok(())
        })
    })?;
    linker.func_wrap(
        MODULE,
        "sock_accept",
        move |mut c: Caller<'_, T>, fd: u32, _f: u32, _o: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_socket(ctx, fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "sock_recv",
        move |mut c: Caller<'_, T>, fd: u32, _d: u32, _l: u32, _f: u32, _n: u32, _of: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_socket(ctx, fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "sock_send",
        move |mut c: Caller<'_, T>, fd: u32, _d: u32, _l: u32, _f: u32, _n: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_socket(ctx, fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "sock_shutdown",
        move |mut c: Caller<'_, T>, fd: u32, _how: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_socket(ctx, fd))
        },
    )?;
    Ok(())
}
