//! Plain (non-atomic) guest loads and stores that may race with other threads.
//!
//! A shared memory is read and written by several guest threads at once, and WebAssembly gives
//! those racing plain accesses a meaning (each reads some value a write could have produced); Rust
//! does not: a non-atomic access that races with another access is undefined behaviour, whatever
//! the hardware does. So the interpreter does not read guest memory with Rust loads. On x86-64 it
//! uses one `mov` in inline assembly per access, which the compiler treats as an opaque operation
//! outside its memory model: exactly what native code compiled by the JIT does, and what the
//! hardware defines for racing accesses. On other targets it uses relaxed atomic accesses, one per
//! byte unless the address is aligned for the access's size (never torn there), which Rust
//! defines when they race.
//!
//! Miri, which cannot run inline assembly, checks the atomic version.
//!
//! Memories that are not shared take the same path: no other thread can reach them, and one `mov`
//! costs what a Rust load of an unaligned array does.

/// The `N` bytes at `p` (`N` is 1, 2, 4, 8 or 16).
///
/// # Safety
/// `p .. p + N` must lie inside a live memory's committed bytes (no alignment needed). Nothing
/// else may hold a Rust reference to those bytes.
#[inline(always)]
pub(crate) unsafe fn read<const N: usize>(p: *const u8) -> [u8; N]
where
    [u8; N]: Access,
{
    // SAFETY: this function's contract is `Access::read`'s.
    unsafe { <[u8; N]>::read(p) }
}

/// Writes the `N` bytes at `p` (`N` is 1, 2, 4, 8 or 16).
///
/// # Safety
/// `p .. p + N` must lie inside a live memory's committed, writable bytes (no alignment needed).
/// Nothing else may hold a Rust reference to those bytes.
#[inline(always)]
pub(crate) unsafe fn write<const N: usize>(p: *mut u8, bytes: [u8; N])
where
    [u8; N]: Access,
{
    // SAFETY: this function's contract is `Access::write`'s.
    unsafe { bytes.write(p) }
}

/// The access widths: `[u8; N]` for N = 1, 2, 4, 8 and 16. Each width has its own
/// implementation, so the value read or written is a register, never a temporary on the stack
/// whose address is taken: that keeps the interpreter's handlers free of stack frames, so their
/// tail calls become jumps even in lightly optimized builds (`exec::threaded` checks it).
pub(crate) trait Access: Sized {
    /// The bytes at `p`.
    ///
    /// # Safety
    /// As `read`.
    unsafe fn read(p: *const u8) -> Self;

    /// Writes `self` at `p`.
    ///
    /// # Safety
    /// As `write`.
    unsafe fn write(self, p: *mut u8);
}

