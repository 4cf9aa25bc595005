//! Collection: what survives, what is freed, cycles, moving, corruption.

use crate::testing::*;
use crate::{FIRST_OBJECT, GcRef, Heap, NoRoots, RootSet};

/// A new node holding `value` (its `next` null). Not rooted: callers allocate nothing else
/// before linking it somewhere rooted.
fn node(h: &mut Heap, roots: &mut dyn RootSet, value: u64) -> GcRef {
    let n = h.alloc_struct(NODE, roots).unwrap();
    h.write(n, VALUE, value).unwrap();
    n
}

/// Pushes a node holding `value` on the list `head` (the root while allocating).
fn cons(h: &mut Heap, head: &mut GcRef, value: u64) {
    let n = node(h, head, value);
    h.write_ref(n, NEXT, *head).unwrap();
    *head = n;
}

fn values(h: &Heap, mut r: GcRef) -> Vec<u64> {
    let mut out = Vec::new();
    while !r.is_null() {
        out.push(h.read::<u64>(r, VALUE).unwrap());
        r = h.read_ref(r, NEXT).unwrap();
    }
    out
}

#[test]
fn reachable_objects_survive_moved_and_intact() {
    let mut h = heap();
    let mut head = GcRef::NULL;
    for i in 0..1000 {
        h.alloc_array(BYTES, i as u32 % 50, &mut head).unwrap(); // garbage between the nodes
        cons(&mut h, &mut head, i);
    }
    let before = head;
    let collections = h.stats().collections;
    h.collect(&mut head);
    assert_ne!(head, before, "the root was updated: its object moved down");
    assert_eq!(values(&h, head), (0..1000).rev().collect::<Vec<_>>());
    let s = h.stats();
    assert_eq!(s.collections, collections + 1);
    assert_eq!(s.live_bytes, 1000 * 24);
    assert_eq!(h.top(), FIRST_OBJECT + 1000 * 24, "the live objects are packed");
    // Allocation order is kept: the oldest node is first.
    assert_eq!(h.read::<u64>(crate::GcRef::from_raw(FIRST_OBJECT), VALUE), Ok(0));
}

#[test]
fn unreachable_objects_are_freed() {
    let mut h = heap();
    let mut head = GcRef::NULL;
    for i in 0..100 {
        cons(&mut h, &mut head, i);
    }
    assert_eq!(h.top(), FIRST_OBJECT + 2400);
    h.collect(&mut NoRoots);
    assert_eq!(h.top(), FIRST_OBJECT);
    assert_eq!(h.stats().live_bytes, 0);
}

#[test]
fn an_unreachable_cycle_is_reclaimed() {
    let mut h = heap();
    let keep = node(&mut h, &mut NoRoots, 1);
    let mut roots = vec![keep];
    let a = node(&mut h, &mut roots, 10);
    roots.push(a);
    let b = node(&mut h, &mut roots, 20);
    h.write_ref(b, NEXT, roots[1]).unwrap();
    h.write_ref(roots[1], NEXT, b).unwrap(); // a -> b -> a
    h.collect(&mut roots);
    assert_eq!(h.stats().live_bytes, 3 * 24, "rooted: the cycle lives");
    let (a, b) = (roots[1], h.read_ref(roots[1], NEXT).unwrap());
    assert_eq!(h.read_ref(b, NEXT), Ok(a), "still a cycle after moving");
    assert_eq!(h.read::<u64>(b, VALUE), Ok(20));
    let mut keep = roots[0];
    h.collect(&mut keep);
    assert_eq!(h.stats().live_bytes, 24, "unrooted: the cycle is gone");
    assert_eq!(h.read::<u64>(keep, VALUE), Ok(1));
}

