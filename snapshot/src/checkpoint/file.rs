//! The checkpoint file: portable, versioned, checksummed, compressed.
//!
//! ```text
//! magic "SILOCKPT" | format version (u32, little-endian) | lz4-frame( postcard( Checkpoint ) )
//! | SHA-256 of everything before it (32 bytes)
//! ```
//!
//! The checksum trails the data so that a checkpoint streams to its file as it is encoded, with no
//! second copy of the memory image. LZ4 (the frame format) because a checkpoint's cost is mostly its memory image, and LZ4 keeps
//! compression far below the cost of writing the file (deflate took longer than the write on a
//! 1 GiB guest), while it still shrinks the structured and repetitive memory real programs have.
//! Values are by type and references by meaning (no host address anywhere), so a file moves
//! between processes and machines. Reading one is reading untrusted input: the checksum catches
//! damage, the version what an older or newer Silo wrote, the decompressed size is bounded, and
//! every value is checked again against the module when the checkpoint is restored.

use std::io::{Read, Seek, Write};

use lz4_flex::frame::{FrameDecoder, FrameEncoder};
use sha2::{Digest, Sha256};

use super::Checkpoint;
use crate::SnapshotError;

/// The first bytes of every checkpoint file.
pub const CHECKPOINT_MAGIC: &[u8; 8] = b"SILOCKPT";

/// The format this Silo writes; it reads it and the ones back to [`OLDEST_CHECKPOINT_FORMAT`],
/// and refuses any other with the numbers. (3 added checkpoints taken in the middle of a run, as
/// positions in the interpreter's code; 4 writes such a run as WebAssembly sees it — call or check
/// offsets, locals and operands — which any engine of any build resumes; 5 adds the heap image,
/// the objects of the garbage-collected heap. A format-2 file is a format-3 file without a run; a
/// format-3 run is read only to be refused; a format-4 file is a format-5 file without objects.)
pub const CHECKPOINT_FORMAT: u32 = 5;

/// The oldest format this Silo reads.
pub const OLDEST_CHECKPOINT_FORMAT: u32 = 2;

/// The largest decompressed checkpoint read by default: 16 GiB (a guest with several 4 GiB
/// memories). `Checkpoint::from_bytes_limited` takes another bound.
pub const DEFAULT_MAX_CHECKPOINT: u64 = 16 << 30;

const HEADER: usize = 8 + 4;
const TRAILER: usize = 32;

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Checkpoint {
    /// The checkpoint as the bytes of a checkpoint file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        let mut out = Vec::new();
        self.write_to(&mut out)?;
        Ok(out)
    }

    /// Writes the checkpoint file to `out` as it is encoded.
    pub fn write_to(&self, out: impl Write) -> Result<(), SnapshotError> {
        let encode = |e: std::io::Error| SnapshotError::Encode(e.to_string());
        let mut hashing = Hashing { inner: out, hasher: Sha256::new() };
        hashing.write_all(CHECKPOINT_MAGIC).map_err(encode)?;
        hashing.write_all(&CHECKPOINT_FORMAT.to_le_bytes()).map_err(encode)?;
        let lz4 = FrameEncoder::new(&mut hashing);
        let lz4 = postcard::to_io(self, lz4).map_err(|e| SnapshotError::Encode(e.to_string()))?;
        lz4.finish().map_err(|e| SnapshotError::Encode(e.to_string()))?;
        let Hashing { mut inner, hasher } = hashing;
        inner.write_all(&hasher.finalize()).map_err(encode)?;
        inner.flush().map_err(encode)
    }

    /// Reads a checkpoint file's bytes, refusing a damaged or foreign one.
    pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, SnapshotError> {
        Checkpoint::from_bytes_limited(bytes, DEFAULT_MAX_CHECKPOINT)
    }

    /// As [`Checkpoint::from_bytes`], reading at most `max_size` decompressed bytes.
    pub fn from_bytes_limited(bytes: &[u8], max_size: u64) -> Result<Checkpoint, SnapshotError> {
        let (format, body) = decompress(bytes, max_size)?;
        decode(body, format)
    }

    /// Reads the checkpoint file at `path` (see [`Checkpoint::from_bytes`]) without holding the
    /// whole file in memory: one pass checks the header and the checksum, a second decompresses.
    pub fn load(path: &std::path::Path) -> Result<Checkpoint, SnapshotError> {
        let io = |e: std::io::Error| SnapshotError::Io(format!("`{}`: {e}", path.display()));
        let mut file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let bad = |why: String| SnapshotError::BadCheckpoint(why);
        if len < (HEADER + TRAILER) as u64 {
            return Err(bad("not a checkpoint file (no `SILOCKPT` header)".into()));
        }
        let data_len = len - TRAILER as u64;
        let mut header = [0u8; HEADER];
        file.read_exact(&mut header).map_err(io)?;
        let format = check_header(&header)?;
        // The checksum covers the header and the compressed data.
        let mut hasher = Sha256::new();
        hasher.update(header);
        let mut rest =
            std::io::BufReader::with_capacity(1 << 20, (&mut file).take(data_len - HEADER as u64));
        std::io::copy(&mut rest, &mut HashSink(&mut hasher)).map_err(io)?;
        let mut digest = [0u8; TRAILER];
        file.read_exact(&mut digest).map_err(io)?;
        if hasher.finalize().as_slice() != digest {
            return Err(bad("the checksum does not match: the file is damaged".into()));
        }
        file.seek(std::io::SeekFrom::Start(HEADER as u64)).map_err(io)?;
        let compressed =
            std::io::BufReader::with_capacity(1 << 20, file.take(data_len - HEADER as u64));
        decode(inflate(compressed, DEFAULT_MAX_CHECKPOINT)?, format)
    }
}

