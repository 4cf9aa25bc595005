//! The threads proposal in the interpreter, through the public API: every atomic
//! read-modify-write at every width on shared and unshared memories (the fast ops of memory 0 and
//! the general ones of a 64-bit memory), the traps, real concurrency on one `SharedMemory` from
//! several stores and threads, `memory.atomic.wait`/`notify` across threads, an interrupted
//! wait, and a shared memory grown by one thread while another runs with the old length cached.

use std::thread;
use std::time::{Duration, Instant};

use silo_core::*;

fn engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    Engine::new(&config)
}

fn shared_type(initial: u64, maximum: u64) -> MemoryType {
    MemoryType {
        index64: false,
        shared: true,
        initial,
        maximum: Some(maximum),
        page_size_log2: None,
    }
}

/// What a read-modify-write makes of the old value and the operand.
type Apply = fn(u64, u64) -> u64;

/// The operations and their effect on the old value (wrapping, on `u64`s; the caller masks).
const OPS: [(&str, Apply); 6] = [
    ("add", |x, y| x.wrapping_add(y)),
    ("sub", |x, y| x.wrapping_sub(y)),
    ("and", |x, y| x & y),
    ("or", |x, y| x | y),
    ("xor", |x, y| x ^ y),
    ("xchg", |_, y| y),
];

/// Every read-modify-write and compare-exchange instruction: its name, value type and width in
/// bytes.
fn rmw_instructions() -> Vec<(String, &'static str, u32)> {
    let mut out = Vec::new();
    for op in OPS.iter().map(|(op, _)| *op).chain(["cmpxchg"]) {
        for (ty, width, name) in [
            ("i32", 1, format!("i32.atomic.rmw8.{op}_u")),
            ("i32", 2, format!("i32.atomic.rmw16.{op}_u")),
            ("i32", 4, format!("i32.atomic.rmw.{op}")),
            ("i64", 1, format!("i64.atomic.rmw8.{op}_u")),
            ("i64", 2, format!("i64.atomic.rmw16.{op}_u")),
            ("i64", 4, format!("i64.atomic.rmw32.{op}_u")),
            ("i64", 8, format!("i64.atomic.rmw.{op}")),
        ] {
            out.push((name, ty, width));
        }
    }
    out
}

/// A module with every read-modify-write as an export, `<name>` on memory 0 (32-bit: the fast
/// ops) and `<name>@64` on memory 1 (64-bit: the general ops), both shared or not.
fn rmw_module(engine: &Engine, shared: bool) -> Module {
    let shared = if shared { "shared" } else { "" };
    let mut wat = format!(
        "(module (memory (export \"m0\") 1 1 {shared}) (memory (export \"m1\") i64 1 1 {shared})\n"
    );
    for (name, ty, _) in rmw_instructions() {
        let cmpxchg = name.contains("cmpxchg");
        let extra = if cmpxchg { format!("(param {ty})") } else { String::new() };
        let extra_get = if cmpxchg { "(local.get 2)" } else { "" };
        for (suffix, mem, idx) in [("", 0, "i32"), ("@64", 1, "i64")] {
            wat += &format!(
                "(func (export \"{name}{suffix}\") (param {idx} {ty}) {extra} (result {ty})
                   ({name} {mem} (local.get 0) (local.get 1) {extra_get}))\n"
            );
        }
    }
    wat += ")";
    Module::new(engine, &wat).unwrap()
}

fn val(ty: &str, v: u64) -> Val {
    if ty == "i32" { Val::I32(v as u32 as i32) } else { Val::I64(v as i64) }
}

fn raw(v: &Val) -> u64 {
    match *v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        _ => panic!("not an integer: {v:?}"),
    }
}

