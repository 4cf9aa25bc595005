//! The memory instructions both tiers share: `memory.size`, `memory.grow`, `memory.fill`,
//! `memory.copy`, `memory.init` and `data.drop`, and the bounds arithmetic every memory access
//! uses. The interpreter calls them from its handlers, native code through its builtins.
//!
//! Every function takes the current instance as a raw pointer; its memory pointers are live for as
//! long as it is. Index operands were validated, so entries exist. Results are register-sized
//! (`u64`, `Option<u64>`, `Result<(), TrapCode>`), so an interpreter handler calling one still ends
//! in a jump.

use crate::instance::InstanceData;
use crate::memory::MemoryEntity;
use crate::store::StoreOpaque;
use crate::trap::TrapCode;

/// # Safety
/// `inst` is live and `index` is one of its memories.
pub(crate) unsafe fn memory<'a>(inst: *const InstanceData, index: u32) -> &'a mut MemoryEntity {
    // SAFETY: per the contract; the interpreter holds no other reference to the memory.
    unsafe {
        let memories: &[*mut MemoryEntity] = &(*inst).memories;
        &mut **memories.get_unchecked(index as usize)
    }
}

/// An address operand as the memory's index type sees it.
pub(crate) fn index_of(index64: bool, raw: u64) -> u64 {
    if index64 { raw } else { raw as u32 as u64 }
}

/// The start of `len` bytes at `addr + offset`, or the out-of-bounds trap.
pub(crate) fn range(m: &MemoryEntity, addr: u64, offset: u64, len: u64) -> Result<usize, TrapCode> {
    let start = index_of(m.ty.index64, addr).checked_add(offset);
    match start.and_then(|s| Some((s, s.checked_add(len)?))) {
        Some((start, end)) if end <= m.len as u64 => Ok(start as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
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
