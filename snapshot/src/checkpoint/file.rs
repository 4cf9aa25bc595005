//! The checkpoint file: portable, versioned, checksummed, compressed.
//!
//! ```text
//! magic "SILOCKPT" | format version (u32, little-endian) | SHA-256 of the rest (32 bytes)
//! | deflate( postcard( Checkpoint ) )
//! ```
//!
//! Values are by type and references by meaning (no host address anywhere), so a file moves
//! between processes and machines. Reading one is reading untrusted input: the checksum catches
//! damage, the version what an older or newer Silo wrote, the decompressed size is bounded, and
//! every value is checked again against the module when the checkpoint is restored.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use sha2::{Digest, Sha256};

use super::Checkpoint;
use crate::SnapshotError;

/// The first bytes of every checkpoint file.
pub const CHECKPOINT_MAGIC: &[u8; 8] = b"SILOCKPT";

/// The format this Silo writes and reads; any other is refused with both numbers.
pub const CHECKPOINT_FORMAT: u32 = 1;

/// The largest decompressed checkpoint read by default: 16 GiB (a guest with several 4 GiB
/// memories). `Checkpoint::from_bytes_limited` takes another bound.
pub const DEFAULT_MAX_CHECKPOINT: u64 = 16 << 30;

const HEADER: usize = 8 + 4 + 32;

impl Checkpoint {
    /// The checkpoint as the bytes of a checkpoint file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        let body = postcard::to_stdvec(self).map_err(|e| SnapshotError::Encode(e.to_string()))?;
        let mut deflate = DeflateEncoder::new(Vec::new(), Compression::fast());
        deflate.write_all(&body).map_err(|e| SnapshotError::Encode(e.to_string()))?;
        let compressed = deflate.finish().map_err(|e| SnapshotError::Encode(e.to_string()))?;
        let mut out = Vec::with_capacity(HEADER + compressed.len());
        out.extend_from_slice(CHECKPOINT_MAGIC);
        out.extend_from_slice(&CHECKPOINT_FORMAT.to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&compressed));
        out.extend_from_slice(&compressed);
        Ok(out)
    }

    /// Reads a checkpoint file's bytes, refusing a damaged or foreign one.
    pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, SnapshotError> {
        Checkpoint::from_bytes_limited(bytes, DEFAULT_MAX_CHECKPOINT)
    }

    /// As [`Checkpoint::from_bytes`], reading at most `max_size` decompressed bytes.
    pub fn from_bytes_limited(bytes: &[u8], max_size: u64) -> Result<Checkpoint, SnapshotError> {
        let bad = |why: String| SnapshotError::BadCheckpoint(why);
        if bytes.len() < HEADER || &bytes[..8] != CHECKPOINT_MAGIC {
            return Err(bad("not a checkpoint file (no `SILOCKPT` header)".into()));
        }
        let format = u32::from_le_bytes(bytes[8..12].try_into().expect("four bytes"));
        if format != CHECKPOINT_FORMAT {
            return Err(bad(format!(
                "format {format}, but this Silo reads format {CHECKPOINT_FORMAT}"
            )));
        }
        let compressed = &bytes[HEADER..];
        if Sha256::digest(compressed).as_slice() != &bytes[12..HEADER] {
            return Err(bad("the checksum does not match: the file is damaged".into()));
        }
        let mut body = Vec::new();
        DeflateDecoder::new(compressed)
            .take(max_size.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| bad(format!("cannot decompress: {e}")))?;
        if body.len() as u64 > max_size {
            return Err(bad(format!("larger than {max_size} bytes once decompressed")));
        }
        postcard::from_bytes(&body).map_err(|e| bad(format!("cannot decode: {e}")))
    }
}
