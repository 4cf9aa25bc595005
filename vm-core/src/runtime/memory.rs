//! The memory instructions both tiers share: `memory.size`, `memory.grow`, `memory.fill`,
//! `memory.copy`, `memory.init` and `data.drop`, and the bounds arithmetic every memory access
//! uses. The interpreter calls them from its handlers, native code through its builtins.
//!
//! Every function takes the current instance as a raw pointer; its memory pointers are live for as
//! long as it is. Index operands were validated, so entries exist. Results are register-sized
//! (`u64`, `Option<u64>`, `Result<(), TrapCode>`), so an interpreter handler calling one still ends
//! in a jump.
//!
//! The `# Safety` sections below say "`inst` is live" for: `inst` points to a live instance, and
//! its memories and data segments are not otherwise referenced during the call (running code, in
//! either tier, holds only raw pointers to them; references to them exist only under a borrow of
//! the store, which running code has been lent).

use crate::instance::InstanceData;
use crate::memory::MemoryEntity;
use crate::store::StoreOpaque;
use crate::trap::TrapCode;

/// Memory `index` of `inst`.
///
/// # Safety
/// `inst` points to a live instance and `index` is below its number of memories (a validated
/// memory index of its module).
unsafe fn memory_ptr(inst: *const InstanceData, index: u32) -> *mut MemoryEntity {
    // SAFETY: `inst` is live, so its `memories` box may be read, and `index` is below its length
    // (this function's contract).
    unsafe {
        let memories: &[*mut MemoryEntity] = &(*inst).memories;
        *memories.get_unchecked(index as usize)
    }
}

/// Memory `index` of `inst`, to use for the lifetime `'a` the caller chooses. Shared: a shared
/// memory's entity is also other threads', and its bytes are written through its base pointer.
///
/// # Safety
/// `inst` is live (see the module documentation) and `index` is one of its memories; nothing
/// writes that memory's entity during `'a` (only growth does, through the raw pointer).
pub(crate) unsafe fn memory<'a>(inst: *const InstanceData, index: u32) -> &'a MemoryEntity {
    // SAFETY: `inst` is live and `index` one of its memories (this function's contract), as
    // `memory_ptr` requires; the pointer is to a memory of the instance's store, which keeps it
    // alive and at its address, and nothing writes the entity during `'a` (contract).
    unsafe { &*memory_ptr(inst, index) }
}

/// An address operand as the memory's index type sees it.
pub(crate) fn index_of(index64: bool, raw: u64) -> u64 {
    if index64 { raw } else { raw as u32 as u64 }
}

/// The start of `len` bytes at `addr + offset`, or the out-of-bounds trap.
pub(crate) fn range(m: &MemoryEntity, addr: u64, offset: u64, len: u64) -> Result<usize, TrapCode> {
    let start = index_of(m.ty.index64, addr).checked_add(offset);
    match start.and_then(|s| Some((s, s.checked_add(len)?))) {
        Some((start, end)) if end <= m.len() as u64 => Ok(start as usize),
        _ => Err(TrapCode::MemoryOutOfBounds),
    }
}

/// # Safety
/// `inst` is live (see the module documentation) and `mem` is one of its memories.
pub(crate) unsafe fn memory_size(inst: *const InstanceData, mem: u32) -> u64 {
    // SAFETY: `inst` is live and `mem` one of its memories (this function's contract); the
    // reference ends with this expression.
    unsafe { memory(inst, mem) }.pages()
}

/// `memory.grow`: the old size in pages, or -1 in the memory's index type.
///
/// `None` when the store's quota refused and refusals trap (the hit is in the store).
///
/// # Safety
/// `inst` is live (see the module documentation) and `mem` is one of its memories; `store`
/// points to the whole live store that owns it, whose usage record nothing else refers to during
/// the call.
pub(crate) unsafe fn memory_grow(
    store: *mut StoreOpaque,
    inst: *const InstanceData,
    mem: u32,
    delta: u64,
) -> Option<u64> {
    // SAFETY: `inst` is live and `mem` one of its memories, and `store` is live with its usage
    // record not otherwise referenced (this function's contract); the memory entity is a
    // separate allocation, apart from the usage record.
    let (m, usage) = unsafe { (memory_ptr(inst, mem), &mut (*store).usage) };
    // SAFETY: as above; the reference ends with the statement.
    let index64 = unsafe { (*m).ty.index64 };
    let failed = if index64 { u64::MAX } else { u32::MAX as u64 };
    // SAFETY: the memory is live and nothing else of the store references it (contract).
    let old = unsafe { usage.grow_memory(m, index_of(index64, delta)) };
    old.ok().map(|old| old.unwrap_or(failed))
}

