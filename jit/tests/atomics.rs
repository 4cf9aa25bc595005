//! The threads proposal in native code: every atomic read-modify-write, compare-exchange, load
//! and store at every width returns the old value and leaves the right bytes (narrow forms wrap),
//! on shared and unshared memories, guarded, explicitly checked (`guard_memories(false)`) and
//! 64-bit; an unaligned access traps "unaligned atomic" before any bounds check; and, with real
//! threads on one `SharedMemory`: atomic counters and a compare-exchange spin lock give exact
//! totals, `memory.atomic.wait`/`notify` hand over between threads (and time out, compare, and
//! stop on an interrupt), and a memory another thread grows is seen grown by a running loop.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use silo_core::{
    Config, Engine, Extern, Instance, Memory, MemoryType, Module, SharedMemory, Store, Strategy,
    TrapCode, Val,
};

const PAGE: u64 = 65536;

/// A JIT engine, with guard regions or explicit bounds checks.
fn engine(guards: bool) -> Engine {
    let mut config = Config::new();
    config
        .strategy(Strategy::Jit)
        .compiler(silo_jit::cranelift().expect("native code runs on this machine"))
        .guard_memories(guards);
    Engine::new(&config)
}

/// A JIT engine whose stores can be interrupted.
fn interruptible_engine() -> Engine {
    let mut config = Config::new();
    config
        .strategy(Strategy::Jit)
        .compiler(silo_jit::cranelift().expect("native code runs on this machine"))
        .interruptible(true);
    Engine::new(&config)
}

fn shared_type(index64: bool, initial: u64, maximum: u64) -> MemoryType {
    MemoryType { index64, shared: true, initial, maximum: Some(maximum), page_size_log2: None }
}

/// A memory layout under test: its name, whether memories are 64-bit, the engine.
struct Setup {
    name: &'static str,
    memory64: bool,
    engine: Engine,
}

fn setups() -> Vec<Setup> {
    vec![
        Setup { name: "guarded", memory64: false, engine: engine(true) },
        Setup { name: "checked", memory64: false, engine: engine(false) },
        Setup { name: "memory64", memory64: true, engine: engine(true) },
        Setup { name: "memory64 checked", memory64: true, engine: engine(false) },
    ]
}

impl Setup {
    /// The index type's name.
    fn index(&self) -> &'static str {
        if self.memory64 { "i64" } else { "i32" }
    }

    /// An index operand.
    fn at(&self, at: u64) -> Val {
        if self.memory64 { Val::I64(at as i64) } else { Val::I32(at as u32 as i32) }
    }
}

/// An instance of `text` in a fresh store.
fn instantiate(engine: &Engine, text: &str, imports: &[Extern]) -> (Store<()>, Instance) {
    let module = Module::new(engine, text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, imports).unwrap();
    (store, instance)
}

/// Calls `name`: its results, or the trap's code.
fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    args: &[Val],
    results: usize,
) -> Result<Vec<Val>, TrapCode> {
    let func = instance.get_func(&*store, name).unwrap_or_else(|| panic!("no export {name}"));
    let mut out = vec![Val::I32(0); results];
    match func.call(&mut *store, args, &mut out) {
        Ok(()) => Ok(out),
        Err(e) => Err(e.as_trap().unwrap_or_else(|| panic!("{name}: {e}")).code()),
    }
}

/// A value as an unsigned 64-bit number.
fn bits(v: &Val) -> u64 {
    match v {
        Val::I32(x) => *x as u32 as u64,
        Val::I64(x) => *x as u64,
        other => panic!("not an integer: {other:?}"),
    }
}

/// An integer operand of type `ty` ("i32" or "i64"): the low bits of `v`.
fn operand(ty: &str, v: u64) -> Val {
    if ty == "i32" { Val::I32(v as u32 as i32) } else { Val::I64(v as i64) }
}

fn mask(width: u32) -> u64 {
    if width == 8 { u64::MAX } else { (1 << (width * 8)) - 1 }
}

