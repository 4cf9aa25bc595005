//! Field and element access: every width, bounds, garbage references.

use crate::testing::*;
use crate::{AccessError, FieldKind, GcRef, Layout, NoRoots};

#[test]
fn every_field_of_a_mixed_struct_reads_back() {
    let mut h = heap();
    let s = h.alloc_struct(MIXED, &mut NoRoots).unwrap();
    let other = h.alloc_struct(NODE, &mut [s]).unwrap();
    let Some(Layout::Struct(l)) = h.layout(MIXED).cloned() else { panic!() };
    let kinds: Vec<FieldKind> = l.fields.iter().map(|f| f.kind).collect();
    use FieldKind as K;
    assert_eq!(
        kinds,
        [K::I8, K::I16, K::I32, K::I64, K::F32, K::F64, K::V128, K::FuncRef, K::GcRef]
    );
    let f = |i: usize| l.fields[i].offset;
    h.write(s, f(0), 0xabu8).unwrap();
    h.write(s, f(1), 0xbeefu16).unwrap();
    h.write(s, f(2), 0xdead_beefu32).unwrap();
    h.write(s, f(3), u64::MAX - 1).unwrap();
    h.write(s, f(4), 1.5f32.to_bits()).unwrap();
    h.write(s, f(5), (-2.25f64).to_bits()).unwrap();
    h.write(s, f(6), 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128).unwrap();
    h.write(s, f(7), 0x7fff_1234_5678u64).unwrap();
    h.write_ref(s, f(8), other).unwrap();
    assert_eq!(h.read::<u8>(s, f(0)), Ok(0xab));
    assert_eq!(h.read::<u16>(s, f(1)), Ok(0xbeef));
    assert_eq!(h.read::<u32>(s, f(2)), Ok(0xdead_beef));
    assert_eq!(h.read::<u64>(s, f(3)), Ok(u64::MAX - 1));
    assert_eq!(f32::from_bits(h.read(s, f(4)).unwrap()), 1.5);
    assert_eq!(f64::from_bits(h.read(s, f(5)).unwrap()), -2.25);
    assert_eq!(h.read::<u128>(s, f(6)), Ok(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10));
    assert_eq!(h.read::<u64>(s, f(7)), Ok(0x7fff_1234_5678));
    assert_eq!(h.read_ref(s, f(8)), Ok(other));
    // Neighbours were not touched.
    assert_eq!(h.type_id(other), Some(NODE));
    assert_eq!(h.read_ref(other, NEXT), Ok(GcRef::NULL));
    // Unaligned access is allowed (and harmless).
    assert_eq!(h.read::<u32>(s, f(1) + 1), Ok(0xadbe_efbe));
}

#[test]
fn garbage_references_are_errors() {
    let mut h = heap();
    let s = h.alloc_struct(NODE, &mut NoRoots).unwrap();
    let top = h.top();
    for (r, e) in [
        (GcRef::NULL, AccessError::Null),
        (GcRef::from_i31(5), AccessError::BadRef),
        (GcRef::from_raw(12), AccessError::BadRef),
        (GcRef::from_raw(top), AccessError::BadRef),
        (GcRef::from_raw(1 << 30), AccessError::BadRef),
        (GcRef::from_raw(u32::MAX - 7), AccessError::BadRef),
    ] {
        assert_eq!(h.read::<u64>(r, 8), Err(e), "{r:?}");
        assert_eq!(h.write::<u8>(r, 8, 1), Err(e), "{r:?}");
        assert_eq!(h.array_fill(r, 0, 0, &[0]), Err(e), "{r:?}");
        assert_eq!(h.type_id(r), None, "{r:?}");
        assert_eq!(h.array_len(r), None, "{r:?}");
        assert!(h.layout_of(r).is_none());
    }
    // Offsets running past the heap's top.
    assert_eq!(h.read::<u64>(s, 24), Err(AccessError::BadRef));
    assert_eq!(h.read::<u32>(s, 20), Ok(0));
    assert_eq!(h.read::<u128>(s, u32::MAX), Err(AccessError::BadRef));
    // A struct is not an array.
    assert_eq!(h.array_elem_offset(s, 0), Err(AccessError::BadRef));
    assert_eq!(h.array_copy(s, 0, s, 0, 0), Err(AccessError::BadRef));
}