fn check_every_rmw(shared: bool) {
    let engine = engine();
    let module = rmw_module(&engine, shared);
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let before: u64 = 0xF1E2_D3C4_B5A6_9788;
    let operands: [u64; 4] = [1, 0x1FF, 0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_8000_8081];
    for (name, ty, width) in rmw_instructions() {
        let op = name.rsplit('.').next().unwrap().trim_end_matches("_u");
        let cmpxchg = op == "cmpxchg";
        let mask = if width == 8 { u64::MAX } else { (1u64 << (width * 8)) - 1 };
        let ty_mask = if ty == "i32" { u32::MAX as u64 } else { u64::MAX };
        for (suffix, memory) in [("", "m0"), ("@64", "m1")] {
            let func = instance.get_func(&store, &format!("{name}{suffix}")).unwrap();
            let memory = instance.get_memory(&store, memory).unwrap();
            assert_eq!(memory.shared(&store).is_some(), shared);
            for &operand in &operands {
                // Eight known bytes at 16..24, the access at 16, and eight more after them.
                memory.write(&mut store, 16, &before.to_le_bytes()).unwrap();
                memory.write(&mut store, 24, &[0x5A; 8]).unwrap();
                let addr = if suffix.is_empty() { Val::I32(16) } else { Val::I64(16) };
                let mut args = vec![addr, val(ty, operand)];
                // cmpxchg: with the current value as the expected one (plus bits above the
                // width, which the comparison ignores) it exchanges, with another it does not.
                let expected = if operand == 1 { (before & mask) | !mask } else { operand };
                let replacement = operand.rotate_left(8);
                if cmpxchg {
                    args[1] = val(ty, expected);
                    args.push(val(ty, replacement));
                }
                let mut out = [val(ty, 0)];
                func.call(&mut store, &args, &mut out).unwrap();
                let what = format!("{name}{suffix} shared={shared} operand={operand:#x}");
                assert_eq!(raw(&out[0]), before & mask, "old value of {what}");
                let new = if cmpxchg {
                    if expected & ty_mask & mask == before & mask { replacement } else { before }
                } else {
                    let f = OPS.iter().find(|(n, _)| *n == op).unwrap().1;
                    f(before, operand & ty_mask)
                };
                let mut bytes = [0u8; 16];
                memory.read(&store, 16, &mut bytes).unwrap();
                let got = u64::from_le_bytes(bytes[..8].try_into().unwrap());
                let want = (before & !mask) | (new & mask);
                assert_eq!(got, want, "memory after {what}: {got:#x}, want {want:#x}");
                assert_eq!(bytes[8..], [0x5A; 8], "the bytes after the access, {what}");
            }
        }
    }
}

#[test]
fn every_rmw_and_cmpxchg_width_on_a_shared_memory() {
    check_every_rmw(true);
}

#[test]
fn every_rmw_and_cmpxchg_width_on_an_unshared_memory() {
    check_every_rmw(false);
}