/// The atomic access forms: operand type, the width's infix in the name, width in bytes.
const FORMS: [(&str, &str, u32); 7] = [
    ("i32", "", 4),
    ("i64", "", 8),
    ("i32", "8", 1),
    ("i32", "16", 2),
    ("i64", "8", 1),
    ("i64", "16", 2),
    ("i64", "32", 4),
];

const RMW_OPS: [&str; 6] = ["add", "sub", "and", "or", "xor", "xchg"];

fn rmw_name(ty: &str, n: &str, op: &str) -> String {
    if n.is_empty() {
        format!("{ty}.atomic.rmw.{op}")
    } else {
        format!("{ty}.atomic.rmw{n}.{op}_u")
    }
}

fn load_name(ty: &str, n: &str) -> String {
    if n.is_empty() { format!("{ty}.atomic.load") } else { format!("{ty}.atomic.load{n}_u") }
}

fn store_name(ty: &str, n: &str) -> String {
    format!("{ty}.atomic.store{n}")
}

/// What `op` leaves in memory, at the width of `width` bytes.
fn apply(op: &str, old: u64, v: u64, width: u32) -> u64 {
    let new = match op {
        "add" => old.wrapping_add(v),
        "sub" => old.wrapping_sub(v),
        "and" => old & v,
        "or" => old | v,
        "xor" => old ^ v,
        "xchg" => v,
        _ => unreachable!(),
    };
    new & mask(width)
}

/// A module exporting every atomic access form under its instruction's name, on a memory of
/// `memory` (its type after the index type); accesses take `(index, operands...)`.
fn forms_module(index: &str, memory: &str) -> String {
    let mut text = format!("(module (memory {index} {memory})\n");
    for (ty, n, _) in FORMS {
        for op in RMW_OPS {
            let name = rmw_name(ty, n, op);
            text += &format!(
                "(func (export \"{name}\") (param {index} {ty}) (result {ty}) \
                 ({name} (local.get 0) (local.get 1)))\n"
            );
        }
        let name = rmw_name(ty, n, "cmpxchg");
        text += &format!(
            "(func (export \"{name}\") (param {index} {ty} {ty}) (result {ty}) \
             ({name} (local.get 0) (local.get 1) (local.get 2)))\n"
        );
        let name = load_name(ty, n);
        text += &format!(
            "(func (export \"{name}\") (param {index}) (result {ty}) ({name} (local.get 0)))\n"
        );
        let name = store_name(ty, n);
        text += &format!(
            "(func (export \"{name}\") (param {index} {ty}) ({name} (local.get 0) (local.get 1)))\n"
        );
    }
    text + ")"
}

/// The bytes around the accessed word, before each access.
const PATTERN: u64 = 0x8877_6655_4433_2211;
/// The operand: wider than every narrow form, so that they must wrap it.
const OPERAND: u64 = 0xf0f0_f0f0_f0f0_f0f1;
/// Where the accesses go (a multiple of 8).
const AT: u64 = 8;

/// The forms module instantiated for one setup, on a shared or unshared memory.
struct Forms<'s> {
    setup: &'s Setup,
    store: Store<()>,
    instance: Instance,
    memory: Memory,
    label: String,
}

impl<'s> Forms<'s> {
    /// The forms module for `setup`, on a shared or unshared memory, exported as "memory".
    fn new(setup: &'s Setup, shared: bool) -> Forms<'s> {
        let memory = if shared { "1 1 shared" } else { "1 1" };
        let text = forms_module(setup.index(), memory).replacen(
            "(memory ",
            "(memory (export \"memory\") ",
            1,
        );
        let (store, instance) = instantiate(&setup.engine, &text, &[]);
        let memory = instance.get_memory(&store, "memory").unwrap();
        let label = format!("{} {}", setup.name, if shared { "shared" } else { "unshared" });
        Forms { setup, store, instance, memory, label }
    }

    /// Puts `PATTERN` on both sides of `AT` and at it.
    fn reset(&mut self) {
        let bytes: Vec<u8> = [PATTERN; 3].iter().flat_map(|w| w.to_le_bytes()).collect();
        self.memory.write(&mut self.store, 0, &bytes).unwrap();
    }

    /// The word at `AT` and the words around it.
    fn words(&self) -> [u64; 3] {
        let mut bytes = [0u8; 24];
        self.memory.read(&self.store, 0, &mut bytes).unwrap();
        std::array::from_fn(|i| u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().unwrap()))
    }

