//! Which values are references into the garbage-collected heap, and which functions hold any.
//!
//! References of the `any`, `extern` and `exn` hierarchies are `GcRef`s (32-bit heap offsets or
//! `i31`s) that the collector must find and may move; function references are pointers it never
//! traces. Both tiers tell the collector where their frames keep such references (slot maps in
//! the interpreter, stack maps in native code), and lay objects out as `silo_gc` computes from the
//! module's types.

use silo_loader::wasmparser::{BlockType, Operator};
use silo_loader::{CompositeType, HeapType, Module, RefType, ValType};

pub use silo_gc::{ARRAY_DATA_OFFSET, ARRAY_LEN_OFFSET, ArrayLayout, FieldKind, StructLayout};

/// The cast target (`ref.test`, `ref.cast`, `br_on_cast`) of module-relative reference type
/// `ty`, in the one-word form the runtime's `ref_test` takes.
pub fn cast_target(info: &Module, ty: RefType) -> u32 {
    crate::runtime::gc::CastTarget::encode(ty, |i| {
        matches!(info.types.get(i as usize).map(|t| &t.composite), Some(CompositeType::Func(_)))
    })
}

/// The layout of the objects of module type `ty`, a struct type.
pub fn struct_layout_of(info: &Module, ty: u32) -> Result<StructLayout, String> {
    match info.types.get(ty as usize).map(|t| &t.composite) {
        Some(CompositeType::Struct(fields)) => {
            Ok(silo_gc::struct_layout(fields, |r| !is_gc_ref(info, r)))
        }
        _ => Err(format!("type {ty} is not a struct type")),
    }
}

/// The element layout of module type `ty`, an array type.
pub fn array_layout_of(info: &Module, ty: u32) -> Result<ArrayLayout, String> {
    match info.types.get(ty as usize).map(|t| &t.composite) {
        Some(CompositeType::Array(elem)) => {
            Ok(silo_gc::array_layout(*elem, |r| !is_gc_ref(info, r)))
        }
        _ => Err(format!("type {ty} is not an array type")),
    }
}

/// Whether a value of module-relative type `ty` is a reference into the garbage-collected heap.
pub fn is_gc_val(info: &Module, ty: ValType) -> bool {
    match ty {
        ValType::Ref(r) => is_gc_ref(info, r),
        _ => false,
    }
}

/// Whether a module-relative reference type's values live in the garbage-collected heap's
/// reference space.
pub fn is_gc_ref(info: &Module, ty: RefType) -> bool {
    match ty.heap {
        HeapType::Concrete(i) | HeapType::Exact(i) => info.types.get(i as usize).is_some_and(|t| {
            matches!(t.composite, CompositeType::Struct(_) | CompositeType::Array(_))
        }),
        h => matches!(h.abstract_top(), Some(HeapType::Any | HeapType::Extern | HeapType::Exn)),
    }
}

/// Whether running `op` can put a garbage-collected reference in the frame: it produces one,
/// takes one, or is an instruction of the GC proposal.
pub(crate) fn op_touches_gc(info: &Module, op: &Operator<'_>) -> bool {
    use Operator as O;
    let sig = |ty: u32| {
        info.func_type(ty)
            .is_some_and(|f| f.params.iter().chain(f.results.iter()).any(|&v| is_gc_val(info, v)))
    };
    let block = |bt: &BlockType| match *bt {
        BlockType::Empty => false,
        BlockType::Type(t) => is_gc_val(info, silo_loader::val_type_of(t)),
        BlockType::FuncType(i) => sig(i),
    };
    let gc_table = |t: u32| info.tables.get(t as usize).is_some_and(|t| is_gc_ref(info, t.element));
    match op {
        O::Block { blockty } | O::Loop { blockty } | O::If { blockty } => block(blockty),
        O::Call { function_index } | O::ReturnCall { function_index } => {
            info.funcs.get(*function_index as usize).is_some_and(|&ty| sig(ty))
        }
        O::CallIndirect { type_index, .. }
        | O::ReturnCallIndirect { type_index, .. }
        | O::CallRef { type_index }
        | O::ReturnCallRef { type_index } => sig(*type_index),
        O::GlobalGet { global_index } | O::GlobalSet { global_index } => {
            info.globals.get(*global_index as usize).is_some_and(|g| is_gc_val(info, g.content))
        }
        O::TableGet { table }
        | O::TableSet { table }
        | O::TableGrow { table }
        | O::TableFill { table } => gc_table(*table),
        O::RefNull { hty } => {
            is_gc_ref(info, RefType { nullable: true, heap: silo_loader::heap_type_of(*hty) })
        }
        O::TypedSelect { ty } => is_gc_val(info, silo_loader::val_type_of(*ty)),
        O::TypedSelectMulti { tys } => {
            tys.iter().any(|&t| is_gc_val(info, silo_loader::val_type_of(t)))
        }
        O::RefEq
        | O::StructNew { .. }
        | O::StructNewDefault { .. }
        | O::StructGet { .. }
        | O::StructGetS { .. }
        | O::StructGetU { .. }
        | O::StructSet { .. }
        | O::ArrayNew { .. }
        | O::ArrayNewDefault { .. }
        | O::ArrayNewFixed { .. }
        | O::ArrayNewData { .. }
        | O::ArrayNewElem { .. }
        | O::ArrayGet { .. }
        | O::ArrayGetS { .. }
        | O::ArrayGetU { .. }
        | O::ArraySet { .. }
        | O::ArrayLen
        | O::ArrayFill { .. }
        | O::ArrayCopy { .. }
        | O::ArrayInitData { .. }
        | O::ArrayInitElem { .. }
        | O::RefTestNonNull { .. }
        | O::RefTestNullable { .. }
        | O::RefCastNonNull { .. }
        | O::RefCastNullable { .. }
        | O::BrOnCast { .. }
        | O::BrOnCastFail { .. }
        | O::AnyConvertExtern
        | O::ExternConvertAny
        | O::RefI31
        | O::I31GetS
        | O::I31GetU => true,
        _ => false,
    }
}
