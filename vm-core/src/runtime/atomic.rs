//! The atomic memory instructions both tiers share (the threads proposal): the address check
//! (alignment, then bounds), the atomic accesses themselves on a memory's bytes, and
//! `memory.atomic.wait32/64` and `memory.atomic.notify`.
//!
//! Accesses use `std::sync::atomic` on the memory's bytes, sequentially consistent as
//! WebAssembly's atomics are, on shared and unshared memories alike (an unshared memory is one
//! thread's, so the same instructions are simply uncontended). Native code emits the same
//! machine instructions inline (Cranelift's `atomic_rmw`, `atomic_cas`, `atomic_load/store`) and
//! calls only `wait` and `notify` here, through its builtins.
//!
//! A wait sleeps in the memory's queues (`shared_memory::WaitQueues`); while it sleeps it
//! looks at the store's interrupt flag and deadline every few milliseconds, so a guest blocked
//! in a wait stops like one that runs.

use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering::SeqCst};
use std::time::Duration;

use super::memory::{index_of, memory, range};
use crate::instance::InstanceData;
use crate::memory::MemoryEntity;
use crate::shared_memory::Stopped;
use crate::trap::TrapCode;

/// How often a sleeping wait looks at the interrupt flag and the deadline.
const STOP_POLL: Duration = Duration::from_millis(5);

/// The start of an atomic access of `width` bytes at `addr + offset`: the address must be a
/// multiple of the width ("unaligned atomic"), then inside the memory.
#[inline]
pub(crate) fn atomic_range(
    m: &MemoryEntity,
    addr: u64,
    offset: u64,
    width: u64,
) -> Result<usize, TrapCode> {
    let ea = index_of(m.ty.index64, addr).checked_add(offset);
    if ea.is_some_and(|ea| ea % width != 0) {
        return Err(TrapCode::UnalignedAtomic);
    }
    range(m, addr, offset, width)
}

/// A read-modify-write operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum RmwOp {
    Add,
    Sub,
    And,
    Or,
    Xor,
    Xchg,
}

macro_rules! at_width {
    ($ptr:expr, $width:expr, |$a:ident, $t:ident| $body:expr) => {
        match $width {
            1 => {
                type $t = u8;
                // SAFETY: the caller's contract: `ptr` is valid for `width` bytes and aligned.
                let $a = unsafe { AtomicU8::from_ptr($ptr) };
                $body
            }
            2 => {
                type $t = u16;
                // SAFETY: as above.
                let $a = unsafe { AtomicU16::from_ptr($ptr.cast()) };
                $body
            }
            4 => {
                type $t = u32;
                // SAFETY: as above.
                let $a = unsafe { AtomicU32::from_ptr($ptr.cast()) };
                $body
            }
            _ => {
                type $t = u64;
                // SAFETY: as above.
                let $a = unsafe { AtomicU64::from_ptr($ptr.cast()) };
                $body
            }
        }
    };
}

/// Atomically loads `width` (1, 2, 4 or 8) bytes at `ptr`, zero-extended.
///
/// # Safety
/// `ptr` is valid for reads and writes of `width` bytes for the call, aligned to `width`, and
/// only accessed atomically by others meanwhile (a memory's bytes, checked by `atomic_range`).
#[inline(always)]
// Allowed: the 8-byte arm's cast is from `u64` to `u64`.
#[allow(clippy::unnecessary_cast)]
pub(crate) unsafe fn load(ptr: *mut u8, width: u32) -> u64 {
    at_width!(ptr, width, |a, _T| a.load(SeqCst) as u64)
}

/// Atomically stores the low `width` bytes of `value` at `ptr`.
///
/// # Safety
/// As for `load`.
#[inline(always)]
pub(crate) unsafe fn store(ptr: *mut u8, width: u32, value: u64) {
    at_width!(ptr, width, |a, T| a.store(value as T, SeqCst))
}

/// Atomically applies `op` with the low `width` bytes of `value` at `ptr`: the old value,
/// zero-extended.
///
/// # Safety
/// As for `load`.
#[inline(always)]
// Allowed: the 8-byte arm's cast is from `u64` to `u64`.
#[allow(clippy::unnecessary_cast)]
pub(crate) unsafe fn rmw(ptr: *mut u8, width: u32, op: RmwOp, value: u64) -> u64 {
    at_width!(ptr, width, |a, T| {
        let v = value as T;
        (match op {
            RmwOp::Add => a.fetch_add(v, SeqCst),
            RmwOp::Sub => a.fetch_sub(v, SeqCst),
            RmwOp::And => a.fetch_and(v, SeqCst),
            RmwOp::Or => a.fetch_or(v, SeqCst),
            RmwOp::Xor => a.fetch_xor(v, SeqCst),
            RmwOp::Xchg => a.swap(v, SeqCst),
        }) as u64
    })
}

/// Atomically replaces the `width` bytes at `ptr` with `replacement` if they equal `expected`
/// (both wrapped to the width): the old value, zero-extended.
///
/// # Safety
/// As for `load`.
#[inline(always)]
// Allowed: the 8-byte arm's cast is from `u64` to `u64`.
#[allow(clippy::unnecessary_cast)]
pub(crate) unsafe fn cmpxchg(ptr: *mut u8, width: u32, expected: u64, replacement: u64) -> u64 {
    at_width!(ptr, width, |a, T| {
        match a.compare_exchange(expected as T, replacement as T, SeqCst, SeqCst) {
            Ok(old) | Err(old) => old as u64,
        }
    })
}

