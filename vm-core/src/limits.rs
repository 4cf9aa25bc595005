//! Resource quotas of a store: how much linear memory (per memory and in total), how many table
//! elements and how many instances its guests may have.
//!
//! Creating a memory or table past its quota fails instantiation with an error naming the quota;
//! `memory.grow` and `table.grow` past it return -1, as the specification requires of a failed
//! growth (or trap, when `trap_on_grow_failure` is set). Either way the store remembers the last
//! quota that was hit ([`crate::Store::last_quota_hit`]), so an embedder such as the CLI can say
//! why a guest that ran out of memory stopped.

use std::fmt;

use crate::error::Error;
use crate::memory::MemoryEntity;
use crate::table::TableEntity;
use crate::trap::{Trap, TrapCode};

/// What one table element counts towards the total-memory quota: the bytes it takes in the
/// store (one 64-bit cell).
pub const TABLE_ELEMENT_BYTES: u64 = 8;

/// The quotas of a store. `None` is unlimited (the default for every quota).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoreLimits {
    /// Bytes any one linear memory may reach.
    pub memory_size: Option<u64>,
    /// Bytes all linear memories and tables created in the store may reach together (a table
    /// element counts [`TABLE_ELEMENT_BYTES`]).
    pub total_memory: Option<u64>,
    /// Elements any one table may reach.
    pub table_elements: Option<u64>,
    /// Instances the store may hold.
    pub instances: Option<u64>,
    /// Whether a growth the quota refuses traps instead of returning -1.
    pub trap_on_grow_failure: bool,
}

impl StoreLimits {
    /// No quota at all.
    pub fn new() -> StoreLimits {
        StoreLimits::default()
    }

    /// Limits each linear memory to `bytes`.
    pub fn memory_size(mut self, bytes: u64) -> StoreLimits {
        self.memory_size = Some(bytes);
        self
    }

    /// Limits all linear memories and tables together to `bytes` (a table element counts
    /// `TABLE_ELEMENT_BYTES`).
    pub fn total_memory(mut self, bytes: u64) -> StoreLimits {
        self.total_memory = Some(bytes);
        self
    }

    /// Limits each table to `elements`.
    pub fn table_elements(mut self, elements: u64) -> StoreLimits {
        self.table_elements = Some(elements);
        self
    }

    /// Limits the number of instances.
    pub fn instances(mut self, count: u64) -> StoreLimits {
        self.instances = Some(count);
        self
    }

    /// Makes a refused `memory.grow` or `table.grow` trap instead of returning -1.
    pub fn trap_on_grow_failure(mut self, trap: bool) -> StoreLimits {
        self.trap_on_grow_failure = trap;
        self
    }
}

/// Which quota was hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quota {
    /// Bytes of one linear memory.
    Memory,
    /// Bytes of all linear memories and tables together.
    TotalMemory,
    /// Elements of one table.
    TableElements,
    /// Instances in the store.
    Instances,
    /// Fuel (WebAssembly instructions).
    Fuel,
    /// Wall-clock time.
    Deadline,
    /// WebAssembly calls active at once.
    CallDepth,
}

impl Quota {
    /// How the quota is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Quota::Memory => "memory",
            Quota::TotalMemory => "total memory",
            Quota::TableElements => "table elements",
            Quota::Instances => "instances",
            Quota::Fuel => "fuel",
            Quota::Deadline => "timeout",
            Quota::CallDepth => "call depth",
        }
    }

    fn is_bytes(self) -> bool {
        matches!(self, Quota::Memory | Quota::TotalMemory)
    }
}

/// A quota that refused something: which one, its limit and what was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaHit {
    /// The quota.
    pub quota: Quota,
    /// Its limit (bytes, elements, instances, fuel units, milliseconds or calls).
    pub limit: u64,
    /// What the guest asked for, in the same unit.
    pub requested: u64,
}

impl fmt::Display for QuotaHit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = |n: u64| {
            if self.quota.is_bytes() {
                bytes(n)
            } else if self.quota == Quota::Deadline {
                format!("{:?}", std::time::Duration::from_millis(n))
            } else {
                n.to_string()
            }
        };
        write!(f, "{} quota exceeded: limit {}", self.quota.name(), amount(self.limit))?;
        match self.quota {
            Quota::Fuel | Quota::Deadline => Ok(()),
            _ => write!(f, ", asked for {}", amount(self.requested)),
        }
    }
}

/// A byte count the way people read it: in the largest unit that divides it exactly
/// (`64 MiB`, `65600 KiB`, `100 bytes`).
pub fn bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size && n.is_multiple_of(size) {
            return format!("{} {unit}", n / size);
        }
    }
    format!("{n} bytes")
}

/// A store's quotas and what its guests use of them.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    pub limits: StoreLimits,
    /// Bytes of every linear memory and table the store has created (the total-memory quota's
    /// count).
    pub memory_bytes: u64,
    /// Bytes the garbage-collected heap holds for objects (its soft limit), which the
    /// total-memory quota counts too; updated after every slow allocation and collection.
    pub gc_heap_bytes: u64,
    pub instances: u64,
    pub last_hit: Option<QuotaHit>,
}

