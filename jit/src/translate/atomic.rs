//! The threads proposal's instructions: atomic loads, stores, read-modify-writes and
//! compare-exchanges as Cranelift's atomic instructions (`atomic_load`, `atomic_store`,
//! `atomic_rmw`, `atomic_cas`, which x86-64 lowers to `mov`, `xchg`, `lock xadd`/`lock cmpxchg`
//! loops), `atomic.fence` as `fence`, and `memory.atomic.wait32/64` and `memory.atomic.notify`
//! as calls of their builtins, which sleep and wake in the runtime both tiers share
//! (`silo_core`'s `runtime::atomic`).
//!
//! An access of `n` bytes first checks that its effective address (index plus static offset, in
//! the memory's index type) is a multiple of `n` ("unaligned atomic"), then its bounds exactly as
//! a plain access of `n` bytes does (`memory::heap_address`: a guarded memory's guard faults, any
//! other memory is checked against its current length), so an unaligned access out of bounds
//! reports the alignment. The accesses carry the plain accesses' flags, whose trap code makes a
//! fault in the guard the out-of-bounds trap. Narrow forms work on the narrow type: operands are
//! `ireduce`d to it and the old value `uextend`ed back, so they wrap at their width.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{AtomicRmwOp, InstBuilder, Type, Value, types};
use silo_core::vm::{ATOMIC_TRAPPED, Builtin, TrapKind};
use silo_loader::wasmparser::{MemArg, MemArgTarget, Operator};

use super::memory::heap;
use super::{FuncTranslator, trap};

/// What an atomic memory instruction does.
#[derive(Clone, Copy)]
enum Atomic {
    Load,
    Store,
    Rmw(AtomicRmwOp),
    Cmpxchg,
}

/// An atomic access: what it does, the type of its operands and result (`I32`, `I64`), the
/// type it accesses memory with (as wide or narrower), and its memory argument.
type Access<'m> = (Atomic, Type, Type, &'m MemArg);

/// Matches the seven forms of one family of atomic instructions: the full 32- and 64-bit ones,
/// then the narrow ones (`i32` from 8 and 16 bits, `i64` from 8, 16 and 32 bits).
macro_rules! family {
    ($op:expr, $kind:expr; $w32:ident, $w64:ident, $n32_8:ident, $n32_16:ident, $n64_8:ident,
     $n64_16:ident, $n64_32:ident) => {{
        use types::{I8, I16, I32, I64};
        match $op {
            Operator::$w32 { memarg } => Some(($kind, I32, I32, memarg)),
            Operator::$w64 { memarg } => Some(($kind, I64, I64, memarg)),
            Operator::$n32_8 { memarg } => Some(($kind, I32, I8, memarg)),
            Operator::$n32_16 { memarg } => Some(($kind, I32, I16, memarg)),
            Operator::$n64_8 { memarg } => Some(($kind, I64, I8, memarg)),
            Operator::$n64_16 { memarg } => Some(($kind, I64, I16, memarg)),
            Operator::$n64_32 { memarg } => Some(($kind, I64, I32, memarg)),
            _ => None,
        }
    }};
}

