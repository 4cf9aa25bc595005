//! `poll_oneoff`: clock subscriptions (relative, or absolute on their clock) and readiness of
//! descriptors. Files are always ready (a read reports the bytes left before the end of a
//! regular file, as wasmtime does), standard streams are ready (they block in their own read
//! and write), and a descriptor the guest does not have, or a directory, gets an `EBADF` event.
//! With nothing ready, the call sleeps until the first clock fires.

use std::io::Seek;

use silo_core::{Caller, Error, Linker};

use std::time::{Duration, Instant};

use crate::wait::Stop;

use crate::time::Clocks;

use super::{Getter, MODULE, with_memory};
use crate::ctx::WasiState;
use crate::errno::{Errno, WasiResult};
use crate::fs::Descriptor;
use crate::fs::descriptor::FILETYPE_REGULAR_FILE;
use crate::fs::rights::{FD_READ, FD_WRITE};
use crate::fs::stat::filetype;
use crate::memory::GuestMemory;

const EVENT_CLOCK: u8 = 0;
const EVENT_FD_READ: u8 = 1;
const EVENT_FD_WRITE: u8 = 2;
const SUBCLOCK_ABSTIME: u16 = 1;
const SUBSCRIPTION_SIZE: u32 = 48;
const EVENT_SIZE: u32 = 32;

/// A subscription read from guest memory.
struct Subscription {
    userdata: u64,
    kind: u8,
    /// Clock subscriptions: their clock and when they fire on its timeline, in nanoseconds.
    deadline: Option<(u32, u64)>,
    fd: u32,
}

fn read_subscription(
    mem: &GuestMemory<'_>,
    ctx: &mut WasiState,
    at: u32,
) -> Result<Subscription, Errno> {
    let userdata = mem.read_u64(at)?;
    let kind = mem.slice(at + 8, 1)?[0];
    match kind {
        EVENT_CLOCK => {
            let id = mem.read_u32(at + 16)?;
            let timeout = mem.read_u64(at + 24)?;
            let flags = mem.slice(at + 40, 2)?;
            let flags = u16::from_le_bytes([flags[0], flags[1]]);
            let now = ctx.clocks.now(id)?;
            let deadline =
                if flags & SUBCLOCK_ABSTIME != 0 { timeout } else { now.saturating_add(timeout) };
            Ok(Subscription { userdata, kind, deadline: Some((id, deadline)), fd: 0 })
        }
        EVENT_FD_READ | EVENT_FD_WRITE => {
            Ok(Subscription { userdata, kind, deadline: None, fd: mem.read_u32(at + 16)? })
        }
        _ => Err(Errno::Inval),
    }
}

/// An event: its error, and for descriptors the bytes available.
fn write_event(
    mem: &mut GuestMemory<'_>,
    at: u32,
    sub: &Subscription,
    error: Errno,
    nbytes: u64,
) -> WasiResult {
    mem.write(at, &[0; EVENT_SIZE as usize])?;
    mem.write_u64(at, sub.userdata)?;
    mem.write(at + 8, &(error as u16).to_le_bytes())?;
    mem.write(at + 10, &[sub.kind])?;
    mem.write_u64(at + 16, nbytes)
}

/// Whether `fd` is ready for `kind`, and how many bytes.
fn readiness(ctx: &mut WasiState, fd: u32, kind: u8) -> Result<u64, Errno> {
    match (ctx.fds.get_mut(fd)?, kind) {
        (Descriptor::Input { .. }, EVENT_FD_READ) => Ok(0),
        (Descriptor::Output { .. }, EVENT_FD_WRITE) => Ok(0),
        (Descriptor::File(f), EVENT_FD_READ) => {
            f.rights.need(FD_READ)?;
            let meta = f.file.metadata()?;
            if filetype(meta.file_type()) != FILETYPE_REGULAR_FILE {
                return Ok(0);
            }
            let pos = (&f.file).stream_position()?;
            Ok(meta.len().saturating_sub(pos))
        }
        (Descriptor::File(f), EVENT_FD_WRITE) => {
            f.rights.need(FD_WRITE)?;
            Ok(0)
        }
        _ => Err(Errno::Badf),
    }
}

