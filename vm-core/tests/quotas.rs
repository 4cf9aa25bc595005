//! Quotas as a guest meets them: fuel, deadlines, interrupts, call depth, memory, tables and
//! instances. Each runaway ends in a trap or a refused growth that names the quota, and the store
//! stays usable.

use std::time::{Duration, Instant};

use silo_core::*;

const RUNAWAYS: &str = r#"(module
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "spin") (loop $l (br $l)))
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (local.get 0))))
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow_table") (param i32) (result i32)
    (table.grow (ref.null func) (local.get 0))))"#;

fn setup(config: &Config) -> (Store<()>, Instance) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, RUNAWAYS).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    (store, instance)
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, arg: i32) -> Result<i32, Trap> {
    match instance.get_func(&*store, name) {
        Some(f) => {
            let mut out = [Val::I32(0)];
            let (args, results): (&[Val], &mut [Val]) =
                if name == "spin" { (&[], &mut []) } else { (&[Val::I32(arg)], &mut out) };
            f.call(&mut *store, args, results).map_err(|e| match e {
                Error::Trap(t) => t,
                other => panic!("not a trap: {other}"),
            })?;
            Ok(out[0].i32().unwrap_or(0))
        }
        None => panic!("no export {name}"),
    }
}

#[test]
fn fuel_stops_an_infinite_loop_and_is_counted() {
    let (mut store, instance) = setup(Config::new().consume_fuel(true));
    store.set_fuel(10_000).unwrap();
    let trap = call(&mut store, &instance, "spin", 0).unwrap_err();
    assert_eq!(trap.code(), TrapCode::OutOfFuel);
    assert_eq!(trap.message(), "fuel quota exceeded: limit 10000");
    assert!(!trap.backtrace().is_empty(), "the trap says where the guest was");
    assert_eq!(store.get_fuel().unwrap(), 0);

    // Fuel is proportional to the work: each iteration of the loop runs its 10 instructions
    // (`end` included).
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(call(&mut store, &instance, "count", 1000).unwrap(), 1000);
    let used = 1_000_000 - store.get_fuel().unwrap();
    assert!((10_000..10_100).contains(&used), "1000 iterations used {used} fuel");
    // And the store goes on after a trap.
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(call(&mut store, &instance, "count", 10).unwrap(), 10);
}

#[test]
fn fuel_needs_a_metering_engine() {
    let (mut store, _) = setup(&Config::new());
    assert!(store.set_fuel(1).unwrap_err().to_string().contains("consume_fuel"));
    assert!(store.get_fuel().is_err());
    assert!(store.set_timeout(Some(Duration::from_secs(1))).is_err());
    assert!(store.interrupt_handle().is_err());
}

#[test]
fn a_deadline_stops_an_infinite_loop() {
    let (mut store, instance) = setup(Config::new().interruptible(true));
    store.set_timeout(Some(Duration::from_millis(100))).unwrap();
    let start = Instant::now();
    let trap = call(&mut store, &instance, "spin", 0).unwrap_err();
    assert_eq!(trap.code(), TrapCode::DeadlineExceeded);
    assert_eq!(trap.message(), "timeout quota exceeded: limit 100ms");
    assert!(start.elapsed() < Duration::from_secs(5));
    store.set_timeout(None).unwrap();
    assert_eq!(call(&mut store, &instance, "count", 5).unwrap(), 5);
}

#[test]
fn another_thread_can_interrupt_a_guest() {
    let (mut store, instance) = setup(Config::new().interruptible(true));
    let handle = store.interrupt_handle().unwrap();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let trap = call(&mut store, &instance, "spin", 0).unwrap_err();
    assert_eq!(trap.code(), TrapCode::Interrupted);
    stopper.join().unwrap();
    assert_eq!(call(&mut store, &instance, "count", 5).unwrap(), 5, "the next call runs");
}

#[test]
fn fuel_and_deadline_together() {
    let (mut store, instance) = setup(Config::new().consume_fuel(true).interruptible(true));
    store.set_fuel(u64::MAX).unwrap();
    store.set_timeout(Some(Duration::from_millis(50))).unwrap();
    let trap = call(&mut store, &instance, "spin", 0).unwrap_err();
    assert_eq!(trap.code(), TrapCode::DeadlineExceeded);
    store.set_timeout(None).unwrap();
    store.set_fuel(100).unwrap();
    assert_eq!(call(&mut store, &instance, "spin", 0).unwrap_err().code(), TrapCode::OutOfFuel);
}

#[test]
fn call_depth_quota_names_itself() {
    let (mut store, instance) = setup(&Config::new());
    store.set_max_call_depth(100);
    assert_eq!(call(&mut store, &instance, "depth", 98).unwrap(), 98);
    let trap = call(&mut store, &instance, "depth", 100).unwrap_err();
    assert_eq!(trap.code(), TrapCode::StackOverflow);
    assert_eq!(
        trap.message(),
        "call stack exhausted: call depth quota exceeded: limit 100, asked for 101"
    );
    let trap = call(&mut store, &instance, "recurse", 0).unwrap_err();
    assert_eq!(trap.code(), TrapCode::StackOverflow);
    // Without a quota, the engine's own limit gives the spec's message.
    let (mut store, instance) = setup(&Config::new());
    let trap = call(&mut store, &instance, "recurse", 0).unwrap_err();
    assert_eq!(trap.message(), "call stack exhausted");
}

