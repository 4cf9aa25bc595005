//! `errno` values of `wasi_snapshot_preview1` (every value of its witx definition), and the
//! conversion from host I/O errors: by the host's error number when there is one, so that
//! `ENOTEMPTY`, `ELOOP`, `EXDEV`... reach the guest exactly, and an attempt to leave a granted
//! directory (cap-std's "a path led outside of the filesystem") becomes `ENOTCAPABLE`.

/// A WASI error number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
#[allow(missing_docs)] // named as in the witx definition
pub enum Errno {
    Success = 0,
    TooBig = 1,
    Access = 2,
    Addrinuse = 3,
    Addrnotavail = 4,
    Afnosupport = 5,
    Again = 6,
    Already = 7,
    Badf = 8,
    Badmsg = 9,
    Busy = 10,
    Canceled = 11,
    Child = 12,
    Connaborted = 13,
    Connrefused = 14,
    Connreset = 15,
    Deadlk = 16,
    Destaddrreq = 17,
    Dom = 18,
    Dquot = 19,
    Exist = 20,
    Fault = 21,
    Fbig = 22,
    Hostunreach = 23,
    Idrm = 24,
    Ilseq = 25,
    Inprogress = 26,
    Intr = 27,
    Inval = 28,
    Io = 29,
    Isconn = 30,
    Isdir = 31,
    Loop = 32,
    Mfile = 33,
    Mlink = 34,
    Msgsize = 35,
    Multihop = 36,
    Nametoolong = 37,
    Netdown = 38,
    Netreset = 39,
    Netunreach = 40,
    Nfile = 41,
    Nobufs = 42,
    Nodev = 43,
    Noent = 44,
    Noexec = 45,
    Nolck = 46,
    Nolink = 47,
    Nomem = 48,
    Nomsg = 49,
    Noprotoopt = 50,
    Nospc = 51,
    Nosys = 52,
    Notconn = 53,
    Notdir = 54,
    Notempty = 55,
    Notrecoverable = 56,
    Notsock = 57,
    Notsup = 58,
    Notty = 59,
    Nxio = 60,
    Overflow = 61,
    Ownerdead = 62,
    Perm = 63,
    Pipe = 64,
    Proto = 65,
    Protonosupport = 66,
    Prototype = 67,
    Range = 68,
    Rofs = 69,
    Spipe = 70,
    Srch = 71,
    Stale = 72,
    Timedout = 73,
    Txtbsy = 74,
    Xdev = 75,
    Notcapable = 76,
}

/// The WASI errno for a host error number.
fn from_host(e: rustix::io::Errno) -> Option<Errno> {
    use rustix::io::Errno as H;
    let table = [
        (H::TOOBIG, Errno::TooBig),
        (H::ACCESS, Errno::Access),
        (H::AGAIN, Errno::Again),
        (H::ALREADY, Errno::Already),
        (H::BADF, Errno::Badf),
        (H::BUSY, Errno::Busy),
        (H::CANCELED, Errno::Canceled),
        (H::DEADLK, Errno::Deadlk),
        (H::DQUOT, Errno::Dquot),
        (H::EXIST, Errno::Exist),
        (H::FAULT, Errno::Fault),
        (H::FBIG, Errno::Fbig),
        (H::ILSEQ, Errno::Ilseq),
        (H::INTR, Errno::Intr),
        (H::INVAL, Errno::Inval),
        (H::IO, Errno::Io),
        (H::ISDIR, Errno::Isdir),
        (H::LOOP, Errno::Loop),
        (H::MFILE, Errno::Mfile),
        (H::MLINK, Errno::Mlink),
        (H::NAMETOOLONG, Errno::Nametoolong),
        (H::NFILE, Errno::Nfile),
        (H::NODEV, Errno::Nodev),
        (H::NOENT, Errno::Noent),
        (H::NOEXEC, Errno::Noexec),
        (H::NOLCK, Errno::Nolck),
        (H::NOMEM, Errno::Nomem),
        (H::NOSPC, Errno::Nospc),
        (H::NOSYS, Errno::Nosys),
        (H::NOTDIR, Errno::Notdir),
        (H::NOTEMPTY, Errno::Notempty),
        (H::NOTSOCK, Errno::Notsock),
        (H::NOTSUP, Errno::Notsup),
        (H::OPNOTSUPP, Errno::Notsup),
        (H::NOTTY, Errno::Notty),
        (H::NXIO, Errno::Nxio),
        (H::OVERFLOW, Errno::Overflow),
        (H::PERM, Errno::Perm),
        (H::PIPE, Errno::Pipe),
        (H::RANGE, Errno::Range),
        (H::ROFS, Errno::Rofs),
        (H::SPIPE, Errno::Spipe),
        (H::STALE, Errno::Stale),
        (H::TIMEDOUT, Errno::Timedout),
        (H::TXTBSY, Errno::Txtbsy),
        (H::XDEV, Errno::Xdev),
    ];
    table.iter().find(|(h, _)| *h == e).map(|(_, w)| *w)
}

impl From<std::io::Error> for Errno {
    fn from(e: std::io::Error) -> Errno {
        use std::io::ErrorKind as K;
        if let Some(host) = rustix::io::Errno::from_io_error(&e) {
            return from_host(host).unwrap_or(Errno::Io);
        }
        match e.kind() {
            // cap-std's refusal of a path that leaves the granted directory carries no host
            // error number: the guest lacks the capability.
            K::PermissionDenied => Errno::Notcapable,
            K::NotFound => Errno::Noent,
            K::AlreadyExists => Errno::Exist,
            K::WouldBlock => Errno::Again,
            K::InvalidInput => Errno::Inval,
            K::BrokenPipe => Errno::Pipe,
            K::OutOfMemory => Errno::Nomem,
            K::Unsupported => Errno::Notsup,
            K::NotADirectory => Errno::Notdir,
            K::IsADirectory => Errno::Isdir,
            K::DirectoryNotEmpty => Errno::Notempty,
            K::InvalidFilename => Errno::Inval,
            K::CrossesDevices => Errno::Xdev,
            _ => Errno::Io,
        }
    }
}

/// What a preview1 function returns to the guest: success, or an errno.
pub type WasiResult = Result<(), Errno>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_numbers_and_escapes_map_exactly() {
        let e = |n| Errno::from(std::io::Error::from_raw_os_error(n));
        assert_eq!(e(rustix::io::Errno::NOTEMPTY.raw_os_error()), Errno::Notempty);
        assert_eq!(e(rustix::io::Errno::LOOP.raw_os_error()), Errno::Loop);
        assert_eq!(e(rustix::io::Errno::XDEV.raw_os_error()), Errno::Xdev);
        let escape = std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "a path led outside of the filesystem",
        );
        assert_eq!(Errno::from(escape), Errno::Notcapable);
    }
}
