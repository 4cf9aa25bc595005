//! The one error type of this crate.

use std::path::PathBuf;

/// Why a policy could not be loaded, merged or accepted. Messages name the file, line and key
/// (manifests) or the flag (overrides), and say what was expected.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The manifest file could not be read.
    #[error("{}: cannot read the policy", path.display())]
    Read {
        /// The manifest's path as given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest is not valid TOML or does not follow the schema.
    #[error("{file}: {}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Manifest {
        /// The manifest's name: its path, or `<manifest>` for text without a file.
        file: String,
        /// The 1-based line the problem is on, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A command-line override could not be parsed or applied.
    #[error("invalid {flag} `{value}`: {message}")]
    Flag {
        /// The flag, e.g. `--dir`.
        flag: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// The policy as a whole is inconsistent (see [`crate::Policy::validate`]).
    #[error("invalid policy: {0}")]
    Invalid(String),
}
