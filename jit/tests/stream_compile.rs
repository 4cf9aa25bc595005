//! A module streamed in under the `Jit` strategy has its functions compiled while its bytes
//! arrive, runs as soon as its last byte is in (what the compiler had not reached is compiled in
//! the background, or at its first call), and runs exactly as the same module compiled whole.

use silo_core::{Config, Engine, Error, Instance, Module, ModuleStream, Store, Strategy};

/// `n` functions, each big enough that batches go to the compiler while the module streams:
/// function `i` computes a polynomial of its argument and calls function `i - 1` (backwards, across
/// batches) and, every tenth, function `i + 7` (forwards, not compiled yet when `i` is). The
/// first function traps, to show the names the module's name section (after the code) gives.
fn program(n: usize) -> String {
    let mut wat = String::from("(module\n(func $boom (export \"boom\") unreachable)\n");
    for i in 0..n {
        wat.push_str(&format!("(func $f{i} (export \"f{i}\") (param i32) (result i32)\n"));
        for k in 0..100 {
            wat.push_str(&format!(
                "  local.get 0 i32.const {k} i32.mul i32.const {i} i32.add local.set 0\n"
            ));
        }
        if i > 0 {
            wat.push_str(&format!(
                "  local.get 0 i32.const 3 i32.and (if (then local.get 0 call $f{} local.set 0))\n",
                i - 1
            ));
        }
        if i % 10 == 0 && i + 7 < n {
            wat.push_str(&format!("  local.get 0 i32.const 8 i32.rem_u i32.eqz (if (then local.get 0 i32.const 1 i32.add call $f{} local.set 0))\n", i + 7));
        }
        wat.push_str("  local.get 0)\n");
    }
    wat.push(')');
    wat
}

fn jit_engine() -> Engine {
    let mut config = Config::new();
    config.strategy(Strategy::Jit).compiler(silo_jit::cranelift().unwrap());
    Engine::new(&config)
}

fn results(module: &Module, n: usize) -> Vec<i32> {
    let mut store = Store::new(module.engine(), ());
    let instance = Instance::new(&mut store, module, &[]).unwrap();
    (0..n)
        .map(|i| {
            let f = instance.get_typed_func::<i32, i32>(&store, &format!("f{i}")).unwrap();
            f.call(&mut store, i as i32 * 7919).unwrap()
        })
        .collect()
}

#[test]
fn functions_are_compiled_while_the_module_streams_and_run_as_if_compiled_whole() {
    let n = 300;
    let bytes = silo_loader::assemble(&program(n)).unwrap();
    // Several times the smallest batch the stream compiler sends (64 KiB of bodies).
    assert!(bytes.len() > 256 * 1024, "the module must span several batches");
    let engine = jit_engine();
    let mut stream = ModuleStream::new(&engine);
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    for chunk in first.chunks(4096) {
        stream.push(chunk).unwrap();
    }
    // A download taking its time: the batches sent so far get compiled meanwhile.
    std::thread::sleep(std::time::Duration::from_millis(500));
    for chunk in rest.chunks(4096) {
        stream.push(chunk).unwrap();
    }
    let streamed = stream.finish().unwrap();
    let early = streamed.native_function_count();
    assert!(early > 0, "nothing compiled while streaming");

    let whole = Module::new(&engine, &bytes).unwrap();
    assert_eq!(whole.native_function_count(), 0);
    assert_eq!(results(&streamed, n), results(&whole, n));
    assert_eq!(streamed.native_function_count(), n + 1);

    // Backtraces name functions compiled before the name section arrived (`boom`, the first,
    // was in the first batch).
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &streamed, &[]).unwrap();
    let f0 = instance.get_typed_func::<i32, i32>(&store, "f0").unwrap();
    f0.call(&mut store, 1).unwrap();
    let boom = instance.get_func(&store, "boom").unwrap();
    let Err(Error::Trap(trap)) = boom.call(&mut store, &[], &mut []) else { panic!("no trap") };
    assert!(trap.to_string().contains("boom"), "{trap}");
}

#[test]
fn a_module_that_streams_in_faster_than_it_compiles_runs_at_once() {
    let n = 300;
    let bytes = silo_loader::assemble(&program(n)).unwrap();
    let engine = jit_engine();
    let mut stream = ModuleStream::new(&engine);
    // All at once: the compiler is far behind at the last byte, and the module does not wait
    // for it.
    stream.push(&bytes).unwrap();
    let started = std::time::Instant::now();
    let streamed = stream.finish().unwrap();
    let finishing = started.elapsed();
    let whole = Module::new(&engine, &bytes).unwrap();

    // A function the compiler had not reached runs now (compiled at this call, or by the
    // background compiler just before), natively, with the results of the module compiled whole.
    let last = format!("f{}", n - 1);
    let call = |module: &Module| {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, module, &[]).unwrap();
        let f = instance.get_typed_func::<i32, i32>(&store, &last).unwrap();
        f.call(&mut store, 12345).unwrap()
    };
    let started = std::time::Instant::now();
    let want = call(&whole);
    let compiling_whole = started.elapsed();
    assert!(
        finishing * 2 < compiling_whole,
        "finishing the stream took {finishing:?}, compiling the module {compiling_whole:?}"
    );
    assert_eq!(call(&streamed), want);
    let info = streamed.info();
    let index = info.exports.iter().find(|e| e.name == last).map(|e| e.index).unwrap();
    let def = index - info.num_imported.funcs;
    assert!(streamed.native_functions().contains(&def), "{last} runs natively");

    // The rest is compiled in the background meanwhile (or was compiled whole at that call, on
    // a machine without a second core).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while streamed.native_function_count() < n + 1 {
        assert!(std::time::Instant::now() < deadline, "the rest was never compiled");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(results(&streamed, n), results(&whole, n));
}
