//! Exceptions, for both tiers: the exception object, and the store's exception in flight.
//!
//! An exception (`exnref`) is an object of the garbage-collected heap: its header's type id is
//! the canonical id of its tag's function type, and its fields are the tag's number in the store
//! (`i32`) followed by the payload, laid out as a struct of those fields (`exception_fields`).
//! The collector traces the payload's references like any struct's.
//!
//! While an exception unwinds, the store holds it (`StoreGc::exception`, a root), and the calls
//! it passes through return the trap [`TrapCode::UncaughtException`] — the form in which it
//! crosses host functions, interpreter runs and native code alike. A handler that catches it
//! takes it back out of the store; one that escapes every handler reaches the host as that trap,
//! the exception still in the store for the host to inspect (`Store::take_pending_exception`).

use silo_gc::{AccessError, GcRef, Layout};
use silo_loader::{FieldType, FuncType, StorageType, ValType};

use crate::store::StoreOpaque;
use crate::tag::TagEntity;
use crate::trap::{Trap, TrapCode};

/// The fields of an exception object of a tag of type `sig`: the tag's number, then the payload.
pub(crate) fn exception_fields(sig: &FuncType) -> Vec<FieldType> {
    std::iter::once(ValType::I32)
        .chain(sig.params.iter().copied())
        .map(|v| FieldType { storage: StorageType::Val(v), mutable: false })
        .collect()
}

fn exn_trap(e: AccessError) -> Trap {
    Trap::host(format!("internal error: a corrupt exception object ({e:?})"))
}

/// A new exception of `tag` carrying `payload` (raw slots); may collect.
pub(crate) fn new_exception(
    store: &mut StoreOpaque,
    tag: &TagEntity,
    payload: &[u64],
) -> Result<GcRef, Trap> {
    let mut fields = Vec::with_capacity(payload.len() + 1);
    fields.push(u64::from(tag.id));
    fields.extend_from_slice(payload);
    super::gc_ops::struct_new_of(store, tag.sig, &fields)
}

/// The tag number of exception `exn`; `None` when `exn` is not an exception object.
pub(crate) fn tag_of(store: &StoreOpaque, exn: GcRef) -> Option<u32> {
    let heap = store.gc.heap()?;
    match heap.layout_of(exn)? {
        Layout::Struct(s) => heap.read::<u32>(exn, s.fields.first()?.offset).ok(),
        _ => None,
    }
}

/// Reads the payload of exception `exn` into `out` (exactly its raw slots).
pub(crate) fn read_payload(store: &StoreOpaque, exn: GcRef, out: &mut [u64]) -> Result<(), Trap> {
    let heap = store.gc.heap().ok_or_else(|| exn_trap(AccessError::Null))?;
    heap.read_struct_fields(exn, 1, out).map_err(exn_trap)
}

/// Starts unwinding with `exn`: the store holds it, and the trap every frame returns until a
/// handler takes it is the result.
pub(crate) fn raise(store: &mut StoreOpaque, exn: GcRef) -> Trap {
    store.gc.exception = Some(exn);
    Trap::new(TrapCode::UncaughtException)
}

/// Takes the exception in flight out of the store (a handler caught it).
pub(crate) fn take(store: &mut StoreOpaque) -> Option<GcRef> {
    store.gc.exception.take()
}

/// `throw_ref`: the trap that unwinds with `raw`, or the null-reference trap.
pub(crate) fn throw_ref(store: &mut StoreOpaque, raw: u64) -> Trap {
    let exn = GcRef::from_raw(raw as u32);
    if exn.is_null() { Trap::new(TrapCode::NullReference) } else { raise(store, exn) }
}
