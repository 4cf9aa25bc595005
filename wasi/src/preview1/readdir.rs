//! `fd_readdir`: a directory's entries as `dirent` headers (d_next u64, d_ino u64, d_namlen
//! u32, d_type u8: 24 bytes) each followed by its name, starting at a cookie. The cookie is the
//! index of the entry in the listing, which begins with `.` and `..` (as wasmtime's does; `..`
//! reports inode 0, since its real inode may lie outside the grant) and
//! then the entries sorted by name, so it stays valid between calls. The buffer is filled
//! completely, the last entry cut short if it does not fit: a result smaller than the buffer
//! means the end of the directory was reached.

use std::os::unix::ffi::OsStrExt;

use cap_fs_ext::MetadataExt;
use rustix::fs::DirEntryExt;
use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::ctx::WasiState;
use crate::errno::{Errno, WasiResult};
use crate::fs::descriptor::FILETYPE_DIRECTORY;
use crate::fs::rights::FD_READDIR;
use crate::fs::stat::filetype;
use crate::memory::GuestMemory;

struct Entry {
    name: Vec<u8>,
    ino: u64,
    kind: u8,
}

fn entries(dir: &cap_std::fs::Dir) -> Result<Vec<Entry>, Errno> {
    let ino = MetadataExt::ino(&dir.dir_metadata()?);
    let mut list = vec![
        Entry { name: b".".to_vec(), ino, kind: FILETYPE_DIRECTORY },
        Entry { name: b"..".to_vec(), ino: 0, kind: FILETYPE_DIRECTORY },
    ];
    let mut rest = Vec::new();
    for entry in dir.entries()? {
        let entry = entry?;
        rest.push(Entry {
            name: entry.file_name().as_bytes().to_vec(),
            ino: entry.ino(),
            kind: filetype(entry.file_type()?),
        });
    }
    rest.sort_by(|a, b| a.name.cmp(&b.name));
    list.extend(rest);
    Ok(list)
}

fn fd_readdir(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    fd: u32,
    buf: u32,
    len: u32,
    cookie: u64,
    out: u32,
) -> WasiResult {
    let dir = ctx.fds.get(fd)?.dir()?;
    dir.rights.need(FD_READDIR)?;
    let list = entries(&dir.dir)?;
    let mut bytes = Vec::new();
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, e) in list.iter().enumerate().skip(start) {
        if bytes.len() >= len as usize {
            break;
        }
        bytes.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        bytes.extend_from_slice(&e.ino.to_le_bytes());
        bytes.extend_from_slice(&(e.name.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&[e.kind, 0, 0, 0]);
        bytes.extend_from_slice(&e.name);
    }
    bytes.truncate(len as usize);
    mem.write(buf, &bytes)?;
    mem.write_u32(out, bytes.len() as u32)
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    linker.func_wrap(
        MODULE,
        "fd_readdir",
        move |mut c: Caller<'_, T>, fd: u32, buf: u32, len: u32, cookie: u64, out: u32| {
            with_memory(&mut c, get, |mem, ctx| fd_readdir(mem, ctx, fd, buf, len, cookie, out))
        },
    )?;
    Ok(())
}