impl Usage {
    fn refuse(&mut self, quota: Quota, limit: u64, requested: u64) -> QuotaHit {
        let hit = QuotaHit { quota, limit, requested };
        self.last_hit = Some(hit.clone());
        hit
    }

    /// Checks a memory of `current` bytes growing to `desired`; on success the total counts it.
    /// `Ok(false)` refuses the growth (`memory.grow` returns -1); `Err` when refusals trap.
    pub fn memory_growing(&mut self, current: u64, desired: u64) -> Result<bool, Trap> {
        let added = desired.saturating_sub(current);
        let total = self.memory_bytes.saturating_add(self.gc_heap_bytes).saturating_add(added);
        let over_memory = self.limits.memory_size.filter(|&l| desired > l);
        let over_total = self.limits.total_memory.filter(|&l| total > l);
        let hit = match (over_memory, over_total) {
            (Some(limit), _) => Some(self.refuse(Quota::Memory, limit, desired)),
            (None, Some(limit)) => Some(self.refuse(Quota::TotalMemory, limit, total)),
            (None, None) => None,
        };
        self.grow_outcome(hit, |u| u.memory_bytes = u.memory_bytes.saturating_add(added))
    }

    /// Grows memory `m` by `delta` pages within the quotas: the old size in pages, `None` when
    /// the quota, the memory's maximum or the system refuses, `Err` when a refusal traps.
    ///
    /// # Safety
    /// `m` points to a live memory of the store, which nothing else of the store references
    /// during the call (a shared memory may be used by other threads meanwhile: it is only
    /// reached through shared references then).
    pub unsafe fn grow_memory(
        &mut self,
        m: *mut MemoryEntity,
        delta: u64,
    ) -> Result<Option<u64>, Trap> {
        // SAFETY: `m` is live (this function's contract); growth of a shared memory goes through
        // `&self` and its own lock, that of another through the exclusive reference the store's
        // borrow makes sound.
        let grow = |delta| unsafe {
            if (*m).is_shared() { (*m).grow_shared(delta) } else { (*m).grow(delta) }
        };
        // SAFETY: as above; the shared reference ends with this statement, before `grow` runs.
        let (page, pages, max_pages) = unsafe { ((*m).page_size(), (*m).pages(), (*m).max_pages) };
        let current = pages.saturating_mul(page);
        let desired = pages.saturating_add(delta).saturating_mul(page);
        if delta == 0 || desired > max_pages.saturating_mul(page) {
            return Ok(grow(delta));
        }
        if !self.memory_growing(current, desired)? {
            return Ok(None);
        }
        let old = grow(delta);
        if old.is_none() {
            self.memory_released(desired - current);
        }
        Ok(old)
    }

    /// Grows table `t` by `delta` elements set to `init` within the quota, as `grow_memory`.
    pub fn grow_table(
        &mut self,
        t: &mut TableEntity,
        delta: u64,
        init: u64,
    ) -> Result<Option<u64>, Trap> {
        let current = t.elements().len() as u64;
        let desired = current.saturating_add(delta);
        if delta == 0 || desired > t.max() {
            return Ok(t.grow(delta, init));
        }
        if !self.table_growing(current, desired)? {
            return Ok(None);
        }
        let old = t.grow(delta, init);
        if old.is_none() {
            self.memory_released(delta.saturating_mul(TABLE_ELEMENT_BYTES));
        }
        Ok(old)
    }

    /// Checks a table of `current` elements growing to `desired`, as `memory_growing`: against
    /// the per-table quota, and its bytes against the total.
    pub fn table_growing(&mut self, current: u64, desired: u64) -> Result<bool, Trap> {
        let added = desired.saturating_sub(current).saturating_mul(TABLE_ELEMENT_BYTES);
        let total = self.memory_bytes.saturating_add(added);
        let with_heap = total.saturating_add(self.gc_heap_bytes);
        let over_table = self.limits.table_elements.filter(|&l| desired > l);
        let over_total = self.limits.total_memory.filter(|&l| with_heap > l);
        let hit = match (over_table, over_total) {
            (Some(limit), _) => Some(self.refuse(Quota::TableElements, limit, desired)),
            (None, Some(limit)) => Some(self.refuse(Quota::TotalMemory, limit, with_heap)),
            (None, None) => None,
        };
        self.grow_outcome(hit, |u| u.memory_bytes = total)
    }

    fn grow_outcome(
        &mut self,
        hit: Option<QuotaHit>,
        grant: impl FnOnce(&mut Usage),
    ) -> Result<bool, Trap> {
        match hit {
            None => {
                grant(self);
                Ok(true)
            }
            Some(hit) if self.limits.trap_on_grow_failure => Err(quota_trap(&hit)),
            Some(_) => Ok(false),
        }
    }

