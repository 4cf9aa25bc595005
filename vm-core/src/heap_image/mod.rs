//! The garbage-collected objects a guest can reach, taken out of a store as portable values
//! ([`HeapImage`]) and made again in another store: the heap part of checkpoints.
//!
//! An image holds each struct, array and exception once, by its type's index in the module (an
//! exception's is its tag's function type) and its fields or elements by type: numbers as their
//! bits, references as **codes** that name what they refer to by meaning, never by address:
//! - a reference of the function hierarchy: `0` for null, the instance's function index plus one;
//! - a reference of the `any`, `extern` or `exn` hierarchy: `0` for null, an odd code for an
//!   `i31` (the value's 31 bits shifted left by one, plus one), an even code for object number `n`
//!   of the image (`(n + 1) * 2`).
//!
//! An exception's first value is its tag, by the module's tag index. The same codes stand for
//! references in a checkpoint's globals, tables and frames. Taking an image ([`HeapCapture`],
//! `capture`) numbers objects as the caller names them (from globals, tables, frames), then follows
//! their fields; it refuses what has no meaning outside the store — a host value (`externref` from
//! the embedder), an object of a type the host defined, a function or tag of another instance.
//! Making one again ([`HeapImage::restore`], `restore`) is loading untrusted input: every type
//! index, length and code is checked against the module, every reference against the type of the
//! field that holds it (so an object is never where the code expects another type), and
//! allocation goes through the store's heap quota.

mod capture;
mod restore;

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use silo_gc::{FieldKind, GcRef, Layout};
use silo_loader::{CompositeType, FieldType, HeapType, RefType, StorageType, ValType};

use crate::func::{Func, FuncEntity};
use crate::registry::{TypeId, TypeKind, TypeRegistry};
use crate::store::StoreOpaque;
use crate::val::Val;

pub use capture::HeapCapture;
pub(crate) use restore::func_raw_of_code;
pub use restore::{HeapObjectSource, HeapObjects};

/// One struct, array or exception of a [`HeapImage`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapObject {
    /// Its type: an index into the module's types (a struct or an array type; for an exception,
    /// its tag's function type).
    pub type_index: u32,
    /// A struct's fields, one value each (two for a `v128`, its low half first; a packed field
    /// zero-extended), references as codes; an exception's tag (the module's tag index), then its
    /// payload so; or an array's elements when they are references.
    pub values: Vec<u64>,
    /// An array's elements when they are numbers: their bytes, little-endian, at the element's
    /// size (1 for `i8`, 2 for `i16`, 16 for `v128`...). Empty otherwise.
    pub bytes: Vec<u8>,
}

/// The objects of a heap image, numbered from 0 (see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeapImage {
    /// The objects, in the order they were numbered.
    pub objects: Vec<HeapObject>,
}

/// What one reference of the `any`, `extern` or `exn` hierarchy is, as an image says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeapRef {
    /// Null.
    Null,
    /// An `i31` with this value (sign-extended).
    I31(i32),
    /// Object number `n` of the image.
    Object(u32),
}

impl HeapRef {
    /// The reference's code (see the module documentation).
    pub fn code(self) -> u64 {
        match self {
            HeapRef::Null => 0,
            HeapRef::I31(v) => u64::from(GcRef::from_i31(v).raw()),
            HeapRef::Object(n) => (u64::from(n) + 1) << 1,
        }
    }

    /// The reference a code stands for; `None` for a code no reference has.
    pub fn from_code(code: u64) -> Option<HeapRef> {
        if code == 0 {
            Some(HeapRef::Null)
        } else if code & 1 == 1 {
            let raw = u32::try_from(code).ok()?;
            Some(HeapRef::I31(GcRef::from_raw(raw).i31_s()))
        } else {
            u32::try_from((code >> 1) - 1).ok().map(HeapRef::Object)
        }
    }
}

/// What an image's object is, by its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Struct,
    Array,
    /// Laid out as a struct of its tag's number, then its payload.
    Exception,
}

/// What images need of a type: its kind, its fields in canonical types (an exception's with the
/// tag's number first; an array's element as its one field), and its layout.
struct TypeInfo {
    kind: Kind,
    fields: Box<[FieldType]>,
    layout: Layout,
}

/// Types' `TypeInfo`, found once per type: an image has many objects of few types.
struct Types<'a> {
    registry: &'a TypeRegistry,
    known: HashMap<TypeId, Option<Rc<TypeInfo>>>,
}

