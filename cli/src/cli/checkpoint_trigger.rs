//! Checkpoints in the middle of a run (`--checkpoint-on SIGNAL|fuel=N|after=DURATION`): the
//! trigger is watched at every host call the guest makes (`Store::on_host_call`) and at the
//! fuel/interrupt checks of every engine (`Store::on_check`: loop headers and function entries,
//! about every 20,000 instructions, as the engine is interruptible for it; native code keeps its
//! frames' records for it), and once it fires the checkpoint is taken
//! there — the guest's instance, its run stopped at that point, its WASI world and fuel — and
//! written; the guest goes on, or stops with `--checkpoint-stop`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::Context;
use silo::snapshot::Checkpoint;
use silo::{Caller, Store, Trap};

use super::checkpoint_args::{CheckpointArgs, CheckpointOn};
use super::run::Host;

/// The message of the trap that stops a guest once its checkpoint is written; `silo run` reports
/// it as a success.
const STOPPED: &str = "stopped after writing its checkpoint";

/// What a mid-run checkpoint did, for the command's report.
#[derive(Clone, Default)]
pub struct MidRun {
    /// Set once the checkpoint is written and the guest stopped for it.
    stopped: Arc<AtomicBool>,
}

impl MidRun {
    /// Whether the guest stopped because its checkpoint was written (`--checkpoint-stop`).
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }
}

/// Installs the trigger of `args` on `store`, when it asks for a checkpoint in the middle of the
/// run; the fuel trigger counts from the fuel the store has now.
pub fn install(args: &CheckpointArgs, store: &mut Store<Host>) -> anyhow::Result<MidRun> {
    let report = MidRun::default();
    let (Some(path), Some(on)) = (&args.checkpoint, &args.checkpoint_on) else {
        return Ok(report);
    };
    let fire = match on {
        CheckpointOn::Exit => return Ok(report),
        CheckpointOn::Signal(name) => {
            let flag = Arc::new(AtomicBool::new(false));
            let number = signal_number(name)?;
            signal_hook::flag::register(number, flag.clone())
                .with_context(|| format!("--checkpoint-on {name}: cannot watch this signal"))?;
            Fire::Signal(flag)
        }
        CheckpointOn::Fuel(n) => {
            let start = store.get_fuel().context("--checkpoint-on fuel=N needs fuel metering")?;
            Fire::Fuel { start, after: *n }
        }
        // A time past what the clock can hold never comes (as a timeout that long never passes).
        CheckpointOn::After(d) => Fire::At(Instant::now().checked_add(*d)),
    };
    let trigger = Arc::new(Mutex::new(Trigger {
        fire,
        path: path.clone(),
        stop: args.checkpoint_stop,
        stopped: report.stopped.clone(),
        done: false,
    }));
    // At host calls, and at the checks (loop headers, function entries) for a guest that
    // computes without calling the host.
    let at_calls = trigger.clone();
    store.on_host_call(move |caller| {
        at_calls.lock().unwrap_or_else(|e| e.into_inner()).due(&caller)
    });
    store.on_check(move |caller| trigger.lock().unwrap_or_else(|e| e.into_inner()).due(&caller));
    Ok(report)
}

/// A mid-run checkpoint's trigger and what to do when it fires.
struct Trigger {
    fire: Fire,
    path: PathBuf,
    stop: bool,
    stopped: Arc<AtomicBool>,
    /// Set once the checkpoint is written (a signal re-arms it).
    done: bool,
}

impl Trigger {
    /// Writes the checkpoint if it is due; the trap that stops the guest after it with
    /// `--checkpoint-stop`, or when it cannot be written.
    fn due(&mut self, caller: &Caller<'_, Host>) -> Result<(), Trap> {
        if self.done || !self.fire.fired(caller) {
            return Ok(());
        }
        // A signal may come again: take another checkpoint then. The others fire once.
        self.done = !matches!(self.fire, Fire::Signal(_));
        write(caller, &self.path).map_err(|e| Trap::host(format!("{e:#}")))?;
        if self.stop {
            self.stopped.store(true, Ordering::Relaxed);
            return Err(Trap::host(STOPPED));
        }
        Ok(())
    }
}

/// When a mid-run checkpoint is due.
enum Fire {
    /// The signal arrived (the flag is cleared when the checkpoint is taken).
    Signal(Arc<AtomicBool>),
    /// The guest used `after` fuel from `start`.
    Fuel { start: u64, after: u64 },
    /// This time passed (`None`: a time too far to come).
    At(Option<Instant>),
}

impl Fire {
    fn fired(&self, caller: &Caller<'_, Host>) -> bool {
        match self {
            Fire::Signal(flag) => flag.swap(false, Ordering::Relaxed),
            Fire::Fuel { start, after } => {
                caller.get_fuel().is_ok_and(|left| start.saturating_sub(left) >= *after)
            }
            Fire::At(at) => at.is_some_and(|at| Instant::now() >= at),
        }
    }
}

/// Takes the checkpoint of the guest at this host call and writes it at `path`.
fn write(caller: &Caller<'_, Host>, path: &std::path::Path) -> anyhow::Result<()> {
    let context = || format!("cannot write the checkpoint `{}`", path.display());
    let mut checkpoint = Checkpoint::capture_at_host_call(caller, true).with_context(context)?;
    checkpoint.fuel_remaining = caller.get_fuel().ok();
    checkpoint.wasi = Some(caller.data().wasi.snapshot().with_context(context)?);
    checkpoint.save(path).with_context(context)
}

/// The number of signal `name` (`SIGUSR1`...), among those a checkpoint may wait for.
fn signal_number(name: &str) -> anyhow::Result<i32> {
    use signal_hook::consts::signal::*;
    let known = [
        ("SIGUSR1", SIGUSR1),
        ("SIGUSR2", SIGUSR2),
        ("SIGHUP", SIGHUP),
        ("SIGINT", SIGINT),
        ("SIGTERM", SIGTERM),
        ("SIGQUIT", SIGQUIT),
        ("SIGALRM", SIGALRM),
        ("SIGWINCH", SIGWINCH),
    ];
    known.iter().find(|(n, _)| *n == name).map(|&(_, number)| number).with_context(|| {
        let names: Vec<&str> = known.iter().map(|(n, _)| *n).collect();
        format!(
            "--checkpoint-on {name}: not a signal a checkpoint can wait for ({})",
            names.join(", ")
        )
    })
}
