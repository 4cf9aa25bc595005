//! Idle-guest density: how much resident memory N idle guests of a small module take in one
//! process, each in its own store (as a server holding many sandboxed guests would), started
//! fresh or forked from one checkpoint.
//!
//! ```sh
//! cargo run --release -p silo-snapshot --example idle_density [-- N]
//! ```

#[path = "support/rss.rs"]
mod rss;

use silo_core::{Engine, Instance, Linker, Module, Store};
use silo_snapshot::Checkpoint;

/// A small guest: one page of memory with some data, a table, globals and a few functions.
const GUEST: &str = r#"(module
    (memory (export "memory") 1)
    (table 4 funcref)
    (global $count (mut i32) (i32.const 0))
    (data (i32.const 0) "a small guest with a little data")
    (func $tick (export "tick") (result i32)
        (global.set $count (i32.add (global.get $count) (i32.const 1)))
        (global.get $count))
    (elem (i32.const 0) func $tick))"#;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).expect("the guest loads");
    let linker = Linker::new(&engine);

    let before = rss::rss_mib();
    let start = std::time::Instant::now();
    let mut fresh = Vec::with_capacity(n);
    for _ in 0..n {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).expect("instantiate");
        let tick = instance.get_typed_func::<(), i32>(&store, "tick").unwrap();
        tick.call(&mut store, ()).unwrap();
        fresh.push((store, instance));
    }
    let elapsed = start.elapsed();
    let fresh_mib = rss::rss_mib() - before;
    println!(
        "{n} fresh guests (each called once): {fresh_mib:.0} MiB resident ({:.1} KiB each), {:.1} µs each to start",
        fresh_mib * 1024.0 / n as f64,
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
    drop(fresh);

    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
    let fork = checkpoint.fork(&module).unwrap();
    let before = rss::rss_mib();
    let start = std::time::Instant::now();
    let mut forks = Vec::with_capacity(n);
    for _ in 0..n {
        let mut store = Store::new(&engine, ());
        let instance = fork.resume(&mut store, &linker, &module).expect("fork");
        let tick = instance.get_typed_func::<(), i32>(&store, "tick").unwrap();
        tick.call(&mut store, ()).unwrap();
        forks.push((store, instance));
    }
    let elapsed = start.elapsed();
    let forks_mib = rss::rss_mib() - before;
    println!(
        "{n} forked guests (each called once): {forks_mib:.0} MiB resident ({:.1} KiB each), {:.1} µs each to start",
        forks_mib * 1024.0 / n as f64,
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
}
