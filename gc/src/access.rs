//! Reading and writing objects: headers, fields, array elements and array bulk operations.
//!
//! Every accessor checks its reference and range against the allocated part of the heap, so a
//! garbage `GcRef` or offset is an [`AccessError`], never a wild access. Offsets given to
//! [`Heap::read`] and [`Heap::write`] count from the object's header (a struct field's offset is
//! its [`FieldLayout::offset`](crate::FieldLayout)); they are checked against the heap, not the
//! object (the caller's layouts keep them inside it). Array operations check indices against the
//! array's length and return [`AccessError::OutOfBounds`].
//!
//! Every write that may store a reference passes the write barrier (`barrier`): a 4-byte
//! [`Heap::write`] (it cannot tell a reference from an `i32`, and a needless entry in the
//! remembered set costs only a rescan), reference fields of `write_struct_fields`, and the bulk
//! operations on arrays of references.

use crate::arena::Scalar;
use crate::error::AccessError;
use crate::gc_ref::GcRef;
use crate::heap::Heap;
use crate::layout::{
    ARRAY_DATA_OFFSET, ARRAY_LEN_OFFSET, ArrayLayout, FieldKind, HEADER_SIZE, HEADER_TYPE_OFFSET,
    Layout, OBJECT_ALIGN,
};

/// An array as the bulk operations see it.
struct ArrayView {
    off: u64,
    layout: ArrayLayout,
    len: u32,
}

impl ArrayView {
    /// Byte offset (from the heap base) of element `start` after checking that `count`
    /// elements from it lie in the array.
    fn range(&self, start: u32, count: u32) -> Result<u64, AccessError> {
        if u64::from(start) + u64::from(count) > u64::from(self.len) {
            return Err(AccessError::OutOfBounds);
        }
        Ok(self.off
            + u64::from(ARRAY_DATA_OFFSET)
            + u64::from(start) * u64::from(self.layout.elem_size))
    }

    fn data_bytes(&self) -> u64 {
        u64::from(self.len) * u64::from(self.layout.elem_size)
    }
}

impl Heap {
    /// The offset of `r`'s header after checking that a header fits there.
    fn header_at(&self, r: GcRef) -> Result<u64, AccessError> {
        if r.is_null() {
            return Err(AccessError::Null);
        }
        let off = r.object().ok_or(AccessError::BadRef)?;
        if !off.is_multiple_of(OBJECT_ALIGN)
            || u64::from(off) + u64::from(HEADER_SIZE) > u64::from(self.top())
        {
            return Err(AccessError::BadRef);
        }
        Ok(u64::from(off))
    }

    /// The type id in `r`'s header; `None` for null, an `i31` or an offset outside the heap.
    pub fn type_id(&self, r: GcRef) -> Option<u32> {
        let off = self.header_at(r).ok()?;
        self.arena.load(off + u64::from(HEADER_TYPE_OFFSET))
    }

    /// The layout of `r`'s type.
    pub fn layout_of(&self, r: GcRef) -> Option<&Layout> {
        self.types.get(self.type_id(r)?)
    }

    fn array_view(&self, r: GcRef) -> Result<ArrayView, AccessError> {
        let off = self.header_at(r)?;
        let type_id: u32 = self.arena.load(off).ok_or(AccessError::BadRef)?;
        let Some(Layout::Array(layout)) = self.types.get(type_id) else {
            return Err(AccessError::BadRef);
        };
        let len: u32 =
            self.arena.load(off + u64::from(ARRAY_LEN_OFFSET)).ok_or(AccessError::BadRef)?;
        // The whole array must lie in the heap, so element offsets need no further check.
        if off + layout.size_u64(len) > u64::from(self.top()) {
            return Err(AccessError::BadRef);
        }
        Ok(ArrayView { off, layout: *layout, len })
    }

    /// The length of array `r`; `None` when `r` is not an array.
    pub fn array_len(&self, r: GcRef) -> Option<u32> {
        self.array_view(r).ok().map(|a| a.len)
    }

    /// The offset from `r`'s header of element `index`, for [`read`](Self::read) and
    /// [`write`](Self::write); `OutOfBounds` past the end.
    pub fn array_elem_offset(&self, r: GcRef, index: u32) -> Result<u32, AccessError> {
        let a = self.array_view(r)?;
        let at = a.range(index, 1)?;
        Ok((at - a.off) as u32)
    }

