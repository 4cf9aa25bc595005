//! The minor collection: the young generation alone (the objects from `old_top` to the top), in
//! time proportional to what survives, not to what was allocated.
//!
//! Objects age once before they are promoted: the survivors of a minor collection stay young
//! (packed at the bottom of the young generation, below `aged_top`), and only those that survive
//! a second one become old. A structure that happens to be live at one collection but dies soon
//! after (a tree being built, a buffer being filled) is then freed young instead of filling the
//! old generation until the next full collection. The remembered set is rebuilt as the
//! references are rewritten: an old object (newly promoted or remembered before) keeps or gets
//! its place when it still refers to a young one.
//!
//! Every old object is taken as live: nothing below `old_top` is marked, moved or freed. The
//! roots are the caller's, the host's and the fields of the remembered old objects (see
//! `barrier`). Marking notes each young object it reaches (with the gc word it replaced); put in
//! offset order (through a bitmap of the generation), these survivors get their new offsets packed from `old_top` up, in allocation
//! order; the references to them are rewritten; each slides down; and the space above the new
//! top is zeroed. Dead objects are never visited, so a nursery of short-lived objects costs
//! little more than zeroing its memory.
//!
//! A reference into the young generation is followed only if it is aligned, below the top and
//! names a header of a known type whose object fits below the top; survivors that overlap (a
//! corrupt reference into the middle of an object) abandon the minor collection: the marks are
//! undone and a full collection, which checks every reference against a walk of the heap, runs
//! instead. Either way no access leaves the heap.

use std::time::Instant;

use crate::arena::Arena;
use crate::collect::{MARK, gc_word, rewrite_field, set_gc_word};
use crate::gc_ref::GcRef;
use crate::heap::{FIRST_OBJECT, HOST_BOX_TYPE, Heap, Types};
use crate::host::HOST_BOX_SLOT_OFFSET;
use crate::object::{for_each_ref_field, object_size};
use crate::roots::RootSet;

/// The young generation's bounds during a minor collection.
#[derive(Clone, Copy)]
struct Young {
    from: u32,
    /// Objects in `[from, aged)` survived a collection already: they are promoted if they
    /// survive this one.
    aged: u32,
    top: u32,
}

impl Young {
    /// `r`'s offset if it names an object of the young generation (checked as the module
    /// documentation says).
    #[inline]
    fn object(self, types: &Types, arena: &Arena, r: GcRef) -> Option<u32> {
        let off = r.object()?;
        let inside = off >= self.from && off < self.top && off.is_multiple_of(8);
        (inside && object_size(types, arena, off, self.top).is_some()).then_some(off)
    }

    /// Marks `r`'s object if it is young and unmarked, noting it as a survivor and queueing
    /// it for scanning. `false` when `r` points into the young generation at no object, or
    /// below the first object (to be replaced by null); an old object is taken as it is.
    fn mark(
        self,
        types: &Types,
        arena: &mut Arena,
        stack: &mut Vec<u32>,
        survivors: &mut Vec<u64>,
        r: GcRef,
    ) -> bool {
        let Some(raw) = r.object() else { return true };
        if raw < self.from && raw >= FIRST_OBJECT {
            return true;
        }
        let Some(off) = self.object(types, arena, r) else { return false };
        let word = gc_word(arena, off);
        if word & MARK == 0 {
            set_gc_word(arena, off, MARK);
            survivors.push(u64::from(off) << 32 | u64::from(word));
            stack.push(off);
        }
        true
    }

    /// Where `r`'s object moves to: unchanged when it is old, null, an `i31` or not a survivor.
    #[inline]
    fn forwarded(self, arena: &Arena, r: GcRef) -> GcRef {
        match r.object() {
            Some(off) if off >= self.from && off < self.top => {
                let word = gc_word(arena, off);
                if word & MARK == 0 { GcRef::NULL } else { GcRef::from_raw(word & !MARK) }
            }
            _ => r,
        }
    }
}

impl Heap {
    /// Collects the young generation only (a minor collection): frees the young objects not
    /// reachable from `roots`, the host's roots or a remembered old object, and slides the rest
    /// down onto the old generation (those that had survived one minor collection already
    /// become old; the others have aged once). Old objects are neither freed nor moved.
    /// Without generations (a nursery of 0), a full collection.
    pub fn collect_minor(&mut self, roots: &mut dyn RootSet) {
        if self.nursery == 0 {
            return self.collect(roots);
        }
        let started = Instant::now();
        let from = self.bump.old_top();
        let young =
            Young { from, aged: self.aged_top.clamp(from, self.bump.top()), top: self.bump.top() };
        self.host_roots.sweep();
        if !self.mark_young(young, roots) {
            return self.collect(roots);
        }
        let (new_top, old_end) = self.forward_young(young, roots);
        self.slide_young(young);
        self.arena.zero_range(new_top as usize, young.top as usize);
        self.forget_remembered();
        // The promoted objects are below the new `old_top`: `remember` takes them.
        self.bump.set_old_top(old_end);
        let to_remember = std::mem::take(&mut self.collector.to_remember);
        for &off in &to_remember {
            self.remember(GcRef::from_raw(off));
        }
        self.collector.to_remember = to_remember;

        let dead = self.take_dead_boxes();
        let allocated = u64::from(young.top - young.aged);
        let survived = u64::from(new_top - old_end);
        let worth_judging = !self.zeal() && allocated >= u64::from(self.nursery / 2);
        self.nursery_paused = worth_judging && survived * 4 >= allocated * 3;
        self.stats.promoted_bytes += u64::from(old_end - from);
        self.finish_collection(young.top, new_top, old_end, started);
        drop(dead);
    }

