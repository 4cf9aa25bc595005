//! A sandbox [`Policy`] turned into the WASI world it grants: pre-opened directories,
//! environment, arguments, standard streams, clocks, randomness, and the open-file and output
//! quotas (the other quotas belong to the store: `silo_sandbox::Policy::apply_to_store`).

use std::io;

use silo_sandbox::{Clocks, Policy, Stdio};

use crate::ctx::{DirPerms, WasiCtxBuilder};

/// Which standard stream a `Stdio` is for.
#[derive(Clone, Copy)]
enum Stream {
    In,
    Out,
    Err,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::In => "stdin",
            Stream::Out => "stdout",
            Stream::Err => "stderr",
        }
    }
}

impl WasiCtxBuilder {
    /// A builder granting exactly what `policy` grants. Directories are opened and stdio files
    /// opened or created now; an error names the path. A `Stdio::Pipe` stream is left null for
    /// the embedder to connect (`stdin`, `stdout`, `stderr`).
    pub fn from_policy(policy: &Policy) -> io::Result<WasiCtxBuilder> {
        let mut b = WasiCtxBuilder::new();
        b.args(&policy.args);
        for (key, value) in policy.resolve_env() {
            b.env(key, value);
        }
        for dir in &policy.dirs {
            let perms = if dir.read_only { DirPerms::ReadOnly } else { DirPerms::ReadWrite };
            b.preopened_dir_path(&dir.host, &dir.guest, perms).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot open directory `{}` for the guest: {e}", dir.host.display()),
                )
            })?;
        }
        b.stdio(Stream::In, &policy.stdin)?;
        b.stdio(Stream::Out, &policy.stdout)?;
        b.stdio(Stream::Err, &policy.stderr)?;
        if policy.clocks == Clocks::Virtual {
            b.virtual_clocks();
        }
        if let Some(seed) = policy.random_seed {
            b.random_seed(seed);
        }
        if let Some(n) = policy.limits.max_open_files {
            b.max_open_files(usize::try_from(n).unwrap_or(usize::MAX));
        }
        if let Some(n) = policy.limits.max_output_bytes {
            b.max_output_bytes(n);
        }
        Ok(b)
    }

    fn stdio(&mut self, stream: Stream, how: &Stdio) -> io::Result<()> {
        match how {
            Stdio::Null | Stdio::Pipe => {}
            Stdio::Inherit => {
                match stream {
                    Stream::In => self.inherit_stdin(),
                    Stream::Out => self.inherit_stdout(),
                    Stream::Err => self.inherit_stderr(),
                };
            }
            Stdio::File(path) => {
                let opened = match stream {
                    Stream::In => std::fs::File::open(path),
                    Stream::Out | Stream::Err => std::fs::File::create(path),
                };
                let file = opened.map_err(|e| {
                    let what =
                        format!("cannot open `{}` as {}: {e}", path.display(), stream.name());
                    io::Error::new(e.kind(), what)
                })?;
                match stream {
                    Stream::In => self.stdin_file(file),
                    Stream::Out => self.stdout_file(file),
                    Stream::Err => self.stderr_file(file),
                };
            }
        }
        Ok(())
    }
}
