//! Out-of-line parts of the executor: loads and stores on any memory, bulk memory, table
//! instructions and `call_indirect` resolution. They are rarer than the arithmetic kept in the main
//! loop, and keeping them here keeps that loop small.
//!
//! Every function takes the current instance as a raw pointer; its memory, table and global
//! pointers are live for as long as it is. Index operands were validated, so entries exist.
//!
//! Results are register-sized (`u64`, `Option<u64>`, `Result<(), TrapCode>`): a larger one would be
//! returned through a stack slot of the calling handler, which keeps its final call from becoming
//! a jump (see the `exec` module).

use super::super::isa::{Instr, LoadKind, StoreKind};
use crate::func::FuncEntity;
use crate::instance::InstanceData;
use crate::memory::MemoryEntity;
use crate::store::StoreOpaque;
use crate::table::TableEntity;
use crate::trap::{Trap, TrapCode};

/// The memory and offset of a `MemArg` word (the translator puts one after every general load
/// and store).
pub(super) fn memarg(word: &Instr) -> (u32, u64) {
    match *word {
        Instr::MemArg { mem, offset } => (mem, offset.get()),
        _ => (0, 0),
    }
}

/// # Safety
/// `inst` is live and `index` is one of its memories.
unsafe fn memory<'a>(inst: *const InstanceData, index: u32) -> &'a mut MemoryEntity {
    // SAFETY: per the contract; the interpreter holds no other reference to the memory.
    unsafe {
        let memories: &[*mut MemoryEntity] = &(*inst).memories;
        &mut **memories.get_unchecked(index as usize)
    }
}

/// # Safety
/// `inst` is live and `index` is one of its tables.
unsafe fn table<'a>(inst: *const InstanceData, index: u32) -> &'a mut TableEntity {
    // SAFETY: per the contract; the interpreter holds no other reference to the table.
    unsafe {
        let tables: &[*mut TableEntity] = &(*inst).tables;
        &mut **tables.get_unchecked(index as usize)
    }
}

/// An address operand as the memory's index type sees it.
fn index_of(index64: bool, raw: u64) -> u64 {
    if index64 { raw } else { raw as u32 as u64 }
}

