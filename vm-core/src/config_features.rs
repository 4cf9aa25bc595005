//! Which WebAssembly proposals modules may use, as engine settings: one switch per proposal under
//! wasmtime's `Config` names, the whole set at once, and a lookup by the names of wasmtime's
//! `-W <name>=y|n` option.
//!
//! A module using a proposal that is switched off is invalid (validation fails with
//! `wasmparser`'s message, as in wasmtime). Switching a proposal on does not make the tiers run
//! it: a module needing one outside [`crate::features::SUPPORTED`] still fails to compile with
//! `unsupported feature: <name>`.

use silo_loader::{Feature, FeatureSet};

use crate::engine::Config;

/// The proposals enabled by default: WebAssembly 3.0, what wasmtime enables by default among the
/// finished proposals, and the legacy exception instructions, which programs built by
/// Emscripten and older LLVM toolchains still use (V8 runs them by default too; wasmtime has
/// none). Wide arithmetic, custom page sizes and the unfinished proposals are off, as in
/// wasmtime 48.
pub(crate) const DEFAULT: FeatureSet = FeatureSet::WASM3.with(Feature::LegacyExceptions);

/// The name that switches every proposal at once, as in wasmtime.
const ALL_PROPOSALS: &str = "all-proposals";

impl Config {
    /// Sets the whole set of proposals modules may use (the default is
    /// [`FeatureSet::WASM3`] with the legacy exception instructions; [`FeatureSet::WASM1`] and [`FeatureSet::WASM2`] give the older
    /// standards, for a smaller or more deterministic profile).
    pub fn wasm_features(&mut self, features: FeatureSet) -> &mut Config {
        self.features = features;
        self
    }

    /// The proposals modules may use.
    pub fn enabled_features(&self) -> FeatureSet {
        self.features
    }

    /// Allows or forbids one proposal.
    pub fn wasm_feature(&mut self, feature: Feature, on: bool) -> &mut Config {
        self.features.set(feature, on);
        self
    }

    /// Allows or forbids the proposal that wasmtime's `-W <name>=y|n` names (`simd`,
    /// `relaxed-simd`, `threads`, `tail-call`, `multi-memory`, `memory64`, `gc`...; every
    /// [`Feature::name`]), or every proposal with `all-proposals`. An unknown name is an error
    /// listing the valid ones.
    pub fn wasm_feature_by_name(&mut self, name: &str, on: bool) -> Result<&mut Config, String> {
        if name == ALL_PROPOSALS {
            return Ok(self.wasm_features(if on { FeatureSet::ALL } else { FeatureSet::EMPTY }));
        }
        match Feature::from_name(name) {
            Some(feature) => Ok(self.wasm_feature(feature, on)),
            None => {
                let names: Vec<&str> = std::iter::once(ALL_PROPOSALS)
                    .chain(FeatureSet::ALL.iter().map(Feature::name))
                    .collect();
                Err(format!(
                    "unknown WebAssembly feature `{name}`; valid names: {}",
                    names.join(", ")
                ))
            }
        }
    }
}

/// One `Config` method per proposal, named as in wasmtime.
macro_rules! switches {
    ($($(#[$doc:meta])* $method:ident => $feature:ident,)*) => {
        impl Config {
            $(
                $(#[$doc])*
                pub fn $method(&mut self, on: bool) -> &mut Config {
                    self.wasm_feature(Feature::$feature, on)
                }
            )*
        }
    };
}

switches! {
    /// Allows several results from functions and blocks, and block parameters. On by default.
    wasm_multi_value => MultiValue,
    /// Allows `memory.copy`, `memory.fill`, passive segments and friends. On by default.
    wasm_bulk_memory => BulkMemory,
    /// Allows `externref`, several tables and the table instructions. On by default.
    wasm_reference_types => ReferenceTypes,
    /// Allows the 128-bit vector type and its instructions. On by default.
    wasm_simd => Simd,
    /// Allows the relaxed vector instructions. On by default.
    wasm_relaxed_simd => RelaxedSimd,
    /// Allows shared memories and atomic instructions. On by default.
    wasm_threads => Threads,
    /// Allows `shared` on everything beside memories. Off by default.
    wasm_shared_everything_threads => SharedEverythingThreads,
    /// Allows `return_call` and friends. On by default.
    wasm_tail_call => TailCall,
    /// Allows integer arithmetic in constant expressions. On by default.
    wasm_extended_const => ExtendedConst,
    /// Allows several memories. On by default.
    wasm_multi_memory => MultiMemory,
    /// Allows 64-bit memory and table indices. On by default.
    wasm_memory64 => Memory64,
    /// Allows typed function references, non-nullable references and `call_ref`. On by default.
    wasm_function_references => FunctionReferences,
    /// Allows garbage-collected structs and arrays, `i31` and sub-typing. On by default.
    wasm_gc => Gc,
    /// Allows tags, `throw`, `try_table` and `exnref`. On by default.
    wasm_exceptions => Exceptions,
    /// Allows the legacy exception instructions (`try`, `catch`, `delegate`). On by default.
    wasm_legacy_exceptions => LegacyExceptions,
    /// Allows the 128-bit integer arithmetic helpers. Off by default.
    wasm_wide_arithmetic => WideArithmetic,
    /// Allows memories with a page size other than 64 KiB. Off by default.
    wasm_custom_page_sizes => CustomPageSizes,
    /// Allows stack switching (continuations). Off by default.
    wasm_stack_switching => StackSwitching,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_wasm3_and_legacy_exceptions() {
        let config = Config::new();
        assert_eq!(config.enabled_features(), FeatureSet::WASM3.with(Feature::LegacyExceptions));
        for off in [Feature::WideArithmetic, Feature::CustomPageSizes] {
            assert!(!config.enabled_features().contains(off), "{off}");
        }
    }

    #[test]
    fn switches_set_one_proposal() {
        let mut config = Config::new();
        config.wasm_simd(false).wasm_wide_arithmetic(true);
        let features = config.enabled_features();
        assert!(!features.contains(Feature::Simd));
        assert!(features.contains(Feature::WideArithmetic));
        assert!(features.contains(Feature::RelaxedSimd), "only the one switch changes");
    }

    #[test]
    fn features_by_wasmtime_names() {
        let mut config = Config::new();
        config.wasm_feature_by_name("multi-memory", false).unwrap();
        config.wasm_feature_by_name("custom-page-sizes", true).unwrap();
        let features = config.enabled_features();
        assert!(!features.contains(Feature::MultiMemory));
        assert!(features.contains(Feature::CustomPageSizes));
        config.wasm_feature_by_name("all-proposals", false).unwrap();
        assert_eq!(config.enabled_features(), FeatureSet::EMPTY);
        config.wasm_feature_by_name("all-proposals", true).unwrap();
        assert_eq!(config.enabled_features(), FeatureSet::ALL);
    }

    #[test]
    fn unknown_feature_names_list_the_valid_ones() {
        let err = Config::new().wasm_feature_by_name("simd128", true).unwrap_err();
        assert!(err.starts_with("unknown WebAssembly feature `simd128`; valid names: "), "{err}");
        for name in ["all-proposals", "simd", "relaxed-simd", "tail-call", "wide-arithmetic"] {
            assert!(err.contains(name), "{name} missing from: {err}");
        }
        assert!(!err.contains("unlisted"), "{err}");
    }
}
