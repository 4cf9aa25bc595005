//! The manifest: a TOML file declaring a [`Policy`]. The schema is documented on
//! [`Policy::from_toml_str`]; `examples/policy.toml` is a complete, commented example.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::policy::{self, ZERO_CALL_DEPTH, ZERO_FUEL, ZERO_INSTANCES, ZERO_TIMEOUT};
use crate::{Clocks, DirGrant, EnvGrant, Policy, PolicyError, Quotas, Stdio, units};

/// Manifests larger than this are refused before parsing.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// The name manifest errors use for text that did not come from a file.
const NO_FILE: &str = "<manifest>";

impl Policy {
    /// Parses a manifest. Relative host paths stay relative (to the process's working directory);
    /// use [`Policy::load`] to resolve them against the manifest's directory.
    ///
    /// The schema (every table and key is optional; unknown keys are errors):
    ///
    /// ```toml
    /// args = ["prog", "--verbose"]   # the guest's argv, program name first
    /// sha256 = "9f86d0…"             # the module must have this SHA-256 (64 hex digits)
    ///
    /// [[dir]]                        # one per pre-opened directory
    /// host = "./data"                # relative to the manifest's directory
    /// guest = "/data"                # default: `host` as written
    /// read_only = false              # default: false
    ///
    /// [env]
    /// LANG = "C.UTF-8"               # a literal value (values are granted sorted by name)
    /// inherit = ["HOME", "TERM"]     # then these, with the host's value when set;
    ///                                #   `inherit` is reserved: not a variable name here
    ///
    /// [stdio]                        # each: "inherit" | "null" | "pipe" | { file = "path" }
    /// stdin = "null"                 # default for all three: "null"
    /// stdout = "inherit"
    /// stderr = { file = "err.log" }
    ///
    /// [clocks]
    /// mode = "virtual"               # "real" | "virtual" (default)
    ///
    /// [random]
    /// seed = 42                      # deterministic `random_get`; default: host entropy
    ///
    /// [limits]                       # each omitted limit is unlimited
    /// memory = "64MiB"               # per linear memory; sizes: integer bytes or "4096",
    /// total_memory = "256MiB"        #   "512KiB", "64MiB", "1GiB", "10MB" (decimal)...
    /// gc_heap = "64MiB"              # the garbage-collected heap (structs, arrays)
    /// table_elements = 10000
    /// instances = 10
    /// fuel = 1_000_000_000
    /// timeout = "5s"                 # "1500ms", "2m", "1h 30m"
    /// call_depth = 10000
    /// open_files = 64
    /// output = "1MiB"                # stdout and stderr together
    /// threads = 8                    # threads at once besides the first (wasi-threads)
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        parse(text, NO_FILE, None)
    }

    /// Reads and parses a manifest file; relative host paths in it (directories, stdio files)
    /// are resolved against the manifest's directory.
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        let path = path.as_ref();
        let read_error = |source| PolicyError::Read { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(read_error)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(file, MAX_MANIFEST_BYTES + 1),
            &mut bytes,
        )
        .map_err(read_error)?;
        let name = path.display().to_string();
        let whole =
            |message: String| PolicyError::Manifest { file: name.clone(), line: None, message };
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(whole(format!(
                "the manifest is larger than {}",
                units::format_size(MAX_MANIFEST_BYTES)
            )));
        }
        let text = String::from_utf8(bytes)
            .map_err(|e| whole(format!("the manifest is not UTF-8: {e}")))?;
        parse(&text, &name, Some(path.parent().unwrap_or(Path::new(""))))
    }
}

