//! `fd_*` data functions: read, write, pread, pwrite, seek, tell, sync, datasync, advise,
//! allocate, close, renumber. Standard streams behave as a pipe does natively (no seeking);
//! files check their rights; directories answer `EISDIR` to reads and writes and `EBADF` to
//! positioning, as they have no stream.

use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, BorrowedFd};

use cap_std::fs::FileExt;
use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::ctx::WasiState;
use crate::errno::{Errno, WasiResult};
use crate::fs::Descriptor;
use crate::fs::rights::{
    FD_ADVISE, FD_ALLOCATE, FD_DATASYNC, FD_READ, FD_SEEK, FD_SYNC, FD_TELL, FD_WRITE,
};
use crate::memory::GuestMemory;
use crate::wait::{PIPE_CHUNK, gave_up};

/// Writes to a standard output stream, counting towards the output quota: past the quota, what
/// fits is written, then the call traps.
fn write_output(
    mem: &GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    iovs: &[(u32, u32)],
) -> Result<u32, Errno> {
    let requested: u64 = iovs.iter().map(|&(_, len)| u64::from(len)).sum();
    let before = ctx.output_written;
    let limit = ctx.max_output;
    let Descriptor::Output { writer, counted, wait_fd, .. } = ctx.fds.get_mut(fd)? else {
        return Err(Errno::Badf);
    };
    let stop = &mut ctx.stop;
    let wait_fd = wait_fd.as_ref().filter(|_| stop.watched()).map(AsFd::as_fd);
    let mut allowed = match limit {
        Some(limit) if *counted => limit.saturating_sub(before),
        _ => u64::MAX,
    };
    let mut written: u32 = 0;
    let broken_pipe_exit = ctx.broken_pipe_exit;
    let closed = |e: std::io::Error, exit: &mut Option<i32>| {
        if e.kind() == std::io::ErrorKind::BrokenPipe && broken_pipe_exit.is_some() {
            *exit = broken_pipe_exit;
        }
        Errno::from(e)
    };
    let mut exit = None;
    let result = (|| {
        for &(buf, len) in iovs {
            let data = mem.slice(buf, len)?;
            let take = data.len().min(usize::try_from(allowed).unwrap_or(usize::MAX));
            match wait_fd {
                None => writer.write_all(&data[..take]).map_err(|e| closed(e, &mut exit))?,
                // A pipe or terminal that may be full: a piece at a time, each once it fits.
                Some(fd) => {
                    for piece in data[..take].chunks(PIPE_CHUNK) {
                        stop.ready(fd, true)?;
                        writer.write_all(piece).map_err(|e| closed(e, &mut exit))?;
                        writer.flush().map_err(|e| closed(e, &mut exit))?;
                    }
                }
            }
            allowed -= take as u64;
            written = written.checked_add(take as u32).ok_or(Errno::Overflow)?;
        }
        // The guest's libc buffers already; what it writes must reach the stream now.
        writer.flush().map_err(|e| closed(e, &mut exit))
    })();
    if exit.is_some() {
        ctx.exit = exit;
    }
    result?;
    if *counted {
        ctx.output_written = before.saturating_add(requested);
    }
    if let Some(limit) = limit
        && *counted
        && ctx.output_written > limit
    {
        let n = ctx.output_written;
        ctx.output_written = limit;
        ctx.trap = Some(format!(
            "output quota exceeded: {limit} bytes to stdout and stderr, the guest wrote {n}"
        ));
    }
    Ok(written)
}

