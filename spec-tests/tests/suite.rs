//! Holds each tier to its expected-failures list over the built-in suite and, where the team's
//! newer copy exists (`../shared/wasm-testsuite`), over that one too; prints what ran, folder by
//! folder, with the directives passed and failed and how rejections compared with the reasons the
//! tests name.
//!
//! `SILO_BLESS=1` rewrites the list from the current failures instead of checking; review the diff:
//! every entry must name a feature outside the tier's scope or carry a note.

use std::collections::HashSet;
use std::io::Write;
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

/// Writes to the real standard error, which the test harness does not capture: the summary shows
/// in every run, passing or not.
fn print(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// The built-in suite plus the shared copy's files that are not in it, and whether the shared
/// copy is there.
fn suite_files(tier: Tier) -> (Vec<suite::SuiteFile>, bool) {
    let mut files = suite::builtin();
    let Some(dir) = shared_dir() else {
        let name = tier.name();
        print(&format!("[{name}] no ../shared/wasm-testsuite: running the built-in suite only\n"));
        return (files, false);
    };
    let known: HashSet<&str> = files.iter().map(|f| f.text.as_ref()).collect();
    let (shared, duplicates) = suite::from_dir(&dir, &known).expect("shared suite readable");
    print(&format!(
        "[{}] shared suite {}: {} files added, {duplicates} identical to built-in ones skipped\n",
        tier.name(),
        dir.display(),
        shared.len()
    ));
    files.extend(shared);
    (files, true)
}

/// Whether a listed failure belongs to a file that may legitimately not have run: one of the
/// shared copy's, when there is no shared copy. Every other listed file must have run.
fn may_be_absent(file: &str, shared_present: bool) -> bool {
    !shared_present && file.starts_with("shared/")
}

fn check(tier: Tier) {
    let (files, shared_present) = suite_files(tier);
    let report = run_suite(tier, &files).expect("the tier runs on this machine");
    print(&report.summary(tier.name()));
    let path = expected_path(tier);
    let run: HashSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    if std::env::var_os("SILO_BLESS").is_some() && tier.name() == tier.expected_name() {
        let old = expected::parse(&std::fs::read_to_string(&path).unwrap_or_default()).unwrap();
        let mut all = old.clone();
        // Keep only the entries of files that could not run here (the shared copy's, without it).
        all.retain(|k, _| !run.contains(k.0.as_str()) && may_be_absent(&k.0, shared_present));
        for (key, reason) in &report.failures {
            // Keep the note of an entry whose reason did not change.
            let note = old.get(key).filter(|e| &e.reason == reason).and_then(|e| e.note.clone());
            all.insert(key.clone(), expected::Entry { reason: reason.clone(), note });
        }
        let header = format!(
            "Directives the `{}` tier fails: `<file> <line> <reason>[ # <note>]`.\n\
             Checked by spec-tests/tests/suite.rs in both directions; rewrite with SILO_BLESS=1.\n\
             Every entry names an unsupported feature or an obsolete rule, or carries a note.",
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
    let stale: Vec<String> = expected
        .keys()
        .filter(|(f, _)| !run.contains(f.as_str()) && !may_be_absent(f, shared_present))
        .map(|(f, l)| format!("  {f}:{l}"))
        .collect();
    assert!(
        stale.is_empty(),
        "{} listed failures are in files that did not run (remove them):\n{}",
        stale.len(),
        stale.iter().take(50).cloned().collect::<Vec<_>>().join("\n")
    );
    let run: Vec<String> = run.iter().map(|f| f.to_string()).collect();
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
fn jit_with_code_saved_and_loaded_back() {
    check(Tier::JitSaved);
}

#[test]
fn jit_keeping_frame_records_for_checkpoints() {
    check(Tier::JitCheckpoints);
}

#[test]
fn tiered() {
    check(Tier::Tiered);
}

#[test]
fn tiered_switching_after_one_call() {
    check(Tier::TieredEager);
}
