//! Why a module could not be fetched: one line each, naming the URL and what went wrong, in the
//! words a user can act on (the host that did not resolve, the status the server gave, how many
//! bytes arrived before the connection closed).

use crate::digest::ModuleDigest;

/// Why [`crate::Fetcher::fetch`] failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The text is not an `http://` or `https://` URL the client can use.
    #[error("invalid URL `{url}`: {detail}")]
    BadUrl { url: String, detail: String },
    /// The host name did not resolve.
    #[error("cannot fetch {url}: host not found ({detail})")]
    Dns { url: String, detail: String },
    /// No connection could be made (refused, unreachable, proxy failure).
    #[error("cannot fetch {url}: {detail}")]
    Connect { url: String, detail: String },
    /// The TLS handshake failed (bad certificate, unsupported protocol).
    #[error("cannot fetch {url}: TLS error: {detail}")]
    Tls { url: String, detail: String },
    /// The server answered with an error status.
    #[error("cannot fetch {url}: the server answered {status}{reason}")]
    Status { url: String, status: u16, reason: String },
    /// The body ended before all of it arrived.
    #[error("cannot fetch {url}: the connection closed after {received} bytes{expected}")]
    Truncated { url: String, received: u64, expected: String },
    /// A timeout passed (connecting, waiting for the answer, or between two reads of the body).
    #[error("cannot fetch {url}: timed out {what}")]
    Timeout { url: String, what: &'static str },
    /// Redirects went on past the limit.
    #[error("cannot fetch {url}: more than {limit} redirects")]
    Redirects { url: String, limit: u32 },
    /// The body is larger than the module size limit.
    #[error(
        "cannot fetch {url}: the module is larger than the limit of {limit} bytes (raise it with --max-module-size)"
    )]
    TooLarge { url: String, limit: u64 },
    /// Anything else the HTTP exchange failed with.
    #[error("cannot fetch {url}: {detail}")]
    Http { url: String, detail: String },
    /// The module's SHA-256 is not the one asked for; nothing of it ran.
    #[error("{source_name}: integrity check failed: expected sha256 {expected}, got {actual}")]
    Integrity { source_name: String, expected: ModuleDigest, actual: ModuleDigest },
    /// `--offline` and no usable copy in the cache.
    #[error("{url} is not in the cache, and --offline forbids the network")]
    NotCached { url: String },
    /// The bytes arrived but are not a module this engine runs.
    #[error("failed to compile {url}: {error}")]
    Module { url: String, error: silo_core::Error },
}
