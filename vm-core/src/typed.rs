//! Statically typed calls: `TypedFunc` for calling WebAssembly from Rust without `Val`s, and
//! `IntoFunc` for turning Rust closures into host functions.

use std::marker::PhantomData;
use std::ptr::NonNull;

use silo_loader::{FuncType, ValType};

use crate::error::Error;
use crate::func::{Func, HostFunc};
use crate::instance::InstanceData;
use crate::runtime::call::invoke;
use crate::store::{AsContextMut, Caller, StoreOpaque};
use crate::trap::Trap;
use crate::val::{ExternRef, Val};

/// The store as the raw conversions see it (opaque outside this crate).
#[doc(hidden)]
pub struct RawStore<'a>(&'a StoreOpaque);

mod sealed {
    use super::RawStore;

    /// Conversion between a Rust value and its slot form (`vm::slots`). Private: only the types
    /// listed in this module can cross the boundary.
    pub trait RawValue: Sized {
        /// Slots the value occupies: 2 for a `v128`, 1 otherwise.
        const WIDTH: usize = 1;
        fn write(self, store: RawStore<'_>, slots: &mut [u64]);
        fn read(slots: &[u64], store: RawStore<'_>) -> Self;
    }

    /// A list of raw values, laid out slot after slot.
    pub trait RawList: Sized {
        /// Slots the list occupies.
        const SLOTS: usize;
        fn store(self, store: RawStore<'_>, slots: &mut [u64]);
        fn load(store: RawStore<'_>, slots: &[u64]) -> Self;
    }
}
use sealed::{RawList, RawValue};

/// A Rust type that is a WebAssembly value type.
pub trait WasmTy: RawValue + Copy + Send + Sync + 'static {
    /// The WebAssembly type.
    fn valtype() -> ValType;
}

macro_rules! wasm_ty {
    ($t:ty, $vt:expr, |$v:ident| $to:expr, |$r:ident| $from:expr) => {
        impl RawValue for $t {
            fn write(self, _: RawStore<'_>, slots: &mut [u64]) {
                let $v = self;
                slots[0] = $to;
            }
            fn read(slots: &[u64], _: RawStore<'_>) -> Self {
                let $r = slots[0];
                $from
            }
        }
        impl WasmTy for $t {
            fn valtype() -> ValType {
                $vt
            }
        }
    };
}

wasm_ty!(i32, ValType::I32, |v| v as u32 as u64, |r| r as u32 as i32);
wasm_ty!(u32, ValType::I32, |v| v as u64, |r| r as u32);
wasm_ty!(i64, ValType::I64, |v| v as u64, |r| r as i64);
wasm_ty!(u64, ValType::I64, |v| v, |r| r);
wasm_ty!(f32, ValType::F32, |v| v.to_bits() as u64, |r| f32::from_bits(r as u32));
wasm_ty!(f64, ValType::F64, |v| v.to_bits(), |r| f64::from_bits(r));

/// A `v128`, as its 128 bits (lane 0 in the low bits).
impl RawValue for u128 {
    const WIDTH: usize = 2;
    fn write(self, _: RawStore<'_>, slots: &mut [u64]) {
        slots[0] = self as u64;
        slots[1] = (self >> 64) as u64;
    }
    fn read(slots: &[u64], _: RawStore<'_>) -> Self {
        slots[0] as u128 | (slots[1] as u128) << 64
    }
}

impl WasmTy for u128 {
    fn valtype() -> ValType {
        ValType::V128
    }
}

impl RawValue for Option<Func> {
    fn write(self, store: RawStore<'_>, slots: &mut [u64]) {
        slots[0] = Val::FuncRef(self).to_raw(store.0);
    }
    fn read(slots: &[u64], store: RawStore<'_>) -> Self {
        Func::from_raw(store.0.id, slots[0] as *const _)
    }
}

impl WasmTy for Option<Func> {
    fn valtype() -> ValType {
        ValType::FUNCREF
    }
}

impl RawValue for Option<ExternRef> {
    fn write(self, store: RawStore<'_>, slots: &mut [u64]) {
        slots[0] = Val::ExternRef(self).to_raw(store.0);
    }
    fn read(slots: &[u64], store: RawStore<'_>) -> Self {
        match Val::from_raw(slots[0], ValType::EXTERNREF, store.0) {
            Val::ExternRef(e) => e,
            _ => None,
        }
    }
}

impl WasmTy for Option<ExternRef> {
    fn valtype() -> ValType {
        ValType::EXTERNREF
    }
}

/// A list of WebAssembly types: `()`, a single type, or a tuple.
pub trait WasmTyList: RawList + Send + Sync + 'static {
    /// The types, in order.
    fn valtypes() -> Vec<ValType>;
    /// Whether the list is exactly `tys`.
    fn matches(tys: &[ValType]) -> bool {
        Self::valtypes() == tys
    }
}

/// Parameters of a typed call.
pub trait WasmParams: WasmTyList {}
impl<L: WasmTyList> WasmParams for L {}

/// Results of a typed call.
pub trait WasmResults: WasmTyList {}
impl<L: WasmTyList> WasmResults for L {}

impl<A: WasmTy> RawList for A {
    const SLOTS: usize = A::WIDTH;
    fn store(self, store: RawStore<'_>, slots: &mut [u64]) {
        self.write(store, slots);
    }
    fn load(store: RawStore<'_>, slots: &[u64]) -> Self {
        A::read(slots, store)
    }
}

impl<A: WasmTy> WasmTyList for A {
    fn valtypes() -> Vec<ValType> {
        vec![A::valtype()]
    }
}

macro_rules! tuple_list {
    ($($t:ident $i:tt),*) => {
        impl<$($t: WasmTy),*> RawList for ($($t,)*) {
            const SLOTS: usize = 0 $(+ $t::WIDTH)*;
            // Allowed: for the empty list (`()`) the body neither uses `store` nor advances `at`,
            // and the last element's `at += ...` is never read.
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn store(self, store: RawStore<'_>, slots: &mut [u64]) {
                let mut at = 0;
                $( self.$i.write(RawStore(store.0), &mut slots[at..]); at += $t::WIDTH; )*
            }
            // Allowed: as for `store`; for the empty list the result is `()` itself.
            #[allow(unused_variables, unused_mut, unused_assignments, clippy::unused_unit)]
            fn load(store: RawStore<'_>, slots: &[u64]) -> Self {
                let mut at = 0;
                ($( { let v = $t::read(&slots[at..], RawStore(store.0)); at += $t::WIDTH; v }, )*)
            }
        }
        impl<$($t: WasmTy),*> WasmTyList for ($($t,)*) {
            fn valtypes() -> Vec<ValType> {
                vec![$($t::valtype()),*]
            }
        }
    };
}

tuple_list!();
tuple_list!(A 0);
tuple_list!(A 0, B 1);
tuple_list!(A 0, B 1, C 2);
tuple_list!(A 0, B 1, C 2, D 3);
tuple_list!(A 0, B 1, C 2, D 3, E 4);
tuple_list!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_list!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_list!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// A function whose signature was checked against `Params -> Results`.
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<P, R> Clone for TypedFunc<P, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P, R> Copy for TypedFunc<P, R> {}

impl<Params: WasmParams, Results: WasmResults> TypedFunc<Params, Results> {
    pub(crate) fn new(func: Func) -> Self {
        TypedFunc { func, _types: PhantomData }
    }