/// The atomic access `op` is, if it is one.
fn access<'m>(op: &'m Operator<'_>) -> Option<Access<'m>> {
    use Atomic::*;
    use AtomicRmwOp as R;
    family!(op, Load; I32AtomicLoad, I64AtomicLoad, I32AtomicLoad8U, I32AtomicLoad16U,
        I64AtomicLoad8U, I64AtomicLoad16U, I64AtomicLoad32U)
    .or_else(|| {
        family!(op, Store; I32AtomicStore, I64AtomicStore, I32AtomicStore8, I32AtomicStore16,
            I64AtomicStore8, I64AtomicStore16, I64AtomicStore32)
    })
    .or_else(|| {
        family!(op, Rmw(R::Add); I32AtomicRmwAdd, I64AtomicRmwAdd, I32AtomicRmw8AddU,
            I32AtomicRmw16AddU, I64AtomicRmw8AddU, I64AtomicRmw16AddU, I64AtomicRmw32AddU)
    })
    .or_else(|| {
        family!(op, Rmw(R::Sub); I32AtomicRmwSub, I64AtomicRmwSub, I32AtomicRmw8SubU,
            I32AtomicRmw16SubU, I64AtomicRmw8SubU, I64AtomicRmw16SubU, I64AtomicRmw32SubU)
    })
    .or_else(|| {
        family!(op, Rmw(R::And); I32AtomicRmwAnd, I64AtomicRmwAnd, I32AtomicRmw8AndU,
            I32AtomicRmw16AndU, I64AtomicRmw8AndU, I64AtomicRmw16AndU, I64AtomicRmw32AndU)
    })
    .or_else(|| {
        family!(op, Rmw(R::Or); I32AtomicRmwOr, I64AtomicRmwOr, I32AtomicRmw8OrU,
            I32AtomicRmw16OrU, I64AtomicRmw8OrU, I64AtomicRmw16OrU, I64AtomicRmw32OrU)
    })
    .or_else(|| {
        family!(op, Rmw(R::Xor); I32AtomicRmwXor, I64AtomicRmwXor, I32AtomicRmw8XorU,
            I32AtomicRmw16XorU, I64AtomicRmw8XorU, I64AtomicRmw16XorU, I64AtomicRmw32XorU)
    })
    .or_else(|| {
        family!(op, Rmw(R::Xchg); I32AtomicRmwXchg, I64AtomicRmwXchg, I32AtomicRmw8XchgU,
            I32AtomicRmw16XchgU, I64AtomicRmw8XchgU, I64AtomicRmw16XchgU, I64AtomicRmw32XchgU)
    })
    .or_else(|| {
        family!(op, Cmpxchg; I32AtomicRmwCmpxchg, I64AtomicRmwCmpxchg, I32AtomicRmw8CmpxchgU,
            I32AtomicRmw16CmpxchgU, I64AtomicRmw8CmpxchgU, I64AtomicRmw16CmpxchgU,
            I64AtomicRmw32CmpxchgU)
    })
}

/// The memory a memory argument names.
fn memory_of(memarg: &MemArg) -> Result<u32, String> {
    match memarg.target {
        MemArgTarget::Memory(mem) => Ok(mem),
        _ => Err("an atomic access to something other than a memory".into()),
    }
}

