//! The module cache (`~/.cache/silo`, `$XDG_CACHE_HOME/silo`, or a directory given): modules
//! stored by the SHA-256 of their bytes, and for each URL fetched the digest of what it served
//! with the HTTP validators to revalidate it.
//!
//! ```text
//! <dir>/modules/<sha256>.wasm   a module's bytes; the name is their digest
//! <dir>/urls/<sha256 of URL>.toml   url, sha256, etag, last_modified, fetched
//! <dir>/code/<key>.silo          a module compiled to native code (`Module::serialize`), by
//!                                the digest of the module and of what the code depends on
//! ```
//!
//! Nothing read from the cache is trusted: a module whose bytes no longer hash to its name, an
//! entry that does not parse or names another URL, is dropped with a warning and fetched again.
//! Files are written atomically and the directory is its owner's only; a file's modification
//! time records its last use, and the least recently used modules go first when the cache grows
//! past its size limit.

mod atomic;
mod maintenance;
mod mapped;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::digest::ModuleDigest;
use crate::http::Validators;

pub use maintenance::{Cleaned, Listing};
pub use mapped::MappedFile;

/// The cache's size limit without [`Cache::with_max_bytes`]: 1 GiB of modules.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// A module cache directory.
pub struct Cache {
    dir: PathBuf,
    max_bytes: u64,
    warnings: Mutex<Vec<String>>,
}

/// What the cache remembers of a URL.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlEntry {
    /// The URL as given.
    pub url: String,
    /// The digest of the module it served last.
    pub sha256: String,
    /// The response's validators.
    #[serde(flatten)]
    pub validators: Validators,
    /// When it was last fetched or revalidated, in seconds since the Unix epoch.
    pub fetched: u64,
}

impl Cache {
    /// The default cache directory: `$XDG_CACHE_HOME/silo`, else `$HOME/.cache/silo`; `None`
    /// when neither variable holds an absolute path.
    pub fn default_dir() -> Option<PathBuf> {
        let absolute =
            |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
        absolute("XDG_CACHE_HOME")
            .map(|d| d.join("silo"))
            .or_else(|| absolute("HOME").map(|h| h.join(".cache").join("silo")))
    }

    /// Opens (creating it if needed, owner-only) the cache in `dir`. A directory owned by
    /// another user is refused.
    pub fn open(dir: impl Into<PathBuf>) -> io::Result<Cache> {
        let dir = dir.into();
        atomic::private_dir(&dir)?;
        for sub in ["modules", "urls", "code"] {
            atomic::private_dir(&dir.join(sub)).map_err(|e| {
                io::Error::new(e.kind(), format!("cache directory `{}`: {e}", dir.display()))
            })?;
        }
        Ok(Cache { dir, max_bytes: DEFAULT_MAX_BYTES, warnings: Mutex::new(Vec::new()) })
    }

    /// Sets the size limit: storing a module evicts the least recently used ones past it.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Cache {
        self.max_bytes = max_bytes;
        self
    }

    /// The cache's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What was found wrong in the cache since the last call (each entry was ignored).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.warnings.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn warn(&self, message: String) {
        self.warnings.lock().unwrap_or_else(|e| e.into_inner()).push(message);
    }

    fn module_path(&self, digest: ModuleDigest) -> PathBuf {
        self.dir.join("modules").join(format!("{digest}.wasm"))
    }

    fn url_path(&self, url: &str) -> PathBuf {
        self.dir.join("urls").join(format!("{}.toml", ModuleDigest::of(url.as_bytes())))
    }

    /// The bytes of the module with this digest (mapped, not copied), if the cache holds them
    /// intact. A copy whose bytes do not hash to its name is removed, with a warning.
    pub fn module(&self, digest: ModuleDigest) -> Option<MappedFile> {
        let path = self.module_path(digest);
        let bytes = MappedFile::open(&path).ok()?;
        if ModuleDigest::of(&bytes) != digest {
            self.warn(format!(
                "ignored the cached module `{}`: its bytes no longer match their digest",
                path.display()
            ));
            let _ = fs::remove_file(&path);
            return None;
        }
        atomic::touch(&path);
        Some(bytes)
    }

    /// Stores a module's bytes under their digest, then keeps the cache within its limit.
    pub fn store_module(&self, digest: ModuleDigest, bytes: &[u8]) -> io::Result<()> {
        let path = self.module_path(digest);
        atomic::write(&path, bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", path.display())))?;
        self.evict_past_limit(Some(&path));
        Ok(())
    }

    fn code_path(&self, key: &str) -> PathBuf {
        self.dir.join("code").join(format!("{}.silo", ModuleDigest::of(key.as_bytes())))
    }

    /// The compiled code stored under `key` (the module's digest with what the code depends
    /// on: `silo_core::native_code_identity`), as stored (mapped, not copied); the loader checks
    /// it.
    pub fn code(&self, key: &str) -> Option<MappedFile> {
        let path = self.code_path(key);
        let bytes = MappedFile::open(&path).ok()?;
        atomic::touch(&path);
        Some(bytes)
    }

    /// Stores compiled code under `key`, then keeps the cache within its limit.
    pub fn store_code(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.code_path(key);
        atomic::write(&path, bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("`{}`: {e}", path.display())))?;
        self.evict_past_limit(Some(&path));
        Ok(())
    }

    /// Drops the compiled code under `key` (it failed to load), with a warning saying why.
    pub fn drop_code(&self, key: &str, why: &str) {
        let path = self.code_path(key);
        self.warn(format!("ignored the cached native code `{}`: {why}", path.display()));
        let _ = fs::remove_file(&path);
    }

    /// What the cache remembers of `url`; an entry that is unreadable or is another URL's is
    /// removed, with a warning.
    pub fn url(&self, url: &str) -> Option<UrlEntry> {
        let path = self.url_path(url);
        let text = fs::read_to_string(&path).ok()?;
        match toml::from_str::<UrlEntry>(&text) {
            Ok(entry) if entry.url == url && entry.sha256.parse::<ModuleDigest>().is_ok() => {
                Some(entry)
            }
            Ok(_) => {
                self.warn(format!("ignored `{}`: it is not the entry of {url}", path.display()));
                let _ = fs::remove_file(&path);
                None
            }
            Err(e) => {
                let why = e.message().to_string();
                self.warn(format!("ignored the damaged cache entry `{}`: {why}", path.display()));
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Records that `url` served the module `digest` now, with these validators.
    pub fn store_url(
        &self,
        url: &str,
        digest: ModuleDigest,
        validators: &Validators,
    ) -> io::Result<UrlEntry> {
        let fetched = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let entry = UrlEntry {
            url: url.to_string(),
            sha256: digest.to_hex(),
            validators: validators.clone(),
            fetched,
        };
        let text = toml::to_string(&entry).map_err(io::Error::other)?;
        atomic::write(&self.url_path(url), text.as_bytes())?;
        Ok(entry)
    }
}

#[cfg(test)]
mod tests;
