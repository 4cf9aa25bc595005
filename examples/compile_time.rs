//! Compile-time measurement for the benchmark harness: reads a module file, then times, for a
//! fresh engine each repetition, `Module::new` on an `Interpreter` engine (decode and validate;
//! the interpreter translates functions lazily, so this is all a program pays before it starts),
//! `Module::translate_all` (translating every function to interpreter code up front), and the
//! same on a `Jit` engine (compiling every function to native code with Cranelift, on every
//! core).
//!
//! `cargo run --release --example compile_time -- FILE [REPS]` prints one line per repetition,
//! `bytes=N new_s=SECONDS translate_s=SECONDS jit_s=SECONDS`, for `bench/run` to read.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, reps) = match args.as_slice() {
        [file] => (file, 1),
        [file, reps] => match reps.parse::<u32>() {
            Ok(n) if n > 0 => (file, n),
            _ => {
                eprintln!("error: REPS must be a positive number");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("usage: compile_time FILE [REPS]");
            return ExitCode::FAILURE;
        }
    };
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read `{file}`: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut interp = silo::Config::new();
    interp.strategy(silo::Strategy::Interpreter);
    let mut jit = silo::Config::new();
    jit.strategy(silo::Strategy::Jit);
    if let Err(e) = silo::Engine::try_new(&jit) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    for _ in 0..reps {
        let engine = silo::Engine::new(&interp);
        let start = Instant::now();
        let module = match silo::Module::new(&engine, &bytes) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: `{file}`: {e}");
                return ExitCode::FAILURE;
            }
        };
        let new_s = start.elapsed().as_secs_f64();
        let start = Instant::now();
        if let Err(e) = module.translate_all() {
            eprintln!("error: `{file}`: {e}");
            return ExitCode::FAILURE;
        }
        let translate_s = start.elapsed().as_secs_f64();
        let engine = silo::Engine::new(&jit);
        let start = Instant::now();
        let compiled = silo::Module::new(&engine, &bytes).and_then(|m| m.translate_all());
        if let Err(e) = compiled {
            eprintln!("error: `{file}`: {e}");
            return ExitCode::FAILURE;
        }
        let jit_s = start.elapsed().as_secs_f64();
        println!(
            "bytes={} new_s={new_s:.6} translate_s={translate_s:.6} jit_s={jit_s:.6}",
            bytes.len()
        );
    }
    ExitCode::SUCCESS
}
