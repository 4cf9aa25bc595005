//! Idle instances per GiB: creates N instances of the small module `bench/instance.wat` (one
//! memory of one page, a table, a global, a data segment) and measures how much the process's
//! resident memory grows per instance, from `VmRSS` in `/proc/self/status` (committed, touched
//! memory), beside `VmSize` (reserved address space: each unbounded 32-bit memory reserves
//! 4 GiB of it, but only its one committed page counts towards RSS).
//!
//! `cargo run --release --example instance_density -- LAYOUT [N]` (N defaults to 2000) measures
//! one layout, `store_per_instance` (a `Store` for each instance) or `one_store` (every instance
//! in one store), and prints one line: `layout=NAME instances=N rss_bytes_per_instance=B
//! vm_bytes_per_instance=B per_gib=K`. One layout per process, so that memory the allocator
//! kept from the other does not hide growth. The engine is the interpreter's, whose memories
//! reserve no guard region (the native tiers' add 2 GiB each).

use std::process::ExitCode;

use silo::{Config, Engine, Linker, Module, Store, Strategy};

const WAT: &str = include_str!("../bench/instance.wat");

/// `VmRSS` and `VmSize` of this process, in bytes.
fn memory_status() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    };
    (field("VmRSS:"), field("VmSize:"))
}

fn report(layout: &str, n: u64, before: (u64, u64), after: (u64, u64)) {
    let rss = after.0.saturating_sub(before.0) / n;
    let vm = after.1.saturating_sub(before.1) / n;
    let per_gib = (1u64 << 30).checked_div(rss).unwrap_or(0);
    println!(
        "layout={layout} instances={n} rss_bytes_per_instance={rss} vm_bytes_per_instance={vm} per_gib={per_gib}"
    );
}

fn main() -> Result<ExitCode, silo::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = match args.get(1).map(|s| s.parse::<u64>()) {
        None => 2000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => 0,
    };
    let layout = args.first().map(String::as_str);
    if n == 0 || !matches!(layout, Some("store_per_instance" | "one_store")) {
        eprintln!("usage: instance_density store_per_instance|one_store [N]");
        return Ok(ExitCode::FAILURE);
    }
    let engine = Engine::new(Config::new().strategy(Strategy::Interpreter));
    let module = Module::new(&engine, WAT)?;
    module.translate_all()?;
    let linker = Linker::<()>::new(&engine);
    // One instance first, so that lazily built shared state is not counted.
    let mut warm = Store::new(&engine, ());
    linker.instantiate(&mut warm, &module)?;

    let before = memory_status();
    if layout == Some("one_store") {
        let mut store = Store::new(&engine, ());
        for _ in 0..n {
            linker.instantiate(&mut store, &module)?;
        }
        report("one_store", n, before, memory_status());
    } else {
        let mut stores = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let mut store = Store::new(&engine, ());
            linker.instantiate(&mut store, &module)?;
            stores.push(store);
        }
        report("store_per_instance", n, before, memory_status());
    }
    Ok(ExitCode::SUCCESS)
}
