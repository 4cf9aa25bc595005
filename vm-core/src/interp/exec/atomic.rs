//! The handlers of the atomic ops (the threads proposal), expanded inside `define_handlers!` (so
//! in both dispatch modes): the family macros below, one line per op, and the general path out
//! of line. The semantics are `crate::runtime::atomic`'s, which native code shares.
//!
//! A fast op (memory 0, 32-bit) checks the address's alignment ("unaligned atomic"), then
//! `ea + n <= ml`, whose failure goes to the out-of-bounds path every fast access shares
//! (`beyond_ml`: a shared memory another thread grew is looked at again before the trap); then
//! it makes the access with the `std::sync::atomic` operation of its width, inlined. A general
//! op hands the address to `general_address`, which checks it against the memory its `MemArg`
//! names (`runtime::atomic::atomic_range`) and records the trap itself, so a handler only sees a
//! pointer. `memory.atomic.wait` and `notify` run out of line entirely.

use super::{Cx, Op, rd, slow, trap, wr};
use crate::runtime::atomic::{self as rta, atomic_range};
use crate::runtime::memory::memory;

/// The address of the `width` bytes an atomic general op at `ip` (its `MemArg` right after it)
/// accesses at `addr`, or null after recording the trap (unaligned, out of bounds).
///
/// # Safety
/// The registers and context satisfy the run invariants (see `Handler`) for a general atomic
/// op at `ip`, which the translator follows with its `MemArg`.
#[inline(never)]
pub(super) unsafe fn general_address(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    addr: u64,
    width: u32,
) -> *mut u8 {
    // SAFETY: `ip + 1` is the op's `MemArg` (this function's contract), naming a memory of the
    // live instance `cx.inst` (validation checked the index), as `memory` requires; only the
    // entity's immutable fields and atomic length are read. The registers are the live run's,
    // as `trap` requires.
    unsafe {
        let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
        let m = memory((*cx).inst, mem);
        match atomic_range(m, addr, offset, width as u64) {
            Ok(at) => m.ptr_at(at),
            Err(code) => {
                trap(ip, fp, cx, code);
                std::ptr::null_mut()
            }
        }
    }
}

/// `MemoryAtomicWait` at `ip`: waits, writes the outcome (0, 1, 2) to `dst` and says true, or
/// records the trap and says false.
///
/// # Safety
/// The registers and context satisfy the run invariants (see `Handler`) for a
/// `MemoryAtomicWait` at `ip`, followed by its `MemArg` and its `Ext { a: expected, b: timeout }`.
#[inline(never)]
pub(super) unsafe fn wait(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    width: u32,
    dst: u32,
    addr: u32,
) -> bool {
    // SAFETY: the op's `MemArg` and `Ext` follow it (this function's contract) and name a memory
    // of the live instance and slots of the frame; the instance's context is filled in and the
    // store, lent to the run, is referenced by nothing else now, as `memory_atomic_wait`
    // requires. The registers are the live run's, as `trap` requires.
    unsafe {
        let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
        let (expected, timeout) = super::ext(ip.add(1));
        let (expected, timeout) = (rd(fp, expected), rd(fp, timeout) as i64);
        match rta::memory_atomic_wait(
            (*cx).inst,
            mem,
            rd(fp, addr),
            offset,
            expected,
            timeout,
            width,
        ) {
            Ok(outcome) => {
                wr(fp, dst, outcome as u64);
                true
            }
            Err(code) => {
                trap(ip, fp, cx, code);
                false
            }
        }
    }
}

/// `MemoryAtomicNotify` at `ip`: writes how many waiters it woke to `dst` and says true, or
/// records the trap and says false.
///
/// # Safety
/// The registers and context satisfy the run invariants (see `Handler`) for a
/// `MemoryAtomicNotify` at `ip`, followed by its `MemArg`.
#[inline(never)]
pub(super) unsafe fn notify(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: u32,
    addr: u32,
    count: u32,
) -> bool {
    // SAFETY: the op's `MemArg` follows it (this function's contract) and names a memory of the
    // live instance, as `memory_atomic_notify` requires; the slots are the frame's. The
    // registers are the live run's, as `trap` requires.
    unsafe {
        let (mem, offset) = slow::memarg(&(*ip.add(1)).instr);
        let count = rd(fp, count) as u32;
        match rta::memory_atomic_notify((*cx).inst, mem, rd(fp, addr), offset, count) {
            Ok(woken) => {
                wr(fp, dst, woken as u64);
                true
            }
            Err(code) => {
                trap(ip, fp, cx, code);
                false
            }
        }
    }
}

/// The address check of a fast atomic op on memory 0: `ea` a multiple of `$w`, then the `$w`
/// bytes below `ml` (or the shared out-of-bounds path). Memory 0's base is page-aligned, so an
/// aligned `ea` is an aligned host address, as the atomic accesses require.
macro_rules! a_check {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $w:literal, $addr:ident, $offset:ident) => {{
        let ea = rd($fp, $addr) as u32 as u64 + $offset.0 as u64;
        // Allowed: the 1-byte ops are never unaligned, which the check says once compiled.
        #[allow(clippy::modulo_one)]
        let unaligned = ea % $w != 0;
        if unaligned {
            return trap($ip, $fp, $cx, TrapCode::UnalignedAtomic);
        }
        if ea + $w > $ml {
            return beyond_ml($ip, $fp, $mb, $ml, $cx, $acc);
        }
        $mb.add(ea as usize)
    }};
}

/// Fast atomic loads: `dst = load(addr + offset)` of `$w` bytes, zero-extended.
macro_rules! a_load {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($w:literal: $op:ident;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, addr, offset } => {
            let p = a_check!($ip, $fp, $mb, $ml, $cx, $acc; $w, addr, offset);
            wr($fp, dst, rta::load(p, $w));
        });
    )*};
}

