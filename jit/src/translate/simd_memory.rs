//! SIMD memory accesses: whole vectors, extending loads, splats, `*_zero` loads, and single
//! lanes loaded into or stored from a vector.
//!
//! Addresses and bounds checks are the scalar accesses' (`memory::heap_address`), with the width
//! each access really touches (16 bytes for a vector, 8 for an extending load, a lane's width for
//! the lane and splat forms), so a guarded memory's guard, and the explicit checks of memory64
//! and the small-reservation mode, trap exactly when an access straddles the end of memory. The
//! vector loads and stores are unaligned (`movdqu`): WebAssembly's alignment is only a hint.

use cranelift_codegen::ir::{InstBuilder, Type, Value, types};
use silo_loader::wasmparser::{MemArg, MemArgTarget, Operator};

use super::FuncTranslator;
use super::memory::{Access, heap};

impl FuncTranslator<'_, '_> {
    /// Pops the index of an access of `size` bytes and returns its address and immediate offset.
    fn vector_address(&mut self, memarg: &MemArg, size: u32) -> Result<(Value, i32), String> {
        let MemArgTarget::Memory(mem) = memarg.target else {
            return Err("a SIMD access to something other than a memory".into());
        };
        let index = self.pop();
        Ok(self.heap_address(mem, index, memarg.offset, size))
    }

    /// A scalar of type `ty` loaded at the address the top operand gives.
    fn load_scalar(&mut self, memarg: &MemArg, ty: Type) -> Result<Value, String> {
        let (addr, offset) = self.vector_address(memarg, ty.bytes())?;
        Ok(self.b.ins().load(ty, heap(), addr, offset))
    }

    /// An 8-byte load whose lanes are widened: `f` is the extending load.
    fn load_extend(
        &mut self,
        memarg: &MemArg,
        f: fn(&mut Self, Value, i32) -> Value,
    ) -> Result<(), String> {
        let (addr, offset) = self.vector_address(memarg, 8)?;
        let v = f(self, addr, offset);
        self.push_vector(v);
        Ok(())
    }

    /// A lane of type `ty` loaded and copied to every lane.
    fn load_splat(&mut self, memarg: &MemArg, ty: Type) -> Result<(), String> {
        let x = self.load_scalar(memarg, ty.lane_type())?;
        let v = self.b.ins().splat(ty, x);
        self.push_vector(v);
        Ok(())
    }

    /// A lane of type `ty` loaded into lane 0 of a vector of zeros.
    fn load_zero(&mut self, memarg: &MemArg, ty: Type) -> Result<(), String> {
        let x = self.load_scalar(memarg, ty.lane_type())?;
        let v = self.b.ins().scalar_to_vector(ty, x);
        self.push_vector(v);
        Ok(())
    }

    /// Lane `lane` of the vector operand (of type `ty`) replaced by a value loaded from memory.
    fn load_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) -> Result<(), String> {
        let vector = self.pop_vector(ty);
        let x = self.load_scalar(memarg, ty.lane_type())?;
        let v = self.b.ins().insertlane(vector, x, lane);
        self.push_vector(v);
        Ok(())
    }

    /// Lane `lane` of the vector operand (of type `ty`) stored to memory.
    fn store_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) -> Result<(), String> {
        let vector = self.pop_vector(ty);
        let x = self.b.ins().extractlane(vector, lane);
        let (addr, offset) = self.vector_address(memarg, ty.lane_bits() / 8)?;
        self.b.ins().store(heap(), x, addr, offset);
        Ok(())
    }

    /// Translates a SIMD memory access; `false` if `op` is not one.
    pub(super) fn simd_memory_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        use types::{I8X16, I16X8, I32X4, I64X2};
        match *op {
            O::V128Load { ref memarg } => self.access(memarg, Access::Load(I8X16))?,
            O::V128Store { ref memarg } => self.access(memarg, Access::Store)?,
            O::V128Load8x8S { ref memarg } => {
                self.load_extend(memarg, |t, p, o| t.b.ins().sload8x8(heap(), p, o))?
            }
            O::V128Load8x8U { ref memarg } => {
                self.load_extend(memarg, |t, p, o| t.b.ins().uload8x8(heap(), p, o))?
            }
            O::V128Load16x4S { ref memarg } => {
                self.load_extend(memarg, |t, p, o| t.b.ins().sload16x4(heap(), p, o))?
            }
            O::V128Load16x4U { ref memarg } => {
                self.load_extend(memarg, |t, p, o| t.b.ins().uload16x4(heap(), p, o))?
            }
            O::V128Load32x2S { ref memarg } => {
                self.load_extend(memarg, |t, p, o| t.b.ins().sload32x2(heap(), p, o))?
            }
            O::V128Load32x2U { ref memarg } => {
                self.load_extend(memarg, |t, p, o| t.b.ins().uload32x2(heap(), p, o))?
            }
            O::V128Load8Splat { ref memarg } => self.load_splat(memarg, I8X16)?,
            O::V128Load16Splat { ref memarg } => self.load_splat(memarg, I16X8)?,
            O::V128Load32Splat { ref memarg } => self.load_splat(memarg, I32X4)?,
            O::V128Load64Splat { ref memarg } => self.load_splat(memarg, I64X2)?,
            O::V128Load32Zero { ref memarg } => self.load_zero(memarg, I32X4)?,
            O::V128Load64Zero { ref memarg } => self.load_zero(memarg, I64X2)?,
            O::V128Load8Lane { ref memarg, lane } => self.load_lane(memarg, I8X16, lane)?,
            O::V128Load16Lane { ref memarg, lane } => self.load_lane(memarg, I16X8, lane)?,
            O::V128Load32Lane { ref memarg, lane } => self.load_lane(memarg, I32X4, lane)?,
            O::V128Load64Lane { ref memarg, lane } => self.load_lane(memarg, I64X2, lane)?,
            O::V128Store8Lane { ref memarg, lane } => self.store_lane(memarg, I8X16, lane)?,
            O::V128Store16Lane { ref memarg, lane } => self.store_lane(memarg, I16X8, lane)?,
            O::V128Store32Lane { ref memarg, lane } => self.store_lane(memarg, I32X4, lane)?,
            O::V128Store64Lane { ref memarg, lane } => self.store_lane(memarg, I64X2, lane)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}
