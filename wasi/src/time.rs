//! The guest's clocks: the host's (real time, monotonic time counted from the context's creation,
//! or from where a resumed checkpoint stopped, CPU time), or virtual clocks for reproducible
//! runs, which start at 2000-01-01T00:00:00Z (monotonic at 0), advance 1 µs at every read so
//! time strictly increases, and otherwise only by what the guest sleeps through `poll_oneoff`
//! (sleeps complete at once). Virtual CPU-time clocks follow the virtual monotonic clock.

use std::time::Duration;

use cap_std::ambient_authority;
use cap_std::time::{Instant, MonotonicClock, SystemClock};
use cap_time_ext::{MonotonicClockExt, SystemClockExt};

use crate::errno::Errno;

pub const REALTIME: u32 = 0;
pub const MONOTONIC: u32 = 1;
pub const PROCESS_CPUTIME: u32 = 2;
pub const THREAD_CPUTIME: u32 = 3;

/// 2000-01-01T00:00:00Z, in nanoseconds since the Unix epoch.
const VIRTUAL_REALTIME_START: u64 = 946_684_800 * 1_000_000_000;
/// How far a virtual clock moves at each read.
const VIRTUAL_TICK: u64 = 1_000;

pub(crate) enum Clocks {
    Host {
        system: SystemClock,
        monotonic: MonotonicClock,
        /// Monotonic time counts from here, so the guest learns nothing of the host's uptime.
        start: Instant,
        /// Monotonic time already elapsed at `start` (a resumed checkpoint; 0 otherwise).
        before: u64,
    },
    Virtual {
        elapsed: u64,
    },
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

fn cpu_time(id: rustix::time::ClockId) -> u64 {
    let t = rustix::time::clock_gettime(id);
    (t.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(t.tv_nsec as u64)
}

impl Clocks {
    pub fn host() -> Clocks {
        let monotonic = MonotonicClock::new(ambient_authority());
        let start = monotonic.now();
        Clocks::Host { system: SystemClock::new(ambient_authority()), monotonic, start, before: 0 }
    }

    pub fn virtual_clocks() -> Clocks {
        Clocks::Virtual { elapsed: 0 }
    }

    /// The time on clock `id`, in nanoseconds.
    pub fn now(&mut self, id: u32) -> Result<u64, Errno> {
        match self {
            Clocks::Host { system, monotonic, start, before } => match id {
                REALTIME => {
                    let now = system.now().into_std();
                    let since =
                        now.duration_since(std::time::UNIX_EPOCH).map_err(|_| Errno::Overflow)?;
                    Ok(nanos(since))
                }
                MONOTONIC => {
                    Ok(before.saturating_add(nanos(monotonic.now().duration_since(*start))))
                }
                PROCESS_CPUTIME => Ok(cpu_time(rustix::time::ClockId::ProcessCPUTime)),
                THREAD_CPUTIME => Ok(cpu_time(rustix::time::ClockId::ThreadCPUTime)),
                _ => Err(Errno::Inval),
            },
            Clocks::Virtual { elapsed } => {
                if id > THREAD_CPUTIME {
                    return Err(Errno::Inval);
                }
                *elapsed = elapsed.saturating_add(VIRTUAL_TICK);
                Ok(if id == REALTIME { VIRTUAL_REALTIME_START + *elapsed } else { *elapsed })
            }
        }
    }

    /// The resolution of clock `id`, in nanoseconds.
    pub fn resolution(&self, id: u32) -> Result<u64, Errno> {
        if id > THREAD_CPUTIME {
            return Err(Errno::Inval);
        }
        Ok(match self {
            Clocks::Host { system, monotonic, .. } => match id {
                REALTIME => nanos(system.resolution()).max(1),
                MONOTONIC => nanos(monotonic.resolution()).max(1),
                _ => 1,
            },
            Clocks::Virtual { .. } => VIRTUAL_TICK,
        })
    }

    /// The monotonic time elapsed so far, without advancing a virtual clock.
    pub fn elapsed(&self) -> u64 {
        match self {
            Clocks::Host { monotonic, start, before, .. } => {
                before.saturating_add(nanos(monotonic.now().duration_since(*start)))
            }
            Clocks::Virtual { elapsed } => *elapsed,
        }
    }

    /// Makes the monotonic time continue from `ns` (a resumed checkpoint): virtual clocks are
    /// set to it, host monotonic time counts on from it.
    pub fn resume_at(&mut self, ns: u64) {
        match self {
            Clocks::Host { monotonic, start, before, .. } => {
                *start = monotonic.now();
                *before = ns;
            }
            Clocks::Virtual { elapsed } => *elapsed = ns,
        }
    }

    /// Waits `ns` nanoseconds (virtual clocks just move forward).
    pub fn sleep(&mut self, ns: u64) {
        match self {
            Clocks::Host { .. } => std::thread::sleep(Duration::from_nanos(ns)),
            Clocks::Virtual { elapsed } => *elapsed = elapsed.saturating_add(ns),
        }
    }
}