    /// Writes every field of struct `r` from raw 64-bit slots, in declaration order, one per
    /// field and two for a `v128` (low half first): what `struct.new` stores. Only the low bytes
    /// of a slot are stored for a narrower field.
    pub fn write_struct_fields(&mut self, r: GcRef, slots: &[u64]) -> Result<(), AccessError> {
        let off = self.header_at(r)?;
        let type_id: u32 = self.arena.load(off).ok_or(AccessError::BadRef)?;
        let Some(Layout::Struct(layout)) = self.types.get(type_id) else {
            return Err(AccessError::BadRef);
        };
        if off + u64::from(layout.size) > u64::from(self.top()) {
            return Err(AccessError::BadRef);
        }
        let old_top = self.bump.old_top();
        let mut young_stored = false;
        let mut slot = 0;
        for f in layout.fields.iter() {
            let at = off + u64::from(f.offset);
            let v = slots.get(slot).copied().ok_or(AccessError::OutOfBounds)?;
            let stored = match f.kind.size() {
                1 => self.arena.store(at, v as u8),
                2 => self.arena.store(at, v as u16),
                4 => self.arena.store(at, v as u32),
                8 => self.arena.store(at, v),
                _ => {
                    let high = slots.get(slot + 1).copied().ok_or(AccessError::OutOfBounds)?;
                    slot += 1;
                    self.arena.store(at, u128::from(v) | u128::from(high) << 64)
                }
            };
            if !stored {
                return Err(AccessError::BadRef);
            }
            if f.kind == FieldKind::GcRef {
                let value = GcRef::from_raw(v as u32);
                young_stored |= value.raw() >= old_top && !value.is_i31();
            }
            slot += 1;
        }
        if young_stored {
            self.remember(r);
        }
        Ok(())
    }

    /// Reads the fields of struct `r` from field `first` on into raw 64-bit slots, the form
    /// [`write_struct_fields`](Self::write_struct_fields) takes (one per field, two for a `v128`,
    /// narrower fields zero-extended). `out` must hold exactly those slots.
    pub fn read_struct_fields(
        &self,
        r: GcRef,
        first: usize,
        out: &mut [u64],
    ) -> Result<(), AccessError> {
        let off = self.header_at(r)?;
        let type_id: u32 = self.arena.load(off).ok_or(AccessError::BadRef)?;
        let Some(Layout::Struct(layout)) = self.types.get(type_id) else {
            return Err(AccessError::BadRef);
        };
        if off + u64::from(layout.size) > u64::from(self.top()) {
            return Err(AccessError::BadRef);
        }
        let mut slot = 0;
        for f in layout.fields.iter().skip(first) {
            let at = off + u64::from(f.offset);
            let value: Option<u128> = match f.kind.size() {
                1 => self.arena.load::<u8>(at).map(u128::from),
                2 => self.arena.load::<u16>(at).map(u128::from),
                4 => self.arena.load::<u32>(at).map(u128::from),
                8 => self.arena.load::<u64>(at).map(u128::from),
                _ => self.arena.load::<u128>(at),
            };
            let value = value.ok_or(AccessError::BadRef)?;
            *out.get_mut(slot).ok_or(AccessError::OutOfBounds)? = value as u64;
            if f.kind.size() == 16 {
                slot += 1;
                *out.get_mut(slot).ok_or(AccessError::OutOfBounds)? = (value >> 64) as u64;
            }
            slot += 1;
        }
        Ok(())
    }

    /// The `T` at `offset` from `r`'s header (any alignment).
    pub fn read<T: Scalar>(&self, r: GcRef, offset: u32) -> Result<T, AccessError> {
        let at = self.field_at(r, offset, size_of::<T>())?;
        self.arena.load(at).ok_or(AccessError::BadRef)
    }

    /// Writes `value` at `offset` from `r`'s header (any alignment).
    pub fn write<T: Scalar>(&mut self, r: GcRef, offset: u32, value: T) -> Result<(), AccessError> {
        let at = self.field_at(r, offset, size_of::<T>())?;
        if !self.arena.store(at, value) {
            return Err(AccessError::BadRef);
        }
        if let Some(bits) = value.ref_bits() {
            self.write_barrier(r, GcRef::from_raw(bits));
        }
        Ok(())
    }

