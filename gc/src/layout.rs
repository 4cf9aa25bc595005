//! Object layouts: where each field of a struct or element of an array sits, computed once per
//! type from its field types.
//!
//! Every object starts with an 8-byte header: the caller's canonical type id (`u32` at
//! [`HEADER_TYPE_OFFSET`]) and the collector's word (`u32` at [`HEADER_GC_WORD_OFFSET`], zero
//! outside a collection). A struct's fields follow from [`STRUCT_FIELDS_OFFSET`] in declaration
//! order, each at its natural alignment capped at 8, so a subtype (which extends its supertype's
//! field list) keeps its supertype's offsets. An array has its length (`u32`) at
//! [`ARRAY_LEN_OFFSET`], 4 bytes of padding, and its elements from [`ARRAY_DATA_OFFSET`]. Sizes are
//! rounded up to 8, so every object starts at a multiple of 8.
//!
//! References of the function hierarchy are host pointers (8 bytes) the collector does not trace;
//! every other reference is a [`GcRef`](crate::GcRef) (4 bytes), traced. A concrete type index may
//! name either kind, and only the caller knows its module's types, so the layout functions ask it.

use silo_loader::{FieldType, HeapType, RefType, StorageType, ValType};

/// Offset of the type id in every object's header.
pub const HEADER_TYPE_OFFSET: u32 = 0;
/// Offset of the collector's word in every object's header (zero outside a collection).
pub const HEADER_GC_WORD_OFFSET: u32 = 4;
/// Size of the header every object starts with.
pub const HEADER_SIZE: u32 = 8;
/// Offset of a struct's first field.
pub const STRUCT_FIELDS_OFFSET: u32 = 8;
/// Offset of an array's length (`u32`).
pub const ARRAY_LEN_OFFSET: u32 = 8;
/// Offset of an array's first element.
pub const ARRAY_DATA_OFFSET: u32 = 16;
/// Every object starts at a multiple of this and its size is one.
pub const OBJECT_ALIGN: u32 = 8;

/// How a field or element is stored, and so how it is read and whether it is traced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// Packed 8-bit integer (1 byte).
    I8,
    /// Packed 16-bit integer (2 bytes).
    I16,
    /// `i32` (4 bytes).
    I32,
    /// `i64` (8 bytes).
    I64,
    /// `f32`, as its bits (4 bytes).
    F32,
    /// `f64`, as its bits (8 bytes).
    F64,
    /// `v128` (16 bytes, aligned to 8).
    V128,
    /// A traced reference: a [`GcRef`](crate::GcRef) (4 bytes).
    GcRef,
    /// An untraced reference of the function hierarchy: a host pointer (8 bytes, 0 is null).
    FuncRef,
}

impl FieldKind {
    /// The kind a field of storage type `storage` is stored as; `is_func_ref` says whether a
    /// reference type it is asked about is a host pointer (see [`struct_layout`]).
    pub fn of(storage: StorageType, is_func_ref: impl Fn(RefType) -> bool) -> FieldKind {
        match storage {
            StorageType::I8 => FieldKind::I8,
            StorageType::I16 => FieldKind::I16,
            StorageType::Val(ValType::I32) => FieldKind::I32,
            StorageType::Val(ValType::I64) => FieldKind::I64,
            StorageType::Val(ValType::F32) => FieldKind::F32,
            StorageType::Val(ValType::F64) => FieldKind::F64,
            StorageType::Val(ValType::V128) => FieldKind::V128,
            StorageType::Val(ValType::Ref(r)) => match r.heap {
                HeapType::Func | HeapType::NoFunc => FieldKind::FuncRef,
                HeapType::Concrete(_) | HeapType::Exact(_) | HeapType::Cont | HeapType::NoCont => {
                    if is_func_ref(r) {
                        FieldKind::FuncRef
                    } else {
                        FieldKind::GcRef
                    }
                }
                HeapType::Extern
                | HeapType::NoExtern
                | HeapType::Any
                | HeapType::Eq
                | HeapType::I31
                | HeapType::Struct
                | HeapType::Array
                | HeapType::None
                | HeapType::Exn
                | HeapType::NoExn => FieldKind::GcRef,
            },
        }
    }