#[test]
fn array_elements_are_bounds_checked() {
    let mut h = heap();
    let a = h.alloc_array(SHORTS, 5, &mut NoRoots).unwrap();
    assert_eq!(h.array_elem_offset(a, 4), Ok(16 + 8));
    assert_eq!(h.array_elem_offset(a, 5), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_elem_offset(a, u32::MAX), Err(AccessError::OutOfBounds));
    let e = h.alloc_array(SHORTS, 0, &mut [a]).unwrap();
    assert_eq!(h.array_elem_offset(e, 0), Err(AccessError::OutOfBounds));
    assert_eq!(AccessError::OutOfBounds.to_string(), "out of bounds array access");
}

fn shorts(h: &crate::Heap, a: GcRef) -> Vec<u16> {
    (0..h.array_len(a).unwrap())
        .map(|i| h.read::<u16>(a, h.array_elem_offset(a, i).unwrap()).unwrap())
        .collect()
}

#[test]
fn array_fill() {
    let mut h = heap();
    let a = h.alloc_array(SHORTS, 6, &mut NoRoots).unwrap();
    h.array_fill(a, 1, 3, &0x1234u16.to_le_bytes()).unwrap();
    assert_eq!(shorts(&h, a), [0, 0x1234, 0x1234, 0x1234, 0, 0]);
    h.array_fill(a, 0, 6, &[9, 9]).unwrap();
    assert_eq!(shorts(&h, a), [0x909; 6]);
    assert_eq!(h.array_fill(a, 6, 0, &[0, 0]), Ok(()), "empty at the end");
    assert_eq!(h.array_fill(a, 7, 0, &[0, 0]), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_fill(a, 4, 3, &[0, 0]), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_fill(a, u32::MAX, 2, &[0, 0]), Err(AccessError::OutOfBounds));
    assert_eq!(shorts(&h, a), [0x909; 6], "a failed fill writes nothing");
}

#[test]
fn array_copy_is_a_memmove() {
    let mut h = heap();
    let a = h.alloc_array(SHORTS, 6, &mut NoRoots).unwrap();
    for i in 0..6 {
        h.write(a, h.array_elem_offset(a, i).unwrap(), i as u16 + 1).unwrap();
    }
    h.array_copy(a, 1, a, 0, 4).unwrap();
    assert_eq!(shorts(&h, a), [1, 1, 2, 3, 4, 6]);
    h.array_copy(a, 0, a, 2, 4).unwrap();
    assert_eq!(shorts(&h, a), [2, 3, 4, 6, 4, 6]);
    let b = h.alloc_array(SHORTS, 3, &mut [a]).unwrap();
    h.array_copy(b, 0, a, 3, 3).unwrap();
    assert_eq!(shorts(&h, b), [6, 4, 6]);
    assert_eq!(h.array_copy(b, 1, a, 0, 3), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_copy(b, 0, a, 4, 3), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_copy(b, 3, a, 6, 0), Ok(()));
    assert_eq!(h.array_copy(b, u32::MAX, a, 0, 2), Err(AccessError::OutOfBounds));
    assert_eq!(shorts(&h, b), [6, 4, 6]);
}

#[test]
fn array_bytes_in_and_out() {
    let mut h = heap();
    let a = h.alloc_array(SHORTS, 4, &mut NoRoots).unwrap();
    h.array_write_bytes(a, 2, &[1, 0, 2, 0, 3, 0]).unwrap();
    assert_eq!(shorts(&h, a), [0, 1, 2, 3]);
    let mut out = [0u8; 4];
    h.array_read_bytes(a, 4, &mut out).unwrap();
    assert_eq!(out, [2, 0, 3, 0]);
    assert_eq!(h.array_write_bytes(a, 7, &[1, 2]), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_write_bytes(a, u64::MAX, &[1]), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_read_bytes(a, 0, &mut [0; 9]), Err(AccessError::OutOfBounds));
    assert_eq!(h.array_write_bytes(a, 8, &[]), Ok(()));
}