    /// The reference stored at `offset` from `r`'s header.
    pub fn read_ref(&self, r: GcRef, offset: u32) -> Result<GcRef, AccessError> {
        self.read::<u32>(r, offset).map(GcRef::from_raw)
    }

    /// Stores reference `value` at `offset` from `r`'s header.
    pub fn write_ref(&mut self, r: GcRef, offset: u32, value: GcRef) -> Result<(), AccessError> {
        self.write(r, offset, value.raw())
    }

    fn field_at(&self, r: GcRef, offset: u32, size: usize) -> Result<u64, AccessError> {
        let off = self.header_at(r)?;
        let at = off + u64::from(offset);
        if at + size as u64 > u64::from(self.top()) {
            return Err(AccessError::BadRef);
        }
        Ok(at)
    }

    /// Sets elements `[start, start + len)` of array `r` to `value`, the element's bytes
    /// (`array.fill`). `value` must be as long as one element.
    pub fn array_fill(
        &mut self,
        r: GcRef,
        start: u32,
        len: u32,
        value: &[u8],
    ) -> Result<(), AccessError> {
        let a = self.array_view(r)?;
        if value.len() != a.layout.elem_size as usize {
            debug_assert!(false, "array_fill with a value of the wrong size");
            return Err(AccessError::BadRef);
        }
        let at = a.range(start, len)?;
        if !self.arena.fill(at, value, u64::from(len)) {
            return Err(AccessError::BadRef);
        }
        if a.layout.elem_kind == FieldKind::GcRef && len > 0 {
            let bits = value.try_into().map(u32::from_le_bytes).unwrap_or(0);
            self.write_barrier(r, GcRef::from_raw(bits));
        }
        Ok(())
    }

    /// Copies elements `[src_start, src_start + len)` of `src` to `[dst_start, ...)` of `dst`
    /// (`array.copy`); the ranges may overlap. Both arrays must have the same element size.
    pub fn array_copy(
        &mut self,
        dst: GcRef,
        dst_start: u32,
        src: GcRef,
        src_start: u32,
        len: u32,
    ) -> Result<(), AccessError> {
        let d = self.array_view(dst)?;
        let s = self.array_view(src)?;
        if d.layout.elem_size != s.layout.elem_size {
            debug_assert!(false, "array_copy between arrays of different element sizes");
            return Err(AccessError::BadRef);
        }
        let to = d.range(dst_start, len)?;
        let from = s.range(src_start, len)?;
        let bytes = u64::from(len) * u64::from(d.layout.elem_size);
        if !self.arena.copy(from, to, bytes) {
            return Err(AccessError::BadRef);
        }
        if d.layout.elem_kind == FieldKind::GcRef && len > 0 {
            self.remember(dst);
        }
        Ok(())
    }

    /// Writes `bytes` into array `r`'s elements from byte `start_byte` of its data
    /// (`array.new_data`, `array.init_data`: the caller passes `index * elem_size`).
    pub fn array_write_bytes(
        &mut self,
        r: GcRef,
        start_byte: u64,
        bytes: &[u8],
    ) -> Result<(), AccessError> {
        let a = self.array_view(r)?;
        let at = Self::byte_range(&a, start_byte, bytes.len())?;
        if !self.arena.write_bytes(at, bytes) {
            return Err(AccessError::BadRef);
        }
        if a.layout.elem_kind == FieldKind::GcRef && !bytes.is_empty() {
            self.remember(r);
        }
        Ok(())
    }

    /// Reads `out.len()` bytes of array `r`'s elements from byte `start_byte` of its data.
    pub fn array_read_bytes(
        &self,
        r: GcRef,
        start_byte: u64,
        out: &mut [u8],
    ) -> Result<(), AccessError> {
        let a = self.array_view(r)?;
        let at = Self::byte_range(&a, start_byte, out.len())?;
        if self.arena.read_bytes(at, out) { Ok(()) } else { Err(AccessError::BadRef) }
    }

    fn byte_range(a: &ArrayView, start_byte: u64, len: usize) -> Result<u64, AccessError> {
        match start_byte.checked_add(len as u64) {
            Some(end) if end <= a.data_bytes() => {
                Ok(a.off + u64::from(ARRAY_DATA_OFFSET) + start_byte)
            }
            _ => Err(AccessError::OutOfBounds),
        }
    }
}
