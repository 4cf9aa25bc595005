//! Application streaming for Silo: a module from an `http://` or `https://` URL, validated
//! function by function while it downloads, pinned by its SHA-256 if asked, and kept in a
//! content-addressed cache that remembers each URL's HTTP validators so the next run asks the
//! server only whether it changed.
//!
//! This crate sits beside the facade, above `silo-core` and the loader: it turns bytes from the
//! network or the cache into a [`silo_core::Module`] and never runs anything. Everything read
//! back from the cache is checked (a module's bytes against their digest, an entry against its
//! URL) and a bad entry is dropped with a warning, never trusted.
//!
//! ```no_run
//! use silo_fetch::{Cache, FetchOptions, Fetcher};
//!
//! let engine = silo_core::Engine::default();
//! let cache = Cache::open(Cache::default_dir().unwrap())?;
//! let fetcher = Fetcher::new(FetchOptions { cache: Some(cache), ..FetchOptions::default() });
//! let fetched = fetcher.fetch(&engine, "https://example.org/app.wasm")?;
//! println!("{} bytes, sha256 {}", fetched.stats.bytes, fetched.digest);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cache;
mod digest;
mod error;
mod fetcher;
pub mod http;
mod progress;

pub use cache::Cache;
pub use digest::{BadDigest, Hasher, ModuleDigest};
pub use error::FetchError;
pub use fetcher::{FetchOptions, FetchStats, Fetched, Fetcher, LoadCached, Origin, is_url};
