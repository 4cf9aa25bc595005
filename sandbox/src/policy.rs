//! The policy types: what a guest may touch ([`DirGrant`], [`EnvGrant`], [`Stdio`], [`Clocks`])
//! and how much it may use ([`Quotas`]), with the checks that keep them coherent.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::PolicyError;
use crate::units::format_size;

/// Everything a guest is granted. The default grants nothing: no directory, no environment, no
/// arguments, stdio connected to nothing, a virtual clock, host randomness, and no quota
/// (every limit unlimited: an embedder running untrusted code should set [`Quotas`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// Host directories the guest sees as WASI pre-opens, in order.
    pub dirs: Vec<DirGrant>,
    /// Environment variables the guest sees, in order.
    pub env: Vec<EnvGrant>,
    /// The guest's `argv`, program name included.
    pub args: Vec<String>,
    /// Where the guest's fd 0 reads from.
    pub stdin: Stdio,
    /// Where the guest's fd 1 writes to.
    pub stdout: Stdio,
    /// Where the guest's fd 2 writes to.
    pub stderr: Stdio,
    /// Which clocks the guest reads.
    pub clocks: Clocks,
    /// `Some(seed)`: `random_get` is a deterministic stream from the seed; `None`: host entropy.
    pub random_seed: Option<u64>,
    /// Resource limits.
    pub limits: Quotas,
    /// The SHA-256 the module must have (64 lowercase hexadecimal digits): a module with any
    /// other digest is refused before it runs.
    pub module_sha256: Option<String>,
}

/// A host directory pre-opened for the guest under the name `guest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirGrant {
    /// The host directory.
    pub host: PathBuf,
    /// The name the guest opens it by (`/data`, `.`, `data`).
    pub guest: String,
    /// The guest may read but not create, write, rename or delete anything beneath it.
    pub read_only: bool,
}

/// One environment variable granted to the guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvGrant {
    /// The guest sees `key=value`.
    Value {
        /// The variable's name.
        key: String,
        /// Its value.
        value: String,
    },
    /// The guest sees the host's value of `key`, if the host has it set.
    Inherit {
        /// The variable's name.
        key: String,
    },
}

impl EnvGrant {
    /// The variable's name.
    pub fn key(&self) -> &str {
        match self {
            EnvGrant::Value { key, .. } | EnvGrant::Inherit { key } => key,
        }
    }
}

/// Where a standard stream goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Stdio {
    /// The host process's own stream.
    Inherit,
    /// Nothing: reads see end of file, writes are discarded.
    #[default]
    Null,
    /// A host file: read from for stdin; created or truncated for stdout and stderr.
    File(PathBuf),
    /// A stream the embedder supplies through its API. A manifest may say `pipe` only when the
    /// embedder provides one; the `silo` command line has none to give and rejects it.
    Pipe,
}

/// Which time the guest sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clocks {
    /// The host's clocks.
    Real,
    /// A deterministic clock that does not reveal host time and advances only as the guest runs.
    #[default]
    Virtual,
}

/// Resource limits. `None` is unlimited (the default for every field).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quotas {
    /// Bytes each linear memory may grow to.
    pub max_memory_bytes: Option<u64>,
    /// Bytes all linear memories of the store may hold together.
    pub max_total_memory_bytes: Option<u64>,
    /// Bytes the store's garbage-collected heap (structs, arrays, `externref` boxes) may hold;
    /// the engine's default (1 GiB) when `None`, at most 4 GiB less 64 KiB.
    pub max_gc_heap_bytes: Option<u64>,
    /// Elements each table may grow to.
    pub max_table_elements: Option<u64>,
    /// Instances the store may create.
    pub max_instances: Option<u64>,
    /// Fuel units the guest may consume (about one per instruction).
    pub fuel: Option<u64>,
    /// Wall-clock time the guest may run.
    pub timeout: Option<Duration>,
    /// Nested Wasm calls the guest may make.
    pub max_call_depth: Option<u64>,
    /// Files and directories the guest may hold open at once (stdio and pre-opens excluded).
    pub max_open_files: Option<u64>,
    /// Bytes the guest may write to stdout and stderr together.
    pub max_output_bytes: Option<u64>,
    /// Threads the guest may run at once besides its first (`wasi-threads`); at most
    /// [`MAX_THREADS`], which is also the limit when `None`.
    pub max_threads: Option<u64>,
}

/// The most threads a guest may run at once besides its first, whatever its policy says: each is
/// a host thread.
pub const MAX_THREADS: u64 = 4096;

pub(crate) const ZERO_FUEL: &str = "0 fuel would stop the guest before its first instruction";
pub(crate) const ZERO_INSTANCES: &str = "0 instances would forbid instantiating any module";
pub(crate) const ZERO_CALL_DEPTH: &str =
    "a call depth of 0 would forbid calling the entry function";
