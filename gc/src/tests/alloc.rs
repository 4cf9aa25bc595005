//! Allocation: zero-filled objects, headers, errors, growth, the quota, zeal, the inline path.

use crate::testing::*;
use crate::{
    ARRAY_LEN_OFFSET, BUMP_LIMIT_OFFSET, BUMP_TOP_OFFSET, FIRST_OBJECT, GcError, GcRef, Heap,
    NoRoots, OwnedRoot,
};

#[test]
fn structs_are_zeroed_with_their_header_written() {
    let mut h = heap();
    let a = h.alloc_struct(MIXED, &mut NoRoots).unwrap();
    let b = h.alloc_struct(NODE, &mut NoRoots).unwrap();
    assert_eq!(a.object(), Some(FIRST_OBJECT));
    assert!(b.raw() > a.raw());
    assert_eq!(b.raw() % 8, 0);
    assert_eq!(h.type_id(a), Some(MIXED));
    assert_eq!(h.type_id(b), Some(NODE));
    assert_eq!(h.read::<u32>(a, 4), Ok(0), "gc word is clear");
    for off in (8..64).step_by(8) {
        assert_eq!(h.read::<u64>(a, off), Ok(0), "field bytes at {off}");
    }
    assert_eq!(h.read_ref(b, NEXT), Ok(GcRef::NULL));
    assert_eq!(h.array_len(a), None, "a struct has no length");
}

#[test]
fn arrays_are_zeroed_with_their_length() {
    let mut h = heap();
    let a = h.alloc_array(LONGS, 10, &mut NoRoots).unwrap();
    let e = h.alloc_array(BYTES, 0, &mut NoRoots).unwrap();
    assert_eq!(h.array_len(a), Some(10));
    assert_eq!(h.array_len(e), Some(0));
    assert_eq!(h.read::<u32>(a, ARRAY_LEN_OFFSET), Ok(10));
    for i in 0..10 {
        let off = h.array_elem_offset(a, i).unwrap();
        assert_eq!(off, 16 + 8 * i);
        assert_eq!(h.read::<u64>(a, off), Ok(0));
    }
    assert_eq!(e.raw() - a.raw(), 16 + 80, "an array is as long as its elements");
}

#[test]
fn memory_reused_after_a_collection_is_zero_again() {
    let mut h = heap();
    let a = h.alloc_array(BYTES, 4000, &mut NoRoots).unwrap();
    h.array_fill(a, 0, 4000, &[0xff]).unwrap();
    h.collect(&mut NoRoots);
    let b = h.alloc_array(BYTES, 4000, &mut NoRoots).unwrap();
    assert_eq!(b, a, "same place");
    let mut out = vec![1; 4000];
    h.array_read_bytes(b, 0, &mut out).unwrap();
    assert!(out.iter().all(|&x| x == 0));
}

#[test]
fn unknown_types_and_wrong_kinds_are_errors() {
    let mut h = heap();
    assert_eq!(h.alloc_struct(99, &mut NoRoots), Err(GcError::UnknownType(99)));
    assert_eq!(h.alloc_array(99, 1, &mut NoRoots), Err(GcError::UnknownType(99)));
    assert!(matches!(h.alloc_struct(BYTES, &mut NoRoots), Err(GcError::WrongKind { .. })));
    assert!(matches!(h.alloc_array(NODE, 3, &mut NoRoots), Err(GcError::WrongKind { .. })));
    assert_eq!(
        h.alloc_array(NODE, 3, &mut NoRoots).unwrap_err().to_string(),
        "gc type id 0 is not an array type"
    );
    assert!(h.alloc_slow(99, 0, &mut NoRoots).is_err());
}

