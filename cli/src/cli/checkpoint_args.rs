//! `--checkpoint FILE --checkpoint-on WHEN` for `silo run` and `silo resume`: when to write a
//! checkpoint of the guest, and writing it (the module embedded, so `silo resume FILE` needs
//! nothing else).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use silo::snapshot::Checkpoint;
use silo::wasi::WasiCtx;
use silo::{Instance, Store};

/// When a checkpoint is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointOn {
    /// When the call (`_start`, or the export of `--invoke`) returns.
    Exit,
    /// When the process receives this signal (by name, e.g. `SIGUSR1`).
    Signal(String),
    /// When the guest has used this much fuel.
    Fuel(u64),
    /// This long after the guest started.
    After(Duration),
}

impl CheckpointOn {
    /// Parses `exit`, `SIGNAME` (or `NAME`), `fuel=N` or `after=DURATION`.
    pub fn parse(text: &str) -> Result<CheckpointOn, String> {
        if text == "exit" {
            return Ok(CheckpointOn::Exit);
        }
        if let Some(n) = text.strip_prefix("fuel=") {
            return n
                .parse()
                .map(CheckpointOn::Fuel)
                .map_err(|_| format!("`{n}` is not a fuel count (a whole number)"));
        }
        if let Some(d) = text.strip_prefix("after=") {
            return silo::sandbox::parse_duration(d)
                .map(CheckpointOn::After)
                .map_err(|e| e.to_string());
        }
        let name = text.strip_prefix("SIG").unwrap_or(text);
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            return Ok(CheckpointOn::Signal(format!("SIG{name}")));
        }
        Err(format!(
            "`{text}` is not `exit`, a signal name (SIGUSR1), `fuel=N` or `after=DURATION`"
        ))
    }
}

#[derive(clap::Args, Default)]
pub struct CheckpointArgs {
    /// Write a checkpoint of the guest to FILE (see --checkpoint-on); `silo resume FILE` goes on
    /// from it.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// When to write the checkpoint: `exit` (when the call returns) [default]; a signal
    /// (`SIGUSR1`), `fuel=N` or `after=DURATION` write it in the middle of the run.
    #[arg(long, value_name = "WHEN", value_parser = CheckpointOn::parse, requires = "checkpoint")]
    pub checkpoint_on: Option<CheckpointOn>,
    /// Stop the guest once the checkpoint is written.
    #[arg(long, requires = "checkpoint")]
    pub checkpoint_stop: bool,
}

impl CheckpointArgs {
    /// Refuses, before anything runs, what cannot be done: a checkpoint of a guest with threads.
    pub fn check(&self, uses_threads: bool) -> anyhow::Result<()> {
        if self.checkpoint.is_some() && uses_threads {
            bail!("--checkpoint: a guest with threads cannot be checkpointed yet");
        }
        Ok(())
    }

    /// Whether the checkpoint is taken in the middle of the run (at a host call or a check).
    pub fn mid_run(&self) -> bool {
        self.checkpoint.is_some()
            && !matches!(
                self.checkpoint_on.as_ref().unwrap_or(&CheckpointOn::Exit),
                CheckpointOn::Exit
            )
    }

    /// Sets what the engine needs for a checkpoint in the middle of the run: checks every slice
    /// of instructions (interruptible), and fuel metering for a fuel trigger. A resumed run gets
    /// the same, so that its code is shaped as the one that took it.
    pub fn configure_engine(&self, config: &mut silo::Config, resuming_a_run: bool) {
        if self.mid_run() || resuming_a_run {
            config.interruptible(true);
        }
        if self.mid_run() {
            // Under `jit`, native frames keep their records (`Config::native_checkpoints`).
            config.native_checkpoints(true);
        }
        if self.counts_fuel() {
            config.consume_fuel(true);
        }
    }

    /// Whether the trigger counts fuel (so the engine must meter it).
    pub fn counts_fuel(&self) -> bool {
        self.checkpoint.is_some() && matches!(self.checkpoint_on, Some(CheckpointOn::Fuel(_)))
    }

    /// Writes the checkpoint of `instance` (after its call returned), if one was asked for at
    /// exit.
    pub fn write_at_exit<T>(
        &self,
        store: &Store<T>,
        instance: &Instance,
        wasi: &WasiCtx,
    ) -> anyhow::Result<()> {
        let Some(path) = &self.checkpoint else { return Ok(()) };
        if self.mid_run() {
            return Ok(());
        }
        let mut checkpoint =
            Checkpoint::capture(store, instance, true).context("cannot write the checkpoint")?;
        checkpoint.fuel_remaining = store.get_fuel().ok();
        checkpoint.wasi = Some(wasi.snapshot().context("cannot write the checkpoint")?);
        checkpoint.save(path).context("cannot write the checkpoint")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_trigger() {
        assert_eq!(CheckpointOn::parse("exit"), Ok(CheckpointOn::Exit));
        assert_eq!(CheckpointOn::parse("SIGUSR1"), Ok(CheckpointOn::Signal("SIGUSR1".into())));
        assert_eq!(CheckpointOn::parse("USR2"), Ok(CheckpointOn::Signal("SIGUSR2".into())));
        assert_eq!(CheckpointOn::parse("fuel=1000"), Ok(CheckpointOn::Fuel(1000)));
        assert_eq!(
            CheckpointOn::parse("after=2s"),
            Ok(CheckpointOn::After(Duration::from_secs(2)))
        );
        assert!(CheckpointOn::parse("fuel=lots").unwrap_err().contains("not a fuel count"));
        assert!(CheckpointOn::parse("sometime").is_err());
    }
}
