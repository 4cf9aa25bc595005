//! Rights (witx `rights`) and how a descriptor checks them.
//!
//! A descriptor's base rights say what may be done with it, its inheriting rights what a
//! descriptor opened from it may get; `fd_fdstat_set_rights` can only shrink them. A missing
//! right answers `ENOTCAPABLE`, except reading or writing a file that was not opened for it,
//! which answers `EBADF` as POSIX and wasmtime do. Independently, a descriptor from a read-only
//! pre-open refuses every change to the tree with `EPERM`, as wasmtime does for a read-only mount
//! (it reports the same rights for both kinds of mount and refuses with `NotPermitted`).

use crate::errno::Errno;

pub const FD_DATASYNC: u64 = 1 << 0;
pub const FD_READ: u64 = 1 << 1;
pub const FD_SEEK: u64 = 1 << 2;
pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
pub const FD_SYNC: u64 = 1 << 4;
pub const FD_TELL: u64 = 1 << 5;
pub const FD_WRITE: u64 = 1 << 6;
pub const FD_ADVISE: u64 = 1 << 7;
pub const FD_ALLOCATE: u64 = 1 << 8;
pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
pub const PATH_CREATE_FILE: u64 = 1 << 10;
pub const PATH_LINK_SOURCE: u64 = 1 << 11;
pub const PATH_LINK_TARGET: u64 = 1 << 12;
pub const PATH_OPEN: u64 = 1 << 13;
pub const FD_READDIR: u64 = 1 << 14;
pub const PATH_READLINK: u64 = 1 << 15;
pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
pub const PATH_RENAME_TARGET: u64 = 1 << 17;
pub const PATH_FILESTAT_GET: u64 = 1 << 18;
pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
pub const FD_FILESTAT_GET: u64 = 1 << 21;
pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
pub const PATH_SYMLINK: u64 = 1 << 24;
pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
pub const PATH_UNLINK_FILE: u64 = 1 << 26;
pub const POLL_FD_READWRITE: u64 = 1 << 27;

/// What a regular file can do.
pub const FILE: u64 = FD_DATASYNC
    | FD_READ
    | FD_SEEK
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | FD_TELL
    | FD_WRITE
    | FD_ADVISE
    | FD_ALLOCATE
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | POLL_FD_READWRITE;

/// What a directory can do.
pub const DIR: u64 = FD_DATASYNC
    | FD_FDSTAT_SET_FLAGS
    | FD_SYNC
    | PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_OPEN
    | FD_READDIR
    | PATH_READLINK
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_FILESTAT_GET
    | PATH_FILESTAT_SET_SIZE
    | PATH_FILESTAT_SET_TIMES
    | FD_FILESTAT_GET
    | FD_FILESTAT_SET_TIMES
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE;

/// Rights that change the tree or a file's contents or metadata: refused on a read-only mount.
pub const MUTATING: u64 = FD_WRITE
    | FD_ALLOCATE
    | PATH_CREATE_DIRECTORY
    | PATH_CREATE_FILE
    | PATH_LINK_SOURCE
    | PATH_LINK_TARGET
    | PATH_RENAME_SOURCE
    | PATH_RENAME_TARGET
    | PATH_FILESTAT_SET_SIZE
    | PATH_FILESTAT_SET_TIMES
    | FD_FILESTAT_SET_SIZE
    | FD_FILESTAT_SET_TIMES
    | PATH_SYMLINK
    | PATH_REMOVE_DIRECTORY
    | PATH_UNLINK_FILE;

/// Rights that need the host file opened for writing.
pub const WRITE_ACCESS: u64 = FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE | FD_DATASYNC;

/// A descriptor's rights, and whether it comes from a read-only mount.
#[derive(Clone, Copy, Debug)]
pub struct Rights {
    pub base: u64,
    pub inheriting: u64,
    pub read_only: bool,
}

impl Rights {
    /// Checks that every right in `needed` is held.
    pub fn need(&self, needed: u64) -> Result<(), Errno> {
        let missing = needed & !self.base;
        if missing & (FD_READ | FD_WRITE) != 0 {
            return Err(Errno::Badf);
        }
        if self.read_only && needed & MUTATING != 0 {
            return Err(Errno::Perm);
        }
        if missing != 0 {
            return Err(Errno::Notcapable);
        }
        Ok(())
    }
}
