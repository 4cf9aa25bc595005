//! A frame's values between the slot form and a state's form, by the type the module's code gives
//! each (`resume::typed_values`; reference operands typed exactly by `translate::site_types`).
//! Numbers stay as they are (a 32-bit one is the low half of its slot); references become codes
//! that name them by meaning (`heap_image`): function references as function indices, `i31`s as
//! themselves, objects as numbers of the heap image. Coming in, each reference is checked against
//! the slot's type, so a resumed frame holds only what its code can hold there.

use silo_loader::{RefType, ValType};

use super::InterpFunc;
use crate::heap_image::{HeapCapture, HeapObjects, func_code, func_raw_of_code};
use crate::instance::InstanceData;
use crate::interp::code::Site;
use crate::store::StoreOpaque;

/// Which kind of reference a slot of (module-relative) type `ty` holds, in canonical form.
enum Held {
    Number,
    Func(RefType),
    Gc(RefType),
    Exn,
}

fn held(store: &StoreOpaque, inst: &InstanceData, ty: ValType) -> Held {
    let ValType::Ref(_) = ty else { return Held::Number };
    let canonical = crate::registry::canonical_val(ty, &inst.module.inner.type_ids);
    let ValType::Ref(r) = canonical else { return Held::Number };
    if r.heap.abstract_top() == Some(silo_loader::HeapType::Exn) {
        Held::Exn
    } else if store.engine.inner.registry.is_gc_ref(r) {
        Held::Gc(r)
    } else {
        Held::Func(r)
    }
}

/// Where a frame's values come from, for `values_out`.
pub(super) enum Source<'a> {
    /// An interpreter frame: its objects are current, named in the heap image being taken.
    Interp(&'a mut HeapCapture),
    /// A native frame's record: a collection since it was written may have moved the objects
    /// it holds (records are not traced), so an object in one is refused.
    Native,
}

/// Turns `values`, a frame's values at `site` of `code` in the slot form, into a state's form.
pub(super) fn values_out(
    store: &StoreOpaque,
    inst: &InstanceData,
    code: &InterpFunc,
    site: &Site,
    values: &mut [u64],
    mut source: Source<'_>,
) -> Result<(), String> {
    for (at, ty) in super::resume::typed_values(code, site) {
        let raw = values.get_mut(at).ok_or("a frame holds too few values")?;
        match held(store, inst, ty) {
            Held::Number => {}
            Held::Func(_) => *raw = func_code(&inst.funcs, *raw)?,
            Held::Exn => return Err("a frame holds an exception (`exnref`)".into()),
            Held::Gc(_) => match &mut source {
                Source::Interp(heap) => *raw = heap.code_of(store, *raw)?,
                Source::Native if silo_gc::GcRef::from_raw(*raw as u32).object().is_some() => {
                    return Err(format!(
                        "native code of function {} holds an object of the garbage-collected \
                         heap (take the checkpoint under `--engine interp`)",
                        code.func_index
                    ));
                }
                // Null and `i31`s are their own codes.
                Source::Native => *raw &= 0xffff_ffff,
            },
        }
    }
    Ok(())
}

/// Turns `values`, a state's values of a frame at `site` of `code`, into the slot form, each
/// checked against its slot's type; objects are `objects`' (the heap image made in the store).
pub(super) fn values_in(
    store: &StoreOpaque,
    inst: &InstanceData,
    code: &InterpFunc,
    site: &Site,
    values: &mut [u64],
    objects: &HeapObjects,
) -> Result<(), String> {
    for (at, ty) in super::resume::typed_values(code, site) {
        let value = values.get_mut(at).ok_or("a frame holds too few values")?;
        match (ty, held(store, inst, ty)) {
            // Native code leaves the high half of a 32-bit value's slot as it was; the
            // interpreter keeps it zero.
            (ValType::I32 | ValType::F32, _) => *value &= 0xffff_ffff,
            (_, Held::Number) => {}
            (_, Held::Func(r)) => *value = func_raw_of_code(store, &inst.funcs, *value, r)?,
            (_, Held::Gc(r)) => *value = objects.raw_of_code(store, *value, r)?,
            (_, Held::Exn) => return Err("a frame holds an exception (`exnref`)".into()),
        }
    }
    Ok(())
}
