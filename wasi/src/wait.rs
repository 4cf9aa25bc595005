//! Blocking host calls that still stop on time.
//!
//! A guest blocked in a host call runs no check, so its store's deadline and interrupt handle
//! cannot stop it there. Every WASI call that could block on the outside world — reading or
//! writing a pipe, a terminal or a FIFO, opening a FIFO before its other end is open — first
//! waits for its descriptor to be ready with `poll(2)`, in slices no longer than the time left
//! to the deadline and, for an interruptible store, than [`INTERRUPT_LATENCY`]. When the guest
//! must stop first, the call gives up with `EINTR` and marks the context; the WASI layer then
//! returns the store's deadline or interrupt trap instead of the errno (`preview1::with_memory`),
//! so the guest never sees the result of a wait it did not finish. Without a deadline or an
//! interrupt handle, nothing is polled: calls block as they would natively.

use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec};
use silo_core::InterruptHandle;

use crate::errno::Errno;

/// The most a write to a pipe may carry and still never block once `poll` says the pipe is
/// writable (POSIX's `PIPE_BUF`, 4096 on Linux).
pub(crate) const PIPE_CHUNK: usize = 4096;

/// How long an interrupt may go unseen by a blocked call.
pub(crate) const INTERRUPT_LATENCY: Duration = Duration::from_millis(5);

/// What stops the guest of the current host call: its store's deadline and interrupt handle.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stop {
    deadline: Option<Instant>,
    interrupt: Option<InterruptHandle>,
    /// Set when a wait gave up because the guest must stop.
    pub stopped: bool,
}

impl Stop {
    pub fn new(deadline: Option<Instant>, interrupt: Option<InterruptHandle>) -> Stop {
        Stop { deadline, interrupt, stopped: false }
    }

    /// Whether anything can stop the guest (otherwise waits block as natively).
    pub fn watched(&self) -> bool {
        self.deadline.is_some() || self.interrupt.is_some()
    }

    /// Whether the guest must stop now.
    fn due(&self) -> bool {
        self.interrupt.as_ref().is_some_and(InterruptHandle::is_interrupted)
            || self.deadline.is_some_and(|at| Instant::now() >= at)
    }

