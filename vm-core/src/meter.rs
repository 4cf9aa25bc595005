//! Fuel, the deadline and interruption: the checks that stop a guest that runs too long.
//!
//! When the engine is configured for them ([`crate::Config::consume_fuel`],
//! [`crate::Config::interruptible`]), compiled code has a check at every function entry and loop
//! header that charges the WebAssembly instructions of the straight run it starts (the function
//! body or loop body up to its next loop) against `budget`, a plain counter in the store. Only
//! when the budget goes negative does the slow path run: it stops the guest if an interrupt was
//! requested, the deadline has passed or the fuel is used up, and otherwise hands out the next
//! slice of budget. Interruptible stores get small slices, so an interrupt or deadline is seen
//! within about `SLICE` instructions; fuel alone gets all of it at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::limits::{Quota, QuotaHit, quota_trap};
use crate::trap::{Trap, TrapCode};

/// Instructions between two looks at the interrupt flag and the clock.
const SLICE: i64 = 20_000;

/// Stops a running guest from another thread: the guest traps ("interrupted") at its next
/// function entry or loop iteration. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    flag: Arc<AtomicBool>,
}

impl InterruptHandle {
    /// Asks the guest running in the store to stop. If none is running, the next one to pass a
    /// check stops.
    pub fn interrupt(&self) {
        self.flag.store(true, Ordering::Release);
    }

    /// Whether an interrupt was asked for and no check has taken it yet: what a host function
    /// that blocks (a read from a pipe, a sleep) looks at while it waits.
    pub fn is_interrupted(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }
}

/// A look at whether a guest must stop, for work done for it outside its own checks (compiling
/// its code under the `Jit` strategy): `Sync`, and it takes nothing, so the interrupt stays
/// asked for and the guest's next check (`Meter::stop`) gives the trap.
#[derive(Clone, Debug, Default)]
pub(crate) struct StopWatch {
    deadline: Option<Instant>,
    interrupt: Option<Arc<AtomicBool>>,
}

impl StopWatch {
    /// Whether an interrupt was asked for or the deadline has passed.
    pub fn should_stop(&self) -> bool {
        self.interrupt.as_ref().is_some_and(|f| f.load(Ordering::Acquire))
            || self.deadline.is_some_and(|at| Instant::now() >= at)
    }
}

/// Fuel that several stores draw from, so that the threads of one guest share its fuel quota
/// rather than each having its own (`Store::share_fuel`, `Store::use_fuel_pool`). Each store
/// takes slices of it as it runs. Cheap to clone; `Send + Sync`.
#[derive(Clone, Debug)]
pub struct FuelPool {
    left: Arc<AtomicU64>,
    /// The fuel the pool was made with, for the message when it runs out.
    granted: u64,
}

impl FuelPool {
    /// Fuel not yet handed to a store.
    pub fn remaining(&self) -> u64 {
        self.left.load(Ordering::Acquire)
    }

    /// Takes `overdraft` (fuel a store used past its slice) plus up to `slice`: what it handed
    /// out beyond the overdraft, or `None` when the pool cannot pay the overdraft.
    fn take(&self, overdraft: u64, slice: u64) -> Option<u64> {
        let mut handed = 0;
        self.left
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| {
                let after = left.checked_sub(overdraft)?;
                handed = after.min(slice);
                Some(after - handed)
            })
            .ok()
            .map(|_| handed)
            .or_else(|| {
                self.left.store(0, Ordering::Release);
                None
            })
    }
}

/// A store's meter.
#[derive(Debug)]
pub(crate) struct Meter {
    /// Instructions left before the slow path must run. Read and written by compiled code.
    pub budget: i64,
    /// Fuel not yet handed out as budget; `None` when fuel is not metered.
    reserve: Option<u64>,
    /// The pool the store draws its fuel from instead of `reserve`, when it shares fuel.
    pool: Option<FuelPool>,
    /// The fuel last set, for the message when it runs out.
    fuel_granted: u64,
    deadline: Option<(Instant, Duration)>,
    interrupt: Arc<AtomicBool>,
    interruptible: bool,
}

