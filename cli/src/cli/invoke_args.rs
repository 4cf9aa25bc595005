//! Command-line values for `silo run --invoke`: parsing arguments by the export's parameter types,
//! and printing its results.

use anyhow::{Context, bail};
use silo::{Val, ValType};

/// Parses `text` as a value of type `ty`: integers in decimal or `0x` hex (negative allowed),
/// floats in Rust's syntax (plus `nan`, `inf`), references only as `null`, a `v128` as one
/// 128-bit integer or as four 32-bit words, lane 0 first, separated by spaces (as `format`
/// prints it).
pub fn parse(text: &str, ty: ValType) -> anyhow::Result<Val> {
    let int = |bits: u32| -> anyhow::Result<i128> {
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let magnitude = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
            Some(hex) => u128::from_str_radix(hex, 16),
            None => digits.parse::<u128>(),
        }
        .with_context(|| format!("`{text}` is not an integer"))?;
        let value = if neg { -(magnitude as i128) } else { magnitude as i128 };
        let (min, max) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
        if value < min || value > max {
            bail!("`{text}` does not fit in {bits} bits");
        }
        Ok(value)
    };
    Ok(match ty {
        ValType::I32 => Val::I32(int(32)? as i32),
        ValType::I64 => Val::I64(int(64)? as i64),
        ValType::F32 => {
            Val::from(text.parse::<f32>().with_context(|| format!("`{text}` is not a float"))?)
        }
        ValType::F64 => {
            Val::from(text.parse::<f64>().with_context(|| format!("`{text}` is not a float"))?)
        }
        ValType::V128 => Val::V128(parse_v128(text)?),
        ValType::Ref(r) if text == "null" && r.nullable => Val::null_of(r),
        other => bail!("cannot pass `{text}` as a {other} from the command line"),
    })
}

/// A `v128` argument: one 128-bit integer, or four 32-bit words (lane 0 first).
fn parse_v128(text: &str) -> anyhow::Result<u128> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [one] => match one.strip_prefix('-') {
            Some(magnitude) => Ok(int128(magnitude)?.wrapping_neg()),
            None => int128(one),
        },
        [_, _, _, _] => {
            let mut bits = 0u128;
            for (lane, word) in words.iter().enumerate() {
                let w = parse(word, ValType::I32).with_context(|| format!("v128 lane {lane}"))?;
                bits |= (w.i32().expect("an i32") as u32 as u128) << (32 * lane);
            }
            Ok(bits)
        }
        _ => bail!("`{text}` is not a v128: give one 128-bit integer or four 32-bit words"),
    }
}

/// A 128-bit integer in decimal or `0x` hex.
fn int128(text: &str) -> anyhow::Result<u128> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u128::from_str_radix(hex, 16),
        None => text.parse::<u128>(),
    }
    .with_context(|| format!("`{text}` is not a 128-bit integer"))
}

/// A result as `silo run --invoke` prints it.
pub fn format(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(b) => f32::from_bits(*b).to_string(),
        Val::F64(b) => f64::from_bits(*b).to_string(),
        Val::V128(b) => {
            let word = |lane: u32| format!("{:#010x}", (b >> (32 * lane)) as u32);
            (0..4).map(word).collect::<Vec<_>>().join(" ")
        }
        Val::FuncRef(None) | Val::ExternRef(None) | Val::AnyRef(None) | Val::ExnRef(None) => {
            "null".into()
        }
        Val::ExnRef(Some(_)) => "<exnref>".into(),
        Val::FuncRef(Some(_)) => "<funcref>".into(),
        Val::ExternRef(Some(_)) => "<externref>".into(),
        Val::AnyRef(Some(_)) => "<anyref>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(parse("20", ValType::I64).unwrap().i64(), Some(20));
        assert_eq!(parse("-1", ValType::I32).unwrap().i32(), Some(-1));
        assert_eq!(parse("0xffffffff", ValType::I32).unwrap().i32(), Some(-1));
        assert!(parse("0x100000000", ValType::I32).is_err());
        assert!(parse("x", ValType::I32).is_err());
    }

    #[test]
    fn floats_and_refs() {
        assert_eq!(parse("1.5", ValType::F64).unwrap().f64(), Some(1.5));
        assert!(parse("nan", ValType::F32).unwrap().f32().unwrap().is_nan());
        assert!(matches!(parse("null", ValType::FUNCREF).unwrap(), Val::FuncRef(None)));
        assert_eq!(format(&Val::I64(2432902008176640000)), "2432902008176640000");
    }

    #[test]
    fn v128_as_words_or_one_integer() {
        let v = Val::V128(0xffff_ffff_0000_0003_0000_0002_0000_0001);
        assert_eq!(format(&v), "0x00000001 0x00000002 0x00000003 0xffffffff");
        assert_eq!(parse(&format(&v), ValType::V128).unwrap().v128(), v.v128());
        assert_eq!(parse("1 2 3 -1", ValType::V128).unwrap().v128(), v.v128());
        assert_eq!(parse("7", ValType::V128).unwrap().v128(), Some(7));
        let hex = "0xffffffff000000030000000200000001";
        assert_eq!(parse(hex, ValType::V128).unwrap().v128(), v.v128());
        assert_eq!(parse("-1", ValType::V128).unwrap().v128(), Some(u128::MAX));
        assert!(parse("1 2 3", ValType::V128).is_err());
        assert!(parse("1 2 3 0x100000000", ValType::V128).is_err());
    }
}
