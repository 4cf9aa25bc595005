//! A guest's WASI world as portable data, for checkpoints: [`WasiCtx::snapshot`] describes the
//! arguments, environment, clocks and every open descriptor (the standard streams by role,
//! pre-opens by guest path, files and directories by the pre-open they were opened under, their
//! path there, access, flags and position), and [`WasiCtx::restore`] puts that world into a
//! fresh context, in this process or another, built from the policy given at resume time.
//!
//! A snapshot carries no host handle and no capability: restoring re-grants everything from the
//! fresh context, whose pre-opens and permissions decide, and every path is resolved by cap-std
//! inside the pre-open it names, so a forged snapshot reaches nothing the policy does not grant.
//! Each descriptor comes back at exactly its recorded number (the guest's libc cached them).
//! Not captured: the random generator (a resumed guest draws fresh randomness, even from a seeded
//! context, whose generator starts over), what was written towards the output quota (the resumed
//! run has the policy's whole quota), rights a guest shrank with `fd_fdstat_set_rights` beyond
//! reading and writing (restored descriptors get the pre-open's default rights), and the contents
//! of files (they stay on the host; a checkpoint is only as good as the files it refers to).

use std::collections::BTreeMap;
use std::io::{self, Seek, SeekFrom};
use std::path::{Component, Path};

use cap_fs_ext::{FollowSymlinks, MetadataExt, OpenOptionsFollowExt};
use cap_std::fs::OpenOptionsExt;
use serde::{Deserialize, Serialize};

use crate::ctx::WasiCtx;
use crate::fs::descriptor::{
    FDFLAGS_APPEND, FDFLAGS_DSYNC, FDFLAGS_NONBLOCK, FDFLAGS_RSYNC, FDFLAGS_SYNC,
};
use crate::fs::rights::{self, Rights};
use crate::fs::{Descriptor, DirDesc, FdTable, FileDesc, Origin, OutputRole};
use crate::time::Clocks;

/// Descriptor numbers a snapshot may hold are below this.
const MAX_FDS: u32 = 1 << 16;

/// A guest's WASI world as portable data: no host handles, no capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasiSnapshot {
    /// The command-line arguments.
    pub args: Vec<Vec<u8>>,
    /// The environment, as `KEY=value` entries.
    pub env: Vec<Vec<u8>>,
    /// The clocks.
    pub clocks: ClockSnapshot,
    /// The open descriptors, sorted by fd number.
    pub fds: Vec<FdSnapshot>,
}

/// The clocks of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockSnapshot {
    /// The host's clocks; the monotonic clock had counted `monotonic_ns` and counts on from there
    /// once restored (real time is the host's, wherever it has got to).
    Host {
        /// Monotonic nanoseconds the guest had seen.
        monotonic_ns: u64,
    },
    /// Virtual clocks, at this many nanoseconds since they started.
    Virtual {
        /// Virtual nanoseconds elapsed.
        elapsed_ns: u64,
    },
}

/// One open descriptor of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FdSnapshot {
    /// Its number.
    pub fd: u32,
    /// What it is.
    pub kind: FdKind,
}

/// What a descriptor of a snapshot is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FdKind {
    /// The standard input (whatever host file backs it).
    Stdin,
    /// The standard output (whatever host file backs it).
    Stdout,
    /// The standard error (whatever host file backs it).
    Stderr,
    /// A pre-opened directory, by the guest path it was granted under.
    Preopen {
        /// The guest path of the pre-open.
        guest_path: String,
    },
    /// A file opened under a pre-open.
    File {
        /// The guest path of the pre-open it was opened under.
        preopen: String,
        /// Its path relative to that pre-open.
        path: String,
        /// Its position.
        offset: u64,
        /// Whether it may be read.
        read: bool,
        /// Whether it may be written.
        write: bool,
        /// Its witx `fdflags` (append, dsync, nonblock, rsync, sync).
        fdflags: u16,
    },
    /// A directory opened under a pre-open.
    Dir {
        /// The guest path of the pre-open it was opened under.
        preopen: String,
        /// Its path relative to that pre-open (`.` for the pre-open itself).
        path: String,
    },
}

