//! Restoring a checkpoint's instance state into a fresh instance of its module. Everything goes
//! through the runtime's checked operations: memories and tables grow through the store's
//! quotas, the heap image's objects are allocated through its heap quota and each field checked
//! against its type (`HeapImage::restore_with`), every table element and global value is
//! type-checked as `table.set` and `global.set` check it, and every index and range read from the
//! file is checked against the instance, so a forged checkpoint fails here with the place named.

use silo_core::{AnyRef, AsContextMut, HeapObjects, I31, Instance, Memory, MemoryImage, Val};

use super::Checkpoint;
use crate::SnapshotError;
use crate::capture::{FuncIndices, MemoryState, RefState, ValState};
use crate::runs::nonzero_runs;

impl Checkpoint {
    /// Puts the checkpoint's state into `instance`, a fresh instance of the checkpoint's module
    /// (checked by digest) in `store`.
    pub fn restore(
        &self,
        store: impl AsContextMut,
        instance: &Instance,
    ) -> Result<(), SnapshotError> {
        self.restore_with_images(store, instance, &[]).map(drop)
    }

    /// As [`Checkpoint::restore`]; memory `i` maps `images[i]` copy-on-write when there is one
    /// and it fits (and is copied otherwise). Returns the heap image's objects, as made in the
    /// store (the run's frames name them by number).
    pub(super) fn restore_with_images(
        &self,
        mut store: impl AsContextMut,
        instance: &Instance,
        images: &[Option<MemoryImage>],
    ) -> Result<HeapObjects, SnapshotError> {
        let mut store = store.as_context_mut();
        self.check_module(&instance.module(&store))?;
        let state = &self.instance;
        let bad = |why: String| SnapshotError::BadCheckpoint(why);

        let mut count = 0;
        while let Some(memory) = instance.memory_by_index(&store, count) {
            let saved = state.memories.get(count as usize).ok_or_else(|| {
                bad(format!("it has {} memories, the module {}", state.memories.len(), count + 1))
            })?;
            let image = images.get(count as usize).and_then(Option::as_ref);
            restore_memory(&mut store, memory, saved, image)
                .map_err(|why| bad(format!("memory {count}: {why}")))?;
            count += 1;
        }
        if state.memories.len() != count as usize {
            return Err(bad(format!(
                "it has {} memories, the module {count}",
                state.memories.len()
            )));
        }

        let objects = self.restore_heap(&mut store, instance)?;

        let mut count = 0;
        while let Some(table) = instance.table_by_index(&store, count) {
            let saved = state.tables.get(count as usize).ok_or_else(|| {
                bad(format!("it has {} tables, the module more", state.tables.len()))
            })?;
            let ty = table.ty(&store);
            let size = table.size(&store);
            let want = saved.len() as u64;
            if want < size {
                return Err(bad(format!(
                    "table {count} has {want} elements, fewer than the module's {size}"
                )));
            }
            if want > size {
                table.grow(&mut store, want - size, Val::null_of(ty.element)).map_err(|e| {
                    bad(format!("table {count} cannot grow to {want} elements: {e}"))
                })?;
            }
            for (slot, element) in saved.iter().enumerate() {
                let null = Val::null_of(ty.element);
                let value = ref_value(&mut store, instance, &objects, *element, null)
                    .map_err(|why| bad(format!("table {count} element {slot}: {why}")))?;
                table
                    .set(&mut store, slot as u64, value)
                    .map_err(|e| bad(format!("table {count} element {slot}: {e}")))?;
            }
            count += 1;
        }
        if state.tables.len() != count as usize {
            return Err(bad(format!("it has {} tables, the module {count}", state.tables.len())));
        }

        let mut funcs: Option<FuncIndices> = None;
        let mut count = 0;
        while let Some(global) = instance.global_by_index(&store, count) {
            let saved = state.globals.get(count as usize).ok_or_else(|| {
                bad(format!("it has {} globals, the module more", state.globals.len()))
            })?;
            let ty = global.ty(&store);
            let place = |why: String| bad(format!("global {count}: {why}"));
            let null = match ty.content {
                silo_core::ValType::Ref(r) => Val::null_of(r),
                _ => Val::FuncRef(None),
            };
            let value = match *saved {
                ValState::I32(v) => Val::I32(v),
                ValState::I64(v) => Val::I64(v),
                ValState::F32(bits) => Val::F32(bits),
                ValState::F64(bits) => Val::F64(bits),
                ValState::V128(bits) => Val::V128(bits),
                ValState::Ref(r) => {
                    ref_value(&mut store, instance, &objects, r, null).map_err(place)?
                }
            };
            if ty.mutable {
                global.set(&mut store, value).map_err(|e| place(e.to_string()))?;
            } else if matches!(saved, ValState::Ref(RefState::Object(_))) {
                // The instance's own object, bound to the image's (`restore_heap`).
            } else {
                // An immutable global is the module's and its imports' to decide: it must agree.
                let funcs = funcs.get_or_insert_with(|| FuncIndices::of(&store, instance));
                let now = funcs.val_state(&store, &global.get(&store), None, String::new);
                if now.ok() != Some(*saved) {
                    return Err(place("immutable, and the checkpoint holds another value".into()));
                }
            }
            count += 1;
        }
        if state.globals.len() != count as usize {
            return Err(bad(format!("it has {} globals, the module {count}", state.globals.len())));
        }

        let info = instance.module(&store).info().clone();
        if state.elem_dropped.len() != info.elems.len()
            || state.data_dropped.len() != info.datas.len()
        {
            return Err(bad("its segments are not the module's".into()));
        }
        for (index, &dropped) in state.elem_dropped.iter().enumerate() {
            if dropped {
                instance.drop_elem_segment(&mut store, index as u32);
            }
        }
        for (index, &dropped) in state.data_dropped.iter().enumerate() {
            if dropped {
                instance.drop_data_segment(&mut store, index as u32);
            }
        }
        Ok(objects)
    }