/// # Safety
/// `inst` is live (see the module documentation) and `mem` is one of its memories.
// Out of line: its chunked loop would give a handler it is inlined into a frame, and the
// handler's dispatch would stop being a jump (`tests/dispatch_codegen.rs`).
#[inline(never)]
pub(crate) unsafe fn memory_fill(
    inst: *const InstanceData,
    mem: u32,
    dst: u64,
    value: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and `mem` one of its memories (this function's contract); the
    // reference ends with the call.
    let m = unsafe { memory(inst, mem) };
    let len = index_of(m.ty.index64, len);
    let at = range(m, dst, 0, len)?;
    // SAFETY: `inst` is live with its store (this function's contract).
    unsafe { super::bulk::charge(inst, len)? };
    let (base, shared) = (m.ptr_at(at), m.is_shared());
    // SAFETY: `range` checked `at + len` against the memory's length; its bytes up to there are
    // committed and writable, and every chunk lies inside. Other threads may use a shared
    // memory's bytes meanwhile: those are written as guest stores write them (`racy`). `inst`
    // is live with its store (this function's contract).
    unsafe {
        super::bulk::in_chunks(inst, len, false, |off, n| {
            if shared {
                super::racy::fill(base.add(off as usize), value as u8, n as usize)
            } else {
                std::ptr::write_bytes(base.add(off as usize), value as u8, n as usize)
            }
        })
    }
}

/// # Safety
/// `inst` is live (see the module documentation) and both memories are its memories.
// Out of line: its chunked loop would give a handler it is inlined into a frame, and the
// handler's dispatch would stop being a jump (`tests/dispatch_codegen.rs`).
#[inline(never)]
pub(crate) unsafe fn memory_copy(
    inst: *const InstanceData,
    dst_mem: u32,
    src_mem: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and both indices are its memories (this function's contract), so
    // both pointers are to live memories of its store. The references are shared, since the two
    // may be the same memory, and nothing writes either entity during the call (the copy below
    // writes the memory's bytes, which live in their own mapping, outside the entity).
    let (d, s) = unsafe { (&*memory_ptr(inst, dst_mem), &*memory_ptr(inst, src_mem)) };
    // The length has the smaller of the two index types.
    let len = index_of(d.ty.index64 && s.ty.index64, len);
    let to = range(d, dst, 0, len)?;
    let from = range(s, src, 0, len)?;
    // SAFETY: `inst` is live with its store (this function's contract).
    unsafe { super::bulk::charge(inst, len)? };
    let shared = d.is_shared() || s.is_shared();
    // SAFETY: `s.base + from` and `d.base + to` stay inside the memories' checked ranges for
    // every chunk offset below `len`.
    let (src, dst) = unsafe { (s.base.add(from), d.base.add(to)) };
    // A copy to a higher address of the same memory goes from the end, so that no chunk
    // overwrites bytes a later chunk still has to read.
    let backwards = (dst as usize) > (src as usize);
    // SAFETY: `range` checked `from + len` and `to + len` against the two memories' current
    // lengths, and a memory's first `len` bytes from `base` are committed and writable; `copy`
    // allows the ranges to overlap, which they may when both are the same memory, and so does
    // `racy::copy`, which copies bytes other threads may use meanwhile as guest accesses do.
    // `inst` is live with its store (this function's contract).
    unsafe {
        super::bulk::in_chunks(inst, len, backwards, |off, n| {
            let (from, to) = (src.add(off as usize), dst.add(off as usize));
            if shared {
                super::racy::copy(from, to, n as usize)
            } else {
                std::ptr::copy(from, to, n as usize)
            }
        })
    }
}

/// # Safety
/// `inst` is live (see the module documentation), `mem` is one of its memories and `seg` one of
/// its data segments.
pub(crate) unsafe fn memory_init(
    inst: *const InstanceData,
    mem: u32,
    seg: u32,
    dst: u64,
    src: u64,
    len: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and `mem` one of its memories (this function's contract); the
    // instance is only read, and the memory entity is a separate allocation of the store, so the
    // shared and the exclusive reference do not overlap.
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
    // SAFETY: `inst` is live with its store (this function's contract).
    unsafe { super::bulk::charge(inst, len)? };
    // SAFETY: `range` checked `at + len` against the memory's length; its bytes up to there are
    // committed and writable, and `bytes` is the module's, outside every linear memory. A shared
    // memory's bytes are written as guest stores write them (`racy`).
    unsafe {
        if m.is_shared() {
            super::racy::copy_in(m.ptr_at(at), bytes)
        } else {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), m.ptr_at(at), len as usize)
        }
    };
    Ok(())
}

/// # Safety
/// `inst` is live (see the module documentation), with write provenance (every instance pointer
/// comes from the store's arena, which hands out mutable pointers), and `seg` is one of its data
/// segments.
pub(crate) unsafe fn data_drop(inst: *const InstanceData, seg: u32) {
    // SAFETY: `inst` is live, may be written through, and its data segments are not otherwise
    // referenced during the call (this function's contract); the index is bounds-checked.
    unsafe { (*inst.cast_mut()).data_dropped[seg as usize] = true };
}
