//! [`Fetcher`]: a module from a URL, compiled while it downloads, through the cache.
//!
//! The order of a fetch: a module pinned with a digest the cache already holds is used without
//! the network; `--offline` uses what the cache holds for the URL or fails; otherwise the server
//! is asked, conditionally when the cache holds the URL's last module (a 304 uses the cached
//! copy), and a new body streams through the loader, which validates each function as its bytes
//! arrive, so the module is ready as soon as the last byte is in. The digest is checked before
//! the module is handed out: nothing of a module that fails its pin can run.

use std::io::Read;
use std::time::{Duration, Instant};

use silo_core::{Engine, Module, ModuleStream};

use crate::cache::{Cache, MappedFile};
use crate::digest::{Hasher, ModuleDigest};
use crate::error::FetchError;
use crate::http::{self, Answer, Client, Download, Timeouts};
use crate::progress::Progress;

/// How a [`Fetcher`] fetches.
pub struct FetchOptions {
    /// The cache to read and fill; `None` fetches every time and keeps nothing.
    pub cache: Option<Cache>,
    /// Never use the network: only what the cache holds.
    pub offline: bool,
    /// The SHA-256 the module must have.
    pub sha256: Option<ModuleDigest>,
    /// The largest module accepted, in bytes.
    pub max_size: u64,
    /// The HTTP timeouts.
    pub timeouts: Timeouts,
    /// Show a progress line on stderr for a long download (when stderr is a terminal).
    pub progress: bool,
    /// A faster way to a module whose bytes the cache held (and whose digest matched): for
    /// example its native code from the cache, which needs no validation. `None` from it, or
    /// without it, the bytes are compiled as any module is. Never asked for downloaded bytes.
    pub load_cached: Option<LoadCached>,
}

/// See [`FetchOptions::load_cached`]: given the module's bytes and their digest, the module, or
/// `None`.
pub type LoadCached = Box<dyn Fn(&[u8], ModuleDigest) -> Option<Module>>;

impl Default for FetchOptions {
    fn default() -> FetchOptions {
        FetchOptions {
            cache: None,
            offline: false,
            sha256: None,
            max_size: 1 << 30,
            timeouts: Timeouts::default(),
            progress: false,
            load_cached: None,
        }
    }
}

/// Where a fetched module's bytes came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Downloaded now.
    Network,
    /// The cached copy, which the server said is current (304 Not Modified).
    Revalidated,
    /// The cached copy, without asking the server (`--offline`, or pinned by its digest).
    Cache,
}

/// How long a fetch took, and how much of the module was validated while it downloaded.
#[derive(Clone, Copy, Debug)]
pub struct FetchStats {
    /// Bytes of the module.
    pub bytes: u64,
    /// From the request to the last byte (zero for a module from the cache).
    pub download: Duration,
    /// When the last byte arrived (or the cached copy was read).
    pub last_byte: Instant,
    /// From the last byte to the module being ready to instantiate.
    pub finish: Duration,
    /// Function bodies validated before the last byte arrived.
    pub functions_validated_while_downloading: usize,
}

/// A fetched module.
#[derive(Debug)]
pub struct Fetched {
    /// The module, compiled for the engine given.
    pub module: Module,
    /// The SHA-256 of its bytes.
    pub digest: ModuleDigest,
    /// Where its bytes came from.
    pub origin: Origin,
    /// Timings.
    pub stats: FetchStats,
    /// What was wrong in the cache (each problem entry was ignored) or could not be stored.
    pub warnings: Vec<String>,
}

/// Fetches modules over HTTP(S) with a cache.
pub struct Fetcher {
    client: Client,
    options: FetchOptions,
}

/// Whether `text` is an `http://` or `https://` URL (what `silo run` fetches rather than opens).
pub fn is_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

impl Fetcher {
    /// A fetcher with these options.
    pub fn new(options: FetchOptions) -> Fetcher {
        Fetcher { client: Client::new(options.timeouts), options }
    }

    /// The cache, if the fetcher has one.
    pub fn cache(&self) -> Option<&Cache> {
        self.options.cache.as_ref()
    }

    /// The fetcher's cache, taken back.
    pub fn into_cache(self) -> Option<Cache> {
        self.options.cache
    }

    /// Fetches the module at `url` and compiles it for `engine`.
    pub fn fetch(&self, engine: &Engine, url: &str) -> Result<Fetched, FetchError> {
        if !is_url(url) {
            let detail = "only http:// and https:// URLs are fetched".to_string();
            return Err(FetchError::BadUrl { url: url.to_string(), detail });
        }
        let mut fetched = self.fetch_inner(engine, url)?;
        if let Some(cache) = self.cache() {
            fetched.warnings.extend(cache.take_warnings());
        }
        Ok(fetched)
    }

