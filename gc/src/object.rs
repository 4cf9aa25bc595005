//! Objects as the collector sees them: their size from their header, and their traced fields.
//!
//! The heap is walkable: from [`FIRST_OBJECT`](crate::FIRST_OBJECT), each object's size (from its
//! type's layout, and an array's length) leads to the next. A header that makes no sense (an
//! unknown type id, a size running past the end) ends the walk; nothing here reads outside the
//! committed heap whatever the bytes say.

use crate::arena::Arena;
use crate::heap::Types;
use crate::host::HOST_BOX_SIZE;
use crate::layout::{ARRAY_DATA_OFFSET, ARRAY_LEN_OFFSET, FieldKind, HEADER_SIZE, Layout};

/// The size of the object whose header is at `off`, if it is a sane object ending at or before
/// `end`.
pub(crate) fn object_size(types: &Types, arena: &Arena, off: u32, end: u32) -> Option<u32> {
    let off64 = u64::from(off);
    let type_id: u32 = arena.load(off64)?;
    let size = match types.get(type_id)? {
        Layout::Struct(s) => u64::from(s.size),
        Layout::Array(a) => a.size_u64(arena.load(off64 + u64::from(ARRAY_LEN_OFFSET))?),
        Layout::HostBox => u64::from(HOST_BOX_SIZE),
    };
    let sane = size >= u64::from(HEADER_SIZE) && size.is_multiple_of(8);
    (sane && off64 + size <= u64::from(end)).then_some(size as u32)
}

/// Calls `f` with the heap offset of every traced field of the object at `off` (whose size was
/// checked by [`object_size`], so every such field lies inside the heap).
pub(crate) fn for_each_ref_field(
    types: &Types,
    arena: &mut Arena,
    off: u32,
    mut f: impl FnMut(&mut Arena, u64),
) {
    let off64 = u64::from(off);
    let Some(type_id) = arena.load::<u32>(off64) else { return };
    match types.get(type_id) {
        Some(Layout::Struct(s)) => {
            for &field in s.ref_offsets.iter() {
                f(arena, off64 + u64::from(field));
            }
        }
        Some(Layout::Array(a)) if a.elem_kind == FieldKind::GcRef => {
            let len = arena.load::<u32>(off64 + u64::from(ARRAY_LEN_OFFSET)).unwrap_or(0);
            let data = off64 + u64::from(ARRAY_DATA_OFFSET);
            for i in 0..u64::from(len) {
                f(arena, data + 4 * i);
            }
        }
        _ => {}
    }
}
