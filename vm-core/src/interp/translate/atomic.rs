//! Translation of the atomic instructions (the threads proposal, see `isa/atomic_ops.rs`): a fast
//! op per kind and width on memory 0 when it is 32-bit (with a 32-bit offset), a general op
//! followed by `MemArg` elsewhere; `memory.atomic.wait32/64` and `notify` are general ops only.
//! The `i32` and `i64` instructions of one width are the same op (slots hold raw bits,
//! zero-extended), and `atomic.fence` is one op.

use silo_loader::ValType;
use silo_loader::wasmparser::{MemArg, Operator};

use super::Translator;
use crate::interp::isa::{AtomicOffset, AtomicRmwKind, Instr, Slot};
use crate::runtime::atomic::RmwOp;

const I32: ValType = ValType::I32;
const I64: ValType = ValType::I64;

/// The fast op of a load of `width` bytes.
fn fast_load(width: u32, dst: Slot, addr: Slot, offset: AtomicOffset) -> Instr {
    match width {
        1 => Instr::AtomicLoad8 { dst, addr, offset },
        2 => Instr::AtomicLoad16 { dst, addr, offset },
        4 => Instr::AtomicLoad32 { dst, addr, offset },
        _ => Instr::AtomicLoad64 { dst, addr, offset },
    }
}

/// The fast op of a store of `width` bytes.
fn fast_store(width: u32, addr: Slot, value: Slot, offset: AtomicOffset) -> Instr {
    match width {
        1 => Instr::AtomicStore8 { addr, value, offset },
        2 => Instr::AtomicStore16 { addr, value, offset },
        4 => Instr::AtomicStore32 { addr, value, offset },
        _ => Instr::AtomicStore64 { addr, value, offset },
    }
}

/// The fast op of a read-modify-write (`None`: a compare-exchange) of `width` bytes.
fn fast_rmw(op: Option<RmwOp>, width: u32, dst: Slot, addr: Slot, offset: AtomicOffset) -> Instr {
    macro_rules! by_width {
        ($w8:ident, $w16:ident, $w32:ident, $w64:ident) => {
            match width {
                1 => Instr::$w8 { dst, addr, offset },
                2 => Instr::$w16 { dst, addr, offset },
                4 => Instr::$w32 { dst, addr, offset },
                _ => Instr::$w64 { dst, addr, offset },
            }
        };
    }
    match op {
        Some(RmwOp::Add) => by_width!(AtomicAdd8, AtomicAdd16, AtomicAdd32, AtomicAdd64),
        Some(RmwOp::Sub) => by_width!(AtomicSub8, AtomicSub16, AtomicSub32, AtomicSub64),
        Some(RmwOp::And) => by_width!(AtomicAnd8, AtomicAnd16, AtomicAnd32, AtomicAnd64),
        Some(RmwOp::Or) => by_width!(AtomicOr8, AtomicOr16, AtomicOr32, AtomicOr64),
        Some(RmwOp::Xor) => by_width!(AtomicXor8, AtomicXor16, AtomicXor32, AtomicXor64),
        Some(RmwOp::Xchg) => by_width!(AtomicXchg8, AtomicXchg16, AtomicXchg32, AtomicXchg64),
        None => by_width!(AtomicCmpxchg8, AtomicCmpxchg16, AtomicCmpxchg32, AtomicCmpxchg64),
    }
}

