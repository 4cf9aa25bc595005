//! Runs a guest program from `tests/programs` under a policy, the way `silo run` does, with its
//! standard output and error captured.

// Each test file uses its own part of this shared module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use silo_core::{Config, Engine, Error, Linker, Module, QuotaHit, Store, Trap};
use silo_sandbox::Policy;
use silo_wasi::{OutputBuffer, WasiCtx, WasiCtxBuilder};

/// How a guest run ended.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    /// `Ok(status)` for a guest that returned (0) or called `proc_exit`; the trap otherwise.
    pub status: Result<i32, Trap>,
    /// The last quota that refused the guest something.
    pub quota_hit: Option<QuotaHit>,
}

impl Outcome {
    /// The trap that stopped the guest; panics if it exited instead.
    #[track_caller]
    pub fn trap(&self) -> &Trap {
        match &self.status {
            Err(trap) => trap,
            Ok(status) => panic!("the guest exited with {status}; stdout: {}", self.stdout),
        }
    }
}

/// The path of a program in `tests/programs`.
pub fn program(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs").join(name)
}

struct Host {
    wasi: WasiCtx,
}

/// Runs `_start` of program `name` under `policy` (whose stdout and stderr are captured).
pub fn run(name: &str, policy: &Policy) -> Outcome {
    let mut config = Config::new();
    policy.configure_engine(&mut config);
    let engine = Engine::new(&config);
    let bytes = std::fs::read(program(name)).expect("test program exists");
    let module = Module::new(&engine, bytes).expect("test program compiles");
    let (stdout, stderr) = (OutputBuffer::new(), OutputBuffer::new());
    let wasi = WasiCtxBuilder::from_policy(policy)
        .expect("policy applies")
        .stdout(stdout.clone())
        .stderr(stderr.clone())
        .build();
    let mut store = Store::new(&engine, Host { wasi });
    let mut linker = Linker::new(&engine);
    silo_wasi::add_to_linker(&mut linker, |h: &mut Host| &mut h.wasi).unwrap();
    policy.apply_to_store(&mut store).expect("quotas apply");
    let result = linker.instantiate(&mut store, &module).and_then(|instance| {
        let start = instance.get_func(&store, "_start").expect("programs export _start");
        start.call(&mut store, &[], &mut [])
    });
    let status = match result {
        Ok(()) => Ok(0),
        Err(Error::Trap(trap)) => trap.exit_status().ok_or(trap),
        Err(other) => panic!("{name} failed to run: {other}"),
    };
    let text = |b: &OutputBuffer| String::from_utf8_lossy(&b.contents()).into_owned();
    Outcome {
        stdout: text(&stdout),
        stderr: text(&stderr),
        status,
        quota_hit: store.last_quota_hit().cloned(),
    }
}
