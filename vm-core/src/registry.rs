//! The engine's type registry: canonical ids for defined types, shared by every module compiled
//! with the engine.
//!
//! WebAssembly types are equivalent iso-recursively: two recursion groups are the same when they
//! have the same shape, with references inside the group compared by position and references
//! outside by identity. The registry rewrites each group into that canonical form, interns it, and
//! hands out one `TypeId` per type, so `call_indirect` and import checks compare integers.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::RwLock;

use silo_loader::{
    CompositeType, FieldType, FuncType, HeapType, RefType, StorageType, SubType, ValType,
};

/// The canonical id of a defined type: equal ids mean equivalent types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct TypeId(pub(crate) u32);

impl TypeId {
    /// The id as a number (native code compares these at `call_indirect`).
    pub fn as_u32(self) -> u32 {
        self.0
    }
}

/// Marks a reference to a type inside the same recursion group, by position, in canonical form.
const IN_GROUP: u32 = 1 << 31;

#[derive(Default)]
pub(crate) struct TypeRegistry {
    inner: RwLock<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Canonical recursion groups and the id of their first type.
    groups: HashMap<Box<[SubType]>, u32>,
    /// Whether each type id is a function, struct, array or continuation type.
    kinds: Vec<TypeKind>,
    /// Each type id's supertype chain from its root down to itself (its *display*): `sub` is a
    /// subtype of `sup` exactly when `sup` is at `sup`'s depth in `sub`'s display, one compare.
    displays: Vec<Box<[TypeId]>>,
    /// Each type id's structure with every type reference resolved to a `TypeId`.
    composites: Vec<CompositeType>,
    /// Whether each type id has a descriptor (custom descriptors).
    described: Vec<bool>,
}

/// The kind of composite type behind a type id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TypeKind {
    Func,
    Struct,
    Array,
    Cont,
}

impl TypeKind {
    fn of(ty: &CompositeType) -> TypeKind {
        match ty {
            CompositeType::Func(_) => TypeKind::Func,
            CompositeType::Struct(_) => TypeKind::Struct,
            CompositeType::Array(_) => TypeKind::Array,
            CompositeType::Cont(_) => TypeKind::Cont,
        }
    }
}

/// Rewrites the type references of one type into canonical form.
struct Canonicalizer<'a> {
    group: Range<u32>,
    ids: &'a [TypeId],
}

impl Canonicalizer<'_> {
    fn index(&self, idx: u32) -> u32 {
        if self.group.contains(&idx) {
            IN_GROUP | (idx - self.group.start)
        } else {
            // Validation guarantees references point to this group or earlier ones.
            self.ids.get(idx as usize).map_or(u32::MAX, |id| id.0)
        }
    }

    fn heap(&self, h: HeapType) -> HeapType {
        match h {
            HeapType::Concrete(i) => HeapType::Concrete(self.index(i)),
            HeapType::Exact(i) => HeapType::Exact(self.index(i)),
            other => other,
        }
    }

    fn val(&self, v: ValType) -> ValType {
        match v {
            ValType::Ref(mut r) => {
                r.heap = self.heap(r.heap);
                ValType::Ref(r)
            }
            other => other,
        }
    }

    fn field(&self, f: FieldType) -> FieldType {
        let storage = match f.storage {
            StorageType::Val(v) => StorageType::Val(self.val(v)),
            packed => packed,
        };
        FieldType { storage, mutable: f.mutable }
    }

    fn sub_type(&self, ty: &SubType) -> SubType {
        let composite = match &ty.composite {
            CompositeType::Func(f) => CompositeType::Func(FuncType {
                params: f.params.iter().map(|&v| self.val(v)).collect(),
                results: f.results.iter().map(|&v| self.val(v)).collect(),
            }),
            CompositeType::Struct(fields) => {
                CompositeType::Struct(fields.iter().map(|&f| self.field(f)).collect())
            }
            CompositeType::Array(f) => CompositeType::Array(self.field(*f)),
            CompositeType::Cont(i) => CompositeType::Cont(self.index(*i)),
        };
        SubType {
            is_final: ty.is_final,
            supertype: ty.supertype.map(|s| self.index(s)),
            shared: ty.shared,
            descriptor: ty.descriptor.map(|d| self.index(d)),
            describes: ty.describes.map(|d| self.index(d)),
            composite,
        }
    }
}

