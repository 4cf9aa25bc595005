//! Instantiation of `bench/instance.wat` under wasmtime, for the side-by-side row of
//! `bench/RESULTS.md`: a new `Store` per instance, created, instantiated and dropped, as Silo's
//! `fresh_store` benchmark does. Prints the median of 31 batches of 10,000 instances, in
//! microseconds per instance, for the on-demand allocator and the pooling allocator (with
//! copy-on-write memory images, wasmtime's default when pooling).

use std::time::Instant;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, Linker, Module, PoolingAllocationConfig, Store};

const WAT: &str = include_str!("../../instance.wat");
const BATCHES: usize = 31;
const PER_BATCH: u32 = 10_000;

fn median_micros(engine: &Engine) -> f64 {
    let module = Module::new(engine, WAT).expect("bench/instance.wat compiles");
    let linker = Linker::<()>::new(engine);
    let pre = linker.instantiate_pre(&module).expect("no imports");
    let mut batches = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..PER_BATCH {
            let mut store = Store::new(engine, ());
            std::hint::black_box(pre.instantiate(&mut store).expect("instantiates"));
        }
        batches.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(PER_BATCH));
    }
    batches.sort_by(f64::total_cmp);
    batches[BATCHES / 2]
}

fn main() {
    let on_demand = Engine::new(&Config::new()).expect("engine");
    let mut pooling = Config::new();
    pooling.allocation_strategy(InstanceAllocationStrategy::Pooling(PoolingAllocationConfig::default()));
    let pooling = Engine::new(&pooling).expect("pooling engine");
    println!("wasmtime 48.0.8 on-demand: {:.2} µs per instance", median_micros(&on_demand));
    println!("wasmtime 48.0.8 pooling:   {:.2} µs per instance", median_micros(&pooling));
}
