//! Memories made from reused reservations and from a module's data image start exactly as new
//! ones, in every engine: the module's data and zeros elsewhere, their initial size, and every
//! byte past it inaccessible; whatever earlier guests of the engine wrote, grew or mapped.

use silo::{Config, Engine, Instance, Linker, Module, Store, Strategy};

/// Whether this machine runs native code.
const NATIVE: bool = cfg!(all(target_arch = "x86_64", target_os = "linux"));

/// A module of one page of memory with `data` segments, and functions to read, write and grow
/// the memory.
fn guest(data: &str) -> String {
    format!(
        r#"(module
          (memory (export "memory") 1)
          {data}
          (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
          (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#
    )
}

fn strategies() -> Vec<Strategy> {
    let mut all = vec![Strategy::Interpreter];
    if NATIVE {
        all.extend([Strategy::Jit, Strategy::Tiered]);
    }
    all
}

/// A guest of `module` in a store of its own.
struct Guest {
    store: Store<()>,
    instance: Instance,
}

impl Guest {
    fn new(engine: &Engine, module: &Module) -> Guest {
        let mut store = Store::new(engine, ());
        let instance = Linker::new(engine).instantiate(&mut store, module).expect("instantiates");
        Guest { store, instance }
    }

    fn load(&mut self, at: i32) -> Result<i32, silo::Error> {
        let f = self.instance.get_typed_func::<i32, i32>(&self.store, "load").unwrap();
        f.call(&mut self.store, at)
    }

    fn store(&mut self, at: i32, value: i32) {
        let f = self.instance.get_typed_func::<(i32, i32), ()>(&self.store, "store").unwrap();
        f.call(&mut self.store, (at, value)).expect("in bounds");
    }

    fn grow(&mut self, pages: i32) -> i32 {
        let f = self.instance.get_typed_func::<i32, i32>(&self.store, "grow").unwrap();
        f.call(&mut self.store, pages).unwrap()
    }

    fn bytes(&mut self) -> Vec<u8> {
        let memory = self.instance.get_memory(&self.store, "memory").unwrap();
        memory.data(&self.store).to_vec()
    }
}

/// The memory a new instance of a module with `runs` of data must have: one page.
fn expected(runs: &[(usize, &[u8])]) -> Vec<u8> {
    let mut bytes = vec![0; 65536];
    for (at, run) in runs {
        bytes[*at..*at + run.len()].copy_from_slice(run);
    }
    bytes
}

#[test]
fn every_new_memory_starts_as_its_module_says_whatever_came_before() {
    let with_abc = guest(r#"(data (i32.const 16) "abc") (data (i32.const 60000) "end")"#);
    let with_xyz = guest(r#"(data (i32.const 17) "xyz")"#);
    let without = guest("");
    for strategy in strategies() {
        let engine = Engine::new(Config::new().strategy(strategy));
        let abc = Module::new(&engine, &with_abc).unwrap();
        let xyz = Module::new(&engine, &with_xyz).unwrap();
        let zero = Module::new(&engine, &without).unwrap();
        let abc_bytes = expected(&[(16, b"abc"), (60000, b"end")]);
        // Several rounds, so that later instances reuse the reservations (and images) of earlier
        // ones, which wrote over the data, wrote elsewhere and grew.
        for round in 0..6 {
            for (module, want) in [
                (&abc, &abc_bytes),
                (&xyz, &expected(&[(17, b"xyz")])),
                (&zero, &expected(&[])),
                (&abc, &abc_bytes),
            ] {
                let mut guest = Guest::new(&engine, module);
                assert!(guest.bytes() == *want, "{strategy:?} round {round}: contents differ");
                assert!(guest.load(65536).is_err(), "{strategy:?}: past the first page");
                assert!(guest.load(65535 + 65536 * 3).is_err(), "{strategy:?}: far past it");
                guest.store(16, 0x55);
                guest.store(60001, 0x66);
                guest.store(4096 * 3 + 1, 0x77);
                assert_eq!(guest.grow(2), 1);
                assert_eq!(guest.load(65536 * 2 + 9).unwrap(), 0, "{strategy:?}: grown page");
                guest.store(65536 * 2 + 9, 0x88);
                assert!(guest.load(65536 * 3).is_err(), "{strategy:?}: past the grown size");
            }
            // Guests held at once take several reservations; dropped together they all go back.
            let mut held: Vec<Guest> = (0..3).map(|_| Guest::new(&engine, &abc)).collect();
            for guest in &mut held {
                assert!(guest.bytes() == abc_bytes, "{strategy:?}: a held guest's contents");
                guest.store(20, 1);
            }
            assert_eq!(held[0].load(20).unwrap(), 1);
            assert_eq!(held[1].load(16).unwrap(), i32::from(b'a'), "guests share no page");
        }
    }
}

#[test]
fn segments_that_depend_on_imports_are_still_applied_each_time() {
    // The offset comes from an imported global, so the data is no image: it is written for
    // every instance, where the import says.
    let wat = r#"(module
      (import "env" "at" (global $at i32))
      (memory (export "memory") 1)
      (data (global.get $at) "moved")
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))"#;
    for strategy in strategies() {
        let engine = Engine::new(Config::new().strategy(strategy));
        let module = Module::new(&engine, wat).unwrap();
        for at in [100, 2000, 100, 40000, 100] {
            let mut store = Store::new(&engine, ());
            let mut linker = Linker::new(&engine);
            let global = silo::Global::new(
                &mut store,
                silo::GlobalType { content: silo::ValType::I32, mutable: false },
                silo::Val::I32(at),
            )
            .unwrap();
            linker.define(&store, "env", "at", global).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            let memory = instance.get_memory(&store, "memory").unwrap();
            let bytes = memory.data(&store);
            assert_eq!(&bytes[at as usize..at as usize + 5], b"moved", "{strategy:?} at {at}");
            assert_eq!(bytes.iter().filter(|&&b| b != 0).count(), 5, "{strategy:?}: only there");
        }
    }
}

#[test]
fn a_memory_of_small_pages_reusing_a_reservation_is_whole() {
    // Under the native tiers every 32-bit memory reserves the same 4 GiB plus guard, so a memory
    // of 1-byte pages takes the reservation a 64 KiB-page memory left; protections go by host
    // pages, so its bytes must all stay reachable.
    let small = r#"(module
      (memory (export "memory") 3 (pagesize 1))
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    for strategy in strategies() {
        let mut config = Config::new();
        config.strategy(strategy).wasm_feature(silo::Feature::CustomPageSizes, true);
        let engine = Engine::new(&config);
        let big = Module::new(&engine, guest(r#"(data (i32.const 1) "x")"#)).unwrap();
        let small = Module::new(&engine, small).unwrap();
        for round in 0..4 {
            let mut guest = Guest::new(&engine, &big);
            guest.store(2, 9);
            assert_eq!(guest.grow(1), 1);
            drop(guest);
            let mut guest = Guest::new(&engine, &small);
            assert_eq!(guest.bytes(), vec![0; 3], "{strategy:?} round {round}");
            for at in 0..3 {
                guest.store(at, 7);
                assert_eq!(guest.load(at).unwrap(), 7, "{strategy:?} round {round} at {at}");
            }
            assert!(guest.load(3).is_err(), "{strategy:?}: past three bytes");
            assert_eq!(guest.grow(2), 3);
            guest.store(4, 1);
            assert!(guest.load(5).is_err(), "{strategy:?}: past five bytes");
        }
    }
}
