//! The references in native frames' records (`vm::deopt`), as roots of the heap.
//!
//! A native frame keeps its values in its record as they were at its last point (a call or a
//! check), for a mid-run checkpoint to read. Objects move when the heap is collected, so the
//! references among those values must move with them: every collection visits them, from the
//! point they are written until the next point writes them again, and a checkpoint taken later
//! finds them current. Which values are references depends on the point: the function's code there
//! says (`interp::exec::traced_values`, the same types a checkpoint reads them by), found once per
//! point and module (`ModuleInner::record_refs`). A record whose point cannot be read (a bulk
//! charge's, or one whose code cannot be found) is marked as at no point, so no checkpoint ever
//! reads its values.

use std::sync::Arc;

use silo_gc::GcRef;

use super::roots::visit_slot;
use crate::instance::InstanceData;
use crate::store::Arena;
use crate::vm::deopt::{self, DeoptRecord};

/// Records visited at most: beyond the deepest stack a store allows, the list is not native
/// code's.
const MAX_RECORDS: usize = 1 << 22;

/// Visits the references in the values of every record in the list from `top`.
///
/// # Safety
/// `top` is the store's list of records: each a live record of a frame suspended below the
/// collection, in a stack nothing else reads or writes while it runs.
pub(crate) unsafe fn trace_records(
    top: *const DeoptRecord,
    instances: &Arena<InstanceData>,
    visit: &mut dyn FnMut(&mut GcRef),
) {
    if top.is_null() {
        return;
    }
    // SAFETY: the instances are live (the store owns them) and only read here.
    let contexts: Vec<(*const crate::vm::VMContext, &InstanceData)> = unsafe {
        instances
            .cells()
            .iter()
            .map(|c| {
                let inst: &InstanceData = c.as_ref();
                (&raw const inst.vmctx, inst)
            })
            .collect()
    };
    // A deep recursion repeats a few points many times: each is looked up in its module once.
    type Point = (*const crate::vm::VMContext, u32, u32, bool);
    let mut local: rustc_hash::FxHashMap<Point, Option<Arc<[u32]>>> = Default::default();
    let mut rec = top.cast_mut();
    let mut seen = 0;
    while !rec.is_null() && seen < MAX_RECORDS {
        seen += 1;
        // SAFETY: a live record of the list (contract), ours alone while the collection runs.
        let r = unsafe { &mut *rec };
        rec = r.prev.cast_mut();
        let check = match r.kind {
            _ if r.func == deopt::BOUNDARY => continue,
            deopt::AT_CALL | deopt::TAILED => false,
            deopt::AT_CHECK => true,
            _ => continue,
        };
        let refs = local
            .entry((r.vmctx, r.func, r.offset, check))
            .or_insert_with(|| {
                contexts
                    .iter()
                    .find(|(vmctx, _)| *vmctx == r.vmctx)
                    .and_then(|(_, inst)| refs_at(inst, r.func, r.offset, check))
            })
            .clone()
            .filter(|refs| refs.iter().all(|&at| at < r.slots));
        let Some(refs) = refs else {
            r.kind = deopt::AT_BULK;
            continue;
        };
        // SAFETY: the record's `slots` values follow its header (contract); every index is
        // below `slots` (checked above).
        unsafe {
            let values =
                std::ptr::from_mut(r).cast::<u8>().add(deopt::VALUES as usize).cast::<u64>();
            for &at in refs.iter() {
                visit_slot(&mut *values.add(at as usize), visit);
            }
        }
    }
}

/// The values that are traced references at that point of function `func` of `inst`'s module.
fn refs_at(inst: &InstanceData, func: u32, offset: u32, check: bool) -> Option<Arc<[u32]>> {
    let module = &inst.module.inner;
    let def = func.checked_sub(module.info.num_imported.funcs)?;
    let mut cache = module.record_refs.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry((def, offset, check))
        .or_insert_with(|| {
            crate::interp::exec::traced_values(module, def, offset, check).ok().map(Arc::from)
        })
        .clone()
}
