//! `errno` values of `wasi_snapshot_preview1` (from its witx definition), and conversion from
//! host I/O errors.

/// A WASI error number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
#[allow(missing_docs)] // named as in the witx definition
pub enum Errno {
    Success = 0,
    TooBig = 1,
    Access = 2,
    Again = 6,
    Badf = 8,
    Exist = 20,
    Fault = 21,
    Inval = 28,
    Io = 29,
    Isdir = 31,
    Nametoolong = 37,
    Noent = 44,
    Nomem = 48,
    Nosys = 52,
    Notdir = 54,
    Notsup = 58,
    Overflow = 61,
    Perm = 63,
    Pipe = 64,
    Spipe = 70,
    Notcapable = 76,
}

impl From<std::io::Error> for Errno {
    fn from(e: std::io::Error) -> Errno {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::NotFound => Errno::Noent,
            K::PermissionDenied => Errno::Access,
            K::AlreadyExists => Errno::Exist,
            K::WouldBlock => Errno::Again,
            K::InvalidInput => Errno::Inval,
            K::BrokenPipe => Errno::Pipe,
            K::OutOfMemory => Errno::Nomem,
            K::Unsupported => Errno::Notsup,
            _ => Errno::Io,
        }
    }
}

/// What a preview1 function returns to the guest: success, or an errno.
pub type WasiResult = Result<(), Errno>;
