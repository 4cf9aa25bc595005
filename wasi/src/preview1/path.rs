//! `path_*`: functions relative to a directory descriptor. Every path is resolved by cap-std
//! inside that directory: `..` past it, absolute paths, and symbolic links that lead out (as the
//! last component or in the middle) are refused with `ENOTCAPABLE`; hard links and renames
//! cannot name anything outside either. A symbolic link with a relative target is created even if
//! the target leads out (resolution never follows it out); one with an absolute target is refused
//! (`ENOTCAPABLE`), as cap-std and wasmtime refuse it, so that a guest cannot plant absolute links
//! for host programs to follow. Rights are checked first; a read-only pre-open refuses every
//! change with `EPERM`.

use std::os::unix::ffi::OsStrExt;

use cap_fs_ext::{DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt};
use cap_std::fs::OpenOptionsExt;
use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, read_path, with_memory};
use crate::ctx::WasiState;
use crate::errno::{Errno, WasiResult};
use crate::fs::descriptor::{
    FDFLAGS_APPEND, FDFLAGS_DSYNC, FDFLAGS_NONBLOCK, FDFLAGS_RSYNC, FDFLAGS_SYNC,
};
use crate::fs::rights::{self, Rights};
use crate::fs::stat::{new_times, write_filestat};
use crate::fs::{Descriptor, DirDesc, FileDesc};
use crate::memory::GuestMemory;

const LOOKUP_SYMLINK_FOLLOW: u32 = 1;

const OFLAGS_CREAT: u32 = 1;
const OFLAGS_DIRECTORY: u32 = 2;
const OFLAGS_EXCL: u32 = 4;
const OFLAGS_TRUNC: u32 = 8;

/// The directory `fd` names, after checking it holds `needed`.
fn dir_with(ctx: &WasiState, fd: u32, needed: u64) -> Result<&DirDesc, Errno> {
    let d = ctx.fds.get(fd)?.dir()?;
    d.rights.need(needed)?;
    Ok(d)
}

fn io(e: std::io::Error) -> Errno {
    Errno::from(e)
}

