//! The table instructions both tiers share: `table.get`, `table.set`, `table.size`,
//! `table.grow`, `table.fill`, `table.copy`, `table.init` and `elem.drop`. The interpreter calls
//! them from its handlers, native code through its builtins (it inlines `table.get` and
//! `table.set`).
//!
//! As for the memory instructions (`super::memory`), "`inst` is live" in the `# Safety` sections
//! means: `inst` points to a live instance, and its tables and element segments are not otherwise
//! referenced during the call (running code holds only raw pointers to them).

use super::memory::index_of;
use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::table::TableEntity;
use crate::trap::TrapCode;

/// Table `index` of `inst`.
///
/// # Safety
/// `inst` points to a live instance and `index` is below its number of tables (a validated table
/// index of its module).
unsafe fn table_ptr(inst: *const InstanceData, index: u32) -> *mut TableEntity {
    // SAFETY: `inst` is live, so its `tables` box may be read, and `index` is below its length
    // (this function's contract).
    unsafe {
        let tables: &[*mut TableEntity] = &(*inst).tables;
        *tables.get_unchecked(index as usize)
    }
}

/// Table `index` of `inst`, to use for the lifetime `'a` the caller chooses.
///
/// # Safety
/// `inst` is live (see the module documentation) and `index` is one of its tables; nothing else
/// refers to that table during `'a`.
pub(crate) unsafe fn table<'a>(inst: *const InstanceData, index: u32) -> &'a mut TableEntity {
    // SAFETY: `inst` is live and `index` one of its tables (this function's contract), as
    // `table_ptr` requires; the pointer is to a table of the instance's store, which keeps it
    // alive and at its address, and nothing else refers to it during `'a` (contract), so the
    // `&mut` is exclusive.
    unsafe { &mut *table_ptr(inst, index) }
}

/// An element of a table; `None` when out of bounds.
///
/// # Safety
/// `inst` is live (see the module documentation) and `t` is one of its tables.
pub(crate) unsafe fn table_get(inst: *const InstanceData, t: u32, index: u64) -> Option<u64> {
    // SAFETY: `inst` is live and `t` one of its tables (this function's contract); the reference
    // ends with the call.
    let t = unsafe { table(inst, t) };
    let i = index_of(t.ty.index64, index);
    usize::try_from(i).ok().and_then(|i| t.elements().get(i).copied())
}

