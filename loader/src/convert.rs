//! Conversion from `wasmparser`'s types and constant expressions to Silo's (`types.rs`,
//! `module.rs`). Runs once per module, after `wasmparser` has accepted what it converts.

use wasmparser as wp;

use crate::module::{ConstExpr, ConstOp};
use crate::types::{
    CompositeType, FieldType, FuncType, GlobalType, HeapType, MemoryType, RefType, StorageType,
    SubType, TableType, TagType, ValType,
};

/// A type index in `wasmparser`'s packed form, resolved against the recursion group that starts at
/// module type index `rec_start`.
fn type_index(idx: wp::UnpackedIndex, rec_start: u32) -> u32 {
    match idx {
        wp::UnpackedIndex::Module(i) => i,
        wp::UnpackedIndex::RecGroup(i) => rec_start + i,
        // Canonical ids only exist inside the validator's own type list; a module read from bytes
        // refers to its types by module index.
        wp::UnpackedIndex::Id(_) => u32::MAX,
    }
}

pub(crate) fn heap_type(ty: wp::HeapType, rec_start: u32) -> HeapType {
    use wp::AbstractHeapType as A;
    match ty {
        wp::HeapType::Abstract { ty, .. } => match ty {
            A::Func => HeapType::Func,
            A::Extern => HeapType::Extern,
            A::Any => HeapType::Any,
            A::None => HeapType::None,
            A::NoExtern => HeapType::NoExtern,
            A::NoFunc => HeapType::NoFunc,
            A::Eq => HeapType::Eq,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::I31 => HeapType::I31,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Cont => HeapType::Cont,
            A::NoCont => HeapType::NoCont,
        },
        wp::HeapType::Concrete(i) => HeapType::Concrete(type_index(i, rec_start)),
        wp::HeapType::Exact(i) => HeapType::Exact(type_index(i, rec_start)),
    }
}

pub(crate) fn ref_type(ty: wp::RefType, rec_start: u32) -> RefType {
    RefType { nullable: ty.is_nullable(), heap: heap_type(ty.heap_type(), rec_start) }
}

pub(crate) fn val_type_in(ty: wp::ValType, rec_start: u32) -> ValType {
    match ty {
        wp::ValType::I32 => ValType::I32,
        wp::ValType::I64 => ValType::I64,
        wp::ValType::F32 => ValType::F32,
        wp::ValType::F64 => ValType::F64,
        wp::ValType::V128 => ValType::V128,
        wp::ValType::Ref(r) => ValType::Ref(ref_type(r, rec_start)),
    }
}

/// A value type outside any type definition (locals, globals, block types).
pub(crate) fn val_type(ty: wp::ValType) -> ValType {
    val_type_in(ty, 0)
}

fn storage_type(ty: wp::StorageType, rec_start: u32) -> StorageType {
    match ty {
        wp::StorageType::I8 => StorageType::I8,
        wp::StorageType::I16 => StorageType::I16,
        wp::StorageType::Val(v) => StorageType::Val(val_type_in(v, rec_start)),
    }
}

fn field_type(ty: wp::FieldType, rec_start: u32) -> FieldType {
    FieldType { storage: storage_type(ty.element_type, rec_start), mutable: ty.mutable }
}

pub(crate) fn func_type(ty: &wp::FuncType, rec_start: u32) -> FuncType {
    FuncType {
        params: ty.params().iter().map(|&t| val_type_in(t, rec_start)).collect(),
        results: ty.results().iter().map(|&t| val_type_in(t, rec_start)).collect(),
    }
}

