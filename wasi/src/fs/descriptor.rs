//! One open descriptor: a standard stream, a file or a directory, with its rights and flags.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;

use super::rights::Rights;
use crate::errno::Errno;

/// A regular file (or anything that is not a directory) opened through a directory.
pub(crate) struct FileDesc {
    pub file: cap_std::fs::File,
    pub rights: Rights,
    /// The witx `fdflags` the guest set (append, dsync, nonblock, rsync, sync).
    pub fdflags: u16,
    /// A FIFO, a character device or a socket: reads and writes can block, so they wait for it
    /// with the guest's deadline in view (`wait::Stop`).
    pub stream: bool,
    /// Where the file was opened (`None` if not known): what a checkpoint reopens.
    pub origin: Option<Origin>,
}

/// A directory: a pre-open or one opened from one.
pub(crate) struct DirDesc {
    pub dir: cap_std::fs::Dir,
    pub rights: Rights,
    /// The guest path of a pre-opened directory (what `fd_prestat_dir_name` reports).
    pub preopen: Option<String>,
    /// Where a directory opened by the guest was opened (`None` for a pre-open, which is its own
    /// origin, or if not known).
    pub origin: Option<Origin>,
}

/// Where a file or directory the guest opened comes from: the guest path of the pre-open it
/// was reached from, and its path relative to that pre-open (`.` components dropped, `..` kept
/// as written for cap-std to resolve; `.` for the pre-open itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    pub preopen: String,
    pub path: String,
}

impl Origin {
    /// `path`, normalized: no empty or `.` components; `.` if nothing is left.
    pub fn normalize(path: &str) -> String {
        let parts: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        if parts.is_empty() { ".".to_string() } else { parts.join("/") }
    }

    /// The origin of what is opened at `path` relative to this one.
    pub fn join(&self, path: &str) -> Origin {
        let joined =
            if self.path == "." { path.to_string() } else { format!("{}/{path}", self.path) };
        Origin { preopen: self.preopen.clone(), path: Origin::normalize(&joined) }
    }
}

impl DirDesc {
    /// The origin of what the guest opens at `path` in this directory, if this directory's own
    /// is known.
    pub fn origin_of(&self, path: &str) -> Option<Origin> {
        match (&self.preopen, &self.origin) {
            (Some(guest), _) => {
                Some(Origin { preopen: guest.clone(), path: ".".into() }.join(path))
            }
            (None, Some(origin)) => Some(origin.join(path)),
            (None, None) => None,
        }
    }
}

/// Which standard stream an output descriptor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputRole {
    Stdout,
    Stderr,
}

/// An open descriptor.
pub(crate) enum Descriptor {
    /// A stream the guest reads (standard input).
    Input {
        reader: Box<dyn Read + Send>,
        filetype: u8,
        /// A copy of the host descriptor behind `reader`, when there is one to wait on.
        wait_fd: Option<OwnedFd>,
    },
    /// A stream the guest writes; `counted` streams (standard output and error) count towards
    /// the output quota.
    Output {
        writer: Box<dyn Write + Send>,
        filetype: u8,
        counted: bool,
        /// Standard output or standard error (whatever fd it is at now).
        role: OutputRole,
        /// A copy of the host descriptor behind `writer`, when there is one to wait on.
        wait_fd: Option<OwnedFd>,
    },
    File(FileDesc),
    Dir(DirDesc),
}

pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;

pub const FDFLAGS_APPEND: u16 = 1;
pub const FDFLAGS_DSYNC: u16 = 2;
pub const FDFLAGS_NONBLOCK: u16 = 4;
pub const FDFLAGS_RSYNC: u16 = 8;
pub const FDFLAGS_SYNC: u16 = 16;

impl Descriptor {
    /// The directory, or `ENOTDIR`.
    pub fn dir(&self) -> Result<&DirDesc, Errno> {
        match self {
            Descriptor::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    /// The file: `EISDIR` for a directory, `err` for a stream.
    pub fn file(&mut self, stream_err: Errno) -> Result<&mut FileDesc, Errno> {
        match self {
            Descriptor::File(f) => Ok(f),
            Descriptor::Dir(_) => Err(Errno::Isdir),
            _ => Err(stream_err),
        }
    }
}
