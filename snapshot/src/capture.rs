//! Reading an instance's state into portable values: memories as their non-zero runs, tables and
//! globals as values by type, with references named by what they are in the module (a function
//! index, an `i31`, an object of the heap image, null) instead of host handles, and which
//! segments are still there.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use silo_core::{AsContext, Func, HeapCapture, HeapRef, Instance, Val};

use crate::SnapshotError;
use crate::runs::{DataRun, nonzero_runs};

/// A reference as a snapshot holds it: by meaning, never by address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefState {
    /// A null reference.
    Null,
    /// Function `0` of the instance's function index space.
    Func(u32),
    /// An `i31` reference with this (sign-extended) payload.
    I31(i32),
    /// Object `0` of the checkpoint's heap image (a struct or an array; in an `externref` slot,
    /// the object made external).
    Object(u32),
}

/// A value of a global or a table slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValState {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, by its bits.
    F32(u32),
    /// An `f64`, by its bits.
    F64(u64),
    /// A `v128`.
    V128(u128),
    /// A reference.
    Ref(RefState),
}

/// One linear memory: its size and what is not zero in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryState {
    /// Its size in pages.
    pub pages: u64,
    /// The runs of bytes that are not all zero, in address order.
    pub runs: Vec<DataRun>,
}

/// Everything of an instance that the code of its module can change, between two calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceState {
    /// The memory index space, imports first.
    pub memories: Vec<MemoryState>,
    /// The table index space: each table's elements.
    pub tables: Vec<Vec<RefState>>,
    /// The global index space: each global's value.
    pub globals: Vec<ValState>,
    /// For each element segment, whether it was dropped (or is empty).
    pub elem_dropped: Vec<bool>,
    /// For each data segment, whether it was dropped.
    pub data_dropped: Vec<bool>,
}

/// The gap of zeros under which two non-zero runs of a memory are kept as one.
pub const DEFAULT_RUN_GAP: usize = 16;

impl InstanceState {
    /// Reads the state of `instance`. Fails, naming the place, on what a snapshot cannot
    /// express: a shared memory, a host value (`externref`), a struct, an array, an exception, or
    /// a function that is not in the instance's function index space.
    pub fn capture(store: impl AsContext, instance: &Instance) -> Result<Self, SnapshotError> {
        Self::capture_with(store, instance, None)
    }

    /// As [`capture`](Self::capture); with `heap`, structs and arrays are taken as objects of the
    /// heap image `heap` takes (`RefState::Object`) instead of being refused.
    pub fn capture_with(
        store: impl AsContext,
        instance: &Instance,
        mut heap: Option<&mut HeapCapture>,
    ) -> Result<Self, SnapshotError> {
        let store = store.as_context();
        let module = instance.module(store);
        let info = module.info();
        let funcs = FuncIndices::of(store, instance);
        let mut memories = Vec::new();
        while let Some(memory) = instance.memory_by_index(store, memories.len() as u32) {
            if memory.ty(store).shared {
                return Err(SnapshotError::Unsupported(format!(
                    "memory {} is shared between threads",
                    memories.len()
                )));
            }
            let pages = memory.size(store);
            let runs = nonzero_runs(memory.data(store), DEFAULT_RUN_GAP);
            memories.push(MemoryState { pages, runs });
        }
        let mut tables = Vec::new();
        while let Some(table) = instance.table_by_index(store, tables.len() as u32) {
            let index = tables.len();
            let size = table.size(store);
            let mut elements = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            for slot in 0..size {
                let value = table.get(store, slot).unwrap_or(Val::FuncRef(None));
                let place = || format!("table {index} element {slot}");
                elements.push(funcs.ref_state(store, &value, heap.as_deref_mut(), place)?);
            }
            tables.push(elements);
        }
        let mut globals = Vec::new();
        while let Some(global) = instance.global_by_index(store, globals.len() as u32) {
            let index = globals.len();
            let value = global.get(store);
            let place = || format!("global {index}");
            globals.push(funcs.val_state(store, &value, heap.as_deref_mut(), place)?);
        }
        let elem_dropped = (0..info.elems.len() as u32)
            .map(|i| instance.elem_segment_len(store, i).is_none_or(|len| len == 0))
            .collect();
        let data_dropped = (0..info.datas.len() as u32)
            .map(|i| instance.data_segment_dropped(store, i).unwrap_or(true))
            .collect();
        Ok(InstanceState { memories, tables, globals, elem_dropped, data_dropped })
    }
}

/// The instance's functions by handle, to name a function reference by its index.
pub(crate) struct FuncIndices(HashMap<Func, u32>);

impl FuncIndices {
    pub(crate) fn of(store: impl AsContext, instance: &Instance) -> FuncIndices {
        let mut map = HashMap::new();
        let mut index = 0;
        while let Some(func) = instance.func_by_index(&store, index) {
            // An import given twice keeps its first index; either names the same function.
            map.entry(func).or_insert(index);
            index += 1;
        }
        FuncIndices(map)
    }

    pub(crate) fn val_state(
        &self,
        store: impl AsContext,
        value: &Val,
        heap: Option<&mut HeapCapture>,
        place: impl Fn() -> String,
    ) -> Result<ValState, SnapshotError> {
        Ok(match value {
            Val::I32(v) => ValState::I32(*v),
            Val::I64(v) => ValState::I64(*v),
            Val::F32(bits) => ValState::F32(*bits),
            Val::F64(bits) => ValState::F64(*bits),
            Val::V128(bits) => ValState::V128(*bits),
            reference => ValState::Ref(self.ref_state(store, reference, heap, place)?),
        })
    }

    fn ref_state(
        &self,
        store: impl AsContext,
        value: &Val,
        heap: Option<&mut HeapCapture>,
        place: impl Fn() -> String,
    ) -> Result<RefState, SnapshotError> {
        let unsupported =
            |what: &str| Err(SnapshotError::Unsupported(format!("{} holds {what}", place())));
        let named = |r: Result<HeapRef, silo_core::Error>| match r {
            Ok(HeapRef::Null) => Ok(RefState::Null),
            Ok(HeapRef::I31(v)) => Ok(RefState::I31(v)),
            Ok(HeapRef::Object(n)) => Ok(RefState::Object(n)),
            Err(e) => Err(SnapshotError::Unsupported(format!("{}: {e}", place()))),
        };
        match value {
            Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
                Ok(RefState::Null)
            }
            Val::FuncRef(Some(func)) => match self.0.get(func) {
                Some(&index) => Ok(RefState::Func(index)),
                None => unsupported("a function from outside the module"),
            },
            Val::AnyRef(Some(any)) => match (any.as_i31(&store), heap) {
                (Some(i31), _) => Ok(RefState::I31(i31.get_i32())),
                (None, Some(heap)) => named(heap.any_ref(&store, Some(any))),
                (None, None) if any.is_struct(&store) => {
                    unsupported("a struct of the garbage-collected heap")
                }
                (None, None) if any.is_array(&store) => {
                    unsupported("an array of the garbage-collected heap")
                }
                (None, None) => unsupported("a host value (`externref` made internal)"),
            },
            Val::ExternRef(Some(e)) => match heap {
                Some(heap) if e.data(&store).is_none() => named(heap.extern_ref(&store, Some(e))),
                _ => unsupported("a host value (`externref`)"),
            },
            Val::ExnRef(Some(e)) => match heap {
                Some(heap) => named(heap.exn_ref(&store, Some(e))),
                None => unsupported("an exception (`exnref`)"),
            },
            _ => unsupported("a number where a reference was expected"),
        }
    }
}
