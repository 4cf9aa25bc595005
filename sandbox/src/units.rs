//! Sizes (`"64MiB"`, `"10MB"`, `"4096"`) and durations (`"5s"`, `"1500ms"`) as written in
//! manifests and on the command line.

use std::fmt;
use std::time::Duration;

/// A flag or manifest value (size, duration, `--dir`, `--env`) that could not be parsed; its
/// message names the text and says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError(pub(crate) String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

/// Units a size may carry, case-insensitive: binary (`KiB` = 1024) and decimal (`KB` = 1000).
const SIZE_UNITS: &[(&str, u64)] = &[
    ("b", 1),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("tib", 1 << 40),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("tb", 1_000_000_000_000),
];

const SIZE_HINT: &str = "expected a whole number of bytes with an optional unit \
                         B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000), \
                         e.g. `64MiB`";

/// Parses a byte size: digits (`_` separators allowed), optional spaces, an optional unit
/// (`B`, `KiB`, `MiB`, `GiB`, `TiB`, `KB`, `MB`, `GB`, `TB`; case-insensitive). Usable as a clap
/// `value_parser`.
pub fn parse_size(text: &str) -> Result<u64, ValueError> {
    let bad = |why: &str| ValueError(format!("invalid size `{text}`: {why}; {SIZE_HINT}"));
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let unit = unit.trim_start();
    if digits.is_empty() {
        return Err(bad(if trimmed.is_empty() {
            "it is empty"
        } else {
            "it does not start with a number"
        }));
    }
    if digits.starts_with('_') || digits.ends_with('_') {
        return Err(bad("`_` may only separate digits"));
    }
    if unit.starts_with('.') {
        return Err(bad("fractions are not supported, use a smaller unit"));
    }
    let multiplier = if unit.is_empty() {
        1
    } else {
        match SIZE_UNITS.iter().find(|(name, _)| name.eq_ignore_ascii_case(unit)) {
            Some(&(_, m)) => m,
            None if ["k", "m", "g", "t"].iter().any(|u| u.eq_ignore_ascii_case(unit)) => {
                return Err(bad(&format!("the unit `{unit}` is ambiguous")));
            }
            None => return Err(bad(&format!("unknown unit `{unit}`"))),
        }
    };
    let number: u64 = digits
        .chars()
        .filter(|&c| c != '_')
        .try_fold(0u64, |n, c| n.checked_mul(10)?.checked_add(u64::from(c as u8 - b'0')))
        .ok_or_else(|| bad("it does not fit in 64 bits"))?;
    number.checked_mul(multiplier).ok_or_else(|| bad("it does not fit in 64 bits"))
}

/// Parses a duration with `humantime`: `"5s"`, `"1500ms"`, `"2m"`, `"1h 30m"`. A unit is required.
/// Usable as a clap `value_parser`.
pub fn parse_duration(text: &str) -> Result<Duration, ValueError> {
    humantime::parse_duration(text.trim()).map_err(|e| {
        ValueError(format!("invalid duration `{text}`: {e}; expected e.g. `5s`, `1500ms` or `2m`"))
    })
}

/// Formats a size for messages: exact binary units when they fit, bytes otherwise.
pub(crate) fn format_size(bytes: u64) -> String {
    for (name, m) in [("TiB", 1u64 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes != 0 && bytes.is_multiple_of(m) {
            return format!("{}{name}", bytes / m);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_every_unit() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("2TiB"), Ok(2 << 40));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("3kb"), Ok(3000));
        assert_eq!(parse_size("7GB"), Ok(7_000_000_000));
        assert_eq!(parse_size("12B"), Ok(12));
        assert_eq!(parse_size(" 64 mib "), Ok(64 << 20));
        assert_eq!(parse_size("1_000_000"), Ok(1_000_000));
        assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
    }

    #[test]
    fn size_errors_say_why() {
        let err = |s: &str| parse_size(s).unwrap_err().to_string();
        assert!(err("").starts_with("invalid size ``: it is empty; expected"), "{}", err(""));
        assert!(err("MiB").contains("does not start with a number"));
        assert!(err("-1").contains("does not start with a number"));
        assert!(err("64M").contains("the unit `M` is ambiguous"));
        assert!(err("64 furlongs").contains("unknown unit `furlongs`"));
        assert!(err("1.5GiB").contains("fractions are not supported"));
        assert!(err("_1").contains("`_` may only separate digits"));
        assert!(err("18446744073709551616").contains("does not fit in 64 bits"));
        assert!(err("17179869184GiB").contains("does not fit in 64 bits"));
        assert!(err("64MiB!").contains("unknown unit `MiB!`"));
        assert!(err("5 5").contains("unknown unit `5`"));
        assert!(err("١٢").contains("does not start with a number"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        let err = parse_duration("5").unwrap_err().to_string();
        assert!(err.starts_with("invalid duration `5`: "), "{err}");
        assert!(err.ends_with("expected e.g. `5s`, `1500ms` or `2m`"), "{err}");
        assert!(parse_duration("").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("99999999999999999999999s").is_err());
    }

    #[test]
    fn sizes_format_back() {
        assert_eq!(format_size(64 << 20), "64MiB");
        assert_eq!(format_size(1536), "1536 bytes");
        assert_eq!(format_size(0), "0 bytes");
        assert_eq!(format_size(1 << 40), "1TiB");
    }
}
