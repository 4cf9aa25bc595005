//! The generations: minor collections, promotion, the write barrier and the remembered set.

use crate::testing::*;
use crate::{FIRST_OBJECT, GcRef, Heap, NoRoots, RootSet};

/// A new node holding `value` (its `next` null), allocated while `roots` are rooted.
fn node(h: &mut Heap, roots: &mut dyn RootSet, value: u64) -> GcRef {
    let n = h.alloc_struct(NODE, roots).unwrap();
    h.write(n, VALUE, value).unwrap();
    n
}

/// The value of the node `r`'s `next` field names.
fn next_value(h: &Heap, r: GcRef) -> u64 {
    let next = h.read_ref(r, NEXT).unwrap();
    h.read::<u64>(next, VALUE).unwrap()
}

/// Allocates `n` unreachable arrays of bytes (so that survivors move when collected).
fn garbage(h: &mut Heap, roots: &mut dyn RootSet, n: u32) {
    for i in 0..n {
        h.alloc_array(BYTES, 8 + i % 40, roots).unwrap();
    }
}

/// An old node: allocated, then promoted by a collection. Returns it (as rooted).
fn old_node(h: &mut Heap, value: u64) -> GcRef {
    let mut r = node(h, &mut NoRoots, value);
    h.collect(&mut r);
    assert!(r.raw() < h.bump.old_top(), "promoted");
    r
}

#[test]
fn a_minor_collection_moves_only_young_objects_and_promotes_the_survivors() {
    let mut h = generational_heap(1 << 20, false);
    let mut old = old_node(&mut h, 1);
    let old_at = old;
    let old_top = h.top();
    let full = h.stats().full_collections;
    garbage(&mut h, &mut old, 100);
    let mut roots = vec![old, GcRef::NULL];
    roots[1] = node(&mut h, &mut roots, 2);
    garbage(&mut h, &mut roots, 100);
    let young_before = roots[1];
    h.collect_minor(&mut roots);
    assert_eq!(roots[0], old_at, "an old object does not move");
    assert_ne!(roots[1], young_before, "the young survivor slid down");
    assert_eq!(roots[1].raw(), old_top, "onto the old generation");
    assert_eq!(h.read::<u64>(roots[1], VALUE), Ok(2));
    assert_eq!(h.top(), old_top + 24, "the young garbage is gone");
    assert_eq!(h.bump.old_top(), old_top, "the survivor has aged once: still young");
    assert_eq!(h.stats().promoted_bytes, 0);
    garbage(&mut h, &mut roots, 10);
    h.collect_minor(&mut roots);
    assert_eq!(roots[1].raw(), old_top, "it stays in place");
    assert_eq!(h.bump.old_top(), h.top(), "and is old after a second minor collection");
    let s = h.stats();
    assert_eq!(s.full_collections, full, "no full collection");
    assert_eq!(s.promoted_bytes, 24);
    old = roots[0];
    assert_eq!(h.read::<u64>(old, VALUE), Ok(1));
}

#[test]
fn a_young_object_held_only_by_an_old_one_survives_through_the_barrier() {
    let mut h = generational_heap(1 << 20, false);
    let mut old = old_node(&mut h, 1);
    garbage(&mut h, &mut old, 50);
    let young = node(&mut h, &mut old, 42);
    h.write_ref(old, NEXT, young).unwrap();
    assert_eq!(h.remembered_len(), 1, "the old node is remembered");
    garbage(&mut h, &mut old, 50);
    h.collect_minor(&mut old);
    assert_eq!(next_value(&h, old), 42, "the young node survived and the old field follows it");
    assert_eq!(h.remembered_len(), 1, "it is still young (aged once): the old node stays");
    h.collect_minor(&mut old);
    assert_eq!(next_value(&h, old), 42);
    assert_eq!(h.remembered_len(), 0, "both old now: the set is empty");
    assert_eq!(h.read::<u32>(old, 4).unwrap() & crate::barrier::REMEMBERED, 0, "bit cleared");
}

