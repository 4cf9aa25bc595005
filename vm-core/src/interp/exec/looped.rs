//! Loop dispatch: each handler returns to a loop that calls the next one. Used where tail calls
//! do not become jumps (unoptimized builds), where threading would grow the native stack.

use super::handlers::define_handlers;

/// Continues with the op at `ip`: saves the registers for the driving loop.
///
/// # Safety
/// `cx` points to a live run's context, which nothing else uses meanwhile (run invariants, see
/// [`Handler`]); the registers are that run's for the op at `ip`.
#[inline(always)]
unsafe fn next(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx, acc: u64) -> Exit {
    // SAFETY: `cx` is the run's own context, used by nothing else meanwhile (this function's
    // contract), so writing its register fields is sound.
    unsafe {
        (*cx).ip = ip;
        (*cx).fp = fp;
        (*cx).mb = mb;
        (*cx).ml = ml;
        (*cx).acc = acc;
    }
    Exit::Next
}

define_handlers!();

/// Runs handlers one after the other until the run ends.
///
/// # Safety
/// `cx` points to a live run's context holding the registers the last handler left there (by
/// `next`), which satisfy the run invariants (see [`Handler`]).
pub(super) unsafe fn drive(cx: *mut Cx) -> Exit {
    loop {
        // SAFETY: the registers in the context satisfy the run invariants (this function's
        // contract for the first iteration; for later ones, the handler just run returned `Next`
        // after `next` saved the registers of the op it continues with), so `ip` is an op whose
        // own handler may be called with them.
        let exit = unsafe {
            let ip = (*cx).ip;
            ((*ip).handler)(ip, (*cx).fp, (*cx).mb, (*cx).ml, cx, (*cx).acc)
        };
        if exit != Exit::Next {
            return exit;
        }
    }
}