pub(crate) const ZERO_TIMEOUT: &str = "a timeout of 0 would stop the guest before it starts";

impl Quotas {
    /// Rejects limits under which no guest could run, and a per-memory limit above the total.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let zero = [
            (self.fuel == Some(0), "fuel", ZERO_FUEL),
            (self.max_instances == Some(0), "instances", ZERO_INSTANCES),
            (self.max_call_depth == Some(0), "call_depth", ZERO_CALL_DEPTH),
            (self.timeout == Some(Duration::ZERO), "timeout", ZERO_TIMEOUT),
        ];
        if let Some((_, key, why)) = zero.iter().find(|(is_zero, ..)| *is_zero) {
            return Err(PolicyError::Invalid(format!("limits.{key}: {why}")));
        }
        if let Some(bytes) = self.max_gc_heap_bytes
            && bytes > silo_core::MAX_GC_HEAP_BYTES
        {
            return Err(PolicyError::Invalid(format!(
                "limits.gc_heap ({}) exceeds the largest heap, 4 GiB less 64 KiB (references are \
                 32-bit offsets)",
                format_size(bytes)
            )));
        }
        if let Some(n) = self.max_threads
            && n > MAX_THREADS
        {
            return Err(PolicyError::Invalid(format!(
                "limits.threads ({n}) exceeds the most a guest may run, {MAX_THREADS}"
            )));
        }
        if let (Some(each), Some(total)) = (self.max_memory_bytes, self.max_total_memory_bytes)
            && each > total
        {
            return Err(PolicyError::Invalid(format!(
                "limits.memory ({}) exceeds limits.total_memory ({})",
                format_size(each),
                format_size(total)
            )));
        }
        Ok(())
    }
}

/// `text` as a SHA-256 digest in 64 lowercase hexadecimal digits (either case, an optional
/// `sha256:` prefix), or why it is not one.
pub fn normalize_sha256(text: &str) -> Result<String, String> {
    let hex = text.trim().strip_prefix("sha256:").unwrap_or(text.trim());
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{text}` is not a SHA-256 digest (64 hexadecimal digits)"));
    }
    Ok(hex.to_ascii_lowercase())
}

impl Policy {
    /// Checks the policy as a whole: clean, distinct guest names; non-empty host paths; valid,
    /// distinct environment names; no NUL bytes; sensible quotas. The manifest loader and
    /// [`Policy::apply_overrides`] call it; call it after building a policy by hand.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let invalid = PolicyError::Invalid;
        let mut guests = BTreeMap::new();
        for dir in &self.dirs {
            check_host_path(&dir.host).map_err(|e| invalid(format!("dir `{}`: {e}", dir.guest)))?;
            check_guest_path(&dir.guest).map_err(invalid)?;
            if let Some(first) = guests.insert(guest_key(&dir.guest), &dir.guest) {
                return Err(invalid(duplicate_guest(first, &dir.guest)));
            }
        }
        let mut keys = BTreeMap::new();
        for grant in &self.env {
            check_env_key(grant.key()).map_err(invalid)?;
            if let EnvGrant::Value { key, value } = grant {
                check_env_value(key, value).map_err(invalid)?;
            }
            if keys.insert(grant.key(), ()).is_some() {
                return Err(invalid(format!(
                    "environment variable `{}` is granted twice",
                    grant.key()
                )));
            }
        }
        if let Some(arg) = self.args.iter().find(|a| a.contains('\0')) {
            return Err(invalid(format!("argument {arg:?} contains a NUL byte")));
        }
        for (name, stdio) in
            [("stdin", &self.stdin), ("stdout", &self.stdout), ("stderr", &self.stderr)]
        {
            if let Stdio::File(path) = stdio {
                check_host_path(path).map_err(|e| invalid(format!("{name}: {e}")))?;
            }
        }
        self.limits.validate()
    }

    /// The environment the guest sees: granted values, and inherited variables the host has set
    /// (as UTF-8), looked up with `lookup`.
    pub fn resolve_env_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Vec<(String, String)> {
        self.env
            .iter()
            .filter_map(|grant| match grant {
                EnvGrant::Value { key, value } => Some((key.clone(), value.clone())),
                EnvGrant::Inherit { key } => lookup(key).map(|value| (key.clone(), value)),
            })
            .collect()
    }

    /// The standard streams (`"stdin"`, `"stdout"`, `"stderr"`) set to [`Stdio::Pipe`]: an
    /// embedder must supply them, and a front end that cannot (the `silo` CLI) should refuse.
    pub fn piped_streams(&self) -> Vec<&'static str> {
        [("stdin", &self.stdin), ("stdout", &self.stdout), ("stderr", &self.stderr)]
            .into_iter()
            .filter(|(_, s)| **s == Stdio::Pipe)
            .map(|(name, _)| name)
            .collect()
    }

    /// [`Policy::resolve_env_with`] over the host process's environment.
    pub fn resolve_env(&self) -> Vec<(String, String)> {
        self.resolve_env_with(|key| std::env::var(key).ok())
    }
}

/// The message for two grants of one guest name.
pub(crate) fn duplicate_guest(first: &str, second: &str) -> String {
    if first == second {
        format!("guest path `{second}` is granted twice")
    } else {
        format!("guest paths `{first}` and `{second}` name the same pre-open")
    }
}

/// Checks a guest name: `/`, `.`, or `/`-separated plain components, optionally after a leading
/// `/` or `./`, optionally with one trailing `/`; no `..`, no `.` inside, no `//`, no NUL.
pub(crate) fn check_guest_path(guest: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("guest path `{guest}` {why}"));
    if guest.is_empty() {
        return Err("guest path is empty".to_string());
    }
    if guest.contains('\0') {
        return bad("contains a NUL byte");
    }
    if guest == "/" || guest == "." {
        return Ok(());
    }
    let body = guest.strip_prefix("./").or_else(|| guest.strip_prefix('/')).unwrap_or(guest);
    let body = body.strip_suffix('/').unwrap_or(body);
    for component in body.split('/') {
        match component {
            "" => return bad("has an empty component (`//`)"),
            ".." => return bad("contains `..`"),
            "." => return bad("contains a `.` component"),
            _ => {}
        }
    }
    Ok(())
}

