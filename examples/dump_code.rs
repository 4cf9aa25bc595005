//! Prints the interpreter code the translator produces, for studying and tuning it.
//!
//! `cargo run --release --example dump_code -- [--interp] FILE [FUNCTION]`: with a function (name
//! from the name section, or index), its code; without, every defined function with its size.
//! The code is the default engine's (`tiered`: loop headers count their iterations), or with
//! `--interp` the interpreter engine's.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let interp = args.first().is_some_and(|a| a == "--interp");
    if interp {
        args.remove(0);
    }
    let Some(file) = args.first() else {
        eprintln!("usage: dump_code [--interp] FILE [FUNCTION]");
        return ExitCode::FAILURE;
    };
    let engine = if interp {
        let mut config = silo::Config::new();
        config.strategy(silo::Strategy::Interpreter);
        silo::Engine::new(&config)
    } else {
        silo::Engine::default()
    };
    let module = match std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(|bytes| silo::Module::new(&engine, bytes).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let info = module.info();
    let first = info.num_imported.funcs;
    let name = |i: u32| info.func_name(i).unwrap_or("?").to_string();
    match args.get(1) {
        None => {
            for i in first..info.funcs.len() as u32 {
                let size = info.body(i - first).map_or(0, |(b, _)| b.len());
                println!("{i:5}  {size:7} bytes  {}", name(i));
            }
        }
        Some(wanted) => {
            let index = wanted
                .parse::<u32>()
                .ok()
                .or_else(|| info.names.funcs.iter().find(|(_, n)| *n == wanted).map(|(i, _)| *i));
            match index.map(|i| module.debug_interp_code(i)) {
                Some(Ok(code)) => print!("{code}"),
                Some(Err(e)) => eprintln!("error: {e}"),
                None => eprintln!("error: no function `{wanted}`"),
            }
        }
    }
    ExitCode::SUCCESS
}