/// One `mov` in each direction, for the integer widths.
#[cfg(all(target_arch = "x86_64", not(miri)))]
macro_rules! integer_access {
    ($n:literal, $int:ty, $reg:ty, $load:literal, $store:literal, $class:ident) => {
        impl Access for [u8; $n] {
            #[inline(always)]
            unsafe fn read(p: *const u8) -> Self {
                let v: $reg;
                // SAFETY: `p .. p + N` is readable (the caller's contract); the instruction
                // reads exactly those bytes with one unaligned-tolerant move and touches nothing
                // else: no stack, no flags, no other memory.
                unsafe {
                    std::arch::asm!($load, p = in(reg) p, v = out(reg) v,
                        options(nostack, preserves_flags, readonly))
                };
                (v as $int).to_le_bytes()
            }

            #[inline(always)]
            unsafe fn write(self, p: *mut u8) {
                // SAFETY: `p .. p + N` is writable (the caller's contract); the instruction
                // writes exactly those bytes with one unaligned-tolerant move and touches nothing
                // else.
                unsafe {
                    std::arch::asm!($store, p = in(reg) p, v = in($class) <$int>::from_le_bytes(self),
                        options(nostack, preserves_flags))
                }
            }
        }
    };
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
integer_access!(1, u8, u32, "movzx {v:e}, byte ptr [{p}]", "mov byte ptr [{p}], {v}", reg_byte);
#[cfg(all(target_arch = "x86_64", not(miri)))]
integer_access!(2, u16, u32, "movzx {v:e}, word ptr [{p}]", "mov word ptr [{p}], {v:x}", reg);
#[cfg(all(target_arch = "x86_64", not(miri)))]
integer_access!(4, u32, u32, "mov {v:e}, dword ptr [{p}]", "mov dword ptr [{p}], {v:e}", reg);
#[cfg(all(target_arch = "x86_64", not(miri)))]
integer_access!(8, u64, u64, "mov {v}, qword ptr [{p}]", "mov qword ptr [{p}], {v}", reg);

#[cfg(all(target_arch = "x86_64", not(miri)))]
impl Access for [u8; 16] {
    #[inline(always)]
    unsafe fn read(p: *const u8) -> Self {
        use std::arch::x86_64::__m128i;
        let v: __m128i;
        // SAFETY: as for the integer widths, with one `movdqu`.
        unsafe {
            std::arch::asm!("movdqu {v}, xmmword ptr [{p}]", p = in(reg) p, v = out(xmm_reg) v,
                options(nostack, preserves_flags, readonly));
            // SAFETY: both types are 16 plain bytes; every bit pattern is valid for each.
            std::mem::transmute::<__m128i, [u8; 16]>(v)
        }
    }

    #[inline(always)]
    unsafe fn write(self, p: *mut u8) {
        use std::arch::x86_64::__m128i;
        // SAFETY: as for the integer widths, with one `movdqu`; the transmute is between two
        // 16-byte plain types.
        unsafe {
            let v = std::mem::transmute::<[u8; 16], __m128i>(self);
            std::arch::asm!("movdqu xmmword ptr [{p}], {v}", p = in(reg) p, v = in(xmm_reg) v,
                options(nostack, preserves_flags))
        }
    }
}

/// Relaxed atomic accesses where the assembly above is not available.
#[cfg(any(not(target_arch = "x86_64"), miri))]
macro_rules! portable_access {
    ($($n:literal),*) => {$(
        impl Access for [u8; $n] {
            #[inline(always)]
            unsafe fn read(p: *const u8) -> Self {
                // SAFETY: the caller's contract is `portable::read`'s.
                unsafe { portable::read(p) }
            }

            #[inline(always)]
            unsafe fn write(self, p: *mut u8) {
                // SAFETY: the caller's contract is `portable::write`'s.
                unsafe { portable::write(p, self) }
            }
        }
    )*};
}

#[cfg(any(not(target_arch = "x86_64"), miri))]
portable_access!(1, 2, 4, 8, 16);

/// Copies `dst.len()` bytes of guest memory at `src` into `dst`, as `read` reads them (eight
/// bytes at a time, then one at a time).
///
/// # Safety
/// As `read`, for `src .. src + dst.len()`.
pub(crate) unsafe fn copy_out(src: *const u8, dst: &mut [u8]) {
    let mut chunks = dst.chunks_exact_mut(8);
    let mut at = 0;
    for chunk in &mut chunks {
        // SAFETY: `src + at .. src + at + 8` is inside the range the caller vouches for.
        chunk.copy_from_slice(&unsafe { read::<8>(src.add(at)) });
        at += 8;
    }
    for byte in chunks.into_remainder() {
        // SAFETY: as above, one byte.
        *byte = unsafe { read::<1>(src.add(at)) }[0];
        at += 1;
    }
}

/// Copies `src` into guest memory at `dst`, as `write` writes (eight bytes at a time, then one
/// at a time).
///
/// # Safety
/// As `write`, for `dst .. dst + src.len()`.
pub(crate) unsafe fn copy_in(dst: *mut u8, src: &[u8]) {
    let mut chunks = src.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word: [u8; 8] = chunk.try_into().expect("8 bytes");
        // SAFETY: `dst + at .. dst + at + 8` is inside the range the caller vouches for.
        unsafe { write::<8>(dst.add(at), word) };
        at += 8;
    }
    for &byte in chunks.remainder() {
        // SAFETY: as above, one byte.
        unsafe { write::<1>(dst.add(at), [byte]) };
        at += 1;
    }
}

