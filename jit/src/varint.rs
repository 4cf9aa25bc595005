//! The number encoding of saved code (`module::artifact`) and of the tables kept encoded in
//! memory (`runtime::srclocs`): LEB128 varints, zigzag for signed values and differences, byte
//! strings as a length and their bytes; every read checked against the end.

/// Writes numbers and byte strings.
#[derive(Default)]
pub(crate) struct Writer(pub(crate) Vec<u8>);

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// Unsigned LEB128.
    pub(crate) fn var(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    /// Signed, zigzag-encoded: small magnitudes of either sign take one byte.
    pub(crate) fn svar(&mut self, v: i64) {
        self.var(((v << 1) ^ (v >> 63)) as u64);
    }
    /// `v` as its difference from `*prev`, which becomes `v`.
    pub(crate) fn delta(&mut self, prev: &mut u32, v: u32) {
        self.svar(i64::from(v) - i64::from(*prev));
        *prev = v;
    }
    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.var(v.len() as u64);
        self.0.extend_from_slice(v);
    }
}

/// Reads the saved form, every read checked against the end.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or("saved code cut short")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    pub(crate) fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("four bytes")))
    }
    /// Unsigned LEB128 of at most ten bytes.
    #[inline]
    pub(crate) fn var(&mut self) -> Result<u64, String> {
        // Most numbers (differences of ascending offsets, small counts) are one byte.
        if let Some(&byte) = self.bytes.get(self.at)
            && byte < 0x80
        {
            self.at += 1;
            return Ok(byte.into());
        }
        self.var_long()
    }

    #[cold]
    fn var_long(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number longer than ten bytes".into())
    }
    pub(crate) fn var32(&mut self) -> Result<u32, String> {
        u32::try_from(self.var()?).map_err(|_| "a number past 32 bits".to_string())
    }
    pub(crate) fn svar(&mut self) -> Result<i64, String> {
        let v = self.var()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }
    /// A value saved as its difference from `*prev`, which becomes the value.
    pub(crate) fn delta(&mut self, prev: &mut u32) -> Result<u32, String> {
        let v = i64::from(*prev).checked_add(self.svar()?);
        *prev = v.and_then(|v| u32::try_from(v).ok()).ok_or("an offset out of range")?;
        Ok(*prev)
    }
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = usize::try_from(self.var()?).map_err(|_| "a length past the address space")?;
        self.take(n)
    }
    /// A count of items of at least `min_size` bytes each, refused if the rest cannot hold them.
    pub(crate) fn count(&mut self, min_size: usize) -> Result<usize, String> {
        let n = usize::try_from(self.var()?).map_err(|_| "a count past the address space")?;
        if n.saturating_mul(min_size) > self.bytes.len() - self.at {
            return Err("a count larger than the saved code".into());
        }
        Ok(n)
    }
    pub(crate) fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_differences_read_back_as_written() {
        let mut w = Writer::default();
        let values = [0, 1, 127, 128, u64::from(u32::MAX), u64::MAX];
        values.iter().for_each(|&v| w.var(v));
        let signed = [0, -1, 1, -64, 64, i64::MIN, i64::MAX];
        signed.iter().for_each(|&v| w.svar(v));
        let mut prev = 0;
        for v in [5, 3, u32::MAX, 0] {
            w.delta(&mut prev, v);
        }
        let mut r = Reader { bytes: &w.0, at: 0 };
        for &v in &values {
            assert_eq!(r.var().unwrap(), v);
        }
        for &v in &signed {
            assert_eq!(r.svar().unwrap(), v);
        }
        let mut prev = 0;
        for v in [5, 3, u32::MAX, 0] {
            assert_eq!(r.delta(&mut prev).unwrap(), v);
        }
        assert!(r.is_done());
    }

    #[test]
    fn forged_numbers_are_errors() {
        // Eleven continuation bytes.
        let mut r = Reader { bytes: &[0xff; 11], at: 0 };
        assert!(r.var().unwrap_err().contains("ten bytes"));
        // Cut short in the middle of a number.
        let mut r = Reader { bytes: &[0x80], at: 0 };
        assert!(r.var().is_err());
        // A difference leading below zero, and one past 32 bits.
        let mut w = Writer::default();
        w.svar(-1);
        w.svar(i64::from(u32::MAX) + 1);
        let mut r = Reader { bytes: &w.0, at: 0 };
        assert!(r.delta(&mut 0).is_err());
        assert!(r.delta(&mut 0).is_err());
        // A count the rest cannot hold.
        let mut w = Writer::default();
        w.var(1000);
        let mut r = Reader { bytes: &w.0, at: 0 };
        assert!(r.count(1).is_err());
        // A 64-bit number where 32 bits are expected.
        let mut w = Writer::default();
        w.var(u64::from(u32::MAX) + 1);
        assert!(Reader { bytes: &w.0, at: 0 }.var32().is_err());
    }
}
