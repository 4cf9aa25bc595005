//! Silo's managed heap for WebAssembly GC objects: struct and array layouts, bump allocation,
//! `i31` references, boxes for host values (`externref`) and a precise, generational collector
//! that reclaims cycles: minor collections of the young objects (kept alive from old ones through
//! a write barrier's remembered set) and full mark-compact collections of everything.
//!
//! References are 32-bit offsets from the heap's base ([`GcRef`]), never host pointers, and
//! every accessor checks them, so a corrupt reference cannot reach outside the heap. The heap
//! reserves its whole quota of address space up front and commits it as it grows; the base never
//! moves, and compiled code allocates inline through [`Heap::bump_ptr`].
//!
//! This crate knows nothing of frames, instances or the interpreter: a collection asks its caller
//! for roots through [`RootSet`], and the host keeps objects alive with [`OwnedRoot`]s. It must
//! not depend on `silo-core` or anything above it; module types reach it only as [`Layout`]s
//! keyed by the caller's canonical type ids.

mod access;
mod arena;
mod barrier;
mod bump;
mod collect;
mod error;
pub mod fast;
mod full;
mod gc_ref;
mod heap;
mod host;
mod layout;
mod minor;
mod object;
mod roots;
mod stats;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

pub use arena::Scalar;
pub use bump::{BUMP_BASE_OFFSET, BUMP_LIMIT_OFFSET, BUMP_OLD_TOP_OFFSET, BUMP_TOP_OFFSET, Bump};
pub use error::{AccessError, GcError, human_bytes};
pub use gc_ref::GcRef;
pub use heap::{FIRST_OBJECT, HOST_BOX_TYPE, Heap, HeapConfig, MAX_HEAP_BYTES};
pub use host::{HOST_BOX_SIZE, HOST_BOX_SLOT_OFFSET, HostValue};
pub use layout::{
    ARRAY_DATA_OFFSET, ARRAY_LEN_OFFSET, ArrayLayout, FieldKind, FieldLayout,
    HEADER_GC_WORD_OFFSET, HEADER_SIZE, HEADER_TYPE_OFFSET, Layout, OBJECT_ALIGN,
    STRUCT_FIELDS_OFFSET, StructLayout, array_layout, described_struct_layout, descriptor_position,
    struct_layout,
};
pub use roots::{NoRoots, OwnedRoot, RootScope, RootSet, ScopedRoot};
pub use stats::GcStats;
