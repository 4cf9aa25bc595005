//! Field and element access through the allocation record alone, for an interpreter's handlers.
//!
//! The checked accessors on [`Heap`](crate::Heap) look the object's type up and name every error
//! precisely; an interpreter that must do that on every `struct.get` spends more time there than
//! in the instruction. These functions do only what native code does inline: take the base and
//! the top from the [`Bump`] record, check that the bytes touched lie below the top (so inside
//! the committed heap, whatever the reference holds), and read or write them. They answer `None`
//! or `false` whenever they cannot finish — null, an `i31`, an index past an array's end, bytes
//! past the top, a store that needs the write barrier — and the caller then takes the checked
//! path, which does the work or names the error. Whether the object has the type the instruction
//! expects is the validator's promise, as in native code; the bounds never depend on it.

use crate::arena::Scalar;
use crate::arena::sealed::Sealed;
use crate::bump::Bump;
use crate::layout::{ARRAY_DATA_OFFSET, ARRAY_LEN_OFFSET, HEADER_TYPE_OFFSET, StructLayout};

/// The heap offset of the `size` bytes at `offset` from object `obj`'s header, when `obj` is an
/// object reference (not null, not an `i31`, aligned), the bytes are aligned to their size (to 8
/// for 16 bytes: fields are, in every layout) and they lie below the top.
#[inline(always)]
fn in_heap(bump: &Bump, obj: u32, offset: u64, size: u64) -> Option<u64> {
    if obj == 0 || obj & 7 != 0 {
        return None;
    }
    let at = u64::from(obj) + offset;
    if at & (size.min(8) - 1) != 0 {
        return None;
    }
    (at + size <= u64::from(bump.top)).then_some(at)
}

/// Reads the `T` at `offset` from object `obj`'s header.
///
/// # Safety
/// `bump` is the allocation record of a live heap (its base maps at least `top` bytes) and
/// nothing writes the heap during the call.
#[inline(always)]
pub unsafe fn read<T: Scalar>(bump: &Bump, obj: u32, offset: u32) -> Option<T> {
    let at = in_heap(bump, obj, u64::from(offset), size_of::<T>() as u64)?;
    // SAFETY: `[at, at + size_of::<T>())` lies below the top, inside the heap's committed memory
    // (contract), aligned as `load_aligned` asks (checked by `in_heap`).
    Some(unsafe { T::load_aligned(bump.base.add(at as usize)) })
}

/// Writes `value` at `offset` from object `obj`'s header; `false`, with nothing written, when the
/// checked path must do it — including a 4-byte store the write barrier must see (into an old
/// object, of a value at or above `old_top` that is not an `i31`).
///
/// # Safety
/// As [`read`], and nothing else reads or writes the heap during the call.
#[inline(always)]
pub unsafe fn write<T: Scalar>(bump: &Bump, obj: u32, offset: u32, value: T) -> bool {
    if let Some(bits) = value.ref_bits()
        && obj < bump.old_top
        && bits >= bump.old_top
        && bits & 1 == 0
    {
        return false;
    }
    let Some(at) = in_heap(bump, obj, u64::from(offset), size_of::<T>() as u64) else {
        return false;
    };
    // SAFETY: as in `read`; the heap is not otherwise accessed during the call (contract).
    unsafe { value.store_aligned(bump.base.add(at as usize)) };
    true
}

/// The length of array `arr`.
///
/// # Safety
/// As [`read`].
#[inline(always)]
pub unsafe fn array_len(bump: &Bump, arr: u32) -> Option<u32> {
    // SAFETY: this function's contract is `read`'s.
    unsafe { read::<u32>(bump, arr, ARRAY_LEN_OFFSET) }
}

/// The offset from `arr`'s header of element `idx` of `size` bytes, when `idx` is below the
/// array's length and the element lies below the top.
///
/// # Safety
/// As [`read`].
#[inline(always)]
pub unsafe fn element(bump: &Bump, arr: u32, idx: u32, size: u32) -> Option<u32> {
    // SAFETY: this function's contract is `read`'s.
    let len = unsafe { array_len(bump, arr)? };
    if idx >= len {
        return None;
    }
    let offset = u64::from(ARRAY_DATA_OFFSET) + u64::from(idx) * u64::from(size);
    in_heap(bump, arr, offset, u64::from(size))?;
    Some(offset as u32)
}

/// A new zero-filled object of `size` bytes (a multiple of 8) with type id `type_id` in its
/// header (and `len` as its length, for an array), bumped below the limit; `None` when it does not
/// fit there (the caller's checked path then collects, or names the quota). The header is all it
/// writes: memory from the top to the limit is always zero.
///
/// # Safety
/// `bump` is the allocation record of a live heap that knows the layout of `type_id` (a
/// collection must be able to walk the object), and nothing else reads or writes the record or
/// the heap during the call.
#[inline(always)]
pub unsafe fn alloc(bump: *mut Bump, type_id: u32, size: u32, len: Option<u32>) -> Option<u32> {
    // SAFETY: the record is live and not otherwise accessed (contract).
    let b = unsafe { &mut *bump };
    let top = b.top;
    let end = u64::from(top) + u64::from(size);
    if end > u64::from(b.limit) || top & 7 != 0 {
        return None;
    }
    b.top = end as u32;
    // SAFETY: `[top, end)` lies below the limit, so inside the committed heap (the limit never
    // passes the committed end); the header's words are aligned (objects start at multiples of
    // 8, and the size is at least a header).
    unsafe {
        let header = b.base.add(top as usize);
        type_id.store_aligned(header.add(HEADER_TYPE_OFFSET as usize));
        if let Some(len) = len {
            len.store_aligned(header.add(ARRAY_LEN_OFFSET as usize));
        }
    }
    Some(top)
}