impl TypeRegistry {
    /// Registers a module's types, group by group, and returns the canonical id of each.
    pub fn register_module(&self, types: &[SubType], groups: &[Range<u32>]) -> Vec<TypeId> {
        let mut ids: Vec<TypeId> = Vec::with_capacity(types.len());
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        for group in groups {
            let canon = Canonicalizer { group: group.clone(), ids: &ids };
            let members = &types[group.start as usize..group.end as usize];
            let key: Box<[SubType]> = members.iter().map(|t| canon.sub_type(t)).collect();
            let first = match inner.groups.get(&key) {
                Some(&first) => first,
                None => {
                    let first = inner.kinds.len() as u32;
                    let resolve = |s: u32| {
                        if group.contains(&s) {
                            TypeId(first + (s - group.start))
                        } else {
                            ids.get(s as usize).copied().unwrap_or(TypeId(u32::MAX))
                        }
                    };
                    for ty in members {
                        let supertype = ty.supertype.map(resolve);
                        let mut display: Vec<TypeId> = supertype
                            .and_then(|s| inner.displays.get(s.0 as usize))
                            .map_or_else(Vec::new, |d| d.to_vec());
                        display.push(TypeId(inner.kinds.len() as u32));
                        inner.kinds.push(TypeKind::of(&ty.composite));
                        inner.displays.push(display.into());
                        inner.composites.push(resolve_composite(&ty.composite, &resolve));
                        inner.described.push(ty.descriptor.is_some());
                    }
                    inner.groups.insert(key, first);
                    first
                }
            };
            ids.extend((0..members.len() as u32).map(|i| TypeId(first + i)));
        }
        ids
    }

    /// Registers a standalone, final function type (a host function's signature).
    pub fn register_func(&self, ty: &FuncType) -> TypeId {
        let sub = SubType::plain(true, CompositeType::Func(ty.clone()));
        self.register_module(std::slice::from_ref(&sub), std::slice::from_ref(&(0..1)))[0]
    }

    /// The kind of a registered type.
    pub fn kind(&self, id: TypeId) -> Option<TypeKind> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.kinds.get(id.0 as usize).copied()
    }

    /// Whether heap type `a` is a subtype of `b`, both in canonical form (concrete types named by
    /// `TypeId`, as entity types are stored).
    pub fn heap_is_subtype(&self, a: HeapType, b: HeapType) -> bool {
        use HeapType as H;
        if a == b {
            return true;
        }
        let concrete_kind = |h: HeapType| match h {
            H::Concrete(i) | H::Exact(i) => self.kind(TypeId(i)),
            _ => None,
        };
        match (a, b) {
            (H::Concrete(x) | H::Exact(x), H::Concrete(y)) => self.is_subtype(TypeId(x), TypeId(y)),
            (H::Concrete(_) | H::Exact(_), H::Func) => concrete_kind(a) == Some(TypeKind::Func),
            (H::Concrete(_) | H::Exact(_), H::Struct) => concrete_kind(a) == Some(TypeKind::Struct),
            (H::Concrete(_) | H::Exact(_), H::Array) => concrete_kind(a) == Some(TypeKind::Array),
            (H::Concrete(_) | H::Exact(_), H::Eq | H::Any) => {
                matches!(concrete_kind(a), Some(TypeKind::Struct | TypeKind::Array))
            }
            (H::Concrete(_) | H::Exact(_), H::Cont) => concrete_kind(a) == Some(TypeKind::Cont),
            (H::NoFunc, H::Func | H::Concrete(_)) => {
                b == H::Func || concrete_kind(b) == Some(TypeKind::Func)
            }
            (H::NoExtern, H::Extern) | (H::NoExn, H::Exn) | (H::NoCont, H::Cont) => true,
            (H::NoCont, H::Concrete(_)) => concrete_kind(b) == Some(TypeKind::Cont),
            (H::None, H::Any | H::Eq | H::I31 | H::Struct | H::Array) => true,
            (H::None, H::Concrete(_)) => {
                matches!(concrete_kind(b), Some(TypeKind::Struct | TypeKind::Array))
            }
            (H::I31 | H::Struct | H::Array, H::Eq | H::Any) | (H::Eq, H::Any) => true,
            _ => false,
        }
    }

    /// Whether value type `a` matches `b` (both canonical).
    pub fn val_is_subtype(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(x), ValType::Ref(y)) => {
                (y.nullable || !x.nullable) && self.heap_is_subtype(x.heap, y.heap)
            }
            _ => a == b,
        }
    }

    /// Whether `sub` is `sup` or one of its declared subtypes: one lookup in `sub`'s display.
    pub fn is_subtype(&self, sub: TypeId, sup: TypeId) -> bool {
        if sub == sup {
            return true;
        }
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.is_subtype(sub, sup)
    }

    /// The structure of a registered type, type references resolved to `TypeId`s.
    pub fn composite(&self, id: TypeId) -> Option<CompositeType> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.composites.get(id.0 as usize).cloned()
    }

    /// Where the descriptor of struct type `id` sits among its fields (`silo_gc`'s
    /// `descriptor_position`); `None` when it has none.
    pub fn descriptor_position(&self, id: TypeId) -> Option<usize> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let display = inner.displays.get(id.0 as usize)?;
        let ancestors = display.iter().rev().map(|t| {
            let fields = match inner.composites.get(t.0 as usize) {
                Some(CompositeType::Struct(fields)) => fields.len(),
                _ => 0,
            };
            (inner.described.get(t.0 as usize).copied().unwrap_or(false), fields)
        });
        silo_gc::descriptor_position(ancestors)
    }

    /// Whether values of canonical reference type `ty` live in the garbage-collected heap's
    /// reference space (the `any`, `extern` and `exn` hierarchies), rather than being function
    /// references.
    pub fn is_gc_ref(&self, ty: RefType) -> bool {
        match ty.heap {
            HeapType::Concrete(i) | HeapType::Exact(i) => {
                matches!(self.kind(TypeId(i)), Some(TypeKind::Struct | TypeKind::Array))
            }
            h => matches!(h.abstract_top(), Some(HeapType::Any | HeapType::Extern | HeapType::Exn)),
        }
    }
}