    /// The underlying function.
    pub fn func(&self) -> &Func {
        &self.func
    }

    /// Calls the function.
    pub fn call(&self, mut store: impl AsContextMut, params: Params) -> Result<Results, Error> {
        let ctx = store.as_context_mut();
        let mut buf = [0u64; 16];
        let mut heap;
        let n = Params::SLOTS.max(Results::SLOTS);
        let slots: &mut [u64] = if n <= buf.len() {
            &mut buf[..n]
        } else {
            heap = vec![0u64; n];
            &mut heap
        };
        params.store(RawStore(ctx.opaque()), slots);
        let raw = ctx.0.opaque_ptr();
        // The signature was checked when this view was made, and `func` belongs to the store
        // (checked when its entity is read by `invoke`'s caller chain through `ty_in`).
        ctx.opaque().id.assert_same(self.func.store);
        // SAFETY: `raw` is the whole store (`opaque_ptr`), borrowed mutably through `ctx` for the
        // call; the function is a live entity of it (the store id is checked just above), and
        // `slots` holds `max(Params::SLOTS, Results::SLOTS)` slots, the function's own counts
        // (its signature was checked against `Params` and `Results` when this view was made).
        unsafe { invoke(raw, None, self.func.ptr.as_ptr(), slots)? };
        Ok(Results::load(RawStore(ctx.opaque()), slots))
    }
}

/// What a host closure may return: results, or results or a trap.
pub trait HostResult: Send + Sync + 'static {
    /// The result list.
    type Results: WasmTyList;
    /// The results, or the trap to raise.
    fn into_result(self) -> Result<Self::Results, Trap>;
}

impl<R: WasmTyList> HostResult for R {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        Ok(self)
    }
}

impl<R: WasmTyList> HostResult for Result<R, Trap> {
    type Results = R;
    fn into_result(self) -> Result<R, Trap> {
        self
    }
}

/// A Rust closure that can become a host function. `Params` is a marker for the closure's
/// argument list (with or without a leading `Caller`).
pub trait IntoFunc<T, Params, Results>: Send + Sync + 'static {
    #[doc(hidden)]
    fn into_host_func(self) -> HostFunc;
}

