//! Proposals as engine settings: a module using a proposal the engine does not enable is invalid,
//! and one the engine enables but its tiers do not run is unsupported.

use silo_core::*;

const SIMD: &str = "(module (func (result v128) v128.const i64x2 0 0))";
const SHARED_MEMORY: &str = "(module (memory 1 1 shared))";
const TWO_MEMORIES: &str =
    r#"(module (memory 1) (memory 1) (func (export "f") (result i32) (memory.size 1)))"#;
const WIDE: &str = "(module (func (param i64 i64 i64 i64) (result i64 i64)
    local.get 0 local.get 1 local.get 2 local.get 3 i64.add128))";

fn engine(configure: impl FnOnce(&mut Config) -> &mut Config) -> Engine {
    let mut config = Config::new();
    configure(&mut config);
    Engine::new(&config)
}

/// The loader's error, when `result` failed validation or decoding.
fn load_error<T>(result: Result<T, Error>) -> LoadError {
    match result {
        Err(Error::Load(e)) => e,
        Err(e) => panic!("expected a load error, got: {e}"),
        Ok(_) => panic!("expected a load error, but it compiled"),
    }
}

#[test]
fn simd_off_makes_simd_modules_invalid() {
    let err = load_error(Module::new(&engine(|c| c.wasm_simd(false)), SIMD));
    assert!(err.to_string().starts_with("invalid module: SIMD support is not enabled"), "{err}");
}

#[test]
fn simd_on_is_valid_and_run() {
    let engine = engine(|c| c.wasm_simd(true));
    assert!(engine.supported_features().contains(Feature::Simd));
    assert!(engine.supported_features().contains(Feature::RelaxedSimd));
    Module::new(&engine, SIMD).unwrap();
}

#[test]
fn threads_are_on_by_default_and_run() {
    let default = Engine::default();
    assert!(default.config().enabled_features().contains(Feature::Threads));
    assert!(default.supported_features().contains(Feature::Threads));
    Module::new(&default, SHARED_MEMORY).unwrap();
    let err = load_error(Module::new(&engine(|c| c.wasm_threads(false)), SHARED_MEMORY));
    assert!(err.message.contains("threads must be enabled"), "{}", err.message);
}

#[test]
fn multi_memory_off_makes_two_memories_invalid() {
    let err = load_error(Module::new(&engine(|c| c.wasm_multi_memory(false)), TWO_MEMORIES));
    assert_eq!(err.message, "multiple memories");
    assert!(Module::new(&Engine::default(), TWO_MEMORIES).is_ok());
}

#[test]
fn wide_arithmetic_is_off_by_default() {
    let err = load_error(Module::new(&Engine::default(), WIDE));
    assert!(err.message.contains("wide arithmetic support is not enabled"), "{err}");
    let on = engine(|c| c.wasm_feature_by_name("wide-arithmetic", true).unwrap());
    match Module::new(&on, WIDE) {
        Err(Error::Unsupported(what)) => assert_eq!(what, "wide-arithmetic"),
        Err(e) => panic!("expected unsupported, got: {e}"),
        Ok(_) => assert!(on.supported_features().contains(Feature::WideArithmetic)),
    }
}

#[test]
fn a_module_loaded_elsewhere_is_revalidated_with_the_engines_features() {
    let engine = engine(|c| c.wasm_features(FeatureSet::WASM2));
    let loaded = silo_loader::load(TWO_MEMORIES.as_bytes()).unwrap();
    let err = load_error(Module::from_loaded(&engine, loaded));
    assert_eq!(err.message, "multiple memories");
    let mvp = silo_loader::load(b"(module (func))").unwrap();
    assert!(Module::from_loaded(&engine, mvp).is_ok());
}

#[test]
fn validation_follows_the_engine() {
    let wasm1 = engine(|c| c.wasm_features(FeatureSet::WASM1));
    let bytes = br#"(module (func (param i32) (result i32) local.get 0 i32.extend8_s))"#;
    assert!(Module::validate(bytes).is_ok());
    assert!(Module::validate_for(&Engine::default(), bytes).is_ok());
    let err = load_error(Module::validate_for(&wasm1, bytes));
    assert_eq!(err.kind, silo_loader::LoadErrorKind::Invalid);
}
