//! The sandbox flags of `silo run`: a policy manifest and the grants and quotas that override
//! it, turned into the guest's [`Policy`].

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use silo::sandbox::{Clocks, DirGrant, EnvGrant, Overrides, Policy, Stdio};

#[derive(clap::Args)]
pub struct SandboxArgs {
    /// Read the guest's policy (grants and quotas) from this TOML manifest; the flags below
    /// override it.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Pre-open a host directory: as GUEST if given, else under its host name; `:ro` makes it
    /// read-only.
    #[arg(long = "dir", value_name = "HOST[::GUEST][:ro]", value_parser = DirGrant::parse_flag)]
    dirs: Vec<DirGrant>,
    /// Grant an environment variable with a value, or with the host's value when only NAME is
    /// given (the guest gets none otherwise).
    #[arg(long = "env", value_name = "NAME[=VALUE]", value_parser = EnvGrant::parse_flag)]
    env: Vec<EnvGrant>,
    /// Grant the host's value of an environment variable, if it is set.
    #[arg(long = "env-inherit", value_name = "NAME", value_parser = EnvGrant::parse_inherit_flag)]
    env_inherit: Vec<EnvGrant>,
    /// Stop the guest after about N WebAssembly instructions.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Limit each linear memory, e.g. `64MiB` (`memory.grow` past it returns -1).
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size)]
    max_memory: Option<u64>,
    /// Limit all linear memories, tables and the garbage-collected heap together, e.g. `256MiB`
    /// (a table element counts 8 bytes); a growth past it fails as one past `--max-memory`
    /// does, and the heap then stops with the quota message.
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size)]
    max_total_memory: Option<u64>,
    /// Limit the garbage-collected heap (structs, arrays, `externref` values), e.g. `16MiB`; an
    /// allocation that does not fit after a collection stops the guest. Default 1GiB.
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size)]
    max_gc_heap: Option<u64>,
    /// Limit the elements each table may grow to (`table.grow` past it returns -1).
    #[arg(long, value_name = "N")]
    max_table_elements: Option<u64>,
    /// Stop the guest after this much wall-clock time, e.g. `5s`, `1500ms`.
    #[arg(long, value_name = "DURATION", value_parser = silo::sandbox::parse_duration)]
    timeout: Option<Duration>,
    /// Limit how many WebAssembly calls may be active at once (the call depth).
    #[arg(long, value_name = "N")]
    max_stack: Option<u64>,
    /// Limit the files and directories the guest may have open besides stdio and pre-opens.
    #[arg(long, value_name = "N")]
    max_open_files: Option<u64>,
    /// Limit the bytes the guest may write to stdout and stderr together, e.g. `1MiB`.
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size)]
    max_output: Option<u64>,
    /// Limit the threads a guest may run at once besides its first (wasi-threads; at most
    /// 4096): `pthread_create` past it fails with EAGAIN.
    #[arg(long, value_name = "N")]
    max_threads: Option<u64>,
}

impl SandboxArgs {
    /// The guest's policy: the manifest's (or, without one, the host's stdio and clocks and
    /// nothing else), with the flags merged over it. `argv` replaces the manifest's arguments
    /// when it holds more than the program name, or when there is no manifest.
    pub fn policy(&self, argv: Vec<String>) -> anyhow::Result<Policy> {
        let mut policy = match &self.policy {
            Some(path) => Policy::load(path)?,
            None => Policy {
                stdin: Stdio::Inherit,
                stdout: Stdio::Inherit,
                stderr: Stdio::Inherit,
                clocks: Clocks::Real,
                ..Policy::default()
            },
        };
        let replace_args = self.policy.is_none() || argv.len() > 1 || policy.args.is_empty();
        let overrides = Overrides {
            dirs: self.dirs.clone(),
            env: self.env.iter().chain(&self.env_inherit).cloned().collect(),
            args: replace_args.then_some(argv),
            fuel: self.fuel,
            max_memory_bytes: self.max_memory,
            max_total_memory_bytes: self.max_total_memory,
            max_gc_heap_bytes: self.max_gc_heap,
            max_table_elements: self.max_table_elements,
            timeout: self.timeout,
            max_call_depth: self.max_stack,
            max_open_files: self.max_open_files,
            max_output_bytes: self.max_output,
            max_threads: self.max_threads,
        };
        policy.apply_overrides(&overrides).context("invalid sandbox flags")?;
        policy.validate().context("invalid sandbox policy")?;
        let pipes = [&policy.stdin, &policy.stdout, &policy.stderr];
        if pipes.iter().any(|s| **s == Stdio::Pipe) {
            anyhow::bail!(
                "the policy asks for a `pipe` stream, which only an embedding program can supply; use \"inherit\", \"null\" or {{ file = \"...\" }}"
            );
        }
        Ok(policy)
    }
}
