//! Sandbox policies (silo.h): what a WASI guest is granted and how much it may use, loaded from a
//! TOML manifest (the file `silo run --policy` reads) or granted one item at a time; applied to an
//! engine configuration (the checks its quotas need), to a linker (the WASI world) and to the
//! store (its quotas). And which quota stopped or refused a guest.

use std::ffi::{CStr, c_char};
use std::path::PathBuf;
use std::time::Duration;

use silo::fetch::ModuleDigest;
use silo::sandbox::{DirGrant, EnvGrant, Policy, Stdio};
use silo::wasi::WasiCtxBuilder;
use silo::{Quota, TrapCode};

use crate::engine::{StoreData, wasm_config_t, wasm_store_t};
use crate::silo_ext::{error, silo_error_t};
use crate::types::delete_boxed;
use crate::vec::wasm_byte_vec_t;
use crate::wasi::silo_linker_t;

/// A sandbox policy. A new one grants nothing and sets no quota.
pub struct silo_policy_t {
    policy: Policy,
}

/// The quotas, as silo.h numbers them.
const SILO_QUOTA_NONE: u8 = 0;
const SILO_QUOTA_MEMORY: u8 = 1;
const SILO_QUOTA_TOTAL_MEMORY: u8 = 2;
const SILO_QUOTA_TABLE_ELEMENTS: u8 = 3;
const SILO_QUOTA_INSTANCES: u8 = 4;
const SILO_QUOTA_FUEL: u8 = 5;
const SILO_QUOTA_TIMEOUT: u8 = 6;
const SILO_QUOTA_CALL_DEPTH: u8 = 7;
const SILO_QUOTA_GC_HEAP: u8 = 8;
const SILO_QUOTA_OPEN_FILES: u8 = 9;
const SILO_QUOTA_OUTPUT: u8 = 10;
const SILO_QUOTA_THREADS: u8 = 11;

/// silo.h's number for a quota of the store.
pub(crate) fn quota_number(quota: Quota) -> u8 {
    match quota {
        Quota::Memory => SILO_QUOTA_MEMORY,
        Quota::TotalMemory => SILO_QUOTA_TOTAL_MEMORY,
        Quota::TableElements => SILO_QUOTA_TABLE_ELEMENTS,
        Quota::Instances => SILO_QUOTA_INSTANCES,
        Quota::Fuel => SILO_QUOTA_FUEL,
        Quota::Deadline => SILO_QUOTA_TIMEOUT,
        Quota::CallDepth => SILO_QUOTA_CALL_DEPTH,
    }
}

/// Which quota a trap is, judged when it happened (`store` is where it happened): silo.h's number,
/// `SILO_QUOTA_NONE` for a trap that is no quota's.
pub(crate) fn quota_of_trap(trap: &silo::Trap, store: *mut wasm_store_t) -> u8 {
    // SAFETY: the trap comes from a call in `store`, which is live and this thread's (callers).
    let (last, output_spent) = unsafe {
        wasm_store_t::with(store, |ctx| {
            let last = ctx.last_quota_hit().map(|hit| hit.quota);
            let output = ctx.data().wasi.as_ref().is_some_and(|w| w.output_quota_reached());
            (last, output)
        })
    };
    match trap.code() {
        TrapCode::OutOfFuel => SILO_QUOTA_FUEL,
        TrapCode::DeadlineExceeded => SILO_QUOTA_TIMEOUT,
        TrapCode::StackOverflow if last == Some(Quota::CallDepth) => SILO_QUOTA_CALL_DEPTH,
        // The heap's own quota and its share of the total say so in their messages; memory,
        // table and instance quotas record the hit in the store.
        TrapCode::ResourceLimit if trap.message().starts_with("gc heap quota") => {
            SILO_QUOTA_GC_HEAP
        }
        TrapCode::ResourceLimit if trap.message().starts_with("total memory quota") => {
            SILO_QUOTA_TOTAL_MEMORY
        }
        TrapCode::ResourceLimit => last.map_or(SILO_QUOTA_NONE, quota_number),
        TrapCode::Host if output_spent => SILO_QUOTA_OUTPUT,
        _ => SILO_QUOTA_NONE,
    }
}

/// A C string as text; `None` for NULL.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
unsafe fn text(s: *const c_char) -> Option<String> {
    // SAFETY: this fn's contract.
    (!s.is_null()).then(|| unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned())
}