    /// Makes the heap image's objects in `store`. An object that an immutable global holds is
    /// the one instantiation made (the guest may refer to it elsewhere too, and nothing can set
    /// the global to another): the image's object is bound to it and its fields restored.
    fn restore_heap(
        &self,
        mut store: impl AsContextMut,
        instance: &Instance,
    ) -> Result<HeapObjects, SnapshotError> {
        let mut store = store.as_context_mut();
        let bad = |why: String| SnapshotError::BadCheckpoint(why);
        if !self.heap.is_empty() {
            self.release_instantiation_objects(&mut store, instance);
        }
        let mut bound = Vec::new();
        let mut index = 0;
        while let Some(global) = instance.global_by_index(&store, index) {
            let saved = self.instance.globals.get(index as usize);
            if let (false, Some(ValState::Ref(RefState::Object(n)))) =
                (global.ty(&store).mutable, saved)
            {
                let object = match global.get(&store) {
                    Val::AnyRef(Some(a)) => Some(a),
                    Val::ExternRef(Some(e)) if e.data(&store).is_none() => Some(e.to_any(&store)),
                    _ => None,
                };
                let object = object.ok_or_else(|| {
                    bad(format!(
                        "global {index}: immutable, and the checkpoint holds another value"
                    ))
                })?;
                bound.push((*n, object));
            }
            index += 1;
        }
        silo_core::HeapImage::restore_objects(&mut store, instance, &self.heap, &bound)
            .map_err(|e| bad(e.to_string()))
    }
}

impl Checkpoint {
    /// Lets go of the objects instantiation made that the checkpoint's state replaces: mutable
    /// globals and table elements of the heap's hierarchies become null where their types allow
    /// (the restore sets them all afterwards), so a collection while the image is made can free
    /// them, and a guest whose heap is most of its quota resumes within it.
    fn release_instantiation_objects(&self, mut store: impl AsContextMut, instance: &Instance) {
        let mut store = store.as_context_mut();
        let releasable = |r: silo_core::RefType| {
            r.nullable && !matches!(r.heap.abstract_top(), Some(silo_core::HeapType::Func))
        };
        let mut index = 0;
        while let Some(global) = instance.global_by_index(&store, index) {
            let ty = global.ty(&store);
            if let (true, silo_core::ValType::Ref(r)) = (ty.mutable, ty.content)
                && releasable(r)
            {
                let _ = global.set(&mut store, Val::null_of(r));
            }
            index += 1;
        }
        let mut index = 0;
        while let Some(table) = instance.table_by_index(&store, index) {
            let ty = table.ty(&store);
            if releasable(ty.element) {
                for slot in 0..table.size(&store) {
                    let _ = table.set(&mut store, slot, Val::null_of(ty.element));
                }
            }
            index += 1;
        }
    }
}

