//! Times starting guests from one checkpoint: restored by copying (`Checkpoint::resume`) against
//! forked copy-on-write (`Fork::resume`), and a fresh instantiation for scale, for guests of
//! 1 MiB and 100 MiB of memory (`bench/checkpoint.wat`, half of the pages filled). Prints one
//! line per size: the median time to a ready instance over N starts, in microseconds, and the
//! process's resident memory after holding N forked guests at once. Forks are timed twice: all
//! N held at once (each needs memory of its own), and each dropped before the next starts (as a
//! server forking a guest per request does: the engine reuses the last one's memory).
//!
//! ```sh
//! cargo run --release -p silo-snapshot --example fork_times [-- N]
//! ```

#[path = "support/rss.rs"]
mod rss;

use std::time::Instant;

use silo_core::{Engine, Instance, Linker, Module, Store};
use silo_snapshot::Checkpoint;

const GUEST: &str = include_str!("../../bench/checkpoint.wat");

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST).expect("the guest loads");
    let linker = Linker::new(&engine);
    println!(
        "{:<8} {:>14} {:>14} {:>14} {:>16} {:>22}",
        "memory", "instantiate µs", "restore µs", "fork µs", "fork+drop µs", "RSS with N forks MiB"
    );
    for (label, pages) in [("1 MiB", 16), ("100 MiB", 1600)] {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let fill = instance.get_typed_func::<i32, i32>(&store, "fill").unwrap();
        fill.call(&mut store, pages).unwrap();
        let checkpoint = Checkpoint::capture(&store, &instance, false).unwrap();
        drop(store);

        let mut instantiate = Vec::new();
        let mut restore = Vec::new();
        for _ in 0..n {
            let mut store = Store::new(&engine, ());
            let start = Instant::now();
            Instance::new(&mut store, &module, &[]).unwrap();
            instantiate.push(start.elapsed().as_secs_f64() * 1e6);
            let mut store = Store::new(&engine, ());
            let start = Instant::now();
            checkpoint.resume(&mut store, &linker, &module).unwrap();
            restore.push(start.elapsed().as_secs_f64() * 1e6);
        }
        let fork = checkpoint.fork(&module).unwrap();
        let before = rss::rss_mib();
        let mut forks = Vec::new();
        let mut forked = Vec::new();
        for _ in 0..n {
            let mut store = Store::new(&engine, ());
            let start = Instant::now();
            let instance = fork.resume(&mut store, &linker, &module).unwrap();
            forked.push(start.elapsed().as_secs_f64() * 1e6);
            forks.push((store, instance));
        }
        let held = rss::rss_mib() - before;
        let mut reused = Vec::new();
        for _ in 0..n {
            let mut store = Store::new(&engine, ());
            let start = Instant::now();
            fork.resume(&mut store, &linker, &module).unwrap();
            reused.push(start.elapsed().as_secs_f64() * 1e6);
        }
        // Every fork sees the checkpoint's memory.
        let sum = forks[0].1.get_typed_func::<(), i64>(&forks[0].0, "sum").unwrap();
        let first = sum.call(&mut forks[0].0, ()).unwrap();
        let last = forks.len() - 1;
        let sum = forks[last].1.get_typed_func::<(), i64>(&forks[last].0, "sum").unwrap();
        assert_eq!(sum.call(&mut forks[last].0, ()).unwrap(), first);
        println!(
            "{label:<8} {:>14.1} {:>14.1} {:>14.1} {:>16.1} {:>22.1}",
            median(instantiate),
            median(restore),
            median(forked),
            median(reused),
            held
        );
    }
}
