//! The heap: its configuration, type table, bump allocation and the slow path that collects and
//! grows.
//!
//! Allocation bumps `top` up to `limit`: a nursery above the top the last collection left (within
//! the soft limit), the soft limit itself without generations, or `top` in zeal mode. When an
//! object does not fit, the slow path runs a minor collection (`minor`) if that leaves room for it
//! and a quarter of a nursery below the soft limit; otherwise a full collection, then it doubles
//! the soft limit while the live bytes plus the request exceed half of it (a quarter while the
//! live data grows; never past the quota), then allocates or reports the quota error. So after a
//! full collection at least half the soft limit is free (unless the quota stops the growth), and
//! collection work stays proportional to allocation. A collection that
//! leaves the live objects filling an eighth of the soft limit or less halves it (down to the
//! initial size), and gives the pages above it back to the system. Memory in `[top, limit)` is always zero, so a new object is zero-filled — every
//! field null or 0 — once its header is written.

use std::time::Duration;

use crate::arena::Arena;
use crate::bump::{Bump, BumpCell};
use crate::collect::Collector;
use crate::error::GcError;
use crate::gc_ref::GcRef;
use crate::host::HostValues;
use crate::layout::{ARRAY_LEN_OFFSET, HEADER_GC_WORD_OFFSET, HEADER_TYPE_OFFSET, Layout};
use crate::roots::{HostRoots, RootSet};
use crate::stats::GcStats;

/// The type id of the heap's boxes for host values (`externref`); never a caller's type.
pub const HOST_BOX_TYPE: u32 = u32::MAX;
/// The largest heap: offsets, and the sizes added to them, must fit a `u32`.
pub const MAX_HEAP_BYTES: u64 = (1 << 32) - (1 << 16);
/// Offset of the first object (offset 0 is null, so no object lives there).
pub const FIRST_OBJECT: u32 = 8;
/// The young generation's default size.
pub const DEFAULT_NURSERY_BYTES: u64 = 4 << 20;

/// How big a heap may grow and how it behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeapConfig {
    /// The quota: the heap never holds more than this many bytes (at most [`MAX_HEAP_BYTES`];
    /// larger values are capped). This much address space is reserved up front.
    pub max_bytes: u64,
    /// The soft limit to start with: how much is allocated before the first collection.
    pub initial_bytes: u64,
    /// Stress mode: every allocation collects first (every allocation takes the slow path),
    /// minor and full collections in turn.
    pub zeal: bool,
    /// The young generation's size: how much is allocated between minor collections. 0 turns
    /// the generations off (every collection is a full one).
    pub nursery_bytes: u64,
}

impl Default for HeapConfig {
    /// A 1 GiB quota, 1 MiB to start with, a nursery of [`DEFAULT_NURSERY_BYTES`], no zeal.
    fn default() -> HeapConfig {
        HeapConfig {
            max_bytes: 1 << 30,
            initial_bytes: 1 << 20,
            zeal: false,
            nursery_bytes: DEFAULT_NURSERY_BYTES,
        }
    }
}

/// The layouts by type id.
#[derive(Default)]
pub(crate) struct Types(Vec<Option<Layout>>);

static HOST_BOX_LAYOUT: Layout = Layout::HostBox;

impl Types {
    #[inline]
    pub fn get(&self, type_id: u32) -> Option<&Layout> {
        if type_id == HOST_BOX_TYPE {
            return Some(&HOST_BOX_LAYOUT);
        }
        self.0.get(type_id as usize)?.as_ref()
    }
}

