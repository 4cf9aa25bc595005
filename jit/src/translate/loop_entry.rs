//! The way into a loop entry (on-stack replacement): where the interpreter frame's operands meet
//! the function's own code, and how the loops around the entered one keep their operands right.
//!
//! The entered loop is reached from two ways in: the function's own code before it (translated
//! but never taken) and the entry block, which loads the operand stack from the interpreter
//! frame. Both meet in one block whose parameters are the operands, so the values below the loop
//! are good on either way. A loop *around* the entered one is reached again by its back edges,
//! which now come from the way in; the operands below that outer loop, computed by the code
//! before it, were never computed on that way. Each such loop therefore carries the operands
//! below it in frontend variables: defined before its header, read in it (Cranelift's SSA
//! construction makes them header parameters), and defined again from the meeting block's
//! parameters. Which loops surround the entry, the function's analysis says (`LoopSite::around`).

use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{self, Block, InstBuilder, Value, types};
use cranelift_frontend::Variable;
use silo_core::ValType;
use silo_core::vm::StackValue;

use super::{FuncTranslator, LoopEntryAt, args, ir_type};

impl FuncTranslator<'_, '_> {
    /// Before the header of the loop at `loop_offset` is entered from the code before it: when
    /// the loop encloses the loop being entered, every operand below it goes into a variable of
    /// its own (returned, in stack order), to be read in the header.
    pub(super) fn carry_below(&mut self, loop_offset: u32) -> Result<Vec<Variable>, String> {
        let Some(entry) = &self.loop_entry else { return Ok(Vec::new()) };
        if !entry.enclosing.contains(&loop_offset) {
            return Ok(Vec::new());
        }
        // The entered loop is inside this one, so the operands below this loop are the first
        // ones of the interpreter frame's stack there, of the types it gives.
        let types: Vec<ValType> = entry.stack.iter().map(|s| s.ty).collect();
        if types.len() < self.stack.len() {
            return Err(format!(
                "the interpreter frame at the loop at {:#x} holds fewer operands than the loop \
                 around it at {loop_offset:#x}",
                entry.at
            ));
        }
        let mut carried = Vec::with_capacity(self.stack.len());
        for (i, &ty) in types.iter().enumerate().take(self.stack.len()) {
            let v = self.stack[i];
            let irt = ir_type(ty)?;
            if self.b.func.dfg.value_type(v) != irt {
                return Err(format!(
                    "the operand types at the loop at {loop_offset:#x} differ between tiers"
                ));
            }
            let var = self.b.declare_var(irt);
            if self.is_gc(ty) {
                self.b.declare_var_needs_stack_map(var);
            }
            self.b.def_var(var, v);
            carried.push(var);
        }
        Ok(carried)
    }

    /// In a loop's header: the operands below it are read from the variables `carry_below` made.
    pub(super) fn read_carried(&mut self, carried: &[Variable]) {
        for (i, &var) in carried.iter().enumerate() {
            self.stack[i] = self.b.use_var(var);
        }
    }

    /// At the loop a loop entry enters (its parameters `params` popped): both ways in, the
    /// function's own (never taken) and the entry's, which loads the operand stack from the
    /// interpreter frame, meet in one block before the header, so that the loop keeps a single
    /// entry (code entering a loop in its middle compiles badly) and the values below the loop
    /// are that block's parameters, good on either way; the loops around it carry them from
    /// there. The entry refunds the check that the interpreter has just charged and the header
    /// charges again.
    pub(super) fn enter_loop(
        &mut self,
        way_in: LoopEntryAt,
        header: Block,
        params: &[Value],
    ) -> Result<(), String> {
        let at = way_in.at;
        if self.ctrl.iter().any(|f| f.caught.is_some()) {
            return Err(format!("the loop at {at:#x} is in a legacy catch body: no entry there"));
        }
        let below = self.stack.len();
        let stack: Vec<Value> = self.stack.iter().chain(params).copied().collect();
        if way_in.stack.len() != stack.len() {
            return Err(format!(
                "the interpreter frame at the loop at {at:#x} holds {} operands, the loop has {}",
                way_in.stack.len(),
                stack.len()
            ));
        }
        let types: Vec<ValType> = way_in.stack.iter().map(|s| s.ty).collect();
        for (&v, &ty) in stack.iter().zip(&types) {
            if self.b.func.dfg.value_type(v) != ir_type(ty)? {
                return Err(format!(
                    "the operand types at the loop at {at:#x} differ between tiers"
                ));
            }
        }
        let meet = self.block_with_params(&types)?;
        self.b.ins().jump(meet, &args(&stack));
        self.b.switch_to_block(way_in.block);
        self.b.seal_block(way_in.block);
        self.fuel_refund(at)?;
        let mut loaded = Vec::with_capacity(stack.len());
        for s in &way_in.stack {
            let ty = ir_type(s.ty)?;
            let v = match s.value {
                StackValue::Slot(slot) => {
                    let offset = i32::try_from(u64::from(slot) * 8).map_err(|_| {
                        format!("the frame at the loop at {at:#x} is too large to enter")
                    })?;
                    let flags = crate::trampoline::slot_flags(ty);
                    self.b.ins().load(ty, flags, way_in.frame, offset)
                }
                StackValue::Bits(bits) => self.constant_of_bits(ty, bits),
                StackValue::Bits128(bits) => self.vector_const(ty, bits.to_le_bytes()),
            };
            loaded.push(v);
        }
        self.b.ins().jump(meet, &args(&loaded));
        self.b.switch_to_block(meet);
        self.b.seal_block(meet);
        let values = self.b.block_params(meet).to_vec();
        self.stack.copy_from_slice(&values[..below]);
        // The loops around this one: their operands, as they are from here on.
        let carried: Vec<Variable> = self.ctrl.iter().flat_map(|f| f.carried.clone()).collect();
        let positions = self.ctrl.iter().flat_map(|f| 0..f.carried.len());
        for (var, i) in carried.into_iter().zip(positions) {
            self.b.def_var(var, values[i]);
        }
        self.b.ins().jump(header, &args(&values[below..]));
        Ok(())
    }

    /// The value of type `ty` whose slot form is `bits`.
    fn constant_of_bits(&mut self, ty: ir::Type, bits: u64) -> Value {
        match ty {
            types::F32 => self.b.ins().f32const(Ieee32::with_bits(bits as u32)),
            types::F64 => self.b.ins().f64const(Ieee64::with_bits(bits)),
            types::I32 => self.b.ins().iconst(types::I32, i64::from(bits as u32)),
            ty => self.b.ins().iconst(ty, bits as i64),
        }
    }
}