/// Changes the policy with `f`, then checks it as a whole; on any failure the policy is left as
/// it was and the error returned.
///
/// # Safety
/// `policy` is NULL or a live policy.
unsafe fn change(
    policy: *mut silo_policy_t,
    what: &str,
    f: impl FnOnce(&mut Policy) -> Result<(), String>,
) -> *mut silo_error_t {
    // SAFETY: this fn's contract.
    let Some(p) = (unsafe { policy.as_mut() }) else {
        return error(format!("{what}: NULL argument"));
    };
    let mut changed = p.policy.clone();
    if let Err(e) = f(&mut changed) {
        return error(format!("{what}: {e}"));
    }
    match changed.validate() {
        Ok(()) => {
            p.policy = changed;
            std::ptr::null_mut()
        }
        Err(e) => error(format!("{what}: {e}")),
    }
}

/// A policy that grants nothing and sets no quota.
#[unsafe(no_mangle)]
pub extern "C" fn silo_policy_new() -> *mut silo_policy_t {
    crate::into_raw(silo_policy_t { policy: Policy::default() })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_delete(policy: *mut silo_policy_t) {
    // SAFETY: `policy` is NULL or a policy given back to us (silo.h).
    unsafe { delete_boxed(policy) }
}

/// Writes `policy` to `*out` (if it is `Ok`), or returns its error.
///
/// # Safety
/// `out` is room for a pointer (checked for NULL by the callers).
unsafe fn give(
    out: *mut *mut silo_policy_t,
    policy: Result<Policy, silo::sandbox::PolicyError>,
) -> *mut silo_error_t {
    match policy {
        Ok(policy) => {
            // SAFETY: this fn's contract.
            unsafe { out.write(crate::into_raw(silo_policy_t { policy })) };
            std::ptr::null_mut()
        }
        Err(e) => error(e.to_string()),
    }
}

/// Reads the TOML manifest at `path` (the format of `silo run --policy`; relative directories in
/// it are taken from the manifest's own directory) into a new policy written to `*out`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_load(
    path: *const c_char,
    out: *mut *mut silo_policy_t,
) -> *mut silo_error_t {
    // SAFETY: `path` is NULL or NUL-terminated (silo.h).
    let (Some(path), false) = (unsafe { text(path) }, out.is_null()) else {
        return error("silo_policy_load: NULL argument");
    };
    // SAFETY: `out` is room for a pointer (silo.h; not NULL).
    crate::guard(error, || unsafe { give(out, Policy::load(&path)) })
}

/// Reads a TOML manifest from `len` bytes of text into a new policy written to `*out`; relative
/// directories in it are taken from the current directory.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_parse(
    text: *const u8,
    len: usize,
    out: *mut *mut silo_policy_t,
) -> *mut silo_error_t {
    if out.is_null() || (text.is_null() && len > 0) {
        return error("silo_policy_parse: NULL argument");
    }
    let bytes = if len == 0 {
        &[][..]
    } else {
        // SAFETY: `text` points to `len` readable bytes (silo.h).
        unsafe { std::slice::from_raw_parts(text, len) }
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return error("silo_policy_parse: the manifest is not UTF-8");
    };
    // SAFETY: `out` is room for a pointer (silo.h; not NULL).
    crate::guard(error, || unsafe { give(out, Policy::from_toml_str(text)) })
}

/// Grants the host directory `host_path` as `guest_path` (read-only if `read_only`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_grant_dir(
    policy: *mut silo_policy_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    read_only: bool,
) -> *mut silo_error_t {
    // SAFETY: the paths are NULL or NUL-terminated (silo.h).
    let paths = unsafe { (text(host_path), text(guest_path)) };
    // SAFETY: `policy` is NULL or live (silo.h).
    unsafe {
        change(policy, "silo_policy_grant_dir", |p| {
            let (Some(host), Some(guest)) = paths else { return Err("NULL path".into()) };
            p.dirs.push(DirGrant { host: PathBuf::from(host), guest, read_only });
            Ok(())
        })
    }
}

