//! Which values are references into the garbage-collected heap, and which functions hold any.
//!
//! References of the `any`, `extern` and `exn` hierarchies are `GcRef`s (32-bit heap offsets or
//! `i31`s) that the collector must find and may move; function references are pointers it never
//! traces. Both tiers tell the collector where their frames keep such references (slot maps in
//! the interpreter, stack maps in native code), and lay objects out as `silo_gc` computes from the
//! module's types.

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
            let at = descriptor_position(info, ty);
            Ok(silo_gc::described_struct_layout(fields, at, |r| !is_gc_ref(info, r)))
        }
        _ => Err(format!("type {ty} is not a struct type")),
    }
}

/// Where the descriptor of module struct type `ty` sits among its fields; `None` when it has
/// none.
pub fn descriptor_position(info: &Module, ty: u32) -> Option<usize> {
    // Validation bounds subtype chains (at most 63 supertypes); the walk stops at a bad index.
    let ancestors = std::iter::successors(Some(ty), |&t| info.types.get(t as usize)?.supertype)
        .take(64)
        .map(|t| match info.types.get(t as usize) {
            Some(sub) => {
                let fields = match &sub.composite {
                    CompositeType::Struct(fields) => fields.len(),
                    _ => 0,
                };
                (sub.descriptor.is_some(), fields)
            }
            None => (false, 0),
        });
    silo_gc::descriptor_position(ancestors)
}

/// The layout of the exception objects of module tag `tag` (its number in the store, then the
/// payload: see `runtime::exn`).
pub fn exception_layout_of(info: &Module, tag: u32) -> Result<StructLayout, String> {
    let sig = info.tag_type(tag).ok_or_else(|| format!("no tag {tag}"))?;
    let fields = crate::runtime::exn::exception_fields(sig);
    Ok(silo_gc::struct_layout(&fields, |r| !is_gc_ref(info, r)))
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
