//! Fuel counts bulk work: `memory.fill`, `memory.copy`, `table.fill` and `array.fill` cost fuel
//! in proportion to their length, the same in every engine, so a guest with little fuel cannot
//! fill gigabytes; the stop is the fuel quota's, before the work.

use silo_core::{Config, Engine, Instance, Module, Store, Strategy, TrapCode, Val};

const PROGRAM: &str = r#"(module
  (memory (export "memory") 16384)
  (table 0 20000000 funcref)
  (type $bytes (array (mut i8)))
  (func (export "fill") (param i32)
    (memory.fill (i32.const 0) (i32.const 7) (local.get 0)))
  (func (export "copy") (param i32)
    (memory.copy (i32.const 0) (i32.const 16) (local.get 0)))
  (func (export "table") (param i32)
    (drop (table.grow (ref.null func) (local.get 0)))
    (table.fill (i32.const 0) (ref.null func) (local.get 0)))
  (func (export "array") (param i32)
    (array.fill $bytes (array.new_default $bytes (local.get 0)) (i32.const 0) (i32.const 1) (local.get 0))))"#;

fn engines() -> Vec<(&'static str, Engine)> {
    [("interp", Strategy::Interpreter), ("jit", Strategy::Jit), ("tiered", Strategy::Tiered)]
        .into_iter()
        .map(|(name, strategy)| {
            let mut config = Config::new();
            config.strategy(strategy).compiler(silo_jit::cranelift().unwrap());
            config.consume_fuel(true).background_compilation(false).tier_up_after(1);
            (name, Engine::new(&config))
        })
        .collect()
}

/// Runs export `name` with `n` under `fuel`; the fuel left, or the trap.
fn run(engine: &Engine, name: &str, n: i32, fuel: u64) -> Result<u64, silo_core::Trap> {
    let module = Module::new(engine, PROGRAM).unwrap();
    let mut store = Store::new(engine, ());
    store.set_fuel(u64::MAX / 2).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    store.set_fuel(fuel).unwrap();
    let f = instance.get_func(&store, name).unwrap();
    match f.call(&mut store, &[Val::I32(n)], &mut []) {
        Ok(()) => Ok(store.get_fuel().unwrap()),
        Err(e) => Err(e.as_trap().cloned().unwrap_or_else(|| panic!("{e}"))),
    }
}

#[test]
fn bulk_work_costs_fuel_by_its_length() {
    for (engine_name, engine) in engines() {
        for name in ["fill", "copy", "table", "array"] {
            // Small: runs. Huge: the fuel quota stops it before it starts.
            let left = run(&engine, name, 64, 10_000)
                .unwrap_or_else(|t| panic!("{engine_name} {name}: {t}"));
            let huge = match name {
                "table" | "array" => 10_000_000,
                "copy" => (1 << 30) - 16,
                _ => 1 << 30,
            };
            let trap = run(&engine, name, huge, 10_000).unwrap_err();
            assert_eq!(trap.code(), TrapCode::OutOfFuel, "{engine_name} {name}: {trap}");
            assert!(trap.message().contains("fuel quota exceeded"), "{engine_name} {name}: {trap}");
            // The charge is the same in every engine.
            let (_, reference) = &engines()[0];
            assert_eq!(
                Ok(left),
                run(reference, name, 64, 10_000).map_err(|t| t.to_string()),
                "{engine_name} {name}"
            );
        }
    }
}

#[test]
fn the_charge_grows_with_the_length() {
    for (name, engine) in engines() {
        let short = 10_000 - run(&engine, "fill", 64, 10_000).unwrap();
        let long = 10_000 - run(&engine, "fill", 64 * 100, 10_000).unwrap();
        assert_eq!(long - short, 99, "{name}: one unit per 64 bytes");
    }
}
