//! WebAssembly features: the proposals a module may use and the ones it does use.
//!
//! A [`FeatureSet`] says which proposals validation accepts (the Wasm 1.0, 2.0 and 3.0 sets are
//! constants; an embedder may pick any set) and, while validating, the loader notes each proposal
//! the module touches (by its types, its imports and every instruction), so the runtime can refuse
//! a valid module its tiers cannot run up front with `unsupported feature: <name>` instead of
//! failing halfway through a run.

use std::fmt;

use wasmparser::{Operator, WasmFeatures};

use crate::types::{CompositeType, HeapType, RefType, StorageType, SubType, ValType};

/// A WebAssembly proposal a module can depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Feature {
    /// Importing and exporting mutable globals.
    MutableGlobal,
    /// `i32.extend8_s` and friends.
    SignExtension,
    /// `i32.trunc_sat_f32_s` and friends.
    SaturatingFloatToInt,
    /// Several results from functions and blocks, block parameters.
    MultiValue,
    /// `memory.copy`, `memory.fill`, passive segments, `table.copy`...
    BulkMemory,
    /// `externref`, several tables, `table.get`/`set`/`grow`...
    ReferenceTypes,
    /// 128-bit vectors.
    Simd,
    /// Relaxed vector instructions.
    RelaxedSimd,
    /// `return_call` and friends.
    TailCall,
    /// `i32.add` and friends in constant expressions.
    ExtendedConst,
    /// Several memories.
    MultiMemory,
    /// 64-bit memory and table indices.
    Memory64,
    /// Typed function references, `call_ref`, `br_on_null`...
    FunctionReferences,
    /// Garbage-collected structs, arrays, `i31`, sub-typing, recursion groups.
    Gc,
    /// Exception handling (`try_table`, `throw`, `exnref`, tags).
    Exceptions,
    /// The legacy exception instructions (`try`, `catch`, `delegate`).
    LegacyExceptions,
    /// Shared memory and atomics.
    Threads,
    /// Stack switching (continuations).
    StackSwitching,
    /// 128-bit integer arithmetic helpers.
    WideArithmetic,
    /// Memory page sizes other than 64 KiB.
    CustomPageSizes,
    /// Shared-everything threads.
    SharedEverythingThreads,
    /// Custom descriptors and exact types.
    CustomDescriptors,
    /// Memory control instructions.
    MemoryControl,
    /// An instruction newer than this table (never produced while `wasmparser` and this table agree).
    Unlisted,
}

impl Feature {
    /// Every feature, in declaration order.
    pub const ALL: [Feature; 24] = [
        Feature::MutableGlobal,
        Feature::SignExtension,
        Feature::SaturatingFloatToInt,
        Feature::MultiValue,
        Feature::BulkMemory,
        Feature::ReferenceTypes,
        Feature::Simd,
        Feature::RelaxedSimd,
        Feature::TailCall,
        Feature::ExtendedConst,
        Feature::MultiMemory,
        Feature::Memory64,
        Feature::FunctionReferences,
        Feature::Gc,
        Feature::Exceptions,
        Feature::LegacyExceptions,
        Feature::Threads,
        Feature::StackSwitching,
        Feature::WideArithmetic,
        Feature::CustomPageSizes,
        Feature::SharedEverythingThreads,
        Feature::CustomDescriptors,
        Feature::MemoryControl,
        Feature::Unlisted,
    ];

