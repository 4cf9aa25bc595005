//! Shared memories: one linear memory used at once by several instances, on several host
//! threads (the threads proposal, and `wasi-threads` guests).
//!
//! A shared memory's entity lives in an `Arc` that every store using it holds, so the same
//! `MemoryEntity` — the one base and length compiled code reads — is seen by every thread. It
//! reserves its maximum up front (a shared memory must declare one) and never moves; growth
//! takes the memory's lock, commits the new pages and only then publishes the new length, so a
//! thread that sees the length can use every byte below it. Threads that ran before a growth may
//! still hold the old length: an access past it goes to the slow path, which looks again before
//! it traps (both tiers).
//!
//! `memory.atomic.wait32/64` and `memory.atomic.notify` meet in the memory's [`WaitQueues`]: a
//! queue of sleepers per address, under one lock that a waiter holds while it compares the value
//! and enqueues itself, so a notify that follows a store is never lost.

use std::collections::{HashMap, VecDeque};
use std::ptr::NonNull;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use silo_loader::MemoryType;

use crate::engine::Engine;
use crate::error::Error;
use crate::memory::{Memory, MemoryEntity};
use crate::store::{AsContext, AsContextMut, StoreOpaque};

/// What the threads of a shared memory share besides its bytes.
#[derive(Default)]
pub(crate) struct SharedState {
    /// Held while the memory grows, so two growths do not interleave.
    pub grow_lock: Mutex<()>,
    /// The sleepers of `memory.atomic.wait`.
    pub waiters: WaitQueues,
}

/// One thread asleep in `memory.atomic.wait`.
struct Waiter {
    /// Set (under the queues' lock) by the notify that wakes it.
    woken: bool,
}

/// The sleepers of a shared memory, by address, first come first woken.
#[derive(Default)]
pub(crate) struct WaitQueues {
    queues: Mutex<HashMap<u64, VecDeque<Arc<Mutex<Waiter>>>>>,
    wake: Condvar,
}

/// How a wait ended: the codes `memory.atomic.wait` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitOutcome {
    /// Woken by a notify (0).
    Woken = 0,
    /// The value was not the expected one; it did not sleep (1).
    NotEqual = 1,
    /// The timeout passed (2).
    TimedOut = 2,
}

/// Why a sleeper gave up before its notify or its timeout: the guest must stop.
pub(crate) struct Stopped;