/// A managed heap of WebAssembly GC objects and host boxes.
pub struct Heap {
    pub(crate) arena: Arena,
    pub(crate) bump: BumpCell,
    pub(crate) types: Types,
    pub(crate) host_roots: HostRoots,
    pub(crate) host_values: HostValues,
    pub(crate) collector: Collector,
    pub(crate) stats: GcStats,
    /// The quota in bytes (capped at `MAX_HEAP_BYTES`).
    quota: u64,
    /// The most `top` may reach: the quota rounded down to 8.
    usable: u32,
    /// Allocation limit outside zeal mode; `<= usable` and committed.
    pub(crate) soft_limit: u32,
    /// The soft limit to start with, and the least it shrinks to.
    min_soft_limit: u32,
    /// The most the soft limit may grow to, set by the heap's owner (`set_budget`).
    budget: u64,
    zeal: bool,
    /// The young generation's size (0: no generations).
    pub(crate) nursery: u32,
    /// Set when most of the young generation survived its last minor collection (the program
    /// is building long-lived data: collecting it young is wasted work): allocation then runs up
    /// to the soft limit, and the next collection is a full one, which clears this.
    pub(crate) nursery_paused: bool,
    /// Set when more than half the heap survived the last full collection (the live data is
    /// growing): the soft limit then grows to four times the live data instead of twice, so
    /// that full collections stay rare.
    pub(crate) grow_fast: bool,
    /// Old objects that may hold references to young ones (see `barrier`).
    pub(crate) remembered: Vec<u32>,
    /// The end of the objects that survived one minor collection (from `old_top`): the next
    /// promotes those that survive it too.
    pub(crate) aged_top: u32,
    /// The host boxes allocated since the last collection (a minor collection frees the dead
    /// ones' host values without walking the young generation).
    pub(crate) young_boxes: Vec<u32>,
    /// Bytes allocated before the last collection started, and `top` when it ended: what was
    /// allocated since is `top - top_after_gc` (however it was allocated, inline or not).
    pub(crate) allocated_before: u64,
    pub(crate) top_after_gc: u32,
}

impl std::fmt::Debug for Heap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Heap")
            .field("base", &self.arena.base())
            .field("top", &self.bump.top())
            .field("limit", &self.bump.limit())
            .field("soft_limit", &self.soft_limit)
            .field("quota", &self.quota)
            .finish_non_exhaustive()
    }
}

impl Heap {
    /// Reserves the heap's address space (the whole quota) and commits its initial part.
    pub fn new(config: HeapConfig) -> Result<Heap, GcError> {
        let quota = config.max_bytes.min(MAX_HEAP_BYTES);
        let usable = (quota & !7) as u32;
        let mut arena = Arena::new(usable.max(FIRST_OBJECT) as usize)?;
        let initial = config.initial_bytes.max(64 << 10).min(u64::from(usable)) & !7;
        let soft_limit = (initial as u32).max(FIRST_OBJECT);
        arena.commit(soft_limit as usize)?;
        let nursery = config.nursery_bytes.min(u64::from(usable)) as u32 & !7;
        let limit = if config.zeal { FIRST_OBJECT } else { soft_limit };
        let bump = BumpCell::new(Bump {
            base: arena.base(),
            top: FIRST_OBJECT,
            limit,
            old_top: FIRST_OBJECT,
        });
        let mut heap = Heap {
            arena,
            bump,
            types: Types::default(),
            host_roots: HostRoots::default(),
            host_values: HostValues::default(),
            collector: Collector::default(),
            stats: GcStats::default(),
            quota,
            usable,
            soft_limit,
            min_soft_limit: soft_limit,
            budget: u64::MAX,
            zeal: config.zeal,
            nursery,
            nursery_paused: false,
            grow_fast: false,
            remembered: Vec::new(),
            young_boxes: Vec::new(),
            aged_top: FIRST_OBJECT,
            allocated_before: 0,
            top_after_gc: FIRST_OBJECT,
        };
        heap.stats.heap_bytes = u64::from(soft_limit);
        heap.reset_limit();
        Ok(heap)
    }

    /// Gives type id `type_id` its layout. Idempotent: a type id keeps the first layout it was
    /// given (objects already allocated depend on it). Type ids are dense engine-wide indices:
    /// the table grows to the largest one.
    ///
    /// Panics for [`HOST_BOX_TYPE`] or a [`Layout::HostBox`], which only the heap uses.
    pub fn define(&mut self, type_id: u32, layout: Layout) {
        assert!(
            type_id != HOST_BOX_TYPE && layout != Layout::HostBox,
            "the host box type is the heap's own"
        );
        let table = &mut self.types.0;
        if table.len() <= type_id as usize {
            table.resize_with(type_id as usize + 1, || None);
        }
        let slot = &mut table[type_id as usize];
        match slot {
            Some(old) => debug_assert_eq!(*old, layout, "type id {type_id} redefined"),
            None => *slot = Some(layout),
        }
    }