// Allowed: the arguments of preview1's `path_open`, one for one.
#[allow(clippy::too_many_arguments)]
fn path_open(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    dirflags: u32,
    path: (u32, u32),
    oflags: u32,
    base: u64,
    inheriting: u64,
    fdflags: u32,
    out: u32,
) -> WasiResult {
    let path = read_path(mem, path.0, path.1)?;
    let fdflags = u16::try_from(fdflags).map_err(|_| Errno::Inval)?;
    if fdflags & !(FDFLAGS_APPEND | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC)
        != 0
        || oflags & !(OFLAGS_CREAT | OFLAGS_DIRECTORY | OFLAGS_EXCL | OFLAGS_TRUNC) != 0
    {
        return Err(Errno::Inval);
    }
    let follow = dirflags & LOOKUP_SYMLINK_FOLLOW != 0;
    let creat = oflags & OFLAGS_CREAT != 0;
    let trunc = oflags & OFLAGS_TRUNC != 0;
    let mut needed = rights::PATH_OPEN;
    if creat {
        needed |= rights::PATH_CREATE_FILE;
    }
    if trunc {
        needed |= rights::PATH_FILESTAT_SET_SIZE;
    }
    let mut stop = ctx.stop.clone();
    let parent = dir_with(ctx, fd, needed)?;
    // Where the new descriptor comes from, for checkpoints (`WasiCtx::snapshot`).
    let origin = parent.origin_of(&path);
    // A directory is opened as one whatever the flags say, and judged as the reference
    // implementation does: write rights that only make sense for files (`FD_DATASYNC`...) are
    // dropped, `FD_WRITE` (or appending, or truncating) is `EISDIR`.
    let is_dir = oflags & OFLAGS_DIRECTORY != 0
        || !creat && {
            let meta = if follow {
                parent.dir.metadata(&path)
            } else {
                parent.dir.symlink_metadata(&path)
            };
            meta.is_ok_and(|m| m.is_dir())
        };
    if is_dir {
        if creat || oflags & OFLAGS_EXCL != 0 || trunc && oflags & OFLAGS_DIRECTORY != 0 {
            return Err(Errno::Inval);
        }
        let dir =
            if follow { parent.dir.open_dir(&path) } else { parent.dir.open_dir_nofollow(&path) };
        let dir = dir.map_err(io)?;
        if trunc || base & rights::FD_WRITE != 0 || fdflags & FDFLAGS_APPEND != 0 {
            return Err(Errno::Isdir);
        }
        let rights = Rights {
            base: base & parent.rights.inheriting & rights::DIR,
            inheriting: inheriting & parent.rights.inheriting,
            read_only: parent.rights.read_only,
        };
        let new_fd =
            ctx.fds.push(Descriptor::Dir(DirDesc { dir, rights, preopen: None, origin }))?;
        return mem.write_u32(out, new_fd);
    }
    // Asking for write access: refused on a read-only mount (`EPERM`, as wasmtime), or
    // `ENOTCAPABLE` if the directory may not hand it out.
    let wants_write = base & rights::WRITE_ACCESS != 0 || fdflags & FDFLAGS_APPEND != 0;
    if wants_write {
        if parent.rights.read_only {
            return Err(Errno::Perm);
        }
        if parent.rights.inheriting & rights::FD_WRITE == 0 {
            return Err(Errno::Notcapable);
        }
    }
    let wants_read = base & (rights::FD_READ | rights::FD_READDIR) != 0;
    let new_rights = |mask: u64| Rights {
        base: base & parent.rights.inheriting & mask,
        inheriting: inheriting & parent.rights.inheriting,
        read_only: parent.rights.read_only,
    };

    let opened = {
        let mut opts = cap_std::fs::OpenOptions::new();
        let write = wants_write || creat || trunc;
        let append = fdflags & FDFLAGS_APPEND != 0;
        // Linux's open(2) takes O_TRUNC with O_APPEND; cap-std's options refuse the pair, so
        // the file is opened for appending and truncated just after (below).
        opts.read(wants_read || !write).write(write).append(append).truncate(trunc && !append);
        if creat {
            if oflags & OFLAGS_EXCL != 0 {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
        }
        opts.follow(if follow { FollowSymlinks::Yes } else { FollowSymlinks::No });
        opts.maybe_dir(!write);
        // For a guest that a deadline or an interrupt can stop, never block in open(2): a FIFO
        // opens at once for reading, and for writing is retried until it has a reader.
        let watched = stop.watched();
        if watched {
            opts.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
        }
        let file = loop {
            match parent.dir.open_with(&path, &opts) {
                Err(e)
                    if watched
                        && e.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) =>
                {
                    stop.pause()?
                }
                other => break other.map_err(io)?,
            }
        };
        let stream = {
            use rustix::fs::FileType as T;
            let mode = rustix::fs::fstat(&file).map_err(std::io::Error::from)?.st_mode;
            matches!(T::from_raw_mode(mode), T::Fifo | T::Socket | T::CharacterDevice)
        };
        if watched && fdflags & FDFLAGS_NONBLOCK == 0 {
            let mut host = rustix::fs::fcntl_getfl(&file).map_err(std::io::Error::from)?;
            host.remove(rustix::fs::OFlags::NONBLOCK);
            rustix::fs::fcntl_setfl(&file, host).map_err(std::io::Error::from)?;
        }
        if file.metadata()?.is_dir() {
            if write {
                return Err(Errno::Isdir);
            }
            let dir = cap_std::fs::Dir::from_std_file(file.into_std());
            Descriptor::Dir(DirDesc { dir, rights: new_rights(rights::DIR), preopen: None, origin })
        } else {
            if trunc && append {
                file.set_len(0)?;
            }
            let mut mask = rights::FILE;
            if !write {
                mask &= !rights::WRITE_ACCESS;
            }
            let mut rights = new_rights(mask);
            if !wants_write {
                rights.base &= !rights::FD_WRITE;
            }
            if fdflags & FDFLAGS_NONBLOCK != 0 {
                let mut host = rustix::fs::fcntl_getfl(&file).map_err(std::io::Error::from)?;
                host.insert(rustix::fs::OFlags::NONBLOCK);
                rustix::fs::fcntl_setfl(&file, host).map_err(std::io::Error::from)?;
            }
            Descriptor::File(FileDesc { file, rights, fdflags, stream, origin })
        }
    };
    let new_fd = ctx.fds.push(opened)?;
    mem.write_u32(out, new_fd)
}

