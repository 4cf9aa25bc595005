//! What a guest is granted: arguments, environment, standard streams, pre-opened directories,
//! clocks, randomness, and the quotas on open files and output. Nothing is granted by default: a
//! context from `WasiCtxBuilder::new().build()` has no arguments, no environment, no directory,
//! and standard streams that read nothing and write nowhere.

use std::io::{IsTerminal, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::sync::{Arc, Mutex};

use cap_rand::{RngCore, SeedableRng};
use cap_std::ambient_authority;

use crate::fs::descriptor::{FILETYPE_CHARACTER_DEVICE, FILETYPE_REGULAR_FILE, FILETYPE_UNKNOWN};
use crate::fs::rights::{self, Rights};
use crate::fs::{Descriptor, DirDesc, FdTable, OutputRole};
use crate::time::Clocks;

/// What a guest may do in a pre-opened directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirPerms {
    /// Read files and list directories; every change is refused with `EPERM`.
    ReadOnly,
    /// Read, write, create, remove, rename and link inside the directory.
    ReadWrite,
}

/// A host file for a standard stream: from `std::fs::File` or `cap_std::fs::File`.
pub struct HostFile(std::fs::File);

impl From<std::fs::File> for HostFile {
    fn from(f: std::fs::File) -> Self {
        HostFile(f)
    }
}

impl From<cap_std::fs::File> for HostFile {
    fn from(f: cap_std::fs::File) -> Self {
        HostFile(f.into_std())
    }
}

/// One guest's WASI world, shared by all its threads: a handle on the state every host call
/// locks for its duration (`share` gives a new thread of the guest the same world).
#[derive(Clone)]
pub struct WasiCtx(Arc<Mutex<WasiState>>);

/// The state of one guest's WASI world.
pub(crate) struct WasiState {
    pub(crate) args: Vec<Vec<u8>>,
    pub(crate) env: Vec<Vec<u8>>,
    pub(crate) fds: FdTable,
    pub(crate) random: Box<dyn RngCore + Send>,
    pub(crate) clocks: Clocks,
    /// The output quota in bytes (standard output and error together), and what was written.
    pub(crate) max_output: Option<u64>,
    pub(crate) output_written: u64,
    /// Set by a host function that must trap rather than return an errno.
    pub(crate) trap: Option<String>,
    /// The exit status a closed output pipe ends the guest with (see
    /// `WasiCtxBuilder::broken_pipe_exit`).
    pub(crate) broken_pipe_exit: Option<i32>,
    /// Set by a host function that must end the guest with this exit status.
    pub(crate) exit: Option<i32>,
    /// What stops the guest of the current host call (set by each call): blocking waits watch it.
    pub(crate) stop: crate::wait::Stop,
}

impl std::fmt::Debug for WasiCtx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.lock().fmt(f)
    }
}

impl std::fmt::Debug for WasiState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiCtx")
            .field("args", &self.args.len())
            .field("env", &self.env.len())
            .field("fds", &self.fds.numbers())
            .finish_non_exhaustive()
    }
}

impl WasiCtx {
    /// The state, for one host call (or one question from the host).
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, WasiState> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Another handle on the same world, for a new thread of the same guest: the threads share
    /// descriptors, arguments, environment, clocks, randomness and quotas.
    pub fn share(&self) -> WasiCtx {
        self.clone()
    }

    /// Whether the guest has used up its output quota (its next write traps, or one did).
    pub fn output_quota_reached(&self) -> bool {
        let s = self.lock();
        s.max_output.is_some_and(|limit| s.output_written >= limit)
    }