/// Why a world could not be snapshotted or restored.
#[derive(Debug, thiserror::Error)]
pub enum WasiSnapshotError {
    /// A descriptor whose origin is not known.
    #[error("fd {fd} cannot be checkpointed: it is not known which pre-open it was opened from")]
    UnknownOrigin {
        /// The descriptor.
        fd: u32,
    },
    /// A FIFO, socket or device, whose position cannot be saved.
    #[error(
        "fd {fd} (`{path}` under pre-open `{preopen}`) cannot be checkpointed: it is a FIFO, \
         socket or device"
    )]
    Stream {
        /// The descriptor.
        fd: u32,
        /// The guest path of its pre-open.
        preopen: String,
        /// Its path there.
        path: String,
    },
    /// A file or directory no longer at the path it was opened at (renamed or removed).
    #[error(
        "fd {fd} cannot be checkpointed: `{path}` under pre-open `{preopen}` no longer names what \
         it opened (renamed or removed since), so it could not be reopened"
    )]
    Moved {
        /// The descriptor.
        fd: u32,
        /// The guest path of its pre-open.
        preopen: String,
        /// Its path there.
        path: String,
    },
    /// The host failed to describe a descriptor.
    #[error("cannot checkpoint fd {fd}: {source}")]
    Io {
        /// The descriptor.
        fd: u32,
        /// What the host said.
        #[source]
        source: io::Error,
    },
    /// The context restored into is not fresh.
    #[error("restore needs a fresh context: {reason}")]
    NotFresh {
        /// What is there already.
        reason: String,
    },
    /// A descriptor number that is too large.
    #[error("the checkpoint holds fd {fd}, beyond the limit of {MAX_FDS} descriptors")]
    FdOutOfRange {
        /// The descriptor.
        fd: u32,
    },
    /// A descriptor number that appears twice.
    #[error("the checkpoint holds fd {fd} twice")]
    RepeatedFd {
        /// The descriptor.
        fd: u32,
    },
    /// A standard stream or pre-open at two descriptors, more often than the context has it.
    #[error("the checkpoint holds {what} at both fd {first} and fd {second}")]
    RepeatedGrant {
        /// The stream or pre-open.
        what: String,
        /// Its first descriptor.
        first: u32,
        /// Its second descriptor.
        second: u32,
    },
    /// A pre-open the policy does not grant.
    #[error(
        "the checkpoint holds fd {fd}, pre-open `{guest_path}`, which the policy does not grant"
    )]
    PreopenNotGranted {
        /// The descriptor.
        fd: u32,
        /// The guest path of the pre-open.
        guest_path: String,
    },
    /// A file or directory under a pre-open the policy does not grant.
    #[error(
        "the checkpoint holds fd {fd}, `{path}` under pre-open `{preopen}`, which the policy does \
         not grant"
    )]
    OutsideGrant {
        /// The descriptor.
        fd: u32,
        /// The guest path of the pre-open.
        preopen: String,
        /// The path there.
        path: String,
    },
    /// A file open for writing under a pre-open the policy grants read-only.
    #[error(
        "the checkpoint holds fd {fd}, `{path}` open for writing under pre-open `{preopen}`, which \
         the policy grants read-only"
    )]
    ReadOnly {
        /// The descriptor.
        fd: u32,
        /// The guest path of the pre-open.
        preopen: String,
        /// The path there.
        path: String,
    },
    /// A path that is absolute, empty or holds a NUL.
    #[error(
        "the checkpoint holds fd {fd} with path `{path}`: a path must be relative to its pre-open \
         (not absolute, not empty, no NUL)"
    )]
    BadPath {
        /// The descriptor.
        fd: u32,
        /// The path.
        path: String,
    },
    /// Flags preview1 does not define.
    #[error("the checkpoint holds fd {fd} with unknown fdflags {fdflags:#x}")]
    BadFlags {
        /// The descriptor.
        fd: u32,
        /// The flags.
        fdflags: u16,
    },
    /// A file or directory that no longer exists.
    #[error(
        "the checkpoint holds fd {fd}, `{path}` under pre-open `{preopen}`, which no longer exists"
    )]
    Missing {
        /// The descriptor.
        fd: u32,
        /// The guest path of the pre-open.
        preopen: String,
        /// The path there.
        path: String,
    },
    /// A file or directory that is now something else.
    #[error(
        "the checkpoint holds fd {fd}, `{path}` under pre-open `{preopen}`, which is now {now}"
    )]
    Changed {
        /// The descriptor.
        fd: u32,
        /// The guest path of the pre-open.
        preopen: String,
        /// The path there.
        path: String,
        /// What it is now.
        now: &'static str,
    },
    /// The host failed to reopen a file or directory.
    #[error("cannot reopen fd {fd}, `{path}` under pre-open `{preopen}`: {source}")]
    Reopen {
        /// The descriptor.
        fd: u32,
        /// The guest path of the pre-open.
        preopen: String,
        /// The path there.
        path: String,
        /// What the host said.
        #[source]
        source: io::Error,
    },
    /// Host clocks in the snapshot and virtual ones in the context, or the reverse.
    #[error(
        "the checkpoint was taken with {checkpoint} clocks, but the policy gives {policy} clocks"
    )]
    ClockMismatch {
        /// The snapshot's clocks: `host` or `virtual`.
        checkpoint: &'static str,
        /// The context's clocks: `host` or `virtual`.
        policy: &'static str,
    },
    /// More descriptors than the open-files quota lets the context hold.
    #[error(
        "the checkpoint holds {count} descriptors, more than the open-files quota allows ({limit} \
         besides stdio and pre-opens)"
    )]
    Quota {
        /// The descriptors in the snapshot.
        count: usize,
        /// The quota.
        limit: usize,
    },
}