#[test]
fn memory_quota_makes_memory_grow_fail_and_says_why() {
    let (mut store, instance) = setup(&Config::new());
    store.set_limits(StoreLimits::new().memory_size(4 << 16));
    assert_eq!(call(&mut store, &instance, "grow", 3).unwrap(), 1);
    assert_eq!(call(&mut store, &instance, "grow", 1).unwrap(), -1);
    let hit = store.last_quota_hit().unwrap();
    assert_eq!(hit.quota, Quota::Memory);
    assert_eq!(hit.to_string(), "memory quota exceeded: limit 256 KiB, asked for 320 KiB");
    // A bomb that keeps asking gets -1 every time, and the memory keeps what it had.
    for _ in 0..1000 {
        assert_eq!(call(&mut store, &instance, "grow", 1).unwrap(), -1);
    }
    let memory = instance.get_memory(&store, "memory").unwrap();
    assert_eq!(memory.size(&store), 4);
    assert!(memory.grow(&mut store, 1).is_err(), "the embedding API obeys the quota too");

    store.set_limits(StoreLimits::new().memory_size(4 << 16).trap_on_grow_failure(true));
    let trap = call(&mut store, &instance, "grow", 1).unwrap_err();
    assert_eq!(trap.code(), TrapCode::ResourceLimit);
    assert_eq!(trap.message(), "memory quota exceeded: limit 256 KiB, asked for 320 KiB");
}

#[test]
fn memory_quota_applies_at_instantiation_and_in_total() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory 3))").unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().total_memory(5 << 16));
    let linker = Linker::new(&engine);
    linker.instantiate(&mut store, &module).unwrap();
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert_eq!(err.to_string(), "total memory quota exceeded: limit 320 KiB, asked for 384 KiB");
}

#[test]
fn table_and_instance_quotas() {
    let (mut store, instance) = setup(&Config::new());
    store.set_limits(StoreLimits::new().table_elements(10).instances(1));
    assert_eq!(call(&mut store, &instance, "grow_table", 9).unwrap(), 1);
    assert_eq!(call(&mut store, &instance, "grow_table", 1).unwrap(), -1);
    assert_eq!(store.last_quota_hit().unwrap().quota, Quota::TableElements);
    let engine = store.engine().clone();
    let module = Module::new(&engine, "(module)").unwrap();
    let err = Linker::new(&engine).instantiate(&mut store, &module).unwrap_err();
    assert_eq!(err.to_string(), "instances quota exceeded: limit 1, asked for 2");
}

#[test]
fn metering_changes_no_result() {
    let (mut plain, plain_instance) = setup(&Config::new());
    let (mut metered, metered_instance) =
        setup(Config::new().consume_fuel(true).interruptible(true));
    metered.set_fuel(u64::MAX).unwrap();
    for n in [0, 1, 7, 1000] {
        assert_eq!(
            call(&mut plain, &plain_instance, "count", n).unwrap(),
            call(&mut metered, &metered_instance, "count", n).unwrap()
        );
        assert_eq!(
            call(&mut plain, &plain_instance, "depth", n).unwrap(),
            call(&mut metered, &metered_instance, "depth", n).unwrap()
        );
    }
}

/// A guest that keeps what it allocates alive (a list held by a global), and grows its memory.
const HOARDER: &str = r#"(module
  (type $node (struct (field (ref null $node)) (field (mut i64)) (field i64) (field i64)))
  (memory 1)
  (global $list (mut (ref null $node)) (ref.null $node))
  (func (export "hoard") (param $n i32) (result i32)
    (loop $more
      (global.set $list (struct.new $node (global.get $list)
        (i64.const 1) (i64.const 2) (i64.const 3)))
      (br_if $more (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.const 0))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

#[test]
fn the_gc_heap_counts_towards_the_total_memory_quota() {
    let engine = Engine::new(&Config::new());
    let module = Module::new(&engine, HOARDER).unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().total_memory(8 << 20));
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    // 64 pages of memory (4 MiB of the 8): the heap gets what is left.
    assert_eq!(call(&mut store, &instance, "grow", 63).unwrap(), 1);
    // 200,000 live 32-byte nodes (6.4 MB) do not fit beside the memory.
    let trap = call(&mut store, &instance, "hoard", 200_000).unwrap_err();
    assert!(trap.to_string().contains("total memory quota exceeded"), "{trap}");
    assert!(store.gc_stats().heap_bytes <= 4 << 20, "{:?}", store.gc_stats());
    // And a heap that holds memory leaves less for the memories.
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().total_memory(8 << 20));
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    assert_eq!(call(&mut store, &instance, "hoard", 100_000).unwrap(), 0);
    let heap = store.gc_stats().heap_bytes;
    assert!(heap >= 3 << 20, "3.2 MB of live nodes in a heap of {heap} bytes");
    assert_eq!(call(&mut store, &instance, "grow", 127).unwrap(), -1, "8 MiB of memory");
    assert_eq!(store.last_quota_hit().map(|h| h.quota), Some(Quota::TotalMemory));
    let pages = ((8 << 20) - heap) / 65536 - 1;
    assert_eq!(call(&mut store, &instance, "grow", pages as i32).unwrap(), 1);
}

