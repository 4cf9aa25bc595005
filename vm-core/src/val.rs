//! Values crossing the embedding API, and host values held by `externref`.

use std::any::Any;

use silo_loader::{HeapType, RefType, ValType};

use crate::func::{Func, FuncEntity};
use crate::gc::Root;
use crate::registry::TypeId;
use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};
use silo_gc::GcRef;

/// A WebAssembly value.
#[derive(Clone, Copy, Debug)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, by its bits (so NaN payloads survive).
    F32(u32),
    /// An `f64`, by its bits.
    F64(u64),
    /// A `v128`.
    V128(u128),
    /// A function reference, or null.
    FuncRef(Option<Func>),
    /// A reference of the `extern` hierarchy, or null.
    ExternRef(Option<ExternRef>),
    /// A reference of the `any` hierarchy (struct, array, `i31`...), or null.
    AnyRef(Option<AnyRef>),
    /// An exception (`exnref`), or null.
    ExnRef(Option<crate::exnref::ExnRef>),
}

impl Val {
    /// The zero value (or null) of a type: what a local or a new table slot starts as.
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => Val::null_of(r),
        }
    }

    /// The null reference of a reference type's hierarchy.
    pub fn null_of(ty: RefType) -> Val {
        match ty.heap.abstract_top() {
            Some(HeapType::Extern) => Val::ExternRef(None),
            Some(HeapType::Any) => Val::AnyRef(None),
            Some(HeapType::Exn) => Val::ExnRef(None),
            _ => Val::FuncRef(None),
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(f32::from_bits(*v)),
            _ => None,
        }
    }

    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(f64::from_bits(*v)),
            _ => None,
        }
    }

    /// The function reference, if this is one.
    pub fn funcref(&self) -> Option<Option<&Func>> {
        match self {
            Val::FuncRef(f) => Some(f.as_ref()),
            _ => None,
        }
    }

    /// The extern reference, if this is one.
    pub fn externref(&self) -> Option<Option<&ExternRef>> {
        match self {
            Val::ExternRef(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// Whether the value is of type `ty`. `type_ids` resolves concrete types of the module `ty`
    /// comes from.
    pub(crate) fn matches(&self, store: &StoreOpaque, ty: ValType, type_ids: &[TypeId]) -> bool {
        self.matches_canonical(store, crate::registry::canonical_val(ty, type_ids))
    }

    /// Whether the value is of type `ty`, whose concrete types are canonical type ids (the types
    /// of a store's globals, tables, struct fields and host functions are).
    pub(crate) fn matches_canonical(&self, store: &StoreOpaque, ty: ValType) -> bool {
        match (self, ty) {
            (Val::I32(_), ValType::I32)
            | (Val::I64(_), ValType::I64)
            | (Val::F32(_), ValType::F32)
            | (Val::F64(_), ValType::F64)
            | (Val::V128(_), ValType::V128) => true,
            (Val::FuncRef(f), ValType::Ref(r)) => {
                if r.heap.abstract_top().is_some_and(|t| t != HeapType::Func) {
                    return false;
                }
                match f {
                    None => r.nullable,
                    Some(f) => match r.heap {
                        HeapType::Func => true,
                        HeapType::Concrete(i) | HeapType::Exact(i) => {
                            store.engine.inner.registry.is_subtype(f.entity(store).sig, TypeId(i))
                        }
                        _ => false,
                    },
                }
            }
            (Val::ExternRef(e), ValType::Ref(r)) => match r.heap {
                HeapType::Extern => e.is_some() || r.nullable,
                HeapType::NoExtern => e.is_none() && r.nullable,
                _ => false,
            },
            (Val::ExnRef(e), ValType::Ref(r)) => match r.heap {
                HeapType::Exn => e.is_some() || r.nullable,
                HeapType::NoExn => e.is_none() && r.nullable,
                _ => false,
            },
            (Val::AnyRef(a), ValType::Ref(r)) => {
                let heap = r.heap;
                let registry = &store.engine.inner.registry;
                if !registry.is_gc_ref(RefType { heap, ..r })
                    || matches!(heap, HeapType::Extern | HeapType::NoExtern)
                {
                    return false;
                }
                match a {
                    None => r.nullable,
                    Some(a) => crate::runtime::gc::raw_is(store, a.raw(store), heap),
                }
            }
            _ => false,
        }
    }

    /// The value's raw slot form, for a one-slot value (not a `v128`: see `write_slots`). The
    /// caller has checked it belongs to `store`.
    pub(crate) fn to_raw(self, store: &StoreOpaque) -> u64 {
        match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
            Val::V128(v) => v as u64,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => 0,
            Val::FuncRef(Some(f)) => {
                f.store.assert_same(store.id);
                f.ptr.as_ptr() as u64
            }
            Val::ExternRef(Some(e)) => e.raw(store),
            Val::AnyRef(Some(a)) => a.raw(store),
            Val::ExnRef(Some(e)) => e.raw(store),
        }
    }

    /// A one-slot value from its raw slot form.
    pub(crate) fn from_raw(raw: u64, ty: ValType, store: &StoreOpaque) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::V128 => Val::V128(raw as u128),
            ValType::Ref(r) => match r.heap.abstract_top() {
                Some(HeapType::Extern) => Val::ExternRef(
                    (raw != 0).then(|| ExternRef { store: store.id, root: root_in(store, raw) }),
                ),
                Some(HeapType::Exn) => {
                    Val::ExnRef((raw != 0).then(|| crate::exnref::ExnRef::from_raw(store, raw)))
                }
                _ if store.engine.inner.registry.is_gc_ref(r) => Val::AnyRef(
                    (raw != 0).then(|| AnyRef { store: store.id, root: root_in(store, raw) }),
                ),
                _ => Val::FuncRef(Func::from_raw(store.id, raw as *const FuncEntity)),
            },
        }
    }

    /// Writes the value into the slots at the start of `out` (`slot_width` of its type: two for a
    /// `v128`, its low half first). The caller has checked it belongs to `store`.
    pub(crate) fn write_slots(self, store: &StoreOpaque, out: &mut [u64]) {
        match self {
            Val::V128(v) => {
                out[0] = v as u64;
                out[1] = (v >> 64) as u64;
            }
            other => out[0] = other.to_raw(store),
        }
    }

    /// A value of type `ty` from the slots at the start of `slots`.
    pub(crate) fn read_slots(slots: &[u64], ty: ValType, store: &StoreOpaque) -> Val {
        match ty {
            ValType::V128 => Val::V128(slots[0] as u128 | (slots[1] as u128) << 64),
            ty => Val::from_raw(slots[0], ty, store),
        }
    }

    /// The `v128`, if this is one.
    pub fn v128(&self) -> Option<u128> {
        match self {
            Val::V128(v) => Some(*v),
            _ => None,
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}

impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}

impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

impl From<u128> for Val {
    fn from(v: u128) -> Val {
        Val::V128(v)
    }
}

impl From<Func> for Val {
    fn from(f: Func) -> Val {
        Val::FuncRef(Some(f))
    }
}

/// A reference of the `extern` hierarchy: a host value (from [`ExternRef::new`]) or an internal
/// reference converted with `extern.convert_any`. The handle roots what it refers to in its store:
/// it stays valid, and keeps the value alive, as long as the store lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    store: StoreId,
    root: Root,
}

impl ExternRef {
    /// Puts a host value in the store's heap and returns a reference to it. Fails when the
    /// store's heap quota cannot hold it.
    pub fn new<T: Any + Send + Sync>(
        mut store: impl AsContextMut,
        value: T,
    ) -> Result<ExternRef, crate::Trap> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let r = crate::gc::with_heap(opaque, |heap, roots| {
            heap.alloc_host(Box::new(value), roots).map_err(crate::gc::gc_trap)
        })??;
        Ok(ExternRef { store: opaque.id, root: root_in(opaque, u64::from(r.raw())) })
    }

    /// The host value, or `None` when this is an internal reference made external.
    pub fn data<'a, C: AsContext>(&self, store: &'a C) -> Option<&'a (dyn Any + Send + Sync)>
    where
        C::Data: 'a,
    {
        let ctx = store.as_context();
        self.store.assert_same(ctx.opaque().id);
        let opaque: &'a StoreOpaque = ctx_opaque(ctx);
        let r = GcRef::from_raw(raw_of(opaque, self.root) as u32);
        opaque.gc.heap()?.host_value(r)
    }

    pub(crate) fn raw(&self, store: &StoreOpaque) -> u64 {
        self.store.assert_same(store.id);
        raw_of(store, self.root)
    }

    /// Whether both refer to the same object (as WebAssembly's `ref.eq` would judge it): two
    /// handles to one object are different handles, so `==` on handles does not tell.
    pub fn ref_eq(&self, store: impl AsContext, other: &ExternRef) -> bool {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        self.raw(opaque) == other.raw(opaque)
    }

    /// The same reference in the `any` hierarchy (`any.convert_extern`).
    pub fn to_any(&self, store: impl AsContext) -> AnyRef {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        AnyRef { store: opaque.id, root: root_in(opaque, self.raw(opaque)) }
    }
}

