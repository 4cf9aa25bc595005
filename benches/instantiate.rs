//! Instantiation benchmark: the time to instantiate an already-compiled small module
//! (`bench/instance.wat`: four functions, one memory of one page, a table, a global and a data
//! segment) through the embedding API, with `Linker::instantiate`.
//!
//! `fresh_store` makes a new `Store` for every instance and drops it (outside the timing only
//! for the drop of the last batch); `same_store` instantiates repeatedly into one store, which
//! keeps every instance alive, so the store is replaced (untimed) every `PER_STORE` instances to
//! bound the memory and address space the run holds. The engine is the interpreter's (memories
//! without the native tiers' guard regions); `fresh_store_jit` is `fresh_store` on the JIT's
//! engine (each memory reserves 4 GiB plus its guard region). Run with
//! `cargo bench --bench instantiate`; `bench/run --only instantiate` runs it in a short mode
//! and reports the estimates.

use std::time::{Duration, Instant};

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use silo::{Config, Engine, Linker, Module, Store, Strategy};

const WAT: &str = include_str!("../bench/instance.wat");

/// Instances one store holds before `same_store` replaces it.
const PER_STORE: u64 = 1000;

fn instantiate(c: &mut Criterion) {
    let engine = Engine::new(Config::new().strategy(Strategy::Interpreter));
    let module = Module::new(&engine, WAT).expect("bench/instance.wat compiles");
    let linker = Linker::<()>::new(&engine);
    let mut group = c.benchmark_group("instantiate");
    group.bench_function("fresh_store", |b| {
        b.iter(|| {
            let mut store = Store::new(&engine, ());
            black_box(linker.instantiate(&mut store, &module).expect("instantiates"));
            store
        })
    });
    group.bench_function("same_store", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let mut store = Store::new(&engine, ());
                let batch = PER_STORE.min(iters - done);
                let start = Instant::now();
                for _ in 0..batch {
                    black_box(linker.instantiate(&mut store, &module).expect("instantiates"));
                }
                total += start.elapsed();
                done += batch;
            }
            total
        })
    });
    if let Ok(jit) = Engine::try_new(Config::new().strategy(Strategy::Jit)) {
        let module = Module::new(&jit, WAT).expect("bench/instance.wat compiles");
        let linker = Linker::<()>::new(&jit);
        group.bench_function("fresh_store_jit", |b| {
            b.iter(|| {
                let mut store = Store::new(&jit, ());
                black_box(linker.instantiate(&mut store, &module).expect("instantiates"));
                store
            })
        });
    }
    group.finish();
}

criterion_group!(benches, instantiate);
criterion_main!(benches);
