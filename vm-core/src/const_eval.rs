//! Evaluation of constant expressions (global initializers, segment offsets, element items).

use silo_loader::{ConstExpr, ConstOp};

use crate::error::Error;
use crate::features;
use crate::func::FuncEntity;
use crate::global::GlobalEntity;

pub(crate) use crate::gc::GcConst;

/// Evaluates `expr` against the function and global index spaces of the instance being built,
/// giving the raw value. Globals it reads exist already: validation only lets an initializer read
/// globals defined before it.
///
/// # Safety
/// Every pointer in `globals` points to a live global entity that nothing writes during the call
/// (the globals of the store the instance is being built in).
pub(crate) unsafe fn eval(
    expr: &ConstExpr,
    funcs: &[*const FuncEntity],
    globals: &[*mut GlobalEntity],
    mut gc: Option<&mut GcConst<'_>>,
) -> Result<u64, Error> {
    let mut stack: Vec<u64> = Vec::with_capacity(2);
    // Which stack entries are heap references (rooted across an allocation).
    let mut refs: Vec<bool> = Vec::with_capacity(2);
    for op in expr.ops.iter() {
        let is_ref = match *op {
            ConstOp::GlobalGet(i) => gc.as_ref().is_some_and(|g| {
                // SAFETY: as below, a live global nothing writes meanwhile.
                let ty = unsafe { (*globals[i as usize]).ty.content };
                matches!(ty, silo_loader::ValType::Ref(r) if g.registry().is_gc_ref(r))
            }),
            // Every GC instruction gives a heap reference (`ref.null` of a GC type a null one).
            _ => matches!(
                op.feature(),
                Some(silo_loader::Feature::Gc | silo_loader::Feature::CustomDescriptors)
            ),
        };
        if let (Some(g), true) = (gc.as_deref_mut(), op.allocates()) {
            let value = g.alloc(op, &mut stack, &mut refs)?;
            stack.push(value);
            refs.push(true);
            continue;
        }
        let value = match *op {
            ConstOp::I32Const(v) => v as u32 as u64,
            ConstOp::I64Const(v) => v as u64,
            ConstOp::F32Const(bits) => bits as u64,
            ConstOp::F64Const(bits) => bits,
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(i) => funcs[i as usize] as u64,
            // A `v128` takes two entries, low half first, as in frame slots (what an allocation
            // reads for a `v128` field or element): the low half is pushed here, the high one
            // below.
            // SAFETY: the index is bounds-checked, and every pointer in `globals` is to a live global
            // that nothing writes meanwhile (this function's contract).
            ConstOp::GlobalGet(i) => unsafe {
                let g = &*globals[i as usize];
                if g.ty.content == silo_loader::ValType::V128 {
                    stack.push(g.value);
                    g.high
                } else {
                    g.value
                }
            },
            ConstOp::V128Const(v) => {
                stack.push(v as u64);
                (v >> 64) as u64
            }
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
            ConstOp::RefI31 => {
                u64::from(silo_gc::GcRef::from_i31(pop(&mut stack)? as u32 as i32).raw())
            }
            ConstOp::AnyConvertExtern | ConstOp::ExternConvertAny => pop(&mut stack)?,
            // Not run yet: named by the proposal they belong to (see `crate::features`).
            ConstOp::StructNew(_)
            | ConstOp::StructNewDefault(_)
            | ConstOp::StructNewDesc(_)
            | ConstOp::StructNewDefaultDesc(_)
            | ConstOp::ArrayNew(_)
            | ConstOp::ArrayNewDefault(_)
            | ConstOp::ArrayNewFixed { .. } => return Err(not_run(op)),
        };
        refs.truncate(stack.len());
        refs.resize(stack.len(), false);
        stack.push(value);
        refs.push(is_ref);
    }
    pop(&mut stack)
}

/// Evaluates the initializer of a `v128` global: its two slots, low half first. Only two constant
/// instructions give a `v128`: `v128.const` and `global.get` of a `v128` global.
///
/// # Safety
/// As for `eval`: every pointer in `globals` points to a live global entity that nothing writes
/// during the call.
pub(crate) unsafe fn eval_v128(
    expr: &ConstExpr,
    globals: &[*mut GlobalEntity],
) -> Result<[u64; 2], Error> {
    match *expr.ops {
        [ConstOp::V128Const(v)] => Ok([v as u64, (v >> 64) as u64]),
        // SAFETY: the index is bounds-checked, and every pointer in `globals` is to a live global
        // that nothing writes meanwhile (this function's contract).
        [ConstOp::GlobalGet(i)] => unsafe {
            let g = globals[i as usize];
            Ok([(*g).value, (*g).high])
        },
        _ => Err(Error::Type("malformed constant expression for a v128 global".into())),
    }
}