/// A reference of the `any` hierarchy: a struct, an array, an `i31`, or a host value made
/// internal with `any.convert_extern`. Like [`ExternRef`], the handle roots what it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AnyRef {
    store: StoreId,
    root: Root,
}

impl AnyRef {
    /// An `i31` reference.
    pub fn from_i31(mut store: impl AsContextMut, value: crate::I31) -> AnyRef {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let r = GcRef::from_i31(value.get_i32());
        AnyRef { store: opaque.id, root: root_in(opaque, u64::from(r.raw())) }
    }

    /// The value of an `i31` reference; `None` for any other reference.
    pub fn as_i31(&self, store: impl AsContext) -> Option<crate::I31> {
        let ctx = store.as_context();
        let r = GcRef::from_raw(self.raw(ctx.opaque()) as u32);
        r.is_i31().then(|| crate::I31::wrapping_i32(r.i31_s()))
    }

    /// The same reference in the `extern` hierarchy (`extern.convert_any`).
    pub fn to_extern(&self, store: impl AsContext) -> ExternRef {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        ExternRef { store: opaque.id, root: root_in(opaque, self.raw(opaque)) }
    }

    /// Whether this is a struct.
    pub fn is_struct(&self, store: impl AsContext) -> bool {
        self.kind(store) == Some(crate::registry::TypeKind::Struct)
    }

    /// Whether this is an array.
    pub fn is_array(&self, store: impl AsContext) -> bool {
        self.kind(store) == Some(crate::registry::TypeKind::Array)
    }

    fn kind(&self, store: impl AsContext) -> Option<crate::registry::TypeKind> {
        self.kind_in(store.as_context().opaque())
    }

    /// Whether this is a struct or an array (or neither: `i31`, a host value).
    pub(crate) fn kind_in(&self, store: &StoreOpaque) -> Option<crate::registry::TypeKind> {
        kind_of(store, self.raw(store))
    }

    /// A handle rooting the raw reference `raw`.
    pub(crate) fn from_raw(store: &StoreOpaque, raw: u64) -> AnyRef {
        AnyRef { store: store.id, root: root_in(store, raw) }
    }

    pub(crate) fn raw(&self, store: &StoreOpaque) -> u64 {
        self.store.assert_same(store.id);
        raw_of(store, self.root)
    }
}

/// Whether the raw reference `raw` of the `any` hierarchy is a struct or an array (or neither:
/// `i31`, a host value).
pub(crate) fn kind_of(store: &StoreOpaque, raw: u64) -> Option<crate::registry::TypeKind> {
    let id = store.gc.heap()?.type_id(GcRef::from_raw(raw as u32))?;
    store.engine.inner.registry.kind(crate::registry::TypeId(id))
}

/// Roots the raw reference `raw` for the host: the collector keeps it alive and up to date.
pub(crate) fn root_in(store: &StoreOpaque, raw: u64) -> Root {
    store.gc.host_roots.push(GcRef::from_raw(raw as u32))
}

pub(crate) fn raw_of(store: &StoreOpaque, root: Root) -> u64 {
    u64::from(store.gc.host_roots.get(root).raw())
}

/// Extends a store borrow's lifetime to the context's, which `StoreContext` guarantees.
fn ctx_opaque<'a, T>(ctx: crate::store::StoreContext<'a, T>) -> &'a StoreOpaque {
    &ctx.0.opaque
}
