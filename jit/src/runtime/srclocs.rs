//! Which WebAssembly byte offset each range of a function's machine code came from, for
//! backtraces and trap reports.
//!
//! There is about one range per WebAssembly instruction, so for a large module these are most
//! of its tables (in the generated 10,000-function module of `bench/`, 1.9 of the 2.1 MB saved
//! beside 8.1 MB of code). A function compiled here keeps them decoded, as Cranelift gives them;
//! one loaded from saved code keeps them as saved — a count, then each range as three
//! differences (start from the previous end, end from the start, offset from the previous
//! offset), zigzag varints — and decodes only when a frame is looked up: loading skips them with
//! one copy, and a lookup is rare (a backtrace, a trap). A lookup in saved ranges that do not
//! decode finds nothing, as a function without ranges does.

use crate::varint::{Reader, Writer};

/// A function's code ranges and their WebAssembly offsets, sorted by code offset.
#[derive(Clone)]
pub(crate) enum SrcLocs {
    /// `(start, end, wasm offset)` triples.
    Decoded(Box<[(u32, u32, u32)]>),
    /// The saved encoding (see the module documentation).
    Encoded(Box<[u8]>),
}

impl SrcLocs {
    /// Writes the ranges in the saved encoding.
    pub fn save(&self, w: &mut Writer) {
        match self {
            SrcLocs::Decoded(ranges) => {
                let mut encoded = Writer::default();
                encoded.var(ranges.len() as u64);
                let (mut prev_end, mut prev_loc) = (0, 0);
                for &(start, end, loc) in ranges.iter() {
                    encoded.delta(&mut prev_end, start);
                    encoded.delta(&mut prev_end, end);
                    encoded.delta(&mut prev_loc, loc);
                }
                w.bytes(&encoded.0);
            }
            SrcLocs::Encoded(bytes) => w.bytes(bytes),
        }
    }

    /// The WebAssembly offset of the range holding code offset `offset`, if one does.
    pub fn lookup(&self, offset: u32) -> Option<u32> {
        match self {
            SrcLocs::Decoded(ranges) => {
                let i = ranges.partition_point(|s| s.0 <= offset).checked_sub(1)?;
                let (start, end, loc) = ranges[i];
                (start <= offset && offset < end).then_some(loc)
            }
            SrcLocs::Encoded(bytes) => Self::scan(bytes, offset).ok().flatten(),
        }
    }

    /// `lookup` in the saved encoding: reads ranges until one starts past `offset`.
    fn scan(bytes: &[u8], offset: u32) -> Result<Option<u32>, String> {
        let mut r = Reader { bytes, at: 0 };
        let n = r.count(3)?;
        let (mut prev_end, mut prev_loc) = (0, 0);
        for _ in 0..n {
            let start = r.delta(&mut prev_end)?;
            let end = r.delta(&mut prev_end)?;
            let loc = r.delta(&mut prev_loc)?;
            if start > offset {
                break;
            }
            if offset < end {
                return Ok(Some(loc));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_ranges_find_what_decoded_ones_find() {
        let ranges =
            SrcLocs::Decoded(vec![(0, 4, 10), (4, 9, 12), (12, 20, 7), (20, 21, 300)].into());
        let mut w = Writer::default();
        ranges.save(&mut w);
        let mut r = Reader { bytes: &w.0, at: 0 };
        let saved = SrcLocs::Encoded(r.bytes().unwrap().into());
        for offset in 0..25 {
            assert_eq!(saved.lookup(offset), ranges.lookup(offset), "at {offset}");
        }
        assert_eq!(saved.lookup(10), None, "between ranges");
        assert_eq!(saved.lookup(20), Some(300));
    }

    #[test]
    fn damaged_saved_ranges_find_nothing() {
        for bytes in [&[][..], &[5, 0, 2], &[0xff; 12], &[1, 3]] {
            assert_eq!(SrcLocs::Encoded(bytes.into()).lookup(0), None);
        }
    }
}
