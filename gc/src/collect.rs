//! The collector: precise, non-recursive mark-compact (Lisp-2 sliding), so it reclaims cycles
//! and leaves the live objects packed at the bottom of the heap in their allocation order.
//!
//! This is the *full* collection's checked path (`full` has the usual one, which falls back to
//! this when it finds a corrupt reference it cannot set aside); `minor` collects the young
//! generation alone. After a full
//! collection every survivor is old (`old_top` is the new top) and the remembered set is empty.
//!
//! 1. **Find objects**: walk the heap and note every object's start in a bitmap. A reference is
//!    followed only if it names such a start; any other (a corrupted field) is treated as null
//!    and overwritten with null, so garbage never makes the collector read outside the heap.
//! 2. **Mark** from the caller's roots (first `trace_roots` call) and the host's, with an explicit
//!    stack; the mark bit is bit 0 of the header's gc word.
//! 3. **Forward**: walk the heap; each live object's new offset (the sum of the live sizes before
//!    it) goes into its gc word beside the mark bit. Dead host boxes are noted.
//! 4. **Update** the roots (second `trace_roots` call), the host's roots and every traced field
//!    of every live object to the new offsets.
//! 5. **Slide** each live object down to its new offset and clear its gc word; `top` drops to the
//!    end of the live objects, and the space above it is zeroed: in place up to the soft limit
//!    (it is reused at once), by giving the pages back to the system above it.
//! 6. Drop the host values of dead boxes.

use std::time::Instant;

use crate::arena::Arena;
use crate::gc_ref::GcRef;
use crate::heap::{FIRST_OBJECT, HOST_BOX_TYPE, Heap, Types};
use crate::host::{HOST_BOX_SLOT_OFFSET, HostValue};
use crate::layout::HEADER_GC_WORD_OFFSET;
use crate::object::{for_each_ref_field, object_size};
use crate::roots::RootSet;

/// The mark bit in an object's gc word; the rest of the word is the forwarding offset.
pub(crate) const MARK: u32 = 1;

/// The collector's reusable buffers.
#[derive(Default)]
pub(crate) struct Collector {
    starts: Starts,
    pub(crate) stack: Vec<u32>,
    /// Slots of the host values of the boxes found dead.
    pub(crate) dead_boxes: Vec<u32>,
    /// The full collection's marks (`full`).
    pub(crate) marks: crate::full::MarkBits,
    /// The host-table slots of the boxes a full collection found alive.
    pub(crate) live_slots: Vec<u32>,
    /// A minor collection's marked young objects: offset in the high half, the gc word it
    /// replaced in the low one.
    pub(crate) survivors: Vec<u64>,
    /// The survivors' offsets in ascending order, and the bitmap that sorts them.
    pub(crate) order: Vec<u32>,
    pub(crate) order_bits: Vec<u64>,
    /// Old objects (at their offsets after a minor collection) that refer to young ones.
    pub(crate) to_remember: Vec<u32>,
}

/// Which offsets below `end` start an object.
#[derive(Default)]
struct Starts {
    bits: Vec<u64>,
    /// Where the walk ended: the top, or the first header that made no sense.
    end: u32,
}

impl Starts {
    /// Walks the heap from the first object to `top`, noting each object's start.
    fn find(&mut self, types: &Types, arena: &Arena, top: u32) {
        let words = (top as usize / 8).div_ceil(64);
        self.bits.clear();
        self.bits.resize(words, 0);
        if self.bits.capacity() > 4 * words.max(1024) {
            self.bits.shrink_to(words);
        }
        let mut off = FIRST_OBJECT;
        while off < top {
            let Some(size) = object_size(types, arena, off, top) else { break };
            let i = (off / 8) as usize;
            self.bits[i / 64] |= 1 << (i % 64);
            off += size;
        }
        self.end = off.min(top);
    }

    #[inline]
    fn contains(&self, off: u32) -> bool {
        if off >= self.end || !off.is_multiple_of(8) {
            return false;
        }
        let i = (off / 8) as usize;
        self.bits[i / 64] & (1 << (i % 64)) != 0
    }
}