/// Grants the environment variable `key=value`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_set_env(
    policy: *mut silo_policy_t,
    key: *const c_char,
    value: *const c_char,
) -> *mut silo_error_t {
    // SAFETY: both are NULL or NUL-terminated (silo.h).
    let pair = unsafe { (text(key), text(value)) };
    // SAFETY: `policy` is NULL or live (silo.h).
    unsafe {
        change(policy, "silo_policy_set_env", |p| {
            let (Some(key), Some(value)) = pair else { return Err("NULL string".into()) };
            p.env.push(EnvGrant::Value { key, value });
            Ok(())
        })
    }
}

/// Grants the host's value of the environment variable `key`, if the host has it set when WASI
/// is defined.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_inherit_env(
    policy: *mut silo_policy_t,
    key: *const c_char,
) -> *mut silo_error_t {
    // SAFETY: `key` is NULL or NUL-terminated (silo.h).
    let key = unsafe { text(key) };
    // SAFETY: `policy` is NULL or live (silo.h).
    unsafe {
        change(policy, "silo_policy_inherit_env", |p| {
            let key = key.ok_or("NULL string")?;
            p.env.push(EnvGrant::Inherit { key });
            Ok(())
        })
    }
}

/// Sets the guest's arguments (the first is the program name), replacing the manifest's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_set_argv(
    policy: *mut silo_policy_t,
    argc: usize,
    argv: *const *const c_char,
) -> *mut silo_error_t {
    if argc > 0 && argv.is_null() {
        return error("silo_policy_set_argv: NULL argument");
    }
    // SAFETY: `argv` holds `argc` pointers, each NULL or NUL-terminated (silo.h).
    let args: Option<Vec<String>> = (0..argc).map(|i| unsafe { text(*argv.add(i)) }).collect();
    // SAFETY: `policy` is NULL or live (silo.h).
    unsafe {
        change(policy, "silo_policy_set_argv", |p| {
            p.args = args.ok_or("NULL argument string")?;
            Ok(())
        })
    }
}

/// Gives the guest the host's standard input, output and error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_inherit_stdio(
    policy: *mut silo_policy_t,
) -> *mut silo_error_t {
    // SAFETY: `policy` is NULL or live (silo.h).
    unsafe {
        change(policy, "silo_policy_inherit_stdio", |p| {
            (p.stdin, p.stdout, p.stderr) = (Stdio::Inherit, Stdio::Inherit, Stdio::Inherit);
            Ok(())
        })
    }
}

/// Sets one quota: bytes for the memory quotas and the GC heap, milliseconds for the timeout, a
/// count for the others. A limit no guest could run under (0 fuel, a per-memory limit above the
/// total, a heap past 4 GiB) is refused with the reason, as a manifest's would be.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_set_quota(
    policy: *mut silo_policy_t,
    quota: u8,
    limit: u64,
) -> *mut silo_error_t {
    // SAFETY: `policy` is NULL or live (silo.h).
    unsafe {
        change(policy, "silo_policy_set_quota", |p| {
            let q = &mut p.limits;
            let field = match quota {
                SILO_QUOTA_MEMORY => &mut q.max_memory_bytes,
                SILO_QUOTA_TOTAL_MEMORY => &mut q.max_total_memory_bytes,
                SILO_QUOTA_TABLE_ELEMENTS => &mut q.max_table_elements,
                SILO_QUOTA_INSTANCES => &mut q.max_instances,
                SILO_QUOTA_FUEL => &mut q.fuel,
                SILO_QUOTA_CALL_DEPTH => &mut q.max_call_depth,
                SILO_QUOTA_GC_HEAP => &mut q.max_gc_heap_bytes,
                SILO_QUOTA_OPEN_FILES => &mut q.max_open_files,
                SILO_QUOTA_OUTPUT => &mut q.max_output_bytes,
                SILO_QUOTA_THREADS => &mut q.max_threads,
                SILO_QUOTA_TIMEOUT => {
                    q.timeout = Some(Duration::from_millis(limit));
                    return Ok(());
                }
                other => return Err(format!("unknown quota {other}")),
            };
            *field = Some(limit);
            Ok(())
        })
    }
}