    /// `PATTERN` at `AT` with its low `width` bytes replaced by `new`.
    fn expect_word(new: u64, width: u32) -> u64 {
        (PATTERN & !mask(width)) | (new & mask(width))
    }

    fn call(&mut self, name: &str, operands: &[u64], ty: &str) -> u64 {
        self.call_at(AT, name, operands, ty)
            .unwrap_or_else(|t| panic!("{}: {name} trapped: {t:?}", self.label))
    }

    /// Calls `name` at index `at`: its result (0 for none), or the trap's code.
    fn call_at(
        &mut self,
        at: u64,
        name: &str,
        operands: &[u64],
        ty: &str,
    ) -> Result<u64, TrapCode> {
        let mut args = vec![self.setup.at(at)];
        args.extend(operands.iter().map(|&v| operand(ty, v)));
        let results = usize::from(!name.contains(".store"));
        let out = call(&mut self.store, &self.instance, name, &args, results)?;
        Ok(out.first().map_or(0, bits))
    }

    /// Checks the word at `AT` and that the words around it are untouched.
    fn check_word(&self, name: &str, want: u64) {
        let [before, word, after] = self.words();
        assert_eq!((before, after), (PATTERN, PATTERN), "{}: {name} wrote outside", self.label);
        assert_eq!(word, want, "{}: {name} left {word:#x}, not {want:#x}", self.label);
    }
}

#[test]
fn every_rmw_and_cmpxchg_returns_the_old_value_and_wraps_at_its_width() {
    for setup in setups() {
        for shared in [false, true] {
            let mut f = Forms::new(&setup, shared);
            for (ty, n, width) in FORMS {
                let old = PATTERN & mask(width);
                for op in RMW_OPS {
                    let name = rmw_name(ty, n, op);
                    f.reset();
                    assert_eq!(f.call(&name, &[OPERAND], ty), old, "{}: {name}", f.label);
                    let new = apply(op, old, OPERAND, width);
                    f.check_word(&name, Forms::expect_word(new, width));
                }
                let name = rmw_name(ty, n, "cmpxchg");
                // The expected value is compared at the access's width: bits above it do not
                // count (the operand type's own width is all there is for the full forms).
                let expected = old | (!mask(width) & 0xabab_abab_abab_abab & mask_of(ty));
                f.reset();
                assert_eq!(f.call(&name, &[expected, OPERAND], ty), old, "{}: {name}", f.label);
                f.check_word(&name, Forms::expect_word(OPERAND, width));
                f.reset();
                assert_eq!(f.call(&name, &[old ^ 1, OPERAND], ty), old, "{}: {name}", f.label);
                f.check_word(&format!("{name} (no exchange)"), PATTERN);
            }
        }
    }
}

/// The bits of an operand type.
fn mask_of(ty: &str) -> u64 {
    if ty == "i32" { u32::MAX as u64 } else { u64::MAX }
}

#[test]
fn atomic_loads_zero_extend_and_stores_wrap() {
    for setup in setups() {
        for shared in [false, true] {
            let mut f = Forms::new(&setup, shared);
            for (ty, n, width) in FORMS {
                let name = load_name(ty, n);
                f.reset();
                assert_eq!(f.call(&name, &[], ty), PATTERN & mask(width), "{}: {name}", f.label);
                let name = store_name(ty, n);
                f.reset();
                let args = [f.setup.at(AT), operand(ty, OPERAND)];
                call(&mut f.store, &f.instance, &name, &args, 0).unwrap();
                f.check_word(&name, Forms::expect_word(OPERAND, width));
            }
        }
    }
}

