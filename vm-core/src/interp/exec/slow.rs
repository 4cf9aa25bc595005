//! Out-of-line parts of the executor: loads and stores on any memory at any offset (the general
//! path, which native code inlines in its own way). The memory and table instructions both tiers
//! share are in `crate::runtime`.
//!
//! Results are register-sized (`Option<u64>`, `Result<(), TrapCode>`): a larger one would be
//! returned through a stack slot of the calling handler, which keeps its final call from becoming
//! a jump (see the `exec` module).

use super::super::isa::{Instr, LoadKind, StoreKind};
use crate::instance::InstanceData;
use crate::runtime::memory::{memory, range};
use crate::runtime::racy;
use crate::trap::TrapCode;

/// The memory and offset of a `MemArg` word (the translator puts one after every general load
/// and store).
pub(super) fn memarg(word: &Instr) -> (u32, u64) {
    match *word {
        Instr::MemArg { mem, offset } => (mem, offset.get()),
        _ => (0, 0),
    }
}

/// A load; `None` when out of bounds.
///
/// # Safety
/// `inst` is live and `mem` is one of its memories, as `crate::runtime::memory::memory` requires
/// (nothing else refers to the memory during the call).
pub(crate) unsafe fn load(
    inst: *const InstanceData,
    kind: LoadKind,
    mem: u32,
    offset: u64,
    addr: u64,
) -> Option<u64> {
    // SAFETY: `inst` is live and `mem` one of its memories, with no other reference to it
    // (this function's contract); the reference ends with the call.
    let m = unsafe { memory(inst, mem) };
    let size = match kind {
        LoadKind::I64 | LoadKind::F64 => 8,
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64_32S | LoadKind::I64_32U => 4,
        LoadKind::I32_16S | LoadKind::I32_16U | LoadKind::I64_16S | LoadKind::I64_16U => 2,
        LoadKind::I32_8S | LoadKind::I32_8U | LoadKind::I64_8S | LoadKind::I64_8U => 1,
    };
    let at = range(m, addr, offset, size).ok()?;
    let p = m.ptr_at(at);
    let u = |n: usize| {
        let mut buf = [0u8; 8];
        // SAFETY: `range` checked `at + size` against the memory's length, and `size` is the
        // widest read `kind` makes; no Rust reference to the memory's bytes is held.
        unsafe {
            match n {
                8 => buf = racy::read::<8>(p),
                4 => buf[..4].copy_from_slice(&racy::read::<4>(p)),
                2 => buf[..2].copy_from_slice(&racy::read::<2>(p)),
                _ => buf[0] = racy::read::<1>(p)[0],
            }
        }
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

/// A store; the out-of-bounds trap when out of bounds.
///
/// # Safety
/// `inst` is live and `mem` is one of its memories, as `crate::runtime::memory::memory` requires
/// (nothing else refers to the memory during the call).
// Never inlined: the bytes it copies are a local array whose address escapes to the copy, which
// would keep the calling handler's final call from becoming a jump.
#[inline(never)]
pub(crate) unsafe fn store(
    inst: *const InstanceData,
    kind: StoreKind,
    mem: u32,
    offset: u64,
    addr: u64,
    value: u64,
) -> Result<(), TrapCode> {
    // SAFETY: `inst` is live and `mem` one of its memories, with no other reference to it
    // (this function's contract); the reference ends with the call.
    let m = unsafe { memory(inst, mem) };
    let size = match kind {
        StoreKind::B64 => 8,
        StoreKind::B32 => 4,
        StoreKind::B16 => 2,
        StoreKind::B8 => 1,
    };
    let at = range(m, addr, offset, size as u64)?;
    let (p, b) = (m.ptr_at(at), value.to_le_bytes());
    // SAFETY: `range` checked `at + size` against the memory's length; its bytes up to there
    // are committed and writable, and no Rust reference to them is held.
    unsafe {
        match size {
            8 => racy::write::<8>(p, b),
            4 => racy::write::<4>(p, [b[0], b[1], b[2], b[3]]),
            2 => racy::write::<2>(p, [b[0], b[1]]),
            _ => racy::write::<1>(p, [b[0]]),
        }
    }
    Ok(())
}

/// Where `len` bytes at `addr + offset` of memory `mem` start; null when they are out of bounds.
/// For the general path of `v128` loads and stores, which read or write them right away.
///
/// # Safety
/// `inst` is live and `mem` is one of its memories, as `crate::runtime::memory::memory` requires
/// (nothing else refers to the memory during the call).
pub(crate) unsafe fn address(
    inst: *const InstanceData,
    mem: u32,
    offset: u64,
    addr: u64,
    len: u64,
) -> *mut u8 {
    // SAFETY: `inst` is live and `mem` one of its memories, with no other reference to it
    // (this function's contract); the reference ends with the call.
    let m = unsafe { memory(inst, mem) };
    match range(m, addr, offset, len) {
        // SAFETY: `range` checked that `at + len` is at most the memory's length, so `base + at`
        // is inside (or one past the end of) its reservation.
        Ok(at) => unsafe { m.base.add(at) },
        Err(_) => std::ptr::null_mut(),
    }
}
