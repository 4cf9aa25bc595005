//! SHA-256 digests of modules: how the cache names a module and how `--sha256` pins one.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

/// The SHA-256 of a module's bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleDigest([u8; 32]);

impl ModuleDigest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> ModuleDigest {
        ModuleDigest(Sha256::digest(bytes).into())
    }

    /// The digest's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The digest as 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Hashes bytes as they stream past.
#[derive(Default)]
pub struct Hasher(Sha256);

impl Hasher {
    /// Adds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything added.
    pub fn finish(self) -> ModuleDigest {
        ModuleDigest(self.0.finalize().into())
    }
}

impl fmt::Display for ModuleDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ModuleDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ModuleDigest({})", self.to_hex())
    }
}

/// Why a text is not a SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a SHA-256 digest: expected 64 hexadecimal digits, {why}")]
pub struct BadDigest {
    text: String,
    why: String,
}

/// 64 hexadecimal digits, either case (an optional `sha256:` prefix is allowed, as in
/// Subresource-Integrity-style and OCI references).
impl FromStr for ModuleDigest {
    type Err = BadDigest;

    fn from_str(text: &str) -> Result<ModuleDigest, BadDigest> {
        let bad = |why: String| BadDigest { text: text.to_string(), why };
        let hex = text.trim().strip_prefix("sha256:").unwrap_or(text.trim());
        if hex.len() != 64 {
            return Err(bad(format!("got {} characters", hex.len())));
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
            let digit = |c: u8| (c as char).to_digit(16);
            match (digit(pair[0]), digit(pair[1])) {
                (Some(hi), Some(lo)) => out[i] = (hi * 16 + lo) as u8,
                _ => {
                    let at = hex.bytes().position(|c| !c.is_ascii_hexdigit()).unwrap_or(0);
                    return Err(bad(format!("found `{}`", &hex[at..].chars().next().unwrap())));
                }
            }
        }
        Ok(ModuleDigest(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_standard_test_vector_and_read_back() {
        let d = ModuleDigest::of(b"abc");
        assert_eq!(d.to_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(d.to_hex().to_uppercase().parse::<ModuleDigest>(), Ok(d));
        assert_eq!(format!("sha256:{d}").parse::<ModuleDigest>(), Ok(d));
        let mut h = Hasher::default();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), d);
    }

    #[test]
    fn bad_digests_say_what_is_wrong() {
        let e = "abc".parse::<ModuleDigest>().unwrap_err();
        assert!(e.to_string().contains("got 3 characters"), "{e}");
        let text = format!("{}zz", "0".repeat(62));
        let e = text.parse::<ModuleDigest>().unwrap_err();
        assert!(e.to_string().contains("found `z`"), "{e}");
        // A multi-byte character is refused, not sliced through.
        let text = format!("{}é", "0".repeat(62));
        assert!(text.parse::<ModuleDigest>().is_err());
    }
}