    /// Bytes the field takes.
    pub const fn size(self) -> u32 {
        match self {
            FieldKind::I8 => 1,
            FieldKind::I16 => 2,
            FieldKind::I32 | FieldKind::F32 | FieldKind::GcRef => 4,
            FieldKind::I64 | FieldKind::F64 | FieldKind::FuncRef => 8,
            FieldKind::V128 => 16,
        }
    }

    /// Alignment of the field inside the object: its size, capped at 8.
    pub const fn align(self) -> u32 {
        let size = self.size();
        if size > 8 { 8 } else { size }
    }

    /// Whether the collector traces (and may rewrite) this field.
    pub const fn is_traced(self) -> bool {
        matches!(self, FieldKind::GcRef)
    }
}

/// Where one struct field sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldLayout {
    /// Byte offset from the object's header.
    pub offset: u32,
    /// How it is stored.
    pub kind: FieldKind,
}

/// A struct type's layout.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StructLayout {
    /// Size of the whole object, header included, a multiple of 8.
    pub size: u32,
    /// Each field, in declaration order.
    pub fields: Box<[FieldLayout]>,
    /// Offsets of the traced fields (`FieldKind::GcRef`), ascending.
    pub ref_offsets: Box<[u32]>,
    /// How many raw 64-bit slots the fields take as values (one each, two for a `v128`): the
    /// form `struct.new` takes its operands in.
    pub value_slots: u32,
    /// Which of those slots hold references, ascending.
    pub ref_slots: Box<[u32]>,
    /// The offset of the descriptor reference, for a type with a descriptor (custom
    /// descriptors); it is also the last entry of `fields`.
    pub descriptor: Option<u32>,
}

/// An array type's layout: elements of one kind from [`ARRAY_DATA_OFFSET`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArrayLayout {
    /// Bytes per element.
    pub elem_size: u32,
    /// How each element is stored.
    pub elem_kind: FieldKind,
}

impl ArrayLayout {
    /// Size of an array of `len` elements, header included and rounded up to 8; `None` when it
    /// does not fit a `u32`. Computed in 64 bits, so it never overflows on the way.
    pub fn size_of(&self, len: u32) -> Option<u32> {
        u32::try_from(self.size_u64(len)).ok()
    }

    /// Size of an array of `len` elements in 64 bits (always exact).
    pub fn size_u64(&self, len: u32) -> u64 {
        round_up(u64::from(ARRAY_DATA_OFFSET) + u64::from(len) * u64::from(self.elem_size))
    }
}

/// How the heap walks and traces objects of one type id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// A struct of fixed size.
    Struct(StructLayout),
    /// An array: its size follows from its length.
    Array(ArrayLayout),
    /// The heap's own box for a host value (`externref`); only [`HOST_BOX_TYPE`](crate::HOST_BOX_TYPE)
    /// has this layout.
    HostBox,
}

/// The layout of a struct with fields `fields`. `is_func_ref` is asked about reference fields
/// whose heap type is concrete (`Concrete`, `Exact`) or a continuation (`Cont`, `NoCont`): true
/// when such a reference is an 8-byte untraced host pointer (a function or continuation type),
/// false when it is a traced [`GcRef`](crate::GcRef) (a struct or array type). Abstract types need
/// no asking: `func`/`nofunc` are host pointers, `any`, `extern`, `exn` and their subtypes are
/// `GcRef`s.
pub fn struct_layout(fields: &[FieldType], is_func_ref: impl Fn(RefType) -> bool) -> StructLayout {
    described_struct_layout(fields, None, is_func_ref)
}