/// `memory.atomic.wait32` (`width` 4) or `wait64` (8): 0 when woken, 1 when the value was not
/// `expected`, 2 when `timeout` nanoseconds passed (negative: no timeout). Traps on an
/// unaligned or out-of-bounds address, on a memory that is not shared, and when the guest must
/// stop while it sleeps (the trap is left in the store's `meter_trap`, as a bulk instruction's).
///
/// # Safety
/// `inst` is live (see `runtime::memory`), its context filled in, `mem` one of its memories,
/// and nothing references the store's meter during the call.
pub(crate) unsafe fn memory_atomic_wait(
    inst: *const InstanceData,
    mem: u32,
    addr: u64,
    offset: u64,
    expected: u64,
    timeout: i64,
    width: u32,
) -> Result<u32, TrapCode> {
    // SAFETY: `inst` is live and `mem` one of its memories (this function's contract).
    let m = unsafe { memory(inst, mem) };
    let at = atomic_range(m, addr, offset, width as u64)?;
    let Some(shared) = m.shared.as_ref() else { return Err(TrapCode::AtomicWaitNonShared) };
    let ptr = m.ptr_at(at);
    // SAFETY: `atomic_range` checked the bytes are aligned and inside the memory, which never
    // moves or shrinks (a shared memory).
    let still_expected = || unsafe { load(ptr, width) } == expected & width_mask(width);
    let timeout = u64::try_from(timeout).ok().map(Duration::from_nanos);
    // SAFETY: the context is filled in, so `store` is the live store, whose meter nothing else
    // references during the call (contract).
    let store = unsafe { &mut *(*inst).vmctx.store };
    let poll = (store.meter.interrupt_handle().is_some() || store.meter.deadline().is_some())
        .then_some(STOP_POLL);
    let mut stop_trap = None;
    let outcome = shared.waiters.wait(at as u64, still_expected, timeout, poll, || {
        stop_trap = store.meter.stop();
        stop_trap.is_some()
    });
    match outcome {
        Ok(outcome) => Ok(outcome as u32),
        Err(Stopped) => {
            let trap = stop_trap.unwrap_or_else(|| crate::trap::Trap::new(TrapCode::Interrupted));
            let code = trap.code();
            store.meter_trap = Some(trap);
            Err(code)
        }
    }
}

fn width_mask(width: u32) -> u64 {
    if width >= 8 { u64::MAX } else { (1u64 << (width * 8)) - 1 }
}

/// `memory.atomic.notify`: wakes up to `count` waiters at the address, how many it woke (0 on a
/// memory that is not shared). Traps on an unaligned or out-of-bounds address.
///
/// # Safety
/// `inst` is live (see `runtime::memory`) and `mem` one of its memories.
pub(crate) unsafe fn memory_atomic_notify(
    inst: *const InstanceData,
    mem: u32,
    addr: u64,
    offset: u64,
    count: u32,
) -> Result<u32, TrapCode> {
    // SAFETY: `inst` is live and `mem` one of its memories (this function's contract).
    let m = unsafe { memory(inst, mem) };
    let at = atomic_range(m, addr, offset, 4)?;
    Ok(m.shared.as_ref().map_or(0, |s| s.waiters.notify(at as u64, count)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accesses_wrap_to_their_width_and_return_the_old_value() {
        let mut cell = [0u64; 2];
        let p = cell.as_mut_ptr().cast::<u8>();
        // SAFETY: `p` is an aligned, live 16-byte buffer only this test touches.
        unsafe {
            store(p, 8, 0x1122_3344_5566_7788);
            assert_eq!(rmw(p, 1, RmwOp::Add, 0x1ff), 0x88);
            assert_eq!(load(p, 1), 0x87);
            assert_eq!(rmw(p, 2, RmwOp::Sub, 1), 0x7787);
            assert_eq!(cmpxchg(p, 4, 0x1_5566_7786, 5), 0x5566_7786, "expected wraps to 32 bits");
            assert_eq!(load(p, 8), 0x1122_3344_0000_0005);
            assert_eq!(cmpxchg(p, 4, 6, 7), 5, "no exchange when different");
            assert_eq!(rmw(p, 8, RmwOp::Xchg, 9), 0x1122_3344_0000_0005);
            assert_eq!(rmw(p.add(8), 4, RmwOp::Or, 0xf0), 0);
            assert_eq!(rmw(p.add(8), 4, RmwOp::Xor, 0xff), 0xf0);
            assert_eq!(rmw(p.add(8), 4, RmwOp::And, 0x3), 0x0f);
            assert_eq!(load(p.add(8), 4), 0x3);
        }
    }

    #[test]
    fn alignment_is_checked_before_bounds() {
        let ty = silo_loader::MemoryType {
            index64: false,
            shared: false,
            initial: 1,
            maximum: Some(1),
            page_size_log2: None,
        };
        let m = MemoryEntity::new(ty, None).unwrap();
        assert_eq!(atomic_range(&m, 4, 4, 8), Ok(8));
        assert_eq!(atomic_range(&m, 1, 0, 4), Err(TrapCode::UnalignedAtomic));
        assert_eq!(atomic_range(&m, 65535, 0, 2), Err(TrapCode::UnalignedAtomic));
        assert_eq!(atomic_range(&m, 65536, 0, 2), Err(TrapCode::MemoryOutOfBounds));
        assert_eq!(atomic_range(&m, 65535, 0, 1), Ok(65535));
    }
}