#[test]
fn a_huge_array_is_the_quota_error_not_a_panic() {
    let mut h = heap();
    let e = h.alloc_array(LONGS, u32::MAX, &mut NoRoots).unwrap_err();
    let asked = 16 + 8 * u64::from(u32::MAX);
    assert_eq!(e, GcError::Quota { limit: 16 << 20, asked });
    assert_eq!(
        e.to_string(),
        format!("gc heap quota exceeded: limit 16 MiB, asked for {asked} bytes")
    );
    // Fits a u32 but not the heap.
    let e = h.alloc_array(BYTES, 100 << 20, &mut NoRoots).unwrap_err();
    assert_eq!(e, GcError::Quota { limit: 16 << 20, asked: (100 << 20) + 16 });
    assert!(h.alloc_slow(BYTES, u32::MAX, &mut NoRoots).is_err());
    // Even a heap of the largest size says no without overflowing.
    let mut big = heap_with(u64::MAX, 1 << 16, false);
    assert_eq!(big.quota(), crate::MAX_HEAP_BYTES);
    for len in [u32::MAX, u32::MAX - 15, (u32::MAX - 16) / 8] {
        let e = big.alloc_array(LONGS, len, &mut NoRoots).unwrap_err();
        assert!(matches!(e, GcError::Quota { .. }), "{len}: {e}");
    }
    // And the heap still works.
    assert!(h.alloc_struct(NODE, &mut NoRoots).is_ok());
}

/// Pushes a node holding `value` on the list `head`.
fn push(h: &mut Heap, head: &mut GcRef, value: u64) -> Result<(), GcError> {
    let n = h.alloc_struct(NODE, head)?;
    h.write_ref(n, NEXT, *head).unwrap();
    h.write(n, VALUE, value).unwrap();
    *head = n;
    Ok(())
}

#[test]
fn keeping_everything_alive_hits_the_quota() {
    let mut h = heap_with(1 << 20, 64 << 10, false);
    let mut head = GcRef::NULL;
    let mut n = 0u64;
    let err = loop {
        match push(&mut h, &mut head, n) {
            Ok(()) => n += 1,
            Err(e) => break e,
        }
        assert!(n < 1 << 20, "no quota error");
    };
    assert_eq!(err.to_string(), "gc heap quota exceeded: limit 1 MiB, asked for 24 bytes");
    // Nearly all of the quota was usable.
    assert!(n * 24 > (1 << 20) - 64, "{n} nodes");
    assert_eq!(h.stats().heap_bytes, 1 << 20);
    // Everything is intact, and dropping the list makes room again.
    let mut r = head;
    for expected in (0..n).rev() {
        assert_eq!(h.read::<u64>(r, VALUE), Ok(expected));
        r = h.read_ref(r, NEXT).unwrap();
    }
    assert!(r.is_null());
    let mut head = GcRef::NULL;
    push(&mut h, &mut head, 7).unwrap();
    assert_eq!(h.stats().live_bytes, 0, "the collection that made room freed the list");
}

#[test]
fn the_soft_limit_doubles_when_the_live_set_grows() {
    let mut h = heap_with(64 << 20, 64 << 10, false);
    assert_eq!(h.soft_limit(), 64 << 10);
    let mut head = GcRef::NULL;
    for i in 0..50_000 {
        push(&mut h, &mut head, i).unwrap();
    }
    // 1.2 MB live: the limit doubled at every collection, to at least 1 MiB.
    let s = h.stats();
    assert!(s.collections >= 1);
    assert!(h.soft_limit() >= 1 << 20, "{}", h.soft_limit());
    assert!(h.soft_limit().is_power_of_two());
    assert!(u64::from(h.soft_limit()) / 2 >= s.live_bytes);
    assert!(h.committed_bytes() >= h.soft_limit() as usize);
}