    /// The feature whose [`name`](Feature::name) is `name` (wasmtime's `-W` names: `simd`,
    /// `tail-call`, `multi-memory`...). `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| *f != Feature::Unlisted && f.name() == name)
    }

    /// The proposal's usual short name, as in `unsupported feature: simd`; the same as
    /// wasmtime's name for it on the command line (`-W simd=n`).
    pub fn name(self) -> &'static str {
        match self {
            Feature::MutableGlobal => "mutable-global",
            Feature::SignExtension => "sign-extension",
            Feature::SaturatingFloatToInt => "saturating-float-to-int",
            Feature::MultiValue => "multi-value",
            Feature::BulkMemory => "bulk-memory",
            Feature::ReferenceTypes => "reference-types",
            Feature::Simd => "simd",
            Feature::RelaxedSimd => "relaxed-simd",
            Feature::TailCall => "tail-call",
            Feature::ExtendedConst => "extended-const",
            Feature::MultiMemory => "multi-memory",
            Feature::Memory64 => "memory64",
            Feature::FunctionReferences => "function-references",
            Feature::Gc => "gc",
            Feature::Exceptions => "exceptions",
            Feature::LegacyExceptions => "legacy-exceptions",
            Feature::Threads => "threads",
            Feature::StackSwitching => "stack-switching",
            Feature::WideArithmetic => "wide-arithmetic",
            Feature::CustomPageSizes => "custom-page-sizes",
            Feature::SharedEverythingThreads => "shared-everything-threads",
            Feature::CustomDescriptors => "custom-descriptors",
            Feature::MemoryControl => "memory-control",
            Feature::Unlisted => "unlisted-proposal",
        }
    }

    const fn bit(self) -> u32 {
        1 << (self as u8)
    }

    /// The `wasmparser` flags that enable the proposal (none for `Unlisted`).
    fn wasmparser_flags(self) -> WasmFeatures {
        match self {
            Feature::MutableGlobal => WasmFeatures::MUTABLE_GLOBAL,
            Feature::SignExtension => WasmFeatures::SIGN_EXTENSION,
            Feature::SaturatingFloatToInt => WasmFeatures::SATURATING_FLOAT_TO_INT,
            Feature::MultiValue => WasmFeatures::MULTI_VALUE,
            Feature::BulkMemory => WasmFeatures::BULK_MEMORY,
            Feature::ReferenceTypes => WasmFeatures::REFERENCE_TYPES,
            Feature::Simd => WasmFeatures::SIMD,
            Feature::RelaxedSimd => WasmFeatures::RELAXED_SIMD,
            Feature::TailCall => WasmFeatures::TAIL_CALL,
            Feature::ExtendedConst => WasmFeatures::EXTENDED_CONST,
            Feature::MultiMemory => WasmFeatures::MULTI_MEMORY,
            Feature::Memory64 => WasmFeatures::MEMORY64,
            Feature::FunctionReferences => WasmFeatures::FUNCTION_REFERENCES,
            Feature::Gc => WasmFeatures::GC,
            Feature::Exceptions => WasmFeatures::EXCEPTIONS,
            Feature::LegacyExceptions => WasmFeatures::LEGACY_EXCEPTIONS,
            Feature::Threads => WasmFeatures::THREADS,
            Feature::StackSwitching => WasmFeatures::STACK_SWITCHING,
            Feature::WideArithmetic => WasmFeatures::WIDE_ARITHMETIC,
            Feature::CustomPageSizes => WasmFeatures::CUSTOM_PAGE_SIZES,
            Feature::SharedEverythingThreads => WasmFeatures::SHARED_EVERYTHING_THREADS,
            Feature::CustomDescriptors => WasmFeatures::CUSTOM_DESCRIPTORS,
            Feature::MemoryControl => WasmFeatures::MEMORY_CONTROL,
            Feature::Unlisted => WasmFeatures::empty(),
        }
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of features.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FeatureSet(u32);

impl FeatureSet {
    /// The set as bits, for storing it (`FeatureSet::from_bits` reads it back).
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// A set stored with [`FeatureSet::bits`]; bits naming no feature are dropped.
    pub const fn from_bits(bits: u32) -> FeatureSet {
        FeatureSet(bits & FeatureSet::ALL.0)
    }

    /// The empty set: the WebAssembly MVP, before any proposal.
    pub const EMPTY: FeatureSet = FeatureSet(0);

    /// WebAssembly 1.0 (2019): the MVP with importable mutable globals.
    pub const WASM1: FeatureSet = FeatureSet::of(&[Feature::MutableGlobal]);

    /// WebAssembly 2.0 (2022): 1.0 with sign extension, saturating conversions, multi-value, bulk
    /// memory, reference types and SIMD.
    pub const WASM2: FeatureSet = FeatureSet::WASM1.union(FeatureSet::of(&[
        Feature::SignExtension,
        Feature::SaturatingFloatToInt,
        Feature::MultiValue,
        Feature::BulkMemory,
        Feature::ReferenceTypes,
        Feature::Simd,
    ]));

    /// WebAssembly 3.0 (2025): 2.0 with tail calls, extended constants, multiple memories, 64-bit
    /// memories, typed function references, GC, exceptions, relaxed SIMD and threads. What
    /// loading validates with unless told otherwise.
    pub const WASM3: FeatureSet = FeatureSet::WASM2.union(FeatureSet::of(&[
        Feature::TailCall,
        Feature::ExtendedConst,
        Feature::MultiMemory,
        Feature::Memory64,
        Feature::FunctionReferences,
        Feature::Gc,
        Feature::Exceptions,
        Feature::RelaxedSimd,
        Feature::Threads,
    ]));

    /// Every proposal the loader can validate (all features but `Unlisted`).
    pub const ALL: FeatureSet = FeatureSet((1 << Feature::Unlisted as u8) - 1);

    /// A set of the given features.
    pub const fn of(features: &[Feature]) -> FeatureSet {
        let mut bits = 0;
        let mut i = 0;
        while i < features.len() {
            bits |= features[i].bit();
            i += 1;
        }
        FeatureSet(bits)
    }

    /// Adds a feature.
    pub fn insert(&mut self, feature: Feature) {
        self.0 |= feature.bit();
    }

    /// Removes a feature.
    pub fn remove(&mut self, feature: Feature) {
        self.0 &= !feature.bit();
    }

    /// Adds or removes a feature.
    pub fn set(&mut self, feature: Feature, on: bool) {
        if on { self.insert(feature) } else { self.remove(feature) }
    }

    /// The set with `feature` added.
    pub const fn with(self, feature: Feature) -> FeatureSet {
        FeatureSet(self.0 | feature.bit())
    }

    /// Whether the set holds the feature.
    pub const fn contains(self, feature: Feature) -> bool {
        self.0 & feature.bit() != 0
    }

    /// The features in `self` or in `other`.
    pub const fn union(self, other: FeatureSet) -> FeatureSet {
        FeatureSet(self.0 | other.0)
    }

    /// The features in `self` but not in `other`.
    pub const fn difference(self, other: FeatureSet) -> FeatureSet {
        FeatureSet(self.0 & !other.0)
    }

    /// Whether every feature of `self` is in `other`.
    pub const fn is_subset(self, other: FeatureSet) -> bool {
        self.0 & !other.0 == 0
    }

    /// The `wasmparser` configuration that validates exactly these proposals (on top of the
    /// MVP, which is always there).
    pub fn to_wasmparser(self) -> WasmFeatures {
        self.iter().fold(WasmFeatures::MVP, |flags, f| flags | f.wasmparser_flags())
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The features in the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Feature> {
        Feature::ALL.into_iter().filter(move |f| self.contains(*f))
    }

    /// Adds the features a value type needs. A `v128` needs none of its own: every tier passes
    /// 128-bit values around (parameters, results, locals, globals, `select`); it is the vector
    /// instructions, `v128.const` among them, that need `Simd`.
    pub fn note_val_type(&mut self, ty: ValType) {
        if let ValType::Ref(r) = ty {
            self.note_ref_type(r);
        }
    }

    /// Adds the features a reference type needs.
    pub fn note_ref_type(&mut self, ty: RefType) {
        if !ty.nullable {
            self.insert(Feature::FunctionReferences);
        }
        self.insert(heap_type_feature(ty.heap));
    }

    /// Adds the features a type definition needs.
    pub fn note_sub_type(&mut self, ty: &SubType) {
        if !ty.is_final || ty.supertype.is_some() {
            self.insert(Feature::Gc);
        }
        if ty.shared {
            self.insert(Feature::SharedEverythingThreads);
        }
        if ty.descriptor.is_some() || ty.describes.is_some() {
            self.insert(Feature::CustomDescriptors);
        }
        match &ty.composite {
            CompositeType::Func(f) => {
                for &t in f.params.iter().chain(f.results.iter()) {
                    self.note_val_type(t);
                }
                if f.results.len() > 1 {
                    self.insert(Feature::MultiValue);
                }
            }
            CompositeType::Struct(fields) => {
                self.insert(Feature::Gc);
                for field in fields.iter() {
                    if let StorageType::Val(t) = field.storage {
                        self.note_val_type(t);
                    }
                }
            }
            CompositeType::Array(field) => {
                self.insert(Feature::Gc);
                if let StorageType::Val(t) = field.storage {
                    self.note_val_type(t);
                }
            }
            CompositeType::Cont(_) => self.insert(Feature::StackSwitching),
        }
    }

    /// Adds the feature an instruction belongs to (its proposal in `wasmparser`'s operator table).
    pub fn note_operator(&mut self, op: &Operator<'_>) {
        if let Some(f) = operator_feature(op) {
            self.insert(f);
        }
    }
}

impl fmt::Debug for FeatureSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(Feature::name)).finish()
    }
}

