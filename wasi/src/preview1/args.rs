//! `args_*` and `environ_*`: the granted arguments and environment, as NUL-terminated strings.

use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};
use crate::errno::{Errno, WasiResult};
use crate::memory::GuestMemory;

/// Writes `items` as an array of pointers at `ptrs` and their NUL-terminated bytes at `buf`.
fn write_strings(mem: &mut GuestMemory<'_>, items: &[Vec<u8>], ptrs: u32, buf: u32) -> WasiResult {
    let mut at = buf;
    for (i, item) in items.iter().enumerate() {
        // Guest pointers near the end of the address space must not overflow: `EFAULT`.
        let slot =
            (i as u32).checked_mul(4).and_then(|o| ptrs.checked_add(o)).ok_or(Errno::Fault)?;
        mem.write_u32(slot, at)?;
        mem.write(at, item)?;
        let end = at.checked_add(item.len() as u32).ok_or(Errno::Fault)?;
        mem.write(end, &[0])?;
        at = end.checked_add(1).ok_or(Errno::Fault)?;
    }
    Ok(())
}

/// Writes how many `items` there are and how many bytes they need with their NULs.
fn write_sizes(mem: &mut GuestMemory<'_>, items: &[Vec<u8>], count: u32, size: u32) -> WasiResult {
    let bytes: usize = items.iter().map(|i| i.len() + 1).sum();
    mem.write_u32(count, items.len() as u32)?;
    mem.write_u32(size, u32::try_from(bytes).map_err(|_| Errno::Overflow)?)
}

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    linker.func_wrap(MODULE, "args_get", move |mut c: Caller<'_, T>, argv: u32, buf: u32| {
        with_memory(&mut c, get, |mem, ctx| write_strings(mem, &ctx.args, argv, buf))
    })?;
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        move |mut c: Caller<'_, T>, count: u32, size: u32| {
            with_memory(&mut c, get, |mem, ctx| write_sizes(mem, &ctx.args, count, size))
        },
    )?;
    linker.func_wrap(MODULE, "environ_get", move |mut c: Caller<'_, T>, env: u32, buf: u32| {
        with_memory(&mut c, get, |mem, ctx| write_strings(mem, &ctx.env, env, buf))
    })?;
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        move |mut c: Caller<'_, T>, count: u32, size: u32| {
            with_memory(&mut c, get, |mem, ctx| write_sizes(mem, &ctx.env, count, size))
        },
    )?;
    Ok(())
}
