//! A long run with a small live set stays within its quota and its resident memory stays
//! bounded: the collector frees garbage and gives emptied pages back to the system.
//!
//! Its own test binary, so that no other test's allocations count towards the resident size.

use std::sync::Mutex;

use silo_gc::{GcRef, Heap, HeapConfig, Layout, array_layout, struct_layout};
use silo_loader::{FieldType, HeapType, RefType, StorageType, ValType};

const NODE: u32 = 0;
const BYTES: u32 = 1;
const NEXT: u32 = 8;
const PAYLOAD: u32 = 12;

fn any_ref() -> FieldType {
    let r = RefType { nullable: true, heap: HeapType::Any };
    FieldType { storage: StorageType::Val(ValType::Ref(r)), mutable: true }
}

/// Resident memory of this process, from `/proc/self/statm`.
#[cfg(target_os = "linux")]
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * region::page::size() as u64
}

#[cfg(not(target_os = "linux"))]
fn rss_bytes() -> u64 {
    0
}

/// A 64 MiB heap with the two types defined.
fn heap() -> Heap {
    let mut h = Heap::new(HeapConfig {
        max_bytes: 64 << 20,
        initial_bytes: 1 << 20,
        zeal: false,
        ..HeapConfig::default()
    })
    .unwrap();
    let no_funcs = |_: RefType| false;
    h.define(NODE, Layout::Struct(struct_layout(&[any_ref(), any_ref()], no_funcs)));
    let bytes = FieldType { storage: StorageType::I8, mutable: true };
    h.define(BYTES, Layout::Array(array_layout(bytes, no_funcs)));
    h
}

/// Allocates `total` bytes in all, as list nodes each carrying a `payload`-byte array; only the
/// last 100 to 200 nodes stay reachable (every 100 pushes the list is cut back to 100).
fn run(total: u64, payload: u32) {
    let mut h = heap();

    let rss_before = rss_bytes();
    let mut max_rss = rss_before;
    // roots[0]: the list's head; roots[1]: the payload being attached.
    let mut roots = [GcRef::NULL; 2];
    let mut i = 0u64;
    while h.stats().bytes_allocated_total < total {
        roots[1] = h.alloc_array(BYTES, payload, &mut roots).unwrap();
        // Touch every page, as a real program would.
        h.array_fill(roots[1], 0, payload, &[i as u8 | 1]).unwrap();
        h.array_write_bytes(roots[1], 0, &i.to_le_bytes()).unwrap();
        let n = h.alloc_struct(NODE, &mut roots).unwrap();
        h.write_ref(n, NEXT, roots[0]).unwrap();
        h.write_ref(n, PAYLOAD, roots[1]).unwrap();
        roots = [n, GcRef::NULL];
        i += 1;
        if i.is_multiple_of(100) {
            // Keep the newest 100 nodes.
            let mut r = roots[0];
            for _ in 0..99 {
                r = h.read_ref(r, NEXT).unwrap();
            }
            h.write_ref(r, NEXT, GcRef::NULL).unwrap();
        }
        if i.is_multiple_of(16) {
            max_rss = max_rss.max(rss_bytes());
        }
    }
    max_rss = max_rss.max(rss_bytes());

    // The list is intact: the newest node first, payloads holding their numbers.
    let mut r = roots[0];
    let mut expected = i;
    let mut len = 0;
    while !r.is_null() {
        expected -= 1;
        let p = h.read_ref(r, PAYLOAD).unwrap();
        assert_eq!(h.array_len(p), Some(payload));
        let mut b = [0; 8];
        h.array_read_bytes(p, 0, &mut b).unwrap();
        assert_eq!(u64::from_le_bytes(b), expected);
        let mut last = [0; 1];
        h.array_read_bytes(p, u64::from(payload) - 1, &mut last).unwrap();
        assert_eq!(last, [expected as u8 | 1]);
        r = h.read_ref(r, NEXT).unwrap();
        len += 1;
    }
    assert!((100..=200).contains(&len), "{len} nodes");

    let s = h.stats();
    assert!(s.bytes_allocated_total >= total);
    assert!(s.collections > 10, "{s:?}");
    assert!(s.heap_bytes <= 64 << 20);
    let growth = max_rss.saturating_sub(rss_before);
    eprintln!(
        "allocated {} MiB in {} collections (pauses: max {:?}, total {:?}); heap {} MiB; \
         resident before {} MiB, at most {} MiB",
        s.bytes_allocated_total >> 20,
        s.collections,
        s.max_pause,
        s.total_pause,
        s.heap_bytes >> 20,
        rss_before >> 20,
        max_rss >> 20,
    );
    assert!(max_rss < 200 << 20, "resident memory reached {} MiB", max_rss >> 20);
    assert!(growth <= 80 << 20, "resident memory grew by {} MiB", growth >> 20);
}

/// Resident-size measurements must not overlap.
static SERIAL: Mutex<()> = Mutex::new(());

/// 10 GB through a 64 MiB heap (about 3 s in a debug build).
#[test]
fn ten_gigabytes_through_a_64_mib_heap() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    run(10_000_000_000, 64 << 10);
}

/// After the live set shrinks, a collection hands the emptied pages back.
#[test]
#[cfg(target_os = "linux")]
fn emptied_pages_are_given_back() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut h = heap();
    let mut live = Vec::new();
    for i in 0..48u8 {
        let a = h.alloc_array(BYTES, 1 << 20, &mut live).unwrap();
        h.array_fill(a, 0, 1 << 20, &[i | 1]).unwrap();
        live.push(a);
    }
    let full = rss_bytes();
    live.truncate(1);
    h.collect(&mut live);
    let after = rss_bytes();
    eprintln!(
        "resident with 48 MiB live: {} MiB; with 1 MiB live: {} MiB (soft limit {} MiB)",
        full >> 20,
        after >> 20,
        h.soft_limit() >> 20
    );
    // The soft limit shrinks to 8 MiB (the live set fills at most an eighth of it); the pages
    // above it go back.
    assert_eq!(h.soft_limit(), 8 << 20);
    assert!(full - after >= 36 << 20, "only {} MiB given back", (full - after) >> 20);
    // What is left is intact, and the freed space reads as zero when allocated again.
    let mut b = [0; 1];
    h.array_read_bytes(live[0], (1 << 20) - 1, &mut b).unwrap();
    assert_eq!(b, [1]);
    let a = h.alloc_array(BYTES, 1 << 20, &mut live).unwrap();
    h.array_read_bytes(a, 12345, &mut b).unwrap();
    assert_eq!(b, [0]);
}