/// A writer that only hashes.
struct HashSink<'a>(&'a mut Sha256);

impl Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks a checkpoint file's magic number and format version; returns the version.
fn check_header(header: &[u8]) -> Result<u32, SnapshotError> {
    let bad = |why: String| SnapshotError::BadCheckpoint(why);
    if header.len() < HEADER || &header[..8] != CHECKPOINT_MAGIC {
        return Err(bad("not a checkpoint file (no `SILOCKPT` header)".into()));
    }
    let format = u32::from_le_bytes(header[8..12].try_into().expect("four bytes"));
    if !(OLDEST_CHECKPOINT_FORMAT..=CHECKPOINT_FORMAT).contains(&format) {
        return Err(bad(format!(
            "format {format}, but this Silo reads formats {OLDEST_CHECKPOINT_FORMAT} to \
             {CHECKPOINT_FORMAT}"
        )));
    }
    Ok(format)
}

/// Decompresses a checkpoint's LZ4 frames, at most `max_size` bytes.
fn inflate(compressed: impl Read, max_size: u64) -> Result<Vec<u8>, SnapshotError> {
    let bad = |why: String| SnapshotError::BadCheckpoint(why);
    // Read in chunks, not with `read_to_end`: that zeroes the spare capacity it reads into,
    // which for a body of hundreds of MiB made as much again resident for nothing.
    let mut decoder = FrameDecoder::new(compressed);
    let mut body = Vec::new();
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = match decoder.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(bad(format!("cannot decompress: {e}"))),
        };
        if body.len() as u64 + n as u64 > max_size {
            return Err(bad(format!("larger than {max_size} bytes once decompressed")));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(body)
}

/// The format and postcard body of a checkpoint file, its header, version and checksum checked.
fn decompress(bytes: &[u8], max_size: u64) -> Result<(u32, Vec<u8>), SnapshotError> {
    if bytes.len() < HEADER + TRAILER {
        return Err(SnapshotError::BadCheckpoint(
            "not a checkpoint file (no `SILOCKPT` header)".into(),
        ));
    }
    let format = check_header(&bytes[..HEADER])?;
    let (data, digest) = bytes.split_at(bytes.len() - TRAILER);
    if Sha256::digest(data).as_slice() != digest {
        return Err(SnapshotError::BadCheckpoint(
            "the checksum does not match: the file is damaged".into(),
        ));
    }
    Ok((format, inflate(&data[HEADER..], max_size)?))
}

/// The checkpoint a body of format `format` holds. Before format 5 the body ends before the heap
/// image, the checkpoint's last field: one zero byte more is postcard's empty list.
fn decode(mut body: Vec<u8>, format: u32) -> Result<Checkpoint, SnapshotError> {
    if format < 5 {
        body.push(0);
    }
    postcard::from_bytes(&body)
        .map_err(|e| SnapshotError::BadCheckpoint(format!("cannot decode: {e}")))
}