fn fd_write(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> WasiResult {
    let iovs = mem.iovecs(iovs, n)?;
    let written = if matches!(ctx.fds.get(fd)?, Descriptor::Output { .. }) {
        write_output(mem, ctx, fd, &iovs)?
    } else {
        // A directory is not open for writing: `EBADF`, as natively.
        let Descriptor::File(f) = ctx.fds.get_mut(fd)? else { return Err(Errno::Badf) };
        f.rights.need(FD_WRITE)?;
        let stop = &mut ctx.stop;
        let mut more = false;
        mem.gather(&iovs, &mut |data| {
            if !f.stream {
                return (&f.file).write(data);
            }
            if !stop
                .ready_for(f.file.as_fd(), true, std::mem::replace(&mut more, true))
                .map_err(gave_up)?
            {
                return Ok(0);
            }
            (&f.file).write(&data[..data.len().min(PIPE_CHUNK)])
        })?
    };
    mem.write_u32(out, written)
}

fn fd_read(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    iovs: u32,
    n: u32,
    out: u32,
) -> WasiResult {
    let iovs = mem.iovecs(iovs, n)?;
    // A file is read through a shared reference, so that its descriptor can be waited on too.
    let mut file: &cap_std::fs::File;
    let (reader, wait_fd): (&mut dyn Read, Option<BorrowedFd<'_>>) = match ctx.fds.get_mut(fd)? {
        Descriptor::Input { reader, wait_fd, .. } => (reader, wait_fd.as_ref().map(AsFd::as_fd)),
        d => {
            let f = d.file(Errno::Badf)?;
            f.rights.need(FD_READ)?;
            file = &f.file;
            (&mut file, f.stream.then(|| f.file.as_fd()))
        }
    };
    let stop = &mut ctx.stop;
    let mut more = false;
    let read = mem.scatter(&iovs, &mut |buf| {
        if let Some(fd) = wait_fd.filter(|_| stop.watched())
            && !stop.ready_for(fd, false, std::mem::replace(&mut more, true)).map_err(gave_up)?
        {
            return Ok(0);
        }
        reader.read(buf)
    })?;
    mem.write_u32(out, read)
}

fn fd_pread(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    iovs: u32,
    n: u32,
    offset: u64,
    out: u32,
) -> WasiResult {
    let iovs = mem.iovecs(iovs, n)?;
    let f = ctx.fds.get_mut(fd)?.file(Errno::Spipe)?;
    f.rights.need(FD_READ | FD_SEEK)?;
    let mut at = offset;
    let read = mem.scatter(&iovs, &mut |buf| {
        let got = f.file.read_at(buf, at)?;
        at = at.saturating_add(got as u64);
        Ok(got)
    })?;
    mem.write_u32(out, read)
}

fn fd_pwrite(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    iovs: u32,
    n: u32,
    offset: u64,
    out: u32,
) -> WasiResult {
    let iovs = mem.iovecs(iovs, n)?;
    let f = match ctx.fds.get_mut(fd)? {
        Descriptor::File(f) => f,
        Descriptor::Dir(_) => return Err(Errno::Badf),
        _ => return Err(Errno::Spipe),
    };
    f.rights.need(FD_WRITE | FD_SEEK)?;
    let mut at = offset;
    let written = mem.gather(&iovs, &mut |data| {
        let got = f.file.write_at(data, at)?;
        at = at.saturating_add(got as u64);
        Ok(got)
    })?;
    mem.write_u32(out, written)
}

const WHENCE_SET: u32 = 0;
const WHENCE_CUR: u32 = 1;
const WHENCE_END: u32 = 2;

/// A file (directories have no position: `EBADF`; streams: `ESPIPE`).
fn positioned(ctx: &mut WasiState, fd: u32) -> Result<&mut crate::fs::FileDesc, Errno> {
    match ctx.fds.get_mut(fd)? {
        Descriptor::File(f) => Ok(f),
        Descriptor::Dir(_) => Err(Errno::Badf),
        _ => Err(Errno::Spipe),
    }
}

fn fd_seek(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    offset: i64,
    whence: u32,
    out: u32,
) -> WasiResult {
    let f = positioned(ctx, fd)?;
    let tell_only = offset == 0 && whence == WHENCE_CUR;
    f.rights.need(if tell_only { FD_TELL } else { FD_SEEK })?;
    let to = match whence {
        WHENCE_SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::Inval)?),
        WHENCE_CUR => SeekFrom::Current(offset),
        WHENCE_END => SeekFrom::End(offset),
        _ => return Err(Errno::Inval),
    };
    let pos = (&f.file).seek(to)?;
    mem.write_u64(out, pos)
}

fn fd_tell(mem: &mut GuestMemory<'_>, ctx: &mut WasiState, fd: u32, out: u32) -> WasiResult {
    let f = positioned(ctx, fd)?;
    f.rights.need(FD_TELL)?;
    let pos = (&f.file).stream_position()?;
    mem.write_u64(out, pos)
}

