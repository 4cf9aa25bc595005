//! Command-line overrides: the values of `--dir`, `--env`, `--env-inherit`, `--fuel`,
//! `--max-memory`, `--timeout`, `--max-stack`, `--max-open-files` and `--max-output`, merged over
//! a manifest's policy.

use std::time::Duration;

use crate::policy::{self, ZERO_CALL_DEPTH, ZERO_FUEL, ZERO_TIMEOUT};
use crate::units::ValueError;
use crate::{DirGrant, EnvGrant, Policy, PolicyError};

/// What command-line flags grant or limit; [`Policy::apply_overrides`] merges it into a policy.
/// List entries are added (replacing a grant of the same guest path or variable name); each
/// `Some` quota replaces the policy's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Overrides {
    /// `--dir HOST[::GUEST][:ro]`, parsed with [`DirGrant::parse_flag`].
    pub dirs: Vec<DirGrant>,
    /// `--env K=V`, `--env K` ([`EnvGrant::parse_flag`]) and `--env-inherit K`
    /// ([`EnvGrant::parse_inherit_flag`]), in command-line order.
    pub env: Vec<EnvGrant>,
    /// The guest's argv, when the command line gives one: replaces the manifest's.
    pub args: Option<Vec<String>>,
    /// `--fuel N`.
    pub fuel: Option<u64>,
    /// `--max-memory SIZE` (per linear memory).
    pub max_memory_bytes: Option<u64>,
    /// `--max-total-memory SIZE` (all linear memories, tables and the GC heap together).
    pub max_total_memory_bytes: Option<u64>,
    /// `--max-gc-heap SIZE` (the garbage-collected heap).
    pub max_gc_heap_bytes: Option<u64>,
    /// `--max-table-elements N` (per table).
    pub max_table_elements: Option<u64>,
    /// `--timeout DURATION`.
    pub timeout: Option<Duration>,
    /// `--max-stack N` (call depth).
    pub max_call_depth: Option<u64>,
    /// `--max-open-files N`.
    pub max_open_files: Option<u64>,
    /// `--max-output SIZE`.
    pub max_output_bytes: Option<u64>,
    /// `--max-threads N`.
    pub max_threads: Option<u64>,
}

impl DirGrant {
    /// Parses `--dir HOST[::GUEST][:ro]`: `HOST` alone is seen by the guest under the same name
    /// as written (as wasmtime's `--dir` does); a trailing `:ro` makes the grant read-only (`:rw`,
    /// the default, is accepted too; either in any case). Only `::` and the suffix are special, so
    /// host paths with single colons work; a guest path after `::` has no colon, so another
    /// suffix there (`::/a:RX`) is an error naming it. Usable as a clap `value_parser`.
    pub fn parse_flag(text: &str) -> Result<DirGrant, ValueError> {
        let bad = |why: String| {
            ValueError(format!("invalid --dir `{text}`: {why}; expected HOST[::GUEST][:ro]"))
        };
        // The mode: a last `:ro` or `:rw`, in any case. After a `::` the guest path holds no
        // colon of its own, so anything else there is a mistake, not part of a path.
        let mode = text.rsplit_once(':').and_then(|(spec, mode)| {
            match mode.to_ascii_lowercase().as_str() {
                "ro" => Some((spec, true)),
                "rw" => Some((spec, false)),
                _ => None,
            }
        });
        let (spec, read_only) = match mode {
            Some((spec, ro)) if !spec.ends_with(':') => (spec, ro),
            _ => (text, false),
        };
        let (host, guest) = spec.split_once("::").unwrap_or((spec, spec));
        if spec.contains("::")
            && let Some((_, option)) = guest.rsplit_once(':')
        {
            return Err(bad(format!("unknown option `{option}` (the options are `ro` and `rw`)")));
        }
        policy::check_host_path(host.as_ref()).map_err(bad)?;
        policy::check_guest_path(guest).map_err(bad)?;
        Ok(DirGrant { host: host.into(), guest: guest.to_string(), read_only })
    }

    /// The grant written back as a `--dir` value, for messages.
    fn as_flag(&self) -> String {
        let ro = if self.read_only { ":ro" } else { "" };
        format!("{}::{}{ro}", self.host.display(), self.guest)
    }
}