/// Sets `len` bytes of guest memory at `dst` to `byte`, as `write` writes.
///
/// # Safety
/// As `write`, for `dst .. dst + len`.
pub(crate) unsafe fn fill(dst: *mut u8, byte: u8, len: usize) {
    let mut at = 0;
    while len - at >= 8 {
        // SAFETY: `dst + at .. dst + at + 8` is inside the range the caller vouches for.
        unsafe { write::<8>(dst.add(at), [byte; 8]) };
        at += 8;
    }
    while at < len {
        // SAFETY: as above, one byte.
        unsafe { write::<1>(dst.add(at), [byte]) };
        at += 1;
    }
}

/// Copies `len` bytes of guest memory from `src` to `dst`, which may overlap (as
/// `std::ptr::copy`), reading and writing as `read` and `write` do: eight bytes at a time, in the
/// direction that reads every byte before the copy overwrites it.
///
/// # Safety
/// As `read` for `src .. src + len` and as `write` for `dst .. dst + len`.
pub(crate) unsafe fn copy(src: *const u8, dst: *mut u8, len: usize) {
    // SAFETY: every access below lies inside `src .. src + len` or `dst .. dst + len`, which the
    // caller vouches for.
    unsafe {
        if (dst as usize) <= (src as usize) {
            let mut at = 0;
            while len - at >= 8 {
                write::<8>(dst.add(at), read::<8>(src.add(at)));
                at += 8;
            }
            while at < len {
                write::<1>(dst.add(at), read::<1>(src.add(at)));
                at += 1;
            }
        } else {
            let mut left = len;
            while left >= 8 {
                left -= 8;
                write::<8>(dst.add(left), read::<8>(src.add(left)));
            }
            while left > 0 {
                left -= 1;
                write::<1>(dst.add(left), read::<1>(src.add(left)));
            }
        }
    }
}