#[test]
fn every_form_traps_past_the_end_of_memory() {
    // Each form is its own machine instruction or sequence (`mov`, `xchg`, `lock xadd`, a
    // `lock cmpxchg` loop...): a guard fault in any of them must be the out-of-bounds trap.
    for setup in setups() {
        for shared in [false, true] {
            let mut f = Forms::new(&setup, shared);
            for (ty, n, width) in FORMS {
                let mut names: Vec<(String, usize)> =
                    RMW_OPS.iter().map(|op| (rmw_name(ty, n, op), 1)).collect();
                names.push((rmw_name(ty, n, "cmpxchg"), 2));
                names.push((load_name(ty, n), 0));
                names.push((store_name(ty, n), 1));
                for (name, operands) in names {
                    let operands = &[0, 0][..operands];
                    let end = PAGE - width as u64;
                    let at = f.label.clone();
                    assert_eq!(f.call_at(end, &name, operands, ty), Ok(0), "{at}: {name} at end");
                    for past in [PAGE, PAGE + 4096, 1 << 31, u32::MAX as u64 + 1 - width as u64] {
                        let got = f.call_at(past, &name, operands, ty);
                        assert_eq!(got, Err(TrapCode::MemoryOutOfBounds), "{at}: {name} at {past}");
                    }
                }
            }
        }
    }
}

/// Accesses at the end of a one-page memory, with and without offsets.
fn edges_module(index: &str, memory: &str) -> String {
    format!(
        r#"(module (memory {index} {memory})
  (func (export "load32") (param {index}) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load32_off1") (param {index}) (result i32)
    (i32.atomic.load offset=1 (local.get 0)))
  (func (export "load32_off4") (param {index}) (result i32)
    (i32.atomic.load offset=4 (local.get 0)))
  (func (export "rmw8") (param {index}) (result i32)
    (i32.atomic.rmw8.add_u (local.get 0) (i32.const 1)))
  (func (export "rmw16") (param {index}) (result i32)
    (i32.atomic.rmw16.add_u (local.get 0) (i32.const 1)))
  (func (export "cas64") (param {index}) (result i64)
    (i64.atomic.rmw.cmpxchg (local.get 0) (i64.const 0) (i64.const 1)))
  (func (export "store64") (param {index}) (i64.atomic.store (local.get 0) (i64.const -1)))
  (func (export "notify") (param {index}) (result i32)
    (memory.atomic.notify (local.get 0) (i32.const 1)))
  (func (export "wait32") (param {index}) (result i32)
    (memory.atomic.wait32 (local.get 0) (i32.const 1) (i64.const 0)))
  (func (export "wait64_off8") (param {index}) (result i32)
    (memory.atomic.wait64 offset=8 (local.get 0) (i64.const 1) (i64.const 0)))
)"#
    )
}

