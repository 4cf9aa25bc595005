//! Load errors: what went wrong, in which section, at which byte.

use std::fmt;

/// Why a module was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The bytes are not a well-formed binary module (a decoding error).
    Malformed,
    /// The module decodes but breaks a validation rule (a type error, a bad index...).
    Invalid,
    /// The input looked like text and did not parse as a module in the text format.
    Text,
}

impl fmt::Display for LoadErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoadErrorKind::Malformed => "malformed module",
            LoadErrorKind::Invalid => "invalid module",
            LoadErrorKind::Text => "invalid text module",
        })
    }
}

/// A module that could not be loaded, with the section and byte offset of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// Whether decoding, validation or text parsing failed.
    pub kind: LoadErrorKind,
    /// The problem, in `wasmparser`'s or `wat`'s words.
    pub message: String,
    /// Where: "type section", "code section, function 3"...
    pub section: Option<String>,
    /// Byte offset in the binary module.
    pub offset: Option<u64>,
}

impl LoadError {
    pub(crate) fn from_reader(
        kind: LoadErrorKind,
        err: &wasmparser::BinaryReaderError,
        section: Option<String>,
    ) -> LoadError {
        // Some of wasmparser's messages span lines (the magic number's lists its bytes one per
        // line); an error is one line.
        let message = match err.message() {
            m if m.contains('\n') => m.split_whitespace().collect::<Vec<_>>().join(" "),
            m => m.to_string(),
        };
        LoadError { kind, message, section, offset: Some(err.offset()) }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        match (&self.section, self.offset) {
            (Some(section), Some(offset)) => write!(f, " ({section}, at byte offset {offset:#x})"),
            (Some(section), None) => write!(f, " ({section})"),
            (None, Some(offset)) => write!(f, " (at byte offset {offset:#x})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for LoadError {}
