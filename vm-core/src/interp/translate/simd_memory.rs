//! The `v128` loads and stores: a fast op on memory 0 when it is 32-bit (with a 32-bit offset),
//! `LoadV128`/`StoreV128` followed by a `MemArg` on any other memory or offset. The lane loads and
//! stores are the scalar access (with its own fast and general paths, and its address fusions)
//! and a lane op.

use silo_loader::ValType;
use silo_loader::wasmparser::MemArg;

use super::Translator;
use crate::interp::isa::{Instr, LoadKind, Slot, StoreKind, V128LoadKind};

/// `|dst, addr_or_src, offset_or_lane| Instr::... { ... }`.
type MakeLane = fn(Slot, Slot, u32) -> Instr;

const V128: ValType = ValType::V128;

impl Translator<'_> {
    /// A `v128` load: the fast op on memory 0, `LoadV128` of kind `kind` elsewhere.
    pub(super) fn v128_load(
        &mut self,
        memarg: MemArg,
        kind: V128LoadKind,
        fast: MakeLane,
    ) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let (dst, addr) = self.pop_unary();
        if self.fast_memory(mem, &memarg) {
            self.emit_result(fast(dst, addr, memarg.offset as u32), V128);
        } else {
            self.emit(Instr::LoadV128 { kind, dst, addr });
            self.emit(Instr::MemArg { mem, offset: memarg.offset.into() });
            self.push_temp(V128);
        }
        Ok(())
    }

    /// `v128.store`.
    pub(super) fn v128_store(&mut self, memarg: MemArg) -> Result<(), String> {
        let mem = Self::memory_of(&memarg)?;
        let [addr, value] = self.pop_two();
        if self.fast_memory(mem, &memarg) {
            self.emit(Instr::V128Store { addr, value, offset: memarg.offset as u32 });
        } else {
            self.emit(Instr::StoreV128 { addr, value });
            self.emit(Instr::MemArg { mem, offset: memarg.offset.into() });
        }
        Ok(())
    }

    /// `v128.loadN_lane`: the scalar load (`kind`, its fast op, its type), then `replace` of the
    /// lane. The vector stays where it is meanwhile: above the address, whose slot the scalar
    /// takes (an address takes one slot, as the scalar does).
    pub(super) fn load_lane(
        &mut self,
        memarg: MemArg,
        lane: u8,
        (kind, fast, ty): (LoadKind, MakeLane, ValType),
        replace: MakeLane,
    ) -> Result<(), String> {
        let vector = self.pop();
        self.load(memarg, kind, fast, ty)?;
        let x = self.pop_slot();
        let src = self.use_entry(vector);
        let dst = self.slot_at(self.stack.len());
        self.emit(replace(dst, src, lane as u32));
        self.emit(Instr::Ext { a: x, b: 0 });
        self.push_temp(V128);
        Ok(())
    }

    /// `v128.storeN_lane`: `extract` of the lane (and its type), then the scalar store (`kind`
    /// and its fast op).
    pub(super) fn store_lane(
        &mut self,
        memarg: MemArg,
        lane: u8,
        (extract, ty): (MakeLane, ValType),
        (kind, fast): (StoreKind, fn(Slot, Slot, u32) -> Instr),
    ) -> Result<(), String> {
        let (dst, src) = self.pop_unary();
        self.emit_result(extract(dst, src, lane as u32), ty);
        self.store(memarg, kind, fast)
    }
}
