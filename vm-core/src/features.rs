//! The WebAssembly features Silo's tiers run: the one list that the engine
//! ([`crate::Engine::supported_features`], which `silo validate` reports against), module
//! compilation and constant evaluation all consult.
//!
//! Which proposals a module may *use* is a setting ([`crate::Config::wasm_features`]); which ones
//! the tiers can *run* is this list. A module that is valid under the engine's settings but needs a
//! feature missing here fails to compile with `unsupported feature: <name>`.
//!
//! # Adding a feature
//!
//! An issue that teaches the tiers a proposal (SIMD, GC, exceptions...) adds its [`Feature`] to
//! [`SUPPORTED`] in the same change as the code that runs it, and nowhere else:
//!
//! 1. the interpreter and the JIT translate every instruction of the proposal (what the loader
//!    notes in `Module::features` is what must run);
//! 2. `const_eval` evaluates the proposal's constant instructions: its test
//!    `supported_constant_instructions_evaluate` fails until it does;
//! 3. the proposal's entries leave `spec-tests/expected/*.txt` (`SILO_BLESS=1` rewrites them; the
//!    `unsupported feature: <name>` lines go and whatever still fails stays, with a note).
//!
//! Whether the proposal is enabled by default is a separate decision, made in
//! [`crate::Config`]'s defaults.

use silo_loader::{Feature, FeatureSet};

use crate::error::Error;

/// Every feature that the interpreter, the JIT and instantiation run.
pub const SUPPORTED: FeatureSet = FeatureSet::of(&[
    Feature::MutableGlobal,
    Feature::SignExtension,
    Feature::SaturatingFloatToInt,
    Feature::MultiValue,
    Feature::BulkMemory,
    Feature::ReferenceTypes,
    Feature::TailCall,
    Feature::ExtendedConst,
    Feature::MultiMemory,
    Feature::Memory64,
    Feature::FunctionReferences,
    Feature::WideArithmetic,
    Feature::CustomPageSizes,
    Feature::Gc,
    Feature::Exceptions,
    Feature::LegacyExceptions,
    Feature::Simd,
    Feature::RelaxedSimd,
    Feature::Threads,
    Feature::CustomDescriptors,
]);

/// The error for something that needs a feature the tiers do not run.
pub(crate) fn unsupported(feature: Feature) -> Error {
    Error::Unsupported(feature.name().to_string())
}

/// Fails with `unsupported feature: <names>` unless every feature of `used` is supported.
pub(crate) fn check_supported(used: FeatureSet) -> Result<(), Error> {
    let missing = used.difference(SUPPORTED);
    if missing.is_empty() { Ok(()) } else { Err(Error::Unsupported(missing.to_string())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_features_are_named() {
        assert!(check_supported(FeatureSet::WASM1).is_ok());
        let used = FeatureSet::of(&[Feature::TailCall, Feature::Gc, Feature::StackSwitching]);
        let err = check_supported(used).unwrap_err();
        assert_eq!(err.to_string(), "unsupported feature: stack-switching");
        assert_eq!(unsupported(Feature::Exceptions).to_string(), "unsupported feature: exceptions");
    }
}