use WasiSnapshotError as E;

impl WasiCtx {
    /// The state of this world. Errors (a clear message naming the fd) for a descriptor it
    /// cannot describe: one opened from nowhere known, a FIFO, socket or device, or a file that
    /// was renamed or removed since it was opened (a restore could not find it again).
    pub fn snapshot(&self) -> Result<WasiSnapshot, WasiSnapshotError> {
        let s = self.lock();
        let mut fds = Vec::new();
        for (fd, d) in s.fds.iter() {
            let kind = match d {
                Descriptor::Input { .. } => FdKind::Stdin,
                Descriptor::Output { role: OutputRole::Stdout, .. } => FdKind::Stdout,
                Descriptor::Output { role: OutputRole::Stderr, .. } => FdKind::Stderr,
                Descriptor::Dir(DirDesc { preopen: Some(guest), .. }) => {
                    FdKind::Preopen { guest_path: guest.clone() }
                }
                Descriptor::Dir(d) => describe_dir(&s.fds, fd, d)?,
                Descriptor::File(f) => describe_file(&s.fds, fd, f)?,
            };
            fds.push(FdSnapshot { fd, kind });
        }
        let clocks = match s.clocks {
            Clocks::Host { .. } => ClockSnapshot::Host { monotonic_ns: s.clocks.elapsed() },
            Clocks::Virtual { elapsed } => ClockSnapshot::Virtual { elapsed_ns: elapsed },
        };
        Ok(WasiSnapshot { args: s.args.clone(), env: s.env.clone(), clocks, fds })
    }

