//! The validated module: everything a tier needs to instantiate and run it, and nothing it must
//! recompute. Built once by the loader, then only read.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::features::{Feature, FeatureSet, heap_type_feature};
use crate::types::{
    EntityType, ExternKind, FuncType, GlobalType, HeapType, MemoryType, RefType, SubType, TableType,
};

/// A validated WebAssembly module. Immutable once loaded; share it with `Arc`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Module {
    /// The module's binary encoding (for text input, the binary it was assembled to). Function
    /// bodies and data segments are ranges into it.
    pub bytes: Arc<[u8]>,
    /// Defined types, by module type index.
    pub types: Box<[SubType]>,
    /// For each type, the range of type indices forming its recursion group.
    pub rec_groups: Box<[Range<u32>]>,
    /// For each type index, the index of its recursion group in `rec_groups`.
    pub type_rec_group: Box<[u32]>,
    /// Imports, in declaration order.
    pub imports: Box<[Import]>,
    /// Counts of imported functions, tables, memories, globals and tags (they come first in
    /// each index space).
    pub num_imported: ImportCounts,
    /// Module type index of every function, imported then defined.
    pub funcs: Box<[u32]>,
    /// Every table's type, imported then defined.
    pub tables: Box<[TableType]>,
    /// Initializer of each defined table (`None`: null).
    pub table_inits: Box<[Option<ConstExpr>]>,
    /// Every memory's type, imported then defined.
    pub memories: Box<[MemoryType]>,
    /// Every global's type, imported then defined.
    pub globals: Box<[GlobalType]>,
    /// Initializer of each defined global.
    pub global_inits: Box<[ConstExpr]>,
    /// Every tag's type, imported then defined.
    pub tags: Box<[u32]>,
    /// Exports, in declaration order.
    pub exports: Box<[Export]>,
    /// The start function.
    pub start: Option<u32>,
    /// Element segments.
    pub elems: Box<[ElemSegment]>,
    /// Data segments.
    pub datas: Box<[DataSegment]>,
    /// Bodies of defined functions, as ranges of `bytes` (locals and code).
    pub bodies: Box<[Range<usize>]>,
    /// Names from the `name` custom section.
    pub names: std::sync::Arc<Names>,
    /// Custom sections: name and the range of their payload in `bytes`.
    pub custom_sections: Box<[(String, Range<usize>)]>,
    /// Every WebAssembly feature the module uses, found while validating it.
    pub features: FeatureSet,
    /// The proposals validation allowed: the module is valid with these enabled.
    pub validated_with: FeatureSet,
    export_index: HashMap<String, usize>,
}

/// How many entities of each kind are imported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Imported functions.
    pub funcs: u32,
    /// Imported tables.
    pub tables: u32,
    /// Imported memories.
    pub memories: u32,
    /// Imported globals.
    pub globals: u32,
    /// Imported tags.
    pub tags: u32,
}

/// One import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The field name.
    pub name: String,
    /// What is imported.
    pub ty: EntityType,
    /// A function imported with an exact type (custom descriptors): the function provided must
    /// have exactly that type, not a subtype.
    pub exact: bool,
}

/// One export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// The exported name.
    pub name: String,
    /// The kind of entity.
    pub kind: ExternKind,
    /// Its index in the index space of its kind.
    pub index: u32,
}

/// A constant expression, as the sequence of its (constant) instructions.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstExpr {
    /// The instructions, without the final `end`.
    pub ops: Box<[ConstOp]>,
}

/// An instruction allowed in a constant expression.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)] // each is the instruction of the same name
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),
    V128Const(u128),
    RefNull(HeapType),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    RefI31,
    StructNew(u32),
    StructNewDefault(u32),
    /// `struct.new_desc` (custom descriptors): the fields, then the descriptor.
    StructNewDesc(u32),
    /// `struct.new_default_desc`: the descriptor alone.
    StructNewDefaultDesc(u32),
    ArrayNew(u32),
    ArrayNewDefault(u32),
    ArrayNewFixed {
        type_index: u32,
        len: u32,
    },
    AnyConvertExtern,
    ExternConvertAny,
}

