//! Exceptions as the host sees them: [`ExnRef`] handles, made by the host to throw from a host
//! function, or taken from a store after WebAssembly threw one that nothing caught.

use silo_gc::GcRef;

use crate::error::Error;
use crate::gc::Root;
use crate::runtime::exn;
use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};
use crate::tag::Tag;
use crate::trap::Trap;
use crate::val::{Val, raw_of, root_in};

/// An exception: its tag and payload. Like [`AnyRef`](crate::AnyRef), the handle roots the
/// object it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExnRef {
    store: StoreId,
    root: Root,
}

impl ExnRef {
    /// A new exception of `tag` carrying `payload` (checked against the tag's type).
    pub fn new(mut store: impl AsContextMut, tag: &Tag, payload: &[Val]) -> Result<ExnRef, Error> {
        let mut ctx = store.as_context_mut();
        let opaque = ctx.opaque_mut();
        let entity = tag.entity(opaque);
        let params = entity.ty.params.clone();
        if params.len() != payload.len()
            || !payload.iter().zip(params.iter()).all(|(v, &t)| v.matches_canonical(opaque, t))
        {
            return Err(Error::Type(format!(
                "the payload {payload:?} does not match the tag's type {}",
                entity.ty
            )));
        }
        let mut slots = vec![0u64; crate::vm::slots::slot_count(&params)];
        let mut at = 0;
        for (v, &t) in payload.iter().zip(params.iter()) {
            v.write_slots(opaque, &mut slots[at..]);
            at += crate::vm::slots::slot_width(t);
        }
        let entity: *const crate::tag::TagEntity = entity;
        // SAFETY: the tag is this store's (checked by `entity`), alive and in place in its own
        // allocation, which the allocation below neither moves nor writes.
        let entity = unsafe { &*entity };
        let r = exn::new_exception(opaque, entity, &slots)?;
        Ok(ExnRef::from_raw(opaque, u64::from(r.raw())))
    }

    pub(crate) fn from_raw(store: &StoreOpaque, raw: u64) -> ExnRef {
        ExnRef { store: store.id, root: root_in(store, raw) }
    }

    pub(crate) fn raw(&self, store: &StoreOpaque) -> u64 {
        self.store.assert_same(store.id);
        raw_of(store, self.root)
    }

    fn object(&self, store: &StoreOpaque) -> Result<GcRef, Error> {
        let r = GcRef::from_raw(self.raw(store) as u32);
        if r.is_null() {
            return Err(Error::Type("the exception handle outlived its scope".into()));
        }
        Ok(r)
    }

    /// The exception's tag.
    pub fn tag(&self, store: impl AsContext) -> Result<Tag, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let id = exn::tag_of(opaque, self.object(opaque)?)
            .ok_or_else(|| Error::Type("not an exception".into()))?;
        // Tags are numbered in the order the store makes them: the number is the arena index.
        opaque
            .tags
            .cells()
            .get(id as usize)
            // SAFETY: the store's tag cells are live entities it owns, never written.
            .filter(|t| unsafe { t.as_ref() }.id == id)
            .map(|&ptr| Tag { store: opaque.id, ptr })
            .ok_or_else(|| Error::Type(format!("no tag {id} in this store")))
    }

    /// The values the exception carries.
    pub fn payload(&self, store: impl AsContext) -> Result<Vec<Val>, Error> {
        let ctx = store.as_context();
        let opaque = ctx.opaque();
        let tag = self.tag(ctx)?;
        let params = tag.entity(opaque).ty.params.clone();
        let mut slots = vec![0u64; crate::vm::slots::slot_count(&params)];
        exn::read_payload(opaque, self.object(opaque)?, &mut slots)?;
        let mut at = 0;
        Ok(params
            .iter()
            .map(|&t| {
                let v = Val::read_slots(&slots[at..], t, opaque);
                at += crate::vm::slots::slot_width(t);
                v
            })
            .collect())
    }
}

/// Throwing from a host function: the trap to return makes `exn` unwind into the WebAssembly
/// code that called it, where a handler may catch it.
pub(crate) fn throw(store: &mut StoreOpaque, exn: &ExnRef) -> Trap {
    match exn.object(store) {
        Ok(r) => exn::raise(store, r),
        Err(e) => Trap::host(e.to_string()),
    }
}

/// The exception that escaped to the host, if any; taking it clears it.
pub(crate) fn take_pending(store: &mut StoreOpaque) -> Option<ExnRef> {
    let r = exn::take(store)?;
    Some(ExnRef::from_raw(store, u64::from(r.raw())))
}
