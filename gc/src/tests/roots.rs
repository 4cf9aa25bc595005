//! Host roots: owned (shared, freed after their last clone drops) and scoped.

use crate::testing::*;
use crate::{GcRef, Heap, NoRoots, OwnedRoot};

fn node(h: &mut Heap, value: u64) -> GcRef {
    let n = h.alloc_struct(NODE, &mut NoRoots).unwrap();
    h.write(n, VALUE, value).unwrap();
    n
}

#[test]
fn owned_roots_keep_objects_alive_and_follow_them() {
    let mut h = heap();
    node(&mut h, 0); // garbage below, so the rooted object moves
    let n = node(&mut h, 7);
    let root = h.root(n);
    let copy = root.clone();
    h.collect(&mut NoRoots);
    assert_eq!(h.stats().live_bytes, 24);
    let moved = h.get(&root);
    assert_ne!(moved, n);
    assert_eq!(h.get(&copy), moved);
    assert_eq!(h.read::<u64>(moved, VALUE), Ok(7));

    drop(root);
    h.collect(&mut NoRoots);
    assert_eq!(h.stats().live_bytes, 24, "a clone still holds it");
    assert_eq!(h.read::<u64>(h.get(&copy), VALUE), Ok(7));

    drop(copy);
    assert_eq!(h.owned_root_count(), 1, "dropping needs no heap: freed at the next collection");
    h.collect(&mut NoRoots);
    assert_eq!(h.stats().live_bytes, 0);
    assert_eq!(h.owned_root_count(), 0);
}

#[test]
fn an_object_reachable_from_an_owned_root_survives() {
    let mut h = heap();
    let a = node(&mut h, 1);
    let ra = h.root(a);
    let b = node(&mut h, 2);
    h.write_ref(h.get(&ra), NEXT, b).unwrap();
    for _ in 0..10_000 {
        node(&mut h, 0);
    }
    assert!(h.stats().collections > 0);
    let b = h.read_ref(h.get(&ra), NEXT).unwrap();
    assert_eq!(h.read::<u64>(b, VALUE), Ok(2));
}

#[test]
fn freed_entries_are_reused() {
    let mut h = heap();
    for i in 0..100 {
        let n = node(&mut h, i);
        let r = h.root(n);
        drop(r);
        h.collect(&mut NoRoots);
    }
    assert_eq!(h.owned_root_count(), 0);
    let n = node(&mut h, 3);
    let r = h.root(n);
    h.set_root(&r, GcRef::from_i31(9));
    assert_eq!(h.get(&r), GcRef::from_i31(9));
    h.collect(&mut NoRoots);
    assert_eq!(h.get(&r), GcRef::from_i31(9));
    assert_eq!(h.stats().live_bytes, 0, "the root no longer holds the node");
}

#[test]
#[should_panic(expected = "did not create it")]
fn a_root_from_another_heap_is_refused() {
    let mut a = heap();
    let b = heap();
    let n = node(&mut a, 1);
    let root: OwnedRoot = a.root(n);
    b.get(&root);
}

#[test]
fn scoped_roots_last_until_their_scope_exits() {
    let mut h = heap();
    let outer = h.enter_scope();
    let n = node(&mut h, 1);
    let s1 = h.push_scoped(n);
    let inner = h.enter_scope();
    let m = node(&mut h, 2);
    let s2 = h.push_scoped(m);
    h.collect(&mut NoRoots);
    assert_eq!(h.stats().live_bytes, 48);
    assert_eq!(h.read::<u64>(h.scoped(s2).unwrap(), VALUE), Ok(2));
    h.exit_scope(inner);
    assert_eq!(h.scoped(s2), None);
    h.collect(&mut NoRoots);
    assert_eq!(h.stats().live_bytes, 24);
    assert_eq!(h.read::<u64>(h.scoped(s1).unwrap(), VALUE), Ok(1));
    h.exit_scope(outer);
    h.collect(&mut NoRoots);
    assert_eq!(h.stats().live_bytes, 0);
}