/// What `poll_oneoff` does once it has read its subscriptions: report what is ready, or sleep
/// first, outside the world's lock (the guest's other threads go on making calls meanwhile).
enum Poll {
    Done,
    Sleep { subs: Vec<Subscription>, ns: u64 },
}

/// The first half of `poll_oneoff`, under the world's lock: reads the subscriptions and, when
/// a descriptor is ready or no real sleep is needed (virtual clocks), answers at once.
fn poll_start(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    store_deadline: Option<Instant>,
    (input, out, n, nevents): (u32, u32, u32, u32),
    next: &mut Poll,
) -> WasiResult {
    if n == 0 {
        return Err(Errno::Inval);
    }
    n.checked_mul(SUBSCRIPTION_SIZE)
        .and_then(|size| input.checked_add(size))
        .ok_or(Errno::Fault)?;
    n.checked_mul(EVENT_SIZE).and_then(|size| out.checked_add(size)).ok_or(Errno::Fault)?;
    let mut subs = Vec::new();
    for i in 0..n {
        subs.push(read_subscription(mem, ctx, input + i * SUBSCRIPTION_SIZE)?);
    }
    let mut ready: Vec<(usize, Errno, u64)> = Vec::new();
    for (i, s) in subs.iter().enumerate() {
        if s.deadline.is_none() {
            match readiness(ctx, s.fd, s.kind) {
                Ok(nbytes) => ready.push((i, Errno::Success, nbytes)),
                Err(e) => ready.push((i, e, 0)),
            }
        }
    }
    if ready.is_empty() {
        // Only clocks: wait for the first to fire.
        let mut sleep = u64::MAX;
        for s in &subs {
            if let Some((id, deadline)) = s.deadline {
                sleep = sleep.min(deadline.saturating_sub(ctx.clocks.now(id)?));
            }
        }
        // Never past the store's deadline: the guest must stop on time, and it does at its
        // next check once this returns (with no event, if no clock fired).
        if let Some(at) = store_deadline.filter(|_| matches!(ctx.clocks, Clocks::Host { .. })) {
            let left = at.saturating_duration_since(Instant::now()).as_nanos();
            sleep = sleep.min(left.min(u64::MAX as u128) as u64);
        }
        if matches!(ctx.clocks, Clocks::Host { .. }) && sleep > 0 {
            *next = Poll::Sleep { subs, ns: sleep };
            return Ok(());
        }
        ctx.clocks.sleep(sleep);
    }
    poll_report(mem, ctx, &subs, ready, out, nevents)
}

/// The second half of `poll_oneoff`: every clock that has fired by now joins the ready
/// descriptors, and the events are written.
fn poll_report(
    mem: &mut GuestMemory<'_>,
    ctx: &mut WasiState,
    subs: &[Subscription],
    mut ready: Vec<(usize, Errno, u64)>,
    out: u32,
    nevents: u32,
) -> WasiResult {
    // Every clock that has fired by now.
    for (i, s) in subs.iter().enumerate() {
        if let Some((id, deadline)) = s.deadline
            && ctx.clocks.now(id)? >= deadline
        {
            ready.push((i, Errno::Success, 0));
        }
    }
    ready.sort_by_key(|r| r.0);
    for (k, (i, error, nbytes)) in ready.iter().enumerate() {
        write_event(mem, out + EVENT_SIZE * k as u32, &subs[*i], *error, *nbytes)?;
    }
    mem.write_u32(nevents, ready.len() as u32)
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    linker.func_wrap(
        MODULE,
        "poll_oneoff",
        move |mut c: Caller<'_, T>, input: u32, out: u32, n: u32, nevents: u32| {
            let deadline = c.deadline();
            let mut next = Poll::Done;
            let args = (input, out, n, nevents);
            let status = with_memory(&mut c, get, |mem, ctx| {
                poll_start(mem, ctx, deadline, args, &mut next)
            })?;
            let Poll::Sleep { subs, ns } = next else { return Ok(status) };
            // Asleep without the lock, and no further than an interrupt or the deadline; the
            // call below then traps if the guest must stop.
            Stop::new(deadline, c.interrupt_handle()).sleep(Duration::from_nanos(ns));
            with_memory(&mut c, get, |mem, ctx| {
                poll_report(mem, ctx, &subs, Vec::new(), out, nevents)
            })
        },
    )?;
    Ok(())
}