pub(crate) fn gc_word(arena: &Arena, off: u32) -> u32 {
    arena.load(u64::from(off) + u64::from(HEADER_GC_WORD_OFFSET)).unwrap_or(0)
}

pub(crate) fn set_gc_word(arena: &mut Arena, off: u32, word: u32) {
    arena.store(u64::from(off) + u64::from(HEADER_GC_WORD_OFFSET), word);
}

/// Marks `r`'s object and queues it for scanning if it was not marked yet; `false` when `r`
/// names no object (to be replaced by null).
fn mark(arena: &mut Arena, starts: &Starts, stack: &mut Vec<u32>, r: GcRef) -> bool {
    let Some(off) = r.object() else { return true };
    if !starts.contains(off) {
        return false;
    }
    if gc_word(arena, off) & MARK == 0 {
        set_gc_word(arena, off, MARK);
        stack.push(off);
    }
    true
}

/// Where `r`'s object moves to (null for a reference to no live object); nulls and `i31`s are
/// returned unchanged.
fn forwarded(arena: &Arena, starts: &Starts, r: GcRef) -> GcRef {
    let Some(off) = r.object() else { return r };
    if !starts.contains(off) {
        return GcRef::NULL;
    }
    let word = gc_word(arena, off);
    if word & MARK == 0 { GcRef::NULL } else { GcRef::from_raw(word & !MARK) }
}

/// After the forward pass: the first live object at or after `off` (an object's start), hopping
/// over runs of dead ones by the end each run's first object holds; its offset and size. `None`
/// at `end`, or at a header that makes no sense.
fn next_live(types: &Types, arena: &Arena, mut off: u32, end: u32) -> Option<(u32, u32)> {
    while off < end {
        let word = gc_word(arena, off);
        if word & MARK != 0 {
            return object_size(types, arena, off, end).map(|size| (off, size));
        }
        if word <= off {
            return None;
        }
        off = word;
    }
    None
}

/// Replaces the reference stored at `at` with `f` of it (when it changes).
pub(crate) fn rewrite_field(
    arena: &mut Arena,
    at: u64,
    f: impl FnOnce(&mut Arena, GcRef) -> GcRef,
) {
    let old = GcRef::from_raw(arena.load::<u32>(at).unwrap_or(0));
    let new = f(arena, old);
    if new != old {
        arena.store(at, new.raw());
    }
}

impl Heap {
    /// Collects garbage now (a full collection): frees every object not reachable from `roots`
    /// or the host's roots, and compacts the rest (objects move: `roots` and the host's roots
    /// are updated).
    pub fn collect(&mut self, roots: &mut dyn RootSet) {
        // The gc words are the collector's now; and every object is collected, so no old one
        // needs remembering.
        self.forget_remembered();
        // The usual path visits only the live objects (`full`); the checked one runs when that
        // finds overlapping objects, and under zeal every other time, so both stay exercised.
        let checked = self.zeal() && self.stats.full_collections % 2 == 1;
        if checked || !self.compact_live(roots) {
            self.compact(roots);
        }
        self.stats.full_collections += 1;
    }