/// Writes the fields of the new struct `obj` (just made by [`alloc`], so young: no write barrier)
/// from raw 64-bit slots, as [`Heap::write_struct_fields`](crate::Heap::write_struct_fields)
/// takes them. `slots` holds exactly `layout.value_slots` values.
///
/// # Safety
/// As [`write`]; `obj` was returned by [`alloc`] for a struct of `layout` and nothing has
/// collected since.
#[inline]
pub unsafe fn init_struct(bump: &Bump, obj: u32, layout: &StructLayout, slots: &[u64]) {
    let mut slot = 0;
    for f in layout.fields.iter() {
        let v = slots[slot];
        // SAFETY: the field lies inside the object, below the top, aligned to its size (8 for a
        // `v128`) as every layout places it in an object aligned to 8 (contract).
        unsafe {
            let at = bump.base.add(obj as usize + f.offset as usize);
            match f.kind.size() {
                1 => (v as u8).store_aligned(at),
                2 => (v as u16).store_aligned(at),
                4 => (v as u32).store_aligned(at),
                8 => v.store_aligned(at),
                _ => {
                    slot += 1;
                    (u128::from(v) | u128::from(slots[slot]) << 64).store_aligned(at)
                }
            }
        }
        slot += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 256-byte "heap" with an array of four `u16` at 64, and its record.
    fn heap() -> (Vec<u64>, Bump) {
        let mut words = vec![0u64; 32];
        words[64 / 8 + 1] = 4; // the array's length
        let base = words.as_mut_ptr().cast::<u8>();
        (words, Bump { base, top: 96, limit: 256, old_top: 96 })
    }

    #[test]
    fn reads_and_writes_below_the_top_only() {
        let (_words, bump) = heap();
        // SAFETY: `bump` describes `_words`, alive and otherwise untouched in this test.
        unsafe {
            assert!(write::<u64>(&bump, 8, 8, 0x1122));
            assert_eq!(read::<u64>(&bump, 8, 8), Some(0x1122));
            assert_eq!(read::<u8>(&bump, 8, 87), Some(0), "last byte below the top");
            assert_eq!(read::<u16>(&bump, 8, 87), None, "straddles the top");
            assert_eq!(read::<u8>(&bump, 0, 8), None, "null");
            assert_eq!(read::<u8>(&bump, 9, 0), None, "an i31");
            assert_eq!(read::<u8>(&bump, 12, 0), None, "misaligned");
            assert_eq!(read::<u32>(&bump, 8, 10), None, "a misaligned field");
            assert_eq!(read::<u128>(&bump, 8, 8), Some(0x1122), "16 bytes aligned to 8");
            assert_eq!(read::<u64>(&bump, 8, u32::MAX), None, "no overflow");
            assert!(!write::<u8>(&bump, 8, 88, 1), "past the top");
        }
    }

    #[test]
    fn elements_are_checked_against_the_length_and_the_top() {
        let (_words, mut bump) = heap();
        // SAFETY: as above.
        unsafe {
            assert_eq!(array_len(&bump, 64), Some(4));
            assert_eq!(element(&bump, 64, 3, 2), Some(16 + 6));
            assert_eq!(element(&bump, 64, 4, 2), None, "past the length");
            bump.top = 80 + 6;
            assert_eq!(element(&bump, 64, 3, 2), None, "past the top");
        }
    }

    #[test]
    fn allocation_bumps_below_the_limit_and_writes_the_header() {
        let (_words, mut bump) = heap();
        bump.limit = 128;
        // SAFETY: as above.
        unsafe {
            assert_eq!(alloc(&mut bump, 7, 16, None), Some(96));
            assert_eq!(alloc(&mut bump, 9, 16, Some(3)), Some(112));
            assert_eq!(alloc(&mut bump, 7, 8, None), None, "past the limit");
            assert_eq!(bump.top, 128);
            assert_eq!(read::<u32>(&bump, 96, HEADER_TYPE_OFFSET), Some(7));
            assert_eq!(array_len(&bump, 112), Some(3));
        }
    }

    #[test]
    fn struct_fields_are_written_from_slots() {
        use crate::testing::{field, val};
        use silo_loader::{StorageType, ValType};
        let (_words, mut bump) = heap();
        let fields = [field(StorageType::I8), val(ValType::V128), val(ValType::I64)];
        let layout = crate::struct_layout(&fields, |_| false);
        // SAFETY: as above.
        unsafe {
            let obj = alloc(&mut bump, 1, layout.size, None).unwrap();
            init_struct(&bump, obj, &layout, &[0x1ff, 1, 2, u64::MAX]);
            let f = &layout.fields;
            assert_eq!(read::<u8>(&bump, obj, f[0].offset), Some(0xff));
            assert_eq!(read::<u128>(&bump, obj, f[1].offset), Some(1 | 2 << 64));
            assert_eq!(read::<u64>(&bump, obj, f[2].offset), Some(u64::MAX));
        }
    }

    #[test]
    fn stores_the_barrier_must_see_are_left_to_the_checked_path() {
        let (_words, mut bump) = heap();
        bump.old_top = 40;
        // SAFETY: as above.
        unsafe {
            assert!(!write::<u32>(&bump, 8, 8, 64), "a young object into an old one");
            assert!(write::<u32>(&bump, 8, 8, 65), "an i31");
            assert!(write::<u32>(&bump, 8, 8, 16), "an old object");
            assert!(write::<u32>(&bump, 48, 8, 64), "into a young object");
            assert!(write::<u64>(&bump, 8, 8, 64), "not a reference's width");
        }
    }
}
