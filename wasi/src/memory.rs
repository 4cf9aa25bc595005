//! Checked access to guest memory: every pointer and length a guest passes is bounds-checked, and
//! a bad one is `EFAULT`, never a host fault.

use crate::errno::Errno;

/// A guest's linear memory, borrowed for one call.
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    /// Wraps the memory's bytes.
    pub fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> Result<std::ops::Range<usize>, Errno> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
        if end > self.bytes.len() {
            return Err(Errno::Fault);
        }
        Ok(start..end)
    }

    /// `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    /// `len` bytes at `ptr`, mutably.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    /// Reads a little-endian `u32`.
    pub fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        let b = self.slice(ptr, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Writes a little-endian `u32`.
    pub fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.slice_mut(ptr, 4)?.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }

    /// Writes a little-endian `u64`.
    pub fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.slice_mut(ptr, 8)?.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }

    /// Reads a little-endian `u64`.
    pub fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        let b = self.slice(ptr, 8)?;
        Ok(u64::from_le_bytes(b.try_into().map_err(|_| Errno::Fault)?))
    }

    /// Writes bytes at `ptr`.
    pub fn write(&mut self, ptr: u32, data: &[u8]) -> Result<(), Errno> {
        self.slice_mut(ptr, data.len() as u32)?.copy_from_slice(data);
        Ok(())
    }

    /// The `(buf, len)` pairs of an iovec array.
    pub fn iovecs(&self, iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let size = count.checked_mul(8).ok_or(Errno::Fault)?;
        self.range(iovs, size)?;
        (0..count)
            .map(|i| Ok((self.read_u32(iovs + i * 8)?, self.read_u32(iovs + i * 8 + 4)?)))
            .collect()
    }
}

impl GuestMemory<'_> {
    /// Fills the guest buffers `iovs` in order with `read`, stopping after the first short read
    /// (as `readv` does): the bytes read.
    pub fn scatter(
        &mut self,
        iovs: &[(u32, u32)],
        read: &mut dyn FnMut(&mut [u8]) -> std::io::Result<usize>,
    ) -> Result<u32, Errno> {
        let mut total: u32 = 0;
        for &(buf, len) in iovs {
            let got = read(self.slice_mut(buf, len)?)?;
            total = total.saturating_add(got as u32);
            if got < len as usize {
                break;
            }
        }
        Ok(total)
    }

    /// Hands the guest buffers `iovs` in order to `write`, stopping after the first short write
    /// (as `writev` does): the bytes written.
    pub fn gather(
        &self,
        iovs: &[(u32, u32)],
        write: &mut dyn FnMut(&[u8]) -> std::io::Result<usize>,
    ) -> Result<u32, Errno> {
        let mut total: u32 = 0;
        for &(buf, len) in iovs {
            let got = write(self.slice(buf, len)?)?;
            total = total.saturating_add(got as u32);
            if got < len as usize {
                break;
            }
        }
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_efault() {
        let mut bytes = vec![0u8; 16];
        let mut m = GuestMemory::new(&mut bytes);
        assert_eq!(m.write_u32(12, 7), Ok(()));
        assert_eq!(m.read_u32(12), Ok(7));
        assert_eq!(m.write_u32(13, 7), Err(Errno::Fault));
        assert_eq!(m.slice(u32::MAX, 2).err(), Some(Errno::Fault));
        assert_eq!(m.iovecs(0, u32::MAX).err(), Some(Errno::Fault));
    }
}