#[test]
fn arrays_of_references_are_traced() {
    let mut h = heap();
    let mut arr = h.alloc_array(REFS, 10, &mut NoRoots).unwrap();
    for i in 0..10 {
        h.alloc_struct(NODE, &mut arr).unwrap(); // garbage
        let n = node(&mut h, &mut arr, i);
        h.write_ref(n, NEXT, GcRef::from_i31(-(i as i32))).unwrap();
        let at = h.array_elem_offset(arr, i as u32).unwrap();
        h.write_ref(arr, at, n).unwrap();
    }
    let at = h.array_elem_offset(arr, 3).unwrap();
    h.write_ref(arr, at, GcRef::from_i31(-77)).unwrap();
    h.collect(&mut arr);
    assert_eq!(h.stats().live_bytes, 56 + 9 * 24);
    for i in 0..10 {
        let r = h.read_ref(arr, h.array_elem_offset(arr, i).unwrap()).unwrap();
        if i == 3 {
            assert_eq!(r.i31_s(), -77);
            continue;
        }
        assert_eq!(h.read::<u64>(r, VALUE), Ok(u64::from(i)));
        assert_eq!(h.read_ref(r, NEXT).unwrap().i31_s(), -(i as i32), "i31 fields untouched");
    }
}

#[test]
fn non_reference_fields_are_not_traced() {
    let mut h = heap();
    let mut longs = h.alloc_array(LONGS, 4, &mut NoRoots).unwrap();
    let target = node(&mut h, &mut longs, 5);
    // An i64 that happens to look like a reference keeps nothing alive and is not rewritten.
    let at = h.array_elem_offset(longs, 0).unwrap();
    h.write(longs, at, u64::from(target.raw())).unwrap();
    h.collect(&mut longs);
    assert_eq!(h.stats().live_bytes, 48);
    assert_eq!(h.read::<u64>(longs, at), Ok(u64::from(target.raw())));
}

#[test]
fn roots_holding_nulls_and_i31s_are_left_alone() {
    let mut h = heap();
    let mut roots = [GcRef::NULL, GcRef::from_i31(42), GcRef::from_i31(-1)];
    h.alloc_struct(NODE, &mut roots).unwrap();
    h.collect(&mut roots);
    assert_eq!(roots, [GcRef::NULL, GcRef::from_i31(42), GcRef::from_i31(-1)]);
}

#[test]
fn corrupted_reference_fields_do_not_crash_the_collector() {
    let mut h = heap();
    let mut roots = vec![GcRef::NULL; 8];
    let keep = node(&mut h, &mut roots, 1);
    roots[0] = keep;
    let arr = h.alloc_array(REFS, 6, &mut roots).unwrap();
    roots[1] = arr;
    let inner = node(&mut h, &mut roots, 2);
    let top = h.top();
    let garbage = [
        0xffff_fff0,     // far past the heap
        inner.raw() + 8, // inside an object
        inner.raw() + 4, // inside an object, not a multiple of 8
        top,             // just past the last object
        6,               // below the first object
    ];
    for (i, g) in garbage.into_iter().enumerate() {
        let at = h.array_elem_offset(roots[1], i as u32).unwrap();
        h.write(roots[1], at, g).unwrap();
    }
    let at = h.array_elem_offset(roots[1], 5).unwrap();
    h.write_ref(roots[1], at, inner).unwrap();
    h.write(roots[0], NEXT, 0x7fff_fff8u32).unwrap();
    // And garbage roots.
    roots[2] = GcRef::from_raw(0x10_0000);
    roots[3] = GcRef::from_raw(inner.raw() + 16);
    h.collect(&mut roots);
    for i in 0..5 {
        let at = h.array_elem_offset(roots[1], i).unwrap();
        assert_eq!(h.read_ref(roots[1], at), Ok(GcRef::NULL), "garbage {i} became null");
    }
    let inner = h.read_ref(roots[1], h.array_elem_offset(roots[1], 5).unwrap()).unwrap();
    assert_eq!(h.read::<u64>(inner, VALUE), Ok(2));
    assert_eq!(h.read_ref(roots[0], NEXT), Ok(GcRef::NULL));
    assert_eq!(h.read::<u64>(roots[0], VALUE), Ok(1));
    assert_eq!(&roots[2..4], &[GcRef::NULL, GcRef::NULL]);
    assert_eq!(h.stats().live_bytes, 24 + (16 + 24) + 24);
    // The heap goes on working.
    for _ in 0..10_000 {
        h.alloc_struct(NODE, &mut roots).unwrap();
    }
    assert_eq!(h.read::<u64>(roots[0], VALUE), Ok(1));
}

