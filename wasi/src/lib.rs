//! `silo-wasi` gives guests `wasi_snapshot_preview1`, so ordinary programs compiled for
//! `wasm32-wasi` run unchanged, and it gives them nothing they were not granted: the host builds a
//! [`WasiCtx`] that lists the arguments, environment variables, standard streams and pre-opened
//! directories the guest gets (nothing by default), and [`add_to_linker`] wires the preview1
//! functions to it.
//!
//! Every pointer a guest passes is bounds-checked (`EFAULT`), so a hostile guest cannot reach
//! outside its own memory. Files and directories exist only inside pre-opened directories
//! ([`WasiCtxBuilder::preopened_dir`]), and every path is resolved there by cap-std: `..`,
//! absolute paths and symbolic links cannot lead out (`ENOTCAPABLE`), and a read-only pre-open
//! ([`DirPerms::ReadOnly`]) refuses every change (`EPERM`, as wasmtime answers). Quotas on open
//! descriptors (`EMFILE`) and on bytes written to standard output and error (a trap) are
//! optional, as are virtual clocks for reproducible runs. This crate does not decide policy: the
//! host does.
//!
//! For checkpoints, [`WasiCtx::snapshot`] describes a guest's world as portable data
//! ([`WasiSnapshot`]: no host handle, no capability) and [`WasiCtx::restore`] puts it into a
//! fresh context built from the policy given at resume time, which alone decides what is granted.

#![forbid(unsafe_code)]

mod ctx;
mod errno;
mod fs;
mod memory;
mod policy;
mod preview1;
mod snapshot;
pub mod threads;
mod time;
mod wait;

pub use ctx::{DirPerms, HostFile, OutputBuffer, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use preview1::{Getter, MODULE, add_to_linker};
pub use snapshot::{ClockSnapshot, FdKind, FdSnapshot, WasiSnapshot, WasiSnapshotError};
