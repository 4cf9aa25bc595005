//! `silo-wasi` gives guests `wasi_snapshot_preview1`, so ordinary programs compiled for
//! `wasm32-wasi` run unchanged, and it gives them nothing they were not granted: the host builds a
//! [`WasiCtx`] that lists the arguments, environment variables and standard streams the guest gets
//! (nothing by default), and [`add_to_linker`] wires the preview1 functions to it.
//!
//! Every pointer a guest passes is bounds-checked (`EFAULT`), so a hostile guest cannot reach
//! outside its own memory. Files and directories come with the sandbox's pre-opens (cap-std);
//! until then path functions find no directory. This crate does not decide policy: the host does.

mod ctx;
mod errno;
mod fs;
mod memory;
mod preview1;
mod time;

pub use ctx::{DirPerms, HostFile, OutputBuffer, WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
pub use preview1::{Getter, MODULE, add_to_linker};