    /// The layout of `type_id`, if defined ([`HOST_BOX_TYPE`] answers [`Layout::HostBox`]).
    pub fn layout(&self, type_id: u32) -> Option<&Layout> {
        self.types.get(type_id)
    }

    /// The heap's base address: a `GcRef`'s object is at `base + offset`. Never changes.
    pub fn base(&self) -> *mut u8 {
        self.arena.base()
    }

    /// The bump allocator's state, for compiled code's inline allocation (fields at
    /// [`BUMP_TOP_OFFSET`](crate::BUMP_TOP_OFFSET) and [`BUMP_LIMIT_OFFSET`](crate::BUMP_LIMIT_OFFSET)).
    /// The address is stable for the heap's lifetime. Code that allocates through it must do so
    /// only while it could call `&mut self` methods (the heap is not otherwise borrowed), keep
    /// `top <= limit`, advance `top` by the object's exact size (a multiple of 8) and write the
    /// type id (and an array's length) — the memory is already zero.
    pub fn bump_ptr(&mut self) -> *mut Bump {
        self.bump.as_ptr()
    }

    /// The quota in bytes (as configured, capped at [`MAX_HEAP_BYTES`]).
    pub fn quota(&self) -> u64 {
        self.quota
    }

    /// Offset of the first free byte: every object lies below it.
    pub fn top(&self) -> u32 {
        self.bump.top()
    }

    /// Bytes of address space reserved (the quota, in whole pages).
    pub fn reserved_bytes(&self) -> usize {
        self.arena.reserved()
    }

    /// Bytes committed (readable and writable) from the base; pages above `top` in it may have
    /// been given back to the system.
    pub fn committed_bytes(&self) -> usize {
        self.arena.committed()
    }

    /// Whether every allocation collects first.
    pub fn zeal(&self) -> bool {
        self.zeal
    }

    /// Size in bytes of a new struct of type `type_id`.
    pub fn struct_size(&self, type_id: u32) -> Result<u32, GcError> {
        match self.types.get(type_id) {
            Some(Layout::Struct(s)) => Ok(s.size),
            Some(_) => Err(GcError::WrongKind { type_id, expected: "a struct" }),
            None => Err(GcError::UnknownType(type_id)),
        }
    }

    /// Size in bytes of a new array of type `type_id` and length `len`; the quota error when it
    /// is more than the heap could ever hold (no overflow, whatever `len`).
    pub fn array_size(&self, type_id: u32, len: u32) -> Result<u32, GcError> {
        match self.types.get(type_id) {
            Some(Layout::Array(a)) => {
                let size = a.size_u64(len);
                if size > u64::from(self.usable) {
                    return Err(self.quota_error(size));
                }
                Ok(size as u32)
            }
            Some(_) => Err(GcError::WrongKind { type_id, expected: "an array" }),
            None => Err(GcError::UnknownType(type_id)),
        }
    }

    /// A new zero-filled struct of type `type_id`. May collect (moving objects: every reference
    /// the caller keeps must be in `roots`).
    pub fn alloc_struct(
        &mut self,
        type_id: u32,
        roots: &mut dyn RootSet,
    ) -> Result<GcRef, GcError> {
        let size = self.struct_size(type_id)?;
        self.alloc_sized(type_id, size, None, roots)
    }

    /// A new zero-filled array of type `type_id` and length `len`. May collect, like
    /// [`alloc_struct`](Self::alloc_struct).
    pub fn alloc_array(
        &mut self,
        type_id: u32,
        len: u32,
        roots: &mut dyn RootSet,
    ) -> Result<GcRef, GcError> {
        let size = self.array_size(type_id, len)?;
        self.alloc_sized(type_id, size, Some(len), roots)
    }

    /// A new zero-filled struct of type `type_id` if it fits below the limit without a
    /// collection; `None` otherwise (the caller then takes [`alloc_struct`](Self::alloc_struct),
    /// with its roots). The fast path of callers that would have to root values to collect.
    pub fn try_alloc_struct(&mut self, type_id: u32) -> Option<GcRef> {
        let size = self.struct_size(type_id).ok()?;
        let off = self.try_bump(size)?;
        Some(self.init_header(off, type_id, None))
    }

