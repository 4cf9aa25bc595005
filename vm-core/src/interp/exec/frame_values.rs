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
use crate::module::ModuleInner;
use crate::registry::{TypeId, TypeRegistry};
use crate::store::StoreOpaque;
use crate::vm::slots::slot_width;

/// Which kind of value a slot of (module-relative) type `ty` holds, references in canonical form:
/// a function reference, or one of the heap (the `any`, `extern` and `exn` hierarchies).
enum Held {
    Number,
    Func(RefType),
    Gc(RefType),
}

fn held(store: &StoreOpaque, inst: &InstanceData, ty: ValType) -> Held {
    held_in(&store.engine.inner.registry, &inst.module.inner.type_ids, ty)
}

fn held_in(registry: &TypeRegistry, type_ids: &[TypeId], ty: ValType) -> Held {
    let ValType::Ref(_) = ty else { return Held::Number };
    let canonical = crate::registry::canonical_val(ty, type_ids);
    let ValType::Ref(r) = canonical else { return Held::Number };
    if registry.is_gc_ref(r) { Held::Gc(r) } else { Held::Func(r) }
}

/// The values of a frame at `site` of `code` by type (`resume::typed_values`), with whether each
/// is live: in a frame below another (`outer`), the call's operands are not (see `Site::args`),
/// and may be stale (nothing traces the arguments of a call into native code).
fn live_values(code: &InterpFunc, site: &Site, outer: bool) -> Vec<(usize, ValType, bool)> {
    let typed = super::resume::typed_values(code, site);
    let live = typed.len().saturating_sub(if outer { site.args as usize } else { 0 });
    typed.into_iter().enumerate().map(|(i, (at, ty))| (at, ty, i < live)).collect()
}

/// Turns `values`, a frame's values at `site` of `code` in the slot form, into a state's form;
/// the dead values of a frame below another (`outer`: see `live_values`) are written as zeros.
pub(super) fn values_out(
    store: &StoreOpaque,
    inst: &InstanceData,
    (code, site, outer): (&InterpFunc, &Site, bool),
    values: &mut [u64],
    heap: &mut HeapCapture,
) -> Result<(), String> {
    for (at, ty, live) in live_values(code, site, outer) {
        let raw = values.get_mut(at).ok_or("a frame holds too few values")?;
        if !live {
            values[at..].iter_mut().take(slot_width(ty)).for_each(|v| *v = 0);
            continue;
        }
        match held(store, inst, ty) {
            Held::Number => {}
            Held::Func(_) => *raw = func_code(&inst.funcs, *raw)?,
            // In the low half of the slot (native code leaves the high half as it was).
            Held::Gc(_) => *raw = heap.code_of(store, *raw & 0xffff_ffff)?,
        }
    }
    Ok(())
}

/// Turns `values`, a state's values of a frame at `site` of `code`, into the slot form, each
/// checked against its slot's type; objects are `objects`' (the heap image made in the store).
/// The dead values of a frame below another (`outer`) become zeros: the next frame's own values
/// take their slots.
pub(super) fn values_in(
    store: &StoreOpaque,
    inst: &InstanceData,
    (code, site, outer): (&InterpFunc, &Site, bool),
    values: &mut [u64],
    objects: &HeapObjects,
) -> Result<(), String> {
    for (at, ty, live) in live_values(code, site, outer) {
        let value = values.get_mut(at).ok_or("a frame holds too few values")?;
        if !live {
            values[at..].iter_mut().take(slot_width(ty)).for_each(|v| *v = 0);
            continue;
        }
        match (ty, held(store, inst, ty)) {
            // Native code leaves the high half of a 32-bit value's slot as it was; the
            // interpreter keeps it zero.
            (ValType::I32 | ValType::F32, _) => *value &= 0xffff_ffff,
            (_, Held::Number) => {}
            (_, Held::Func(r)) => *value = func_raw_of_code(store, &inst.funcs, *value, r)?,
            (_, Held::Gc(r)) => *value = objects.raw_of_code(store, *value, r)?,
        }
    }
    Ok(())
}

/// Which of the values of defined function `def`'s frame at the call (`check`: the check) at byte
/// offset `offset` are references the collector traces (of the `any` and `extern` hierarchies):
/// their first slots among the values. What the collector reads in a native frame's record.
pub(crate) fn traced_values(
    module: &ModuleInner,
    def: u32,
    offset: u32,
    check: bool,
) -> Result<Vec<u32>, String> {
    let code = crate::interp::translate::translate_for_resume(module, def)?;
    let site = super::resume::site_at(&code, offset, check).ok_or("no such point")?;
    let registry = &module.engine.inner.registry;
    Ok(super::resume::typed_values(&code, site)
        .into_iter()
        .filter(|&(_, ty)| matches!(held_in(registry, &module.type_ids, ty), Held::Gc(_)))
        .map(|(at, _)| at as u32)
        .collect())
}
