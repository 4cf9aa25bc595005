//! Resuming a run from its execution state (the embedding side of mid-run checkpoints; the
//! interpreter's side is `interp::exec::resume`).

use crate::ExecState;
use crate::error::Error;
use crate::heap_image::HeapObjects;
use crate::instance::Instance;
use crate::store::AsContextMut;
use crate::val::Val;
use crate::vm::slots::slot_offsets;

impl Instance {
    /// Runs `state` — a run of this instance's module taken out at a host call by
    /// [`Caller::execution_state`](crate::Caller::execution_state), perhaps in another process —
    /// from where it stopped: the call is made again, and the run goes on until the function it
    /// entered returns, whose results are returned. The instance must hold the state the guest
    /// had then (its memories, tables and globals restored), and the engine must shape code as
    /// the one that took the state did (the same Silo, the same fuel setting); a state that does
    /// not fit is refused before anything runs. Under the `Jit` and `Tiered` strategies the
    /// state's own frames finish in the interpreter, and the calls they make run as the engine
    /// runs any call.
    pub fn resume(&self, store: impl AsContextMut, state: &ExecState) -> Result<Vec<Val>, Error> {
        self.resume_with_heap(store, state, &HeapObjects::empty())
    }

    /// As [`resume`](Self::resume), for a state whose frames refer to objects of the
    /// garbage-collected heap: `objects` are the heap image taken with it, made in this store
    /// ([`HeapImage::restore`](crate::HeapImage::restore)); the state names them by number.
    pub fn resume_with_heap(
        &self,
        mut store: impl AsContextMut,
        state: &ExecState,
        objects: &HeapObjects,
    ) -> Result<Vec<Val>, Error> {
        let ctx = store.as_context_mut();
        let data = self.data_of(ctx.opaque());
        let ptr: *const crate::instance::InstanceData = data;
        let info = data.module.info();
        let Some(entry) = state.frames.first().map(|f| f.func_index) else {
            return Err(Error::Unsupported(
                "cannot resume the guest: the state has no frame".into(),
            ));
        };
        let ty = info.func_sig(entry).cloned().ok_or_else(|| {
            Error::Unsupported(format!("cannot resume the guest: no function {entry}"))
        })?;
        let type_ids = data.module.inner.type_ids.clone();
        let mut out = Vec::new();
        let raw = ctx.0.opaque_ptr();
        // SAFETY: `raw` is the whole store, borrowed mutably for this call; the instance belongs
        // to it (checked by `data_of`), and `resume` sizes `out` for the entry's results.
        unsafe { crate::interp::exec::resume(raw, ptr, state, objects, &mut out)? };
        let opaque = ctx.opaque();
        Ok(ty
            .results
            .iter()
            .zip(slot_offsets(&ty.results))
            .map(|(&t, at)| {
                let t = crate::registry::canonical_val(t, &type_ids);
                Val::read_slots(&out[at..], t, opaque)
            })
            .collect())
    }
}