impl EnvGrant {
    /// Parses `--env K=V` (a value) or `--env K` (inherit `K` from the host, as wasmtime does).
    /// Usable as a clap `value_parser`.
    pub fn parse_flag(text: &str) -> Result<EnvGrant, ValueError> {
        let bad = |why: String| {
            ValueError(format!("invalid --env `{text}`: {why}; expected NAME=VALUE or NAME"))
        };
        match text.split_once('=') {
            Some((key, value)) => {
                policy::check_env_key(key).map_err(bad)?;
                policy::check_env_value(key, value).map_err(bad)?;
                Ok(EnvGrant::Value { key: key.to_string(), value: value.to_string() })
            }
            None => {
                policy::check_env_key(text).map_err(bad)?;
                Ok(EnvGrant::Inherit { key: text.to_string() })
            }
        }
    }

    /// Parses `--env-inherit K`. Usable as a clap `value_parser`.
    pub fn parse_inherit_flag(text: &str) -> Result<EnvGrant, ValueError> {
        policy::check_env_key(text).map_err(|why| {
            ValueError(format!("invalid --env-inherit `{text}`: {why}; expected NAME"))
        })?;
        Ok(EnvGrant::Inherit { key: text.to_string() })
    }
}

impl Policy {
    /// Merges command-line overrides: directories and variables are added, replacing a grant
    /// of the same guest path or name; each given quota replaces the policy's. On error the
    /// policy is left unchanged.
    pub fn apply_overrides(&mut self, o: &Overrides) -> Result<(), PolicyError> {
        let flag = |flag: &'static str, value: String, message: &str| PolicyError::Flag {
            flag,
            value,
            message: message.to_string(),
        };
        let mut merged = self.clone();
        for dir in &o.dirs {
            policy::check_host_path(&dir.host).map_err(|e| flag("--dir", dir.as_flag(), &e))?;
            policy::check_guest_path(&dir.guest).map_err(|e| flag("--dir", dir.as_flag(), &e))?;
            let key = policy::guest_key(&dir.guest);
            match merged.dirs.iter_mut().find(|d| policy::guest_key(&d.guest) == key) {
                Some(existing) => *existing = dir.clone(),
                None => merged.dirs.push(dir.clone()),
            }
        }
        for grant in &o.env {
            let check = policy::check_env_key(grant.key()).and_then(|()| match grant {
                EnvGrant::Value { key, value } => policy::check_env_value(key, value),
                EnvGrant::Inherit { .. } => Ok(()),
            });
            check.map_err(|e| flag("--env", grant.key().to_string(), &e))?;
            match merged.env.iter_mut().find(|e| e.key() == grant.key()) {
                Some(existing) => *existing = grant.clone(),
                None => merged.env.push(grant.clone()),
            }
        }
        if let Some(args) = &o.args {
            merged.args = args.clone();
        }
        let zero = [
            (o.fuel == Some(0), "--fuel", ZERO_FUEL),
            (o.max_call_depth == Some(0), "--max-stack", ZERO_CALL_DEPTH),
            (o.timeout == Some(Duration::ZERO), "--timeout", ZERO_TIMEOUT),
        ];
        if let Some((_, name, why)) = zero.iter().find(|(is_zero, ..)| *is_zero) {
            return Err(flag(name, "0".to_string(), why));
        }
        if let Some(n) = o.max_threads.filter(|&n| n > policy::MAX_THREADS) {
            let why = format!("at most {} threads besides the first", policy::MAX_THREADS);
            return Err(flag("--max-threads", n.to_string(), &why));
        }
        let limits = &mut merged.limits;
        let replace = |slot: &mut Option<u64>, value: Option<u64>| *slot = value.or(*slot);
        replace(&mut limits.fuel, o.fuel);
        replace(&mut limits.max_memory_bytes, o.max_memory_bytes);
        replace(&mut limits.max_total_memory_bytes, o.max_total_memory_bytes);
        replace(&mut limits.max_gc_heap_bytes, o.max_gc_heap_bytes);
        replace(&mut limits.max_table_elements, o.max_table_elements);
        replace(&mut limits.max_call_depth, o.max_call_depth);
        replace(&mut limits.max_open_files, o.max_open_files);
        replace(&mut limits.max_output_bytes, o.max_output_bytes);
        replace(&mut limits.max_threads, o.max_threads);
        limits.timeout = o.timeout.or(limits.timeout);
        merged.validate()?;
        *self = merged;
        Ok(())
    }
}
