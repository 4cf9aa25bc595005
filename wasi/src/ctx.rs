//! What a guest is granted: arguments, environment, standard streams, clocks and randomness.
//! Nothing is granted by default: a context from `WasiCtxBuilder::new().build()` has no
//! arguments, no environment, and standard streams that read nothing and write nowhere.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::sync::{Arc, Mutex};

use cap_rand::{RngCore, SeedableRng};
use cap_std::ambient_authority;
use cap_std::time::{Instant, MonotonicClock, SystemClock};

/// An open descriptor. Only the standard streams exist until the sandbox grants directories.
pub(crate) enum Descriptor {
    /// A stream the guest reads.
    Input { reader: Box<dyn Read + Send>, terminal: bool },
    /// A stream the guest writes.
    Output { writer: Box<dyn Write + Send>, terminal: bool },
}

/// The state of one guest's WASI world.
pub struct WasiCtx {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: BTreeMap<u32, Descriptor>,
    pub(crate) random: Box<dyn RngCore + Send>,
    pub(crate) system_clock: SystemClock,
    pub(crate) monotonic_clock: MonotonicClock,
    /// Monotonic time counts from here, so the guest learns nothing of the host's uptime.
    pub(crate) monotonic_start: Instant,
}

impl std::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("fds", &self.fds.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Builds a `WasiCtx`, granting one thing at a time.
pub struct WasiCtxBuilder {
    args: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    stdin: Descriptor,
    stdout: Descriptor,
    stderr: Descriptor,
    seed: Option<u64>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// An output that collects what the guest writes, readable by the host (tests, embedders).
#[derive(Clone, Default)]
pub struct OutputBuffer(Arc<Mutex<Vec<u8>>>);

impl OutputBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Write for OutputBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl WasiCtxBuilder {
    /// Grants nothing yet.
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: Descriptor::Input { reader: Box::new(std::io::empty()), terminal: false },
            stdout: Descriptor::Output { writer: Box::new(std::io::sink()), terminal: false },
            stderr: Descriptor::Output { writer: Box::new(std::io::sink()), terminal: false },
            seed: None,
        }
    }

    /// Appends a command-line argument (the first is the program name).
    pub fn arg(&mut self, arg: impl AsRef<str>) -> &mut Self {
        self.args.push(arg.as_ref().as_bytes().to_vec());
        self
    }

    /// Appends command-line arguments.
    pub fn args(&mut self, args: impl IntoIterator<Item = impl AsRef<str>>) -> &mut Self {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// Grants an environment variable with this value.
    pub fn env(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> &mut Self {
        self.env.push(format!("{}={}", key.as_ref(), value.as_ref()).into_bytes());
        self
    }

    /// Grants the host's value of an environment variable, if it has one.
    pub fn inherit_env(&mut self, key: impl AsRef<str>) -> &mut Self {
        if let Ok(value) = std::env::var(key.as_ref()) {
            self.env(key, value);
        }
        self
    }

    /// Gives the guest the host's standard input, output and error.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        let terminal = std::io::stdin().is_terminal();
        self.stdin = Descriptor::Input { reader: Box::new(std::io::stdin()), terminal };
        let terminal = std::io::stdout().is_terminal();
        self.stdout = Descriptor::Output { writer: Box::new(std::io::stdout()), terminal };
        let terminal = std::io::stderr().is_terminal();
        self.stderr = Descriptor::Output { writer: Box::new(std::io::stderr()), terminal };
        self
    }

    /// Standard input reads from `reader`.
    pub fn stdin(&mut self, reader: impl Read + Send + 'static) -> &mut Self {
        self.stdin = Descriptor::Input { reader: Box::new(reader), terminal: false };
        self
    }

    /// Standard output writes to `writer`.
    pub fn stdout(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.stdout = Descriptor::Output { writer: Box::new(writer), terminal: false };
        self
    }

    /// Standard error writes to `writer`.
    pub fn stderr(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.stderr = Descriptor::Output { writer: Box::new(writer), terminal: false };
        self
    }

    /// Makes `random_get` deterministic, from this seed (for reproducible runs).
    pub fn random_seed(&mut self, seed: u64) -> &mut Self {
        self.seed = Some(seed);
        self
    }

    /// The context. The builder is left empty (standard streams back to null).
    pub fn build(&mut self) -> WasiCtx {
        let taken = std::mem::take(self);
        let random: Box<dyn RngCore + Send> = match taken.seed {
            Some(seed) => Box::new(cap_rand::rngs::StdRng::seed_from_u64(seed)),
            None => Box::new(cap_rand::std_rng_from_os_rng(ambient_authority())),
        };
        let monotonic_clock = MonotonicClock::new(ambient_authority());
        let monotonic_start = monotonic_clock.now();
        let mut fds = BTreeMap::new();
        fds.insert(0, taken.stdin);
        fds.insert(1, taken.stdout);
        fds.insert(2, taken.stderr);
        WasiCtx {
            args: taken.args,
            env: taken.env,
            fds,
            random,
            system_clock: SystemClock::new(ambient_authority()),
            monotonic_clock,
            monotonic_start,
        }
    }
}