/// Refuses `binary` unless the policy pins no module or its SHA-256 is the pinned one.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_policy_check_module(
    policy: *const silo_policy_t,
    binary: *const wasm_byte_vec_t,
) -> *mut silo_error_t {
    // SAFETY: each is NULL or live (silo.h).
    let (Some(p), Some(binary)) = (unsafe { policy.as_ref() }, unsafe { binary.as_ref() }) else {
        return error("silo_policy_check_module: NULL argument");
    };
    let Some(pinned) = p.policy.module_sha256.as_deref() else { return std::ptr::null_mut() };
    let want: ModuleDigest = match pinned.parse() {
        Ok(want) => want,
        Err(e) => return error(format!("the policy's sha256: {e}")),
    };
    // SAFETY: a live byte vector (silo.h).
    let actual = ModuleDigest::of(unsafe { binary.as_slice() });
    if actual == want {
        std::ptr::null_mut()
    } else {
        error(format!("the module's SHA-256 is {actual}, the policy requires {want}"))
    }
}

/// Turns on in `config` what the policy's quotas need from the engine (fuel metering, deadline
/// checks, call counting, the GC heap's limit). False on NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_config_apply_policy(
    config: *mut wasm_config_t,
    policy: *const silo_policy_t,
) -> bool {
    // SAFETY: each is NULL or live (silo.h).
    match (unsafe { config.as_mut() }, unsafe { policy.as_ref() }) {
        (Some(c), Some(p)) => {
            p.policy.configure_engine(&mut c.config);
            true
        }
        _ => false,
    }
}

/// Defines WASI in the linker with exactly what `policy` grants (directories, environment,
/// arguments, standard streams, clocks, randomness, open-file and output quotas) and sets the
/// store's quotas from it (memory, tables, instances, fuel, call depth; the timeout starts now).
/// The policy stays the caller's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_linker_define_wasi_policy(
    linker: *mut silo_linker_t,
    policy: *const silo_policy_t,
) -> *mut silo_error_t {
    // SAFETY: each is NULL or live (silo.h).
    let (Some(l), Some(p)) = (unsafe { linker.as_mut() }, unsafe { policy.as_ref() }) else {
        return error("silo_linker_define_wasi_policy: NULL argument");
    };
    let policy = &p.policy;
    if let Some(stream) = policy.piped_streams().first() {
        return error(format!("the policy's {stream} is `pipe`, which the C API cannot supply"));
    }
    crate::guard(error, || {
        let ctx = match WasiCtxBuilder::from_policy(policy) {
            Ok(mut builder) => builder.build(),
            Err(e) => return error(e.to_string()),
        };
        let quotas = |store: &mut silo::Store<StoreData>| {
            store.data_mut().wasi = Some(ctx);
            policy.apply_to_store(store)
        };
        // SAFETY: the linker's store is live and this thread's (silo.h).
        match unsafe { wasm_store_t::with_store(l.store(), quotas) } {
            None => return error("the store is lent to a running host callback"),
            Some(Err(e)) => return error(e.to_string()),
            Some(Ok(())) => {}
        }
        l.define_wasi()
    })
}

/// The quota that stopped the guest with this trap (`SILO_QUOTA_NONE` if the trap is not a
/// quota's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_trap_quota(trap: *const crate::trap::wasm_trap_t) -> u8 {
    // SAFETY: `trap` is NULL or live (silo.h).
    unsafe { trap.as_ref() }.map_or(SILO_QUOTA_NONE, |t| t.quota())
}

/// The last quota of the store's own (memory, total memory, table elements, instances, fuel,
/// timeout, call depth) that refused the guest something — a `memory.grow` that returned -1
/// included — with its limit and what was asked for, in the quota's unit. False if none has.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn silo_store_last_quota_hit(
    store: *mut wasm_store_t,
    quota: *mut u8,
    limit: *mut u64,
    requested: *mut u64,
) -> bool {
    if store.is_null() {
        return false;
    }
    // SAFETY: `store` is live and this thread's (silo.h).
    let hit = unsafe { wasm_store_t::with(store, |ctx| ctx.last_quota_hit().cloned()) };
    let Some(hit) = hit else { return false };
    for (out, value) in [(limit, hit.limit), (requested, hit.requested)] {
        if !out.is_null() {
            // SAFETY: a non-NULL output is room for a count (silo.h).
            unsafe { out.write(value) };
        }
    }
    if !quota.is_null() {
        // SAFETY: a non-NULL output is room for a quota number (silo.h).
        unsafe { quota.write(quota_number(hit.quota)) };
    }
    true
}
