//! Descriptor metadata: `fd_fdstat_get` (24 bytes: filetype u8, flags u16 at 2, base rights at
//! 8, inheriting rights at 16), `fd_fdstat_set_flags`, `fd_fdstat_set_rights` (rights only
//! shrink), `fd_filestat_get`/`set_size`/`set_times`, and the pre-open queries
//! `fd_prestat_get` (tag u8 0 = directory, name length u32 at 4) and `fd_prestat_dir_name`.

use rustix::fs::OFlags;
use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::ctx::WasiState;
use crate::errno::{Errno, WasiResult};
use crate::fs::Descriptor;
use crate::fs::descriptor::{
    FDFLAGS_APPEND, FDFLAGS_DSYNC, FDFLAGS_NONBLOCK, FDFLAGS_RSYNC, FDFLAGS_SYNC,
    FILETYPE_DIRECTORY,
};
use crate::fs::rights::{
    FD_FDSTAT_SET_FLAGS, FD_FILESTAT_GET, FD_FILESTAT_SET_SIZE, FD_FILESTAT_SET_TIMES, FD_READ,
    FD_WRITE, POLL_FD_READWRITE, Rights,
};
use crate::fs::stat::{filetype, new_times, write_filestat};
use crate::memory::GuestMemory;

fn fd_fdstat_get(mem: &mut GuestMemory<'_>, ctx: &mut WasiState, fd: u32, out: u32) -> WasiResult {
    let (filetype, flags, base, inheriting) = match ctx.fds.get(fd)? {
        Descriptor::Input { filetype, .. } => {
            (*filetype, 0, FD_READ | POLL_FD_READWRITE | FD_FILESTAT_GET, 0)
        }
        Descriptor::Output { filetype, .. } => {
            (*filetype, 0, FD_WRITE | POLL_FD_READWRITE | FD_FILESTAT_GET, 0)
        }
        Descriptor::File(f) => {
            let t = filetype(f.file.metadata()?.file_type());
            (t, f.fdflags, f.rights.base, f.rights.inheriting)
        }
        Descriptor::Dir(d) => (FILETYPE_DIRECTORY, 0, d.rights.base, d.rights.inheriting),
    };
    let mut b = [0u8; 24];
    b[0] = filetype;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&base.to_le_bytes());
    b[16..24].copy_from_slice(&inheriting.to_le_bytes());
    mem.write(out, &b)
}

fn fd_fdstat_set_flags(ctx: &mut WasiState, fd: u32, flags: u32) -> WasiResult {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let f = match ctx.fds.get_mut(fd)? {
        Descriptor::File(f) => f,
        Descriptor::Dir(d) => {
            d.rights.need(FD_FDSTAT_SET_FLAGS)?;
            return if flags == 0 { Ok(()) } else { Err(Errno::Notsup) };
        }
        _ => return Err(Errno::Notsup),
    };
    f.rights.need(FD_FDSTAT_SET_FLAGS)?;
    if flags & !(FDFLAGS_APPEND | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC)
        != 0
    {
        return Err(Errno::Inval);
    }
    // The synchronized-I/O flags cannot be changed on an open file (as in wasmtime).
    let sync = FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC;
    if flags & sync != f.fdflags & sync {
        return Err(Errno::Notsup);
    }
    let mut host = rustix::fs::fcntl_getfl(&f.file).map_err(std::io::Error::from)?;
    host.set(OFlags::APPEND, flags & FDFLAGS_APPEND != 0);
    host.set(OFlags::NONBLOCK, flags & FDFLAGS_NONBLOCK != 0);
    rustix::fs::fcntl_setfl(&f.file, host).map_err(std::io::Error::from)?;
    f.fdflags = flags;
    Ok(())
}

fn descriptor_rights(d: &mut Descriptor) -> Option<&mut Rights> {
    match d {
        Descriptor::File(f) => Some(&mut f.rights),
        Descriptor::Dir(d) => Some(&mut d.rights),
        _ => None,
    }
}

fn fd_fdstat_set_rights(ctx: &mut WasiState, fd: u32, base: u64, inheriting: u64) -> WasiResult {
    let Some(r) = descriptor_rights(ctx.fds.get_mut(fd)?) else {
        return Err(Errno::Notsup);
    };
    if base & !r.base != 0 || inheriting & !r.inheriting != 0 {
        return Err(Errno::Notcapable);
    }
    r.base = base;
    r.inheriting = inheriting;
    Ok(())
}