impl WaitQueues {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, VecDeque<Arc<Mutex<Waiter>>>>> {
        self.queues.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps on `addr` if `still_expected()` (called under the queues' lock, so no notify can
    /// slip between the comparison and the sleep), until a notify wakes it, `timeout` passes
    /// (`None`: never) or `stop()` says the guest must stop, which is asked every `poll` when
    /// given.
    pub fn wait(
        &self,
        addr: u64,
        still_expected: impl FnOnce() -> bool,
        timeout: Option<Duration>,
        poll: Option<Duration>,
        mut stop: impl FnMut() -> bool,
    ) -> Result<WaitOutcome, Stopped> {
        let mut queues = self.lock();
        if !still_expected() {
            return Ok(WaitOutcome::NotEqual);
        }
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let me = Arc::new(Mutex::new(Waiter { woken: false }));
        queues.entry(addr).or_default().push_back(me.clone());
        let woken = |me: &Arc<Mutex<Waiter>>| me.lock().map(|w| w.woken).unwrap_or(true);
        loop {
            if woken(&me) {
                return Ok(WaitOutcome::Woken);
            }
            let now = Instant::now();
            let timed_out = deadline.is_some_and(|d| now >= d) || timeout == Some(Duration::ZERO);
            let stopping = !timed_out && poll.is_some() && stop();
            if timed_out || stopping {
                if let Some(queue) = queues.get_mut(&addr) {
                    queue.retain(|w| !Arc::ptr_eq(w, &me));
                    if queue.is_empty() {
                        queues.remove(&addr);
                    }
                }
                return if stopping { Err(Stopped) } else { Ok(WaitOutcome::TimedOut) };
            }
            let left = deadline.map(|d| d - now);
            let slice = match (left, poll) {
                (Some(l), Some(p)) => Some(l.min(p)),
                (l, p) => l.or(p),
            };
            queues = match slice {
                Some(s) => self.wake.wait_timeout(queues, s).unwrap_or_else(|e| e.into_inner()).0,
                None => self.wake.wait(queues).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }

    /// Wakes up to `count` sleepers of `addr`, oldest first; how many it woke.
    pub fn notify(&self, addr: u64, count: u32) -> u32 {
        let mut queues = self.lock();
        let Some(queue) = queues.get_mut(&addr) else { return 0 };
        let mut woken = 0;
        while woken < count {
            let Some(waiter) = queue.pop_front() else { break };
            if let Ok(mut w) = waiter.lock() {
                w.woken = true;
            }
            woken += 1;
        }
        if queue.is_empty() {
            queues.remove(&addr);
        }
        if woken > 0 {
            // Sleepers of every address share the condition variable; each looks at its own flag.
            self.wake.notify_all();
        }
        woken
    }
}

/// The memory and its owner count, shared by every store that uses it.
struct SharedInner {
    entity: MemoryEntity,
    /// The guard the memory was reserved with: an engine whose native code relies on a larger
    /// one cannot use it.
    guard: Option<u64>,
}

// SAFETY: once in the `Arc` the entity is only reached through shared references: its base,
// type, maximum and reservation never change, its length is atomic and changes only under the
// growth lock (`grow_shared`), and its queues are behind their own lock. Its bytes are the
// guest's shared memory, which guest threads access with the memory model WebAssembly defines.
unsafe impl Send for SharedInner {}
// SAFETY: as for `Send`: nothing in it is written through a shared reference except atomics and
// lock-protected state.
unsafe impl Sync for SharedInner {}

/// A shared linear memory: usable by several stores, on several threads, at once. Cheap to
/// clone; `Send + Sync`.
#[derive(Clone)]
pub struct SharedMemory(Arc<SharedInner>);

impl std::fmt::Debug for SharedMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMemory")
            .field("ty", &self.0.entity.ty)
            .field("pages", &self.0.entity.pages())
            .finish()
    }
}

impl SharedMemory {
    /// A new shared memory of type `ty` (which must be shared and have a maximum) for stores of
    /// `engine`.
    pub fn new(engine: &Engine, ty: MemoryType) -> Result<SharedMemory, Error> {
        if !ty.shared {
            return Err(Error::Limit("a shared memory needs a shared memory type".into()));
        }
        let guard = engine.config().memory_guard();
        let entity = MemoryEntity::new(ty, guard)?;
        Ok(SharedMemory(Arc::new(SharedInner { entity, guard })))
    }

    /// The memory's type (its initial size is the one it was created with).
    pub fn ty(&self) -> MemoryType {
        self.0.entity.ty
    }

    /// Current size in pages.
    pub fn size(&self) -> u64 {
        self.0.entity.pages()
    }

    /// Current size in bytes.
    pub fn data_size(&self) -> usize {
        self.0.entity.len()
    }

    /// Grows the memory by `delta` pages, whichever thread runs meanwhile; the previous size in
    /// pages. No store's quota applies here (growth from a guest counts in its store).
    pub fn grow(&self, delta: u64) -> Result<u64, Error> {
        self.0
            .entity
            .grow_shared(delta)
            .ok_or_else(|| Error::Limit(format!("failed to grow memory by {delta} pages")))
    }

    /// Copies bytes out of the memory, or fails if the range is out of bounds. Other threads
    /// may be writing them meanwhile: what is read is some interleaving of their writes.
    pub fn read(&self, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let end = self.check(offset, buf.len())?;
        debug_assert_eq!(end - offset, buf.len());
        // SAFETY: `offset..end` is below the length (checked), so committed, readable, and the
        // memory lives as long as `self`; no Rust reference to its bytes is held, and they are
        // read as guest loads read them (`runtime::racy`), so racing writers are no data race.
        unsafe { crate::runtime::racy::copy_out(self.0.entity.ptr_at(offset), buf) };
        Ok(())
    }

