//! Clocks and yielding: `clock_res_get`, `clock_time_get`, `sched_yield` (`poll_oneoff` is in
//! `poll.rs`).

use silo_core::{Caller, Error, Linker};

use super::{Getter, MODULE, with_memory};

pub(super) fn define<T: 'static>(linker: &mut Linker<T>, get: Getter<T>) -> Result<(), Error> {
    linker.func_wrap(MODULE, "clock_res_get", move |mut c: Caller<'_, T>, id: u32, out: u32| {
        with_memory(&mut c, get, |mem, ctx| mem.write_u64(out, ctx.clocks.resolution(id)?))
    })?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        move |mut c: Caller<'_, T>, id: u32, _precision: u64, out: u32| {
            with_memory(&mut c, get, |mem, ctx| mem.write_u64(out, ctx.clocks.now(id)?))
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", || {
        std::thread::yield_now();
        0i32
    })?;
    Ok(())
}