    fn fetch_inner(&self, engine: &Engine, url: &str) -> Result<Fetched, FetchError> {
        let cache = self.cache();
        // A pinned module the cache holds is the module, whatever the URL serves now.
        if let (Some(cache), Some(pin)) = (cache, self.options.sha256)
            && let Some(bytes) = cache.module(pin)
        {
            return self.cached_copy(engine, url, bytes, pin, Origin::Cache);
        }
        let entry = cache.and_then(|c| c.url(url));
        let cached = match (cache, &entry) {
            (Some(cache), Some(entry)) => entry.sha256.parse().ok().and_then(|digest| {
                cache.module(digest).map(|bytes| (bytes, digest, entry.validators.clone()))
            }),
            _ => None,
        };
        if self.options.offline {
            return match cached {
                Some((bytes, digest, _)) => {
                    self.cached_copy(engine, url, bytes, digest, Origin::Cache)
                }
                None => Err(FetchError::NotCached { url: url.to_string() }),
            };
        }
        // Revalidate only what can be revalidated; anything else is downloaded again.
        let validators = cached.as_ref().map(|(_, _, v)| v).filter(|v| !v.is_empty());
        let started = Instant::now();
        match self.client.get(url, validators)? {
            Answer::NotModified => {
                let (bytes, digest, validators) =
                    cached.expect("a conditional request had a cached copy");
                let revalidated = Origin::Revalidated;
                let mut fetched = self.cached_copy(engine, url, bytes, digest, revalidated)?;
                if let Some(cache) = cache
                    && let Err(e) = cache.store_url(url, fetched.digest, &validators)
                {
                    fetched
                        .warnings
                        .push(format!("could not update the cache entry of {url}: {e}"));
                }
                Ok(fetched)
            }
            Answer::Body(download) => self.download(engine, url, download, started),
        }
    }

    /// Compiles a module the cache held, whose bytes hash to `digest` (`Cache::module` checked).
    fn cached_copy(
        &self,
        engine: &Engine,
        url: &str,
        bytes: MappedFile,
        digest: ModuleDigest,
        origin: Origin,
    ) -> Result<Fetched, FetchError> {
        let last_byte = Instant::now();
        self.check_pin(url, digest)?;
        let faster = self.options.load_cached.as_ref().and_then(|load| load(&bytes, digest));
        let module = match faster {
            Some(module) => module,
            None => Module::new(engine, &bytes)
                .map_err(|error| FetchError::Module { url: url.to_string(), error })?,
        };
        let stats = FetchStats {
            bytes: bytes.len() as u64,
            download: Duration::ZERO,
            last_byte,
            finish: last_byte.elapsed(),
            functions_validated_while_downloading: 0,
        };
        Ok(Fetched { module, digest, origin, stats, warnings: Vec::new() })
    }

    /// Streams a body through the loader, checks its digest, and caches it.
    fn download(
        &self,
        engine: &Engine,
        url: &str,
        download: Download,
        started: Instant,
    ) -> Result<Fetched, FetchError> {
        let Download { mut reader, length, validators } = download;
        let max = self.options.max_size;
        let too_large = || FetchError::TooLarge { url: url.to_string(), limit: max };
        if length.is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let name = url.rsplit('/').find(|s| !s.is_empty()).unwrap_or(url);
        let mut progress = Progress::new(self.options.progress, name, length);
        let mut stream = ModuleStream::new(engine);
        let mut hasher = Hasher::default();
        // The module's bytes are kept for the cache only when the loader does not keep them
        // (text is assembled; the binary it validates is not the bytes received).
        let mut text_copy: Option<Vec<u8>> = None;
        let mut buf = vec![0u8; 64 * 1024];
        let mut received: u64 = 0;
        // A module that fails to load is reported once all of it has arrived and its digest is
        // known: an integrity failure says more than the loader's error about the same bytes.
        let mut load_error = None;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(http::body_error(url, e, received, length)),
            };
            let chunk = &buf[..n];
            received += n as u64;
            if received > max {
                return Err(too_large());
            }
            if received == n as u64 && chunk[0] != 0 && self.options.cache.is_some() {
                text_copy = Some(Vec::new());
            }
            if let Some(copy) = &mut text_copy {
                copy.extend_from_slice(chunk);
            }
            hasher.update(chunk);
            if load_error.is_none()
                && let Err(e) = stream.push(chunk)
            {
                load_error = Some(e);
            }
            progress.update(received);
        }
        progress.finish();
        let last_byte = Instant::now();
        if length.is_some_and(|n| received < n) {
            return Err(http::truncated(url.to_string(), received, length));
        }
        let digest = hasher.finish();
        self.check_pin(url, digest)?;
        let functions = stream.functions_validated();
        let module_error = |error| FetchError::Module { url: url.to_string(), error };
        if let Some(error) = load_error {
            return Err(module_error(error));
        }
        let module = stream.finish().map_err(module_error)?;
        let finish = last_byte.elapsed();
        let mut warnings = Vec::new();
        if let Some(cache) = self.cache() {
            let bytes: &[u8] = match &text_copy {
                Some(copy) => copy,
                None => &module.info().bytes,
            };
            let stored = cache
                .store_module(digest, bytes)
                .and_then(|()| cache.store_url(url, digest, &validators).map(drop));
            if let Err(e) = stored {
                warnings.push(format!("could not cache {url}: {e}"));
            }
        }
        let stats = FetchStats {
            bytes: received,
            download: last_byte - started,
            last_byte,
            finish,
            functions_validated_while_downloading: functions,
        };
        Ok(Fetched { module, digest, origin: Origin::Network, stats, warnings })
    }

    /// Refuses a module whose digest is not the pinned one.
    fn check_pin(&self, url: &str, actual: ModuleDigest) -> Result<(), FetchError> {
        match self.options.sha256 {
            Some(expected) if expected != actual => {
                Err(FetchError::Integrity { source_name: url.to_string(), expected, actual })
            }
            _ => Ok(()),
        }
    }
}
