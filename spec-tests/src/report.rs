//! What a run of the suite found: directives passed and failed per file, every failure with its
//! reason, and how rejections compared with the reasons the tests name; and the summary printed
//! from it, folder by folder.

use std::collections::BTreeMap;
use std::fmt::Write;

use silo_loader::FeatureSet;

use crate::errors::ErrorCheck;
use crate::expected;
use crate::runner::FileResult;
use crate::suite::{features_of, folder_of};

/// How the rejections of `assert_invalid`, `assert_malformed` and the custom-section assertions
/// compared with the messages the tests name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorTally {
    /// Rejected for the reason named.
    pub matched: usize,
    /// Rejected for another reason (each is also a failure): how often, by the message expected
    /// and Silo's.
    pub wrong: BTreeMap<(String, String), usize>,
    /// Spec messages the table does not know, with how often each was not checked.
    pub unchecked: BTreeMap<String, usize>,
}

/// The results of running a set of files.
#[derive(Default)]
pub struct SuiteReport {
    /// Per file, in the order given: name, directives passed, directives failed.
    pub files: Vec<(String, usize, usize)>,
    /// Every failing directive with its reason (first line).
    pub failures: BTreeMap<expected::Key, String>,
    /// How rejections compared with the reasons the tests name.
    pub errors: ErrorTally,
}

impl SuiteReport {
    /// Directives passed in all files.
    pub fn passed(&self) -> usize {
        self.files.iter().map(|f| f.1).sum()
    }

    /// Directives failed in all files.
    pub fn failed(&self) -> usize {
        self.files.iter().map(|f| f.2).sum()
    }

    /// Adds the results of the file `name`.
    pub fn add(&mut self, name: &str, result: &FileResult) {
        let failed = result.failures().count();
        for f in result.failures() {
            let reason = f.result.as_ref().err().map(|r| expected::one_line(r)).unwrap_or_default();
            self.failures.insert((name.to_string(), f.line), reason);
        }
        for outcome in &result.outcomes {
            let Some(rejection) = &outcome.check else { continue };
            match rejection.check {
                ErrorCheck::Matches => self.errors.matched += 1,
                ErrorCheck::Wrong => {
                    let key = (rejection.expected.clone(), rejection.actual.clone());
                    *self.errors.wrong.entry(key).or_default() += 1
                }
                ErrorCheck::Unchecked => {
                    *self.errors.unchecked.entry(rejection.expected.clone()).or_default() += 1
                }
            }
        }
        self.files.push((name.to_string(), result.passed(), failed));
    }

    /// Per folder: its features, files, directives passed and failed; then the totals and the
    /// error-message checks.
    pub fn summary(&self, tier: &str) -> String {
        let mut folders: Vec<(&str, usize, usize, usize)> = Vec::new();
        for (name, passed, failed) in &self.files {
            let folder = folder_of(name);
            match folders.last_mut() {
                Some(last) if last.0 == folder => {
                    last.1 += 1;
                    last.2 += passed;
                    last.3 += failed;
                }
                _ => folders.push((folder, 1, *passed, *failed)),
            }
        }
        let mut out = String::new();
        let width = folders.iter().map(|f| f.0.len()).max().unwrap_or(0);
        for (folder, files, passed, failed) in &folders {
            let features = describe(features_of(&format!("{folder}/")));
            let _ = writeln!(
                out,
                "[{tier}] {folder:width$} {files:4} files {passed:6} passed {failed:5} failed   ({features})"
            );
        }
        let _ = writeln!(
            out,
            "[{tier}] total: {} files, {} directives passed, {} failed",
            self.files.len(),
            self.passed(),
            self.failed()
        );
        let wrong: usize = self.errors.wrong.values().sum();
        let unchecked: usize = self.errors.unchecked.values().sum();
        let _ = writeln!(
            out,
            "[{tier}] rejection reasons: {} as named, {wrong} wrong, {unchecked} unchecked",
            self.errors.matched
        );
        for ((expected, actual), count) in &self.errors.wrong {
            let _ = writeln!(
                out,
                "[{tier}]   wrong ({count}x): expected \"{expected}\", got \"{actual}\""
            );
        }
        for (message, count) in &self.errors.unchecked {
            let _ = writeln!(out, "[{tier}]   unchecked ({count}x): \"{message}\"");
        }
        out
    }
}

/// A feature set in words: the newest standard it holds, and what it adds to it.
fn describe(features: FeatureSet) -> String {
    let standards = [
        (FeatureSet::WASM3, "Wasm 3.0"),
        (FeatureSet::WASM2, "Wasm 2.0"),
        (FeatureSet::WASM1, "Wasm 1.0"),
        (FeatureSet::EMPTY, "MVP"),
    ];
    let (base, name) =
        standards.into_iter().find(|(s, _)| s.is_subset(features)).unwrap_or(standards[3]);
    let extra = features.difference(base);
    if extra.is_empty() { name.to_string() } else { format!("{name} + {extra}") }
}

#[cfg(test)]
mod tests {
    use silo_loader::Feature;

    use super::*;

    #[test]
    fn feature_sets_are_described_by_their_standard() {
        assert_eq!(describe(FeatureSet::WASM2), "Wasm 2.0");
        let memory64 = FeatureSet::WASM2.with(Feature::Memory64);
        assert_eq!(describe(memory64), "Wasm 2.0 + memory64");
        let bulk = FeatureSet::WASM1.with(Feature::BulkMemory);
        assert_eq!(describe(bulk), "Wasm 1.0 + bulk-memory");
    }
}