    /// A new zero-filled array of type `type_id` and length `len` if it fits below the limit
    /// without a collection; `None` otherwise, as [`try_alloc_struct`](Self::try_alloc_struct).
    pub fn try_alloc_array(&mut self, type_id: u32, len: u32) -> Option<GcRef> {
        let size = self.array_size(type_id, len).ok()?;
        let off = self.try_bump(size)?;
        Some(self.init_header(off, type_id, Some(len)))
    }

    /// The slow path, for compiled code whose inline bump failed (one entry for structs and
    /// arrays: `len` is ignored for a struct type): collects, grows the soft limit if it must,
    /// then allocates a zero-filled object with its header written.
    pub fn alloc_slow(
        &mut self,
        type_id: u32,
        len: u32,
        roots: &mut dyn RootSet,
    ) -> Result<GcRef, GcError> {
        let (size, len) = match self.types.get(type_id) {
            Some(Layout::Array(_)) => (self.array_size(type_id, len)?, Some(len)),
            _ => (self.struct_size(type_id)?, None),
        };
        self.collect_and_bump(type_id, size, len, roots)
    }

    /// Allocates `size` bytes for an object of `type_id` (an array when `len` is given).
    pub(crate) fn alloc_sized(
        &mut self,
        type_id: u32,
        size: u32,
        len: Option<u32>,
        roots: &mut dyn RootSet,
    ) -> Result<GcRef, GcError> {
        match self.try_bump(size) {
            Some(off) => Ok(self.init_header(off, type_id, len)),
            None => self.collect_and_bump(type_id, size, len, roots),
        }
    }

    /// The fast path: `size` bytes below `limit`, or `None`.
    #[inline]
    fn try_bump(&mut self, size: u32) -> Option<u32> {
        let top = self.bump.top();
        let end = u64::from(top) + u64::from(size);
        if end > u64::from(self.bump.limit()) {
            return None;
        }
        self.bump.set_top(end as u32);
        Some(top)
    }

    fn collect_and_bump(
        &mut self,
        type_id: u32,
        size: u32,
        len: Option<u32>,
        roots: &mut dyn RootSet,
    ) -> Result<GcRef, GcError> {
        if !self.minor_made_room(size, roots) {
            self.collect(roots);
            self.make_room(size)?;
        }
        let top = self.bump.top();
        self.bump.set_top(top + size);
        if self.zeal {
            self.bump.set_limit(top + size);
        }
        Ok(self.init_header(top, type_id, len))
    }

    fn init_header(&mut self, off: u32, type_id: u32, len: Option<u32>) -> GcRef {
        let off64 = u64::from(off);
        debug_assert_eq!(self.arena.load::<u64>(off64), Some(0), "allocated memory is zero");
        self.arena.store(off64 + u64::from(HEADER_TYPE_OFFSET), type_id);
        self.arena.store(off64 + u64::from(HEADER_GC_WORD_OFFSET), 0u32);
        if let Some(len) = len {
            self.arena.store(off64 + u64::from(ARRAY_LEN_OFFSET), len);
        }
        GcRef::from_raw(off)
    }

    /// The slow path's first try: a minor collection, when the generations are on and the young
    /// generation was worth collecting (it had at least half a nursery's room). `true` when it
    /// left room for the request and a quarter of a nursery more below the soft limit; `false`
    /// when a full collection must follow. Under zeal, every other collection is minor.
    fn minor_made_room(&mut self, size: u32, roots: &mut dyn RootSet) -> bool {
        if self.nursery == 0 || self.nursery_paused {
            return false;
        }
        if self.zeal {
            if self.stats.collections % 2 == 1 {
                return false;
            }
            self.collect_minor(roots);
            return u64::from(self.bump.top()) + u64::from(size) <= u64::from(self.soft_limit);
        }
        let room = self.soft_limit.saturating_sub(self.bump.top());
        if room < self.nursery / 2 {
            return false;
        }
        self.collect_minor(roots);
        let need = u64::from(self.bump.top()) + u64::from(size) + u64::from(self.nursery / 4);
        if need > u64::from(self.soft_limit) {
            return false;
        }
        self.reset_limit();
        self.bump.set_limit(self.bump.limit().max(self.bump.top() + size));
        true
    }

