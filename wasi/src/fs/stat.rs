//! Host metadata as WASI sees it: `filetype` and the 64-byte `filestat`
//! (dev u64, ino u64, filetype u8 at 16, nlink u64 at 24, size at 32, atim, mtim, ctim at 40,
//! 48, 56), and timestamps from the guest.

use std::time::Duration;

use cap_fs_ext::{FileTypeExt, MetadataExt};
use cap_std::fs::{FileType, Metadata};

use super::descriptor::{FILETYPE_DIRECTORY, FILETYPE_REGULAR_FILE, FILETYPE_UNKNOWN};
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;

const FILETYPE_BLOCK_DEVICE: u8 = 1;
const FILETYPE_SOCKET_STREAM: u8 = 6;
const FILETYPE_SYMBOLIC_LINK: u8 = 7;

/// The WASI `filetype` of a host file type (FIFOs are `unknown`, as wasmtime reports them).
pub fn filetype(t: FileType) -> u8 {
    if t.is_dir() {
        FILETYPE_DIRECTORY
    } else if t.is_file() {
        FILETYPE_REGULAR_FILE
    } else if t.is_symlink() {
        FILETYPE_SYMBOLIC_LINK
    } else if t.is_block_device() {
        FILETYPE_BLOCK_DEVICE
    } else if t.is_char_device() {
        super::descriptor::FILETYPE_CHARACTER_DEVICE
    } else if t.is_socket() {
        FILETYPE_SOCKET_STREAM
    } else {
        FILETYPE_UNKNOWN
    }
}

fn nanos(secs: i64, nsec: i64) -> u64 {
    u64::try_from(secs)
        .unwrap_or(0)
        .saturating_mul(1_000_000_000)
        .saturating_add(u64::try_from(nsec).unwrap_or(0))
}

/// Writes the `filestat` of `m` at `at`.
pub fn write_filestat(mem: &mut GuestMemory<'_>, at: u32, m: &Metadata) -> WasiResult {
    use cap_std::fs::MetadataExt as Unix;
    let mut b = [0u8; 64];
    b[0..8].copy_from_slice(&MetadataExt::dev(m).to_le_bytes());
    b[8..16].copy_from_slice(&MetadataExt::ino(m).to_le_bytes());
    b[16] = filetype(m.file_type());
    b[24..32].copy_from_slice(&MetadataExt::nlink(m).to_le_bytes());
    b[32..40].copy_from_slice(&m.len().to_le_bytes());
    b[40..48].copy_from_slice(&nanos(Unix::atime(m), Unix::atime_nsec(m)).to_le_bytes());
    b[48..56].copy_from_slice(&nanos(Unix::mtime(m), Unix::mtime_nsec(m)).to_le_bytes());
    b[56..64].copy_from_slice(&nanos(Unix::ctime(m), Unix::ctime_nsec(m)).to_le_bytes());
    mem.write(at, &b)
}

pub const FSTFLAGS_ATIM: u16 = 1;
pub const FSTFLAGS_ATIM_NOW: u16 = 2;
pub const FSTFLAGS_MTIM: u16 = 4;
pub const FSTFLAGS_MTIM_NOW: u16 = 8;

/// A timestamp to set: leave it, the current time, or this many nanoseconds after the epoch.
#[derive(Clone, Copy)]
pub enum NewTime {
    Omit,
    Now,
    At(u64),
}

/// The access and modification times `fstflags` asks for (`EINVAL` if both a time and "now").
pub fn new_times(atim: u64, mtim: u64, fstflags: u16) -> Result<(NewTime, NewTime), Errno> {
    let pick = |value: u64, set: u16, now: u16| match (fstflags & set != 0, fstflags & now != 0) {
        (true, true) => Err(Errno::Inval),
        (true, false) => Ok(NewTime::At(value)),
        (false, true) => Ok(NewTime::Now),
        (false, false) => Ok(NewTime::Omit),
    };
    if fstflags & !(FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW) != 0 {
        return Err(Errno::Inval);
    }
    Ok((
        pick(atim, FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW)?,
        pick(mtim, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW)?,
    ))
}

impl NewTime {
    /// For `futimens`.
    pub fn timespec(self) -> rustix::fs::Timespec {
        match self {
            NewTime::Omit => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_OMIT },
            NewTime::Now => rustix::fs::Timespec { tv_sec: 0, tv_nsec: rustix::fs::UTIME_NOW },
            NewTime::At(ns) => rustix::fs::Timespec {
                tv_sec: (ns / 1_000_000_000) as i64,
                tv_nsec: (ns % 1_000_000_000) as _,
            },
        }
    }

    /// For cap-fs-ext's path-relative `set_times`.
    pub fn spec(self) -> Option<cap_fs_ext::SystemTimeSpec> {
        match self {
            NewTime::Omit => None,
            NewTime::Now => Some(cap_fs_ext::SystemTimeSpec::SymbolicNow),
            NewTime::At(ns) => {
                Some(cap_fs_ext::SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(
                    std::time::UNIX_EPOCH + Duration::from_nanos(ns),
                )))
            }
        }
    }
}
