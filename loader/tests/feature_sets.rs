//! Validation allows exactly the proposals the caller enables: a module using another one is
//! invalid with `wasmparser`'s message, whether loaded whole, as text or streamed.

use silo_loader::{
    Feature, FeatureSet, LoadErrorKind, StreamingLoader, load, load_binary_with, load_text_with,
    load_with,
};

const SIMD: &str = "(module (func (result v128) v128.const i32x4 1 2 3 4))";
const TWO_MEMORIES: &str = "(module (memory 1) (memory 1))";

fn binary(wat: &str) -> Vec<u8> {
    silo_loader::assemble(wat).expect("test module assembles")
}

#[test]
fn wasm3_is_the_default() {
    let module = load(TWO_MEMORIES.as_bytes()).unwrap();
    assert_eq!(module.validated_with, FeatureSet::WASM3);
    assert!(module.features.contains(Feature::MultiMemory));
}

#[test]
fn simd_needs_simd() {
    let without = FeatureSet::WASM2.difference(FeatureSet::of(&[Feature::Simd]));
    let err = load_text_with(SIMD, without).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Invalid);
    assert!(err.message.contains("SIMD support is not enabled"), "{err}");
    let module = load_text_with(SIMD, FeatureSet::WASM2).unwrap();
    assert!(module.features.contains(Feature::Simd));
    assert_eq!(module.validated_with, FeatureSet::WASM2);
}

#[test]
fn several_memories_need_multi_memory() {
    let err = load_with(TWO_MEMORIES.as_bytes(), FeatureSet::WASM2).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Invalid);
    assert!(err.message.contains("multiple memories"), "{err}");
    let allowed = FeatureSet::WASM2.with(Feature::MultiMemory);
    assert!(load_with(TWO_MEMORIES.as_bytes(), allowed).is_ok());
}

#[test]
fn without_multi_memory_a_memory_index_is_malformed() {
    // `memory.size` whose memory byte is a two-byte LEB zero: a memory index since
    // multi-memory, a malformed reserved byte before it.
    let bytes = [
        b"\0asm".as_slice(),
        &[1, 0, 0, 0],
        &[1, 5, 1, 0x60, 0, 1, 0x7f], // type section: () -> i32
        &[3, 2, 1, 0],                // function section
        &[5, 3, 1, 0, 1],             // memory section: one memory of one page
        &[10, 7, 1, 5, 0, 0x3f, 0x80, 0x00, 0x0b], // code: memory.size (overlong 0) end
    ]
    .concat();
    let err = load_binary_with(&bytes, FeatureSet::WASM2).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Malformed);
    assert_eq!(err.message, "zero byte expected");
    assert!(load_binary_with(&bytes, FeatureSet::WASM3).is_ok());
}

#[test]
fn mvp_rejects_what_wasm1_added() {
    let mutable_import = r#"(module (import "m" "g" (global (mut i32))))"#;
    let err = load_text_with(mutable_import, FeatureSet::EMPTY).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Invalid);
    assert!(load_text_with(mutable_import, FeatureSet::WASM1).is_ok());
}

#[test]
fn streaming_honours_the_features() {
    let bytes = binary(SIMD);
    let mut loader = StreamingLoader::with_features(FeatureSet::WASM1);
    let pushed = bytes.chunks(3).try_for_each(|c| loader.push(c).map(drop));
    let err = pushed.and_then(|()| loader.finish().map(drop)).unwrap_err();
    assert_eq!(err, load_binary_with(&bytes, FeatureSet::WASM1).unwrap_err());
    assert_eq!(err.kind, LoadErrorKind::Invalid);
}

#[test]
fn a_shared_global_is_malformed_without_shared_everything_threads() {
    // One global: i32, flags 0x02 (`shared`, immutable), initialized by `i32.const 0`.
    let bytes = [b"\0asm".as_slice(), &[1, 0, 0, 0], &[6, 6, 1, 0x7f, 2, 0x41, 0, 0x0b]].concat();
    let err = load_binary_with(&bytes, FeatureSet::WASM3).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Malformed);
    assert!(err.message.starts_with("malformed mutability"), "{err}");
    let with = FeatureSet::WASM3.with(Feature::SharedEverythingThreads);
    assert!(load_binary_with(&bytes, with).is_ok());
}
