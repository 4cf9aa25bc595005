//! `fd_*`: the descriptor functions. Only the standard streams exist so far; they behave as a
//! terminal or a pipe does natively (no seeking, no stat beyond their type).

use std::io::{Read, Write};

use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::ctx::{Descriptor, WasiCtx};
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;

const FILETYPE_UNKNOWN: u8 = 0;
const FILETYPE_CHARACTER_DEVICE: u8 = 2;

const RIGHT_FD_READ: u64 = 1 << 1;
const RIGHT_FD_WRITE: u64 = 1 << 6;
const RIGHT_FD_FILESTAT_GET: u64 = 1 << 21;
const RIGHT_POLL_FD_READWRITE: u64 = 1 << 27;

fn descriptor(ctx: &mut WasiCtx, fd: u32) -> Result<&mut Descriptor, Errno> {
    ctx.fds.get_mut(&fd).ok_or(Errno::Badf)
}

fn fd_write(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiCtx,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> WasiResult {
    let Descriptor::Output { writer, .. } = descriptor(ctx, fd)? else { return Err(Errno::Badf) };
    let mut written: u32 = 0;
    for (buf, len) in mem.iovecs(iovs, n)? {
        writer.write_all(mem.slice(buf, len)?)?;
        written = written.checked_add(len).ok_or(Errno::Overflow)?;
    }
    // The guest's libc buffers already; what it writes must reach the stream now.
    writer.flush()?;
    mem.write_u32(out, written)
}

fn fd_read(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiCtx,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> WasiResult {
    let Descriptor::Input { reader, .. } = descriptor(ctx, fd)? else { return Err(Errno::Badf) };
    let mut read: u32 = 0;
    for (buf, len) in mem.iovecs(iovs, n)? {
        let got = reader.read(mem.slice_mut(buf, len)?)?;
        read += got as u32;
        if got < len as usize {
            break;
        }
    }
    mem.write_u32(out, read)
}

fn fd_fdstat_get(mem: &mut GuestMemory<'_>, ctx: &mut WasiCtx, fd: u32, out: u32) -> WasiResult {
    let (terminal, rights) = match descriptor(ctx, fd)? {
        Descriptor::Input { terminal, .. } => (*terminal, RIGHT_FD_READ),
        Descriptor::Output { terminal, .. } => (*terminal, RIGHT_FD_WRITE),
    };
    let filetype = if terminal { FILETYPE_CHARACTER_DEVICE } else { FILETYPE_UNKNOWN };
    mem.write(out, &[0; 24])?;
    mem.write(out, &[filetype])?;
    mem.write_u64(out + 8, rights | RIGHT_POLL_FD_READWRITE | RIGHT_FD_FILESTAT_GET)?;
    mem.write_u64(out + 16, 0)
}

fn fd_filestat_get(mem: &mut GuestMemory<'_>, ctx: &mut WasiCtx, fd: u32, out: u32) -> WasiResult {
    let terminal = match descriptor(ctx, fd)? {
        Descriptor::Input { terminal, .. } | Descriptor::Output { terminal, .. } => *terminal,
    };
    let filetype = if terminal { FILETYPE_CHARACTER_DEVICE } else { FILETYPE_UNKNOWN };
    mem.write(out, &[0; 64])?;
    mem.write(out + 16, &[filetype])?;
    mem.write_u64(out + 24, 1)
}

/// For functions that make no sense on a stream: `EBADF` for a descriptor the guest does not have,
/// otherwise the error a stream gives natively.
fn on_stream(ctx: &mut WasiCtx, fd: u32, stream_error: Errno) -> WasiResult {
    descriptor(ctx, fd)?;
    Err(stream_error)
}

fn fd_renumber(ctx: &mut WasiCtx, from: u32, to: u32) -> WasiResult {
    if !ctx.fds.contains_key(&to) {
        return Err(Errno::Badf);
    }
    let d = ctx.fds.remove(&from).ok_or(Errno::Badf)?;
    ctx.fds.insert(to, d);
    Ok(())
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    linker.func_wrap(
        MODULE,
        "fd_write",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| fd_write(mem, ctx, fd, iovs, n, out))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| fd_read(mem, ctx, fd, iovs, n, out))
        },
    )?;
    linker.func_wrap(MODULE, "fd_close", move |mut c: Caller<'_, T>, fd: u32| {
        with_memory(&mut c, get, |_, ctx| ctx.fds.remove(&fd).map(|_| ()).ok_or(Errno::Badf))
    })?;
    linker.func_wrap(MODULE, "fd_fdstat_get", move |mut c: Caller<'_, T>, fd: u32, out: u32| {
        with_memory(&mut c, get, |mem, ctx| fd_fdstat_get(mem, ctx, fd, out))
    })?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| fd_filestat_get(mem, ctx, fd, out))
        },
    )?;
    // What a stream answers to the functions that only make sense on files, grouped by
    // signature (the arguments past the descriptor are not looked at).
    for (name, errno) in [("fd_sync", Errno::Inval), ("fd_datasync", Errno::Inval)] {
        linker.func_wrap(MODULE, name, move |mut c: Caller<'_, T>, fd: u32| {
            with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, errno))
        })?;
    }
    for (name, errno) in [("fd_tell", Errno::Spipe), ("fd_fdstat_set_flags", Errno::Notsup)] {
        linker.func_wrap(MODULE, name, move |mut c: Caller<'_, T>, fd: u32, _: u32| {
            with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, errno))
        })?;
    }
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_size",
        move |mut c: Caller<'_, T>, fd: u32, _: u64| {
            with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, Errno::Inval))
        },
    )?;
    for (name, errno) in [("fd_fdstat_set_rights", Errno::Notsup), ("fd_allocate", Errno::Spipe)] {
        linker.func_wrap(MODULE, name, move |mut c: Caller<'_, T>, fd: u32, _: u64, _: u64| {
            with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, errno))
        })?;
    }
    for (name, errno) in [("fd_filestat_set_times", Errno::Notsup), ("fd_advise", Errno::Spipe)] {
        linker.func_wrap(
            MODULE,
            name,
            move |mut c: Caller<'_, T>, fd: u32, _: u64, _: u64, _: u32| {
                with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, errno))
            },
        )?;
    }
    linker.func_wrap(
        MODULE,
        "fd_seek",
        move |mut c: Caller<'_, T>, fd: u32, _offset: i64, _whence: u32, _out: u32| {
            with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, Errno::Spipe))
        },
    )?;
    for (name, errno) in [("fd_pwrite", Errno::Spipe), ("fd_pread", Errno::Spipe)] {
        linker.func_wrap(
            MODULE,
            name,
            move |mut c: Caller<'_, T>, fd: u32, _iovs: u32, _n: u32, _offset: u64, _out: u32| {
                with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, errno))
            },
        )?;
    }
    linker.func_wrap(
        MODULE,
        "fd_readdir",
        move |mut c: Caller<'_, T>, fd: u32, _buf: u32, _len: u32, _cookie: u64, _out: u32| {
            with_memory(&mut c, get, |_, ctx| on_stream(ctx, fd, Errno::Notdir))
        },
    )?;
    linker.func_wrap(MODULE, "fd_renumber", move |mut c: Caller<'_, T>, from: u32, to: u32| {
        with_memory(&mut c, get, |_, ctx| fd_renumber(ctx, from, to))
    })?;
    // No directory is pre-opened: every descriptor answers that it is not one.
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        move |mut c: Caller<'_, T>, _fd: u32, _out: u32| {
            with_memory(&mut c, get, |_, _| Err(Errno::Badf))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        move |mut c: Caller<'_, T>, _fd: u32, _path: u32, _len: u32| {
            with_memory(&mut c, get, |_, _| Err(Errno::Badf))
        },
    )?;
    Ok(())
}
