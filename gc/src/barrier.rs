//! The write barrier: which old objects may hold references to young ones.
//!
//! A minor collection traces only the young generation (the objects from `Bump::old_top` to
//! the top), taking every old object as live. It finds the young objects that old ones keep
//! alive through the *remembered set*: every old object into which a reference to a young object
//! was stored since the last collection. Each store of a reference into an object goes through
//! the barrier ([`Heap::write_barrier`]: the heap's own accessors call it; compiled code tests
//! the same condition inline and calls a builtin only when it holds). An object is remembered
//! once per cycle: the `REMEMBERED` bit of its gc word says it is in the set. A full collection
//! empties the set (everything is old after it); a minor one rebuilds it, keeping the old objects
//! that still refer to young ones (survivors that have aged once stay young).

use crate::gc_ref::GcRef;
use crate::heap::Heap;
use crate::layout::HEADER_GC_WORD_OFFSET;

/// The bit of an old object's gc word (between collections) that says it is remembered. The
/// collector's mark bit is bit 0; forwarding offsets are multiples of 8.
pub(crate) const REMEMBERED: u32 = 2;

impl Heap {
    /// Records, if needed, that reference `value` was stored into object `obj`: when `obj` is
    /// old and `value` names a young object, `obj` joins the remembered set. Cheap when it does
    /// not apply (two comparisons). Whoever stores references into objects other than through
    /// this heap's accessors must call it after the store.
    #[inline]
    pub fn write_barrier(&mut self, obj: GcRef, value: GcRef) {
        let old_top = self.bump.old_top();
        if obj.raw() < old_top && value.raw() >= old_top && !value.is_i31() {
            self.remember(obj);
        }
    }

    /// Adds old object `obj` to the remembered set (once; nothing for a young object, null, an
    /// `i31` or an offset that names no object's header). For stores whose values are not
    /// checked one by one (bulk copies into arrays of references), and for compiled code's
    /// barrier, which has checked the condition itself.
    pub fn remember(&mut self, obj: GcRef) {
        let Some(off) = obj.object() else { return };
        if off >= self.bump.old_top() || !off.is_multiple_of(8) {
            return;
        }
        let word_at = u64::from(off) + u64::from(HEADER_GC_WORD_OFFSET);
        let Some(word) = self.arena.load::<u32>(word_at) else { return };
        if word & REMEMBERED == 0 {
            self.arena.store(word_at, word | REMEMBERED);
            self.remembered.push(off);
        }
    }

    /// Empties the remembered set, clearing its objects' bits (after a collection, or before a
    /// full one reuses the gc words).
    pub(crate) fn forget_remembered(&mut self) {
        for &off in &self.remembered {
            let word_at = u64::from(off) + u64::from(HEADER_GC_WORD_OFFSET);
            if let Some(word) = self.arena.load::<u32>(word_at) {
                self.arena.store(word_at, word & !REMEMBERED);
            }
        }
        self.remembered.clear();
        if self.remembered.capacity() > 1 << 16 {
            self.remembered.shrink_to(1 << 12);
        }
    }

    /// How many objects the remembered set holds (for tests and statistics).
    pub fn remembered_len(&self) -> usize {
        self.remembered.len()
    }
}
