//! Clocks and sleeping: virtual clocks are deterministic, and `poll_oneoff` sleeps on relative
//! and absolute clock subscriptions.

mod common;

use common::*;
use silo_wasi::WasiCtxBuilder;

const REALTIME: u32 = 0;
const MONOTONIC: u32 = 1;

fn now(g: &mut Guest, clock: u32) -> u64 {
    assert_eq!(g.call("clock_time_get", &[i(clock), l(1), i(OUT)]), 0);
    g.u64_at(OUT)
}

/// Sleeps through one clock subscription; the number of events.
fn sleep(g: &mut Guest, clock: u32, timeout: u64, absolute: bool) -> u32 {
    let mut sub = [0u8; 48];
    sub[0..8].copy_from_slice(&42u64.to_le_bytes());
    sub[16..20].copy_from_slice(&clock.to_le_bytes());
    sub[24..32].copy_from_slice(&timeout.to_le_bytes());
    sub[40] = u8::from(absolute);
    g.put(BUF, &sub);
    assert_eq!(g.call("poll_oneoff", &[i(BUF), i(BUF + 100), i(1), i(OUT)]), 0);
    assert_eq!(g.u64_at(BUF + 100), 42, "userdata");
    assert_eq!(g.get(BUF + 108, 3), [0, 0, 0], "no error, clock event");
    g.u32_at(OUT)
}

#[test]
fn virtual_clocks_start_at_2000_and_advance_by_sleeps_and_reads() {
    let mut g = Guest::new(WasiCtxBuilder::new().virtual_clocks().build());
    let t0 = now(&mut g, REALTIME);
    assert_eq!(t0, 946_684_800_000_000_000 + 1_000);
    assert_eq!(now(&mut g, MONOTONIC), 2_000);
    assert_eq!(now(&mut g, MONOTONIC), 3_000, "strictly increasing");
    // An hour of sleep passes at once.
    let start = std::time::Instant::now();
    assert_eq!(sleep(&mut g, MONOTONIC, 3_600_000_000_000, false), 1);
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    let m = now(&mut g, MONOTONIC);
    assert!((3_600_000_000_000..3_600_000_100_000).contains(&m), "{m}");
    // An absolute deadline on the real-time clock: 2001-01-01.
    let deadline = 978_307_200_000_000_000;
    assert_eq!(sleep(&mut g, REALTIME, deadline, true), 1);
    let r = now(&mut g, REALTIME);
    assert!((deadline..deadline + 100_000).contains(&r), "{r}");
    // CPU time follows the monotonic clock.
    assert!(now(&mut g, 2) > m);
    assert_eq!(g.call("clock_time_get", &[i(9), l(1), i(OUT)]), EINVAL);
    assert_eq!(g.call("clock_res_get", &[i(MONOTONIC), i(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 1_000);
}

#[test]
fn host_clocks_sleep_relative_and_absolute() {
    let mut g = Guest::new(WasiCtxBuilder::new().build());
    let start = std::time::Instant::now();
    assert_eq!(sleep(&mut g, MONOTONIC, 20_000_000, false), 1);
    assert!(start.elapsed() >= std::time::Duration::from_millis(20));
    let target = now(&mut g, MONOTONIC) + 20_000_000;
    assert_eq!(sleep(&mut g, MONOTONIC, target, true), 1);
    assert!(now(&mut g, MONOTONIC) >= target);
    let target = now(&mut g, REALTIME) + 10_000_000;
    assert_eq!(sleep(&mut g, REALTIME, target, true), 1);
    assert!(now(&mut g, REALTIME) >= target);
    // A deadline in the past fires at once.
    assert_eq!(sleep(&mut g, MONOTONIC, 0, true), 1);
}