#[test]
fn alignment_is_checked_before_bounds() {
    const UNALIGNED: TrapCode = TrapCode::UnalignedAtomic;
    const OOB: TrapCode = TrapCode::MemoryOutOfBounds;
    for setup in setups() {
        for shared in [false, true] {
            let memory = if shared { "1 1 shared" } else { "1 1" };
            let text = edges_module(setup.index(), memory);
            let (mut store, instance) = instantiate(&setup.engine, &text, &[]);
            let label = format!("{} {}", setup.name, if shared { "shared" } else { "unshared" });
            let mut run = |name: &str, at: u64| -> Result<u64, TrapCode> {
                let results = usize::from(!name.starts_with("store"));
                let out = call(&mut store, &instance, name, &[setup.at(at)], results);
                out.map(|v| v.first().map_or(0, bits))
            };
            let cases: &[(&str, u64, Result<u64, TrapCode>)] = &[
                ("load32", 0, Ok(0)),
                ("load32", 2, Err(UNALIGNED)),
                ("load32", PAGE - 4, Ok(0)),
                // Unaligned and out of bounds: the alignment is reported.
                ("load32", PAGE - 2, Err(UNALIGNED)),
                ("load32", PAGE + 1, Err(UNALIGNED)),
                ("load32", u32::MAX as u64, Err(UNALIGNED)),
                ("load32", PAGE, Err(OOB)),
                ("load32", u32::MAX as u64 - 3, Err(OOB)),
                ("load32_off1", 0, Err(UNALIGNED)),
                ("load32_off1", 3, Ok(0)),
                ("load32_off1", PAGE - 5, Ok(0)),
                ("load32_off1", PAGE - 1, Err(OOB)),
                ("load32_off1", PAGE + 2, Err(UNALIGNED)),
                ("rmw8", PAGE - 1, Ok(0)),
                ("rmw8", PAGE, Err(OOB)),
                ("rmw16", PAGE - 1, Err(UNALIGNED)),
                // `rmw8` left 1 in the last byte.
                ("rmw16", PAGE - 2, Ok(0x100)),
                ("rmw16", PAGE, Err(OOB)),
                ("cas64", 4, Err(UNALIGNED)),
                ("cas64", PAGE - 16, Ok(0)),
                ("cas64", PAGE - 4, Err(UNALIGNED)),
                ("cas64", PAGE, Err(OOB)),
                ("store64", 12, Err(UNALIGNED)),
                ("store64", PAGE, Err(OOB)),
                ("notify", 2, Err(UNALIGNED)),
                ("notify", PAGE, Err(OOB)),
                ("notify", PAGE - 4, Ok(0)),
                ("wait32", 1, Err(UNALIGNED)),
                ("wait32", PAGE, Err(OOB)),
                ("wait64_off8", 4, Err(UNALIGNED)),
                ("wait64_off8", PAGE - 8, Err(OOB)),
            ];
            for &(name, at, want) in cases {
                assert_eq!(run(name, at), want, "{label}: {name} at {at:#x}");
            }
            // `cas64` found 0 and wrote 1; the trapping accesses wrote nothing.
            assert_eq!(run("cas64", PAGE - 16), Ok(1), "{label}");
            assert_eq!(run("load32", PAGE - 4), Ok(0x0101_0000), "{label}");
            // A wait on a shared memory compares (1 is not there) and on an unshared one traps.
            let want = if shared { Ok(1) } else { Err(TrapCode::AtomicWaitNonShared) };
            assert_eq!(run("wait32", 0), want, "{label}");
            if setup.memory64 {
                // The effective address overflows 64 bits: out of bounds, whatever its low bits.
                assert_eq!(run("load32_off4", u64::MAX - 3), Err(OOB), "{label}");
                assert_eq!(run("load32_off4", u64::MAX - 1), Err(OOB), "{label}");
                assert_eq!(run("load32_off1", u64::MAX), Err(OOB), "{label}");
                assert_eq!(run("load32_off1", u64::MAX - 4), Err(OOB), "{label}");
                assert_eq!(run("load32_off1", u64::MAX - 1), Err(UNALIGNED), "{label}");
                assert_eq!(run("load32", u64::MAX - 1), Err(UNALIGNED), "{label}");
                assert_eq!(run("load32", u64::MAX - 3), Err(OOB), "{label}");
                assert_eq!(run("load32", 1 << 40), Err(OOB), "{label}");
            }
        }
    }
}

#[test]
fn the_traps_name_themselves() {
    let text = edges_module("i32", "1 1");
    let (mut store, instance) = instantiate(&engine(true), &text, &[]);
    let func = instance.get_func(&store, "load32").unwrap();
    let mut out = [Val::I32(0)];
    let e = func.call(&mut store, &[Val::I32(2)], &mut out).unwrap_err();
    assert!(e.to_string().contains("unaligned atomic"), "{e}");
    let func = instance.get_func(&store, "wait32").unwrap();
    let e = func.call(&mut store, &[Val::I32(0)], &mut out).unwrap_err();
    assert!(e.to_string().contains("expected shared memory"), "{e}");
}

