//! The full collection's usual path: marks in a bitmap and visits only the live objects, so its
//! cost follows the live data, not the heap's size.
//!
//! The checked path (`collect::compact`) walks the whole heap twice — once to note every
//! object's start, so that a reference can be checked against them, and once to forward — which
//! on a heap mostly of garbage costs more than everything else together (two thirds of a full
//! collection on binary trees). This path instead:
//!
//! 1. **Marks** into a bitmap of the heap (one bit per 8 bytes), writing nothing into objects. A
//!    reference is followed only if it is aligned, between the first object and the top, and
//!    names a header of a known type whose object fits below the top; any other is left unmarked
//!    (and becomes null in step 4, as the checked path makes it).
//! 2. **Checks** the marked objects in offset order (a scan of the bitmap): each must end before
//!    the next begins. Overlap means a corrupt reference pointed into the middle of an object at
//!    bytes that looked like a header; the bitmap is dropped and the checked path runs instead.
//!    Nothing was written yet, so it starts from the heap as it was. (A corrupt reference into
//!    a dead object's bytes that look like a whole object makes that object live: harmless, as
//!    it lies in the heap and has a known type.)
//! 3. **Forwards** each marked object (its new offset in its gc word), noting the host boxes
//!    still alive; every other box in the host table is dead.
//! 4. **Updates** the roots and the traced fields of the marked objects, then **slides** them
//!    down, as the checked path does.

use std::time::Instant;

use crate::arena::Arena;
use crate::collect::{MARK, gc_word, rewrite_field, set_gc_word};
use crate::gc_ref::GcRef;
use crate::heap::{FIRST_OBJECT, HOST_BOX_TYPE, Heap, Types};
use crate::host::HOST_BOX_SLOT_OFFSET;
use crate::object::{for_each_ref_field, object_size};
use crate::roots::RootSet;

/// Marks of the heap below `top`: bit `i` for the object whose header is at `8 * i`.
#[derive(Default)]
pub(crate) struct MarkBits {
    words: Vec<u64>,
    top: u32,
}

impl MarkBits {
    fn reset(&mut self, top: u32) {
        let n = (top as usize / 8).div_ceil(64);
        self.words.clear();
        self.words.resize(n, 0);
        if self.words.capacity() > 4 * n.max(1024) {
            self.words.shrink_to(n);
        }
        self.top = top;
    }

    /// Sets the bit of `off` (aligned, below the top); whether it was clear.
    #[inline]
    fn set(&mut self, off: u32) -> bool {
        let i = (off / 8) as usize;
        let (word, bit) = (&mut self.words[i / 64], 1u64 << (i % 64));
        let was_clear = *word & bit == 0;
        *word |= bit;
        was_clear
    }

    #[inline]
    fn get(&self, off: u32) -> bool {
        if off >= self.top || !off.is_multiple_of(8) {
            return false;
        }
        let i = (off / 8) as usize;
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// The marked offsets, ascending.
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(((w * 64 + bit) * 8) as u32)
            })
        })
    }
}

/// `r`'s offset if it names a plausible object: aligned, from the first object to the top, a
/// known type whose object fits below the top.
#[inline]
fn plausible(types: &Types, arena: &Arena, top: u32, r: GcRef) -> Option<u32> {
    let off = r.object()?;
    let inside = off >= FIRST_OBJECT && off < top && off.is_multiple_of(8);
    (inside && object_size(types, arena, off, top).is_some()).then_some(off)
}

impl Heap {
    /// The full collection through the mark bitmap; `false`, with nothing changed, when marked
    /// objects overlap and the checked path must run.
    pub(crate) fn compact_live(&mut self, roots: &mut dyn RootSet) -> bool {
        let started = Instant::now();
        let top = self.bump.top();
        self.host_roots.sweep();
        let Heap { arena, types, collector, host_roots, .. } = self;
        let (bits, stack) = (&mut collector.marks, &mut collector.stack);
        bits.reset(top);

        // Marking writes nothing into the heap: should the check below fail, the checked path
        // starts from the heap as it was. References that name no plausible object are nulled
        // by the update, which finds them unmarked.
        let mark = |arena: &Arena, bits: &mut MarkBits, stack: &mut Vec<u32>, r: GcRef| {
            if let Some(off) = plausible(types, arena, top, r)
                && bits.set(off)
            {
                stack.push(off);
            }
        };
        let mut visit = |slot: &mut GcRef| mark(arena, bits, stack, *slot);
        roots.trace_roots(&mut visit);
        host_roots.for_each_mut(&mut visit);
        while let Some(off) = stack.pop() {
            for_each_ref_field(types, arena, off, |arena, at| {
                let r = GcRef::from_raw(arena.load::<u32>(at).unwrap_or(0));
                mark(arena, bits, stack, r);
            });
        }

        // Check: the marked objects, in order, must not overlap.
        let mut end = FIRST_OBJECT;
        for off in bits.iter() {
            match object_size(types, arena, off, top) {
                Some(size) if off >= end => end = off + size,
                _ => return false,
            }
        }

        // Forward, noting the boxes still alive.
        let live_slots = &mut collector.live_slots;
        live_slots.clear();
        let mut to = FIRST_OBJECT;
        for off in bits.iter() {
            let size = object_size(types, arena, off, top).unwrap_or(0);
            if arena.load::<u32>(u64::from(off)) == Some(HOST_BOX_TYPE) {
                let slot = arena.load::<u32>(u64::from(off) + u64::from(HOST_BOX_SLOT_OFFSET));
                live_slots.extend(slot);
            }
            set_gc_word(arena, off, to | MARK);
            to += size;
        }
        let new_top = to;
        let collector = &mut self.collector;
        collector.dead_boxes.clear();
        self.host_values.dead_slots(&self.collector.live_slots, &mut self.collector.dead_boxes);

        // Update.
        let Heap { arena, types, collector, host_roots, .. } = self;
        let bits = &collector.marks;
        let forwarded = |arena: &Arena, r: GcRef| match r.object() {
            Some(off) if bits.get(off) => GcRef::from_raw(gc_word(arena, off) & !MARK),
            Some(_) => GcRef::NULL,
            None => r,
        };
        let mut update = |slot: &mut GcRef| *slot = forwarded(arena, *slot);
        roots.trace_roots(&mut update);
        host_roots.for_each_mut(&mut update);
        for off in bits.iter() {
            for_each_ref_field(types, arena, off, |arena, field| {
                rewrite_field(arena, field, |arena, r| forwarded(arena, r));
            });
        }

        // Slide, in offset order: each object moves to at or below where it was and above where
        // the ones before it went.
        for off in bits.iter() {
            let size = object_size(types, arena, off, top).unwrap_or(0);
            let dest = gc_word(arena, off) & !MARK;
            if dest != off {
                arena.copy(u64::from(off), u64::from(dest), u64::from(size));
            }
            set_gc_word(arena, dest, 0);
        }
        self.finish_full(top, new_top, started);
        true
    }
}