    /// Puts `snapshot` into this context, which must be fresh (built from the policy given at
    /// resume time, nothing opened yet). Arguments and environment come from the snapshot; the
    /// standard streams, pre-opens and their permissions from this context, each placed at the
    /// number the snapshot records (a stream or pre-open the snapshot does not hold is closed);
    /// files and directories are reopened inside their pre-open (never created or truncated) and
    /// files sought to their position. On error the context is left as it was.
    pub fn restore(&self, snapshot: &WasiSnapshot) -> Result<(), WasiSnapshotError> {
        let mut guard = self.lock();
        let s = &mut *guard;
        // What the fresh context grants: its standard streams and pre-opens, by number.
        let mut streams: [Option<u32>; 3] = [None; 3];
        let mut preopens: Vec<(u32, &DirDesc)> = Vec::new();
        for (fd, d) in s.fds.iter() {
            let slot = match d {
                Descriptor::Input { .. } => &mut streams[0],
                Descriptor::Output { role: OutputRole::Stdout, .. } => &mut streams[1],
                Descriptor::Output { role: OutputRole::Stderr, .. } => &mut streams[2],
                Descriptor::Dir(dir) if dir.preopen.is_some() => {
                    preopens.push((fd, dir));
                    continue;
                }
                _ => return Err(E::NotFresh { reason: format!("fd {fd} is already open") }),
            };
            if slot.replace(fd).is_some() {
                return Err(E::NotFresh { reason: format!("fd {fd} is a second standard stream") });
            }
        }
        let resume_at = match (&snapshot.clocks, &s.clocks) {
            (ClockSnapshot::Host { monotonic_ns }, Clocks::Host { .. }) => *monotonic_ns,
            (ClockSnapshot::Virtual { elapsed_ns }, Clocks::Virtual { .. }) => *elapsed_ns,
            (ClockSnapshot::Host { .. }, Clocks::Virtual { .. }) => {
                return Err(E::ClockMismatch { checkpoint: "host", policy: "virtual" });
            }
            (ClockSnapshot::Virtual { .. }, Clocks::Host { .. }) => {
                return Err(E::ClockMismatch { checkpoint: "virtual", policy: "host" });
            }
        };

        // Everything is checked and opened before the context changes; the quota first, before
        // anything is opened (a repeated number is refused below).
        if let (Some(capacity), Some(limit)) = (s.fds.capacity(), s.fds.max_open())
            && snapshot.fds.len() > capacity
        {
            return Err(E::Quota { count: snapshot.fds.len(), limit });
        }
        let mut plan: BTreeMap<u32, Place> = BTreeMap::new();
        // Granted descriptors already placed: fresh number to snapshot number.
        let mut taken: BTreeMap<u32, u32> = BTreeMap::new();
        for FdSnapshot { fd, kind } in &snapshot.fds {
            let fd = *fd;
            if fd >= MAX_FDS {
                return Err(E::FdOutOfRange { fd });
            }
            if plan.contains_key(&fd) {
                return Err(E::RepeatedFd { fd });
            }
            let place = match kind {
                FdKind::Stdin => grant(&mut taken, fd, streams[0], || "standard input".into())?,
                FdKind::Stdout => grant(&mut taken, fd, streams[1], || "standard output".into())?,
                FdKind::Stderr => grant(&mut taken, fd, streams[2], || "standard error".into())?,
                FdKind::Preopen { guest_path } => {
                    let same: Vec<u32> = preopens
                        .iter()
                        .filter(|(_, d)| d.preopen.as_deref() == Some(guest_path.as_str()))
                        .map(|&(n, _)| n)
                        .collect();
                    let Some(&first) = same.first() else {
                        return Err(E::PreopenNotGranted { fd, guest_path: guest_path.clone() });
                    };
                    // The first one not placed yet (a policy may grant a guest path only once).
                    let free = same.iter().copied().find(|n| !taken.contains_key(n));
                    grant(&mut taken, fd, Some(free.unwrap_or(first)), || {
                        format!("pre-open `{guest_path}`")
                    })?
                }
                FdKind::File { preopen, path, .. } | FdKind::Dir { preopen, path } => {
                    let root = preopens
                        .iter()
                        .find(|(_, d)| d.preopen.as_deref() == Some(preopen.as_str()))
                        .map(|&(_, d)| d);
                    let Some(root) = root else {
                        return Err(E::OutsideGrant {
                            fd,
                            preopen: preopen.clone(),
                            path: path.clone(),
                        });
                    };
                    Place::Opened(reopen(root, fd, kind)?)
                }
            };
            plan.insert(fd, place);
        }

        let mut granted = s.fds.replace_all(BTreeMap::new());
        let mut restored = BTreeMap::new();
        for (fd, place) in plan {
            let d = match place {
                Place::Granted(fresh) => granted.remove(&fresh),
                Place::Opened(d) => Some(d),
            };
            if let Some(d) = d {
                restored.insert(fd, d);
            }
        }
        // What the snapshot does not hold (a stream or pre-open the guest closed) is dropped.
        drop(s.fds.replace_all(restored));
        s.args = snapshot.args.clone();
        s.env = snapshot.env.clone();
        s.clocks.resume_at(resume_at);
        Ok(())
    }
}

/// Where a restored descriptor comes from.
enum Place {
    /// The fresh context's descriptor with this number (a standard stream or pre-open).
    Granted(u32),
    /// A file or directory reopened.
    Opened(Descriptor),
}

/// Places the fresh context's descriptor `fresh` (`what`) at `fd`, unless the snapshot already
/// placed it elsewhere or the context has none.
fn grant(
    taken: &mut BTreeMap<u32, u32>,
    fd: u32,
    fresh: Option<u32>,
    what: impl Fn() -> String,
) -> Result<Place, WasiSnapshotError> {
    let Some(fresh) = fresh else {
        return Err(E::NotFresh { reason: format!("it has no {} to place at fd {fd}", what()) });
    };
    if let Some(&first) = taken.get(&fresh) {
        return Err(E::RepeatedGrant { what: what(), first, second: fd });
    }
    taken.insert(fresh, fd);
    Ok(Place::Granted(fresh))
}

