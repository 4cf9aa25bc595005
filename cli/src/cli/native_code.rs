//! The one place the command loads native code it cannot verify: a `.silo` file the user
//! vouched for with `--allow-precompiled`, and compiled code from Silo's own cache.
#![allow(unsafe_code)]

use silo::fetch::ModuleDigest;
use silo::{Engine, Error, Module};

/// A module from a `.silo` file. The caller passes only what the user ran with
/// `--allow-precompiled`.
pub fn load_vouched_for(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
    // SAFETY: the user vouched for the file with --allow-precompiled (the flag's documented
    // contract: native code from a trusted source); `deserialize` refuses one from another
    // build, machine or settings, or damaged.
    unsafe { Module::deserialize(engine, bytes) }
}

/// A module from compiled code Silo wrote — to its cache (a directory only this user can
/// write: `Cache::open` refuses another's) or just now in this process — without its module:
/// `wasm` is the module the code was looked up or compiled for, `digest` its SHA-256, and
/// `loaded` the same module already validated, if there is one.
pub fn load_own_for(
    engine: &Engine,
    loaded: Option<&Module>,
    bytes: &[u8],
    wasm: &[u8],
    digest: &ModuleDigest,
) -> Result<Module, Error> {
    // SAFETY: the bytes are `Module::serialize_functions_without_module`'s output, from this
    // process or from the user's private cache; `deserialize_for_module` checks their checksum,
    // build, machine, settings and module digest. `digest` is `ModuleDigest::of(wasm)`, as every
    // caller computes it to find the entry.
    unsafe { Module::deserialize_for_module(engine, bytes, wasm, digest.as_bytes(), loaded) }
}
