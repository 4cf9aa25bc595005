//! Host values in the heap (`externref`): a 16-byte box object of type [`HOST_BOX_TYPE`] holding
//! an index into a side table of `Box<dyn Any + Send + Sync>`.
//!
//! The box is an ordinary object: it moves, is reachable or not. When a collection finds a box
//! dead it drops the host value (at the end of that collection), so an unreachable `externref`
//! frees what it held.

use std::any::Any;

use crate::error::GcError;
use crate::gc_ref::GcRef;
use crate::heap::{HOST_BOX_TYPE, Heap};
use crate::roots::RootSet;

/// Size of a host box: the header, the slot index (`u32` at [`HOST_BOX_SLOT_OFFSET`]), padding.
pub const HOST_BOX_SIZE: u32 = 16;
/// Offset of a host box's slot index.
pub const HOST_BOX_SLOT_OFFSET: u32 = 8;

/// A value the host put in the heap.
pub type HostValue = Box<dyn Any + Send + Sync>;

/// The side table of host values.
#[derive(Default)]
pub(crate) struct HostValues {
    slots: Vec<Option<HostValue>>,
    free: Vec<u32>,
}

impl HostValues {
    fn insert(&mut self, value: HostValue) -> u32 {
        match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(value);
                i
            }
            None => {
                self.slots.push(Some(value));
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 host values")
            }
        }
    }

    /// Takes the value out of `slot` (a dead box's); `None` for a slot that holds nothing (which
    /// only a corrupted box could name), so a slot is never freed twice.
    pub fn remove(&mut self, slot: u32) -> Option<HostValue> {
        let value = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        Some(value)
    }

    /// Puts into `dead` every slot that holds a value but is not among `live` (the slots of the
    /// boxes a full collection found alive).
    pub fn dead_slots(&self, live: &[u32], dead: &mut Vec<u32>) {
        if self.len() == 0 {
            return;
        }
        let mut alive = vec![false; self.slots.len()];
        for &s in live {
            if let Some(a) = alive.get_mut(s as usize) {
                *a = true;
            }
        }
        let occupied = self.slots.iter().enumerate().filter(|(_, v)| v.is_some());
        dead.extend(occupied.filter(|&(i, _)| !alive[i]).map(|(i, _)| i as u32));
    }

    fn get(&self, slot: u32) -> Option<&(dyn Any + Send + Sync)> {
        self.slots.get(slot as usize)?.as_deref()
    }

    fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

impl Heap {
    /// Boxes `value` in the heap. May collect, like [`alloc_struct`](Heap::alloc_struct); on
    /// failure `value` is dropped.
    pub fn alloc_host(
        &mut self,
        value: HostValue,
        roots: &mut dyn RootSet,
    ) -> Result<GcRef, GcError> {
        // In the table once the box exists: a full collection takes every slot that no live
        // box names for dead, so a collection during the allocation must not see this one.
        // Nothing can collect between the two.
        let r = self.alloc_sized(HOST_BOX_TYPE, HOST_BOX_SIZE, None, roots)?;
        let slot = self.host_values.insert(value);
        let stored = self.arena.store(u64::from(r.raw()) + u64::from(HOST_BOX_SLOT_OFFSET), slot);
        debug_assert!(stored);
        self.young_boxes.push(r.raw());
        Ok(r)
    }

    /// The host value `r` boxes; `None` when `r` is not a live host box.
    pub fn host_value(&self, r: GcRef) -> Option<&(dyn Any + Send + Sync)> {
        if self.type_id(r)? != HOST_BOX_TYPE {
            return None;
        }
        let slot: u32 = self.read(r, HOST_BOX_SLOT_OFFSET).ok()?;
        self.host_values.get(slot)
    }

    /// Whether `r` is a host box.
    pub fn is_host_box(&self, r: GcRef) -> bool {
        self.type_id(r) == Some(HOST_BOX_TYPE)
    }

    /// Host values held (boxes alive, or dead but not yet collected).
    pub fn host_value_count(&self) -> usize {
        self.host_values.len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::{HeapConfig, NoRoots};

    struct Tracked(Arc<AtomicUsize>, u32);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn heap() -> Heap {
        Heap::new(HeapConfig {
            max_bytes: 1 << 20,
            initial_bytes: 1 << 16,
            zeal: false,
            ..HeapConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn host_values_are_found_through_their_box() {
        let mut h = heap();
        let a = h.alloc_host(Box::new(41u64), &mut NoRoots).unwrap();
        let b = h.alloc_host(Box::new(String::from("x")), &mut [a]).unwrap();
        assert_eq!(h.host_value(a).unwrap().downcast_ref::<u64>(), Some(&41));
        assert_eq!(h.host_value(b).unwrap().downcast_ref::<String>().unwrap(), "x");
        assert!(h.is_host_box(a));
        assert_eq!(h.host_value(GcRef::NULL).map(|_| ()), None);
        assert_eq!(h.host_value(GcRef::from_i31(3)).map(|_| ()), None);
        assert_eq!(h.host_value(GcRef::from_raw(1 << 19)).map(|_| ()), None);
    }

    #[test]
    fn a_dead_box_drops_its_value_at_the_next_collection() {
        let mut h = heap();
        let drops = Arc::new(AtomicUsize::new(0));
        let mut keep = h.alloc_host(Box::new(Tracked(drops.clone(), 1)), &mut NoRoots).unwrap();
        let lose = h.alloc_host(Box::new(Tracked(drops.clone(), 2)), &mut keep).unwrap();
        let _ = lose;
        assert_eq!(h.host_value_count(), 2);
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        h.collect(&mut keep);
        assert_eq!(drops.load(Ordering::SeqCst), 1, "the unreachable box's value was dropped");
        assert_eq!(h.host_value_count(), 1);
        let v = h.host_value(keep).unwrap().downcast_ref::<Tracked>().unwrap();
        assert_eq!(v.1, 1, "the kept box still finds its value after moving");
        h.collect(&mut NoRoots);
        assert_eq!(drops.load(Ordering::SeqCst), 2);
        assert_eq!(h.host_value_count(), 0);
    }

    #[test]
    fn dropping_the_heap_drops_host_values() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut h = heap();
        let r = h.alloc_host(Box::new(Tracked(drops.clone(), 0)), &mut NoRoots).unwrap();
        let _root = h.root(r);
        drop(h);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn slots_are_reused() {
        let mut h = heap();
        for i in 0..100u32 {
            h.alloc_host(Box::new(i), &mut NoRoots).unwrap();
            h.collect(&mut NoRoots);
        }
        assert_eq!(h.host_values.slots.len(), 1);
    }

    #[test]
    fn a_failed_allocation_drops_the_value() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut h = Heap::new(HeapConfig {
            max_bytes: 16,
            initial_bytes: 16,
            zeal: false,
            ..HeapConfig::default()
        })
        .unwrap();
        let e = h.alloc_host(Box::new(Tracked(drops.clone(), 0)), &mut NoRoots).unwrap_err();
        assert!(matches!(e, GcError::Quota { .. }));
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        assert_eq!(h.host_value_count(), 0);
    }
}
