//! The `silo` command: run WebAssembly programs, run `.wast` test scripts, validate modules.

// No unsafe code, but in `cli/native_code.rs`: loading native code the user or Silo's cache
// vouches for, which the library can only offer as `unsafe`.
#![deny(unsafe_code)]

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