/// The snapshot of directory `d` (not a pre-open) at `fd`.
fn describe_dir(fds: &FdTable, fd: u32, d: &DirDesc) -> Result<FdKind, WasiSnapshotError> {
    let origin = d.origin.as_ref().ok_or(E::UnknownOrigin { fd })?;
    let meta = d.dir.dir_metadata().map_err(|source| E::Io { fd, source })?;
    still_there(fds, fd, origin, &meta)?;
    Ok(FdKind::Dir { preopen: origin.preopen.clone(), path: origin.path.clone() })
}

/// The snapshot of file `f` at `fd`.
fn describe_file(fds: &FdTable, fd: u32, f: &FileDesc) -> Result<FdKind, WasiSnapshotError> {
    let origin = f.origin.as_ref().ok_or(E::UnknownOrigin { fd })?;
    if f.stream {
        return Err(E::Stream { fd, preopen: origin.preopen.clone(), path: origin.path.clone() });
    }
    let meta = f.file.metadata().map_err(|source| E::Io { fd, source })?;
    still_there(fds, fd, origin, &meta)?;
    let offset = (&f.file).stream_position().map_err(|source| E::Io { fd, source })?;
    Ok(FdKind::File {
        preopen: origin.preopen.clone(),
        path: origin.path.clone(),
        offset,
        read: f.rights.base & rights::FD_READ != 0,
        write: f.rights.base & rights::FD_WRITE != 0,
        fdflags: f.fdflags,
    })
}