impl Translator<'_> {
    /// Translates `op` if it is an atomic instruction; false when it is not.
    pub(super) fn atomic_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        use RmwOp::{Add, And, Or, Sub, Xchg, Xor};
        match *op {
            O::AtomicFence { .. } => {
                self.emit(Instr::AtomicFence {});
            }
            O::MemoryAtomicNotify { memarg } => self.atomic_notify(memarg)?,
            O::MemoryAtomicWait32 { memarg } => self.atomic_wait(memarg, 4)?,
            O::MemoryAtomicWait64 { memarg } => self.atomic_wait(memarg, 8)?,

            O::I32AtomicLoad { memarg } => self.atomic_load(memarg, 4, I32)?,
            O::I64AtomicLoad { memarg } => self.atomic_load(memarg, 8, I64)?,
            O::I32AtomicLoad8U { memarg } => self.atomic_load(memarg, 1, I32)?,
            O::I32AtomicLoad16U { memarg } => self.atomic_load(memarg, 2, I32)?,
            O::I64AtomicLoad8U { memarg } => self.atomic_load(memarg, 1, I64)?,
            O::I64AtomicLoad16U { memarg } => self.atomic_load(memarg, 2, I64)?,
            O::I64AtomicLoad32U { memarg } => self.atomic_load(memarg, 4, I64)?,

            O::I32AtomicStore { memarg } | O::I64AtomicStore32 { memarg } => {
                self.atomic_store(memarg, 4)?
            }
            O::I64AtomicStore { memarg } => self.atomic_store(memarg, 8)?,
            O::I32AtomicStore8 { memarg } | O::I64AtomicStore8 { memarg } => {
                self.atomic_store(memarg, 1)?
            }
            O::I32AtomicStore16 { memarg } | O::I64AtomicStore16 { memarg } => {
                self.atomic_store(memarg, 2)?
            }

            O::I32AtomicRmwAdd { memarg } => self.atomic_rmw(memarg, Some(Add), 4, I32)?,
            O::I64AtomicRmwAdd { memarg } => self.atomic_rmw(memarg, Some(Add), 8, I64)?,
            O::I32AtomicRmw8AddU { memarg } => self.atomic_rmw(memarg, Some(Add), 1, I32)?,
            O::I32AtomicRmw16AddU { memarg } => self.atomic_rmw(memarg, Some(Add), 2, I32)?,
            O::I64AtomicRmw8AddU { memarg } => self.atomic_rmw(memarg, Some(Add), 1, I64)?,
            O::I64AtomicRmw16AddU { memarg } => self.atomic_rmw(memarg, Some(Add), 2, I64)?,
            O::I64AtomicRmw32AddU { memarg } => self.atomic_rmw(memarg, Some(Add), 4, I64)?,
            O::I32AtomicRmwSub { memarg } => self.atomic_rmw(memarg, Some(Sub), 4, I32)?,
            O::I64AtomicRmwSub { memarg } => self.atomic_rmw(memarg, Some(Sub), 8, I64)?,
            O::I32AtomicRmw8SubU { memarg } => self.atomic_rmw(memarg, Some(Sub), 1, I32)?,
            O::I32AtomicRmw16SubU { memarg } => self.atomic_rmw(memarg, Some(Sub), 2, I32)?,
            O::I64AtomicRmw8SubU { memarg } => self.atomic_rmw(memarg, Some(Sub), 1, I64)?,
            O::I64AtomicRmw16SubU { memarg } => self.atomic_rmw(memarg, Some(Sub), 2, I64)?,
            O::I64AtomicRmw32SubU { memarg } => self.atomic_rmw(memarg, Some(Sub), 4, I64)?,
            O::I32AtomicRmwAnd { memarg } => self.atomic_rmw(memarg, Some(And), 4, I32)?,
            O::I64AtomicRmwAnd { memarg } => self.atomic_rmw(memarg, Some(And), 8, I64)?,
            O::I32AtomicRmw8AndU { memarg } => self.atomic_rmw(memarg, Some(And), 1, I32)?,
            O::I32AtomicRmw16AndU { memarg } => self.atomic_rmw(memarg, Some(And), 2, I32)?,
            O::I64AtomicRmw8AndU { memarg } => self.atomic_rmw(memarg, Some(And), 1, I64)?,
            O::I64AtomicRmw16AndU { memarg } => self.atomic_rmw(memarg, Some(And), 2, I64)?,
            O::I64AtomicRmw32AndU { memarg } => self.atomic_rmw(memarg, Some(And), 4, I64)?,
            O::I32AtomicRmwOr { memarg } => self.atomic_rmw(memarg, Some(Or), 4, I32)?,
            O::I64AtomicRmwOr { memarg } => self.atomic_rmw(memarg, Some(Or), 8, I64)?,
            O::I32AtomicRmw8OrU { memarg } => self.atomic_rmw(memarg, Some(Or), 1, I32)?,
            O::I32AtomicRmw16OrU { memarg } => self.atomic_rmw(memarg, Some(Or), 2, I32)?,
            O::I64AtomicRmw8OrU { memarg } => self.atomic_rmw(memarg, Some(Or), 1, I64)?,
            O::I64AtomicRmw16OrU { memarg } => self.atomic_rmw(memarg, Some(Or), 2, I64)?,
            O::I64AtomicRmw32OrU { memarg } => self.atomic_rmw(memarg, Some(Or), 4, I64)?,
            O::I32AtomicRmwXor { memarg } => self.atomic_rmw(memarg, Some(Xor), 4, I32)?,
            O::I64AtomicRmwXor { memarg } => self.atomic_rmw(memarg, Some(Xor), 8, I64)?,
            O::I32AtomicRmw8XorU { memarg } => self.atomic_rmw(memarg, Some(Xor), 1, I32)?,
            O::I32AtomicRmw16XorU { memarg } => self.atomic_rmw(memarg, Some(Xor), 2, I32)?,
            O::I64AtomicRmw8XorU { memarg } => self.atomic_rmw(memarg, Some(Xor), 1, I64)?,
            O::I64AtomicRmw16XorU { memarg } => self.atomic_rmw(memarg, Some(Xor), 2, I64)?,
            O::I64AtomicRmw32XorU { memarg } => self.atomic_rmw(memarg, Some(Xor), 4, I64)?,
            O::I32AtomicRmwXchg { memarg } => self.atomic_rmw(memarg, Some(Xchg), 4, I32)?,
            O::I64AtomicRmwXchg { memarg } => self.atomic_rmw(memarg, Some(Xchg), 8, I64)?,
            O::I32AtomicRmw8XchgU { memarg } => self.atomic_rmw(memarg, Some(Xchg), 1, I32)?,
            O::I32AtomicRmw16XchgU { memarg } => self.atomic_rmw(memarg, Some(Xchg), 2, I32)?,
            O::I64AtomicRmw8XchgU { memarg } => self.atomic_rmw(memarg, Some(Xchg), 1, I64)?,
            O::I64AtomicRmw16XchgU { memarg } => self.atomic_rmw(memarg, Some(Xchg), 2, I64)?,
            O::I64AtomicRmw32XchgU { memarg } => self.atomic_rmw(memarg, Some(Xchg), 4, I64)?,
            O::I32AtomicRmwCmpxchg { memarg } => self.atomic_rmw(memarg, None, 4, I32)?,
            O::I64AtomicRmwCmpxchg { memarg } => self.atomic_rmw(memarg, None, 8, I64)?,
            O::I32AtomicRmw8CmpxchgU { memarg } => self.atomic_rmw(memarg, None, 1, I32)?,
            O::I32AtomicRmw16CmpxchgU { memarg } => self.atomic_rmw(memarg, None, 2, I32)?,
            O::I64AtomicRmw8CmpxchgU { memarg } => self.atomic_rmw(memarg, None, 1, I64)?,
            O::I64AtomicRmw16CmpxchgU { memarg } => self.atomic_rmw(memarg, None, 2, I64)?,
            O::I64AtomicRmw32CmpxchgU { memarg } => self.atomic_rmw(memarg, None, 4, I64)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The `MemArg` word of a general op: memory `mem`, the instruction's offset.
    fn memarg_word(mem: u32, memarg: &MemArg) -> Instr {
        Instr::MemArg { mem, offset: memarg.offset.into() }
    }

    /// An atomic load of `width` bytes, zero-extended to `ty`.
    fn atomic_load(&mut self, memarg: MemArg, width: u32, ty: ValType) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let (dst, addr) = self.pop_unary();
        if self.fast_memory(mem, &memarg) {
            let offset = AtomicOffset(memarg.offset as u32);
            self.emit_result(fast_load(width, dst, addr, offset), ty);
        } else {
            self.emit(Instr::AtomicLoad { width, dst, addr });
            self.emit(Self::memarg_word(mem, &memarg));
            self.push_temp(ty);
        }
        Ok(())
    }

    /// An atomic store of the low `width` bytes of the value.
    fn atomic_store(&mut self, memarg: MemArg, width: u32) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let [addr, value] = self.pop_two();
        if self.fast_memory(mem, &memarg) {
            self.emit(fast_store(width, addr, value, AtomicOffset(memarg.offset as u32)));
        } else {
            self.emit(Instr::AtomicStore { width, addr, value });
            self.emit(Self::memarg_word(mem, &memarg));
        }
        Ok(())
    }

    /// A read-modify-write `op` of `width` bytes (`None`: a compare-exchange, which has two
    /// operands after the address), its old value zero-extended to `ty`.
    fn atomic_rmw(
        &mut self,
        memarg: MemArg,
        op: Option<RmwOp>,
        width: u32,
        ty: ValType,
    ) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let (addr, ext) = match op {
            Some(_) => {
                let [addr, value] = self.pop_two();
                (addr, Instr::Ext { a: value, b: 0 })
            }
            None => {
                let [addr, expected, replacement] = self.pop_three();
                (addr, Instr::Ext { a: expected, b: replacement })
            }
        };
        let dst = self.slot_at(self.stack.len());
        if self.fast_memory(mem, &memarg) {
            self.emit(fast_rmw(op, width, dst, addr, AtomicOffset(memarg.offset as u32)));
        } else {
            self.emit(match op {
                Some(op) => {
                    Instr::AtomicRmw { kind: AtomicRmwKind { op, width: width as u8 }, dst, addr }
                }
                None => Instr::AtomicCmpxchg { width, dst, addr },
            });
            self.emit(Self::memarg_word(mem, &memarg));
        }
        self.emit(ext);
        self.push_temp(ty);
        Ok(())
    }

    /// `memory.atomic.wait32` (`width` 4) or `wait64` (8).
    fn atomic_wait(&mut self, memarg: MemArg, width: u32) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let [addr, expected, timeout] = self.pop_three();
        let dst = self.slot_at(self.stack.len());
        self.emit(Instr::MemoryAtomicWait { width, dst, addr });
        self.emit(Self::memarg_word(mem, &memarg));
        self.emit(Instr::Ext { a: expected, b: timeout });
        self.push_temp(I32);
        Ok(())
    }

    /// `memory.atomic.notify`.
    fn atomic_notify(&mut self, memarg: MemArg) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let [addr, count] = self.pop_two();
        let dst = self.slot_at(self.stack.len());
        self.emit(Instr::MemoryAtomicNotify { dst, addr, count });
        self.emit(Self::memarg_word(mem, &memarg));
        self.push_temp(I32);
        Ok(())
    }
}
