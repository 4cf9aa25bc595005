//! The record a function keeps of its frame for mid-run checkpoints (`silo_core::vm::deopt`),
//! when the engine asks for it (`ModuleEnv::deopt`).
//!
//! The record is an explicit stack slot of the function: linked to the store's list on entry
//! (both ways in: the function's own and a loop entry's), unlinked before every return and tail
//! call (a tail call also marks the caller's record `TAILED`: the callee takes this frame's
//! place), linked again in a handler an exception lands in. Before each call and in the slow path
//! of each check, the function writes where it is and its values in the slot form: every local,
//! then the whole operand stack, bottom first (for a call, its arguments and the table index or
//! function reference too). Its size is known once the function is translated: the most values
//! any point wrote.

use cranelift_codegen::ir::{
    InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Value, types,
};
use silo_core::vm::deopt::{self as layout};
use silo_core::vm::offsets;

use super::{FuncTranslator, readonly};
use crate::trampoline::{slot_flags, slot_offsets, slots_size};

/// A function's record: its stack slot, and the most value slots a point writes.
pub(super) struct Record {
    slot: cranelift_codegen::ir::StackSlot,
    max_slots: u32,
}

impl FuncTranslator<'_, '_> {
    /// In a function that keeps a record: makes it and links it to the store's list (at the
    /// function's entry block, before either way in).
    pub(super) fn deopt_enter(&mut self) {
        if !self.env.deopt {
            return;
        }
        let data = StackSlotData::new(StackSlotKind::ExplicitSlot, layout::VALUES as u32, 3);
        let slot = self.b.create_sized_stack_slot(data);
        self.deopt = Some(Record { slot, max_slots: 0 });
        let area = self.b.ins().stack_addr(types::I64, slot, 0);
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_DEOPT_TOP, readonly());
        let flags = MemFlagsData::trusted();
        let prev = self.b.ins().load(types::I64, flags, cell, 0);
        self.b.ins().store(flags, prev, area, layout::PREV);
        self.b.ins().store(flags, self.vmctx, area, layout::VMCTX);
        // At no point until the first: the collector reads no values of it (`gc::record_roots`).
        let at_none = u64::from(self.func_index) | (u64::from(layout::AT_BULK) << 32);
        let at_none = self.b.ins().iconst(types::I64, at_none as i64);
        self.b.ins().store(flags, at_none, area, layout::FUNC);
        self.b.ins().store(flags, area, cell, 0);
    }

    /// Before a return (`tail`: a tail call, which also marks the caller's record), unlinks the
    /// record.
    pub(super) fn deopt_leave(&mut self, tail: bool) {
        let Some(Record { slot, .. }) = self.deopt else { return };
        let area = self.b.ins().stack_addr(types::I64, slot, 0);
        let flags = MemFlagsData::trusted();
        let prev = self.b.ins().load(types::I64, flags, area, layout::PREV);
        if tail {
            // Never null: every entry into native code pushes a boundary first.
            let tailed = self.b.ins().iconst(types::I32, i64::from(layout::TAILED));
            self.b.ins().store(flags, tailed, prev, layout::KIND);
        }
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_DEOPT_TOP, readonly());
        self.b.ins().store(flags, prev, cell, 0);
    }

    /// In a handler an exception landed in: the record is the innermost again.
    pub(super) fn deopt_relink(&mut self) {
        let Some(Record { slot, .. }) = self.deopt else { return };
        let area = self.b.ins().stack_addr(types::I64, slot, 0);
        let cell = self.load_ptr(self.vmctx, offsets::VMCTX_DEOPT_TOP, readonly());
        self.b.ins().store(MemFlagsData::trusted(), area, cell, 0);
    }

    /// Writes the point the frame is at (`kind`, at the operator being translated) and, for a
    /// call or a check, the locals and the operand stack.
    pub(super) fn deopt_point(&mut self, kind: u32) {
        let Some(Record { slot, .. }) = self.deopt else { return };
        let area = self.b.ins().stack_addr(types::I64, slot, 0);
        let flags = MemFlagsData::trusted();
        // `func` and `kind` in one store, `offset` and `slots` in another.
        let func_kind = u64::from(self.func_index) | (u64::from(kind) << 32);
        let func_kind = self.b.ins().iconst(types::I64, func_kind as i64);
        self.b.ins().store(flags, func_kind, area, layout::FUNC);
        if kind == layout::AT_BULK {
            return;
        }
        let vars: Vec<_> = self.locals.iter().map(|&(var, _)| var).collect();
        let mut values: Vec<Value> = vars.into_iter().map(|var| self.b.use_var(var)).collect();
        values.extend_from_slice(&self.stack);
        let types: Vec<_> = values.iter().map(|&v| self.b.func.dfg.value_type(v)).collect();
        let slots = (slots_size(&types) / 8) as u32;
        let point = u64::from(self.offset) | (u64::from(slots) << 32);
        let point = self.b.ins().iconst(types::I64, point as i64);
        self.b.ins().store(flags, point, area, layout::OFFSET);
        // Each value as it is: a 32-bit one in the low half of its slot (the reader takes the
        // slots by type).
        for ((&v, &ty), at) in values.iter().zip(&types).zip(slot_offsets(&types)) {
            self.b.ins().store(slot_flags(ty), v, area, layout::VALUES + at);
        }
        if let Some(record) = &mut self.deopt {
            record.max_slots = record.max_slots.max(slots);
        }
    }

    /// Once the function is translated: the record's size.
    pub(super) fn deopt_finish(&mut self) {
        let Some(Record { slot, max_slots }) = self.deopt else { return };
        self.b.func.sized_stack_slots[slot].size = layout::VALUES as u32 + 8 * max_slots;
    }
}