/// The error for a constant instruction this evaluator does not run: its proposal is unsupported.
fn not_run(op: &ConstOp) -> Error {
    match op.feature() {
        Some(feature) => features::unsupported(feature),
        None => Error::Unsupported(format!("constant instruction {op:?}")),
    }
}

fn pop(stack: &mut Vec<u64>) -> Result<u64, Error> {
    // Validated expressions never underflow; report rather than panic if one somehow did.
    stack.pop().ok_or_else(|| Error::Type("malformed constant expression".into()))
}

#[cfg(test)]
mod tests {
    use silo_loader::{Feature, GlobalType, HeapType, ValType};

    use super::*;

    /// One instance of every constant instruction, each with an operand stack it can run on.
    fn every_op() -> Vec<ConstOp> {
        vec![
            ConstOp::I32Const(1),
            ConstOp::I64Const(1),
            ConstOp::F32Const(1),
            ConstOp::F64Const(1),
            ConstOp::V128Const(1),
            ConstOp::RefNull(HeapType::Func),
            ConstOp::RefNull(HeapType::Any),
            ConstOp::RefFunc(0),
            ConstOp::GlobalGet(0),
            ConstOp::I32Add,
            ConstOp::I32Sub,
            ConstOp::I32Mul,
            ConstOp::I64Add,
            ConstOp::I64Sub,
            ConstOp::I64Mul,
            ConstOp::RefI31,
            ConstOp::StructNew(0),
            ConstOp::StructNewDefault(0),
            ConstOp::StructNewDesc(0),
            ConstOp::StructNewDefaultDesc(0),
            ConstOp::ArrayNew(0),
            ConstOp::ArrayNewDefault(0),
            ConstOp::ArrayNewFixed { type_index: 0, len: 0 },
            ConstOp::AnyConvertExtern,
            ConstOp::ExternConvertAny,
        ]
    }

    /// The constant instructions of a supported proposal evaluate: a proposal joins
    /// `features::SUPPORTED` together with its constant instructions.
    #[test]
    fn supported_constant_instructions_evaluate() {
        // `ref.func` only takes the entity's address and `global.get` reads the value.
        let funcs = [std::ptr::null::<FuncEntity>()];
        let ty = GlobalType { content: ValType::I32, mutable: false };
        let mut global = GlobalEntity { value: 7, high: 0, ty };
        let globals = [&raw mut global];
        for op in every_op() {
            // `v128` initializers (two slots) have their own evaluator.
            if let ConstOp::V128Const(v) = op {
                let expr = ConstExpr { ops: vec![op].into() };
                // SAFETY: the one pointer in `globals` is to `global`, a live local that nothing
                // else writes while `eval_v128` runs.
                let slots = unsafe { eval_v128(&expr, &globals) };
                assert_eq!(slots.ok(), Some([v as u64, (v >> 64) as u64]));
                continue;
            }
            // Allocating instructions need a store's heap: instantiation gives them one, and the
            // GC files of the official suite run them (globals and segments of `struct.new`...).
            if op.allocates() {
                continue;
            }
            let feature = op.feature();
            let expr =
                ConstExpr { ops: vec![ConstOp::I32Const(2), ConstOp::I32Const(3), op].into() };
            // SAFETY: the one pointer in `globals` is to `global`, a live local that nothing
            // else writes while `eval` runs.
            let result = unsafe { eval(&expr, &funcs, &globals, None) };
            match feature {
                // Some need nothing of their proposal to evaluate (`ref.null any` is a null);
                // those that do name it.
                Some(f) if !features::SUPPORTED.contains(f) => {
                    if let Err(err) = result {
                        assert_eq!(err.to_string(), format!("unsupported feature: {f}"), "{op:?}");
                    }
                }
                _ => assert!(result.is_ok(), "{op:?} of a supported feature: {result:?}"),
            }
        }
        assert!(features::SUPPORTED.contains(Feature::ExtendedConst));
    }
}
