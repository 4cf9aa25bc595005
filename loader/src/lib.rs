//! `silo-loader` turns bytes, `.wat` text or a stream of byte chunks into a validated, immutable
//! [`Module`]: its types (recursion groups and sub-typing included), imports, exports, functions,
//! tables, memories, globals, tags, segments and names, plus the set of WebAssembly features it
//! uses.
//!
//! Validation is `wasmparser`'s, with the proposals the caller allows ([`load_with`]; the
//! WebAssembly 3.0 set, [`FeatureSet::WASM3`], by default), so an invalid module is always rejected
//! whatever the tiers can run. Errors name the section and the byte offset. This crate never
//! executes anything and knows nothing of engines or stores.

#![forbid(unsafe_code)]

mod convert;
mod custom;
mod error;
mod features;
mod module;
mod sections;
mod stream;
mod types;

pub use custom::check_custom_sections;
pub use error::{LoadError, LoadErrorKind};
pub use features::{Feature, FeatureSet};
pub use module::{
    ConstExpr, ConstOp, DataMode, DataSegment, ElemItems, ElemMode, ElemSegment, Export, Import,
    ImportCounts, Module, Names,
};
pub use sections::ValidatedFunction;
pub use stream::{
    StreamingLoader, assemble, load, load_binary, load_binary_revalidating_sections,
    load_binary_with, load_text, load_text_with, load_with, validation_features,
};
pub use types::{
    CompositeType, EntityType, ExternKind, FieldType, FuncType, GlobalType, HeapType, MemoryType,
    RefType, StorageType, SubType, TableType, TagType, ValType,
};

/// Converts a value type as `wasmparser` reads it in a function body (locals, block types).
pub fn val_type_of(ty: wasmparser::ValType) -> ValType {
    convert::val_type(ty)
}

/// Converts a heap type as `wasmparser` reads it in a function body (`ref.null`).
pub fn heap_type_of(ty: wasmparser::HeapType) -> HeapType {
    convert::heap_type(ty, 0)
}

/// Converts a reference type as `wasmparser` reads it in a function body (`br_on_cast`).
pub fn ref_type_of(ty: wasmparser::RefType) -> RefType {
    convert::ref_type(ty, 0)
}

/// `wasmparser`, re-exported so that tiers read function bodies with the same version.
pub use wasmparser;
