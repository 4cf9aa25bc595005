//! The non-zero runs of a linear memory: what a snapshot keeps of it. A fresh memory is zero, so
//! only the bytes that are not need writing, and runs separated by a few zeros are kept as one
//! (each run costs a segment header, which is more than a short gap).

/// Bytes of a memory at an address.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DataRun {
    /// Where the bytes start in the memory.
    pub offset: u64,
    /// The bytes; the first and the last are not zero. (Encoded as one byte string, not a
    /// sequence of numbers: a memory image is most of a checkpoint.)
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// The runs of `memory` that are not zero, in address order, where a gap of fewer than `gap`
/// zero bytes between two runs keeps them one run.
pub fn nonzero_runs(memory: &[u8], gap: usize) -> Vec<DataRun> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(start) = next_nonzero(memory, at) {
        let end = next_zero(memory, start);
        match spans.last_mut() {
            Some(last) if start - last.1 < gap => last.1 = end,
            _ => spans.push((start, end)),
        }
        at = end;
    }
    spans
        .into_iter()
        .map(|(start, end)| DataRun { offset: start as u64, bytes: memory[start..end].to_vec() })
        .collect()
}

/// Merges neighbouring runs, closest first, until there are at most `max` (at least one), filling
/// the gaps with zeros: a module may hold only so many data segments.
pub fn merge_to_at_most(runs: Vec<DataRun>, max: usize) -> Vec<DataRun> {
    let max = max.max(1);
    if runs.len() <= max {
        return runs;
    }
    // Merge every gap up to the one that leaves `max` runs.
    let mut gaps: Vec<u64> =
        runs.windows(2).map(|w| w[1].offset - (w[0].offset + w[0].bytes.len() as u64)).collect();
    gaps.sort_unstable();
    let threshold = gaps[runs.len() - max - 1];
    let mut merged: Vec<DataRun> = Vec::with_capacity(max);
    let mut fewer_needed = runs.len() - max;
    for run in runs {
        if let Some(last) = merged.last_mut() {
            let end = last.offset + last.bytes.len() as u64;
            let gap = run.offset - end;
            // Gaps below the threshold always merge; those equal to it only as many as needed.
            if gap < threshold || (gap == threshold && fewer_needed > 0) {
                last.bytes.resize(last.bytes.len() + gap as usize, 0);
                last.bytes.extend_from_slice(&run.bytes);
                fewer_needed = fewer_needed.saturating_sub(1);
                continue;
            }
        }
        merged.push(run);
    }
    merged
}

/// The index of the first byte at or after `at` that is not zero.
fn next_nonzero(memory: &[u8], mut at: usize) -> Option<usize> {
    // Eight bytes at a time through the zero pages that most of a memory is.
    while at + 8 <= memory.len() {
        let word = u64::from_ne_bytes(memory[at..at + 8].try_into().expect("eight bytes"));
        if word != 0 {
            break;
        }
        at += 8;
    }
    memory[at..].iter().position(|&b| b != 0).map(|i| at + i)
}

/// The index of the first zero byte at or after `at`, or the end.
fn next_zero(memory: &[u8], at: usize) -> usize {
    memory[at..].iter().position(|&b| b == 0).map_or(memory.len(), |i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(runs: &[DataRun]) -> Vec<(u64, usize)> {
        runs.iter().map(|r| (r.offset, r.bytes.len())).collect()
    }

    #[test]
    fn zero_memory_has_no_runs() {
        assert!(nonzero_runs(&[0; 100], 16).is_empty());
        assert!(nonzero_runs(&[], 16).is_empty());
    }

    #[test]
    fn runs_keep_exact_bytes_and_join_short_gaps() {
        let mut memory = vec![0u8; 200];
        memory[3] = 1;
        memory[5] = 2; // gap of 1: joined
        memory[40] = 3; // gap of 34: a new run
        memory[199] = 4; // the last byte
        let runs = nonzero_runs(&memory, 16);
        assert_eq!(spans(&runs), [(3, 3), (40, 1), (199, 1)]);
        assert_eq!(runs[0].bytes, [1, 0, 2]);
        let rebuilt = rebuild(&runs, memory.len());
        assert_eq!(rebuilt, memory);
    }

    #[test]
    fn merging_closes_the_smallest_gaps_first() {
        let mut memory = vec![0u8; 300];
        for at in [0, 100, 110, 200, 290] {
            memory[at] = 9;
        }
        let runs = nonzero_runs(&memory, 1);
        assert_eq!(runs.len(), 5);
        let merged = merge_to_at_most(runs.clone(), 3);
        assert_eq!(spans(&merged), [(0, 1), (100, 101), (290, 1)]);
        assert_eq!(rebuild(&merged, 300), memory);
        let one = merge_to_at_most(runs, 0);
        assert_eq!(spans(&one), [(0, 291)]);
        assert_eq!(rebuild(&one, 300), memory);
    }

    fn rebuild(runs: &[DataRun], len: usize) -> Vec<u8> {
        let mut memory = vec![0u8; len];
        for run in runs {
            let at = run.offset as usize;
            memory[at..at + run.bytes.len()].copy_from_slice(&run.bytes);
        }
        memory
    }
}
