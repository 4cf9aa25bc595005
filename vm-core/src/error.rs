//! The runtime's error type.

use silo_loader::LoadError;

use crate::trap::Trap;

/// Why a runtime operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The module did not load: malformed, invalid, or bad text.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The module is valid but uses a feature no tier of this engine runs yet.
    #[error("unsupported feature: {0}")]
    Unsupported(String),
    /// The module's bytes could not be read from their stream.
    #[error("cannot read the module: {0}")]
    Read(#[source] std::io::Error),
    /// A compiled module (`Module::deserialize`) that cannot be loaded: damaged, or made by
    /// another build, for another machine or with other settings.
    #[error("compiled module: {0}")]
    Artifact(String),
    /// An import is missing or has the wrong type.
    #[error("{0}")]
    Link(String),
    /// A value of the wrong type or count was passed across the embedding API.
    #[error("{0}")]
    Type(String),
    /// A resource (memory, table) could not be created or grown.
    #[error("{0}")]
    Limit(String),
    /// The guest trapped (while instantiating or running).
    #[error(transparent)]
    Trap(#[from] Trap),
}

impl Error {
    /// The trap, if this error is one.
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(t) => Some(t),
            _ => None,
        }
    }
}