impl FuncTranslator<'_, '_> {
    /// Translates an instruction of the threads proposal; `false` if `op` is not one.
    pub(super) fn atomic_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        if let Some((kind, ty, access_ty, memarg)) = access(op) {
            self.atomic_access(kind, ty, access_ty, memarg)?;
            return Ok(true);
        }
        match op {
            Operator::AtomicFence { .. } => {
                self.b.ins().fence();
            }
            Operator::MemoryAtomicWait32 { memarg } => self.atomic_wait(memarg, 4)?,
            Operator::MemoryAtomicWait64 { memarg } => self.atomic_wait(memarg, 8)?,
            Operator::MemoryAtomicNotify { memarg } => self.atomic_notify(memarg)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// An atomic load, store, read-modify-write or compare-exchange with operands and result of
    /// type `ty`, accessing memory as `access_ty`.
    fn atomic_access(
        &mut self,
        kind: Atomic,
        ty: Type,
        access_ty: Type,
        memarg: &MemArg,
    ) -> Result<(), String> {
        let operands = match kind {
            Atomic::Load => 0,
            Atomic::Store | Atomic::Rmw(_) => 1,
            Atomic::Cmpxchg => 2,
        };
        let operands: Vec<Value> =
            self.pop_n(operands).into_iter().map(|v| self.narrow(v, access_ty)).collect();
        let addr = self.atomic_address(memarg, access_ty.bytes())?;
        let ins = self.b.ins();
        let old = match kind {
            Atomic::Load => ins.atomic_load(access_ty, heap(), addr),
            Atomic::Store => {
                ins.atomic_store(heap(), operands[0], addr);
                return Ok(());
            }
            Atomic::Rmw(op) => ins.atomic_rmw(access_ty, heap(), op, addr, operands[0]),
            Atomic::Cmpxchg => ins.atomic_cas(heap(), addr, operands[0], operands[1]),
        };
        let old = if access_ty == ty { old } else { self.b.ins().uextend(ty, old) };
        self.push(old);
        Ok(())
    }

    /// `v` wrapped to type `ty` (its low bits).
    fn narrow(&mut self, v: Value, ty: Type) -> Value {
        if self.b.func.dfg.value_type(v) == ty { v } else { self.b.ins().ireduce(ty, v) }
    }

    /// Pops the index of an atomic access of `width` bytes and returns its native address,
    /// after the checks: alignment, then bounds.
    fn atomic_address(&mut self, memarg: &MemArg, width: u32) -> Result<Value, String> {
        let mem = memory_of(memarg)?;
        let index = self.pop();
        let index = self.extend_index(index);
        self.check_alignment(mem, index, memarg.offset, width);
        let (addr, offset) = self.heap_address(mem, index, memarg.offset, width);
        Ok(if offset == 0 { addr } else { self.b.ins().iadd_imm_s(addr, offset as i64) })
    }

    /// Traps with "unaligned atomic" unless `index + offset` (`index` zero-extended to 64 bits)
    /// is a multiple of `width`. A 64-bit memory's effective address that overflows is out of
    /// bounds, whatever its low bits, as in the interpreter.
    fn check_alignment(&mut self, mem: u32, index: Value, offset: u64, width: u32) {
        if width == 1 {
            return;
        }
        let ea = if offset == 0 {
            index
        } else if self.env.info.memories[mem as usize].index64 {
            let offset = self.b.ins().iconst(types::I64, offset as i64);
            self.b.ins().uadd_overflow_trap(index, offset, trap(TrapKind::MemoryOutOfBounds))
        } else {
            self.b.ins().iadd_imm_s(index, offset as i64)
        };
        let low = self.b.ins().band_imm_u(ea, (width - 1) as i64);
        self.b.ins().trapnz(low, trap(TrapKind::UnalignedAtomic));
    }

    /// `memory.atomic.wait32` (`width` 4) or `wait64` (8): the `MemoryAtomicWait` builtin,
    /// which checks the address, compares and sleeps.
    fn atomic_wait(&mut self, memarg: &MemArg, width: u32) -> Result<(), String> {
        let mem = memory_of(memarg)?;
        let (index, expected, timeout) = self.pop3();
        let index = self.extend_index(index);
        let expected = self.extend_index(expected);
        let m = self.b.ins().iconst(types::I32, mem as i64);
        let offset = self.b.ins().iconst(types::I64, memarg.offset as i64);
        let w = self.b.ins().iconst(types::I32, width as i64);
        let args = [m, index, offset, expected, timeout, w];
        let outcome = self.call_builtin(Builtin::MemoryAtomicWait, &args)[0];
        self.push_atomic_outcome(outcome);
        Ok(())
    }

    /// `memory.atomic.notify`: the `MemoryAtomicNotify` builtin.
    fn atomic_notify(&mut self, memarg: &MemArg) -> Result<(), String> {
        let mem = memory_of(memarg)?;
        let (index, count) = self.pop2();
        let index = self.extend_index(index);
        let m = self.b.ins().iconst(types::I32, mem as i64);
        let offset = self.b.ins().iconst(types::I64, memarg.offset as i64);
        let woken = self.call_builtin(Builtin::MemoryAtomicNotify, &[m, index, offset, count])[0];
        self.push_atomic_outcome(woken);
        Ok(())
    }

    /// Raises the trap a wait or notify builtin left, or pushes its result as an `i32`.
    fn push_atomic_outcome(&mut self, outcome: Value) {
        let trapped = self.b.ins().icmp_imm_s(IntCC::Equal, outcome, ATOMIC_TRAPPED as i64);
        self.b.ins().trapnz(trapped, trap(TrapKind::Pending));
        let v = self.b.ins().ireduce(types::I32, outcome);
        self.push(v);
    }
}
