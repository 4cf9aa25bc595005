//! Checks the machine code of this very build: every threaded handler must end by jumping to the
//! next one. A handler that *calls* through a register instead leaves a native frame behind each
//! time it runs, and a long-running guest would overflow the host stack. (The executor also
//! probes for this at run time and falls back to a loop, but the probe runs a sample of shapes;
//! this looks at all of them.)
//!
//! Handler codegen depends on the profile, so CI runs this in the dev profile (with the whole
//! workspace) and in the release one (`cargo test --release -p silo-core --test dispatch_codegen`).
//! Where the check cannot look (no `objdump`, or no handler in the disassembly) it is skipped on a
//! developer's machine, but fails whenever the environment variable `CI` is set.

use std::process::Command;

use silo_core::{Engine, Instance, Module, Store};

/// Fewer handlers than this in the disassembly means the filter no longer finds them (the
/// instruction set has several hundred ops, each with its own handler; the optimizer may merge a
/// few identical ones under one symbol).
const MIN_HANDLERS: usize = 200;

/// Whether `symbol` is a function of the threaded executor, `silo_core::interp::exec::threaded`:
/// mangled (legacy `_ZN9silo_core6interp4exec8threaded...` or v0 `_R...6interp4exec8threaded...`)
/// or demangled.
fn in_threaded_module(symbol: &str) -> bool {
    symbol.contains("silo_core6interp4exec8threaded")
        || symbol.contains("silo_core::interp::exec::threaded::")
}

/// Runs a guest (a loop with a call) in the interpreter. Besides checking that it runs, this
/// makes the test binary link the interpreter, and with it the table of threaded handlers: a test
/// binary that never reached them would hold none to check.
fn run_a_guest() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module
            (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
            (func (export "sum") (param $n i32) (result i32) (local $acc i32)
              (block $done
                (loop $next
                  (br_if $done (i32.eqz (local.get $n)))
                  (local.set $acc (call $add (local.get $acc) (local.get $n)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br $next)))
              (local.get $acc)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let sum = instance.get_typed_func::<i32, i32>(&store, "sum").unwrap();
    assert_eq!(sum.call(&mut store, 100).unwrap(), 5050);
}

/// The check cannot look: a failure under CI, a skip elsewhere.
fn cannot_check(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why}; CI is set, so this is a failure, not a skip");
    }
    eprintln!("skipped: {why}");
}

#[test]
fn threaded_handlers_never_call_their_successor() {
    run_a_guest();
    let exe = std::env::current_exe().unwrap();
    let output = match Command::new("objdump").args(["-d", "--no-show-raw-insn"]).arg(&exe).output()
    {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            return cannot_check(&format!("objdump failed on {}: {err}", exe.display()));
        }
        Err(e) => {
            return cannot_check(&format!(
                "objdump cannot run to disassemble {}: {e}",
                exe.display()
            ));
        }
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let mut current = String::new();
    let mut handlers = 0;
    let mut offenders = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")).map(|(_, n)| n)
        {
            current = name.to_string();
            if in_threaded_module(&current) {
                handlers += 1;
            }
            continue;
        }
        let in_handler = in_threaded_module(&current) && !current.contains("probe_constant_stack");
        // `call *%reg` or `call *off(%reg)`: an indirect call that is not through the GOT.
        let indirect = line.contains("\tcall") && line.contains('*') && !line.contains("(%rip)");
        if in_handler && indirect && !offenders.contains(&current) {
            offenders.push(current.clone());
        }
    }
    if handlers < MIN_HANDLERS {
        return cannot_check(&format!(
            "{handlers} threaded handler symbols found in {} (at least {MIN_HANDLERS} expected): \
             stripped, another target, or the symbol filter is out of date",
            exe.display()
        ));
    }
    eprintln!("{handlers} threaded handlers checked");
    assert!(offenders.is_empty(), "handlers that call instead of jump: {offenders:#?}");
}