/// The start of `len` bytes at `addr + offset`, or the out-of-bounds trap.
fn range(m: &MemoryEntity, addr: u64, offset: u64, len: u64) -> Result<usize, TrapCode> {
    let start = index_of(m.ty.index64, addr).checked_add(offset);
    match start.and_then(|s| Some((s, s.checked_add(len)?))) {
        Some((start, end)) if end <= m.len as u64 => Ok(start as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// A load; `None` when out of bounds.
///
/// # Safety
/// `inst` is live and `mem` is one of its memories.
pub(crate) unsafe fn load(
    inst: *const InstanceData,
    kind: LoadKind,
    mem: u32,
    offset: u64,
    addr: u64,
) -> Option<u64> {
    // SAFETY: per the contract.
    let m = unsafe { memory(inst, mem) };
    let size = match kind {
        LoadKind::I64 | LoadKind::F64 => 8,
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64_32S | LoadKind::I64_32U => 4,
        LoadKind::I32_16S | LoadKind::I32_16U | LoadKind::I64_16S | LoadKind::I64_16U => 2,
        LoadKind::I32_8S | LoadKind::I32_8U | LoadKind::I64_8S | LoadKind::I64_8U => 1,
    };
    let at = range(m, addr, offset, size).ok()?;
    let b = &m.bytes()[at..at + size as usize];
    let u = |n: usize| {
        let mut buf = [0u8; 8];
        buf[..n].copy_from_slice(&b[..n]);
        u64::from_le_bytes(buf)
    };
    Some(match kind {
        LoadKind::I64 | LoadKind::F64 => u(8),
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64_32U => u(4),
        LoadKind::I32_16U | LoadKind::I64_16U => u(2),
        LoadKind::I32_8U | LoadKind::I64_8U => u(1),
        LoadKind::I32_16S => u(2) as u16 as i16 as i32 as u32 as u64,
        LoadKind::I32_8S => u(1) as u8 as i8 as i32 as u32 as u64,
        LoadKind::I64_32S => u(4) as u32 as i32 as i64 as u64,
        LoadKind::I64_16S => u(2) as u16 as i16 as i64 as u64,
        LoadKind::I64_8S => u(1) as u8 as i8 as i64 as u64,
    })
}

/// # Safety
/// `inst` is live and `mem` is one of its memories.
pub(crate) unsafe fn store(
    inst: *const InstanceData,
    kind: StoreKind,
    mem: u32,
    offset: u64,
    addr: u64,
    value: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let m = unsafe { memory(inst, mem) };
    let size = match kind {
        StoreKind::B64 => 8,
        StoreKind::B32 => 4,
        StoreKind::B16 => 2,
        StoreKind::B8 => 1,
    };
    let at = range(m, addr, offset, size as u64)?;
    m.bytes_mut()[at..at + size].copy_from_slice(&value.to_le_bytes()[..size]);
    Ok(())
}

/// # Safety
/// `inst` is live and `mem` is one of its memories.
pub(crate) unsafe fn memory_size(inst: *const InstanceData, mem: u32) -> u64 {
    // SAFETY: per the contract.
    unsafe { memory(inst, mem) }.pages()
}

/// `memory.grow`: the old size in pages, or -1 in the memory's index type.
///
/// # Safety
/// `inst` is live and `mem` is one of its memories.
/// `None` when the store's quota refused and refusals trap (the hit is in the store).
pub(crate) unsafe fn memory_grow(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    mem: u32,
    delta: u64,
) -> Option<u64> {
    // SAFETY: per the contract.
    let (m, usage) = unsafe { (memory(inst, mem), &mut (*store).usage) };
    let failed = if m.ty.index64 { u64::MAX } else { u32::MAX as u64 };
    usage.grow_memory(m, index_of(m.ty.index64, delta)).ok().map(|old| old.unwrap_or(failed))
}

/// # Safety
/// `inst` is live and `mem` is one of its memories.
pub(crate) unsafe fn memory_fill(
    inst: *const InstanceData,
    mem: u32,
    dst: u64,
    value: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let m = unsafe { memory(inst, mem) };
    let len = index_of(m.ty.index64, len);
    let at = range(m, dst, 0, len)?;
    m.bytes_mut()[at..at + len as usize].fill(value as u8);
    Ok(())
}

/// # Safety
/// `inst` is live and both memories are its memories.
pub(crate) unsafe fn memory_copy(
    inst: *const InstanceData,
    dst_mem: u32,
    src_mem: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract; the two references are used one after the other, never at once.
    let (d, s) = unsafe { (memory(inst, dst_mem), memory(inst, src_mem)) };
    // The length has the smaller of the two index types.
    let len = index_of(d.ty.index64 && s.ty.index64, len);
    let to = range(d, dst, 0, len)?;
    let from = range(s, src, 0, len)?;
    // SAFETY: both ranges were checked against their memories; `copy` allows overlap, which
    // happens when both are the same memory.
    unsafe { std::ptr::copy(s.base.add(from), d.base.add(to), len as usize) };
    Ok(())
}

/// # Safety
/// `inst` is live, `mem` is one of its memories and `seg` one of its data segments.
pub(crate) unsafe fn memory_init(
    inst: *const InstanceData,
    mem: u32,
    seg: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: per the contract.
    let (i, m) = unsafe { (&*inst, memory(inst, mem)) };
    let info = i.module.info();
    let data: &[u8] =
        if i.data_dropped[seg as usize] { &[] } else { info.data_bytes(&info.datas[seg as usize]) };
    let (src, len) = (src as u32 as u64, len as u32 as u64);
    let bytes = src
        .checked_add(len)
        .and_then(|end| data.get(src as usize..end as usize))
        .ok_or(TrapCode::MemoryOutOfBounds)?;
    let at = range(m, dst, 0, len)?;
    m.bytes_mut()[at..at + len as usize].copy_from_slice(bytes);
    Ok(())
}

/// # Safety
/// `inst` is live and `seg` is one of its data segments.
pub(crate) unsafe fn data_drop(inst: *const InstanceData, seg: u32) {
    // SAFETY: per the contract; instances are allocated mutable and only the running thread
    // touches this one.
    unsafe { (*inst.cast_mut()).data_dropped[seg as usize] = true };
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

/// The function `call_indirect` reaches through table `t` at `index`, checked against module type
/// `ty`.
///
/// # Safety
/// `store` and `inst` are live; `t` is one of the instance's tables and `ty` one of its types.
pub(crate) unsafe fn indirect_target(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    t: u32,
    ty: u32,
    index: u64,
) -> Result<*const FuncEntity, Trap> {
    // SAFETY: per the contract.
    let (i, t) = unsafe { (&*inst, table(inst, t)) };
    let index = index_of(t.ty.index64, index);
    let raw = usize::try_from(index)
        .ok()
        .and_then(|n| t.elements().get(n).copied())
        .ok_or_else(|| Trap::detailed(TrapCode::UndefinedElement, index))?;
    let target = raw as *const FuncEntity;
    if target.is_null() {
        return Err(Trap::detailed(TrapCode::UninitializedElement, index));
    }
    let want = i.module.inner.type_ids[ty as usize];
    // SAFETY: non-null table entries of a funcref table are live function entities.
    let have = unsafe { (*target).sig };
    // SAFETY: the store is live; the registry is only read.
    if have != want && !unsafe { &(*store).engine }.inner.registry.is_subtype(have, want) {
        return Err(Trap::new(TrapCode::IndirectCallTypeMismatch));
    }
    Ok(target)
}