const BULK: &str = r#"(module
  (memory (export "memory") 16384)
  (func (export "fill") (param $at i32) (param $v i32) (param $n i32)
    (memory.fill (local.get $at) (local.get $v) (local.get $n)))
  (func (export "copy") (param $to i32) (param $from i32) (param $n i32)
    (memory.copy (local.get $to) (local.get $from) (local.get $n)))
  (func (export "load") (param $at i32) (result i32) (i32.load8_u (local.get $at))))"#;

#[test]
fn a_deadline_stops_one_long_memory_fill_midway() {
    let engine = Engine::new(Config::new().interruptible(true));
    let module = Module::new(&engine, BULK).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let fill = instance.get_typed_func::<(i32, i32, i32), ()>(&store, "fill").unwrap();
    let load = instance.get_typed_func::<i32, i32>(&store, "load").unwrap();
    // 1 GiB cannot be written in 10 ms: the fill must stop between its chunks.
    store.set_timeout(Some(Duration::from_millis(10))).unwrap();
    let start = Instant::now();
    let trap = fill.call(&mut store, (0, 7, 1 << 30)).unwrap_err();
    assert!(trap.to_string().contains("timeout"), "{trap}");
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    store.set_timeout(None).unwrap();
    assert_eq!(load.call(&mut store, 0).unwrap(), 7, "the first chunk was written");
    assert_eq!(load.call(&mut store, (1 << 30) - 2).unwrap(), 0, "the last was not");
}

#[test]
fn long_overlapping_copies_go_in_chunks_in_the_right_order() {
    let engine = Engine::new(&Config::new());
    let module = Module::new(&engine, BULK).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let memory = instance.get_memory(&store, "memory").unwrap();
    let copy = instance.get_typed_func::<(i32, i32, i32), ()>(&store, "copy").unwrap();
    let n = 40 << 20; // several 16 MiB chunks
    let pattern: Vec<u8> = (0..n as u32).map(|i| (i % 251) as u8).collect();
    for (to, from) in [(1 << 20, 0), (0, 1 << 20)] {
        memory.write(&mut store, from as usize, &pattern).unwrap();
        copy.call(&mut store, (to, from, n)).unwrap();
        let mut out = vec![0; n as usize];
        memory.read(&store, to as usize, &mut out).unwrap();
        assert!(out == pattern, "copy from {from} to {to}");
    }
}

const TABLE_BULK: &str = r#"(module
  (table $t 5000000 anyref)
  (func (export "number") (param $n i32)
    (loop $more
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (table.set $t (local.get $n) (ref.i31 (local.get $n)))
      (br_if $more (local.get $n))))
  (func (export "copy") (param $to i32) (param $from i32) (param $n i32)
    (table.copy $t $t (local.get $to) (local.get $from) (local.get $n)))
  (func (export "fill") (param $at i32) (param $v i32) (param $n i32)
    (table.fill $t (local.get $at) (ref.i31 (local.get $v)) (local.get $n)))
  (func (export "get") (param $i i32) (result i32)
    (i31.get_u (ref.cast (ref i31) (table.get $t (local.get $i))))))"#;

#[test]
fn long_table_copies_and_fills_go_in_chunks_in_the_right_order() {
    let engine = Engine::new(&Config::new());
    let module = Module::new(&engine, TABLE_BULK).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
    let number = instance.get_typed_func::<i32, ()>(&store, "number").unwrap();
    let copy = instance.get_typed_func::<(i32, i32, i32), ()>(&store, "copy").unwrap();
    let fill = instance.get_typed_func::<(i32, i32, i32), ()>(&store, "fill").unwrap();
    let get = instance.get_typed_func::<i32, i32>(&store, "get").unwrap();
    let n = 4_000_000; // two 2M-element chunks and a bit
    for (to, from) in [(1_000_000, 0), (0, 1_000_000)] {
        number.call(&mut store, 5_000_000).unwrap();
        copy.call(&mut store, (to, from, n)).unwrap();
        for i in [0, 1, 2_097_151, 2_097_152, 3_000_000, n - 1] {
            assert_eq!(get.call(&mut store, to + i).unwrap(), from + i, "{from} -> {to}, {i}");
        }
    }
    fill.call(&mut store, (7, 9, n)).unwrap();
    for i in [7, 2_097_159, n + 6] {
        assert_eq!(get.call(&mut store, i).unwrap(), 9);
    }
    assert_eq!(get.call(&mut store, n + 7).unwrap(), n + 7, "past the copied range");
}