#[test]
fn a_corrupted_header_ends_the_walk_without_a_crash() {
    let mut h = heap();
    let mut roots = vec![GcRef::NULL; 3];
    roots[0] = node(&mut h, &mut roots, 1);
    roots[1] = node(&mut h, &mut roots, 2);
    roots[2] = h.alloc_array(LONGS, 2, &mut roots).unwrap();
    // An absurd type id, then an array claiming to be enormous.
    h.write(roots[1], 0, 0x00ab_cdefu32).unwrap();
    h.write(roots[2], 8, u32::MAX).unwrap();
    h.collect(&mut roots);
    assert_eq!(h.read::<u64>(roots[0], VALUE), Ok(1), "objects before the damage are kept");
    assert_eq!(&roots[1..], &[GcRef::NULL, GcRef::NULL]);
    for _ in 0..10_000 {
        h.alloc_struct(NODE, &mut roots).unwrap();
    }
    assert_eq!(h.read::<u64>(roots[0], VALUE), Ok(1));
}

#[test]
fn a_corrupt_reference_overlapping_a_live_object_leaves_the_heap_to_the_checked_path() {
    let mut h = heap();
    let mut roots = vec![GcRef::NULL; 3];
    // Node 0's value, read as a reference, names nothing: a collector that scanned the fake
    // object below would null it.
    roots[0] = node(&mut h, &mut roots, 0x10_0000);
    roots[1] = node(&mut h, &mut roots, 2);
    assert_eq!(roots[1].raw(), roots[0].raw() + 24, "adjacent");
    // Node 0's `next` is null, so its bytes from offset 8 read as the header of a node (type 0)
    // that would run into node 1.
    roots[2] = GcRef::from_raw(roots[0].raw() + 8);
    h.collect(&mut roots);
    assert_eq!(roots[2], GcRef::NULL, "the reference to no object's start became null");
    assert_eq!(h.read::<u64>(roots[0], VALUE), Ok(0x10_0000), "nothing written through it");
    assert_eq!(h.read::<u64>(roots[1], VALUE), Ok(2));
    assert_eq!(h.stats().live_bytes, 48);
}

#[test]
fn dead_host_values_are_dropped_by_a_full_collection_and_live_ones_kept() {
    let mut h = heap();
    let mut roots = vec![GcRef::NULL; 2];
    roots[0] = h.alloc_host(Box::new(1u32), &mut roots).unwrap();
    h.alloc_host(Box::new(2u32), &mut roots).unwrap();
    roots[1] = h.alloc_host(Box::new(3u32), &mut roots).unwrap();
    h.alloc_host(Box::new(4u32), &mut roots).unwrap();
    h.collect(&mut roots);
    assert_eq!(h.host_value_count(), 2);
    let value = |h: &Heap, r| h.host_value(r).and_then(|v| v.downcast_ref::<u32>()).copied();
    assert_eq!((value(&h, roots[0]), value(&h, roots[1])), (Some(1), Some(3)));
    // The freed slots are reused, and the kept values stay theirs.
    roots[0] = h.alloc_host(Box::new(5u32), &mut roots).unwrap();
    h.collect(&mut roots);
    assert_eq!((value(&h, roots[0]), value(&h, roots[1])), (Some(5), Some(3)));
    assert_eq!(h.host_value_count(), 2);
}