/// Checks that `origin` still names the file or directory open at `fd` (described by `meta`),
/// as a restore would resolve it, when its pre-open is still open to look there.
fn still_there(
    fds: &FdTable,
    fd: u32,
    origin: &Origin,
    meta: &cap_std::fs::Metadata,
) -> Result<(), WasiSnapshotError> {
    let root = fds.iter().find_map(|(_, d)| match d {
        Descriptor::Dir(d) if d.preopen.as_deref() == Some(origin.preopen.as_str()) => Some(d),
        _ => None,
    });
    let Some(root) = root else { return Ok(()) };
    let moved = || E::Moved { fd, preopen: origin.preopen.clone(), path: origin.path.clone() };
    match root.dir.metadata(&origin.path) {
        Ok(now) if now.dev() == meta.dev() && now.ino() == meta.ino() => Ok(()),
        Ok(_) => Err(moved()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(moved()),
        Err(source) => Err(E::Io { fd, source }),
    }
}

/// Checks that `path` is one to resolve inside a pre-open: relative, not empty, no NUL (cap-std
/// then refuses whatever would lead out).
fn check_path(fd: u32, path: &str) -> Result<(), WasiSnapshotError> {
    let absolute = Path::new(path).components().any(|c| matches!(c, Component::RootDir));
    if path.is_empty() || path.contains('\0') || absolute {
        return Err(E::BadPath { fd, path: path.to_string() });
    }
    Ok(())
}

/// Reopens the file or directory `kind` (a `File` or `Dir`) inside pre-open `root`.
fn reopen(root: &DirDesc, fd: u32, kind: &FdKind) -> Result<Descriptor, WasiSnapshotError> {
    let (preopen, path) = match kind {
        FdKind::File { preopen, path, .. } | FdKind::Dir { preopen, path } => (preopen, path),
        // Only files and directories are reopened.
        _ => return Err(E::UnknownOrigin { fd }),
    };
    check_path(fd, path)?;
    let at = || (fd, preopen.clone(), path.clone());
    let failed = |source: io::Error| {
        let (fd, preopen, path) = at();
        match source.kind() {
            io::ErrorKind::NotFound => E::Missing { fd, preopen, path },
            io::ErrorKind::NotADirectory if matches!(kind, FdKind::Dir { .. }) => {
                E::Changed { fd, preopen, path, now: "not a directory" }
            }
            io::ErrorKind::IsADirectory => E::Changed { fd, preopen, path, now: "a directory" },
            _ => E::Reopen { fd, preopen, path, source },
        }
    };
    let changed = |now: &'static str| {
        let (fd, preopen, path) = at();
        E::Changed { fd, preopen, path, now }
    };
    let origin = Some(Origin { preopen: preopen.clone(), path: path.clone() });
    let &FdKind::File { offset, read, write, fdflags, .. } = kind else {
        let dir = root.dir.open_dir(path).map_err(failed)?;
        let rights = Rights {
            base: root.rights.inheriting & rights::DIR,
            inheriting: root.rights.inheriting,
            read_only: root.rights.read_only,
        };
        return Ok(Descriptor::Dir(DirDesc { dir, rights, preopen: None, origin }));
    };

    if fdflags & !(FDFLAGS_APPEND | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC)
        != 0
    {
        return Err(E::BadFlags { fd, fdflags });
    }
    let append = fdflags & FDFLAGS_APPEND != 0;
    let host_write = write || append;
    if host_write && (root.rights.read_only || root.rights.inheriting & rights::FD_WRITE == 0) {
        let (fd, preopen, path) = at();
        return Err(E::ReadOnly { fd, preopen, path });
    }
    let mut opts = cap_std::fs::OpenOptions::new();
    opts.read(read || !host_write).write(host_write).append(append);
    opts.follow(FollowSymlinks::Yes);
    // Never block in open(2), should the path now name a FIFO.
    opts.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    let file = root.dir.open_with(path, &opts).map_err(failed)?;
    let reopened = |e: io::Error| {
        let (fd, preopen, path) = at();
        E::Reopen { fd, preopen, path, source: e }
    };
    let mode = rustix::fs::fstat(&file).map_err(|e| reopened(e.into()))?.st_mode;
    match rustix::fs::FileType::from_raw_mode(mode) {
        rustix::fs::FileType::Directory => return Err(changed("a directory")),
        rustix::fs::FileType::Fifo
        | rustix::fs::FileType::Socket
        | rustix::fs::FileType::CharacterDevice => {
            return Err(changed("a FIFO, socket or device"));
        }
        _ => {}
    }
    if fdflags & FDFLAGS_NONBLOCK == 0 {
        let mut host = rustix::fs::fcntl_getfl(&file).map_err(|e| reopened(e.into()))?;
        host.remove(rustix::fs::OFlags::NONBLOCK);
        rustix::fs::fcntl_setfl(&file, host).map_err(|e| reopened(e.into()))?;
    }
    (&file).seek(SeekFrom::Start(offset)).map_err(reopened)?;
    let mut mask = rights::FILE;
    if !host_write {
        mask &= !rights::WRITE_ACCESS;
    }
    let mut base = root.rights.inheriting & mask;
    if !write {
        base &= !rights::FD_WRITE;
    }
    if !read {
        base &= !rights::FD_READ;
    }
    let rights =
        Rights { base, inheriting: root.rights.inheriting, read_only: root.rights.read_only };
    Ok(Descriptor::File(FileDesc { file, rights, fdflags, stream: false, origin }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::WasiCtxBuilder;

    #[test]
    fn a_descriptor_from_nowhere_known_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let dir =
            cap_std::fs::Dir::open_ambient_dir(tmp.path(), cap_std::ambient_authority()).unwrap();
        let file = dir.create("f").unwrap();
        let ctx = WasiCtxBuilder::new().build();
        let rights = Rights { base: rights::FILE, inheriting: 0, read_only: false };
        let d = FileDesc { file, rights, fdflags: 0, stream: false, origin: None };
        assert_eq!(ctx.lock().fds.push(Descriptor::File(d)), Ok(3));
        assert_eq!(
            ctx.snapshot().unwrap_err().to_string(),
            "fd 3 cannot be checkpointed: it is not known which pre-open it was opened from"
        );
    }

    #[test]
    fn origins_join_and_drop_dot_components() {
        assert_eq!(Origin::normalize("./a//b/./c/"), "a/b/c");
        assert_eq!(Origin::normalize("."), ".");
        assert_eq!(Origin::normalize(""), ".");
        assert_eq!(Origin::normalize("a/../b"), "a/../b", "`..` is kept for cap-std");
        let root = Origin { preopen: "/data".into(), path: ".".into() };
        assert_eq!(root.join("./x"), Origin { preopen: "/data".into(), path: "x".into() });
        let sub = root.join("sub/");
        assert_eq!(sub.join("../y").path, "sub/../y");
        assert_eq!(sub.join(".").path, "sub");
    }
}