    /// What the total-memory quota leaves the garbage-collected heap: the quota less the
    /// memories and tables (no bound without a quota).
    pub fn gc_budget(&self) -> u64 {
        self.limits.total_memory.map_or(u64::MAX, |l| l.saturating_sub(self.memory_bytes))
    }

    /// A growth that was granted by `memory_growing` did not happen after all (the system
    /// refused): the total forgets it.
    fn memory_released(&mut self, bytes: u64) {
        self.memory_bytes = self.memory_bytes.saturating_sub(bytes);
    }

    /// Checks a new memory of `bytes` at instantiation.
    pub fn memory_created(&mut self, bytes: u64) -> Result<(), Error> {
        self.creation(|u| u.memory_growing(0, bytes))
    }

    /// Checks a new table of `elements` at instantiation.
    pub fn table_created(&mut self, elements: u64) -> Result<(), Error> {
        self.creation(|u| u.table_growing(0, elements))
    }

    fn creation(
        &mut self,
        check: impl FnOnce(&mut Usage) -> Result<bool, Trap>,
    ) -> Result<(), Error> {
        match check(self) {
            Ok(true) => Ok(()),
            _ => Err(self.quota_error()),
        }
    }

    /// Counts a new instance.
    pub fn instance_created(&mut self) -> Result<(), Error> {
        if let Some(limit) = self.limits.instances.filter(|&l| self.instances >= l) {
            let hit = self.refuse(Quota::Instances, limit, self.instances + 1);
            return Err(Error::Limit(hit.to_string()));
        }
        self.instances += 1;
        Ok(())
    }

    fn quota_error(&self) -> Error {
        let hit = self.last_hit.as_ref().map_or_else(String::new, ToString::to_string);
        Error::Limit(hit)
    }
}

/// The trap that stops a guest at a quota.
pub(crate) fn quota_trap(hit: &QuotaHit) -> Trap {
    let code = match hit.quota {
        Quota::Fuel => TrapCode::OutOfFuel,
        Quota::Deadline => TrapCode::DeadlineExceeded,
        Quota::CallDepth => TrapCode::StackOverflow,
        _ => TrapCode::ResourceLimit,
    };
    Trap::with_message(code, hit.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_quota_the_limit_and_the_request() {
        let hit = QuotaHit { quota: Quota::Memory, limit: 64 << 20, requested: 65 << 20 };
        assert_eq!(hit.to_string(), "memory quota exceeded: limit 64 MiB, asked for 65 MiB");
        let hit = QuotaHit { quota: Quota::Fuel, limit: 1000, requested: 1001 };
        assert_eq!(hit.to_string(), "fuel quota exceeded: limit 1000");
        assert_eq!(bytes(1536), "1536 bytes");
        assert_eq!(bytes(65 << 16), "4160 KiB");
        assert_eq!(bytes(100), "100 bytes");
    }

    #[test]
    fn memory_quota_refuses_growth_and_counts_the_total() {
        let mut u = Usage {
            limits: StoreLimits::new().memory_size(4 << 16).total_memory(6 << 16),
            ..Usage::default()
        };
        assert_eq!(u.memory_growing(0, 3 << 16), Ok(true));
        assert_eq!(u.memory_growing(3 << 16, 5 << 16), Ok(false));
        assert_eq!(u.last_hit.as_ref().map(|h| h.quota), Some(Quota::Memory));
        assert_eq!(u.memory_growing(0, 4 << 16), Ok(false), "7 pages in total");
        assert_eq!(u.last_hit.as_ref().map(|h| h.quota), Some(Quota::TotalMemory));
        assert_eq!(u.memory_growing(0, 3 << 16), Ok(true));
        assert!(u.memory_created(1).is_err());
        u.limits.trap_on_grow_failure = true;
        let trap = u.memory_growing(3 << 16, 5 << 16).unwrap_err();
        assert_eq!(trap.code(), TrapCode::ResourceLimit);
    }

    #[test]
    fn tables_count_towards_the_total_memory() {
        let mut u = Usage { limits: StoreLimits::new().total_memory(1 << 16), ..Usage::default() };
        assert_eq!(u.memory_growing(0, 1 << 15), Ok(true));
        // Half the total is left: 4096 elements of 8 bytes.
        assert_eq!(u.table_growing(0, 4096), Ok(true));
        assert_eq!(u.table_growing(4096, 4097), Ok(false));
        let hit = u.last_hit.clone().unwrap();
        assert_eq!((hit.quota, hit.requested), (Quota::TotalMemory, (1 << 16) + 8));
        assert_eq!(u.memory_growing(0, 1), Ok(false), "the tables took the rest");
    }

    #[test]
    fn instance_quota_counts() {
        let mut u = Usage { limits: StoreLimits::new().instances(2), ..Usage::default() };
        assert!(u.instance_created().is_ok());
        assert!(u.instance_created().is_ok());
        let err = u.instance_created().unwrap_err().to_string();
        assert_eq!(err, "instances quota exceeded: limit 2, asked for 3");
    }
}
