//! What the heap reports about its activity.

use std::time::Duration;

/// Counters of a heap's activity, from [`Heap::stats`](crate::Heap::stats).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Collections so far, minor and full.
    pub collections: u64,
    /// Full collections so far (the others were minor: the young generation only).
    pub full_collections: u64,
    /// Bytes of young objects that survived a minor collection (and so became old), in all.
    pub promoted_bytes: u64,
    /// Bytes of every object allocated so far, inline or not.
    pub bytes_allocated_total: u64,
    /// Bytes of the objects that survived the last collection (after a minor one: the old
    /// generation, garbage or not, and the survivors promoted into it).
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
