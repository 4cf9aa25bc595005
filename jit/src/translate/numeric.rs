//! Numeric operators: constants, arithmetic, comparisons and conversions. Cranelift's operators
//! have WebAssembly's semantics here, traps included (division by zero and overflow, invalid
//! float-to-int conversions), so most map one to one.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Type, Value, types};
use silo_loader::wasmparser::Operator;

use super::FuncTranslator;

impl FuncTranslator<'_, '_> {
    fn bin(&mut self, f: fn(&mut Self, Value, Value) -> Value) {
        let (x, y) = self.pop2();
        let v = f(self, x, y);
        self.push(v);
    }

    fn un(&mut self, f: fn(&mut Self, Value) -> Value) {
        let x = self.pop();
        let v = f(self, x);
        self.push(v);
    }

    /// A comparison's boolean as an `i32`.
    fn bool32(&mut self, b: Value) -> Value {
        self.b.ins().uextend(types::I32, b)
    }

    fn icmp(&mut self, cc: IntCC) {
        let (x, y) = self.pop2();
        let b = self.b.ins().icmp(cc, x, y);
        let v = self.bool32(b);
        self.push(v);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (x, y) = self.pop2();
        let b = self.b.ins().fcmp(cc, x, y);
        let v = self.bool32(b);
        self.push(v);
    }

    fn eqz(&mut self) {
        let x = self.pop();
        let b = self.b.ins().icmp_imm_s(IntCC::Equal, x, 0);
        let v = self.bool32(b);
        self.push(v);
    }

    /// Sign-extends the low `from` bits of the top value within its own type `to`.
    fn extend_within(&mut self, from: Type, to: Type) {
        let x = self.pop();
        let narrow = self.b.ins().ireduce(from, x);
        let v = self.b.ins().sextend(to, narrow);
        self.push(v);
    }

    fn convert(&mut self, f: fn(&mut Self, Type, Value) -> Value, to: Type) {
        let x = self.pop();
        let v = f(self, to, x);
        self.push(v);
    }

    fn reinterpret(&mut self, to: Type) {
        let x = self.pop();
        let v = self.b.ins().bitcast(to, MemFlagsData::new(), x);
        self.push(v);
    }