#[test]
fn the_soft_limit_shrinks_back_when_the_live_set_does() {
    let mut h = heap_with(64 << 20, 64 << 10, false);
    let mut head = GcRef::NULL;
    for i in 0..100_000 {
        push(&mut h, &mut head, i).unwrap();
    }
    let grown = h.soft_limit();
    assert!(grown >= 4 << 20, "{grown}");
    // A tenth of the list: the limit halves while the live set fills at most an eighth of it.
    let mut r = head;
    for _ in 0..10_000 {
        r = h.read_ref(r, NEXT).unwrap();
    }
    h.write_ref(r, NEXT, GcRef::NULL).unwrap();
    h.collect(&mut head);
    let live = h.stats().live_bytes;
    assert_eq!(live, 10_001 * 24);
    assert!(u64::from(h.soft_limit()) / 8 < live + 8, "{} for {live}", h.soft_limit());
    assert!(h.soft_limit() < grown);
    assert_eq!(h.stats().heap_bytes, u64::from(h.soft_limit()));
    // Never below the initial limit.
    h.collect(&mut NoRoots);
    assert_eq!(h.soft_limit(), 64 << 10);
    // And it grows again as needed.
    for i in 0..100_000 {
        push(&mut h, &mut head, i).unwrap();
    }
    assert!(h.soft_limit() >= 4 << 20);
}

#[test]
fn garbage_does_not_grow_the_heap() {
    let mut h = heap_with(64 << 20, 64 << 10, false);
    for _ in 0..100_000 {
        h.alloc_struct(NODE, &mut NoRoots).unwrap();
    }
    assert_eq!(h.soft_limit(), 64 << 10);
    let s = h.stats();
    assert!(s.collections >= 30, "{}", s.collections);
    assert_eq!(s.bytes_allocated_total, 100_000 * 24);
}

#[test]
fn a_big_object_grows_the_heap_at_once() {
    let mut h = heap_with(64 << 20, 64 << 10, false);
    let a = h.alloc_array(BYTES, 10 << 20, &mut NoRoots).unwrap();
    assert!(h.soft_limit() >= 20 << 20);
    assert_eq!(h.array_len(a), Some(10 << 20));
}

/// Builds a tree-ish structure with garbage in between and returns a checksum of what it reads
/// back after every allocation, plus the collections it took.
fn workload(zeal: bool) -> (Vec<u64>, u64) {
    let mut h = heap_with(4 << 20, 64 << 10, zeal);
    let mut roots = vec![GcRef::NULL; 2];
    let arr = h.alloc_array(REFS, 50, &mut roots).unwrap();
    roots[0] = arr;
    let mut sums = Vec::new();
    for i in 0..300u64 {
        h.alloc_array(BYTES, 100, &mut roots).unwrap(); // garbage
        let n = h.alloc_struct(NODE, &mut roots).unwrap();
        h.write(n, VALUE, i * 3).unwrap();
        h.write_ref(n, NEXT, GcRef::from_i31(i as i32)).unwrap();
        let slot = h.array_elem_offset(roots[0], (i % 50) as u32).unwrap();
        h.write_ref(roots[0], slot, n).unwrap();
        let mut sum = 0;
        for j in 0..50 {
            let slot = h.array_elem_offset(roots[0], j).unwrap();
            let n = h.read_ref(roots[0], slot).unwrap();
            if !n.is_null() {
                sum += h.read::<u64>(n, VALUE).unwrap();
                sum += u64::from(h.read_ref(n, NEXT).unwrap().i31_u());
            }
        }
        sums.push(sum);
    }
    (sums, h.stats().collections)
}

#[test]
fn zeal_collects_at_every_allocation_with_the_same_results() {
    let (plain, plain_gcs) = workload(false);
    let (zeal, zeal_gcs) = workload(true);
    assert_eq!(plain, zeal);
    assert_eq!(zeal_gcs, 1 + 2 * 300, "one collection per allocation");
    assert!(plain_gcs < 5);
}