impl fmt::Display for FeatureSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for feature in self.iter() {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            f.write_str(feature.name())?;
        }
        Ok(())
    }
}

/// The proposal that introduced a heap type.
pub(crate) fn heap_type_feature(heap: HeapType) -> Feature {
    match heap {
        HeapType::Func | HeapType::Extern => Feature::ReferenceTypes,
        HeapType::NoFunc
        | HeapType::NoExtern
        | HeapType::Any
        | HeapType::Eq
        | HeapType::I31
        | HeapType::Struct
        | HeapType::Array
        | HeapType::None => Feature::Gc,
        HeapType::Exn | HeapType::NoExn => Feature::Exceptions,
        HeapType::Cont | HeapType::NoCont => Feature::StackSwitching,
        HeapType::Concrete(_) => Feature::FunctionReferences,
        HeapType::Exact(_) => Feature::CustomDescriptors,
    }
}

/// The feature of a proposal group in `wasmparser::for_each_operator!`.
macro_rules! proposal_feature {
    (mvp) => {
        None
    };
    (exceptions) => {
        Some(Feature::Exceptions)
    };
    (tail_call) => {
        Some(Feature::TailCall)
    };
    (reference_types) => {
        Some(Feature::ReferenceTypes)
    };
    (sign_extension) => {
        Some(Feature::SignExtension)
    };
    (saturating_float_to_int) => {
        Some(Feature::SaturatingFloatToInt)
    };
    (bulk_memory) => {
        Some(Feature::BulkMemory)
    };
    (simd) => {
        Some(Feature::Simd)
    };
    (relaxed_simd) => {
        Some(Feature::RelaxedSimd)
    };
    (threads) => {
        Some(Feature::Threads)
    };
    (gc) => {
        Some(Feature::Gc)
    };
    (function_references) => {
        Some(Feature::FunctionReferences)
    };
    (stack_switching) => {
        Some(Feature::StackSwitching)
    };
    (wide_arithmetic) => {
        Some(Feature::WideArithmetic)
    };
    (legacy_exceptions) => {
        Some(Feature::LegacyExceptions)
    };
    (shared_everything_threads) => {
        Some(Feature::SharedEverythingThreads)
    };
    (custom_descriptors) => {
        Some(Feature::CustomDescriptors)
    };
    (memory_control) => {
        Some(Feature::MemoryControl)
    };
    (acquire_release_atomics) => {
        Some(Feature::Threads)
    };
}