/// Runs `f(i)` on `n` threads at once; their results.
fn on_threads<R: Send + 'static>(
    n: usize,
    f: impl Fn(usize) -> R + Send + Sync + 'static,
) -> Vec<R> {
    let f = Arc::new(f);
    let start = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (f, start) = (f.clone(), start.clone());
            thread::spawn(move || {
                start.wait();
                f(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

/// An instance of `text` in a fresh store of `engine`, importing `shared` as `env.mem`.
fn with_shared(engine: &Engine, text: &str, shared: &SharedMemory) -> (Store<()>, Instance) {
    let module = Module::new(engine, text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut store = Store::new(engine, ());
    let memory = shared.to_memory(&mut store).unwrap();
    let instance = Instance::new(&mut store, &module, &[Extern::Memory(memory)]).unwrap();
    (store, instance)
}

fn read_u64(shared: &SharedMemory, at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    shared.read(at, &mut bytes).unwrap();
    u64::from_le_bytes(bytes)
}

#[test]
fn atomic_adds_from_four_threads_lose_nothing() {
    const TEXT: &str = r#"(module
  (import "env" "mem" (memory 1 1 shared))
  (func (export "run") (param $n i32)
    (loop $next
      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))
      (drop (i64.atomic.rmw.add (i32.const 8) (i64.const 3)))
      (drop (i32.atomic.rmw16.add_u (i32.const 16) (i32.const 1)))
      (drop (i64.atomic.rmw8.sub_u (i32.const 24) (i64.const 1)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;
    for guards in [true, false] {
        let engine = engine(guards);
        let shared = SharedMemory::new(&engine, shared_type(false, 1, 1)).unwrap();
        let (e, s) = (engine.clone(), shared.clone());
        on_threads(4, move |_| {
            let (mut store, instance) = with_shared(&e, TEXT, &s);
            call(&mut store, &instance, "run", &[Val::I32(100_000)], 0).unwrap();
        });
        assert_eq!(read_u64(&shared, 0), 400_000, "guards: {guards}");
        assert_eq!(read_u64(&shared, 8), 1_200_000, "guards: {guards}");
        assert_eq!(read_u64(&shared, 16), 400_000 % 65536, "guards: {guards}");
        // 400 000 is 128 modulo 256: the byte went down from 0 to 128.
        assert_eq!(read_u64(&shared, 24), 128, "guards: {guards}");
    }
}

#[test]
fn a_cmpxchg_spin_lock_protects_a_plain_counter() {
    const TEXT: &str = r#"(module
  (import "env" "mem" (memory 1 1 shared))
  (func (export "run") (param $n i32)
    (loop $next
      ;; Take the lock at 0: swap 0 for 1 until the old value is 0.
      (loop $spin (br_if $spin (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 1))))
      ;; The counter at 8, plain loads and stores.
      (i64.store (i32.const 8) (i64.add (i64.load (i32.const 8)) (i64.const 1)))
      (i32.atomic.store (i32.const 0) (i32.const 0))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;
    let engine = engine(true);
    let shared = SharedMemory::new(&engine, shared_type(false, 1, 1)).unwrap();
    let (e, s) = (engine.clone(), shared.clone());
    on_threads(4, move |_| {
        let (mut store, instance) = with_shared(&e, TEXT, &s);
        call(&mut store, &instance, "run", &[Val::I32(50_000)], 0).unwrap();
    });
    assert_eq!(read_u64(&shared, 8), 200_000);
    assert_eq!(read_u64(&shared, 0), 0, "the lock is free");
}

const WAIT_NOTIFY: &str = r#"(module
  (import "env" "mem" (memory 1 1 shared))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  ;; Waits at 0 for ever, then reads the message at 8: 1000 * outcome + message.
  (func (export "receive") (result i32)
    (i32.add
      (i32.mul (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))
               (i32.const 1000))
      (i32.atomic.load (i32.const 8))))
  (func (export "send") (param i32) (i32.atomic.store (i32.const 8) (local.get 0)))
)"#;

#[test]
fn a_waiter_is_woken_by_a_notify_from_another_thread() {
    let engine = engine(true);
    let shared = SharedMemory::new(&engine, shared_type(false, 1, 1)).unwrap();
    let (e, s) = (engine.clone(), shared.clone());
    let receiver = thread::spawn(move || {
        let (mut store, instance) = with_shared(&e, WAIT_NOTIFY, &s);
        bits(&call(&mut store, &instance, "receive", &[], 1).unwrap()[0])
    });
    let (mut store, instance) = with_shared(&engine, WAIT_NOTIFY, &shared);
    call(&mut store, &instance, "send", &[Val::I32(42)], 0).unwrap();
    // The receiver may not sleep yet: notify until it has woken one.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let woken = call(&mut store, &instance, "notify", &[Val::I32(0), Val::I32(1)], 1).unwrap();
        if bits(&woken[0]) == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the receiver never slept");
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(receiver.join().unwrap(), 42, "woken (0), and the message seen");
    // Nobody is left to wake.
    let woken = call(&mut store, &instance, "notify", &[Val::I32(0), Val::I32(1)], 1).unwrap();
    assert_eq!(bits(&woken[0]), 0);
}

#[test]
fn a_wait_compares_and_times_out() {
    let engine = engine(true);
    let shared = SharedMemory::new(&engine, shared_type(false, 1, 1)).unwrap();
    let (mut store, instance) = with_shared(&engine, WAIT_NOTIFY, &shared);
    shared.write(16, &7u64.to_le_bytes()).unwrap();
    let mut wait =
        |name: &str, args: &[Val]| bits(&call(&mut store, &instance, name, args, 1).unwrap()[0]);
    // Not the expected value: 1 at once, whatever the timeout.
    assert_eq!(wait("wait32", &[Val::I32(0), Val::I32(5), Val::I64(-1)]), 1);
    assert_eq!(wait("wait64", &[Val::I32(16), Val::I64(8), Val::I64(-1)]), 1);
    // The 64-bit wait compares all 64 bits, the 32-bit one its own.
    assert_eq!(wait("wait64", &[Val::I32(16), Val::I64(7 | 1 << 32), Val::I64(-1)]), 1);
    assert_eq!(wait("wait32", &[Val::I32(16), Val::I32(7), Val::I64(0)]), 2);
    // The expected value and a 1 ms timeout: 2, after at least 1 ms.
    let start = Instant::now();
    assert_eq!(wait("wait32", &[Val::I32(0), Val::I32(0), Val::I64(1_000_000)]), 2);
    assert!(start.elapsed() >= Duration::from_millis(1));
    let start = Instant::now();
    assert_eq!(wait("wait64", &[Val::I32(16), Val::I64(7), Val::I64(1_000_000)]), 2);
    assert!(start.elapsed() >= Duration::from_millis(1));
}

#[test]
fn a_waiter_blocked_for_ever_stops_on_an_interrupt() {
    let engine = interruptible_engine();
    let shared = SharedMemory::new(&engine, shared_type(false, 1, 1)).unwrap();
    let (handles, handle) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let (mut store, instance) = with_shared(&engine, WAIT_NOTIFY, &shared);
        handles.send(store.interrupt_handle().unwrap()).unwrap();
        let args = [Val::I32(0), Val::I32(0), Val::I64(-1)];
        let outcome = call(&mut store, &instance, "wait32", &args, 1);
        (outcome.map(|v| bits(&v[0])), Instant::now())
    });
    let handle = handle.recv().unwrap();
    thread::sleep(Duration::from_millis(50));
    let asked = Instant::now();
    handle.interrupt();
    let (outcome, stopped) = waiter.join().unwrap();
    assert_eq!(outcome, Err(TrapCode::Interrupted));
    let took = stopped.saturating_duration_since(asked);
    assert!(took < Duration::from_millis(500), "stopped {took:?} after the interrupt");
}

/// Reads the size of memory 0 (of index type `$T`) and says so (1 at byte 8), then waits for it
/// to have two pages,
/// loading from page 0 meanwhile (each load checks the current length where bounds are
/// explicit), then for a value at the start of page 1, and returns it plus 1 if the first size was 1. The
/// first loop has no store, call or atomic access: a plain load of the length there would be
/// the one before the loop, forever.
const GROWTH_READER: &str = r#"(module
  (import "env" "mem" (memory $T 1 4 shared))
  (func (export "read_new_page") (result i32)
    (local $first $T)
    (local.set $first (memory.size))
    (i32.atomic.store ($T.const 8) (i32.const 1))
    (loop $growing
      (drop (i32.load ($T.const 0)))
      (br_if $growing ($T.lt_u (memory.size) ($T.const 2))))
    (loop $writing
      (br_if $writing (i32.eqz (i32.atomic.load ($T.const 65536)))))
    (i32.add
      (i32.add (i32.load ($T.const 65536)) (i32.atomic.load ($T.const 65540)))
      ($T.eq (local.get $first) ($T.const 1)))))"#;

/// Grows memory 0 by a page and writes 42 at its start, then 0 after it.
const GROWTH_WRITER: &str = r#"(module
  (import "env" "mem" (memory $T 1 4 shared))
  (func (export "grow_and_write") (result $T)
    (memory.grow ($T.const 1))
    (i32.atomic.store ($T.const 65540) (i32.const 0))
    (i32.atomic.store ($T.const 65536) (i32.const 42))))"#;

#[test]
fn a_running_loop_sees_the_page_another_thread_grew() {
    for setup in setups() {
        let ty = setup.index();
        let text = |t: &str| t.replace("$T", ty);
        let (reader, writer) = (text(GROWTH_READER), text(GROWTH_WRITER));
        let shared = SharedMemory::new(&setup.engine, shared_type(setup.memory64, 1, 4)).unwrap();
        let (results, result) = mpsc::channel();
        let (e, s) = (setup.engine.clone(), shared.clone());
        let (started, start) = mpsc::channel();
        thread::spawn(move || {
            let (mut store, instance) = with_shared(&e, &reader, &s);
            started.send(()).unwrap();
            let _ = results.send(call(&mut store, &instance, "read_new_page", &[], 1));
        });
        start.recv().unwrap();
        // Wait until the reader has read the old size, then let it spin on the old length a
        // while.
        let read_size = || {
            let mut flag = [0u8; 4];
            shared.read(8, &mut flag).unwrap();
            flag == [1, 0, 0, 0]
        };
        let asked = Instant::now();
        while !read_size() {
            assert!(
                asked.elapsed() < Duration::from_secs(20),
                "{}: the reader never ran",
                setup.name
            );
            thread::yield_now();
        }
        thread::sleep(Duration::from_millis(20));
        let (e, s) = (setup.engine.clone(), shared.clone());
        let grown = thread::spawn(move || {
            let (mut store, instance) = with_shared(&e, &writer, &s);
            bits(&call(&mut store, &instance, "grow_and_write", &[], 1).unwrap()[0])
        });
        assert_eq!(grown.join().unwrap(), 1, "{}: the old size", setup.name);
        let got = result.recv_timeout(Duration::from_secs(20));
        let got = got.unwrap_or_else(|_| panic!("{}: the reader never saw the growth", setup.name));
        assert_eq!(got.map(|v| bits(&v[0])), Ok(42 + 1), "{}", setup.name);
        assert_eq!(shared.size(), 2, "{}", setup.name);
    }
}
