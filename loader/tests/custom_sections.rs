//! Custom sections: accepted anywhere and never a reason to reject a module, but checked on
//! request against their own rules (names decode; branch hints sit on `if` and `br_if`).

use silo_loader::{LoadErrorKind, check_custom_sections, load, load_binary};

fn binary(wat: &str) -> Vec<u8> {
    silo_loader::assemble(wat).expect("test module assembles")
}

/// A custom section with `name` and `payload`, as bytes to append to a module.
fn custom_section(name: &str, payload: &[u8]) -> Vec<u8> {
    let mut content = vec![name.len() as u8];
    content.extend_from_slice(name.as_bytes());
    content.extend_from_slice(payload);
    let mut section = vec![0, content.len() as u8];
    section.extend(content);
    section
}

const HINTED: &str = r#"(module
    (func (param i32) (result i32)
      (@metadata.code.branch_hint "\01")
      (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))
      (block local.get 0 (@metadata.code.branch_hint "\00") br_if 0))
  )"#;

#[test]
fn branch_hints_on_branches_are_fine() {
    let module = load(HINTED.as_bytes()).unwrap();
    let names: Vec<&str> = module.custom_sections.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"metadata.code.branch_hint"), "{names:?}");
    check_custom_sections(&module).unwrap();
}

#[test]
fn a_branch_hint_on_another_instruction_is_invalid() {
    let module = load(
        br#"(module (func (param i32) (result i32)
            local.get 0 (@metadata.code.branch_hint "\01") i32.eqz))"#,
    )
    .expect("a misplaced hint does not make the module invalid");
    let err = check_custom_sections(&module).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Invalid);
    assert!(err.message.contains("not `if` or `br_if`"), "{err}");
    assert_eq!(err.section.as_deref(), Some("custom section \"metadata.code.branch_hint\""));
}

#[test]
fn branch_hints_must_be_well_formed_and_name_a_defined_function() {
    let mut bytes = binary("(module (func))");
    // One function (index 0), one hint at offset 1 whose reserved byte is 2 instead of 1.
    bytes.extend(custom_section("metadata.code.branch_hint", &[1, 0, 1, 1, 2, 0]));
    let module = load_binary(&bytes).expect("custom sections never make a module malformed");
    assert_eq!(check_custom_sections(&module).unwrap_err().kind, LoadErrorKind::Malformed);

    let mut bytes = binary("(module (func))");
    bytes.extend(custom_section("metadata.code.branch_hint", &[1, 5, 0]));
    let err = check_custom_sections(&load_binary(&bytes).unwrap()).unwrap_err();
    assert_eq!(err.kind, LoadErrorKind::Invalid, "function 5 does not exist: {err}");
}

#[test]
fn a_truncated_name_section_is_malformed_but_loads() {
    let mut bytes = binary("(module (func))");
    // The function-names subsection announces 9 bytes and has 2.
    bytes.extend(custom_section("name", &[1, 9, 1, 0]));
    let module = load_binary(&bytes).unwrap();
    assert_eq!(check_custom_sections(&module).unwrap_err().kind, LoadErrorKind::Malformed);
}

#[test]
fn custom_sections_may_sit_anywhere() {
    let module = load(
        br#"(module
            (@custom "first" (before first) "1")
            (type (func))
            (@custom "after-type" (after type) "2")
            (func (type 0))
            (@custom "last" (after last) "3"))"#,
    )
    .unwrap();
    assert_eq!(module.custom_sections.len(), 3);
    check_custom_sections(&module).unwrap();
}