/// # Safety
/// `inst` is live (see the module documentation) and `t` is one of its tables.
pub(crate) unsafe fn table_set(
    inst: *const InstanceData,
    t: u32,
    index: u64,
    value: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and `t` one of its tables (this function's contract); the reference
    // ends with the call.
    let t = unsafe { table(inst, t) };
    let i = index_of(t.ty.index64, index);
    let slot = usize::try_from(i).ok().and_then(|i| t.elements_mut().get_mut(i));
    *slot.ok_or(TrapCode::TableOutOfBounds)? = value;
    Ok(())
}

/// # Safety
/// `inst` is live (see the module documentation) and `t` is one of its tables.
pub(crate) unsafe fn table_size(inst: *const InstanceData, t: u32) -> u64 {
    // SAFETY: `inst` is live and `t` one of its tables (this function's contract); the reference
    // ends with this expression.
    unsafe { table(inst, t) }.elements().len() as u64
}

/// `table.grow`: the old size, or -1 in the table's index type.
///
/// `None` as for `memory_grow`.
///
/// # Safety
/// `inst` is live (see the module documentation) and `t` is one of its tables; `store` points to
/// the whole live store that owns it, whose usage record nothing else refers to during the call.
pub(crate) unsafe fn table_grow(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    t: u32,
    init: u64,
    delta: u64,
) -> Option<u64> {
    // SAFETY: `inst` is live and `t` one of its tables, and `store` is live with its usage record
    // not otherwise referenced (this function's contract); the table entity is a separate
    // allocation of the store's arena, so the two `&mut` do not overlap.
    let (t, usage) = unsafe { (table(inst, t), &mut (*store).usage) };
    let failed = if t.ty.index64 { u64::MAX } else { u32::MAX as u64 };
    usage.grow_table(t, index_of(t.ty.index64, delta), init).ok().map(|old| old.unwrap_or(failed))
}

/// The range `start..start + len` of a table, or the out-of-bounds trap.
fn table_range(t: &TableEntity, start: u64, len: u64) -> Result<std::ops::Range<usize>, TrapCode> {
    let (start, len) = (index_of(t.ty.index64, start), index_of(t.ty.index64, len));
    match start.checked_add(len) {
        Some(end) if end <= t.elements().len() as u64 => Ok(start as usize..end as usize),
        _ => Err(TrapCode::TableOutOfBounds),
    }
}

/// # Safety
/// `inst` is live (see the module documentation) and `t` is one of its tables.
// Out of line: its chunked loop would give a handler it is inlined into a frame, and the
// handler's dispatch would stop being a jump (`tests/dispatch_codegen.rs`).
#[inline(never)]
pub(crate) unsafe fn table_fill(
    inst: *const InstanceData,
    t: u32,
    start: u64,
    value: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and `t` one of its tables (this function's contract); the reference
    // ends with the call.
    let t = unsafe { table(inst, t) };
    let range = table_range(t, start, len)?;
    // SAFETY: `inst` is live with its store (this function's contract).
    unsafe { super::bulk::charge(inst, len.saturating_mul(8))? };
    let elements = &mut t.elements_mut()[range];
    // SAFETY: as above; the table's elements are a separate allocation from the store's meter.
    unsafe {
        super::bulk::in_chunks(inst, elements.len() as u64 * 8, false, |off, n| {
            let (at, n) = ((off / 8) as usize, (n / 8) as usize);
            elements[at..at + n].fill(value)
        })
    }
}

/// # Safety
/// `inst` is live (see the module documentation) and both tables are its tables.
// Out of line: its chunked loop would give a handler it is inlined into a frame, and the
// handler's dispatch would stop being a jump (`tests/dispatch_codegen.rs`).
#[inline(never)]
pub(crate) unsafe fn table_copy(
    inst: *const InstanceData,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and both indices are its tables (this function's contract). Two
    // indices may name the same table (imported twice), so the entities are compared first.
    let (d, s) = unsafe { (table_ptr(inst, dst_table), table_ptr(inst, src_table)) };
    if std::ptr::eq(d, s) {
        // SAFETY: `d` is a live table of the instance's store, not otherwise referenced during
        // the call (this function's contract); it is the only reference made to it.
        let t = unsafe { &mut *d };
        let len = index_of(t.ty.index64, len);
        let to = table_range(t, dst, len)?;
        let from = table_range(t, src, len)?;
        // SAFETY: `inst` is live with its store (this function's contract).
        unsafe { super::bulk::charge(inst, len.saturating_mul(8))? };
        let elements = t.elements_mut();
        // A copy to higher indices goes from the end, as `memory.copy` does.
        let backwards = to.start > from.start;
        // SAFETY: as above; the table's elements are a separate allocation from the meter.
        unsafe {
            super::bulk::in_chunks(inst, from.len() as u64 * 8, backwards, |off, n| {
                let (at, n) = ((off / 8) as usize, (n / 8) as usize);
                elements.copy_within(from.start + at..from.start + at + n, to.start + at)
            })?
        };
    } else {
        // SAFETY: `d` and `s` are live tables of the instance's store, not otherwise referenced
        // during the call (this function's contract), and two different entities, so the
        // exclusive and the shared reference do not overlap.
        let (d, s) = unsafe { (&mut *d, &*s) };
        let len = index_of(d.ty.index64 && s.ty.index64, len);
        let to = table_range(d, dst, len)?;
        let from = table_range(s, src, len)?;
        // SAFETY: `inst` is live with its store (this function's contract).
        unsafe { super::bulk::charge(inst, len.saturating_mul(8))? };
        let (dst, src) = (&mut d.elements_mut()[to], &s.elements()[from]);
        // SAFETY: as above; both tables' elements are separate from the meter.
        unsafe {
            super::bulk::in_chunks(inst, src.len() as u64 * 8, false, |off, n| {
                let (at, n) = ((off / 8) as usize, (n / 8) as usize);
                dst[at..at + n].copy_from_slice(&src[at..at + n])
            })?
        };
    }
    Ok(())
}

/// # Safety
/// `inst` is live (see the module documentation), `t` is one of its tables and `seg` one of its
/// element segments.
pub(crate) unsafe fn table_init(
    inst: *const InstanceData,
    t: u32,
    seg: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and `t` one of its tables (this function's contract); the instance
    // is only read, and the table entity is a separate allocation of the store, so the shared
    // and the exclusive reference do not overlap.
    let (i, t) = unsafe { (&*inst, table(inst, t)) };
    let items = &i.elems[seg as usize];
    let (src, len) = (src as u32 as u64, len as u32 as u64);
    let from = src
        .checked_add(len)
        .and_then(|end| items.get(src as usize..end as usize))
        .ok_or(TrapCode::TableOutOfBounds)?;
    let to = table_range(t, dst, len)?;
    // SAFETY: `inst` is live with its store (this function's contract).
    unsafe { super::bulk::charge(inst, len.saturating_mul(8))? };
    t.elements_mut()[to].copy_from_slice(from);
    Ok(())
}

/// # Safety
/// `inst` is live (see the module documentation), with write provenance (every instance pointer
/// comes from the store's arena, which hands out mutable pointers), and `seg` is one of its
/// element segments.
pub(crate) unsafe fn elem_drop(inst: *const InstanceData, seg: u32) {
    // SAFETY: `inst` is live, may be written through, and its element segments are not otherwise
    // referenced during the call (this function's contract); the index is bounds-checked.
    unsafe { (*inst.cast_mut()).elems[seg as usize] = Box::new([]) };
}
