//! Keeping the cache in bounds: what it holds (`silo cache list`), removing what was not used
//! lately (`silo cache clean --older-than`), and evicting the least recently used modules when
//! it grows past its size limit.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{Cache, UrlEntry};

/// One cached module.
#[derive(Clone, Debug)]
pub struct Listing {
    /// Its SHA-256, in hexadecimal.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last stored or used.
    pub last_used: SystemTime,
    /// The URLs that served it last.
    pub urls: Vec<String>,
}

/// What a clean removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Modules removed.
    pub modules: usize,
    /// Compiled-code entries removed.
    pub code: usize,
    /// Their bytes, together.
    pub bytes: u64,
}

/// A module file: its path, size and last use.
struct ModuleFile {
    path: PathBuf,
    sha256: String,
    size: u64,
    last_used: SystemTime,
}

impl Cache {
    /// The modules the cache holds, most recently used first.
    pub fn list(&self) -> io::Result<Vec<Listing>> {
        let mut urls: HashMap<String, Vec<String>> = HashMap::new();
        for entry in self.url_entries()? {
            urls.entry(entry.sha256).or_default().push(entry.url);
        }
        let mut files = self.files("modules", ".wasm")?;
        files.sort_by_key(|f| std::cmp::Reverse(f.last_used));
        Ok(files
            .into_iter()
            .map(|f| Listing {
                urls: urls.remove(&f.sha256).unwrap_or_default(),
                sha256: f.sha256,
                size: f.size,
                last_used: f.last_used,
            })
            .collect())
    }

    /// Removes the modules and compiled code not used for `older_than` (all of them without
    /// it), and the URL entries left without their module. Temporary files of interrupted
    /// writes go too.
    pub fn clean(&self, older_than: Option<Duration>) -> io::Result<Cleaned> {
        let now = SystemTime::now();
        let mut bytes = 0;
        let mut remove = |files: Vec<ModuleFile>| -> io::Result<usize> {
            let mut removed = 0;
            for file in files {
                let age = now.duration_since(file.last_used).unwrap_or_default();
                if older_than.is_none_or(|limit| age >= limit) {
                    fs::remove_file(&file.path)?;
                    removed += 1;
                    bytes += file.size;
                }
            }
            Ok(removed)
        };
        let code = remove(self.files("code", ".silo")?)?;
        let modules = remove(self.files("modules", ".wasm")?)?;
        let cleaned = Cleaned { modules, code, bytes };
        self.drop_orphan_urls()?;
        remove_temporaries(&self.dir.join("modules"))?;
        remove_temporaries(&self.dir.join("urls"))?;
        remove_temporaries(&self.dir.join("code"))?;
        Ok(cleaned)
    }

    /// Removes the least recently used modules and compiled code until the cache is within its
    /// size limit, never `keep` (the file just stored).
    pub(super) fn evict_past_limit(&self, keep: Option<&Path>) {
        let (Ok(mut files), Ok(code)) =
            (self.files("modules", ".wasm"), self.files("code", ".silo"))
        else {
            return;
        };
        files.extend(code);
        let mut total: u64 = files.iter().map(|f| f.size).sum();
        if total <= self.max_bytes {
            return;
        }
        files.sort_by_key(|f| f.last_used);
        for file in files {
            if total <= self.max_bytes {
                break;
            }
            if Some(file.path.as_path()) == keep {
                continue;
            }
            if fs::remove_file(&file.path).is_ok() {
                total -= file.size;
            }
        }
        let _ = self.drop_orphan_urls();
    }

    /// Every file of the cache's `sub` directory named `*suffix`, with its size and last use.
    fn files(&self, sub: &str, suffix: &str) -> io::Result<Vec<ModuleFile>> {
        let mut files = Vec::new();
        for entry in fs::read_dir(self.dir.join(sub))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(sha256) = name.strip_suffix(suffix) else { continue };
            if name.starts_with('.') {
                continue;
            }
            let meta = entry.metadata()?;
            if !meta.is_file() {
                continue;
            }
            files.push(ModuleFile {
                path: entry.path(),
                sha256: sha256.to_string(),
                size: meta.len(),
                last_used: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            });
        }
        Ok(files)
    }

    /// Every readable URL entry.
    fn url_entries(&self) -> io::Result<Vec<UrlEntry>> {
        let mut entries = Vec::new();
        for entry in fs::read_dir(self.dir.join("urls"))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "toml")
                && let Ok(text) = fs::read_to_string(&path)
                && let Ok(parsed) = toml::from_str::<UrlEntry>(&text)
            {
                entries.push(parsed);
            }
        }
        Ok(entries)
    }

    /// Removes the URL entries whose module is no longer cached.
    fn drop_orphan_urls(&self) -> io::Result<()> {
        for entry in fs::read_dir(self.dir.join("urls"))? {
            let path = entry?.path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let module = fs::read_to_string(&path)
                .ok()
                .and_then(|text| toml::from_str::<UrlEntry>(&text).ok())
                .map(|e| self.dir.join("modules").join(format!("{}.wasm", e.sha256)));
            if !module.is_some_and(|m| m.is_file()) {
                fs::remove_file(&path)?;
            }
        }
        Ok(())
    }
}

/// How old a temporary file must be to be taken for the leftover of an interrupted write rather
/// than one another process is writing.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);

/// Removes the temporary files (`.NAME.PID.N.tmp`) that interrupted writes left in `dir`.
fn remove_temporaries(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = entry
            .metadata()?
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= STALE_TEMPORARY);
        if name.starts_with('.') && name.ends_with(".tmp") && stale {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
