//! The table instructions both tiers share: `table.get`, `table.set`, `table.size`,
//! `table.grow`, `table.fill`, `table.copy`, `table.init` and `elem.drop`. The interpreter calls
//! them from its handlers, native code through its builtins (it inlines `table.get` and
//! `table.set`).

use super::memory::index_of;
use crate::instance::InstanceData;
use crate::store::StoreOpaque;
use crate::table::TableEntity;
use crate::trap::TrapCode;

/// # Safety
/// `inst` is live and `index` is one of its tables.
pub(crate) unsafe fn table<'a>(inst: *const InstanceData, index: u32) -> &'a mut TableEntity {
    // SAFETY: per the contract; the interpreter holds no other reference to the table.
    unsafe {
        let tables: &[*mut TableEntity] = &(*inst).tables;
        &mut **tables.get_unchecked(index as usize)
    }
}

/// An element of a table; `None` when out of bounds.
///
/// # Safety
/// `inst` is live and `t` is one of its tables.
pub(crate) unsafe fn table_get(inst: *const InstanceData, t: u32, index: u64) -> Option<u64> {
    // SAFETY: per the contract.
    let t = unsafe { table(inst, t) };
    let i = index_of(t.ty.index64, index);
    usize::try_from(i).ok().and_then(|i| t.elements().get(i).copied())
}

/// # Safety
/// `inst` is live and `t` is one of its tables.
pub(crate) unsafe fn table_set(
    inst: *const InstanceData,
    t: u32,
    index: u64,
    value: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let t = unsafe { table(inst, t) };
    let i = index_of(t.ty.index64, index);
    let slot = usize::try_from(i).ok().and_then(|i| t.elements_mut().get_mut(i));
    *slot.ok_or(TrapCode::TableOutOfBounds)? = value;
    Ok(())
}

/// # Safety
/// `inst` is live and `t` is one of its tables.
pub(crate) unsafe fn table_size(inst: *const InstanceData, t: u32) -> u64 {
    // SAFETY: per the contract.
    unsafe { table(inst, t) }.elements().len() as u64
}

/// `table.grow`: the old size, or -1 in the table's index type.
///
/// # Safety
/// `inst` is live and `t` is one of its tables.
/// `None` as for `memory_grow`.
pub(crate) unsafe fn table_grow(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    t: u32,
    init: u64,
    delta: u64,
) -> Option<u64> {
    // SAFETY: per the contract.
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
/// `inst` is live and `t` is one of its tables.
pub(crate) unsafe fn table_fill(
    inst: *const InstanceData,
    t: u32,
    start: u64,
    value: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let t = unsafe { table(inst, t) };
    let range = table_range(t, start, len)?;
    t.elements_mut()[range].fill(value);
    Ok(())
}

/// # Safety
/// `inst` is live and both tables are its tables.
pub(crate) unsafe fn table_copy(
    inst: *const InstanceData,
    dst_table: u32,
    src_table: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let (d, s) = unsafe { (table(inst, dst_table), table(inst, src_table)) };
    let len = index_of(d.ty.index64 && s.ty.index64, len);
    let to = table_range(d, dst, len)?;
    let from = table_range(s, src, len)?;
    if dst_table == src_table || std::ptr::eq(d, s) {
        d.elements_mut().copy_within(from, to.start);
    } else {
        d.elements_mut()[to].copy_from_slice(&s.elements()[from]);
    }
    Ok(())
}

/// # Safety
/// `inst` is live, `t` is one of its tables and `seg` one of its element segments.
pub(crate) unsafe fn table_init(
    inst: *const InstanceData,
    t: u32,
    seg: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let (i, t) = unsafe { (&*inst, table(inst, t)) };
    let items = &i.elems[seg as usize];
    let (src, len) = (src as u32 as u64, len as u32 as u64);
    let from = src
        .checked_add(len)
        .and_then(|end| items.get(src as usize..end as usize))
        .ok_or(TrapCode::TableOutOfBounds)?;
    let to = table_range(t, dst, len)?;
    t.elements_mut()[to].copy_from_slice(from);
    Ok(())
}

/// # Safety
/// `inst` is live and `seg` is one of its element segments.
pub(crate) unsafe fn elem_drop(inst: *const InstanceData, seg: u32) {
    // SAFETY: as in `data_drop`.
    unsafe { (*inst.cast_mut()).elems[seg as usize] = Box::new([]) };
}