/// Sizes `memory` as saved and makes its contents exactly the saved runs.
fn restore_memory(
    mut store: impl AsContextMut,
    memory: Memory,
    saved: &MemoryState,
    image: Option<&MemoryImage>,
) -> Result<(), String> {
    let mut store = store.as_context_mut();
    if memory.ty(&store).shared {
        return Err("shared memories are not restored".into());
    }
    let pages = memory.size(&store);
    if saved.pages < pages {
        return Err(format!("{} pages, fewer than the module's {pages}", saved.pages));
    }
    if saved.pages > pages {
        memory
            .grow(&mut store, saved.pages - pages)
            .map_err(|e| format!("cannot grow to {} pages: {e}", saved.pages))?;
    }
    // The image holds exactly the saved runs (checked when it was made); mapping it replaces
    // every byte (a memory that started as it, `Instance::new_from_images`, has them already,
    // and nothing ran since). If it cannot be mapped, the bytes are copied below.
    if let Some(image) = image
        && (memory.is_mapped_from(&store, image) || memory.map_image(&mut store, image).is_ok())
    {
        return Ok(());
    }
    let data = memory.data_mut(&mut store);
    // What instantiation wrote (data segments, the start function) goes; a fresh memory is
    // zero elsewhere, and reading its untouched pages costs no memory.
    for run in nonzero_runs(data, 1) {
        let at = run.offset as usize;
        data[at..at + run.bytes.len()].fill(0);
    }
    let mut end_of_last = 0u64;
    for run in &saved.runs {
        let end =
            run.offset.checked_add(run.bytes.len() as u64).filter(|&e| e <= data.len() as u64);
        let Some(end) = end else {
            return Err(format!("bytes at {} beyond its {} bytes", run.offset, data.len()));
        };
        if run.offset < end_of_last {
            return Err(format!("bytes at {} overlap the previous ones", run.offset));
        }
        data[run.offset as usize..end as usize].copy_from_slice(&run.bytes);
        end_of_last = end;
    }
    Ok(())
}

/// The value of a saved reference in `instance`, in the hierarchy of `null` (the slot's null):
/// its function `index`, an `i31`, an object of the heap image, or `null`.
fn ref_value(
    mut store: impl AsContextMut,
    instance: &Instance,
    objects: &HeapObjects,
    saved: RefState,
    null: Val,
) -> Result<Val, String> {
    if let (RefState::Object(n), Val::ExnRef(_)) = (saved, &null) {
        return objects
            .exn(&store, n)
            .map(|e| Val::ExnRef(Some(e)))
            .ok_or_else(|| format!("object {n} is not an exception"));
    }
    let any = match saved {
        RefState::Null => return Ok(null),
        RefState::Func(index) => {
            return instance
                .func_by_index(&store, index)
                .map(|f| Val::FuncRef(Some(f)))
                .ok_or_else(|| format!("no function {index} in the module"));
        }
        RefState::I31(v) => {
            let i31 = I31::new_i32(v).ok_or_else(|| format!("{v} does not fit an i31"))?;
            AnyRef::from_i31(&mut store, i31)
        }
        RefState::Object(n) => *objects.get(n).ok_or_else(|| {
            format!("object {n} is past the checkpoint's {} objects", objects.len())
        })?,
    };
    match null {
        Val::ExternRef(_) => Ok(Val::ExternRef(Some(any.to_extern(&store)))),
        _ => Ok(Val::AnyRef(Some(any))),
    }
}