    /// After a full collection: doubles the soft limit while the live bytes and the request would
    /// fill more than half of it (a quarter when the live data is growing: `grow_fast`), or leave
    /// less than a nursery free (never past the quota), or fails with the quota error when the
    /// request does not fit even the quota.
    fn make_room(&mut self, size: u32) -> Result<(), GcError> {
        let need = u64::from(self.bump.top()) + u64::from(size);
        if need > u64::from(self.usable) {
            return Err(self.quota_error(u64::from(size)));
        }
        // Growth stops at the budget, but never below what is committed already.
        let usable = u64::from(self.usable).min(self.budget.max(u64::from(self.soft_limit)));
        if need > usable {
            return Err(GcError::Budget { budget: usable, asked: u64::from(size) });
        }
        let mut soft = u64::from(self.soft_limit);
        let nursery = u64::from(self.nursery);
        let free_share = if self.grow_fast { 4 } else { 2 };
        while (need > soft / free_share || need + nursery > soft) && soft < usable {
            soft = (soft * 2).max(64 << 10).min(usable);
        }
        if soft != u64::from(self.soft_limit) {
            self.arena.commit(soft as usize)?;
            self.soft_limit = soft as u32;
            self.stats.heap_bytes = soft;
        }
        self.reset_limit();
        // The request fits below the soft limit (checked above), if not always a whole nursery.
        let top = self.bump.top();
        self.bump.set_limit(self.bump.limit().max(top + size));
        Ok(())
    }

    /// After a collection that left `live_top` as the top: halves the soft limit while the live
    /// objects fill at most an eighth of it (not below the initial soft limit), so that a heap
    /// whose live set shrank stops holding memory for it. (An eighth, not a half: the halved limit
    /// must stay well above the point where allocation doubles it again.) Returns the new soft
    /// limit.
    pub(crate) fn shrink_soft_limit(&mut self, live_top: u32) -> u32 {
        while live_top <= self.soft_limit / 8
            && self.soft_limit / 2 >= self.min_soft_limit
            && u64::from(self.soft_limit / 2) >= u64::from(live_top) + u64::from(self.nursery)
        {
            self.soft_limit = (self.soft_limit / 2) & !7;
        }
        self.stats.heap_bytes = u64::from(self.soft_limit);
        self.soft_limit
    }

    /// Sets the bump limit for the current mode: a nursery above the old generation (within
    /// the soft limit), the soft limit without generations, or `top` under zeal.
    pub(crate) fn reset_limit(&mut self) {
        let limit = if self.zeal {
            self.bump.top()
        } else if self.nursery > 0 && !self.nursery_paused {
            let young_end = u64::from(self.bump.top()) + u64::from(self.nursery);
            young_end.min(u64::from(self.soft_limit)) as u32
        } else {
            self.soft_limit
        };
        self.bump.set_limit(limit.max(self.bump.top()));
    }

    /// The soft limit: how far the heap may fill before the next collection.
    pub fn soft_limit(&self) -> u32 {
        self.soft_limit
    }

    pub(crate) fn quota_error(&self, asked: u64) -> GcError {
        GcError::Quota { limit: self.quota, asked }
    }

    /// Limits how far the heap grows (its soft limit, the memory it holds committed for objects)
    /// to `bytes`, below its own quota: a store gives its heap what its total-memory quota
    /// leaves. An allocation that needs more, after a collection, fails with
    /// [`GcError::Budget`]. The heap never shrinks below what it holds already to meet it.
    pub fn set_budget(&mut self, bytes: u64) {
        self.budget = bytes;
    }

    /// Counters of the heap's activity so far.
    pub fn stats(&self) -> GcStats {
        let mut s = self.stats;
        s.bytes_allocated_total =
            self.allocated_before + u64::from(self.bump.top().saturating_sub(self.top_after_gc));
        s
    }

    pub(crate) fn record_pause(&mut self, pause: Duration) {
        let s = &mut self.stats;
        s.collections += 1;
        s.last_pause = pause;
        s.total_pause += pause;
        s.max_pause = s.max_pause.max(pause);
    }
}
