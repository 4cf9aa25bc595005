//! Silo's own description of WebAssembly types.
//!
//! These mirror the spec's abstract syntax and are what every tier reads. They are converted once from
//! `wasmparser`'s types when a module is loaded (see `convert.rs`), so no other crate depends on the
//! parser's representation. Type references inside a module (`HeapType::Concrete`) are module type
//! indices; the runtime canonicalizes them across modules.

use std::fmt;

/// A value type: a number, a vector or a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// 128-bit vector (SIMD).
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// `funcref`, a nullable reference to any function.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`, a nullable reference to a host value.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);

    /// Whether values of this type are references (and so must be found by a garbage collector).
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// The reference type, if this is one.
    pub fn as_ref(self) -> Option<RefType> {
        match self {
            ValType::Ref(r) => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => r.fmt(f),
        }
    }
}

/// A reference type: a heap type and whether `null` is a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    /// Whether the null reference is a value of this type.
    pub nullable: bool,
    /// What the reference points to.
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`.
    pub const FUNCREF: RefType = RefType { nullable: true, heap: HeapType::Func };
    /// `externref`.
    pub const EXTERNREF: RefType = RefType { nullable: true, heap: HeapType::Extern };

    /// The top of this type's hierarchy: `func`, `extern`, `any`, `exn` or `cont`. Concrete types
    /// answer `None`: their hierarchy depends on the type definition.
    pub fn abstract_top(self) -> Option<HeapType> {
        self.heap.abstract_top()
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = match self.heap {
            HeapType::Func => Some("funcref"),
            HeapType::NoFunc => Some("nullfuncref"),
            HeapType::Extern => Some("externref"),
            HeapType::NoExtern => Some("nullexternref"),
            HeapType::Any => Some("anyref"),
            HeapType::Eq => Some("eqref"),
            HeapType::I31 => Some("i31ref"),
            HeapType::Struct => Some("structref"),
            HeapType::Array => Some("arrayref"),
            HeapType::None => Some("nullref"),
            HeapType::Exn => Some("exnref"),
            HeapType::NoExn => Some("nullexnref"),
            _ => None,
        };
        match (self.nullable, short) {
            (true, Some(s)) => f.write_str(s),
            (true, None) => write!(f, "(ref null {})", self.heap),
            (false, _) => write!(f, "(ref {})", self.heap),
        }
    }
}

/// What a reference points to: an abstract heap type or a type defined in the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// The bottom of the function hierarchy (only null).
    NoFunc,
    /// Any host value.
    Extern,
    /// The bottom of the extern hierarchy.
    NoExtern,
    /// Any internal (GC) value.
    Any,
    /// Values comparable with `ref.eq`.
    Eq,
    /// Unboxed 31-bit integers.
    I31,
    /// Any struct.
    Struct,
    /// Any array.
    Array,
    /// The bottom of the internal hierarchy.
    None,
    /// Exceptions.
    Exn,
    /// The bottom of the exception hierarchy.
    NoExn,
    /// Continuations (stack switching).
    Cont,
    /// The bottom of the continuation hierarchy.
    NoCont,
    /// A type defined in the module, by module type index.
    Concrete(u32),
    /// Exactly the type defined in the module, without subtypes (custom descriptors).
    Exact(u32),
}

impl HeapType {
    /// The top of this abstract type's hierarchy; `None` for concrete types.
    pub fn abstract_top(self) -> Option<HeapType> {
        Some(match self {
            HeapType::Func | HeapType::NoFunc => HeapType::Func,
            HeapType::Extern | HeapType::NoExtern => HeapType::Extern,
            HeapType::Any
            | HeapType::Eq
            | HeapType::I31
            | HeapType::Struct
            | HeapType::Array
            | HeapType::None => HeapType::Any,
            HeapType::Exn | HeapType::NoExn => HeapType::Exn,
            HeapType::Cont | HeapType::NoCont => HeapType::Cont,
            HeapType::Concrete(_) | HeapType::Exact(_) => return None,
        })
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            HeapType::Func => "func",
            HeapType::NoFunc => "nofunc",
            HeapType::Extern => "extern",
            HeapType::NoExtern => "noextern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Exn => "exn",
            HeapType::NoExn => "noexn",
            HeapType::Cont => "cont",
            HeapType::NoCont => "nocont",
            HeapType::Concrete(i) => return write!(f, "{i}"),
            HeapType::Exact(i) => return write!(f, "(exact {i})"),
        };
        f.write_str(name)
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    /// Parameter types, in order.
    pub params: Box<[ValType]>,
    /// Result types, in order.
    pub results: Box<[ValType]>,
}

impl FuncType {
    /// A signature from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType { params: params.into_iter().collect(), results: results.into_iter().collect() }
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.params.is_empty() {
            f.write_str(" (param")?;
            for p in self.params.iter() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results.is_empty() {
            f.write_str(" (result")?;
            for r in self.results.iter() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// How a struct field or array element is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    /// Packed 8-bit integer.
    I8,
    /// Packed 16-bit integer.
    I16,
    /// A full value.
    Val(ValType),
}

/// A struct field or array element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    /// Storage of the field.
    pub storage: StorageType,
    /// Whether the field can be written after allocation.
    pub mutable: bool,
}

/// The structure of a defined type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompositeType {
    /// A function type.
    Func(FuncType),
    /// A struct type (GC).
    Struct(Box<[FieldType]>),
    /// An array type (GC).
    Array(FieldType),
    /// A continuation type (stack switching), by the index of its function type.
    Cont(u32),
}

/// A defined type with its place in the subtype hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubType {
    /// Whether no type may declare this one as its supertype.
    pub is_final: bool,
    /// The declared supertype, by module type index.
    pub supertype: Option<u32>,
    /// Whether the type is shared between threads (shared-everything threads).
    pub shared: bool,
    /// The struct type whose objects describe this type's objects (custom descriptors: a
    /// `descriptor` clause), by module type index.
    pub descriptor: Option<u32>,
    /// The struct type this type's objects describe (a `describes` clause), by module type index.
    pub describes: Option<u32>,
    /// The type's structure.
    pub composite: CompositeType,
}

impl SubType {
    /// A type with no supertype, descriptor or sharing: final or not, of `composite`.
    pub fn plain(is_final: bool, composite: CompositeType) -> SubType {
        SubType {
            is_final,
            supertype: None,
            shared: false,
            descriptor: None,
            describes: None,
            composite,
        }
    }

    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match &self.composite {
            CompositeType::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// A table's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    /// Type of the elements.
    pub element: RefType,
    /// Whether the table is indexed by `i64` (memory64 proposal) rather than `i32`.
    pub index64: bool,
    /// Initial number of elements.
    pub initial: u64,
    /// Maximum number of elements, if bounded.
    pub maximum: Option<u64>,
}

/// A linear memory's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Whether the memory is indexed by `i64` (memory64).
    pub index64: bool,
    /// Whether the memory is shared between threads.
    pub shared: bool,
    /// Initial size in pages.
    pub initial: u64,
    /// Maximum size in pages, if bounded.
    pub maximum: Option<u64>,
    /// Log2 of the page size when it is not the default 64 KiB (custom page sizes).
    pub page_size_log2: Option<u32>,
}

impl MemoryType {
    /// A 32-bit memory of 64 KiB pages, `initial` of them, growing to `maximum` if given.
    pub fn new(initial: u32, maximum: Option<u32>) -> MemoryType {
        MemoryType {
            index64: false,
            shared: false,
            initial: initial.into(),
            maximum: maximum.map(Into::into),
            page_size_log2: None,
        }
    }

    /// A shared 32-bit memory (threads): `initial` pages of 64 KiB, growing to `maximum`, which
    /// a shared memory must have.
    pub fn shared(initial: u32, maximum: u32) -> MemoryType {
        MemoryType { shared: true, ..MemoryType::new(initial, Some(maximum)) }
    }

    /// A 64-bit memory (memory64) of 64 KiB pages.
    pub fn new64(initial: u64, maximum: Option<u64>) -> MemoryType {
        MemoryType { index64: true, shared: false, initial, maximum, page_size_log2: None }
    }

    /// The page size in bytes.
    pub fn page_size(&self) -> u64 {
        1u64 << self.page_size_log2.unwrap_or(16)
    }
}

/// A global's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// Type of the value held.
    pub content: ValType,
    /// Whether `global.set` may change it.
    pub mutable: bool,
}

/// An exception tag's type: the function type describing its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    /// Module type index of the payload's function type.
    pub func_type: u32,
}

/// The type of an import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntityType {
    /// A function with the given module type index.
    Func(u32),
    /// A table.
    Table(TableType),
    /// A memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
    /// An exception tag.
    Tag(TagType),
}

impl EntityType {
    /// The kind of entity.
    pub fn kind(&self) -> ExternKind {
        match self {
            EntityType::Func(_) => ExternKind::Func,
            EntityType::Table(_) => ExternKind::Table,
            EntityType::Memory(_) => ExternKind::Memory,
            EntityType::Global(_) => ExternKind::Global,
            EntityType::Tag(_) => ExternKind::Tag,
        }
    }
}

/// The kind of an import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExternKind {
    /// A function.
    Func,
    /// A table.
    Table,
    /// A memory.
    Memory,
    /// A global.
    Global,
    /// An exception tag.
    Tag,
}

impl fmt::Display for ExternKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExternKind::Func => "function",
            ExternKind::Table => "table",
            ExternKind::Memory => "memory",
            ExternKind::Global => "global",
            ExternKind::Tag => "tag",
        })
    }
}