/// Parses `text`, naming it `file` in errors and resolving relative paths against `base`.
fn parse(text: &str, file: &str, base: Option<&Path>) -> Result<Policy, PolicyError> {
    let raw: RawManifest = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let at = |span: std::ops::Range<usize>, message: String| PolicyError::Manifest {
        file: file.to_string(),
        line: Some(line_of(text, span.start)),
        message,
    };
    let resolve = |p: PathBuf| match base {
        Some(base) if p.is_relative() => base.join(p.strip_prefix(".").unwrap_or(&p)),
        _ => p,
    };

    let mut dirs: Vec<(DirGrant, std::ops::Range<usize>)> = Vec::new();
    for d in raw.dir {
        let (guest, span) = match d.guest {
            Some(g) => (g.get_ref().clone(), g.span()),
            None => (d.host.get_ref().clone(), d.host.span()),
        };
        policy::check_guest_path(&guest).map_err(|e| at(span.clone(), format!("[[dir]]: {e}")))?;
        if let Some((first, _)) =
            dirs.iter().find(|(g, _)| policy::guest_key(&g.guest) == policy::guest_key(&guest))
        {
            return Err(at(
                span,
                format!("[[dir]]: {}", policy::duplicate_guest(&first.guest, &guest)),
            ));
        }
        let host = resolve(PathBuf::from(d.host.into_inner()));
        dirs.push((DirGrant { host, guest, read_only: d.read_only }, span));
    }

    let stdio = |s: StdioSpec| match s {
        StdioSpec::Inherit => Stdio::Inherit,
        StdioSpec::Null => Stdio::Null,
        StdioSpec::Pipe => Stdio::Pipe,
        StdioSpec::File(p) => Stdio::File(resolve(p)),
    };
    let module_sha256 = match raw.sha256 {
        Some(text) => Some(
            policy::normalize_sha256(text.get_ref())
                .map_err(|e| at(text.span(), format!("sha256: {e}")))?,
        ),
        None => None,
    };
    let l = raw.limits;
    let policy = Policy {
        dirs: dirs.into_iter().map(|(d, _)| d).collect(),
        env: raw.env.0,
        args: raw.args,
        stdin: stdio(raw.stdio.stdin),
        stdout: stdio(raw.stdio.stdout),
        stderr: stdio(raw.stdio.stderr),
        clocks: match raw.clocks.mode {
            ClockMode::Real => Clocks::Real,
            ClockMode::Virtual => Clocks::Virtual,
        },
        random_seed: raw.random.seed,
        limits: Quotas {
            max_memory_bytes: l.memory,
            max_total_memory_bytes: l.total_memory,
            max_gc_heap_bytes: l.gc_heap,
            max_table_elements: l.table_elements,
            max_instances: l.instances,
            fuel: l.fuel,
            timeout: l.timeout,
            max_call_depth: l.call_depth,
            max_open_files: l.open_files,
            max_output_bytes: l.output,
            max_threads: l.threads,
        },
        module_sha256,
    };
    policy.validate().map_err(|e| {
        let message = match e {
            PolicyError::Invalid(m) => m,
            other => other.to_string(),
        };
        PolicyError::Manifest { file: file.to_string(), line: None, message }
    })?;
    Ok(policy)
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Turns a TOML error into one naming the file, the line and the key.
fn toml_error(file: &str, text: &str, err: &toml::de::Error) -> PolicyError {
    let line = err.span().map(|span| line_of(text, span.start));
    let keys = error_keys(err);
    let message = err.message().trim_end();
    let message = match message.strip_prefix("unknown field `").and_then(|m| m.split_once('`')) {
        Some((key, rest)) => {
            let place = match keys.as_deref() {
                None => "at the top level".to_string(),
                Some("dir") => "in [[dir]]".to_string(),
                Some(table) => format!("in [{table}]"),
            };
            let expected = rest.trim_start_matches(',').trim();
            let expected = expected.strip_prefix("expected ").unwrap_or(expected);
            let expected = expected.strip_prefix("one of ").unwrap_or(expected);
            format!("unknown key `{key}` {place}; expected {expected}")
        }
        None => match keys {
            Some(keys) => format!("`{keys}`: {message}"),
            None => message.to_string(),
        },
    };
    let message = message.replace('\n', "; ");
    PolicyError::Manifest { file: file.to_string(), line, message }
}

/// The dotted key path the error is under (`limits.fuel`), when toml knows it. toml keeps it
/// private but prints it as a last line ``in `a.b` `` when the error has no source text.
fn error_keys(err: &toml::de::Error) -> Option<String> {
    let mut bare = err.clone();
    bare.set_input(None);
    let shown = bare.to_string();
    let keys = shown.trim_end().lines().last()?.strip_prefix("in `")?.strip_suffix('`')?;
    (!keys.is_empty()).then(|| keys.to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a manifest table")]
struct RawManifest {
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    sha256: Option<Spanned<String>>,
    #[serde(default)]
    dir: Vec<RawDir>,
    #[serde(default)]
    env: RawEnv,
    #[serde(default)]
    stdio: RawStdio,
    #[serde(default)]
    clocks: RawClocks,
    #[serde(default)]
    random: RawRandom,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [[dir]] table with `host`, `guest` and `read_only`")]
struct RawDir {
    host: Spanned<String>,
    guest: Option<Spanned<String>>,
    #[serde(default)]
    read_only: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, expecting = "a [stdio] table")]
struct RawStdio {
    #[serde(default)]
    stdin: StdioSpec,
    #[serde(default)]
    stdout: StdioSpec,
    #[serde(default)]
    stderr: StdioSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, expecting = "a [clocks] table")]
struct RawClocks {
    #[serde(default)]
    mode: ClockMode,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum ClockMode {
    Real,
    #[default]
    Virtual,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, expecting = "a [random] table")]
struct RawRandom {
    seed: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, expecting = "a [limits] table")]
struct RawLimits {
    #[serde(default, deserialize_with = "size")]
    memory: Option<u64>,
    #[serde(default, deserialize_with = "size")]
    total_memory: Option<u64>,
    #[serde(default, deserialize_with = "size")]
    gc_heap: Option<u64>,
    table_elements: Option<u64>,
    #[serde(default, deserialize_with = "instances")]
    instances: Option<u64>,
    #[serde(default, deserialize_with = "fuel")]
    fuel: Option<u64>,
    #[serde(default, deserialize_with = "timeout")]
    timeout: Option<Duration>,
    #[serde(default, deserialize_with = "call_depth")]
    call_depth: Option<u64>,
    open_files: Option<u64>,
    #[serde(default, deserialize_with = "size")]
    output: Option<u64>,
    threads: Option<u64>,
}

/// `[env]`: string values, plus the reserved key `inherit` holding a list of names.
#[derive(Default)]
struct RawEnv(Vec<EnvGrant>);

impl<'de> Deserialize<'de> for RawEnv {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EnvVisitor;
        impl<'de> Visitor<'de> for EnvVisitor {
            type Value = RawEnv;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of NAME = \"value\" and `inherit = [\"NAME\", ...]`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEnv, A::Error> {
                let mut values = Vec::new();
                let mut inherit: Vec<String> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "inherit" {
                        inherit = map.next_value()?;
                        continue;
                    }
                    policy::check_env_key(&key).map_err(de::Error::custom)?;
                    let value: String = map.next_value()?;
                    policy::check_env_value(&key, &value).map_err(de::Error::custom)?;
                    values.push(EnvGrant::Value { key, value });
                }
                for (i, key) in inherit.iter().enumerate() {
                    policy::check_env_key(key).map_err(de::Error::custom)?;
                    if inherit[..i].contains(key) || values.iter().any(|v| v.key() == key) {
                        let why = format!("environment variable `{key}` is granted twice");
                        return Err(de::Error::custom(why));
                    }
                }
                values.sort_by(|a, b| a.key().cmp(b.key()));
                values.extend(inherit.into_iter().map(|key| EnvGrant::Inherit { key }));
                Ok(RawEnv(values))
            }
        }
        d.deserialize_map(EnvVisitor)
    }
}