impl Meter {
    pub fn new(consume_fuel: bool, interruptible: bool) -> Meter {
        Meter {
            budget: 0,
            reserve: consume_fuel.then_some(0),
            pool: None,
            fuel_granted: 0,
            deadline: None,
            interrupt: Arc::new(AtomicBool::new(false)),
            interruptible,
        }
    }

    /// Fuel left, when fuel is metered (of a pool: what the pool and this store have left).
    pub fn fuel(&self) -> Option<u64> {
        let reserve = match &self.pool {
            Some(pool) => pool.remaining(),
            None => self.reserve?,
        };
        Some(reserve.saturating_add_signed(self.budget.max(0)))
    }

    /// Moves the fuel left into a pool this store draws from (the same pool when it already
    /// does); `None` when fuel is not metered.
    pub fn share_fuel(&mut self) -> Option<FuelPool> {
        if let Some(pool) = &self.pool {
            return Some(pool.clone());
        }
        // What was used past the budget handed out is paid first.
        let left = self.reserve?.saturating_add_signed(self.budget);
        let pool = FuelPool { left: Arc::new(AtomicU64::new(left)), granted: self.fuel_granted };
        self.reserve = Some(0);
        self.budget = 0;
        self.pool = Some(pool.clone());
        Some(pool)
    }

    /// Makes the store draw its fuel from `pool` (what it had left is dropped); `false` when
    /// fuel is not metered.
    pub fn use_fuel_pool(&mut self, pool: &FuelPool) -> bool {
        if self.reserve.is_none() {
            return false;
        }
        self.reserve = Some(0);
        self.budget = 0;
        self.fuel_granted = pool.granted;
        self.pool = Some(pool.clone());
        true
    }

    /// Sets the fuel left to `fuel`, part of a quota of `quota` (what running out reports);
    /// `false` when fuel is not metered.
    pub fn set_fuel_of(&mut self, fuel: u64, quota: u64) -> bool {
        if self.reserve.is_none() {
            return false;
        }
        self.reserve = Some(fuel);
        self.pool = None;
        self.fuel_granted = quota.max(fuel);
        // The next check takes the slow path, which hands out the first slice.
        self.budget = 0;
        true
    }