macro_rules! define_operator_feature {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        /// The proposal that introduced an instruction (`None` for the MVP's).
        fn operator_feature(op: &Operator<'_>) -> Option<Feature> {
            match op {
                $( Operator::$op { .. } => proposal_feature!($proposal), )*
                // `Operator` is non-exhaustive; the table above lists every variant, so this arm
                // only matters if the two ever disagree.
                #[allow(unreachable_patterns)]
                _ => Some(Feature::Unlisted),
            }
        }
    };
}
wasmparser::for_each_operator!(define_operator_feature);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_map_to_their_proposals() {
        assert_eq!(operator_feature(&Operator::I32Add), None);
        assert_eq!(operator_feature(&Operator::I32Extend8S), Some(Feature::SignExtension));
        assert_eq!(
            operator_feature(&Operator::ReturnCall { function_index: 0 }),
            Some(Feature::TailCall)
        );
        assert_eq!(operator_feature(&Operator::RefI31), Some(Feature::Gc));
        assert_eq!(operator_feature(&Operator::I32x4Add), Some(Feature::Simd));
    }

    #[test]
    fn spec_versions_match_wasmparser() {
        assert_eq!(FeatureSet::WASM1.to_wasmparser(), WasmFeatures::WASM1);
        assert_eq!(FeatureSet::WASM2.to_wasmparser(), WasmFeatures::WASM2);
        assert_eq!(FeatureSet::WASM3.to_wasmparser(), WasmFeatures::WASM3);
        assert_eq!(FeatureSet::EMPTY.to_wasmparser(), WasmFeatures::MVP);
    }

    #[test]
    fn every_proposal_enables_something_in_wasmparser() {
        for f in FeatureSet::ALL.iter() {
            let flags = FeatureSet::EMPTY.with(f).to_wasmparser();
            assert_ne!(flags, WasmFeatures::MVP, "{f} maps to no wasmparser flag");
        }
        assert!(!FeatureSet::ALL.contains(Feature::Unlisted));
        assert_eq!(FeatureSet::ALL.iter().count(), Feature::ALL.len() - 1);
    }

    #[test]
    fn features_are_found_by_name() {
        for f in FeatureSet::ALL.iter() {
            assert_eq!(Feature::from_name(f.name()), Some(f));
        }
        assert_eq!(Feature::from_name("relaxed-simd"), Some(Feature::RelaxedSimd));
        assert_eq!(Feature::from_name("unlisted-proposal"), None);
        assert_eq!(Feature::from_name("simd128"), None);
    }

    #[test]
    fn set_operations() {
        let mut s = FeatureSet::EMPTY;
        s.insert(Feature::Gc);
        s.insert(Feature::Simd);
        let supported = FeatureSet::of(&[Feature::Simd]);
        assert_eq!(s.difference(supported).iter().collect::<Vec<_>>(), vec![Feature::Gc]);
        assert_eq!(s.to_string(), "simd, gc");
        assert!(supported.is_subset(s));
        assert!(!s.is_subset(supported));
        s.set(Feature::Gc, false);
        assert_eq!(s, supported);
        assert_eq!(supported.union(FeatureSet::of(&[Feature::Gc])), supported.with(Feature::Gc));
    }
}