    /// The mark-compact collection of the whole heap.
    fn compact(&mut self, roots: &mut dyn RootSet) {
        let started = Instant::now();
        let old_top = self.bump.top();
        self.host_roots.sweep();

        let Heap { arena, types, collector, host_roots, .. } = self;
        let Collector { starts, stack, dead_boxes, .. } = collector;
        starts.find(types, arena, old_top);

        // Mark.
        let mut visit = |slot: &mut GcRef| {
            if !mark(arena, starts, stack, *slot) {
                *slot = GcRef::NULL;
            }
        };
        roots.trace_roots(&mut visit);
        host_roots.for_each_mut(&mut visit);
        while let Some(off) = stack.pop() {
            for_each_ref_field(types, arena, off, |arena, at| {
                rewrite_field(arena, at, |arena, r| {
                    if mark(arena, starts, stack, r) { r } else { GcRef::NULL }
                });
            });
        }

        // Forward. The first object of each run of dead ones gets, in its GC word, the offset
        // where the run ends (a live object, or the end of the walk), so that the two walks
        // after this one step over the dead in one hop: they cost what the live objects do.
        dead_boxes.clear();
        let mut to = FIRST_OBJECT;
        let mut off = FIRST_OBJECT;
        let mut dead_run: Option<u32> = None;
        while off < starts.end {
            let Some(size) = object_size(types, arena, off, starts.end) else { break };
            if gc_word(arena, off) & MARK != 0 {
                if let Some(head) = dead_run.take() {
                    set_gc_word(arena, head, off);
                }
                set_gc_word(arena, off, to | MARK);
                to += size;
            } else {
                if arena.load::<u32>(u64::from(off)) == Some(HOST_BOX_TYPE) {
                    let slot = HOST_BOX_SLOT_OFFSET;
                    dead_boxes.extend(arena.load::<u32>(u64::from(off) + u64::from(slot)));
                }
                dead_run.get_or_insert(off);
            }
            off += size;
        }
        let walked = off;
        if let Some(head) = dead_run {
            set_gc_word(arena, head, walked);
        }
        let new_top = to;

        // Update.
        let mut update = |slot: &mut GcRef| *slot = forwarded(arena, starts, *slot);
        roots.trace_roots(&mut update);
        host_roots.for_each_mut(&mut update);
        let mut off = FIRST_OBJECT;
        while let Some((at, size)) = next_live(types, arena, off, walked) {
            for_each_ref_field(types, arena, at, |arena, field| {
                rewrite_field(arena, field, |arena, r| forwarded(arena, starts, r));
            });
            off = at + size;
        }

        // Slide. Each object moves down to below where the next one starts, so the headers still
        // to be read (and the dead runs' ends) are intact.
        let mut off = FIRST_OBJECT;
        while let Some((at, size)) = next_live(types, arena, off, walked) {
            let dest = gc_word(arena, at) & !MARK;
            if dest != at {
                arena.copy(u64::from(at), u64::from(dest), u64::from(size));
            }
            set_gc_word(arena, dest, 0);
            off = at + size;
        }
        self.finish_full(old_top, new_top, started);
    }

    /// The end of a full collection that left the live objects below `new_top` (the top was
    /// `old_top`): the space above is zeroed or given back, dead host values dropped, and the
    /// generations and limits start again.
    pub(crate) fn finish_full(&mut self, old_top: u32, new_top: u32, started: Instant) {
        // The space the next objects go to must read as zero: below the soft limit it is
        // reused at once, so zero it in place; above it, hand the pages back (they read as zero
        // when touched again).
        let old_soft = self.soft_limit;
        let keep = self.shrink_soft_limit(new_top).max(new_top) as usize;
        let arena = &mut self.arena;
        arena.zero_range(new_top as usize, (old_top as usize).min(keep));
        arena.release(keep, old_top.max(old_soft) as usize);

        if self.collector.stack.capacity() > 1 << 20 {
            self.collector.stack.shrink_to(1 << 16);
        }
        let dead = self.take_dead_boxes();
        self.nursery_paused = false;
        self.grow_fast = u64::from(new_top) * 2 > u64::from(old_top);
        self.young_boxes.clear();
        self.finish_collection(old_top, new_top, new_top, started);
        drop(dead);
    }
}

impl Heap {
    /// The host values of the boxes found dead, out of the table (dropped by the caller once
    /// the heap is consistent: a value's `Drop` may do anything).
    pub(crate) fn take_dead_boxes(&mut self) -> Vec<HostValue> {
        let Heap { collector, host_values, .. } = self;
        collector.dead_boxes.drain(..).filter_map(|slot| host_values.remove(slot)).collect()
    }

    /// The bookkeeping every collection ends with: `new_top` is the top, `old_end` the old
    /// generation's end (the objects from it to the top have aged once), the limit is reset,
    /// the counters move on.
    pub(crate) fn finish_collection(
        &mut self,
        old_top: u32,
        new_top: u32,
        old_end: u32,
        started: Instant,
    ) {
        self.bump.set_top(new_top);
        self.bump.set_old_top(old_end);
        self.aged_top = new_top;
        self.reset_limit();
        self.allocated_before += u64::from(old_top - self.top_after_gc);
        self.top_after_gc = new_top;
        self.stats.live_bytes = u64::from(new_top - FIRST_OBJECT);
        self.record_pause(started.elapsed());
    }
}