fn trap_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Trap(trap)) => trap.to_string(),
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn unaligned_and_out_of_bounds_accesses_trap() {
    let engine = engine();
    let module = Module::new(
        &engine,
        r#"(module
            (memory 1 1 shared)
            (memory $big i64 1 1)
            (func (export "load32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
            (func (export "load64_offset") (param i32) (result i64)
              (i64.atomic.load offset=8 (local.get 0)))
            (func (export "store16") (param i32) (i32.atomic.store16 (local.get 0) (i32.const 1)))
            (func (export "add64") (param i32) (result i64)
              (i64.atomic.rmw.add (local.get 0) (i64.const 1)))
            (func (export "cmpxchg32") (param i32) (result i32)
              (i32.atomic.rmw.cmpxchg (local.get 0) (i32.const 0) (i32.const 1)))
            (func (export "notify") (param i32) (result i32)
              (memory.atomic.notify (local.get 0) (i32.const 1)))
            (func (export "big_add32") (param i64) (result i32)
              (i32.atomic.rmw.add $big (local.get 0) (i32.const 1)))
            (func (export "big_load8") (param i64) (result i32)
              (i32.atomic.load8_u $big (local.get 0))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let i32_func = |name: &str| instance.get_typed_func::<i32, i32>(&store, name).unwrap();
    let (load32, cmpxchg32, notify) =
        (i32_func("load32"), i32_func("cmpxchg32"), i32_func("notify"));
    let load64 = instance.get_typed_func::<i32, i64>(&store, "load64_offset").unwrap();
    let store16 = instance.get_typed_func::<i32, ()>(&store, "store16").unwrap();
    let add64 = instance.get_typed_func::<i32, i64>(&store, "add64").unwrap();
    let big_add = instance.get_typed_func::<i64, i32>(&store, "big_add32").unwrap();
    let big_load8 = instance.get_typed_func::<i64, i32>(&store, "big_load8").unwrap();
    const UNALIGNED: &str = "unaligned atomic";
    const OOB: &str = "out of bounds memory access";

    assert_eq!(load32.call(&mut store, 65532).unwrap(), 0, "the last aligned word is in bounds");
    assert!(trap_message(load32.call(&mut store, 2)).contains(UNALIGNED));
    assert!(trap_message(load32.call(&mut store, 65536)).contains(OOB));
    assert!(trap_message(load32.call(&mut store, -4)).contains(OOB));
    // Alignment is checked first: unaligned and out of bounds is "unaligned".
    assert!(trap_message(load32.call(&mut store, 65537)).contains(UNALIGNED));
    assert!(trap_message(load64.call(&mut store, 4)).contains(UNALIGNED), "offset counts");
    assert!(trap_message(load64.call(&mut store, 65528)).contains(OOB));
    assert!(trap_message(store16.call(&mut store, 1)).contains(UNALIGNED));
    assert!(trap_message(store16.call(&mut store, 65536)).contains(OOB));
    store16.call(&mut store, 65534).unwrap();
    assert!(trap_message(add64.call(&mut store, 12)).contains(UNALIGNED));
    assert!(trap_message(add64.call(&mut store, 65536)).contains(OOB));
    assert!(trap_message(cmpxchg32.call(&mut store, 6)).contains(UNALIGNED));
    assert!(trap_message(notify.call(&mut store, 3)).contains(UNALIGNED));
    assert!(trap_message(notify.call(&mut store, 65536)).contains(OOB));
    assert_eq!(notify.call(&mut store, 0).unwrap(), 0, "nobody waits");
    // The general ops (a 64-bit memory).
    assert_eq!(big_add.call(&mut store, 65532).unwrap(), 0);
    assert_eq!(big_add.call(&mut store, 65532).unwrap(), 1);
    assert!(trap_message(big_add.call(&mut store, 2)).contains(UNALIGNED));
    assert!(trap_message(big_add.call(&mut store, 65536)).contains(OOB));
    assert!(trap_message(big_add.call(&mut store, 1 << 40)).contains(OOB));
    assert!(trap_message(big_load8.call(&mut store, -1)).contains(OOB));
    assert_eq!(big_load8.call(&mut store, 65535).unwrap(), 0);
}

/// A module that imports its (shared) memory.
fn importing(engine: &Engine, maximum: u64, body: &str) -> Module {
    let wat = format!(r#"(module (import "env" "mem" (memory 1 {maximum} shared)) {body})"#);
    Module::new(engine, &wat).unwrap()
}

/// `module` instantiated in a new store, with `memory` as its import.
fn instantiate(engine: &Engine, module: &Module, memory: &SharedMemory) -> (Store<()>, Instance) {
    let mut store = Store::new(engine, ());
    let mem = memory.to_memory(&mut store).unwrap();
    let instance = Instance::new(&mut store, module, &[mem.into()]).unwrap();
    (store, instance)
}

fn read_u32(memory: &SharedMemory, at: usize) -> u32 {
    let mut bytes = [0u8; 4];
    memory.read(at, &mut bytes).unwrap();
    u32::from_le_bytes(bytes)
}

#[test]
fn four_threads_add_to_one_counter() {
    const THREADS: usize = 4;
    const ADDS: i32 = 100_000;
    let engine = engine();
    let memory = SharedMemory::new(&engine, shared_type(1, 1)).unwrap();
    let module = importing(
        &engine,
        1,
        r#"(func (export "run") (param $n i32)
             (loop $again
               (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
               (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))"#,
    );
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (engine, module, memory) = (engine.clone(), module.clone(), memory.clone());
            thread::spawn(move || {
                let (mut store, instance) = instantiate(&engine, &module, &memory);
                let run = instance.get_typed_func::<i32, ()>(&store, "run").unwrap();
                run.call(&mut store, ADDS).unwrap();
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(read_u32(&memory, 8), THREADS as u32 * ADDS as u32);
}

const WAIT_NOTIFY: &str = r#"
    (func (export "wait32") (param $addr i32) (param $expected i32) (param $timeout i64) (result i32)
      (memory.atomic.wait32 (local.get $addr) (local.get $expected) (local.get $timeout)))
    (func (export "wait64") (param $addr i32) (param $expected i64) (param $timeout i64) (result i32)
      (memory.atomic.wait64 (local.get $addr) (local.get $expected) (local.get $timeout)))
    ;; Says it is about to wait (1 at 4), waits at 0 for as long as it takes, then reads what
    ;; the notifier stored at 8 before it notified.
    (func (export "waiter") (result i32 i32)
      (i32.atomic.store (i32.const 4) (i32.const 1))
      (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))
      (i32.atomic.load (i32.const 8)))
    ;; Stores 42 at 8, then wakes one waiter at 0: how many it woke.
    (func (export "notifier") (result i32)
      (i32.atomic.store (i32.const 8) (i32.const 42))
      (memory.atomic.notify (i32.const 0) (i32.const 1)))"#;

#[test]
fn a_waiter_is_woken_by_another_thread() {
    let engine = engine();
    let memory = SharedMemory::new(&engine, shared_type(1, 1)).unwrap();
    let module = importing(&engine, 1, WAIT_NOTIFY);
    let waiter = {
        let (engine, module, memory) = (engine.clone(), module.clone(), memory.clone());
        thread::spawn(move || {
            let (mut store, instance) = instantiate(&engine, &module, &memory);
            let waiter = instance.get_typed_func::<(), (i32, i32)>(&store, "waiter").unwrap();
            waiter.call(&mut store, ()).unwrap()
        })
    };
    let (mut store, instance) = instantiate(&engine, &module, &memory);
    let notifier = instance.get_typed_func::<(), i32>(&store, "notifier").unwrap();
    let start = Instant::now();
    while read_u32(&memory, 4) == 0 {
        assert!(start.elapsed() < Duration::from_secs(30), "the waiter never started");
        thread::yield_now();
    }
    // The value waited on stays 0, so however late the waiter goes to sleep it sleeps, and a
    // notify that woke nobody is simply tried again.
    while notifier.call(&mut store, ()).unwrap() == 0 {
        assert!(start.elapsed() < Duration::from_secs(30), "the waiter never slept");
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        waiter.join().unwrap(),
        (0, 42),
        "woken (0), and it sees the store before the notify"
    );
}

#[test]
fn waits_that_do_not_sleep_or_time_out() {
    let engine = engine();
    let memory = SharedMemory::new(&engine, shared_type(1, 1)).unwrap();
    memory.write(16, &7u64.to_le_bytes()).unwrap();
    let module = importing(&engine, 1, WAIT_NOTIFY);
    let (mut store, instance) = instantiate(&engine, &module, &memory);
    let wait32 = instance.get_typed_func::<(i32, i32, i64), i32>(&store, "wait32").unwrap();
    let wait64 = instance.get_typed_func::<(i32, i64, i64), i32>(&store, "wait64").unwrap();
    assert_eq!(wait32.call(&mut store, (16, 8, -1)).unwrap(), 1, "not the expected value");
    assert_eq!(wait64.call(&mut store, (16, 7 | 1 << 32, -1)).unwrap(), 1);
    let start = Instant::now();
    assert_eq!(wait32.call(&mut store, (16, 7, 1_000_000)).unwrap(), 2, "timed out");
    assert!(start.elapsed() >= Duration::from_millis(1));
    assert_eq!(wait64.call(&mut store, (16, 7, 1_000_000)).unwrap(), 2);
    assert_eq!(wait64.call(&mut store, (16, 7, 0)).unwrap(), 2, "a zero timeout");
    assert!(trap_message(wait32.call(&mut store, (18, 0, 0))).contains("unaligned atomic"));
    assert!(trap_message(wait64.call(&mut store, (65536, 0, 0))).contains("out of bounds"));

    let unshared = Module::new(
        &engine,
        r#"(module (memory 1 1)
            (func (export "wait32") (result i32)
              (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
            (func (export "notify") (result i32)
              (memory.atomic.notify (i32.const 0) (i32.const 1))))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &unshared, &[]).unwrap();
    let wait32 = instance.get_typed_func::<(), i32>(&store, "wait32").unwrap();
    let notify = instance.get_typed_func::<(), i32>(&store, "notify").unwrap();
    assert!(trap_message(wait32.call(&mut store, ())).contains("expected shared memory"));
    assert_eq!(notify.call(&mut store, ()).unwrap(), 0, "notify on an unshared memory wakes none");
}

#[test]
fn an_interrupt_stops_a_waiter_blocked_forever() {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter).interruptible(true);
    let engine = Engine::new(&config);
    let memory = SharedMemory::new(&engine, shared_type(1, 1)).unwrap();
    let module = importing(&engine, 1, WAIT_NOTIFY);
    let (mut store, instance) = instantiate(&engine, &module, &memory);
    let wait32 = instance.get_typed_func::<(i32, i32, i64), i32>(&store, "wait32").unwrap();
    let handle = store.interrupt_handle().unwrap();
    // Measured from before the interrupter starts its 50 ms, so the wait cannot look shorter.
    let start = Instant::now();
    let interrupter = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        handle.interrupt();
    });
    let message = trap_message(wait32.call(&mut store, (0, 0, -1)));
    let waited = start.elapsed();
    interrupter.join().unwrap();
    assert!(message.contains("interrupted"), "{message}");
    assert!(waited >= Duration::from_millis(50), "it waited for the interrupt ({waited:?})");
    assert!(waited < Duration::from_secs(5), "stopped soon after the interrupt ({waited:?})");
    // The store runs again afterwards.
    assert_eq!(wait32.call(&mut store, (0, 1, -1)).unwrap(), 1);
}

#[test]
fn growth_by_one_thread_is_seen_by_another_running_with_the_old_length() {
    let engine = engine();
    let memory = SharedMemory::new(&engine, shared_type(1, 3)).unwrap();
    let module = importing(
        &engine,
        3,
        r#"
        ;; Says it runs (1 at 4), spins until the flag at 0 is set, then reads the new page
        ;; with every kind of fast access: its registers still hold the length of one page.
        (func (export "reader") (result i32)
          (i32.atomic.store (i32.const 4) (i32.const 1))
          (loop $spin (br_if $spin (i32.eqz (i32.atomic.load (i32.const 0)))))
          (i32.add
            (i32.add (i32.load (i32.const 65536)) (i32.atomic.load (i32.const 65540)))
            (i32.add
              (i32.atomic.rmw.add (i32.const 65544) (i32.const 1))
              (i32x4.extract_lane 0 (v128.load (i32.const 65552))))))
        ;; Beyond the grown memory, still a trap.
        (func (export "beyond") (result i32) (i32.load (i32.const 131072)))
        ;; Grows by a page, writes into it, then sets the flag.
        (func (export "grower") (result i32)
          (local $old i32)
          (local.set $old (memory.grow (i32.const 1)))
          (i32.store (i32.const 65536) (i32.const 1))
          (i32.store (i32.const 65540) (i32.const 10))
          (i32.store (i32.const 65544) (i32.const 100))
          (i32.store (i32.const 65552) (i32.const 1000))
          (i32.atomic.store (i32.const 0) (i32.const 1))
          (local.get $old))"#,
    );
    let reader = {
        let (engine, module, memory) = (engine.clone(), module.clone(), memory.clone());
        thread::spawn(move || {
            let (mut store, instance) = instantiate(&engine, &module, &memory);
            let reader = instance.get_typed_func::<(), i32>(&store, "reader").unwrap();
            let beyond = instance.get_typed_func::<(), i32>(&store, "beyond").unwrap();
            (reader.call(&mut store, ()).unwrap(), trap_message(beyond.call(&mut store, ())))
        })
    };
    let start = Instant::now();
    while read_u32(&memory, 4) == 0 {
        assert!(start.elapsed() < Duration::from_secs(30), "the reader never started");
        thread::yield_now();
    }
    // Let the reader spin a little with its registers loaded.
    thread::sleep(Duration::from_millis(20));
    let grower = {
        let (engine, module, memory) = (engine.clone(), module.clone(), memory.clone());
        thread::spawn(move || {
            let (mut store, instance) = instantiate(&engine, &module, &memory);
            let grower = instance.get_typed_func::<(), i32>(&store, "grower").unwrap();
            grower.call(&mut store, ()).unwrap()
        })
    };
    assert_eq!(grower.join().unwrap(), 1, "grown from one page");
    let (sum, beyond) = reader.join().unwrap();
    assert_eq!(sum, 1111, "the reader saw the new page");
    assert!(beyond.contains("out of bounds memory access"), "{beyond}");
    assert_eq!(memory.size(), 2);
    assert_eq!(read_u32(&memory, 65544), 101);
}