/// The layout of a struct with fields `fields` whose type has a descriptor (custom descriptors)
/// when `descriptor_at` is given: the descriptor reference, a traced [`GcRef`](crate::GcRef),
/// sits in memory just before field `descriptor_at` (after the last field when it equals their
/// number), where [`descriptor_position`] puts it so that every subtype finds it at the same
/// offset. It is the layout's last field in the value order ([`StructLayout::fields`], the
/// slots): `struct.new_desc` takes the fields, then the descriptor. `is_func_ref` as for
/// [`struct_layout`].
pub fn described_struct_layout(
    fields: &[FieldType],
    descriptor_at: Option<usize>,
    is_func_ref: impl Fn(RefType) -> bool,
) -> StructLayout {
    let mut offset = u64::from(STRUCT_FIELDS_OFFSET);
    let mut layouts = Vec::with_capacity(fields.len() + 1);
    let mut refs = Vec::new();
    let (mut slots, mut ref_slots) = (0u32, Vec::new());
    let mut descriptor = None;
    // Places a field of `kind` at the next offset it aligns to.
    let mut place = |kind: FieldKind, offset: &mut u64| {
        let align = u64::from(kind.align());
        *offset = offset.div_ceil(align) * align;
        // A struct has at most 10 000 fields of at most 16 bytes, far below `u32::MAX`; saturate
        // rather than wrap should a caller pass more.
        let at = u32::try_from(*offset).unwrap_or(u32::MAX);
        if kind.is_traced() {
            refs.push(at);
        }
        *offset += u64::from(kind.size());
        at
    };
    for (i, field) in fields.iter().enumerate() {
        if descriptor_at == Some(i) {
            descriptor = Some(place(FieldKind::GcRef, &mut offset));
        }
        let kind = FieldKind::of(field.storage, &is_func_ref);
        if kind.is_traced() {
            ref_slots.push(slots);
        }
        slots += if kind == FieldKind::V128 { 2 } else { 1 };
        let at = place(kind, &mut offset);
        layouts.push(FieldLayout { offset: at, kind });
    }
    if descriptor_at.is_some_and(|at| at >= fields.len()) {
        descriptor = Some(place(FieldKind::GcRef, &mut offset));
    }
    if let Some(at) = descriptor {
        layouts.push(FieldLayout { offset: at, kind: FieldKind::GcRef });
        ref_slots.push(slots);
        slots += 1;
    }
    refs.sort_unstable();
    StructLayout {
        size: u32::try_from(round_up(offset)).unwrap_or(!(OBJECT_ALIGN - 1)),
        fields: layouts.into(),
        ref_offsets: refs.into(),
        value_slots: slots,
        ref_slots: ref_slots.into(),
        descriptor,
    }
}

/// Where the descriptor of a struct type sits among its fields (see
/// [`described_struct_layout`]), from the type and its supertypes, nearest first, each as whether
/// it has a descriptor and how many fields it declares. `None` when the type has no descriptor.
///
/// A type with a descriptor has only subtypes with descriptors, so the first type of a chain to
/// have one fixes the place for all below it: after the fields of its supertype (which has no
/// descriptor), or first when it has no supertype.
pub fn descriptor_position(ancestors: impl IntoIterator<Item = (bool, usize)>) -> Option<usize> {
    let mut chain = ancestors.into_iter();
    let (described, _) = chain.next()?;
    if !described {
        return None;
    }
    for (described, fields) in chain {
        if !described {
            return Some(fields);
        }
    }
    Some(0)
}

/// The layout of an array of `elem`; `is_func_ref` as for [`struct_layout`].
pub fn array_layout(elem: FieldType, is_func_ref: impl Fn(RefType) -> bool) -> ArrayLayout {
    let kind = FieldKind::of(elem.storage, is_func_ref);
    ArrayLayout { elem_size: kind.size(), elem_kind: kind }
}

