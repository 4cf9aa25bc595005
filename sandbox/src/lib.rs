//! The policy of a Silo guest: the capabilities it is granted (pre-opened directories with
//! read-only or read-write rights, environment variables, arguments, stdio, clocks, randomness),
//! the quotas that bound it (memory, table elements, instances, fuel, wall-clock deadline, call
//! depth, open files, output bytes), the TOML manifest that declares them, and the command-line
//! overrides merged on top; and it applies the quotas to a `silo-core` engine and store
//! ([`Policy::configure_engine`], [`Policy::apply_to_store`]). It must not execute guests, touch
//! the files it names, or depend on `silo-wasi`: WASI reads a [`Policy`] and grants what it says
//! (`silo_wasi::WasiCtxBuilder::from_policy`).

mod enforce;
mod error;
mod manifest;
mod overrides;
mod policy;
mod units;

pub use error::PolicyError;
pub use overrides::Overrides;
pub use policy::{Clocks, DirGrant, EnvGrant, Policy, Quotas, Stdio};
pub use units::{ValueError, parse_duration, parse_size};
