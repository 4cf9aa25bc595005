//! Guests that misbehave, each under the quota that stops it: a `memory.grow` bomb, a table
//! bomb, an infinite loop under fuel and under a deadline, unbounded recursion, an stdout flood,
//! and many guests at once with the misbehaving ones stopped while the others finish correctly.
//! Every stop names the quota and its limit, and the host goes on.

mod guest;

use std::time::{Duration, Instant};

use silo_core::{Quota, TrapCode};
use silo_sandbox::Policy;

use guest::run;

fn policy(configure: impl FnOnce(&mut Policy)) -> Policy {
    let mut policy = Policy::default();
    configure(&mut policy);
    policy
}

#[test]
fn memory_grow_bomb_gets_minus_one_at_the_quota() {
    let p = policy(|p| p.limits.max_memory_bytes = Some(64 << 20));
    let out = run("memory_grow_bomb.wat", &p);
    assert_eq!(out.stdout, "memory.grow failed at 1024 pages\n");
    assert_eq!(out.status.as_ref().ok(), Some(&2));
    let hit = out.quota_hit.expect("the refusal is recorded");
    assert_eq!(hit.quota, Quota::Memory);
    assert_eq!(hit.to_string(), "memory quota exceeded: limit 64 MiB, asked for 65600 KiB");
}

#[test]
fn total_memory_quota_holds_too() {
    let p = policy(|p| p.limits.max_total_memory_bytes = Some(1 << 20));
    let out = run("memory_grow_bomb.wat", &p);
    assert_eq!(out.stdout, "memory.grow failed at 16 pages\n");
    assert_eq!(out.quota_hit.map(|h| h.quota), Some(Quota::TotalMemory));
}

#[test]
fn table_grow_bomb_stops_at_the_quota() {
    let p = policy(|p| p.limits.max_table_elements = Some(10_000));
    let out = run("table_grow_bomb.wat", &p);
    assert_eq!(out.stdout, "table.grow failed at 9216 elements\n");
    assert_eq!(out.status.as_ref().ok(), Some(&2));
    assert_eq!(out.quota_hit.map(|h| h.quota), Some(Quota::TableElements));
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    let p = policy(|p| p.limits.fuel = Some(5_000_000));
    let out = run("infinite_loop.wat", &p);
    let trap = out.trap();
    assert_eq!(trap.code(), TrapCode::OutOfFuel);
    assert_eq!(trap.message(), "fuel quota exceeded: limit 5000000");
    assert!(out.stdout.starts_with("looping"));
}

#[test]
fn infinite_loop_meets_its_deadline() {
    let p = policy(|p| p.limits.timeout = Some(Duration::from_millis(200)));
    let start = Instant::now();
    let out = run("infinite_loop.wat", &p);
    assert_eq!(out.trap().code(), TrapCode::DeadlineExceeded);
    assert_eq!(out.trap().message(), "timeout quota exceeded: limit 200ms");
    assert!(start.elapsed() < Duration::from_secs(10), "stopped in {:?}", start.elapsed());
}

#[test]
fn unbounded_recursion_is_a_trap_with_or_without_a_quota() {
    let out = run("deep_recursion.wat", &Policy::default());
    assert_eq!(out.trap().code(), TrapCode::StackOverflow);
    assert_eq!(out.trap().message(), "call stack exhausted");
    let p = policy(|p| p.limits.max_call_depth = Some(500));
    let out = run("deep_recursion.wat", &p);
    assert_eq!(
        out.trap().message(),
        "call stack exhausted: call depth quota exceeded: limit 500, asked for 501"
    );
}

#[test]
fn stdout_flood_stops_at_the_output_quota() {
    let p = policy(|p| p.limits.max_output_bytes = Some(100_000));
    let out = run("stdout_flood.wat", &p);
    assert_eq!(out.stdout.len(), 100_000, "what fits is written, nothing more");
    let trap = out.trap();
    assert!(trap.message().starts_with("output quota exceeded: 100000 bytes"), "{trap}");
}

#[test]
fn many_guests_at_once_one_misbehaving_per_kind() {
    let bombs: Vec<(&str, Policy)> = vec![
        ("infinite_loop.wat", policy(|p| p.limits.timeout = Some(Duration::from_millis(300)))),
        ("infinite_loop.wat", policy(|p| p.limits.fuel = Some(1_000_000))),
        ("memory_grow_bomb.wat", policy(|p| p.limits.max_memory_bytes = Some(8 << 20))),
        ("deep_recursion.wat", Policy::default()),
        ("stdout_flood.wat", policy(|p| p.limits.max_output_bytes = Some(10_000))),
    ];
    let good: Vec<_> = (0..6)
        .map(|_| std::thread::spawn(|| run("busy_then_ok.wat", &Policy::default())))
        .collect();
    let bad: Vec<_> = bombs
        .into_iter()
        .map(|(name, p)| std::thread::spawn(move || (name, run(name, &p))))
        .collect();
    for handle in good {
        let out = handle.join().expect("a well-behaved guest's thread never panics");
        assert_eq!(out.stdout, "checksum: 1719427203\n");
        assert_eq!(out.status.ok(), Some(0));
    }
    for handle in bad {
        let (name, out) = handle.join().expect("a misbehaving guest never takes its thread down");
        let stopped = out.status.is_err() || out.status.as_ref().ok() != Some(&0);
        assert!(stopped, "{name} should have been stopped");
    }
}
