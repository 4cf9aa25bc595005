//! Evaluation of constant expressions (global initializers, segment offsets, element items).

use silo_loader::{ConstExpr, ConstOp};

use crate::error::Error;
use crate::func::FuncEntity;
use crate::global::GlobalEntity;

/// Evaluates `expr` against the function and global index spaces of the instance being built,
/// giving the raw value. Globals it reads exist already: validation only lets an initializer read
/// globals defined before it.
pub(crate) fn eval(
    expr: &ConstExpr,
    funcs: &[*const FuncEntity],
    globals: &[*mut GlobalEntity],
) -> Result<u64, Error> {
    let mut stack: Vec<u64> = Vec::with_capacity(2);
    for op in expr.ops.iter() {
        let value = match *op {
            ConstOp::I32Const(v) => v as u32 as u64,
            ConstOp::I64Const(v) => v as u64,
            ConstOp::F32Const(bits) => bits as u64,
            ConstOp::F64Const(bits) => bits,
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(i) => funcs[i as usize] as u64,
            // SAFETY: the global pointers given point to live globals of the store being instantiated in.
            ConstOp::GlobalGet(i) => unsafe { (*globals[i as usize]).value },
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let (b, a) = (pop(&mut stack)? as u32, pop(&mut stack)? as u32);
                let r = match *op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                };
                r as u64
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (b, a) = (pop(&mut stack)?, pop(&mut stack)?);
                match *op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }
            }
            ConstOp::V128Const(_) => return Err(Error::Unsupported("simd".into())),
            ConstOp::RefI31
            | ConstOp::StructNew(_)
            | ConstOp::StructNewDefault(_)
            | ConstOp::ArrayNew(_)
            | ConstOp::ArrayNewDefault(_)
            | ConstOp::ArrayNewFixed { .. }
            | ConstOp::AnyConvertExtern
            | ConstOp::ExternConvertAny => return Err(Error::Unsupported("gc".into())),
        };
        stack.push(value);
    }
    pop(&mut stack)
}

/// Evaluates the initializer of a `v128` global: its two slots, low half first. Only two constant
/// instructions give a `v128`: `v128.const` and `global.get` of a `v128` global.
pub(crate) fn eval_v128(
    expr: &ConstExpr,
    globals: &[*mut GlobalEntity],
) -> Result<[u64; 2], Error> {
    match *expr.ops {
        [ConstOp::V128Const(v)] => Ok([v as u64, (v >> 64) as u64]),
        // SAFETY: as in `eval`.
        [ConstOp::GlobalGet(i)] => unsafe {
            let g = globals[i as usize];
            Ok([(*g).value, (*g).high])
        },
        _ => Err(Error::Type("malformed constant expression for a v128 global".into())),
    }
}

fn pop(stack: &mut Vec<u64>) -> Result<u64, Error> {
    // Validated expressions never underflow; report rather than panic if one somehow did.
    stack.pop().ok_or_else(|| Error::Type("malformed constant expression".into()))
}
