//! Exceptions in the interpreter: throwing, and finding where a thrown exception lands.
//!
//! A throw is a trap of a kind WebAssembly can catch (`TrapCode::UncaughtException`, the
//! exception itself held by the store): it ends the chain of handlers like any trap, recording
//! the op it left from. `run` then asks `land` for a handler, walking the run's frames from that
//! op outwards and consulting each function's handler regions (`code::Region`). A frame that
//! catches becomes the current one and the run goes on at the landing op (`Catch`), which moves
//! the payload into the frame; frames above it are dropped. An exception no frame of the run
//! catches leaves it as the trap, for whoever called the run — the host, or native code, which
//! looks in its own frames.

use silo_gc::GcRef;

use super::{Cx, Exit, Frame, Op, enter_store, fail, mem_regs};
use crate::interp::isa::Slot;
use crate::runtime::exn;
use crate::trap::{Trap, TrapCode};

/// `throw`: a new exception of module tag `tag` with the payload in the slots from `base` on.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants (see `Handler`); `tag` is a tag index of the
/// running instance's module and the frame holds its payload's slots from `base` on.
#[inline(never)]
pub(super) unsafe fn throw(ip: *const Op, fp: *mut u64, cx: *mut Cx, tag: u32, base: Slot) -> Exit {
    // SAFETY: the run invariants hold (this function's contract): the instance is live, its tag
    // entities are the store's, and the payload's slots are the frame's.
    unsafe {
        let store = enter_store(ip, fp, cx);
        let tag = &*(*(*cx).inst).tags[tag as usize];
        let n = crate::vm::slots::slot_count(&tag.ty.params);
        let payload = std::slice::from_raw_parts(fp.add(base as usize), n);
        let trap = match exn::new_exception(store, tag, payload) {
            Ok(e) => exn::raise(store, e),
            Err(t) => t,
        };
        fail(ip, fp, cx, trap)
    }
}

/// `throw_ref` (and legacy `rethrow`) of the exception `raw`.
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants.
#[inline(never)]
pub(super) unsafe fn throw_ref(ip: *const Op, fp: *mut u64, cx: *mut Cx, raw: u64) -> Exit {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let store = enter_store(ip, fp, cx);
        let trap = exn::throw_ref(store, raw);
        fail(ip, fp, cx, trap)
    }
}

/// A handler's landing: takes the caught exception from the store, writing its payload from
/// `dst` on (`mode & 1`) and the exception to `exn` (`mode & 2`).
///
/// # Safety
/// `ip`, `fp` and `cx` satisfy the run invariants; the slots written are the frame's (the
/// translator sized them from the tag the clause catches, the exception's own).
#[inline(never)]
pub(super) unsafe fn catch(
    ip: *const Op,
    fp: *mut u64,
    cx: *mut Cx,
    dst: Slot,
    exn_slot: Slot,
    mode: u32,
) -> bool {
    // SAFETY: the run invariants hold (this function's contract).
    unsafe {
        let store = &mut *(*cx).store;
        let Some(e) = exn::take(store) else {
            fail(ip, fp, cx, Trap::host("internal error: a handler ran with no exception"));
            return false;
        };
        if mode & 1 != 0 {
            let n = payload_slots(store, e);
            let out = std::slice::from_raw_parts_mut(fp.add(dst as usize), n);
            if let Err(t) = exn::read_payload(store, e, out) {
                fail(ip, fp, cx, t);
                return false;
            }
        }
        if mode & 2 != 0 {
            *fp.add(exn_slot as usize) = u64::from(e.raw());
        }
        true
    }
}

/// Raw slots of exception `e`'s payload.
fn payload_slots(store: &crate::store::StoreOpaque, e: GcRef) -> usize {
    match store.gc.heap().and_then(|h| h.layout_of(e)) {
        Some(silo_gc::Layout::Struct(s)) => s.value_slots.saturating_sub(1) as usize,
        _ => 0,
    }
}

/// After the run's chain of handlers ended with a trap: when the trap is a thrown exception and
/// a frame of this run catches it, makes that frame current (dropping the frames above it) and
/// gives the op to go on at with the registers for it. `None` leaves the trap as it is: a trap
/// proper, or an exception that leaves the run (its backtrace is then completed).
///
/// # Safety
/// `cx` is a run's context whose chain of handlers just ended with `Exit::Trap`: its saved frames
/// and current function are live, and `fault_ip`/`fault_fp` name the op that trapped.
pub(super) unsafe fn land(cx: *mut Cx) -> Option<(*const Op, *mut u64, *mut u8, u64)> {
    // SAFETY: `cx` is a finished chain's context (this function's contract), used by nothing
    // else; its frames name live code, instances and frames of the value stack.
    unsafe {
        let cx = &mut *cx;
        if cx.trap.as_ref().is_none_or(|t| t.code() != TrapCode::UncaughtException) {
            return None;
        }
        let store = &*cx.store;
        let tag_id = store.gc.exception.and_then(|e| exn::tag_of(store, e))?;
        // A null `fault_ip`: the current frame is gone (native code ran it and the exception
        // left that code), and the search starts at its caller.
        let current = (!cx.fault_ip.is_null()).then(|| Frame {
            func: cx.func,
            ip: cx.fault_ip.add(1),
            fp: cx.fault_fp,
            inst: cx.inst,
        });
        let saved = (cx.entry_depth..cx.depth).rev().map(|d| (d, *cx.frames.add(d)));
        for (depth, frame) in current.map(|c| (cx.depth, c)).into_iter().chain(saved) {
            let func = &*frame.func;
            let pc = frame.ip.offset_from(func.code.as_ptr()).max(1) as u32 - 1;
            let inst = &*frame.inst;
            let matches =
                |tag: u32| inst.tags.get(tag as usize).is_some_and(|&t| (*t).id == tag_id);
            if let Some(landing) = func.landing(pc, matches) {
                cx.depth = depth;
                cx.func = frame.func;
                cx.inst = frame.inst;
                cx.trap = None;
                let (mb, ml) = mem_regs(frame.inst);
                return Some((func.code.as_ptr().add(landing as usize), frame.fp, mb, ml));
            }
        }
        let trap = cx.trap.take()?;
        let (trace, omitted) = match current {
            Some(current) => super::backtrace(cx.frames, cx.entry_depth, cx.depth, current),
            None if cx.depth > cx.entry_depth => {
                let caller = *cx.frames.add(cx.depth - 1);
                super::backtrace(cx.frames, cx.entry_depth, cx.depth - 1, caller)
            }
            None => (Vec::new(), 0),
        };
        cx.trap = Some(trap.with_backtrace(trace, omitted));
        None
    }
}
