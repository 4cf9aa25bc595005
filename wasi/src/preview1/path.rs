//! `path_*`: functions relative to a directory descriptor. No directory is granted yet, so the
//! descriptor is either missing (`EBADF`) or a standard stream (`ENOTDIR`), as natively.

use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::ctx::WasiCtx;
use crate::errno::{Errno, WasiResult};

fn not_a_directory(ctx: &WasiCtx, fd: u32) -> WasiResult {
    if ctx.fds.contains_key(&fd) { Err(Errno::Notdir) } else { Err(Errno::Badf) }
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    for name in ["path_create_directory", "path_remove_directory", "path_unlink_file"] {
        linker.func_wrap(
            MODULE,
            name,
            move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32| {
                with_memory(&mut c, get, |_, ctx| not_a_directory(ctx, fd))
            },
        )?;
    }
    linker.func_wrap(
        MODULE,
        "path_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, _flags: u32, _p: u32, _l: u32, _out: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_directory(ctx, fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_set_times",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _flags: u32,
              _p: u32,
              _l: u32,
              _atim: u64,
              _mtim: u64,
              _fst: u32| { with_memory(&mut c, get, |_, ctx| not_a_directory(ctx, fd)) },
    )?;
    linker.func_wrap(
        MODULE,
        "path_link",
        move |mut c: Caller<'_, T>,
              old_fd: u32,
              _flags: u32,
              _op: u32,
              _ol: u32,
              new_fd: u32,
              _np: u32,
              _nl: u32| {
            with_memory(&mut c, get, |_, ctx| {
                not_a_directory(ctx, old_fd).and_then(|_| not_a_directory(ctx, new_fd))
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_open",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _dirflags: u32,
              _p: u32,
              _l: u32,
              _oflags: u32,
              _base: u64,
              _inheriting: u64,
              _fdflags: u32,
              _out: u32| { with_memory(&mut c, get, |_, ctx| not_a_directory(ctx, fd)) },
    )?;
    linker.func_wrap(
        MODULE,
        "path_readlink",
        move |mut c: Caller<'_, T>, fd: u32, _p: u32, _l: u32, _buf: u32, _len: u32, _out: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_directory(ctx, fd))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_rename",
        move |mut c: Caller<'_, T>,
              fd: u32,
              _op: u32,
              _ol: u32,
              new_fd: u32,
              _np: u32,
              _nl: u32| {
            with_memory(&mut c, get, |_, ctx| {
                not_a_directory(ctx, fd).and_then(|_| not_a_directory(ctx, new_fd))
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_symlink",
        move |mut c: Caller<'_, T>, _op: u32, _ol: u32, fd: u32, _np: u32, _nl: u32| {
            with_memory(&mut c, get, |_, ctx| not_a_directory(ctx, fd))
        },
    )?;
    Ok(())
}