pub(crate) fn sub_type(ty: &wp::SubType, rec_start: u32) -> SubType {
    let composite = match &ty.composite_type.inner {
        wp::CompositeInnerType::Func(f) => CompositeType::Func(func_type(f, rec_start)),
        wp::CompositeInnerType::Struct(s) => {
            CompositeType::Struct(s.fields.iter().map(|&f| field_type(f, rec_start)).collect())
        }
        wp::CompositeInnerType::Array(a) => CompositeType::Array(field_type(a.0, rec_start)),
        wp::CompositeInnerType::Cont(c) => CompositeType::Cont(type_index(c.0.unpack(), rec_start)),
    };
    SubType {
        is_final: ty.is_final,
        supertype: ty.supertype_idxs.first().map(|i| type_index(i.unpack(), rec_start)),
        shared: ty.composite_type.shared,
        descriptor: ty.composite_type.descriptor_idx.map(|i| type_index(i.unpack(), rec_start)),
        describes: ty.composite_type.describes_idx.map(|i| type_index(i.unpack(), rec_start)),
        composite,
    }
}

pub(crate) fn table_type(ty: &wp::TableType) -> TableType {
    TableType {
        element: ref_type(ty.element_type, 0),
        index64: ty.table64,
        initial: ty.initial,
        maximum: ty.maximum,
    }
}

pub(crate) fn memory_type(ty: &wp::MemoryType) -> MemoryType {
    MemoryType {
        index64: ty.memory64,
        shared: ty.shared,
        initial: ty.initial,
        maximum: ty.maximum,
        page_size_log2: ty.page_size_log2,
    }
}

pub(crate) fn global_type(ty: &wp::GlobalType) -> GlobalType {
    GlobalType { content: val_type(ty.content_type), mutable: ty.mutable }
}

pub(crate) fn tag_type(ty: &wp::TagType) -> TagType {
    TagType { func_type: ty.func_type_idx }
}

/// Decodes a constant expression (already validated) into its instructions.
pub(crate) fn const_expr(expr: &wp::ConstExpr<'_>) -> wp::Result<ConstExpr> {
    let mut ops = Vec::with_capacity(1);
    let mut reader = expr.get_operators_reader();
    loop {
        let op = match reader.read()? {
            wp::Operator::End => break,
            wp::Operator::I32Const { value } => ConstOp::I32Const(value),
            wp::Operator::I64Const { value } => ConstOp::I64Const(value),
            wp::Operator::F32Const { value } => ConstOp::F32Const(value.bits()),
            wp::Operator::F64Const { value } => ConstOp::F64Const(value.bits()),
            wp::Operator::V128Const { value } => ConstOp::V128Const(value.i128() as u128),
            wp::Operator::RefNull { hty } => ConstOp::RefNull(heap_type(hty, 0)),
            wp::Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            wp::Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            wp::Operator::I32Add => ConstOp::I32Add,
            wp::Operator::I32Sub => ConstOp::I32Sub,
            wp::Operator::I32Mul => ConstOp::I32Mul,
            wp::Operator::I64Add => ConstOp::I64Add,
            wp::Operator::I64Sub => ConstOp::I64Sub,
            wp::Operator::I64Mul => ConstOp::I64Mul,
            wp::Operator::RefI31 => ConstOp::RefI31,
            wp::Operator::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
            wp::Operator::StructNewDefault { struct_type_index } => {
                ConstOp::StructNewDefault(struct_type_index)
            }
            wp::Operator::StructNewDesc { struct_type_index } => {
                ConstOp::StructNewDesc(struct_type_index)
            }
            wp::Operator::StructNewDefaultDesc { struct_type_index } => {
                ConstOp::StructNewDefaultDesc(struct_type_index)
            }
            wp::Operator::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
            wp::Operator::ArrayNewDefault { array_type_index } => {
                ConstOp::ArrayNewDefault(array_type_index)
            }
            wp::Operator::ArrayNewFixed { array_type_index, array_size } => {
                ConstOp::ArrayNewFixed { type_index: array_type_index, len: array_size }
            }
            wp::Operator::AnyConvertExtern => ConstOp::AnyConvertExtern,
            wp::Operator::ExternConvertAny => ConstOp::ExternConvertAny,
            // Not a constant instruction: the validator, which sees the expression next,
            // rejects the module with the precise reason.
            _ => continue,
        };
        ops.push(op);
    }
    Ok(ConstExpr { ops: ops.into() })
}