    /// Marks the young objects reachable from the roots; `false` (marks undone) when two
    /// survivors overlap.
    fn mark_young(&mut self, young: Young, roots: &mut dyn RootSet) -> bool {
        let Heap { arena, types, collector, host_roots, remembered, .. } = self;
        let (stack, survivors) = (&mut collector.stack, &mut collector.survivors);
        survivors.clear();
        let mut visit = |slot: &mut GcRef| {
            if !young.mark(types, arena, stack, survivors, *slot) {
                *slot = GcRef::NULL;
            }
        };
        roots.trace_roots(&mut visit);
        host_roots.for_each_mut(&mut visit);
        let scan = |arena: &mut Arena, off: u32, stack: &mut Vec<u32>, survivors: &mut _| {
            for_each_ref_field(types, arena, off, |arena, at| {
                rewrite_field(arena, at, |arena, r| {
                    if young.mark(types, arena, stack, survivors, r) { r } else { GcRef::NULL }
                });
            });
        };
        for &off in remembered.iter() {
            scan(arena, off, stack, survivors);
        }
        while let Some(off) = stack.pop() {
            scan(arena, off, stack, survivors);
        }
        let order = &mut collector.order;
        in_offset_order(&mut collector.order_bits, order, survivors, young);
        let mut end = young.from;
        for &off in order.iter() {
            let size = object_size(types, arena, off, young.top).unwrap_or(u32::MAX);
            if off < end || size == u32::MAX {
                for &s in survivors.iter().rev() {
                    set_gc_word(arena, (s >> 32) as u32, s as u32);
                }
                survivors.clear();
                order.clear();
                return false;
            }
            end = off + size;
        }
        true
    }

    /// Gives each survivor its new offset (in its gc word, beside the mark bit), notes the dead
    /// host boxes, and rewrites every reference to a survivor: in the roots, the remembered
    /// objects and the survivors themselves; notes (in `to_remember`) the old objects that refer
    /// to young ones afterwards. Returns the new top and the new end of the old generation (the
    /// aged survivors' end).
    fn forward_young(&mut self, young: Young, roots: &mut dyn RootSet) -> (u32, u32) {
        let Heap { arena, types, collector, host_roots, remembered, young_boxes, .. } = self;
        let mut to = young.from;
        let mut old_end = young.from;
        for &off in collector.order.iter() {
            let size = object_size(types, arena, off, young.top).unwrap_or(0);
            set_gc_word(arena, off, to | MARK);
            to += size;
            if off < young.aged {
                old_end = to;
            }
        }
        collector.dead_boxes.clear();
        for &off in young_boxes.iter() {
            let is_box = arena.load::<u32>(u64::from(off)) == Some(HOST_BOX_TYPE);
            if is_box && gc_word(arena, off) & MARK == 0 {
                let slot = arena.load::<u32>(u64::from(off) + u64::from(HOST_BOX_SLOT_OFFSET));
                collector.dead_boxes.extend(slot);
            }
        }
        young_boxes.clear();

        let mut update = |slot: &mut GcRef| *slot = young.forwarded(arena, *slot);
        roots.trace_roots(&mut update);
        host_roots.for_each_mut(&mut update);
        let to_remember = &mut collector.to_remember;
        to_remember.clear();
        let moved = collector.order.iter().copied();
        for off in remembered.iter().copied().chain(moved) {
            // Where the object is after the slide (the remembered ones stay where they are).
            let dest = if off < young.from { off } else { gc_word(arena, off) & !MARK };
            let mut refers_young = false;
            for_each_ref_field(types, arena, off, |arena, field| {
                rewrite_field(arena, field, |arena, r| {
                    let new = young.forwarded(arena, r);
                    refers_young |= new.raw() >= old_end && !new.is_i31();
                    new
                });
            });
            if dest < old_end && refers_young {
                to_remember.push(dest);
            }
        }
        (to, old_end)
    }

    /// Moves each survivor down to its new offset (in offset order: each moves to at or below
    /// where it was, and above where the ones before it went) and clears its gc word.
    fn slide_young(&mut self, young: Young) {
        let Heap { arena, types, collector, .. } = self;
        for &off in collector.order.iter() {
            let size = object_size(types, arena, off, young.top).unwrap_or(0);
            let dest = gc_word(arena, off) & !MARK;
            if dest != off {
                arena.copy(u64::from(off), u64::from(dest), u64::from(size));
            }
            set_gc_word(arena, dest, 0);
        }
        collector.survivors.clear();
        collector.order.clear();
        if collector.survivors.capacity() > 1 << 20 {
            collector.survivors.shrink_to(1 << 16);
            collector.order.shrink_to(1 << 16);
        }
    }
}

/// Puts the offsets of `survivors` (young objects, each once) into `order`, ascending, through
/// a bitmap of the young generation, one bit per 8 bytes: its cost is the survivors plus a scan
/// of one word per 512 bytes of the generation, where sorting them cost `n log n` (a tenth of
/// a binary-trees run went to that sort).
fn in_offset_order(bits: &mut Vec<u64>, order: &mut Vec<u32>, survivors: &[u64], young: Young) {
    let words = ((young.top - young.from) as usize / 8).div_ceil(64);
    bits.clear();
    bits.resize(words, 0);
    if bits.capacity() > 4 * words.max(1024) {
        bits.shrink_to(words);
    }
    for &s in survivors {
        let i = (((s >> 32) as u32 - young.from) / 8) as usize;
        bits[i / 64] |= 1 << (i % 64);
    }
    order.clear();
    for (w, &word) in bits.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            let bit = rest.trailing_zeros() as usize;
            order.push(young.from + ((w * 64 + bit) * 8) as u32);
            rest &= rest - 1;
        }
    }
}
