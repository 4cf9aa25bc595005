//! A cache file read by mapping it, not by copying it: compiled-code entries and modules are
//! megabytes that a warm start reads once, front to back (a checksum or digest, then tables and
//! code, or the parser), and copying them into fresh pages first was a sixth of such a start.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;
use std::path::Path;

/// The bytes of a file, mapped read-only and private (or read, where it cannot be mapped).
///
/// A mapping reflects the file: if another process shrank the file while it is mapped, reading
/// past the new end would raise `SIGBUS`. The cache's own writers never change a file in place
/// (they write a new one and rename it over the old, see `atomic`, and the old inode stays whole
/// while mapped), and the cache directory is its owner's only, so only a process of the same user
/// bent on it could; such a process can stop Silo anyway.
pub struct MappedFile {
    bytes: Bytes,
}

enum Bytes {
    Mapped(memmap2::Mmap),
    /// An empty file (which has nothing to map), or one on a file system that cannot map it.
    Read(Vec<u8>),
}

impl MappedFile {
    /// Maps the file at `path`; reads it if it cannot be mapped.
    pub fn open(path: &Path) -> io::Result<MappedFile> {
        let file = File::open(path)?;
        if file.metadata()?.len() > 0 {
            // SAFETY: the mapping is read-only and private; the file is changed only by renaming
            // another over it (see the type's documentation for what a shrinking file would do).
            if let Ok(map) = unsafe { memmap2::MmapOptions::new().populate().map(&file) } {
                return Ok(MappedFile { bytes: Bytes::Mapped(map) });
            }
        }
        let mut bytes = Vec::new();
        (&file).read_to_end(&mut bytes)?;
        Ok(MappedFile { bytes: Bytes::Read(bytes) })
    }
}

impl Deref for MappedFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Mapped(map) => map,
            Bytes::Read(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for MappedFile {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for MappedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedFile({} bytes)", self.len())
    }
}
