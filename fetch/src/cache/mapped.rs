//! A cache file read by mapping it, not by copying it: compiled-code entries and modules are
//! megabytes that a warm start reads once, front to back (a checksum or digest, then tables and
//! code, or the parser), and copying them into fresh pages first was a sixth of such a start.

use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::Path;

/// The bytes of a file, mapped read-only and private.
///
/// A mapping reflects the file: if another process shrank the file while it is mapped, reading
/// past the new end would raise `SIGBUS`. The cache's own writers never change a file in place
/// (they write a new one and rename it over the old, see `atomic`, and the old inode stays whole
/// while mapped), and the cache directory is its owner's only, so only a process of the same user
/// bent on it could; such a process can stop Silo anyway. Empty files are not mapped.
pub struct MappedFile {
    map: Option<memmap2::Mmap>,
}

impl MappedFile {
    /// Maps the file at `path`.
    pub fn open(path: &Path) -> io::Result<MappedFile> {
        let file = File::open(path)?;
        if file.metadata()?.len() == 0 {
            return Ok(MappedFile { map: None });
        }
        // SAFETY: the mapping is read-only and private; the file is changed only by renaming
        // another over it (see the type's documentation for what a shrinking file would do).
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file)? };
        Ok(MappedFile { map: Some(map) })
    }
}

impl Deref for MappedFile {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
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
