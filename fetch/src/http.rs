//! The HTTP side of fetching: one GET, conditional when the cache holds a copy, over `ureq` with
//! rustls (no OpenSSL). Certificates are checked against the system's trust store (the platform
//! verifier: on Linux the CA bundle, `SSL_CERT_FILE`/`SSL_CERT_DIR` included), as curl does, so a
//! site trusted by the machine — a company's own CA included — is trusted by Silo. Proxies come
//! from the usual environment variables (`HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), redirects are followed up to a limit, and each failure
//! becomes a [`FetchError`] saying which step failed.

use std::io::{self, Read};
use std::time::Duration;

use crate::error::FetchError;

/// How many redirects a fetch follows.
pub const MAX_REDIRECTS: u32 = 10;

/// Timeouts of an HTTP fetch.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// Resolving the host and connecting (TLS handshake included).
    pub connect: Duration,
    /// From the request to the response's headers.
    pub response: Duration,
    /// Between two reads of the body: a stalled download fails, a slow steady one goes on.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(30),
            response: Duration::from_secs(60),
            idle: Duration::from_secs(60),
        }
    }
}

/// The validators of a cached response, sent back to ask whether it changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    /// Whether there is anything to revalidate with.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// What the server answered.
pub enum Answer {
    /// 304: the cached copy is current.
    NotModified,
    /// 200: the body, to be read.
    Body(Download),
}

/// A response body being downloaded.
pub struct Download {
    /// The body.
    pub reader: Box<dyn Read + Send>,
    /// The declared length, when the server gave one.
    pub length: Option<u64>,
    /// The response's validators, for the next revalidation.
    pub validators: Validators,
}

/// An HTTP client for modules.
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    /// A client with these timeouts and the environment's proxy settings.
    pub fn new(timeouts: Timeouts) -> Client {
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(MAX_REDIRECTS)
            .timeout_resolve(Some(timeouts.connect))
            .timeout_connect(Some(timeouts.connect))
            .timeout_recv_response(Some(timeouts.response))
            .timeout_per_read(Some(timeouts.idle))
            .user_agent(concat!("silo/", env!("CARGO_PKG_VERSION")))
            .build();
        Client { agent: config.into() }
    }

    /// GETs `url`; with `cached`, asks the server whether that copy is still current.
    pub fn get(&self, url: &str, cached: Option<&Validators>) -> Result<Answer, FetchError> {
        let mut request = self.agent.get(url);
        if let Some(v) = cached {
            if let Some(etag) = &v.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header("If-Modified-Since", date);
            }
        }
        let response = request.call().map_err(|e| classify(url, e))?;
        let status = response.status();
        if status == 304 && cached.is_some() {
            return Ok(Answer::NotModified);
        }
        if !status.is_success() {
            let reason = status.canonical_reason().map(|r| format!(" {r}")).unwrap_or_default();
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
                reason,
            });
        }
        let header = |name: &str| {
            response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
        };
        let validators =
            Validators { etag: header("etag"), last_modified: header("last-modified") };
        let length = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
        let reader = Box::new(response.into_body().into_reader());
        Ok(Answer::Body(Download { reader, length, validators }))
    }
}

/// The [`FetchError`] for a failed request.
fn classify(url: &str, error: ureq::Error) -> FetchError {
    let url = url.to_string();
    match error {
        ureq::Error::HostNotFound => FetchError::Dns { url, detail: "no address".into() },
        ureq::Error::BadUri(detail) => FetchError::BadUrl { url, detail },
        ureq::Error::Http(e) => FetchError::BadUrl { url, detail: e.to_string() },
        ureq::Error::Timeout(t) => FetchError::Timeout { url, what: timeout_step(t) },
        ureq::Error::TooManyRedirects => FetchError::Redirects { url, limit: MAX_REDIRECTS },
        ureq::Error::Tls(detail) => FetchError::Tls { url, detail: detail.to_string() },
        ureq::Error::Rustls(e) => FetchError::Tls { url, detail: e.to_string() },
        ureq::Error::Io(e) => io_error(url, e),
        ureq::Error::ConnectionFailed | ureq::Error::ConnectProxyFailed(_) => {
            FetchError::Connect { url, detail: error.to_string() }
        }
        other => FetchError::Http { url, detail: other.to_string() },
    }
}

/// The [`FetchError`] for an I/O error on the connection, before the body.
fn io_error(url: String, e: io::Error) -> FetchError {
    // The standard library's resolver reports a failed lookup as an uncategorized error whose
    // text says so (`failed to lookup address information: Name or service not known`).
    let text = e.to_string();
    if let Some(why) = text.strip_prefix("failed to lookup address information: ") {
        return FetchError::Dns { url, detail: format!("DNS: {why}") };
    }
    match e.kind() {
        io::ErrorKind::TimedOut => FetchError::Timeout { url, what: "waiting for the server" },
        _ => FetchError::Connect { url, detail: e.to_string() },
    }
}

/// What a timeout interrupted, in words.
fn timeout_step(t: ureq::Timeout) -> &'static str {
    match t {
        ureq::Timeout::Resolve => "resolving the host",
        ureq::Timeout::Connect => "connecting",
        ureq::Timeout::RecvResponse | ureq::Timeout::SendRequest => "waiting for the response",
        ureq::Timeout::PerRead | ureq::Timeout::RecvBody => "waiting for more of the body",
        _ => "talking to the server",
    }
}

/// The [`FetchError`] for an error while reading the body, after `received` bytes of `length`.
pub fn body_error(url: &str, e: io::Error, received: u64, length: Option<u64>) -> FetchError {
    let url = url.to_string();
    let inner = e.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>());
    if let Some(ureq::Error::Timeout(t)) = inner {
        return FetchError::Timeout { url, what: timeout_step(*t) };
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            FetchError::Timeout { url, what: "waiting for more of the body" }
        }
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => truncated(url, received, length),
        _ => FetchError::Http { url, detail: format!("reading the body: {e}") },
    }
}

/// The body ended at `received` bytes.
pub fn truncated(url: String, received: u64, length: Option<u64>) -> FetchError {
    let expected = length.map(|n| format!(" of {n}")).unwrap_or_default();
    FetchError::Truncated { url, received, expected }
}