/// `n` rounded up to the object alignment.
pub(crate) const fn round_up(n: u64) -> u64 {
    let a = OBJECT_ALIGN as u64;
    n.div_ceil(a) * a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(storage: StorageType) -> FieldType {
        FieldType { storage, mutable: true }
    }
    fn val(v: ValType) -> FieldType {
        field(StorageType::Val(v))
    }
    fn reference(heap: HeapType) -> FieldType {
        val(ValType::Ref(RefType { nullable: true, heap }))
    }
    /// Concrete type 7 is a function type, every other one a struct or array type.
    fn func_is_7(r: RefType) -> bool {
        matches!(r.heap, HeapType::Concrete(7) | HeapType::Exact(7))
    }
    fn offsets(l: &StructLayout) -> Vec<(u32, FieldKind)> {
        l.fields.iter().map(|f| (f.offset, f.kind)).collect()
    }

    #[test]
    fn a_descriptor_is_a_traced_field_every_subtype_finds_in_one_place() {
        // $A (struct i64) ; $B <: $A with a descriptor and (field i32) ; $C <: $B adds (field f64)
        assert_eq!(descriptor_position([(false, 1)]), None);
        let at_b = descriptor_position([(true, 2), (false, 1)]);
        let at_c = descriptor_position([(true, 3), (true, 2), (false, 1)]);
        assert_eq!((at_b, at_c), (Some(1), Some(1)));
        assert_eq!(descriptor_position([(true, 0)]), Some(0));
        let a = struct_layout(&[val(ValType::I64)], func_is_7);
        let b = described_struct_layout(&[val(ValType::I64), val(ValType::I32)], at_b, func_is_7);
        let c_fields = [val(ValType::I64), val(ValType::I32), val(ValType::F64)];
        let c = described_struct_layout(&c_fields, at_c, func_is_7);
        assert_eq!(a.fields[0], b.fields[0]);
        assert_eq!(b.descriptor, Some(16));
        assert_eq!(c.descriptor, Some(16));
        assert_eq!(b.fields[1], c.fields[1]);
        assert_eq!(
            offsets(&c),
            [
                (8, FieldKind::I64),
                (20, FieldKind::I32),
                (24, FieldKind::F64),
                (16, FieldKind::GcRef)
            ]
        );
        assert_eq!(&*c.ref_offsets, &[16]);
        assert_eq!((c.value_slots, &*c.ref_slots), (4, &[3][..]));
        assert_eq!(c.size, 32);
        // After every field when the first described type adds none before it.
        let last = described_struct_layout(&[val(ValType::I32)], Some(1), func_is_7);
        assert_eq!(last.descriptor, Some(12));
        assert_eq!(last.size, 16);
    }

    #[test]
    fn empty_struct_is_just_a_header() {
        let l = struct_layout(&[], func_is_7);
        assert_eq!(l.size, 8);
        assert!(l.fields.is_empty());
        assert!(l.ref_offsets.is_empty());
    }

    #[test]
    fn mixed_fields_align_naturally() {
        let fields = [
            field(StorageType::I8),   // 8
            val(ValType::I32),        // 12
            field(StorageType::I16),  // 16
            val(ValType::F64),        // 24
            field(StorageType::I8),   // 32
            reference(HeapType::Any), // 36
            val(ValType::V128),       // 40 (aligned to 8, not 16)
            val(ValType::F32),        // 56
        ];
        let l = struct_layout(&fields, func_is_7);
        use FieldKind::*;
        assert_eq!(
            offsets(&l),
            [
                (8, I8),
                (12, I32),
                (16, I16),
                (24, F64),
                (32, I8),
                (36, GcRef),
                (40, V128),
                (56, F32)
            ]
        );
        assert_eq!(l.size, 64, "60 rounded up to 8");
        assert_eq!(&*l.ref_offsets, &[36]);
    }

    #[test]
    fn packed_fields_share_words() {
        let fields = [
            field(StorageType::I8),
            field(StorageType::I8),
            field(StorageType::I16),
            field(StorageType::I8),
        ];
        let l = struct_layout(&fields, func_is_7);
        assert_eq!(l.fields.iter().map(|f| f.offset).collect::<Vec<_>>(), [8, 9, 10, 12]);
        assert_eq!(l.size, 16);
    }

    #[test]
    fn v128_is_sixteen_bytes_aligned_to_eight() {
        let l = struct_layout(&[val(ValType::I32), val(ValType::V128)], func_is_7);
        assert_eq!(offsets(&l), [(8, FieldKind::I32), (16, FieldKind::V128)]);
        assert_eq!(l.size, 32);
        let l = struct_layout(&[val(ValType::V128)], func_is_7);
        assert_eq!(l.fields[0].offset, 8);
        assert_eq!(l.size, 24);
    }

    #[test]
    fn funcrefs_are_untraced_pointers_and_gc_refs_are_traced_offsets() {
        let fields = [
            reference(HeapType::I31),         // 8, gc
            reference(HeapType::Func),        // 16, func
            reference(HeapType::Concrete(7)), // 24, func (the caller says)
            reference(HeapType::Concrete(3)), // 32, gc
            reference(HeapType::NoFunc),      // 40, func
            reference(HeapType::Extern),      // 48, gc
            reference(HeapType::Exn),         // 52, gc
            reference(HeapType::None),        // 56, gc
            reference(HeapType::Exact(7)),    // 64, func
        ];
        let l = struct_layout(&fields, func_is_7);
        use FieldKind::*;
        assert_eq!(
            offsets(&l),
            [
                (8, GcRef),
                (16, FuncRef),
                (24, FuncRef),
                (32, GcRef),
                (40, FuncRef),
                (48, GcRef),
                (52, GcRef),
                (56, GcRef),
                (64, FuncRef)
            ]
        );
        assert_eq!(&*l.ref_offsets, &[8, 32, 48, 52, 56]);
        assert_eq!(l.size, 72);
    }

    #[test]
    fn the_closure_is_only_asked_about_concrete_and_continuation_types() {
        let asked = std::cell::RefCell::new(Vec::new());
        let fields = [
            reference(HeapType::Func),
            reference(HeapType::Any),
            reference(HeapType::Concrete(1)),
            reference(HeapType::Cont),
        ];
        struct_layout(&fields, |r| {
            asked.borrow_mut().push(r.heap);
            false
        });
        assert_eq!(*asked.borrow(), [HeapType::Concrete(1), HeapType::Cont]);
    }

    #[test]
    fn a_subtype_keeps_its_supertypes_offsets() {
        let sup = [field(StorageType::I8), val(ValType::I64), reference(HeapType::Eq)];
        let mut sub = sup.to_vec();
        sub.extend([field(StorageType::I16), val(ValType::V128), reference(HeapType::Struct)]);
        let a = struct_layout(&sup, func_is_7);
        let b = struct_layout(&sub, func_is_7);
        assert_eq!(&b.fields[..a.fields.len()], &*a.fields);
        assert!(b.ref_offsets.starts_with(&a.ref_offsets));
        assert!(b.size >= a.size);
        // And the new fields really come after the old ones.
        assert!(b.fields[3].offset >= a.fields[2].offset + 4);
    }

    #[test]
    fn arrays() {
        let a = array_layout(field(StorageType::I8), func_is_7);
        assert_eq!(a, ArrayLayout { elem_size: 1, elem_kind: FieldKind::I8 });
        assert_eq!(a.size_of(0), Some(16));
        assert_eq!(a.size_of(1), Some(24));
        assert_eq!(a.size_of(8), Some(24));
        assert_eq!(a.size_of(9), Some(32));
        let r = array_layout(reference(HeapType::Array), func_is_7);
        assert_eq!(r, ArrayLayout { elem_size: 4, elem_kind: FieldKind::GcRef });
        assert_eq!(r.size_of(3), Some(32));
        let f = array_layout(reference(HeapType::Concrete(7)), func_is_7);
        assert_eq!(f.elem_kind, FieldKind::FuncRef);
        assert_eq!(f.elem_size, 8);
        let v = array_layout(val(ValType::V128), func_is_7);
        assert_eq!(v.elem_size, 16);
        assert_eq!(v.size_of(u32::MAX), None);
        assert_eq!(v.size_u64(u32::MAX), 16 + 16 * u64::from(u32::MAX));
        assert_eq!(a.size_of(u32::MAX), None, "2^32 + 15 rounded does not fit");
        assert_eq!(a.size_of(u32::MAX - 24), Some(u32::MAX - 7));
    }
}