/// The name wasi-libc matches a pre-open by: leading `/` and `./` and a trailing `/` removed, so
/// `/data`, `data` and `./data/` are one pre-open, and so are `/` and `.`.
pub(crate) fn guest_key(guest: &str) -> &str {
    let mut rest = guest;
    loop {
        if let Some(r) = rest.strip_prefix('/').or_else(|| rest.strip_prefix("./")) {
            rest = r;
        } else if rest == "." {
            rest = "";
        } else {
            break;
        }
    }
    rest.strip_suffix('/').unwrap_or(rest)
}

/// Checks a host path: not empty, no NUL byte.
pub(crate) fn check_host_path(path: &std::path::Path) -> Result<(), String> {
    let bytes = path.as_os_str().as_encoded_bytes();
    if bytes.is_empty() {
        Err("host path is empty".to_string())
    } else if bytes.contains(&0) {
        Err(format!("host path {path:?} contains a NUL byte"))
    } else {
        Ok(())
    }
}

/// Checks an environment variable name: not empty, no `=`, no NUL.
pub(crate) fn check_env_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        Err("environment variable name is empty".to_string())
    } else if key.contains('=') {
        Err(format!("environment variable name `{key}` contains `=`"))
    } else if key.contains('\0') {
        Err(format!("environment variable name {key:?} contains a NUL byte"))
    } else {
        Ok(())
    }
}