fn path_create_directory(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    p: u32,
    l: u32,
) -> WasiResult {
    let path = read_path(mem, p, l)?;
    dir_with(ctx, fd, rights::PATH_CREATE_DIRECTORY)?.dir.create_dir(path).map_err(io)
}

fn path_remove_directory(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    p: u32,
    l: u32,
) -> WasiResult {
    let path = read_path(mem, p, l)?;
    dir_with(ctx, fd, rights::PATH_REMOVE_DIRECTORY)?.dir.remove_dir(path).map_err(io)
}

fn path_unlink_file(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    p: u32,
    l: u32,
) -> WasiResult {
    let path = read_path(mem, p, l)?;
    let dir = &dir_with(ctx, fd, rights::PATH_UNLINK_FILE)?.dir;
    // A trailing slash names a directory, which this never removes.
    if path.ends_with('/') {
        return match dir.symlink_metadata(&path) {
            Ok(m) if m.is_dir() => Err(Errno::Isdir),
            Ok(_) => Err(Errno::Notdir),
            Err(e) => Err(io(e)),
        };
    }
    dir.remove_file_or_symlink(path).map_err(io)
}

fn path_filestat_get(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    flags: u32,
    p: u32,
    l: u32,
    out: u32,
) -> WasiResult {
    let path = read_path(mem, p, l)?;
    let dir = &dir_with(ctx, fd, rights::PATH_FILESTAT_GET)?.dir;
    let meta = if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        dir.metadata(path)
    } else {
        dir.symlink_metadata(path)
    };
    write_filestat(mem, out, &meta.map_err(io)?)
}

// Allowed: the arguments of preview1's `path_filestat_set_times`, one for one.
#[allow(clippy::too_many_arguments)]
fn path_filestat_set_times(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    flags: u32,
    p: u32,
    l: u32,
    atim: u64,
    mtim: u64,
    fst: u32,
) -> WasiResult {
    let path = read_path(mem, p, l)?;
    let (a, m) = new_times(atim, mtim, u16::try_from(fst).map_err(|_| Errno::Inval)?)?;
    let dir = &dir_with(ctx, fd, rights::PATH_FILESTAT_SET_TIMES)?.dir;
    if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        dir.set_times(path, a.spec(), m.spec()).map_err(io)
    } else {
        dir.set_symlink_times(path, a.spec(), m.spec()).map_err(io)
    }
}

fn path_link(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    old_fd: u32,
    flags: u32,
    old: (u32, u32),
    new_fd: u32,
    new: (u32, u32),
) -> WasiResult {
    let old_path = read_path(mem, old.0, old.1)?;
    let new_path = read_path(mem, new.0, new.1)?;
    let from = dir_with(ctx, old_fd, rights::PATH_LINK_SOURCE)?;
    let to = dir_with(ctx, new_fd, rights::PATH_LINK_TARGET)?;
    // Linking through a symbolic link is not offered (as in wasmtime).
    if flags & LOOKUP_SYMLINK_FOLLOW != 0 {
        return Err(Errno::Inval);
    }
    from.dir.hard_link(old_path, &to.dir, new_path).map_err(io)
}