macro_rules! into_func {
    ($($a:ident $i:tt),*) => {
        // Allowed: the arguments are bound to variables named after their type parameters.
        #[allow(non_snake_case)]
        impl<T: 'static, F, R, $($a: WasmTy),*> IntoFunc<T, (Caller<'_, T>, $($a,)*), R> for F
        where
            F: Fn(Caller<'_, T>, $($a),*) -> R + Send + Sync + 'static,
            R: HostResult,
        {
            fn into_host_func(self) -> HostFunc {
                let ty = FuncType::new(vec![$($a::valtype()),*], R::Results::valtypes());
                let call = move |store: *mut StoreOpaque,
                                 instance: Option<NonNull<InstanceData>>,
                                 slots: &mut [u64]|
                      -> Result<(), Trap> {
                    // SAFETY: callers pass the whole live store this function was created in, lent
                    // exclusively for the call, and a live instance of it if any (`HostCallFn`'s
                    // calling contract); that store is a `StoreInner<T>` for this very `T`, because
                    // `Func::wrap` and `Linker<T>::func_wrap` create the function only in stores
                    // whose data is `T` (`AsContextMut<Data = T>`).
                    let mut caller: Caller<'_, T> = unsafe { Caller::from_raw(store, instance) };
                    // Allowed: a function without parameters never advances `at`.
                    #[allow(unused_mut)]
                    let mut at = 0;
                    $( let $a = $a::read(&slots[at..], RawStore(&caller.store.opaque)); at += $a::WIDTH; )*
                    let _ = at;
                    let results = self(caller.reborrow(), $($a),*).into_result()?;
                    results.store(RawStore(&caller.store.opaque), slots);
                    Ok(())
                };
                HostFunc { ty, call: Box::new(call) }
            }
        }

        // Allowed: as above, the arguments are named after their type parameters.
        #[allow(non_snake_case)]
        impl<T: 'static, F, R, $($a: WasmTy),*> IntoFunc<T, ($($a,)*), R> for F
        where
            F: Fn($($a),*) -> R + Send + Sync + 'static,
            R: HostResult,
        {
            fn into_host_func(self) -> HostFunc {
                let with_caller = move |_: Caller<'_, T>, $($a: $a),*| self($($a),*);
                IntoFunc::<T, (Caller<'_, T>, $($a,)*), R>::into_host_func(with_caller)
            }
        }
    };
}

into_func!();
into_func!(A 0);
into_func!(A 0, B 1);
into_func!(A 0, B 1, C 2);
into_func!(A 0, B 1, C 2, D 3);
into_func!(A 0, B 1, C 2, D 3, E 4);
into_func!(A 0, B 1, C 2, D 3, E 4, F2 5);
into_func!(A 0, B 1, C 2, D 3, E 4, F2 5, G 6);
into_func!(A 0, B 1, C 2, D 3, E 4, F2 5, G 6, H 7);
into_func!(A 0, B 1, C 2, D 3, E 4, F2 5, G 6, H 7, I 8);
into_func!(A 0, B 1, C 2, D 3, E 4, F2 5, G 6, H 7, I 8, J 9);

impl RawValue for Option<crate::val::AnyRef> {
    fn write(self, store: RawStore<'_>, slots: &mut [u64]) {
        slots[0] = Val::AnyRef(self).to_raw(store.0);
    }
    fn read(slots: &[u64], store: RawStore<'_>) -> Self {
        (slots[0] != 0).then(|| crate::val::AnyRef::from_raw(store.0, slots[0]))
    }
}

/// `anyref`.
impl WasmTy for Option<crate::val::AnyRef> {
    fn valtype() -> ValType {
        ValType::Ref(silo_loader::RefType { nullable: true, heap: silo_loader::HeapType::Any })
    }
}

impl RawValue for Option<crate::EqRef> {
    fn write(self, store: RawStore<'_>, slots: &mut [u64]) {
        slots[0] = self.map_or(0, |r| r.raw(store.0));
    }
    fn read(slots: &[u64], store: RawStore<'_>) -> Self {
        (slots[0] != 0).then(|| crate::EqRef::from_raw_bits(store.0, slots[0]))
    }
}

/// `eqref`.
impl WasmTy for Option<crate::EqRef> {
    fn valtype() -> ValType {
        ValType::Ref(silo_loader::RefType { nullable: true, heap: silo_loader::HeapType::Eq })
    }
}

impl RawValue for Option<crate::ExnRef> {
    fn write(self, store: RawStore<'_>, slots: &mut [u64]) {
        slots[0] = Val::ExnRef(self).to_raw(store.0);
    }
    fn read(slots: &[u64], store: RawStore<'_>) -> Self {
        (slots[0] != 0).then(|| crate::ExnRef::from_raw(store.0, slots[0]))
    }
}

/// `exnref`.
impl WasmTy for Option<crate::ExnRef> {
    fn valtype() -> ValType {
        ValType::Ref(silo_loader::RefType { nullable: true, heap: silo_loader::HeapType::Exn })
    }
}
