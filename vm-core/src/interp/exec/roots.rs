//! The interpreter's part of a collection's roots: every heap reference in the frames of the
//! active runs, found through each function's `ref_locals` and the stack map of the op its frame
//! is at.

use silo_gc::GcRef;

use super::{Cx, ExecStack, Op};
use crate::gc::visit_slot;
use crate::interp::code::InterpFunc;

impl ExecStack {
    /// Visits every heap reference held in an interpreter frame of an active run.
    ///
    /// # Safety
    /// Every run linked from `innermost` is live and out of its handlers, at the op its `at_ip`
    /// names (each sets it before anything that can collect), and nothing else uses its frames
    /// while this runs.
    pub(crate) unsafe fn trace_roots(&self, visit: &mut dyn FnMut(&mut GcRef)) {
        let mut cx: *const Cx = self.innermost;
        while !cx.is_null() {
            // SAFETY: `cx` is a live, suspended run's context (this function's contract); its
            // saved frames `frames[entry_depth..depth]` and its current frame (`func`, `at_fp`)
            // are frames of live code in the value stack, each `frame_size` slots long, which
            // `scan` requires.
            unsafe {
                let c = &*cx;
                if !c.at_ip.is_null() {
                    scan(&*c.func, c.at_ip, c.at_fp, true, visit);
                }
                for d in (c.entry_depth..c.depth).rev() {
                    let f = *c.frames.add(d);
                    scan(&*f.func, f.ip, f.fp, false, visit);
                }
                cx = c.outer;
            }
        }
    }
}

/// Visits the references of one frame of `func` at `fp`: its reference locals, and the
/// temporaries of the stack map at `ip` (`current`: the op running now; otherwise where a caller
/// resumes, after its call).
///
/// # Safety
/// `fp` is a frame of `func` (its `frame_size` slots are in the value stack, which nothing else
/// uses meanwhile); `ip` points into `func`'s code or one past it.
unsafe fn scan(
    func: &InterpFunc,
    ip: *const Op,
    fp: *mut u64,
    current: bool,
    visit: &mut dyn FnMut(&mut GcRef),
) {
    let start = func.code.as_ptr() as usize;
    let at = ip as usize;
    let end = start + func.code.len() * std::mem::size_of::<Op>();
    if at < start || at > end {
        debug_assert!(false, "a frame's op pointer outside its code");
        return;
    }
    let pc = (at - start) / std::mem::size_of::<Op>();
    // The map of a call or allocation: at the op itself for the current frame, the last one
    // before the resume point for a caller (every call records one).
    let limit = if current { pc + 1 } else { pc };
    let i = func.stack_maps.partition_point(|m| (m.pc as usize) < limit);
    let temps = match i {
        0 => &[][..],
        _ => &func.stack_maps[i - 1].ref_slots[..],
    };
    for &slot in func.ref_locals.iter().chain(temps) {
        // SAFETY: the translator only records slots below the frame size, and the frame's slots
        // are in the value stack, used by nothing else meanwhile (this function's contract).
        unsafe { visit_slot(&mut *fp.add(slot as usize), visit) };
    }
}
