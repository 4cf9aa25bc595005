//! What the heap reports about its activity.

use std::time::Duration;

/// Counters of a heap's activity, from [`Heap::stats`](crate::Heap::stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Collections so far.
    pub collections: u64,
    /// Bytes of every object allocated so far, inline or not.
    pub bytes_allocated_total: u64,
    /// Bytes of the objects that survived the last collection.
    pub live_bytes: u64,
    /// The soft limit: bytes the heap may fill before it collects (all of it committed).
    pub heap_bytes: u64,
    /// Time spent collecting, in all.
    pub total_pause: Duration,
    /// The longest collection.
    pub max_pause: Duration,
    /// The last collection.
    pub last_pause: Duration,
}