    /// Sets a deadline `timeout` from now (one too far off to represent is none); `false` when
    /// the store is not interruptible.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> bool {
        if !self.interruptible {
            return false;
        }
        // A deadline past what the clock can represent never comes: none.
        self.deadline = timeout.and_then(|t| Some((Instant::now().checked_add(t)?, t)));
        self.budget = self.budget.min(SLICE);
        true
    }

    /// Charges `units` of fuel for bulk work (a long `memory.fill`, `table.copy`...) before it
    /// is done: the same stop as a check's, when the fuel is used up or the deadline passed.
    pub fn charge(&mut self, units: u64) -> Result<(), Trap> {
        if self.reserve.is_none() && !self.interruptible {
            return Ok(());
        }
        self.budget = self.budget.saturating_sub(i64::try_from(units).unwrap_or(i64::MAX));
        if self.budget < 0 { self.refill() } else { Ok(()) }
    }

    /// What [`StopWatch::should_stop`] looks at: the deadline and, in an interruptible store,
    /// the interrupt flag.
    pub fn watch(&self) -> StopWatch {
        StopWatch {
            deadline: self.deadline(),
            interrupt: self.interruptible.then(|| self.interrupt.clone()),
        }
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.map(|(at, _)| at)
    }

    pub fn interrupt_handle(&self) -> Option<InterruptHandle> {
        self.interruptible.then(|| InterruptHandle { flag: self.interrupt.clone() })
    }

    /// The trap that stops the guest now, if an interrupt was asked for (which this takes) or
    /// the deadline has passed.
    pub fn stop(&mut self) -> Option<Trap> {
        if self.interruptible && self.interrupt.swap(false, Ordering::AcqRel) {
            return Some(Trap::new(TrapCode::Interrupted));
        }
        let (at, timeout) = self.deadline?;
        (Instant::now() >= at).then(|| {
            let ms = timeout.as_millis().min(u64::MAX as u128) as u64;
            quota_trap(&QuotaHit { quota: Quota::Deadline, limit: ms, requested: ms })
        })
    }

    /// The slow path of a check, once `budget` is negative: the trap that stops the guest, or
    /// a new slice of budget.
    pub fn refill(&mut self) -> Result<(), Trap> {
        if let Some(trap) = self.stop() {
            return Err(trap);
        }
        let slice = if self.interruptible || self.pool.is_some() { SLICE } else { i64::MAX };
        let out_of_fuel = |granted| {
            let hit = QuotaHit { quota: Quota::Fuel, limit: granted, requested: granted };
            quota_trap(&hit)
        };
        if let Some(pool) = &self.pool {
            let overdraft = self.budget.min(0).unsigned_abs();
            let Some(handed) = pool.take(overdraft, slice as u64) else {
                self.budget = 0;
                return Err(out_of_fuel(self.fuel_granted));
            };
            self.budget = handed as i64;
            return Ok(());
        }
        match self.reserve {
            None => self.budget = slice,
            Some(reserve) => {
                // What is left once the overdraft is paid from the reserve.
                let Some(left) = reserve.checked_add_signed(self.budget) else {
                    self.reserve = Some(0);
                    self.budget = 0;
                    return Err(out_of_fuel(self.fuel_granted));
                };
                let handed = left.min(slice as u64);
                self.budget = handed as i64;
                self.reserve = Some(left - handed);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuel_runs_out_after_what_was_granted() {
        let mut m = Meter::new(true, false);
        assert!(m.set_fuel_of(100, 100));
        m.budget -= 5;
        m.refill().unwrap();
        assert_eq!(m.fuel(), Some(95));
        m.budget -= 95;
        assert_eq!(m.fuel(), Some(0));
        m.budget -= 1;
        let trap = m.refill().unwrap_err();
        assert_eq!(trap.code(), TrapCode::OutOfFuel);
        assert_eq!(trap.message(), "fuel quota exceeded: limit 100");
        assert_eq!(m.fuel(), Some(0));
    }

    #[test]
    fn stores_sharing_a_pool_run_out_together() {
        let mut a = Meter::new(true, false);
        let mut b = Meter::new(true, false);
        assert!(a.set_fuel_of(3 * SLICE as u64, 3 * SLICE as u64));
        a.budget -= 10;
        let pool = a.share_fuel().unwrap();
        assert_eq!(pool.remaining(), 3 * SLICE as u64 - 10);
        assert!(b.use_fuel_pool(&pool));
        // Each takes a slice; between them they use it all, then both stop.
        a.refill().unwrap();
        b.refill().unwrap();
        assert_eq!((a.budget, b.budget), (SLICE, SLICE));
        a.budget -= SLICE;
        b.budget -= SLICE;
        a.refill().unwrap();
        assert_eq!(a.budget, SLICE - 10);
        b.budget -= 1;
        assert_eq!(b.refill().unwrap_err().code(), TrapCode::OutOfFuel);
        a.budget -= SLICE;
        let trap = a.refill().unwrap_err();
        assert_eq!(trap.message(), format!("fuel quota exceeded: limit {}", 3 * SLICE));
        assert_eq!(pool.remaining(), 0);
    }

    #[test]
    fn interrupts_and_deadlines_stop_at_the_next_slow_check() {
        let mut m = Meter::new(false, true);
        m.interrupt_handle().unwrap().interrupt();
        assert_eq!(m.refill().unwrap_err().code(), TrapCode::Interrupted);
        assert!(m.refill().is_ok(), "an interrupt stops one run");
        assert!(m.set_timeout(Some(Duration::ZERO)));
        let trap = m.refill().unwrap_err();
        assert_eq!(trap.code(), TrapCode::DeadlineExceeded);
        assert_eq!(trap.message(), "timeout quota exceeded: limit 0ns");
        assert!(!Meter::new(true, false).set_timeout(None), "needs an interruptible engine");
    }
}