impl<'a> Types<'a> {
    fn new(registry: &'a TypeRegistry) -> Types<'a> {
        Types { registry, known: HashMap::default() }
    }

    /// What type `id` is; `None` for a type no image object has (a function type's objects are
    /// exceptions; a struct type with a custom descriptor is left out).
    fn get(&mut self, id: TypeId) -> Option<Rc<TypeInfo>> {
        let registry = self.registry;
        self.known
            .entry(id)
            .or_insert_with(|| {
                if registry.descriptor_position(id).is_some() {
                    return None;
                }
                let layout = crate::runtime::gc::layout_of(registry, id)?;
                let (kind, fields) = match registry.composite(id)? {
                    CompositeType::Struct(fields) => (Kind::Struct, fields),
                    CompositeType::Array(elem) => (Kind::Array, Box::new([elem]) as Box<[_]>),
                    CompositeType::Func(sig) => {
                        (Kind::Exception, crate::runtime::exn::exception_fields(&sig).into())
                    }
                    _ => return None,
                };
                Some(Rc::new(TypeInfo { kind, fields, layout }))
            })
            .clone()
    }
}

/// The reference type of a field, if it holds references.
fn field_ref(storage: StorageType) -> Option<RefType> {
    match storage {
        StorageType::Val(ValType::Ref(r)) => Some(r),
        _ => None,
    }
}

/// Whether a field of `kind` is one value of the image or two (a `v128`).
fn width(kind: FieldKind) -> usize {
    if kind == FieldKind::V128 { 2 } else { 1 }
}

/// A function reference of an instance with functions `funcs` (its raw form) as its code: 0 for
/// null, the function's index plus one.
pub(crate) fn func_code(funcs: &[*const FuncEntity], raw: u64) -> Result<u64, String> {
    if raw == 0 {
        return Ok(0);
    }
    match funcs.iter().position(|&f| f as u64 == raw) {
        Some(i) => Ok(i as u64 + 1),
        None => Err("a function reference that is not one of the instance's functions \
                     (it came from another instance or the host)"
            .into()),
    }
}

/// The raw function reference of an instance with functions `funcs` that `code` stands for (see
/// `func_code`).
fn func_of_code(funcs: &[*const FuncEntity], code: u64) -> Result<u64, String> {
    match code.checked_sub(1) {
        None => Ok(0),
        Some(i) => match funcs.get(usize::try_from(i).unwrap_or(usize::MAX)) {
            Some(&f) => Ok(f as u64),
            None => Err(format!("function reference {i} is past the instance's functions")),
        },
    }
}

/// Whether the raw reference `raw` of the `any`, `extern` or `exn` hierarchy is a value of
/// canonical type `ty`.
fn gc_ref_fits(store: &StoreOpaque, raw: u64, ty: RefType) -> bool {
    if raw == 0 {
        return ty.nullable;
    }
    match ty.heap.abstract_top() {
        Some(HeapType::Extern) => ty.heap == HeapType::Extern,
        Some(HeapType::Exn) => {
            let registry = &store.engine.inner.registry;
            let id = store.gc.heap().and_then(|h| h.type_id(GcRef::from_raw(raw as u32)));
            let kind = id.and_then(|id| registry.kind(TypeId(id)));
            ty.heap == HeapType::Exn && kind == Some(TypeKind::Func)
        }
        _ if store.engine.inner.registry.is_gc_ref(ty) => {
            crate::runtime::gc::raw_is(store, raw, ty.heap)
        }
        _ => false,
    }
}

/// Whether the raw function reference `raw` (non-null, one of the instance's) is a value of
/// canonical type `ty`.
fn func_ref_fits(store: &StoreOpaque, raw: u64, ty: RefType) -> bool {
    let func = Func::from_raw(store.id, raw as *const FuncEntity);
    Val::FuncRef(func).matches_canonical(store, ValType::Ref(ty))
}

/// How a code reads in a message.
fn describe(code: u64) -> String {
    match HeapRef::from_code(code) {
        Some(HeapRef::Null) => "null".into(),
        Some(HeapRef::I31(v)) => format!("the i31 {v}"),
        Some(HeapRef::Object(n)) => format!("object {n}"),
        None => format!("code {code}"),
    }
}