/// A stdio entry: `"inherit"`, `"null"`, `"pipe"` or `{ file = "path" }`.
#[derive(Default)]
enum StdioSpec {
    Inherit,
    #[default]
    Null,
    Pipe,
    File(PathBuf),
}

const STDIO_EXPECTED: &str = "\"inherit\", \"null\", \"pipe\" or { file = \"path\" }";

impl<'de> Deserialize<'de> for StdioSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StdioVisitor;
        impl<'de> Visitor<'de> for StdioVisitor {
            type Value = StdioSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(STDIO_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StdioSpec, E> {
                match s {
                    "inherit" => Ok(StdioSpec::Inherit),
                    "null" => Ok(StdioSpec::Null),
                    "pipe" => Ok(StdioSpec::Pipe),
                    _ => Err(E::custom(format!("unknown stdio `{s}`; expected {STDIO_EXPECTED}"))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StdioSpec, A::Error> {
                let mut file: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "file" || file.is_some() {
                        let why = format!(
                            "unexpected key `{key}` in a stdio table; expected {STDIO_EXPECTED}"
                        );
                        return Err(de::Error::custom(why));
                    }
                    file = Some(map.next_value()?);
                }
                match file {
                    Some(f) if !f.is_empty() && !f.contains('\0') => Ok(StdioSpec::File(f.into())),
                    Some(_) => {
                        Err(de::Error::custom("stdio file path is empty or contains a NUL byte"))
                    }
                    None => Err(de::Error::custom(format!("expected {STDIO_EXPECTED}"))),
                }
            }
        }
        d.deserialize_any(StdioVisitor)
    }
}

/// A size: an integer number of bytes or a string such as `"64MiB"`.
fn size<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct SizeVisitor;
    impl Visitor<'_> for SizeVisitor {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a size such as \"64MiB\" or a number of bytes")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<u64, E> {
            u64::try_from(n)
                .map_err(|_| E::custom(format!("invalid size {n}: sizes cannot be negative")))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<u64, E> {
            units::parse_size(s).map_err(E::custom)
        }
    }
    d.deserialize_any(SizeVisitor).map(Some)
}

/// A duration string such as `"5s"`, never zero.
fn timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    struct DurationVisitor;
    impl Visitor<'_> for DurationVisitor {
        type Value = Duration;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a duration string such as \"5s\", \"1500ms\" or \"2m\"")
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Duration, E> {
            match units::parse_duration(s).map_err(E::custom)? {
                Duration::ZERO => Err(E::custom(ZERO_TIMEOUT)),
                t => Ok(t),
            }
        }
    }
    d.deserialize_str(DurationVisitor).map(Some)
}

/// A count that must not be zero, for the reason `why`.
fn nonzero<'de, D: Deserializer<'de>>(d: D, why: &str) -> Result<Option<u64>, D::Error> {
    match u64::deserialize(d)? {
        0 => Err(de::Error::custom(why)),
        n => Ok(Some(n)),
    }
}

fn fuel<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    nonzero(d, ZERO_FUEL)
}

fn instances<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    nonzero(d, ZERO_INSTANCES)
}

fn call_depth<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    nonzero(d, ZERO_CALL_DEPTH)
}