impl ConstOp {
    /// The proposal that allows the instruction in a constant expression (`None` for the MVP's).
    /// Whether the instruction allocates a garbage-collected object (`struct.new*`,
    /// `array.new*`).
    pub fn allocates(&self) -> bool {
        matches!(
            self,
            ConstOp::StructNew(_)
                | ConstOp::StructNewDefault(_)
                | ConstOp::StructNewDesc(_)
                | ConstOp::StructNewDefaultDesc(_)
                | ConstOp::ArrayNew(_)
                | ConstOp::ArrayNewDefault(_)
                | ConstOp::ArrayNewFixed { .. }
        )
    }

    pub fn feature(&self) -> Option<Feature> {
        Some(match self {
            ConstOp::I32Const(_)
            | ConstOp::I64Const(_)
            | ConstOp::F32Const(_)
            | ConstOp::F64Const(_)
            | ConstOp::GlobalGet(_) => return None,
            ConstOp::I32Add
            | ConstOp::I32Sub
            | ConstOp::I32Mul
            | ConstOp::I64Add
            | ConstOp::I64Sub
            | ConstOp::I64Mul => Feature::ExtendedConst,
            ConstOp::V128Const(_) => Feature::Simd,
            ConstOp::RefNull(heap) => heap_type_feature(*heap),
            ConstOp::RefFunc(_) => Feature::ReferenceTypes,
            ConstOp::RefI31
            | ConstOp::StructNew(_)
            | ConstOp::StructNewDefault(_)
            | ConstOp::ArrayNew(_)
            | ConstOp::ArrayNewDefault(_)
            | ConstOp::ArrayNewFixed { .. }
            | ConstOp::AnyConvertExtern
            | ConstOp::ExternConvertAny => Feature::Gc,
            ConstOp::StructNewDesc(_) | ConstOp::StructNewDefaultDesc(_) => {
                Feature::CustomDescriptors
            }
        })
    }
}

/// An element segment.
#[derive(Clone, Debug, PartialEq)]
pub struct ElemSegment {
    /// When the segment is applied.
    pub mode: ElemMode,
    /// Type of the elements.
    pub ty: RefType,
    /// The elements.
    pub items: ElemItems,
}

/// When an element segment is applied.
#[derive(Clone, Debug, PartialEq)]
pub enum ElemMode {
    /// Only by `table.init`.
    Passive,
    /// Copied into a table at instantiation.
    Active {
        /// The table.
        table: u32,
        /// Where in the table.
        offset: ConstExpr,
    },
    /// Declares functions for `ref.func`; dropped at instantiation.
    Declared,
}

/// The elements of a segment.
#[derive(Clone, Debug, PartialEq)]
pub enum ElemItems {
    /// Function indices.
    Funcs(Box<[u32]>),
    /// Constant expressions producing references.
    Exprs(Box<[ConstExpr]>),
}

impl ElemItems {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            ElemItems::Funcs(f) => f.len(),
            ElemItems::Exprs(e) => e.len(),
        }
    }

    /// Whether the segment has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A data segment.
#[derive(Clone, Debug, PartialEq)]
pub struct DataSegment {
    /// When the segment is applied.
    pub mode: DataMode,
    /// The bytes, as a range of the module's `bytes`.
    pub range: Range<usize>,
}

/// When a data segment is applied.
#[derive(Clone, Debug, PartialEq)]
pub enum DataMode {
    /// Only by `memory.init`.
    Passive,
    /// Copied into a memory at instantiation.
    Active {
        /// The memory.
        memory: u32,
        /// Where in the memory.
        offset: ConstExpr,
    },
}

/// Names from the `name` custom section, for diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// The module's own name.
    pub module: Option<String>,
    /// Function names by function index.
    pub funcs: HashMap<u32, String>,
}