/// Relaxed atomic accesses, for targets without the assembly above.
#[cfg(any(not(target_arch = "x86_64"), miri))]
mod portable {
    use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering::Relaxed};

    /// As `super::read`.
    ///
    /// # Safety
    /// As `super::read`.
    pub(super) unsafe fn read<const N: usize>(p: *const u8) -> [u8; N] {
        let mut out = [0u8; N];
        let aligned = (p as usize) % N == 0;
        // SAFETY: `p .. p + N` is inside live memory (the caller's contract), and each atomic is
        // made only at an address aligned for it.
        unsafe {
            match N {
                2 if aligned => out.copy_from_slice(
                    &AtomicU16::from_ptr(p as *mut u16).load(Relaxed).to_le_bytes()[..N],
                ),
                4 if aligned => out.copy_from_slice(
                    &AtomicU32::from_ptr(p as *mut u32).load(Relaxed).to_le_bytes()[..N],
                ),
                8 | 16 if (p as usize) % 8 == 0 => {
                    for (i, chunk) in out.chunks_mut(8).enumerate() {
                        let word = AtomicU64::from_ptr(p.add(8 * i) as *mut u64);
                        chunk.copy_from_slice(&word.load(Relaxed).to_le_bytes());
                    }
                }
                _ => {
                    for (i, byte) in out.iter_mut().enumerate() {
                        *byte = AtomicU8::from_ptr(p.add(i) as *mut u8).load(Relaxed);
                    }
                }
            }
        }
        out
    }

    /// As `super::write`.
    ///
    /// # Safety
    /// As `super::write`.
    pub(super) unsafe fn write<const N: usize>(p: *mut u8, bytes: [u8; N]) {
        let aligned = (p as usize) % N == 0;
        let word = |i: usize| {
            let mut w = [0u8; 8];
            let end = (8 * i + 8).min(N);
            w[..end - 8 * i].copy_from_slice(&bytes[8 * i..end]);
            u64::from_le_bytes(w)
        };
        // SAFETY: as in `read`.
        unsafe {
            match N {
                2 if aligned => AtomicU16::from_ptr(p as *mut u16).store(word(0) as u16, Relaxed),
                4 if aligned => AtomicU32::from_ptr(p as *mut u32).store(word(0) as u32, Relaxed),
                8 | 16 if (p as usize) % 8 == 0 => {
                    for i in 0..N / 8 {
                        AtomicU64::from_ptr(p.add(8 * i) as *mut u64).store(word(i), Relaxed);
                    }
                }
                _ => {
                    for (i, &byte) in bytes.iter().enumerate() {
                        AtomicU8::from_ptr(p.add(i)).store(byte, Relaxed);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_width_reads_and_writes_its_bytes_at_any_alignment() {
        let mut buf = [0u8; 40];
        for at in 0..8 {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = i as u8;
            }
            let p = buf.as_mut_ptr();
            // SAFETY: every access below lies inside `buf` (at most 8 + 16 bytes from its start).
            unsafe {
                assert_eq!(read::<1>(p.add(at)), [at as u8]);
                assert_eq!(read::<2>(p.add(at)), [at as u8, at as u8 + 1]);
                assert_eq!(read::<4>(p.add(at)), std::array::from_fn(|i| (at + i) as u8));
                assert_eq!(read::<8>(p.add(at)), std::array::from_fn(|i| (at + i) as u8));
                assert_eq!(read::<16>(p.add(at)), std::array::from_fn(|i| (at + i) as u8));
                write::<1>(p.add(at), [0xa1]);
                write::<2>(p.add(at + 1), [0xb1, 0xb2]);
                write::<4>(p.add(at + 3), [0xc1, 0xc2, 0xc3, 0xc4]);
                write::<8>(p.add(at + 7), [0xd0; 8]);
                write::<16>(p.add(at + 15), [0xe0; 16]);
            }
            let mut want: [u8; 40] = std::array::from_fn(|i| i as u8);
            want[at] = 0xa1;
            want[at + 1..at + 3].copy_from_slice(&[0xb1, 0xb2]);
            want[at + 3..at + 7].copy_from_slice(&[0xc1, 0xc2, 0xc3, 0xc4]);
            want[at + 7..at + 15].copy_from_slice(&[0xd0; 8]);
            want[at + 15..at + 31].copy_from_slice(&[0xe0; 16]);
            assert_eq!(buf, want, "at offset {at}");
        }
    }

    #[test]
    fn copies_move_every_byte() {
        let mut memory = [0u8; 64];
        let data: Vec<u8> = (1..=21).collect();
        // SAFETY: 3 + 21 bytes lie inside `memory`.
        unsafe { copy_in(memory.as_mut_ptr().add(3), &data) };
        assert_eq!(&memory[3..24], &data[..]);
        assert_eq!(memory[..3], [0; 3]);
        assert_eq!(memory[24], 0);
        let mut out = [0u8; 21];
        // SAFETY: as above.
        unsafe { copy_out(memory.as_ptr().add(3), &mut out) };
        assert_eq!(&out[..], &data[..]);
    }

    #[test]
    fn fill_and_overlapping_copies_match_the_standard_ones() {
        for (src, dst, len) in [(0, 5, 30), (5, 0, 30), (3, 3, 17), (0, 40, 20), (9, 1, 7)] {
            let start: Vec<u8> = (0..64).collect();
            let (mut ours, mut std) = (start.clone(), start);
            // SAFETY: every range lies inside the 64-byte buffers.
            unsafe { copy(ours.as_ptr().add(src), ours.as_mut_ptr().add(dst), len) };
            std.copy_within(src..src + len, dst);
            assert_eq!(ours, std, "copy {len} bytes from {src} to {dst}");
        }
        let mut buf = [1u8; 32];
        // SAFETY: 2 + 19 bytes lie inside `buf`.
        unsafe { fill(buf.as_mut_ptr().add(2), 9, 19) };
        let want: Vec<u8> = (0..32).map(|i| if (2..21).contains(&i) { 9 } else { 1 }).collect();
        assert_eq!(&buf[..], &want[..]);
    }
}
