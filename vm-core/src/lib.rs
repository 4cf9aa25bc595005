//! `silo-core` is Silo's runtime: the [`Engine`] (settings and the type registry), compiled
//! [`Module`]s, the [`Store`] that owns instances, functions, memories, tables and globals, the
//! [`Linker`], and the interpreter tier every function starts in.
//!
//! The embedding API follows wasmtime's shape: create an engine, compile a module, make a store
//! with your host data, define imports in a linker, instantiate, and call exports dynamically
//! ([`Func::call`]) or statically ([`TypedFunc::call`]). A guest fault is a [`Trap`] with a code, a
//! message and a WebAssembly backtrace; it never takes the host down. This crate does not parse
//! or validate modules (the loader does) and knows nothing of WASI or sandbox policy: it enforces
//! the quotas a store is given ([`StoreLimits`], fuel, deadlines, call depth) without knowing
//! where they came from.

mod callgraph;
mod config_features;
mod const_eval;
mod data_images;
mod engine;
mod eq_ref;
mod error;
mod exec_state;
mod exnref;
mod externals;
pub mod features;
mod func;
mod gc;
mod gc_objects;
mod global;
mod heap_image;
mod instance;
mod instance_spaces;
mod interp;
mod limits;
mod linker;
mod memory;
mod memory_image;
mod memory_pool;
mod meter;
mod module;
mod module_artifact;
mod module_stream;
mod portable_values;
mod registry;
mod root_scope;
mod runtime;
mod shared_memory;
mod store;
mod stream_compile;
mod table;
mod tag;
mod tier_queue;
mod trap;
mod typed;
mod val;
pub mod vm;

pub use engine::{Config, Engine, Strategy};
pub use eq_ref::{EqRef, I31};
pub use error::Error;
pub use exnref::ExnRef;
pub use externals::Extern;
pub use func::Func;
pub use gc_objects::{ArrayRef, ArrayType, StructRef, StructType};
pub use global::Global;
pub use heap_image::{HeapCapture, HeapImage, HeapObject, HeapObjectSource, HeapObjects, HeapRef};
pub use instance::Instance;
pub use interp::exec::{ExecFrame, ExecState};
pub use limits::{Quota, QuotaHit, StoreLimits};
pub use linker::Linker;
pub use memory::Memory;
pub use memory_image::MemoryImage;
pub use meter::{FuelPool, InterruptHandle};
pub use module::{MAX_TIERED_BODY, Module};
pub use module_artifact::{ARTIFACT_MAGIC, build_id, native_code_identity};
pub use module_stream::ModuleStream;
pub use registry::TypeId;
pub use root_scope::RootScope;
pub use shared_memory::SharedMemory;
/// The counters of a store's garbage-collected heap (`Store::gc_stats`).
pub use silo_gc::GcStats;
/// The largest garbage-collected heap a store may have (`Config::max_gc_heap`): 4 GiB less
/// 64 KiB, since references are 32-bit offsets into it.
pub use silo_gc::MAX_HEAP_BYTES as MAX_GC_HEAP_BYTES;
pub use store::{AsContext, AsContextMut, Caller, Store, StoreContext, StoreContextMut};
pub use table::Table;
pub use tag::{Tag, TagType};
pub use trap::{FrameInfo, Trap, TrapCode};
pub use typed::{HostResult, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy, WasmTyList};
pub use val::{AnyRef, ExternRef, Val};
pub use vm::Compiler;

pub use silo_loader::{
    EntityType, ExternKind, Feature, FeatureSet, FieldType, FuncType, GlobalType, HeapType,
    LoadError, MemoryType, RefType, StorageType, TableType, ValType,
};
