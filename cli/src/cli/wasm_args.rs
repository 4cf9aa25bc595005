//! `-W NAME[=y|n]`: which WebAssembly proposals a module may use, with wasmtime's names; and
//! `--max-module-size`: how large a module file may be.

use anyhow::{Context, bail};

/// The largest module file read without `--max-module-size`: 1 GiB.
pub const DEFAULT_MAX_MODULE_SIZE: u64 = 1 << 30;

/// The proposal switches of a command, and its module size limit.
#[derive(clap::Args, Default)]
pub struct WasmArgs {
    /// Enables or disables a WebAssembly proposal, with wasmtime's names: `-W simd=n`,
    /// `-W wide-arithmetic` (the same as `=y`), several separated by commas; `all-proposals`
    /// names every one. Without it, a module may use WebAssembly 3.0.
    #[arg(short = 'W', long = "wasm", value_name = "NAME[=y|n]")]
    pub wasm: Vec<String>,
    /// Relaxed-SIMD instructions give the spec's deterministic results, the same on every
    /// machine (also `-W relaxed-simd-deterministic`, wasmtime's name). By default they give
    /// the results of the x86-64 instructions, in every engine.
    #[arg(long)]
    pub relaxed_simd_deterministic: bool,
    /// Refuse a module file larger than this, e.g. `64MiB` (default 1GiB): the file's size is
    /// checked before a byte of it is read.
    #[arg(long, value_name = "SIZE", value_parser = silo::sandbox::parse_size,
          default_value_t = DEFAULT_MAX_MODULE_SIZE)]
    pub max_module_size: u64,
}

impl WasmArgs {
    /// Applies the switches, in order, to `config`.
    pub fn apply(&self, config: &mut silo::Config) -> anyhow::Result<()> {
        if self.relaxed_simd_deterministic {
            config.relaxed_simd_deterministic(true);
        }
        for item in self.wasm.iter().flat_map(|w| w.split(',')).map(str::trim) {
            let (name, on) = match item.split_once('=') {
                Some((name, value)) => {
                    (name, yes_or_no(value).with_context(|| format!("-W {item}"))?)
                }
                None => (item, true),
            };
            if name == "relaxed-simd-deterministic" {
                config.relaxed_simd_deterministic(on);
                continue;
            }
            config.wasm_feature_by_name(name, on).map_err(anyhow::Error::msg).context("-W")?;
        }
        Ok(())
    }
}

/// `y`/`yes`/`true` or `n`/`no`/`false`.
fn yes_or_no(value: &str) -> anyhow::Result<bool> {
    match value {
        "y" | "yes" | "true" => Ok(true),
        "n" | "no" | "false" => Ok(false),
        other => bail!("expected y or n, got `{other}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use silo::loader::Feature;

    fn config(args: &[&str]) -> anyhow::Result<silo::Config> {
        let mut config = silo::Config::new();
        let wasm = args.iter().map(|s| s.to_string()).collect();
        let max_module_size = DEFAULT_MAX_MODULE_SIZE;
        WasmArgs { wasm, relaxed_simd_deterministic: false, max_module_size }.apply(&mut config)?;
        Ok(config)
    }

    #[test]
    fn switches_follow_wasmtimes_names() {
        let c = config(&["simd=n", "wide-arithmetic", "threads=no,custom-page-sizes=y"]).unwrap();
        let f = c.enabled_features();
        assert!(!f.contains(Feature::Simd));
        assert!(f.contains(Feature::WideArithmetic));
        assert!(!f.contains(Feature::Threads));
        assert!(f.contains(Feature::CustomPageSizes));
        assert!(!c.relaxed_simd_is_deterministic());
    }

    #[test]
    fn relaxed_simd_determinism_is_a_switch_too() {
        assert!(config(&["relaxed-simd-deterministic"]).unwrap().relaxed_simd_is_deterministic());
        let c = config(&["relaxed-simd-deterministic=y,relaxed-simd-deterministic=n"]).unwrap();
        assert!(!c.relaxed_simd_is_deterministic());
        let mut c = silo::Config::new();
        let args = WasmArgs {
            wasm: vec![],
            relaxed_simd_deterministic: true,
            max_module_size: DEFAULT_MAX_MODULE_SIZE,
        };
        args.apply(&mut c).unwrap();
        assert!(c.relaxed_simd_is_deterministic());
    }

    #[test]
    fn bad_switches_are_errors_naming_them() {
        let e = config(&["simd=maybe"]).unwrap_err();
        assert!(format!("{e:#}").contains("-W simd=maybe: expected y or n"), "{e:#}");
        let e = config(&["no-such-thing"]).unwrap_err();
        assert!(format!("{e:#}").contains("unknown WebAssembly feature"), "{e:#}");
    }
}
