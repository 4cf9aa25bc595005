//! Holds each tier to its expected-failures list over the built-in suite and, where the team's
//! newer copy exists (`../shared/wasm-testsuite`), over that one too.
//!
//! `SILO_BLESS=1` rewrites the list from the current failures instead of checking; review the diff:
//! every entry must name a feature outside the tier's scope.

use std::path::PathBuf;

use silo_spec_tests::{Tier, expected, run_suite, suite};

fn expected_path(tier: Tier) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("expected")
        .join(format!("{}.txt", tier.expected_name()))
}

/// The shared copy of the suite, if this checkout sits beside one.
fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/wasm-testsuite");
    dir.is_dir().then_some(dir)
}

fn check(tier: Tier) {
    let mut files = suite::builtin();
    match shared_dir() {
        Some(dir) => files.extend(suite::from_dir(&dir).expect("shared suite readable")),
        None => eprintln!("no ../shared/wasm-testsuite: running the built-in suite only"),
    }
    let report = run_suite(tier, &files).expect("the tier runs on this machine");
    eprintln!("{} passed, {} failed", report.passed(), report.failed());
    let path = expected_path(tier);
    if std::env::var_os("SILO_BLESS").is_some() && tier.name() == tier.expected_name() {
        let old = expected::parse(&std::fs::read_to_string(&path).unwrap_or_default()).unwrap();
        let run: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        let mut all = old.clone();
        all.retain(|k, _| !run.contains(&k.0));
        for (key, reason) in &report.failures {
            // Keep the note of an entry whose reason did not change.
            let note = old.get(key).filter(|e| &e.reason == reason).and_then(|e| e.note.clone());
            all.insert(key.clone(), expected::Entry { reason: reason.clone(), note });
        }
        let header = format!(
            "Directives the `{}` tier fails: `<file> <line> <reason>`.\n\
             Checked by spec-tests/tests/suite.rs in both directions; rewrite with SILO_BLESS=1.",
            tier.name()
        );
        std::fs::write(&path, expected::render(&header, &all)).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = expected::parse(&text).unwrap();
    let unjustified: Vec<String> = expected
        .iter()
        .filter(|(_, e)| !expected::is_justified(e))
        .map(|((f, l), e)| format!("  {f}:{l}: {}", e.reason))
        .collect();
    assert!(
        unjustified.is_empty(),
        "expected failures must name an unsupported feature, an obsolete rule, or carry a note:\n{}",
        unjustified.join("\n")
    );
    let run: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let diff = expected::compare(&expected, &report.failures, &run);
    let mut msg = String::new();
    for ((file, line), reason) in diff.unexpected.iter().take(50) {
        msg.push_str(&format!("  new failure: {file}:{line}: {reason}\n"));
    }
    for (file, line) in diff.fixed.iter().take(50) {
        msg.push_str(&format!("  now passes, remove from the list: {file}:{line}\n"));
    }
    assert!(
        diff.is_empty(),
        "{} unexpected failures, {} listed failures now pass:\n{msg}",
        diff.unexpected.len(),
        diff.fixed.len()
    );
}

#[test]
fn interp() {
    check(Tier::Interp);
}

#[test]
fn interp_loop_dispatch() {
    check(Tier::InterpLoop);
}

#[test]
fn interp_with_fuel_and_interrupt_checks() {
    check(Tier::InterpMetered);
}

#[test]
fn jit() {
    check(Tier::Jit);
}

#[test]
fn jit_with_fuel_and_interrupt_checks() {
    check(Tier::JitMetered);
}

#[test]
fn jit_with_explicit_bounds_checks() {
    check(Tier::JitChecked);
}

#[test]
fn tiered() {
    check(Tier::Tiered);
}

#[test]
fn tiered_switching_after_one_call() {
    check(Tier::TieredEager);
}
