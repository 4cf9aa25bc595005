//! Assembles a `.wat` file into a `.wasm` file with Silo's loader (the `wat` crate), for tools
//! that need binaries (the benchmark suite runs its `.wat` programs on Node too).
//!
//! `cargo run --release --example wat2wasm -- IN.wat OUT.wasm`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: wat2wasm IN.wat OUT.wasm");
        return ExitCode::FAILURE;
    };
    let result = std::fs::read_to_string(input)
        .map_err(|e| format!("cannot read `{input}`: {e}"))
        .and_then(|text| silo::loader::assemble(&text).map_err(|e| format!("`{input}`: {e}")))
        .and_then(|bytes| {
            std::fs::write(output, bytes).map_err(|e| format!("cannot write `{output}`: {e}"))
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
