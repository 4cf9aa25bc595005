//! The `eq` part of the `any` hierarchy as the host sees it: [`I31`], the unboxed 31-bit integer
//! of an `i31ref`, and [`EqRef`], a reference that `ref.eq` can compare (a struct, an array or an
//! `i31`; not a host value made internal with `any.convert_extern`). Shaped as wasmtime's.

use silo_gc::GcRef;

use crate::gc_objects::{ArrayRef, StructRef};
use crate::registry::TypeKind;
use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};
use crate::val::{AnyRef, kind_of, raw_of, root_in};

/// The payload of an `i31ref`: 31 bits, read as unsigned (`i31.get_u`) or sign-extended
/// (`i31.get_s`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct I31(u32);

impl I31 {
    const MASK: u32 = (1 << 31) - 1;

    /// `value` when it fits in 31 bits unsigned (below 2^31).
    pub fn new_u32(value: u32) -> Option<I31> {
        (value <= I31::MASK).then_some(I31(value))
    }

    /// `value` when it fits in 31 bits signed (-2^30 up to 2^30 - 1).
    pub fn new_i32(value: i32) -> Option<I31> {
        (-(1 << 30)..1 << 30).contains(&value).then_some(I31(value as u32 & I31::MASK))
    }

    /// The low 31 bits of `value`, as `ref.i31` keeps them.
    pub fn wrapping_u32(value: u32) -> I31 {
        I31(value & I31::MASK)
    }

    /// The low 31 bits of `value`, as `ref.i31` keeps them.
    pub fn wrapping_i32(value: i32) -> I31 {
        I31::wrapping_u32(value as u32)
    }

    /// The value zero-extended (`i31.get_u`).
    pub fn get_u32(self) -> u32 {
        self.0
    }

    /// The value sign-extended (`i31.get_s`).
    pub fn get_i32(self) -> i32 {
        ((self.0 << 1) as i32) >> 1
    }
}

impl std::fmt::Debug for I31 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "I31({})", self.get_i32())
    }
}

/// A reference of the `eq` hierarchy: a struct, an array or an `i31`. Like every reference
/// handle it roots what it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EqRef {
    store: StoreId,
    root: crate::gc::Root,
}

impl EqRef {
    /// An `i31` reference.
    pub fn from_i31(mut store: impl AsContextMut, value: I31) -> EqRef {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        EqRef::from_raw(opaque, GcRef::from_i31(value.get_i32()))
    }

    /// Whether `a` and `b` are the same reference, as `ref.eq` says: the same object, or `i31`s
    /// of the same value.
    pub fn ref_eq(store: impl AsContext, a: &EqRef, b: &EqRef) -> bool {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        a.gc_ref(opaque) == b.gc_ref(opaque)
    }

    /// Whether this is an `i31`.
    pub fn is_i31(&self, store: impl AsContext) -> bool {
        self.gc_ref(store.as_context().opaque()).is_i31()
    }

    /// The `i31`'s value, or `None` for a struct or an array.
    pub fn as_i31(&self, store: impl AsContext) -> Option<I31> {
        let r = self.gc_ref(store.as_context().opaque());
        r.is_i31().then(|| I31::wrapping_i32(r.i31_s()))
    }

    /// Whether this is a struct.
    pub fn is_struct(&self, store: impl AsContext) -> bool {
        self.kind(store.as_context().opaque()) == Some(TypeKind::Struct)
    }

    /// This reference as a struct, if it is one.
    pub fn as_struct(&self, store: impl AsContext) -> Option<StructRef> {
        let ctx = store.as_context();
        StructRef::of_raw(ctx.opaque(), self.raw(ctx.opaque()))
    }

    /// Whether this is an array.
    pub fn is_array(&self, store: impl AsContext) -> bool {
        self.kind(store.as_context().opaque()) == Some(TypeKind::Array)
    }

    /// This reference as an array, if it is one.
    pub fn as_array(&self, store: impl AsContext) -> Option<ArrayRef> {
        let ctx = store.as_context();
        ArrayRef::of_raw(ctx.opaque(), self.raw(ctx.opaque()))
    }

    fn kind(&self, store: &StoreOpaque) -> Option<TypeKind> {
        kind_of(store, self.raw(store))
    }

    /// The same reference as an [`AnyRef`].
    pub fn to_any(&self, store: impl AsContext) -> AnyRef {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        AnyRef::from_raw(opaque, u64::from(self.gc_ref(opaque).raw()))
    }

    fn from_raw(store: &StoreOpaque, r: GcRef) -> EqRef {
        EqRef { store: store.id, root: root_in(store, u64::from(r.raw())) }
    }

    /// A handle rooting the raw reference `raw` (in the slot form; not null).
    pub(crate) fn from_raw_bits(store: &StoreOpaque, raw: u64) -> EqRef {
        EqRef::from_raw(store, GcRef::from_raw(raw as u32))
    }

    /// The reference in the slot form.
    pub(crate) fn raw(&self, store: &StoreOpaque) -> u64 {
        u64::from(self.gc_ref(store).raw())
    }

    fn gc_ref(&self, store: &StoreOpaque) -> GcRef {
        self.store.assert_same(store.id);
        GcRef::from_raw(raw_of(store, self.root) as u32)
    }
}

impl AnyRef {
    /// Whether this is an `i31`.
    pub fn is_i31(&self, store: impl AsContext) -> bool {
        self.as_i31(store).is_some()
    }

    /// Whether this reference is in the `eq` hierarchy (a struct, an array or an `i31`; not a
    /// host value made internal).
    pub fn is_eqref(&self, store: impl AsContext) -> bool {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        GcRef::from_raw(self.raw(opaque) as u32).is_i31()
            || matches!(self.kind_in(opaque), Some(TypeKind::Struct | TypeKind::Array))
    }

    /// This reference as an [`EqRef`], if it is one.
    pub fn as_eqref(&self, store: impl AsContext) -> Option<EqRef> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        self.is_eqref(ctx)
            .then(|| EqRef::from_raw(opaque, GcRef::from_raw(self.raw(opaque) as u32)))
    }
}