    /// Translates a numeric operator; `false` if `op` is not one.
    pub(super) fn numeric_operator(&mut self, op: &Operator<'_>) -> Result<bool, String> {
        use Operator as O;
        use types::{F32, F64, I32, I64};
        match *op {
            O::I32Const { value } => {
                let v = self.b.ins().iconst(I32, value as i64);
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            // ---- integer arithmetic (both widths: the operands carry the type)
            O::I32Add | O::I64Add => self.bin(|t, x, y| t.b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.bin(|t, x, y| t.b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.bin(|t, x, y| t.b.ins().imul(x, y)),
            O::I32DivS | O::I64DivS => self.bin(|t, x, y| t.b.ins().sdiv(x, y)),
            O::I32DivU | O::I64DivU => self.bin(|t, x, y| t.b.ins().udiv(x, y)),
            O::I32RemS | O::I64RemS => self.bin(|t, x, y| t.b.ins().srem(x, y)),
            O::I32RemU | O::I64RemU => self.bin(|t, x, y| t.b.ins().urem(x, y)),
            O::I32And | O::I64And => self.bin(|t, x, y| t.b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.bin(|t, x, y| t.b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.bin(|t, x, y| t.b.ins().bxor(x, y)),
            O::I32Shl | O::I64Shl => self.bin(|t, x, y| t.b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.bin(|t, x, y| t.b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.bin(|t, x, y| t.b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.bin(|t, x, y| t.b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.bin(|t, x, y| t.b.ins().rotr(x, y)),
            O::I32Clz | O::I64Clz => self.un(|t, x| t.b.ins().clz(x)),
            O::I32Ctz | O::I64Ctz => self.un(|t, x| t.b.ins().ctz(x)),
            O::I32Popcnt | O::I64Popcnt => self.un(|t, x| t.b.ins().popcnt(x)),
            O::I32Eqz | O::I64Eqz => self.eqz(),

            // ---- integer comparisons
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),

            // ---- float arithmetic
            O::F32Add | O::F64Add => self.bin(|t, x, y| t.b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.bin(|t, x, y| t.b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.bin(|t, x, y| t.b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.bin(|t, x, y| t.b.ins().fdiv(x, y)),
            O::F32Min | O::F64Min => self.bin(|t, x, y| t.b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.bin(|t, x, y| t.b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.bin(|t, x, y| t.b.ins().fcopysign(x, y)),
            O::F32Abs | O::F64Abs => self.un(|t, x| t.b.ins().fabs(x)),
            O::F32Neg | O::F64Neg => self.un(|t, x| t.b.ins().fneg(x)),
            O::F32Sqrt | O::F64Sqrt => self.un(|t, x| t.b.ins().sqrt(x)),
            O::F32Ceil | O::F64Ceil => self.un(|t, x| t.b.ins().ceil(x)),
            O::F32Floor | O::F64Floor => self.un(|t, x| t.b.ins().floor(x)),
            O::F32Trunc | O::F64Trunc => self.un(|t, x| t.b.ins().trunc(x)),
            O::F32Nearest | O::F64Nearest => self.un(|t, x| t.b.ins().nearest(x)),

            // ---- float comparisons (`ne` is true for NaN operands, the rest false)
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            // ---- integer width changes
            O::I32WrapI64 => self.un(|t, x| t.b.ins().ireduce(I32, x)),
            O::I64ExtendI32S => self.un(|t, x| t.b.ins().sextend(I64, x)),
            O::I64ExtendI32U => self.un(|t, x| t.b.ins().uextend(I64, x)),
            O::I32Extend8S => self.extend_within(types::I8, I32),
            O::I32Extend16S => self.extend_within(types::I16, I32),
            O::I64Extend8S => self.extend_within(types::I8, I64),
            O::I64Extend16S => self.extend_within(types::I16, I64),
            O::I64Extend32S => self.extend_within(I32, I64),

            // ---- wide arithmetic: 128-bit values as pairs of i64s, low half first
            O::I64Add128 | O::I64Sub128 => {
                let (rhs_lo, rhs_hi) = self.pop2();
                let (lhs_lo, lhs_hi) = self.pop2();
                let lhs = self.b.ins().iconcat(lhs_lo, lhs_hi);
                let rhs = self.b.ins().iconcat(rhs_lo, rhs_hi);
                let r = match op {
                    O::I64Add128 => self.b.ins().iadd(lhs, rhs),
                    _ => self.b.ins().isub(lhs, rhs),
                };
                let (lo, hi) = self.b.ins().isplit(r);
                self.push(lo);
                self.push(hi);
            }
            O::I64MulWideS | O::I64MulWideU => {
                let (x, y) = self.pop2();
                let lo = self.b.ins().imul(x, y);
                let hi = match op {
                    O::I64MulWideS => self.b.ins().smulhi(x, y),
                    _ => self.b.ins().umulhi(x, y),
                };
                self.push(lo);
                self.push(hi);
            }

            // ---- float conversions
            O::F32DemoteF64 => self.un(|t, x| t.b.ins().fdemote(F32, x)),
            O::F64PromoteF32 => self.un(|t, x| t.b.ins().fpromote(F64, x)),
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.convert(|t, ty, x| t.b.ins().fcvt_from_sint(ty, x), F32)
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.convert(|t, ty, x| t.b.ins().fcvt_from_uint(ty, x), F32)
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.convert(|t, ty, x| t.b.ins().fcvt_from_sint(ty, x), F64)
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.convert(|t, ty, x| t.b.ins().fcvt_from_uint(ty, x), F64)
            }
            O::I32TruncF32S | O::I32TruncF64S => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_sint(ty, x), I32)
            }
            O::I32TruncF32U | O::I32TruncF64U => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_uint(ty, x), I32)
            }
            O::I64TruncF32S | O::I64TruncF64S => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_sint(ty, x), I64)
            }
            O::I64TruncF32U | O::I64TruncF64U => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_uint(ty, x), I64)
            }
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_sint_sat(ty, x), I32)
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_uint_sat(ty, x), I32)
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_sint_sat(ty, x), I64)
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.convert(|t, ty, x| t.b.ins().fcvt_to_uint_sat(ty, x), I64)
            }
            O::I32ReinterpretF32 => self.reinterpret(I32),
            O::I64ReinterpretF64 => self.reinterpret(I64),
            O::F32ReinterpretI32 => self.reinterpret(F32),
            O::F64ReinterpretI64 => self.reinterpret(F64),
            _ => return Ok(false),
        }
        Ok(true)
    }
}
