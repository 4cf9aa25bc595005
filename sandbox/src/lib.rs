//! The policy of a Silo guest: the capabilities it is granted (pre-opened directories with
//! read-only or read-write rights, environment variables, arguments, stdio, clocks, randomness),
//! the quotas that bound it (memory, table elements, instances, fuel, wall-clock deadline, call
//! depth, open files, output bytes), the TOML manifest that declares them, and the command-line
//! overrides merged on top; and it applies the quotas to a `silo-core` engine and store
//! ([`Policy::configure_engine`], [`Policy::apply_to_store`]). It must not execute guests, touch
//! the files it names, or depend on `silo-wasi`: WASI reads a [`Policy`] and grants what it says
//! (`silo_wasi::WasiCtxBuilder::from_policy`).
//!
//! ```
//! use silo_sandbox::{DirGrant, EnvGrant, Overrides, Policy, parse_size};
//!
//! let mut policy = Policy::from_toml_str(
//!     r#"
//!     args = ["prog"]
//!     [[dir]]
//!     host = "/srv/data"
//!     guest = "/data"
//!     read_only = true
//!     [env]
//!     LANG = "C.UTF-8"
//!     [limits]
//!     memory = "64MiB"
//!     timeout = "5s"
//!     "#,
//! )?;
//! // What `silo run --dir /tmp/out::/out --env DEBUG=1 --max-memory 16MiB` adds on top:
//! policy.apply_overrides(&Overrides {
//!     dirs: vec![DirGrant::parse_flag("/tmp/out::/out")?],
//!     env: vec![EnvGrant::parse_flag("DEBUG=1")?],
//!     max_memory_bytes: Some(parse_size("16MiB")?),
//!     ..Overrides::default()
//! })?;
//! assert_eq!(policy.dirs.len(), 2);
//! assert_eq!(policy.limits.max_memory_bytes, Some(16 << 20));
//! assert_eq!(policy.limits.timeout, Some(std::time::Duration::from_secs(5)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod enforce;
mod error;
mod manifest;
mod overrides;
mod policy;
mod units;

pub use error::PolicyError;
pub use overrides::Overrides;
pub use policy::{
    Clocks, DirGrant, EnvGrant, MAX_THREADS, Policy, Quotas, Stdio, normalize_sha256,
};
pub use units::{ValueError, parse_duration, parse_size};