fn path_readlink(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    p: (u32, u32),
    buf: u32,
    len: u32,
    out: u32,
) -> WasiResult {
    let path = read_path(mem, p.0, p.1)?;
    let dir = &dir_with(ctx, fd, rights::PATH_READLINK)?.dir;
    let target = dir.read_link_contents(path).map_err(io)?;
    let bytes = target.as_os_str().as_bytes();
    let n = bytes.len().min(len as usize);
    mem.write(buf, &bytes[..n])?;
    mem.write_u32(out, n as u32)
}

fn path_rename(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    old: (u32, u32),
    new_fd: u32,
    new: (u32, u32),
) -> WasiResult {
    let old_path = read_path(mem, old.0, old.1)?;
    let new_path = read_path(mem, new.0, new.1)?;
    let from = dir_with(ctx, fd, rights::PATH_RENAME_SOURCE)?;
    let to = dir_with(ctx, new_fd, rights::PATH_RENAME_TARGET)?;
    from.dir.rename(old_path, &to.dir, new_path).map_err(io)
}

fn path_symlink(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    old: (u32, u32),
    fd: u32,
    new: (u32, u32),
) -> WasiResult {
    let target = read_path(mem, old.0, old.1)?;
    let link = read_path(mem, new.0, new.1)?;
    let dir = &dir_with(ctx, fd, rights::PATH_SYMLINK)?.dir;
    dir.symlink(target, link).map_err(io)
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    type Simple = fn(&mut GuestMemory<'_>, &mut WasiState, u32, u32, u32) -> WasiResult;
    for (name, f) in [
        ("path_create_directory", path_create_directory as Simple),
        ("path_remove_directory", path_remove_directory as Simple),
        ("path_unlink_file", path_unlink_file as Simple),
    ] {
        linker.func_wrap(MODULE, name, move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32| {
            with_memory(&mut c, get, |mem, ctx| f(mem, ctx, fd, p, l))
        })?;
    }
    linker.func_wrap(
        MODULE,
        "path_filestat_get",
        move |mut c: Caller<'_, T>, fd: u32, flags: u32, p: u32, l: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| path_filestat_get(mem, ctx, fd, flags, p, l, out))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_set_times",
        move |mut c: Caller<'_, T>,
              fd: u32,
              flags: u32,
              p: u32,
              l: u32,
              atim: u64,
              mtim: u64,
              fst: u32| {
            with_memory(&mut c, get, |mem, ctx| {
                path_filestat_set_times(mem, ctx, fd, flags, p, l, atim, mtim, fst)
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_link",
        move |mut c: Caller<'_, T>,
              old_fd: u32,
              flags: u32,
              op: u32,
              ol: u32,
              new_fd: u32,
              np: u32,
              nl: u32| {
            with_memory(&mut c, get, |mem, ctx| {
                path_link(mem, ctx, old_fd, flags, (op, ol), new_fd, (np, nl))
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_open",
        move |mut c: Caller<'_, T>,
              fd: u32,
              dirflags: u32,
              p: u32,
              l: u32,
              oflags: u32,
              base: u64,
              inheriting: u64,
              fdflags: u32,
              out: u32| {
            with_memory(&mut c, get, |mem, ctx| {
                path_open(mem, ctx, fd, dirflags, (p, l), oflags, base, inheriting, fdflags, out)
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_readlink",
        move |mut c: Caller<'_, T>, fd: u32, p: u32, l: u32, buf: u32, len: u32, out: u32| {
            with_memory(&mut c, get, |mem, ctx| path_readlink(mem, ctx, fd, (p, l), buf, len, out))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_rename",
        move |mut c: Caller<'_, T>, fd: u32, op: u32, ol: u32, new_fd: u32, np: u32, nl: u32| {
            with_memory(&mut c, get, |mem, ctx| {
                path_rename(mem, ctx, fd, (op, ol), new_fd, (np, nl))
            })
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_symlink",
        move |mut c: Caller<'_, T>, op: u32, ol: u32, fd: u32, np: u32, nl: u32| {
            with_memory(&mut c, get, |mem, ctx| path_symlink(mem, ctx, (op, ol), fd, (np, nl)))
        },
    )?;
    Ok(())
}