fn fd_sync(ctx: &mut WasiState, fd: u32, data_only: bool) -> WasiResult {
    let right = if data_only { FD_DATASYNC } else { FD_SYNC };
    match ctx.fds.get_mut(fd)? {
        Descriptor::File(f) => {
            f.rights.need(right)?;
            if data_only { f.file.sync_data()? } else { f.file.sync_all()? }
        }
        Descriptor::Dir(d) => {
            d.rights.need(right)?;
            rustix::fs::fsync(&d.dir).map_err(std::io::Error::from)?;
        }
        _ => return Err(Errno::Inval),
    }
    Ok(())
}

fn fd_advise(ctx: &mut WasiState, fd: u32, _offset: u64, _len: u64, advice: u32) -> WasiResult {
    let f = positioned(ctx, fd)?;
    f.rights.need(FD_ADVISE)?;
    // Advice is a hint; the values are checked and nothing more is promised.
    if advice > 5 {
        return Err(Errno::Inval);
    }
    Ok(())
}

fn fd_allocate(ctx: &mut WasiState, fd: u32, offset: u64, len: u64) -> WasiResult {
    let f = positioned(ctx, fd)?;
    f.rights.need(FD_ALLOCATE)?;
    let end = offset.checked_add(len).ok_or(Errno::Fbig)?;
    if len == 0 {
        return Err(Errno::Inval);
    }
    if end > f.file.metadata()?.len() {
        f.file.set_len(end)?;
    }
    Ok(())
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    type Io = fn(&mut GuestMemory<'_>, &mut WasiState, u32, u32, u32, u32) -> WasiResult;
    for (name, f) in [("fd_write", fd_write as Io), ("fd_read", fd_read as Io)] {
        linker.func_wrap(
            MODULE,
            name,
            move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, out: u32| {
                with_memory(&mut c, get, |mem, ctx| f(mem, ctx, fd, iovs, n, out))
            },
        )?;
    }
    type PIo = fn(&mut GuestMemory<'_>, &mut WasiState, u32, u32, u32, u64, u32) -> WasiResult;
    for (name, f) in [("fd_pwrite", fd_pwrite as PIo), ("fd_pread", fd_pread as PIo)] {
        linker.func_wrap(
            MODULE,
            name,
            move |mut c: Caller<'_, T>, fd: u32, iovs: u32, n: u32, offset: u64, out: u32| {
                with_memory(&mut c, get, |mem, ctx| f(mem, ctx, fd, iovs, n, offset, out))
            },
        )?;
    }
    linker.func_wrap(
        MODULE,
        "fd_seek",
        move |mut c: Caller<'_, T>, fd: u32, offset: i64, whence: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| fd_seek(mem, ctx, fd, offset, whence, out))
        },
    )?;
    linker.func_wrap(MODULE, "fd_tell", move |mut c: Caller<'_, T>, fd: u32, out: u32| {
        with_memory(&mut c, get, |mem, ctx| fd_tell(mem, ctx, fd, out))
    })?;
    for (name, data_only) in [("fd_sync", false), ("fd_datasync", true)] {
        linker.func_wrap(MODULE, name, move |mut c: Caller<'_, T>, fd: u32| {
            with_memory(&mut c, get, |_, ctx| fd_sync(ctx, fd, data_only))
        })?;
    }
    linker.func_wrap(
        MODULE,
        "fd_advise",
        move |mut c: Caller<'_, T>, fd: u32, offset: u64, len: u64, advice: u32| {
            with_memory(&mut c, get, |_, ctx| fd_advise(ctx, fd, offset, len, advice))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_allocate",
        move |mut c: Caller<'_, T>, fd: u32, offset: u64, len: u64| {
            with_memory(&mut c, get, |_, ctx| fd_allocate(ctx, fd, offset, len))
        },
    )?;
    linker.func_wrap(MODULE, "fd_close", move |mut c: Caller<'_, T>, fd: u32| {
        with_memory(&mut c, get, |_, ctx| ctx.fds.remove(fd).map(drop))
    })?;
    linker.func_wrap(MODULE, "fd_renumber", move |mut c: Caller<'_, T>, from: u32, to: u32| {
        with_memory(&mut c, get, |_, ctx| ctx.fds.renumber(from, to))
    })?;
    Ok(())
}