#[test]
fn an_object_is_remembered_once_and_only_for_young_values() {
    let mut h = generational_heap(1 << 20, false);
    let mut roots = [old_node(&mut h, 1), GcRef::NULL];
    roots[1] = old_node_after(&mut h, &mut roots, 2);
    let [a, b] = roots;
    h.write_ref(a, NEXT, b).unwrap();
    h.write_ref(a, NEXT, GcRef::from_i31(123_456)).unwrap();
    h.write::<u64>(a, VALUE, 7).unwrap();
    assert_eq!(h.remembered_len(), 0, "old values, i31s and numbers need no entry");
    let young = node(&mut h, &mut roots, 3);
    let [a, _] = roots;
    h.write_ref(a, NEXT, young).unwrap();
    h.write_ref(a, NEXT, young).unwrap();
    assert_eq!(h.remembered_len(), 1);
    let young_holder = node(&mut h, &mut [a, young], 4);
    h.write_ref(young_holder, NEXT, young).unwrap();
    assert_eq!(h.remembered_len(), 1, "a young object is never remembered");
}

/// A node allocated and promoted (two minor collections) while `roots` are rooted too.
fn old_node_after(h: &mut Heap, roots: &mut [GcRef; 2], value: u64) -> GcRef {
    roots[1] = node(h, roots, value);
    h.collect_minor(roots);
    h.collect_minor(roots);
    roots[1]
}

#[test]
fn bulk_stores_into_an_old_array_of_references_remember_it() {
    let mut h = generational_heap(1 << 20, false);
    let mut arr = h.alloc_array(REFS, 4, &mut NoRoots).unwrap();
    h.collect(&mut arr);
    // array.fill with a young node.
    let young = node(&mut h, &mut arr, 10);
    h.array_fill(arr, 0, 2, &young.raw().to_le_bytes()).unwrap();
    garbage(&mut h, &mut arr, 30);
    h.collect_minor(&mut arr);
    let first = h.read_ref(arr, h.array_elem_offset(arr, 1).unwrap()).unwrap();
    assert_eq!(h.read::<u64>(first, VALUE), Ok(10), "filled: survived");
    // array.copy from a young array of young nodes.
    let mut roots = vec![arr, GcRef::NULL];
    roots[1] = h.alloc_array(REFS, 2, &mut roots).unwrap();
    let n = node(&mut h, &mut roots, 20);
    let at = h.array_elem_offset(roots[1], 0).unwrap();
    h.write_ref(roots[1], at, n).unwrap();
    h.array_copy(roots[0], 2, roots[1], 0, 1).unwrap();
    roots.truncate(1);
    garbage(&mut h, &mut roots, 30);
    h.collect_minor(&mut roots);
    let arr = roots[0];
    let copied = h.read_ref(arr, h.array_elem_offset(arr, 2).unwrap()).unwrap();
    assert_eq!(h.read::<u64>(copied, VALUE), Ok(20), "copied: survived");
}

#[test]
fn allocation_runs_minor_collections_and_few_full_ones() {
    let mut h = generational_heap(256 << 10, false);
    // A long-lived list of 2,000 nodes, then 40 MB of short-lived ones.
    let mut head = GcRef::NULL;
    for i in 0..2000 {
        let n = node(&mut h, &mut head, i);
        h.write_ref(n, NEXT, head).unwrap();
        head = n;
    }
    for i in 0..2_000_000u64 {
        let n = node(&mut h, &mut head, i);
        if i % 1000 == 0 {
            // Now and then an old node gets a young neighbour, kept alive only through it.
            h.write_ref(head, NEXT, n).unwrap();
        }
    }
    let s = h.stats();
    assert!(s.collections > 100, "{s:?}");
    assert!(s.full_collections * 20 < s.collections, "mostly minor: {s:?}");
    assert!(h.soft_limit() <= 4 << 20, "the heap stays small: {}", h.soft_limit());
    let mut count = 0;
    let mut r = head;
    while !r.is_null() {
        count += 1;
        r = h.read_ref(r, NEXT).unwrap();
    }
    assert_eq!(count, 2, "the head, then the last young node stored into it");
}

#[test]
fn zeal_alternates_minor_and_full_collections_and_keeps_every_reachable_object() {
    let mut h = generational_heap(1 << 20, true);
    // Each new node goes at the end of the list: stored into the previous (older) node.
    let mut roots = vec![GcRef::NULL; 2];
    roots[0] = node(&mut h, &mut roots, 0);
    roots[1] = roots[0];
    for i in 1..300 {
        let n = node(&mut h, &mut roots, i);
        h.write_ref(roots[1], NEXT, n).unwrap();
        // The new node is reachable only through the older one while this collects.
        garbage(&mut h, &mut roots, 1);
        roots[1] = h.read_ref(roots[1], NEXT).unwrap();
    }
    let head = roots[0];
    let s = h.stats();
    assert!(s.full_collections > 100 && s.collections - s.full_collections > 100, "{s:?}");
    let mut values = Vec::new();
    let mut r = head;
    while !r.is_null() {
        values.push(h.read::<u64>(r, VALUE).unwrap());
        r = h.read_ref(r, NEXT).unwrap();
    }
    assert_eq!(values, (0..300).collect::<Vec<_>>());
    assert!(h.top() >= FIRST_OBJECT + 300 * 24);
}