/// Fast atomic stores of the low `$w` bytes of `value`.
macro_rules! a_store {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($w:literal: $op:ident;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { addr, value, offset } => {
            let p = a_check!($ip, $fp, $mb, $ml, $cx, $acc; $w, addr, offset);
            rta::store(p, $w, rd($fp, value));
        });
    )*};
}

/// Fast read-modify-writes: `dst = old`, memory `= old op value` (`value` named by the
/// extension word), `$w` bytes.
macro_rules! a_rmw {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($w:literal: $op:ident => $rmw:ident;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, addr, offset } => {
            let p = a_check!($ip, $fp, $mb, $ml, $cx, $acc; $w, addr, offset);
            let (value, _) = ext($ip);
            wr($fp, dst, rta::rmw(p, $w, RmwOp::$rmw, rd($fp, value)));
            return next($ip.add(2), $fp, $mb, $ml, $cx, $acc);
        });
    )*};
}

/// Fast compare-exchanges: `dst = old`, memory `= replacement` if `old == expected` (both named
/// by the extension word), `$w` bytes.
macro_rules! a_cmpxchg {
    ($ip:ident, $fp:ident, $mb:ident, $ml:ident, $cx:ident, $acc:ident; $($w:literal: $op:ident;)*) => {$(
        h!($ip, $fp, $mb, $ml, $cx, $acc; $op { dst, addr, offset } => {
            let p = a_check!($ip, $fp, $mb, $ml, $cx, $acc; $w, addr, offset);
            let (expected, replacement) = ext($ip);
            wr($fp, dst, rta::cmpxchg(p, $w, rd($fp, expected), rd($fp, replacement)));
            return next($ip.add(2), $fp, $mb, $ml, $cx, $acc);
        });
    )*};
}

pub(super) use {a_check, a_cmpxchg, a_load, a_rmw, a_store};

/// Every atomic handler.
macro_rules! define_atomic_handlers {
    () => {
        use super::atomic::{a_check, a_cmpxchg, a_load, a_rmw, a_store};
        use crate::runtime::atomic::{self as rta, RmwOp};

        a_load!(ip, fp, mb, ml, cx, acc; 1: AtomicLoad8; 2: AtomicLoad16; 4: AtomicLoad32; 8: AtomicLoad64;);
        a_store!(ip, fp, mb, ml, cx, acc; 1: AtomicStore8; 2: AtomicStore16; 4: AtomicStore32; 8: AtomicStore64;);
        a_rmw!(ip, fp, mb, ml, cx, acc;
            1: AtomicAdd8 => Add; 2: AtomicAdd16 => Add; 4: AtomicAdd32 => Add; 8: AtomicAdd64 => Add;
            1: AtomicSub8 => Sub; 2: AtomicSub16 => Sub; 4: AtomicSub32 => Sub; 8: AtomicSub64 => Sub;
            1: AtomicAnd8 => And; 2: AtomicAnd16 => And; 4: AtomicAnd32 => And; 8: AtomicAnd64 => And;
            1: AtomicOr8 => Or; 2: AtomicOr16 => Or; 4: AtomicOr32 => Or; 8: AtomicOr64 => Or;
            1: AtomicXor8 => Xor; 2: AtomicXor16 => Xor; 4: AtomicXor32 => Xor; 8: AtomicXor64 => Xor;
            1: AtomicXchg8 => Xchg; 2: AtomicXchg16 => Xchg; 4: AtomicXchg32 => Xchg; 8: AtomicXchg64 => Xchg;
        );
        a_cmpxchg!(ip, fp, mb, ml, cx, acc; 1: AtomicCmpxchg8; 2: AtomicCmpxchg16; 4: AtomicCmpxchg32; 8: AtomicCmpxchg64;);

        // ---- any memory, any offset: `general_address` checks and traps, out of line
        h!(ip, fp, mb, ml, cx, acc; AtomicLoad { width, dst, addr } => {
            let p = super::atomic::general_address(ip, fp, cx, rd(fp, addr), width);
            if p.is_null() { return Exit::Trap }
            wr(fp, dst, rta::load(p, width));
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; AtomicStore { width, addr, value } => {
            let p = super::atomic::general_address(ip, fp, cx, rd(fp, addr), width);
            if p.is_null() { return Exit::Trap }
            rta::store(p, width, rd(fp, value));
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; AtomicRmw { kind, dst, addr } => {
            let width = kind.width as u32;
            let p = super::atomic::general_address(ip, fp, cx, rd(fp, addr), width);
            if p.is_null() { return Exit::Trap }
            // The `Ext` word follows the `MemArg`.
            let (value, _) = ext(ip.add(1));
            wr(fp, dst, rta::rmw(p, width, kind.op, rd(fp, value)));
            return next(ip.add(3), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; AtomicCmpxchg { width, dst, addr } => {
            let p = super::atomic::general_address(ip, fp, cx, rd(fp, addr), width);
            if p.is_null() { return Exit::Trap }
            let (expected, replacement) = ext(ip.add(1));
            wr(fp, dst, rta::cmpxchg(p, width, rd(fp, expected), rd(fp, replacement)));
            return next(ip.add(3), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; MemoryAtomicWait { width, dst, addr } => {
            if !super::atomic::wait(ip, fp, cx, width, dst, addr) { return Exit::Trap }
            return next(ip.add(3), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; MemoryAtomicNotify { dst, addr, count } => {
            if !super::atomic::notify(ip, fp, cx, dst, addr, count) { return Exit::Trap }
            return next(ip.add(2), fp, mb, ml, cx, acc);
        });
        h!(ip, fp, mb, ml, cx, acc; AtomicFence {} => { std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst); });
    };
}

pub(super) use define_atomic_handlers;