    /// The WASI quota that refused the guest something, if one did: the open-files quota
    /// (`EMFILE`) here; the output quota traps with its own message.
    pub fn quota_hit(&self) -> Option<String> {
        let s = self.lock();
        let limit = s.fds.max_open().filter(|_| s.fds.refused)?;
        Some(format!("open files quota exceeded: limit {limit} besides stdio and pre-opens"))
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
    preopens: Vec<(cap_std::fs::Dir, String, DirPerms)>,
    max_open_files: Option<usize>,
    max_output_bytes: Option<u64>,
    virtual_clocks: bool,
    broken_pipe_exit: Option<i32>,
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

/// The file type a host stream shows the guest: a terminal is a character device.
fn stream_type(terminal: bool) -> u8 {
    if terminal { FILETYPE_CHARACTER_DEVICE } else { FILETYPE_UNKNOWN }
}

impl WasiCtxBuilder {
    /// Grants nothing yet.
    pub fn new() -> Self {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: input(Box::new(std::io::empty()), FILETYPE_UNKNOWN, None),
            stdout: output(OutputRole::Stdout, Box::new(std::io::sink()), FILETYPE_UNKNOWN, None),
            stderr: output(OutputRole::Stderr, Box::new(std::io::sink()), FILETYPE_UNKNOWN, None),
            seed: None,
            preopens: Vec::new(),
            max_open_files: None,
            max_output_bytes: None,
            broken_pipe_exit: None,
            virtual_clocks: false,
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
        self.inherit_stdin().inherit_stdout().inherit_stderr()
    }

    /// Gives the guest the host's standard input.
    pub fn inherit_stdin(&mut self) -> &mut Self {
        // Read unbuffered from descriptor 0, so that waiting on it (`wait::Stop`) sees all there
        // is to read.
        let kind = stream_type(std::io::stdin().is_terminal());
        let fd = std::io::stdin().as_fd().try_clone_to_owned().ok();
        self.stdin = input(Box::new(HostStdin), kind, fd);
        self
    }

    /// Gives the guest the host's standard output.
    pub fn inherit_stdout(&mut self) -> &mut Self {
        let kind = stream_type(std::io::stdout().is_terminal());
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok();
        self.stdout = output(OutputRole::Stdout, Box::new(std::io::stdout()), kind, fd);
        self
    }

    /// Gives the guest the host's standard error.
    pub fn inherit_stderr(&mut self) -> &mut Self {
        let kind = stream_type(std::io::stderr().is_terminal());
        let fd = std::io::stderr().as_fd().try_clone_to_owned().ok();
        self.stderr = output(OutputRole::Stderr, Box::new(std::io::stderr()), kind, fd);
        self
    }

    /// Standard input reads from `reader`.
    pub fn stdin(&mut self, reader: impl Read + Send + 'static) -> &mut Self {
        self.stdin = input(Box::new(reader), FILETYPE_UNKNOWN, None);
        self
    }

    /// Standard output writes to `writer`.
    pub fn stdout(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.stdout = output(OutputRole::Stdout, Box::new(writer), FILETYPE_UNKNOWN, None);
        self
    }

    /// Standard error writes to `writer`.
    pub fn stderr(&mut self, writer: impl Write + Send + 'static) -> &mut Self {
        self.stderr = output(OutputRole::Stderr, Box::new(writer), FILETYPE_UNKNOWN, None);
        self
    }

    /// Standard input reads from a host file.
    pub fn stdin_file(&mut self, file: impl Into<HostFile>) -> &mut Self {
        let file = file.into().0;
        let (kind, fd) = host_file_kind(&file);
        self.stdin = input(Box::new(file), kind, fd);
        self
    }

    /// Standard output writes to a host file.
    pub fn stdout_file(&mut self, file: impl Into<HostFile>) -> &mut Self {
        let file = file.into().0;
        let (kind, fd) = host_file_kind(&file);
        self.stdout = output(OutputRole::Stdout, Box::new(file), kind, fd);
        self
    }

    /// Standard error writes to a host file.
    pub fn stderr_file(&mut self, file: impl Into<HostFile>) -> &mut Self {
        let file = file.into().0;
        let (kind, fd) = host_file_kind(&file);
        self.stderr = output(OutputRole::Stderr, Box::new(file), kind, fd);
        self
    }

    /// Grants `dir` to the guest as `guest_path` (what wasi-libc resolves absolute paths
    /// against). Pre-opens get descriptors 3, 4, ... in the order they are granted.
    pub fn preopened_dir(
        &mut self,
        dir: cap_std::fs::Dir,
        guest_path: impl AsRef<str>,
        perms: DirPerms,
    ) -> &mut Self {
        self.preopens.push((dir, guest_path.as_ref().to_string(), perms));
        self
    }

    /// Opens the host directory `host` and grants it as `guest_path`.
    pub fn preopened_dir_path(
        &mut self,
        host: impl AsRef<Path>,
        guest_path: impl AsRef<str>,
        perms: DirPerms,
    ) -> std::io::Result<&mut Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(host, ambient_authority())?;
        Ok(self.preopened_dir(dir, guest_path, perms))
    }

    /// At most `n` files and directories open at once besides the standard streams and
    /// pre-opens: opening more answers `EMFILE`. Unlimited by default.
    pub fn max_open_files(&mut self, n: usize) -> &mut Self {
        self.max_open_files = Some(n);
        self
    }

    /// At most `n` bytes written to standard output and error together: the write that goes past
    /// writes what fits, then traps. Unlimited by default.
    pub fn max_output_bytes(&mut self, n: u64) -> &mut Self {
        self.max_output_bytes = Some(n);
        self
    }

    /// What a write to standard output or error does once its reader has gone (a closed pipe):
    /// by default the guest gets `EPIPE`; with `Some(status)` it ends, exiting with `status`, as
    /// a native process is killed by `SIGPIPE` (`silo run` uses 141, the shell's status for
    /// that). A guest that ignores `EPIPE` and writes on (`yes | head -1`) would otherwise spin.
    pub fn broken_pipe_exit(&mut self, status: Option<i32>) -> &mut Self {
        self.broken_pipe_exit = status;
        self
    }

    /// Virtual clocks: real time starts at 2000-01-01T00:00:00Z and monotonic time at 0; they
    /// advance 1 µs per read and by whatever the guest sleeps, and sleeping takes no time.
    pub fn virtual_clocks(&mut self) -> &mut Self {
        self.virtual_clocks = true;
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
        let mut fds = FdTable::new(taken.max_open_files);
        fds.insert_at(0, taken.stdin);
        fds.insert_at(1, taken.stdout);
        fds.insert_at(2, taken.stderr);
        for (i, (dir, guest, perms)) in taken.preopens.into_iter().enumerate() {
            let rights = Rights {
                base: rights::DIR,
                inheriting: rights::DIR | rights::FILE,
                read_only: perms == DirPerms::ReadOnly,
            };
            let d = DirDesc { dir, rights, preopen: Some(guest), origin: None };
            fds.insert_at(3 + i as u32, Descriptor::Dir(d));
        }
        WasiCtx(Arc::new(Mutex::new(WasiState {
            args: taken.args,
            env: taken.env,
            fds,
            random,
            clocks: if taken.virtual_clocks { Clocks::virtual_clocks() } else { Clocks::host() },
            max_output: taken.max_output_bytes,
            output_written: 0,
            trap: None,
            broken_pipe_exit: taken.broken_pipe_exit,
            exit: None,
            stop: crate::wait::Stop::default(),
        })))
    }
}

/// The host's standard input, read unbuffered.
struct HostStdin;

impl Read for HostStdin {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Ok(rustix::io::read(std::io::stdin().as_fd(), buf)?)
    }
}

/// A host file given as a standard stream: its WASI file type, and its descriptor to wait on
/// when it is a FIFO, a terminal or a socket (a regular file never blocks).
fn host_file_kind(file: &std::fs::File) -> (u8, Option<OwnedFd>) {
    use std::os::unix::fs::FileTypeExt;
    let copy = || file.as_fd().try_clone_to_owned().ok();
    match file.metadata().map(|m| m.file_type()) {
        Ok(t) if t.is_fifo() || t.is_socket() => (FILETYPE_UNKNOWN, copy()),
        Ok(t) if t.is_char_device() => (FILETYPE_CHARACTER_DEVICE, copy()),
        _ => (FILETYPE_REGULAR_FILE, None),
    }
}

fn input(reader: Box<dyn Read + Send>, filetype: u8, wait_fd: Option<OwnedFd>) -> Descriptor {
    Descriptor::Input { reader, filetype, wait_fd }
}

fn output(
    role: OutputRole,
    writer: Box<dyn Write + Send>,
    filetype: u8,
    wait_fd: Option<OwnedFd>,
) -> Descriptor {
    Descriptor::Output { writer, filetype, counted: true, role, wait_fd }
}