/// Checks an environment variable value: no NUL.
pub(crate) fn check_env_value(key: &str, value: &str) -> Result<(), String> {
    if value.contains('\0') {
        Err(format!("the value of environment variable `{key}` contains a NUL byte"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(host: &str, guest: &str) -> DirGrant {
        DirGrant { host: host.into(), guest: guest.into(), read_only: false }
    }

    fn invalid(policy: &Policy) -> String {
        policy.validate().unwrap_err().to_string()
    }

    #[test]
    fn default_grants_nothing() {
        let p = Policy::default();
        assert!(p.dirs.is_empty() && p.env.is_empty() && p.args.is_empty());
        assert_eq!((p.stdin, p.stdout, p.stderr), (Stdio::Null, Stdio::Null, Stdio::Null));
        assert_eq!(p.clocks, Clocks::Virtual);
        assert_eq!(p.random_seed, None);
        assert_eq!(p.limits, Quotas::default());
        assert!(Policy::default().validate().is_ok());
    }

    #[test]
    fn guest_paths() {
        for ok in
            ["/", ".", "/data", "data", "./data", "/a/b", "/data/", "a.b", "..x", "/.hidden", "c:d"]
        {
            assert_eq!(check_guest_path(ok), Ok(()), "{ok}");
        }
        let err = |g| check_guest_path(g).unwrap_err();
        assert_eq!(err(""), "guest path is empty");
        assert_eq!(err("/data/../etc"), "guest path `/data/../etc` contains `..`");
        assert_eq!(err(".."), "guest path `..` contains `..`");
        assert_eq!(err("/a/./b"), "guest path `/a/./b` contains a `.` component");
        assert_eq!(err("//a"), "guest path `//a` has an empty component (`//`)");
        assert_eq!(err("/a//b"), "guest path `/a//b` has an empty component (`//`)");
        assert_eq!(err("a\0b"), "guest path `a\0b` contains a NUL byte");
    }

    #[test]
    fn guest_keys_follow_wasi_libc() {
        assert_eq!(guest_key("/data"), "data");
        assert_eq!(guest_key("./data/"), "data");
        assert_eq!(guest_key("data"), "data");
        assert_eq!(guest_key("/"), "");
        assert_eq!(guest_key("."), "");
        assert_eq!(guest_key("/a/b"), "a/b");
    }

    #[test]
    fn duplicate_guests_are_rejected() {
        let mut p =
            Policy { dirs: vec![dir("/x", "/data"), dir("/y", "/data")], ..Policy::default() };
        assert_eq!(invalid(&p), "invalid policy: guest path `/data` is granted twice");
        p.dirs[1].guest = "data/".into();
        assert_eq!(
            invalid(&p),
            "invalid policy: guest paths `/data` and `data/` name the same pre-open"
        );
        p.dirs[1].guest = "/data/sub".into();
        assert!(p.validate().is_ok());
        p.dirs[1].host = PathBuf::new();
        assert_eq!(invalid(&p), "invalid policy: dir `/data/sub`: host path is empty");
    }

    #[test]
    fn env_checks() {
        let value = |k: &str, v: &str| EnvGrant::Value { key: k.into(), value: v.into() };
        let mut p = Policy {
            env: vec![value("A", "1"), EnvGrant::Inherit { key: "A".into() }],
            ..Policy::default()
        };
        assert_eq!(invalid(&p), "invalid policy: environment variable `A` is granted twice");
        p.env = vec![value("A=B", "1")];
        assert_eq!(invalid(&p), "invalid policy: environment variable name `A=B` contains `=`");
        p.env = vec![value("", "1")];
        assert_eq!(invalid(&p), "invalid policy: environment variable name is empty");
        p.env = vec![value("A", "x\0")];
        assert_eq!(
            invalid(&p),
            "invalid policy: the value of environment variable `A` contains a NUL byte"
        );
    }

    #[test]
    fn env_resolution() {
        let p = Policy {
            env: vec![
                EnvGrant::Value { key: "LANG".into(), value: "C".into() },
                EnvGrant::Inherit { key: "HOME".into() },
                EnvGrant::Inherit { key: "UNSET".into() },
            ],
            ..Policy::default()
        };
        let env = p.resolve_env_with(|k| (k == "HOME").then(|| "/home/me".to_string()));
        assert_eq!(env, [("LANG".into(), "C".into()), ("HOME".into(), "/home/me".into())]);
    }

    #[test]
    fn quota_checks() {
        let mut q = Quotas { fuel: Some(0), ..Quotas::default() };
        assert_eq!(
            q.validate().unwrap_err().to_string(),
            format!("invalid policy: limits.fuel: {ZERO_FUEL}")
        );
        q = Quotas { max_instances: Some(0), ..Quotas::default() };
        assert!(q.validate().unwrap_err().to_string().contains("limits.instances"));
        q = Quotas { max_call_depth: Some(0), ..Quotas::default() };
        assert!(q.validate().unwrap_err().to_string().contains("limits.call_depth"));
        q = Quotas { timeout: Some(Duration::ZERO), ..Quotas::default() };
        assert!(q.validate().unwrap_err().to_string().contains("limits.timeout"));
        q = Quotas {
            max_memory_bytes: Some(2 << 20),
            max_total_memory_bytes: Some(1 << 20),
            ..Quotas::default()
        };
        assert_eq!(
            q.validate().unwrap_err().to_string(),
            "invalid policy: limits.memory (2MiB) exceeds limits.total_memory (1MiB)"
        );
        q = Quotas {
            max_memory_bytes: Some(0),
            max_output_bytes: Some(0),
            max_open_files: Some(0),
            ..Quotas::default()
        };
        assert!(q.validate().is_ok(), "zero memory, output and files are meaningful");
    }

    #[test]
    fn piped_streams() {
        let p = Policy { stdin: Stdio::Pipe, stderr: Stdio::Pipe, ..Policy::default() };
        assert_eq!(p.piped_streams(), ["stdin", "stderr"]);
        assert!(Policy::default().piped_streams().is_empty());
    }

    #[test]
    fn nul_in_args_and_stdio() {
        let p = Policy { args: vec!["a\0".into()], ..Policy::default() };
        assert_eq!(invalid(&p), "invalid policy: argument \"a\\0\" contains a NUL byte");
        let p = Policy { stdout: Stdio::File(PathBuf::new()), ..Policy::default() };
        assert_eq!(invalid(&p), "invalid policy: stdout: host path is empty");
    }
}
