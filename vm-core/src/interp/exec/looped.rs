//! Loop dispatch: each handler returns to a loop that calls the next one. Used where tail calls
//! do not become jumps (unoptimized builds), where threading would grow the native stack.

use super::handlers::define_handlers;

/// Continues with the op at `ip`: saves the registers for the driving loop.
#[inline(always)]
unsafe fn next(ip: *const Op, fp: *mut u64, mb: *mut u8, ml: u64, cx: *mut Cx) -> Exit {
    // SAFETY: the context is the live one of this run.
    unsafe {
        (*cx).ip = ip;
        (*cx).fp = fp;
        (*cx).mb = mb;
        (*cx).ml = ml;
    }
    Exit::Next
}

define_handlers!();

/// Runs handlers one after the other until the run ends.
///
/// # Safety
/// `cx` holds the registers of a live run, as the last handler left them.
pub(super) unsafe fn drive(cx: *mut Cx) -> Exit {
    loop {
        // SAFETY: per the contract; each handler leaves the next registers in the context.
        let exit = unsafe {
            let ip = (*cx).ip;
            ((*ip).handler)(ip, (*cx).fp, (*cx).mb, (*cx).ml, cx)
        };
        if exit != Exit::Next {
            return exit;
        }
    }
}