#[test]
fn a_full_collection_frees_old_garbage_a_minor_one_keeps() {
    let mut h = generational_heap(1 << 20, false);
    old_node(&mut h, 1);
    let old_top = h.top();
    h.collect_minor(&mut NoRoots);
    assert_eq!(h.top(), old_top, "old garbage stays through a minor collection");
    h.collect(&mut NoRoots);
    assert_eq!(h.top(), FIRST_OBJECT, "and goes at the next full one");
}

#[test]
fn corrupt_young_references_are_nulled_or_hand_over_to_a_full_collection() {
    let mut h = generational_heap(1 << 20, false);
    let mut roots = vec![GcRef::NULL; 4];
    roots[0] = node(&mut h, &mut roots, 1);
    roots[1] = h.alloc_array(REFS, 6, &mut roots).unwrap();
    let inner = node(&mut h, &mut roots, 2);
    let top = h.top();
    // Far past the heap, inside an object, unaligned, just past the last object, below the
    // first object.
    let garbage = [0xffff_fff0, inner.raw() + 8, inner.raw() + 4, top, 6];
    for (i, g) in garbage.into_iter().enumerate() {
        let at = h.array_elem_offset(roots[1], i as u32).unwrap();
        h.write(roots[1], at, g).unwrap();
    }
    let at = h.array_elem_offset(roots[1], 5).unwrap();
    h.write_ref(roots[1], at, inner).unwrap();
    roots[2] = GcRef::from_raw(inner.raw() + 16);
    h.collect_minor(&mut roots);
    for i in 0..5 {
        let at = h.array_elem_offset(roots[1], i).unwrap();
        assert_eq!(h.read_ref(roots[1], at), Ok(GcRef::NULL), "garbage {i} became null");
    }
    let inner = h.read_ref(roots[1], h.array_elem_offset(roots[1], 5).unwrap()).unwrap();
    assert_eq!(h.read::<u64>(inner, VALUE), Ok(2));
    assert_eq!(roots[2], GcRef::NULL);
    assert_eq!(h.read::<u64>(roots[0], VALUE), Ok(1));
}

#[test]
fn a_minor_collection_drops_the_values_of_dead_young_boxes_only() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Tracked(Arc<AtomicUsize>);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let mut h = generational_heap(1 << 20, false);
    let mut old = h.alloc_host(Box::new(Tracked(drops.clone())), &mut NoRoots).unwrap();
    h.collect(&mut old);
    let mut roots = vec![old, GcRef::NULL];
    roots[1] = h.alloc_host(Box::new(Tracked(drops.clone())), &mut roots).unwrap();
    h.alloc_host(Box::new(Tracked(drops.clone())), &mut roots).unwrap();
    roots.truncate(1);
    h.collect_minor(&mut roots);
    assert_eq!(drops.load(Ordering::SeqCst), 2, "the two young boxes were dead");
    assert_eq!(h.host_value_count(), 1);
    h.collect_minor(&mut NoRoots);
    assert_eq!(drops.load(Ordering::SeqCst), 2, "the old box waits for a full collection");
    h.collect(&mut NoRoots);
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[test]
fn a_promoted_object_that_refers_to_a_young_one_is_remembered() {
    let mut h = generational_heap(1 << 20, false);
    // A chain a -> b, both young; a survives twice (promoted), b is allocated between the two
    // collections, so it is younger and only a refers to it at the second collection.
    let mut a = node(&mut h, &mut NoRoots, 1);
    h.collect_minor(&mut a);
    let b = node(&mut h, &mut a, 2);
    h.write_ref(a, NEXT, b).unwrap();
    h.collect_minor(&mut a);
    assert!(a.raw() < h.bump.old_top(), "a is old");
    assert_eq!(h.remembered_len(), 1, "a refers to b, aged once");
    garbage(&mut h, &mut a, 20);
    h.collect_minor(&mut a);
    assert_eq!(next_value(&h, a), 2, "b survived through a");
}