impl Module {
    pub(crate) fn from_parts(parts: ModuleParts) -> Module {
        let mut export_index = HashMap::with_capacity(parts.exports.len());
        for (i, e) in parts.exports.iter().enumerate() {
            export_index.insert(e.name.clone(), i);
        }
        Module {
            bytes: parts.bytes,
            types: parts.types.into(),
            rec_groups: parts.rec_groups.into(),
            type_rec_group: parts.type_rec_group.into(),
            imports: parts.imports.into(),
            num_imported: parts.num_imported,
            funcs: parts.funcs.into(),
            tables: parts.tables.into(),
            table_inits: parts.table_inits.into(),
            memories: parts.memories.into(),
            globals: parts.globals.into(),
            global_inits: parts.global_inits.into(),
            tags: parts.tags.into(),
            exports: parts.exports.into(),
            start: parts.start,
            elems: parts.elems.into(),
            datas: parts.datas.into(),
            bodies: parts.bodies.into(),
            names: std::sync::Arc::new(parts.names),
            custom_sections: parts.custom_sections.into(),
            features: parts.features,
            validated_with: parts.validated_with,
            export_index,
        }
    }

    /// The export with this name.
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.export_index.get(name).map(|&i| &self.exports[i])
    }

    /// The signature of a function type, by module type index.
    pub fn func_type(&self, type_index: u32) -> Option<&FuncType> {
        self.types.get(type_index as usize)?.as_func()
    }

    /// The function type of a tag (its parameters are the payload), by tag index.
    pub fn tag_type(&self, tag_index: u32) -> Option<&FuncType> {
        self.func_type(*self.tags.get(tag_index as usize)?)
    }

    /// The signature of a function, by function index.
    pub fn func_sig(&self, func_index: u32) -> Option<&FuncType> {
        self.func_type(*self.funcs.get(func_index as usize)?)
    }

    /// Parameter and result types of a block type (of `block`, `loop` or `if`).
    pub fn block_type(
        &self,
        bt: wasmparser::BlockType,
    ) -> (Box<[crate::ValType]>, Box<[crate::ValType]>) {
        match bt {
            wasmparser::BlockType::Empty => (Box::new([]), Box::new([])),
            wasmparser::BlockType::Type(t) => (Box::new([]), Box::new([crate::val_type_of(t)])),
            wasmparser::BlockType::FuncType(i) => match self.func_type(i) {
                Some(f) => (f.params.clone(), f.results.clone()),
                None => (Box::new([]), Box::new([])),
            },
        }
    }

    /// Number of functions defined (not imported) by the module.
    pub fn num_defined_funcs(&self) -> u32 {
        self.bodies.len() as u32
    }

    /// Number of functions the module declares (its function section), whose bodies may not all
    /// be in a module still arriving ([`crate::StreamingLoader::partial_module`]).
    pub fn num_declared_funcs(&self) -> u32 {
        (self.funcs.len() as u32).saturating_sub(self.num_imported.funcs)
    }

    /// The function's name from the name section, if it has one.
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.names.funcs.get(&func_index).map(String::as_str)
    }

    /// The body of a defined function (locals and code), by defined-function index, with the
    /// byte offset of its first byte in the module.
    pub fn body(&self, defined_index: u32) -> Option<(&[u8], usize)> {
        let range = self.bodies.get(defined_index as usize)?.clone();
        let start = range.start;
        Some((&self.bytes[range], start))
    }

    /// The bytes of a data segment.
    pub fn data_bytes(&self, segment: &DataSegment) -> &[u8] {
        &self.bytes[segment.range.clone()]
    }
}

/// The pieces of a module as the parser collects them.
#[derive(Clone, Default)]
pub(crate) struct ModuleParts {
    pub bytes: Arc<[u8]>,
    pub types: Vec<SubType>,
    pub rec_groups: Vec<Range<u32>>,
    pub type_rec_group: Vec<u32>,
    pub imports: Vec<Import>,
    pub num_imported: ImportCounts,
    pub funcs: Vec<u32>,
    pub tables: Vec<TableType>,
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    pub global_inits: Vec<ConstExpr>,
    pub tags: Vec<u32>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub bodies: Vec<Range<usize>>,
    pub names: Names,
    pub custom_sections: Vec<(String, Range<usize>)>,
    pub features: FeatureSet,
    pub validated_with: FeatureSet,
}