    /// How long one wait may last before looking again: until the deadline, and no longer than
    /// the interrupt latency when an interrupt can come; `None` for no limit.
    fn slice(&self) -> Option<Duration> {
        let to_deadline = self.deadline.map(|at| at.saturating_duration_since(Instant::now()));
        let interrupt = self.interrupt.as_ref().map(|_| INTERRUPT_LATENCY);
        match (to_deadline, interrupt) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Gives up: `EINTR`, and the mark that makes the WASI layer trap.
    fn give_up(&mut self) -> Errno {
        self.stopped = true;
        Errno::Intr
    }

    /// Waits until `fd` is ready to read (or, with `write`, to write) without blocking, or
    /// gives up with `EINTR` when the guest must stop first. Errors and hang-ups count as ready:
    /// the read or write that follows reports them.
    pub fn ready(&mut self, fd: BorrowedFd<'_>, write: bool) -> Result<(), Errno> {
        if !self.watched() {
            return Ok(());
        }
        let flags = if write { PollFlags::OUT } else { PollFlags::IN };
        loop {
            if self.due() {
                return Err(self.give_up());
            }
            let timeout = self.slice().map(|d| Timespec {
                tv_sec: d.as_secs().min(i64::MAX as u64) as i64,
                tv_nsec: i64::from(d.subsec_nanos()),
            });
            let mut fds = [PollFd::new(&fd, flags)];
            match rustix::event::poll(&mut fds, timeout.as_ref()) {
                Ok(0) | Err(rustix::io::Errno::INTR) => continue,
                Ok(_) => return Ok(()),
                Err(e) => return Err(Errno::from(std::io::Error::from(e))),
            }
        }
    }

    /// Waits for `fd` as [`Stop::ready`] for the first piece of a read or write, and after the
    /// first only looks (`more`): a later piece that would block ends the call short, as
    /// `readv`/`writev` return what they could do without blocking. `Ok(false)` then.
    pub fn ready_for(
        &mut self,
        fd: BorrowedFd<'_>,
        write: bool,
        more: bool,
    ) -> Result<bool, Errno> {
        if !more {
            return self.ready(fd, write).map(|()| true);
        }
        let flags = if write { PollFlags::OUT } else { PollFlags::IN };
        let mut fds = [PollFd::new(&fd, flags)];
        let now = Timespec { tv_sec: 0, tv_nsec: 0 };
        Ok(rustix::event::poll(&mut fds, Some(&now)).is_ok_and(|n| n > 0))
    }

    /// Sleeps for `time`, waking early when the guest must stop (the caller then sees it stop).
    pub fn sleep(&mut self, time: Duration) {
        let until = Instant::now().checked_add(time);
        loop {
            let now = Instant::now();
            let left = until.map_or(Duration::MAX, |u| u.saturating_duration_since(now));
            if left.is_zero() || self.due() {
                return;
            }
            std::thread::sleep(self.slice().map_or(left, |s| s.min(left)));
        }
    }

    /// Sleeps a little before trying again something that cannot be polled (opening a FIFO
    /// for writing before it has a reader), or gives up with `EINTR` when the guest must stop
    /// first. Only for a watched guest: an unwatched one blocks natively instead.
    pub fn pause(&mut self) -> Result<(), Errno> {
        if self.due() {
            return Err(self.give_up());
        }
        std::thread::sleep(self.slice().unwrap_or(INTERRUPT_LATENCY).min(INTERRUPT_LATENCY));
        Ok(())
    }
}

/// A wait's `Errno` as the I/O error of the read or write that waited (for the closures of
/// `GuestMemory::scatter`/`gather`): `EINTR` whatever it was (the call traps anyway when the
/// wait gave up; a failed `poll` is the rare other case).
pub(crate) fn gave_up(_: Errno) -> std::io::Error {
    rustix::io::Errno::INTR.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn a_wait_on_an_idle_pipe_gives_up_at_the_deadline() {
        let (reader, _writer) = rustix::pipe::pipe().unwrap();
        let start = Instant::now();
        let mut stop = Stop::new(Some(start + Duration::from_millis(50)), None);
        assert_eq!(stop.ready(reader.as_fd(), false), Err(Errno::Intr));
        assert!(stop.stopped);
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(50) && waited < Duration::from_millis(500));
    }

    #[test]
    fn an_interrupt_ends_a_wait_promptly() {
        let (reader, _writer) = rustix::pipe::pipe().unwrap();
        let handle = interrupt_handle();
        let mut stop = Stop::new(None, Some(handle.clone()));
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            handle.interrupt();
        });
        assert_eq!(stop.ready(reader.as_fd(), false), Err(Errno::Intr));
        t.join().unwrap();
    }

    #[test]
    fn ready_descriptors_and_unwatched_guests_do_not_wait() {
        let (reader, writer) = rustix::pipe::pipe().unwrap();
        rustix::io::write(&writer, b"x").unwrap();
        let mut stop = Stop::new(Some(Instant::now() + Duration::from_secs(60)), None);
        assert_eq!(stop.ready(reader.as_fd(), false), Ok(()));
        assert_eq!(stop.ready(writer.as_fd(), true), Ok(()));
        let (idle, _w) = rustix::pipe::pipe().unwrap();
        assert_eq!(Stop::default().ready(idle.as_fd(), false), Ok(()));
        assert!(!stop.stopped);
    }

    /// An interrupt handle of a fresh interruptible store.
    fn interrupt_handle() -> InterruptHandle {
        let mut config = silo_core::Config::new();
        config.interruptible(true);
        let engine = silo_core::Engine::new(&config);
        silo_core::Store::new(&engine, ()).interrupt_handle().unwrap()
    }
}