impl Inner {
    fn is_subtype(&self, sub: TypeId, sup: TypeId) -> bool {
        let (Some(d_sub), Some(d_sup)) =
            (self.displays.get(sub.0 as usize), self.displays.get(sup.0 as usize))
        else {
            return false;
        };
        d_sub.get(d_sup.len() - 1) == Some(&sup)
    }
}

/// A composite type with every type reference (module index) resolved by `resolve`.
fn resolve_composite(ty: &CompositeType, resolve: &impl Fn(u32) -> TypeId) -> CompositeType {
    let heap = |h: HeapType| match h {
        HeapType::Concrete(i) => HeapType::Concrete(resolve(i).0),
        HeapType::Exact(i) => HeapType::Exact(resolve(i).0),
        other => other,
    };
    let val = |v: ValType| match v {
        ValType::Ref(r) => ValType::Ref(RefType { heap: heap(r.heap), ..r }),
        other => other,
    };
    let field = |f: FieldType| FieldType {
        storage: match f.storage {
            StorageType::Val(v) => StorageType::Val(val(v)),
            packed => packed,
        },
        mutable: f.mutable,
    };
    match ty {
        CompositeType::Func(f) => CompositeType::Func(FuncType {
            params: f.params.iter().map(|&v| val(v)).collect(),
            results: f.results.iter().map(|&v| val(v)).collect(),
        }),
        CompositeType::Struct(fields) => {
            CompositeType::Struct(fields.iter().map(|&f| field(f)).collect())
        }
        CompositeType::Array(f) => CompositeType::Array(field(*f)),
        CompositeType::Cont(i) => CompositeType::Cont(resolve(*i).0),
    }
}

/// A module-relative value type in canonical form: concrete types named by their `TypeId`.
pub(crate) fn canonical_val(ty: ValType, type_ids: &[TypeId]) -> ValType {
    match ty {
        ValType::Ref(mut r) => {
            r.heap = canonical_heap(r.heap, type_ids);
            ValType::Ref(r)
        }
        other => other,
    }
}

/// A module-relative heap type in canonical form.
pub(crate) fn canonical_heap(heap: HeapType, type_ids: &[TypeId]) -> HeapType {
    let id = |i: u32| type_ids.get(i as usize).map_or(u32::MAX, |t| t.0);
    match heap {
        HeapType::Concrete(i) => HeapType::Concrete(id(i)),
        HeapType::Exact(i) => HeapType::Exact(id(i)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(wat: &str) -> silo_loader::Module {
        silo_loader::load(wat.as_bytes()).unwrap()
    }

    fn ids(reg: &TypeRegistry, m: &silo_loader::Module) -> Vec<TypeId> {
        reg.register_module(&m.types, &m.rec_groups)
    }

    #[test]
    fn equal_signatures_share_an_id_across_modules() {
        let reg = TypeRegistry::default();
        let a = ids(&reg, &load("(module (type (func (param i32))) (type (func)))"));
        let b = ids(&reg, &load("(module (type (func)) (type (func (param i32))))"));
        assert_eq!(a[0], b[1]);
        assert_eq!(a[1], b[0]);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn recursion_groups_are_compared_by_shape() {
        let reg = TypeRegistry::default();
        let m = load(
            "(module (rec (type $a (func (param (ref null $b)))) (type $b (func (param (ref null $a)))))
                     (rec (type $c (func (param (ref null $d)))) (type $d (func (param (ref null $c)))))
                     (type $e (func (param (ref null $a)))))",
        );
        let ids = ids(&reg, &m);
        assert_eq!(ids[0], ids[2]);
        assert_eq!(ids[1], ids[3]);
        // Outside a group, a type is not the same as a member of one.
        assert_ne!(ids[4], ids[1]);
        assert_eq!(
            reg.register_func(&FuncType::default()),
            reg.register_func(&FuncType::default())
        );
    }

    #[test]
    fn declared_supertypes_are_followed() {
        let reg = TypeRegistry::default();
        let m = load(
            "(module (type $a (sub (func))) (type $b (sub $a (func))) (type $c (sub (func (param i32)))))",
        );
        let ids = ids(&reg, &m);
        assert!(reg.is_subtype(ids[1], ids[0]));
        assert!(!reg.is_subtype(ids[0], ids[1]));
        assert!(!reg.is_subtype(ids[2], ids[0]));
    }
}