fn fd_filestat_get(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    out: u32,
) -> WasiResult {
    let meta = match ctx.fds.get(fd)? {
        Descriptor::File(f) => {
            f.rights.need(FD_FILESTAT_GET)?;
            f.file.metadata()?
        }
        Descriptor::Dir(d) => {
            d.rights.need(FD_FILESTAT_GET)?;
            d.dir.dir_metadata()?
        }
        Descriptor::Input { filetype, .. } | Descriptor::Output { filetype, .. } => {
            let mut b = [0u8; 64];
            b[16] = *filetype;
            b[24] = 1;
            return mem.write(out, &b);
        }
    };
    write_filestat(mem, out, &meta)
}

fn fd_filestat_set_size(ctx: &mut WasiState, fd: u32, size: u64) -> WasiResult {
    match ctx.fds.get_mut(fd)? {
        Descriptor::File(f) => {
            f.rights.need(FD_FILESTAT_SET_SIZE)?;
            f.file.set_len(size)?;
            Ok(())
        }
        Descriptor::Dir(_) => Err(Errno::Isdir),
        _ => Err(Errno::Inval),
    }
}

fn fd_filestat_set_times(
    ctx: &mut WasiState,
    fd: u32,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> WasiResult {
    let fst = u16::try_from(fst).map_err(|_| Errno::Inval)?;
    let (a, m) = new_times(atim, mtim, fst)?;
    let times =
        rustix::fs::Timestamps { last_access: a.timespec(), last_modification: m.timespec() };
    let result = match ctx.fds.get(fd)? {
        Descriptor::File(f) => {
            f.rights.need(FD_FILESTAT_SET_TIMES)?;
            rustix::fs::futimens(&f.file, &times)
        }
        Descriptor::Dir(d) => {
            d.rights.need(FD_FILESTAT_SET_TIMES)?;
            rustix::fs::futimens(&d.dir, &times)
        }
        _ => return Err(Errno::Notsup),
    };
    result.map_err(|e| Errno::from(std::io::Error::from(e)))
}

fn preopen_name(ctx: &WasiState, fd: u32) -> Result<&str, Errno> {
    match ctx.fds.get(fd)? {
        Descriptor::Dir(d) => d.preopen.as_deref().ok_or(Errno::Badf),
        _ => Err(Errno::Badf),
    }
}

fn fd_prestat_get(mem: &mut GuestMemory<'_>, ctx: &mut WasiState, fd: u32, out: u32) -> WasiResult {
    let len = u32::try_from(preopen_name(ctx, fd)?.len()).map_err(|_| Errno::Overflow)?;
    let mut b = [0u8; 8];
    b[4..8].copy_from_slice(&len.to_le_bytes());
    mem.write(out, &b)
}

fn fd_prestat_dir_name(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    path: u32,
    len: u32,
) -> WasiResult {
    let name = preopen_name(ctx, fd)?;
    if (len as usize) < name.len() {
        return Err(Errno::Nametoolong);
    }
    mem.write(path, name.as_bytes())
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    type Out = fn(&mut GuestMemory<'_>, &mut WasiState, u32, u32) -> WasiResult;
    for (name, f) in [
        ("fd_fdstat_get", fd_fdstat_get as Out),
        ("fd_filestat_get", fd_filestat_get as Out),
        ("fd_prestat_get", fd_prestat_get as Out),
    ] {
        linker.func_wrap(MODULE, name, move |mut c: Caller<'_, T>, fd: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| f(mem, ctx, fd, out))
        })?;
    }
    linker.func_wrap(
        MODULE,
        "fd_fdstat_set_flags",
        move |mut c: Caller<'_, T>, fd: u32, flags: u32| {
            with_memory(&mut c, get, |_, ctx| fd_fdstat_set_flags(ctx, fd, flags))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_set_rights",
        move |mut c: Caller<'_, T>, fd: u32, base: u64, inheriting: u64| {
            with_memory(&mut c, get, |_, ctx| fd_fdstat_set_rights(ctx, fd, base, inheriting))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_size",
        move |mut c: Caller<'_, T>, fd: u32, size: u64| {
            with_memory(&mut c, get, |_, ctx| fd_filestat_set_size(ctx, fd, size))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_set_times",
        move |mut c: Caller<'_, T>, fd: u32, atim: u64, mtim: u64, fst: u32| {
            with_memory(&mut c, get, |_, ctx| fd_filestat_set_times(ctx, fd, atim, mtim, fst))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        move |mut c: Caller<'_, T>, fd: u32, path: u32, len: u32| {
            with_memory(&mut c, get, |mem, ctx| fd_prestat_dir_name(mem, ctx, fd, path, len))
        },
    )?;
    Ok(())
}
