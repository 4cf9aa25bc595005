//! Types and helpers the unit tests share.

use silo_loader::{FieldType, HeapType, RefType, StorageType, ValType};

use crate::{Heap, HeapConfig, Layout, array_layout, struct_layout};

/// `(struct (field (mut (ref null any))) (field (mut i64)))`: a list node.
pub const NODE: u32 = 0;
/// `(array (mut i8))`.
pub const BYTES: u32 = 1;
/// `(array (mut (ref null any)))`.
pub const REFS: u32 = 2;
/// A struct with one field of every storage kind.
pub const MIXED: u32 = 3;
/// `(array (mut i64))`.
pub const LONGS: u32 = 4;
/// `(array (mut i16))`.
pub const SHORTS: u32 = 5;

/// Offset of a node's `next` field.
pub const NEXT: u32 = 8;
/// Offset of a node's `value` field.
pub const VALUE: u32 = 16;

pub fn field(storage: StorageType) -> FieldType {
    FieldType { storage, mutable: true }
}

pub fn val(v: ValType) -> FieldType {
    field(StorageType::Val(v))
}

pub fn any_ref() -> FieldType {
    val(ValType::Ref(RefType { nullable: true, heap: HeapType::Any }))
}

pub fn define_all(h: &mut Heap) {
    let no_funcs = |_: RefType| false;
    let node = struct_layout(&[any_ref(), val(ValType::I64)], no_funcs);
    assert_eq!(node.fields[0].offset, NEXT);
    assert_eq!(node.fields[1].offset, VALUE);
    h.define(NODE, Layout::Struct(node));
    h.define(BYTES, Layout::Array(array_layout(field(StorageType::I8), no_funcs)));
    h.define(REFS, Layout::Array(array_layout(any_ref(), no_funcs)));
    let mixed = [
        field(StorageType::I8),
        field(StorageType::I16),
        val(ValType::I32),
        val(ValType::I64),
        val(ValType::F32),
        val(ValType::F64),
        val(ValType::V128),
        val(ValType::FUNCREF),
        any_ref(),
    ];
    h.define(MIXED, Layout::Struct(struct_layout(&mixed, no_funcs)));
    h.define(LONGS, Layout::Array(array_layout(val(ValType::I64), no_funcs)));
    h.define(SHORTS, Layout::Array(array_layout(field(StorageType::I16), no_funcs)));
}

/// A heap of quota `max_bytes` with the test types defined and no generations (every
/// collection is full).
pub fn heap_with(max_bytes: u64, initial_bytes: u64, zeal: bool) -> Heap {
    let config = HeapConfig { max_bytes, initial_bytes, zeal, nursery_bytes: 0 };
    let mut h = Heap::new(config).unwrap();
    define_all(&mut h);
    h
}

/// A 16 MiB heap with the test types defined and a young generation of `nursery_bytes`.
pub fn generational_heap(nursery_bytes: u64, zeal: bool) -> Heap {
    let config = HeapConfig { max_bytes: 16 << 20, initial_bytes: 64 << 10, zeal, nursery_bytes };
    let mut h = Heap::new(config).unwrap();
    define_all(&mut h);
    h
}

/// A 16 MiB heap with the test types defined.
pub fn heap() -> Heap {
    heap_with(16 << 20, 64 << 10, false)
}