    /// Copies bytes into the memory, or fails if the range is out of bounds.
    pub fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error> {
        let end = self.check(offset, data.len())?;
        debug_assert_eq!(end - offset, data.len());
        // SAFETY: as in `read`, with the range committed writable.
        unsafe { crate::runtime::racy::copy_in(self.0.entity.ptr_at(offset), data) };
        Ok(())
    }

    fn check(&self, offset: usize, len: usize) -> Result<usize, Error> {
        offset
            .checked_add(len)
            .filter(|&end| end <= self.0.entity.len())
            .ok_or_else(|| Error::Limit("out of bounds memory access".into()))
    }

    /// Wakes up to `count` threads waiting at byte `addr`; how many it woke.
    pub fn atomic_notify(&self, addr: u64, count: u32) -> u32 {
        self.0.entity.shared.as_ref().map_or(0, |s| s.waiters.notify(addr, count))
    }

    /// The memory as a `Memory` of `store`, which keeps it alive from now on. The same shared
    /// memory gives the same `Memory` in the same store.
    pub fn to_memory(&self, mut store: impl AsContextMut) -> Result<Memory, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let ptr = opaque.attach_shared_memory(self)?;
        Ok(Memory { store: opaque.id, ptr })
    }

    /// Whether two handles are the same memory.
    pub fn same(&self, other: &SharedMemory) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    fn entity_ptr(&self) -> NonNull<MemoryEntity> {
        NonNull::from(&self.0.entity)
    }
}

impl Memory {
    /// The shared memory this is, when it is one.
    pub fn shared(&self, store: impl AsContext) -> Option<SharedMemory> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        self.store.assert_same(opaque.id);
        opaque.shared_memories.iter().find(|m| m.entity_ptr() == self.ptr).cloned()
    }
}

impl StoreOpaque {
    /// Makes `memory` one of the store's (kept alive with it); its entity.
    pub(crate) fn attach_shared_memory(
        &mut self,
        memory: &SharedMemory,
    ) -> Result<NonNull<MemoryEntity>, Error> {
        let want = self.engine.config().memory_guard();
        if want.unwrap_or(0) > memory.0.guard.unwrap_or(0)
            || (want.is_some() && memory.0.guard.is_none())
        {
            return Err(Error::Limit(
                "the shared memory was made for an engine with a smaller guard region".into(),
            ));
        }
        if !self.shared_memories.iter().any(|m| m.same(memory)) {
            self.shared_memories.push(memory.clone());
        }
        Ok(memory.entity_ptr())
    }

    /// A new shared memory of type `ty`, made one of the store's; its entity.
    pub(crate) fn new_shared_memory(
        &mut self,
        ty: MemoryType,
    ) -> Result<NonNull<MemoryEntity>, Error> {
        let memory = SharedMemory::new(&self.engine, ty)?;
        self.attach_shared_memory(&memory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_wakes_the_oldest_sleepers_first() {
        let queues = Arc::new(WaitQueues::default());
        let sleepers: Vec<_> = (0..3)
            .map(|_| {
                let q = queues.clone();
                std::thread::spawn(move || q.wait(8, || true, None, None, || false).ok())
            })
            .collect();
        // Wait until all three sleep, then wake two, then the last.
        while queues.lock().get(&8).map_or(0, |q| q.len()) < 3 {
            std::thread::yield_now();
        }
        assert_eq!(queues.notify(8, 2), 2);
        assert_eq!(queues.notify(16, 5), 0, "nobody sleeps at another address");
        assert_eq!(queues.notify(8, 5), 1);
        for s in sleepers {
            assert_eq!(s.join().unwrap(), Some(WaitOutcome::Woken));
        }
    }

    #[test]
    fn a_wait_compares_then_times_out_or_stops() {
        let queues = WaitQueues::default();
        assert_eq!(
            queues.wait(0, || false, None, None, || false).ok(),
            Some(WaitOutcome::NotEqual)
        );
        let short = Some(Duration::from_millis(20));
        assert_eq!(
            queues.wait(0, || true, short, None, || false).ok(),
            Some(WaitOutcome::TimedOut)
        );
        let poll = Some(Duration::from_millis(1));
        assert!(queues.wait(0, || true, None, poll, || true).is_err());
        assert!(queues.lock().is_empty(), "a sleeper that left is not woken later");
    }
}