#[test]
fn zeal_keeps_the_limit_at_the_top() {
    let mut h = heap_with(1 << 20, 64 << 10, true);
    let r = h.alloc_struct(NODE, &mut NoRoots).unwrap();
    let root: OwnedRoot = h.root(r);
    // SAFETY: the pointer is the heap's live bump state; nothing else accesses it now.
    let bump = unsafe { &*h.bump_ptr() };
    assert_eq!(bump.top, bump.limit);
    assert_eq!(h.stats().collections, 1);
    h.alloc_struct(NODE, &mut NoRoots).unwrap();
    assert_eq!(h.stats().collections, 2);
    assert_eq!(h.type_id(h.get(&root)), Some(NODE));
}

#[test]
fn alloc_slow_collects_then_allocates() {
    let mut h = heap();
    h.alloc_struct(NODE, &mut NoRoots).unwrap();
    let mut keep = h.alloc_struct(NODE, &mut NoRoots).unwrap();
    h.write(keep, VALUE, 5u64).unwrap();
    let a = h.alloc_slow(LONGS, 3, &mut keep).unwrap();
    assert_eq!(h.stats().collections, 1);
    assert_eq!(keep.object(), Some(FIRST_OBJECT), "moved down over the dead node");
    assert_eq!(h.read::<u64>(keep, VALUE), Ok(5));
    assert_eq!(h.array_len(a), Some(3));
    let s = h.alloc_slow(NODE, 12345, &mut keep).unwrap();
    assert_eq!(h.type_id(s), Some(NODE), "len is ignored for a struct");
}

#[test]
fn inline_allocation_through_the_bump_pointer() {
    let mut h = heap();
    let bump = h.bump_ptr();
    // What compiled code does, with the offsets it uses.
    let inline_alloc = |type_id: u32, size: u32| -> Option<GcRef> {
        // SAFETY: `bump` is the heap's live bump state and `base + top .. base + limit` is
        // committed, zeroed heap memory; the heap is not otherwise in use during this closure.
        unsafe {
            let p = bump.cast::<u8>();
            let top = p.add(BUMP_TOP_OFFSET).cast::<u32>().read();
            let limit = p.add(BUMP_LIMIT_OFFSET).cast::<u32>().read();
            let end = u64::from(top) + u64::from(size);
            if end > u64::from(limit) {
                return None;
            }
            p.add(BUMP_TOP_OFFSET).cast::<u32>().write(end as u32);
            let base = (*bump).base;
            base.add(top as usize).cast::<u32>().write(type_id);
            Some(GcRef::from_raw(top))
        }
    };
    let mut head = GcRef::NULL;
    let mut inline = 0;
    for i in 0..10_000u64 {
        let n = match inline_alloc(NODE, 24) {
            Some(n) => {
                inline += 1;
                n
            }
            None => h.alloc_slow(NODE, 0, &mut head).unwrap(),
        };
        h.write_ref(n, NEXT, head).unwrap();
        h.write(n, VALUE, i).unwrap();
        if i.is_multiple_of(100) {
            head = n; // drop the rest of the list
            h.write_ref(n, NEXT, GcRef::NULL).unwrap();
        } else {
            head = n;
        }
    }
    assert!(inline > 9_000);
    assert!(h.stats().collections >= 1);
    assert_eq!(h.stats().bytes_allocated_total, 10_000 * 24, "inline allocations count too");
    let mut r = head;
    for i in (9_900..10_000).rev() {
        assert_eq!(h.read::<u64>(r, VALUE), Ok(i));
        r = h.read_ref(r, NEXT).unwrap();
    }
    assert!(r.is_null());
}

#[test]
fn a_tiny_quota_refuses_everything_cleanly() {
    let mut h = heap_with(8, 0, false);
    let e = h.alloc_struct(NODE, &mut NoRoots).unwrap_err();
    assert_eq!(e.to_string(), "gc heap quota exceeded: limit 8 bytes, asked for 24 bytes");
    let mut h = heap_with(0, 0, true);
    assert!(h.alloc_array(BYTES, 0, &mut NoRoots).is_err());
}

#[test]
fn heaps_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Heap>();
    check::<OwnedRoot>();
}
