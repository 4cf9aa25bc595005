//! Clocks, sleeping and yielding: `clock_res_get`, `clock_time_get`, `poll_oneoff`,
//! `sched_yield`.

use std::time::Duration;

use cap_time_ext::{MonotonicClockExt, SystemClockExt};
use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::ctx::{Descriptor, WasiCtx};
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;

const REALTIME: u32 = 0;
const MONOTONIC: u32 = 1;
const PROCESS_CPUTIME: u32 = 2;
const THREAD_CPUTIME: u32 = 3;

fn cpu_time(id: rustix::time::ClockId) -> u64 {
    let t = rustix::time::clock_gettime(id);
    (t.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(t.tv_nsec as u64)
}

/// The time on clock `id`, in nanoseconds.
fn now(ctx: &WasiCtx, id: u32) -> Result<u64, Errno> {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    match id {
        REALTIME => {
            let now = ctx.system_clock.now().into_std();
            let since = now.duration_since(std::time::UNIX_EPOCH).map_err(|_| Errno::Overflow)?;
            Ok(nanos(since))
        }
        MONOTONIC => Ok(nanos(ctx.monotonic_clock.now().duration_since(ctx.monotonic_start))),
        PROCESS_CPUTIME => Ok(cpu_time(rustix::time::ClockId::ProcessCPUTime)),
        THREAD_CPUTIME => Ok(cpu_time(rustix::time::ClockId::ThreadCPUTime)),
        _ => Err(Errno::Inval),
    }
}

fn resolution(ctx: &WasiCtx, id: u32) -> Result<u64, Errno> {
    let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1);
    match id {
        REALTIME => Ok(nanos(ctx.system_clock.resolution())),
        MONOTONIC => Ok(nanos(ctx.monotonic_clock.resolution())),
        PROCESS_CPUTIME | THREAD_CPUTIME => Ok(1),
        _ => Err(Errno::Inval),
    }
}

const EVENT_CLOCK: u8 = 0;
const EVENT_FD_READ: u8 = 1;
const EVENT_FD_WRITE: u8 = 2;
const SUBCLOCK_ABSTIME: u16 = 1;

/// A subscription read from guest memory.
struct Subscription {
    userdata: u64,
    kind: u8,
    /// Clock subscriptions: when they fire, in nanoseconds on their clock's timeline, and that clock.
    deadline: Option<(u32, u64)>,
    fd: u32,
}

fn read_subscription(mem: &GuestMemory<'_>, ctx: &WasiCtx, at: u32) -> Result<Subscription, Errno> {
    let userdata = mem.read_u64(at)?;
    let kind = mem.slice(at + 8, 1)?[0];
    match kind {
        EVENT_CLOCK => {
            let id = mem.read_u32(at + 16)?;
            let timeout = mem.read_u64(at + 24)?;
            let flags =
                u16::from_le_bytes(mem.slice(at + 40, 2)?.try_into().map_err(|_| Errno::Fault)?);
            let deadline = if flags & SUBCLOCK_ABSTIME != 0 {
                timeout
            } else {
                now(ctx, id)?.saturating_add(timeout)
            };
            Ok(Subscription { userdata, kind, deadline: Some((id, deadline)), fd: 0 })
        }
        EVENT_FD_READ | EVENT_FD_WRITE => {
            Ok(Subscription { userdata, kind, deadline: None, fd: mem.read_u32(at + 16)? })
        }
        _ => Err(Errno::Inval),
    }
}

fn write_event(mem: &mut GuestMemory<'_>, at: u32, sub: &Subscription, error: Errno) -> WasiResult {
    mem.write(at, &[0; 32])?;
    mem.write_u64(at, sub.userdata)?;
    mem.write(at + 8, &(error as u16).to_le_bytes())?;
    mem.write(at + 10, &[sub.kind])
}

/// `poll_oneoff`: descriptors the guest has are always ready (the standard streams block in
/// their own read and write); otherwise sleep until the earliest clock subscription fires.
fn poll_oneoff(
    mem: &mut GuestMemory<'_>,
    ctx: &WasiCtx,
    input: u32,
    out: u32,
    n: u32,
    nevents: u32,
) -> WasiResult {
    if n == 0 {
        return Err(Errno::Inval);
    }
    let subs = (0..n)
        .map(|i| read_subscription(mem, ctx, input + i * 48))
        .collect::<Result<Vec<_>, _>>()?;
    let mut ready: Vec<(&Subscription, Errno)> = subs
        .iter()
        .filter(|s| s.deadline.is_none())
        .map(|s| {
            let ok = match (ctx.fds.get(&s.fd), s.kind) {
                (Some(Descriptor::Input { .. }), EVENT_FD_READ) => Errno::Success,
                (Some(Descriptor::Output { .. }), EVENT_FD_WRITE) => Errno::Success,
                (Some(_), _) => Errno::Badf,
                (None, _) => Errno::Badf,
            };
            (s, ok)
        })
        .collect();
    if ready.is_empty() {
        // Only clocks: wait for the first to fire, then report every one that has.
        let wait = subs
            .iter()
            .filter_map(|s| s.deadline)
            .map(|(id, deadline)| Ok(deadline.saturating_sub(now(ctx, id)?)))
            .collect::<Result<Vec<u64>, Errno>>()?;
        let sleep = wait.iter().copied().min().unwrap_or(0);
        std::thread::sleep(Duration::from_nanos(sleep));
        for s in &subs {
            if let Some((id, deadline)) = s.deadline
                && now(ctx, id)? >= deadline
            {
                ready.push((s, Errno::Success));
            }
        }
    }
    for (i, (sub, error)) in ready.iter().enumerate() {
        write_event(mem, out + 32 * i as u32, sub, *error)?;
    }
    mem.write_u32(nevents, ready.len() as u32)
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    linker.func_wrap(MODULE, "clock_res_get", move |mut c: Caller<'_, T>, id: u32, out: u32| {
        with_memory(&mut c, get, |mem, ctx| mem.write_u64(out, resolution(ctx, id)?))
    })?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        move |mut c: Caller<'_, T>, id: u32, _precision: u64, out: u32| {
            with_memory(&mut c, get, |mem, ctx| mem.write_u64(out, now(ctx, id)?))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "poll_oneoff",
        move |mut c: Caller<'_, T>, input: u32, out: u32, n: u32, nevents: u32| {
            with_memory(&mut c, get, |mem, ctx| poll_oneoff(mem, ctx, input, out, n, nevents))
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", || {
        std::thread::yield_now();
        0i32
    })?;
    Ok(())
}
