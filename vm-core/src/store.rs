//! The store: owner of every instance, function, memory, table and global created in it, of the
//! host's data `T`, and of the value stack the interpreter runs on.
//!
//! Entities live at fixed addresses until the store is dropped, and code reaches them through raw
//! pointers (handles carry the store's id, checked on use). Nothing is freed while the store lives,
//! so a reference held by a table, a global or another instance never dangles.

use std::any::Any;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::engine::Engine;
use crate::error::Error;
use crate::func::FuncEntity;
use crate::global::GlobalEntity;
use crate::instance::{Instance, InstanceData};
use crate::interp::exec::ExecStack;
use crate::limits::{QuotaHit, StoreLimits, Usage};
use crate::memory::MemoryEntity;
use crate::meter::{InterruptHandle, Meter};
use crate::table::TableEntity;
use crate::trap::Trap;

/// Identifies a store; handles remember the store they belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct StoreId(u64);

impl StoreId {
    fn fresh() -> StoreId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        StoreId(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// Panics when a handle is used with a store it does not belong to: a bug in the embedder,
    /// never something a guest can cause.
    #[track_caller]
    pub(crate) fn assert_same(self, other: StoreId) {
        assert_eq!(self, other, "object used with the wrong store");
    }
}

/// Heap cells at fixed addresses, freed together when the arena is dropped. Cells are only ever
/// reached through the raw pointers `alloc` returns.
pub(crate) struct Arena<T> {
    cells: Vec<NonNull<T>>,
}

impl<T> Default for Arena<T> {
    fn default() -> Self {
        Arena { cells: Vec::new() }
    }
}

impl<T> Arena<T> {
    /// Every cell, in allocation order.
    pub fn cells(&self) -> &[NonNull<T>] {
        &self.cells
    }

    pub fn alloc(&mut self, value: T) -> NonNull<T> {
        let ptr = NonNull::from(Box::leak(Box::new(value)));
        self.cells.push(ptr);
        ptr
    }
}

impl<T> Drop for Arena<T> {
    fn drop(&mut self) {
        for cell in self.cells.drain(..) {
            // SAFETY: each cell came from `Box::leak` in `alloc` and is freed exactly once, here,
            // when nothing in the store can reach it any more.
            drop(unsafe { Box::from_raw(cell.as_ptr()) });
        }
    }
}

/// Everything a store owns except the host's data; the part of a store that is not generic.
pub(crate) struct StoreOpaque {
    pub id: StoreId,
    pub engine: Engine,
    pub instances: Arena<InstanceData>,
    pub host_funcs: Arena<FuncEntity>,
    pub memories: Arena<MemoryEntity>,
    /// The shared memories the store's instances use, kept alive with it (each may be used by
    /// other stores too).
    pub shared_memories: Vec<crate::shared_memory::SharedMemory>,
    pub tables: Arena<TableEntity>,
    pub globals: Arena<GlobalEntity>,
    pub tags: Arena<crate::tag::TagEntity>,
    /// The number the next tag gets (see `tag::TagEntity::id`).
    pub next_tag_id: u32,
    /// The garbage-collected heap (structs, arrays, host values behind `externref`).
    pub gc: crate::gc::StoreGc,
    pub exec: ExecStack,
    /// Fuel, deadline and interruption: read by compiled code's checks.
    pub meter: Meter,
    /// Quotas and what the store's guests use of them.
    pub usage: Usage,
    /// The trap a builtin called by native code left for the entry to native code to raise.
    pub pending_trap: Option<crate::trap::Trap>,
    /// The fuel or deadline stop of a bulk instruction, behind its trap code (`runtime::bulk`).
    pub meter_trap: Option<crate::trap::Trap>,
    /// A host function's panic caught under native code, resumed once native code is left.
    pub pending_panic: Option<Box<dyn Any + Send>>,
    /// The lowest native stack address native code may use: set on each entry to native code.
    pub native_stack_limit: usize,
    /// Active calls as native code counts them (`Config::native_call_depth`), and the quota.
    pub call_depth: CallDepth,
    /// Where native code last called out of compiled code, and the same for each stretch of
    /// native frames further up the stack (see `vm::NativeExit`).
    pub native_exit: crate::vm::NativeExit,
    /// The innermost record of a native frame (`vm::deopt`; with `Config::native_checkpoints`),
    /// or of the boundary of the stretch of native frames running now; null when none is.
    pub deopt_top: *const crate::vm::DeoptRecord,
    /// Whether native code is stopped at a check while the check hook runs (its record says
    /// which).
    pub native_at_check: bool,
    /// Host functions running now (the host-call hook runs before its call counts).
    pub host_calls: u32,
    /// What runs before every call of a host function (`Store::on_host_call`).
    pub host_call_hook: Option<Box<HostCallHook>>,
    /// What runs at the slow path of the interpreter's fuel and interrupt checks
    /// (`Store::on_check`).
    pub check_hook: Option<Box<HostCallHook>>,
}

/// A store's hook before host calls, type-erased: the store and the calling instance, as host
/// functions get them (`func::HostCallFn`).
pub(crate) type HostCallHook =
    dyn FnMut(*mut StoreOpaque, Option<NonNull<InstanceData>>) -> Result<(), Trap> + Send;

/// Native code's count of active calls and the store's call-depth quota; native code reads and
/// writes both fields at fixed offsets (`vm::offsets`).
#[repr(C)]
pub(crate) struct CallDepth {
    pub active: u64,
    pub limit: u64,
}

// SAFETY: the raw pointers in a store point into memory the store itself owns (entities, the value
// stack) or keeps alive (modules through `Arc`), and no thread-local state refers to a store that
// is not borrowed; host functions, extern values and panic payloads are required to be `Send`.
// Moving the store to another thread moves all of it.
unsafe impl Send for StoreOpaque {}
// SAFETY: through a shared `&StoreOpaque` this crate only reads: the fields it reads that way are
// `Sync` (the one that is not, `pending_panic`, is only ever taken through `&mut`), and the
// entities and stacks behind its raw pointers are written only while the store is borrowed
// mutably (a call lends it exclusively), never through a shared borrow.
unsafe impl Sync for StoreOpaque {}

impl StoreOpaque {
    fn new(engine: &Engine) -> StoreOpaque {
        StoreOpaque {
            id: StoreId::fresh(),
            engine: engine.clone(),
            instances: Arena::default(),
            host_funcs: Arena::default(),
            memories: Arena::default(),
            shared_memories: Vec::new(),
            tables: Arena::default(),
            globals: Arena::default(),
            tags: Arena::default(),
            next_tag_id: 0,
            gc: crate::gc::StoreGc::new(engine.inner.config.gc_heap),
            exec: ExecStack::new(&engine.inner.config),
            meter: Meter::new(engine.inner.config.consume_fuel, engine.inner.config.interruptible),
            usage: Usage::default(),
            pending_trap: None,
            meter_trap: None,
            pending_panic: None,
            native_stack_limit: usize::MAX,
            call_depth: CallDepth { active: 0, limit: u64::MAX },
            native_exit: crate::vm::NativeExit::none(),
            deopt_top: std::ptr::null(),
            native_at_check: false,
            host_calls: 0,
            host_call_hook: None,
            check_hook: None,
        }
    }
}

/// The store's contents. `opaque` comes first so that a pointer to the whole is also a pointer to
/// it: host functions get the `StoreOpaque` pointer back and recover the typed store from it.
#[repr(C)]
pub(crate) struct StoreInner<T> {
    pub opaque: StoreOpaque,
    pub data: T,
}

impl<T> StoreInner<T> {
    /// A raw pointer to the opaque part with the provenance of the whole store, for the
    /// interpreter and for host functions to turn back into `StoreInner<T>`.
    pub fn opaque_ptr(&mut self) -> *mut StoreOpaque {
        (self as *mut StoreInner<T>).cast()
    }
}

/// A collection of WebAssembly instances and host state `T`.
///
/// Everything created in a store lives until the store is dropped. A store runs one guest call at a
/// time; use several stores to run guests in parallel.
pub struct Store<T> {
    inner: Box<StoreInner<T>>,
}

impl<T> Store<T> {
    /// A new store holding `data`.
    pub fn new(engine: &Engine, data: T) -> Store<T> {
        Store { inner: Box::new(StoreInner { opaque: StoreOpaque::new(engine), data }) }
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.inner.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.inner.data
    }

    /// Runs `hook` before every call of a host function from WebAssembly, with the call's
    /// [`Caller`]; an error it returns is the call's trap (the host function does not run). What
    /// a mid-run checkpoint is taken from: inside the hook, [`Caller::execution_state`] has the
    /// run stopped at that call.
    pub fn on_host_call(
        &mut self,
        mut hook: impl FnMut(Caller<'_, T>) -> Result<(), Trap> + Send + 'static,
    ) {
        let erased = move |store: *mut StoreOpaque, instance: Option<NonNull<InstanceData>>| {
            // SAFETY: `runtime::call::call_host` calls this with what it would pass the host
            // function: this store (a `StoreInner<T>`, the only kind `Store<T>` makes), lent
            // exclusively for the call, and a live instance of it if any.
            let caller = unsafe { Caller::<T>::from_raw(store, instance) };
            hook(caller)
        };
        self.inner.opaque.host_call_hook = Some(Box::new(erased));
    }

    /// Runs `hook` at the fuel and interrupt checks (function entries and loop headers) when
    /// they take their slow path — about every 20,000 instructions in an
    /// interruptible engine (`Config::interruptible`), otherwise only when the fuel runs out —
    /// with a [`Caller`] of the running instance; an error it returns is the run's trap. Inside
    /// it, [`Caller::execution_state`] has the run stopped at that check: the mid-run checkpoint
    /// of a guest that computes without calling the host. (Native code's checks run it when the
    /// engine keeps native frames' records, `Config::native_checkpoints`.)
    pub fn on_check(
        &mut self,
        mut hook: impl FnMut(Caller<'_, T>) -> Result<(), Trap> + Send + 'static,
    ) {
        let erased = move |store: *mut StoreOpaque, instance: Option<NonNull<InstanceData>>| {
            // SAFETY: `interp::exec::check_hook` calls this with the whole live store (a
            // `StoreInner<T>`, the only kind `Store<T>` makes), lent exclusively for the call,
            // and a live instance of it.
            let caller = unsafe { Caller::<T>::from_raw(store, instance) };
            hook(caller)
        };
        self.inner.opaque.check_hook = Some(Box::new(erased));
    }

    /// Removes the hook [`on_host_call`](Self::on_host_call) set.
    pub fn clear_host_call_hook(&mut self) {
        self.inner.opaque.host_call_hook = None;
    }

    /// Consumes the store and returns the host data.
    pub fn into_data(self) -> T {
        self.inner.data
    }

    /// The engine the store was created with.
    pub fn engine(&self) -> &Engine {
        &self.inner.opaque.engine
    }

    /// Sets the fuel the store's guests may use (WebAssembly instructions); running out traps.
    /// Fails unless the engine meters fuel (`Config::consume_fuel`).
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), Error> {
        self.set_fuel_of(fuel, fuel)
    }

    /// Sets the fuel left to `fuel` out of a quota of `quota`, for a guest that used the rest
    /// before (resumed from a checkpoint): running out reports the whole quota, not what was
    /// left. Fails unless the engine meters fuel.
    pub fn set_fuel_of(&mut self, fuel: u64, quota: u64) -> Result<(), Error> {
        if self.inner.opaque.meter.set_fuel_of(fuel, quota) {
            Ok(())
        } else {
            Err(Error::Limit("fuel is not enabled: set `Config::consume_fuel`".into()))
        }
    }

    /// The fuel left. Fails unless the engine meters fuel.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.inner
            .opaque
            .meter
            .fuel()
            .ok_or_else(|| Error::Limit("fuel is not enabled: set `Config::consume_fuel`".into()))
    }

    /// Moves the fuel left into a pool this store draws from, for other stores to share
    /// (`use_fuel_pool`): the threads of one guest then have one fuel quota between them.
    /// Fails unless the engine meters fuel.
    pub fn share_fuel(&mut self) -> Result<crate::FuelPool, Error> {
        self.inner
            .opaque
            .meter
            .share_fuel()
            .ok_or_else(|| Error::Limit("fuel is not enabled: set `Config::consume_fuel`".into()))
    }

    /// Makes the store draw its fuel from `pool` (from another store's `share_fuel`) instead of
    /// its own. Fails unless the engine meters fuel.
    pub fn use_fuel_pool(&mut self, pool: &crate::FuelPool) -> Result<(), Error> {
        if self.inner.opaque.meter.use_fuel_pool(pool) {
            Ok(())
        } else {
            Err(Error::Limit("fuel is not enabled: set `Config::consume_fuel`".into()))
        }
    }

    /// Guests running later than `timeout` from now trap ("timeout quota exceeded"); `None`
    /// removes the deadline. Fails unless the engine is interruptible (`Config::interruptible`).
    pub fn set_timeout(&mut self, timeout: Option<std::time::Duration>) -> Result<(), Error> {
        if self.inner.opaque.meter.set_timeout(timeout) {
            Ok(())
        } else {
            Err(Error::Limit(
                "deadlines need an interruptible engine: set `Config::interruptible`".into(),
            ))
        }
    }

    /// A handle that stops this store's running guest from another thread. Fails unless the
    /// engine is interruptible (`Config::interruptible`).
    pub fn interrupt_handle(&self) -> Result<InterruptHandle, Error> {
        self.inner.opaque.meter.interrupt_handle().ok_or_else(|| {
            Error::Limit(
                "interrupts need an interruptible engine: set `Config::interruptible`".into(),
            )
        })
    }

    /// The trap that must stop the guest now, if the store's deadline has passed or an
    /// interrupt was asked for and no check took it: a run that returned after its deadline
    /// (its last check came just before) is still a run past its deadline, and a command-line
    /// host reports it as one rather than as a success.
    pub fn check_stop(&mut self) -> Result<(), crate::trap::Trap> {
        self.inner.opaque.meter.stop().map_or(Ok(()), Err)
    }

    /// Sets the store's quotas on memories, tables and instances. They apply to what is created
    /// or grown from now on.
    pub fn set_limits(&mut self, limits: StoreLimits) {
        self.inner.opaque.usage.limits = limits;
    }

    /// The exception WebAssembly threw that no handler caught (the call that returned the trap
    /// [`TrapCode::UncaughtException`](crate::TrapCode) left it here), taking it: its tag and
    /// payload can be inspected, and it can be thrown again.
    pub fn take_pending_exception(&mut self) -> Option<crate::ExnRef> {
        crate::exnref::take_pending(&mut self.inner.opaque)
    }

    /// Throws `exn`: the trap to return from a host function (or to pass along) so that the
    /// exception unwinds into the WebAssembly code that called it.
    pub fn throw(&mut self, exn: &crate::ExnRef) -> crate::Trap {
        crate::exnref::throw(&mut self.inner.opaque, exn)
    }

    /// Collects the store's garbage-collected heap now: every object nothing reaches any more
    /// (cycles included) is freed, and the heap may shrink. Nothing happens before the first
    /// allocation.
    pub fn gc(&mut self) {
        crate::gc::collect(&mut self.inner.opaque);
    }

    /// The counters of the store's garbage-collected heap: collections, bytes allocated, bytes
    /// live after the last collection, the heap's size and the pauses (all zero before the
    /// first allocation).
    pub fn gc_stats(&self) -> silo_gc::GcStats {
        self.inner.opaque.gc.heap().map(|h| h.stats()).unwrap_or_default()
    }

    /// Limits how many WebAssembly calls may be active at once, below the engine's
    /// `Config::max_call_depth`; going deeper is the "call stack exhausted" trap, naming the quota.
    pub fn set_max_call_depth(&mut self, depth: u64) {
        self.inner.opaque.exec.set_depth_quota(depth);
        self.inner.opaque.call_depth.limit = depth.max(1);
    }

    /// The last quota that refused something in this store, if any: what a guest that failed
    /// to grow its memory ran into.
    pub fn last_quota_hit(&self) -> Option<&QuotaHit> {
        self.inner.opaque.usage.last_hit.as_ref()
    }
}

impl<T> std::fmt::Debug for Store<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("id", &self.inner.opaque.id).finish_non_exhaustive()
    }
}

/// A shared borrow of a store.
pub struct StoreContext<'a, T>(pub(crate) &'a StoreInner<T>);

// A shared borrow can be copied whatever the host data is (a derive would ask `T: Copy`).
impl<T> Clone for StoreContext<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for StoreContext<'_, T> {}

/// A mutable borrow of a store.
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut StoreInner<T>);

impl<T> StoreContext<'_, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        &self.0.data
    }

    pub(crate) fn opaque(&self) -> &StoreOpaque {
        &self.0.opaque
    }
}

impl<T> StoreContextMut<'_, T> {
    /// The host data.
    pub fn data(&self) -> &T {
        &self.0.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.0.data
    }

    /// The last quota that refused something in this store, if any (as
    /// [`Store::last_quota_hit`], also from inside a host call).
    pub fn last_quota_hit(&self) -> Option<&QuotaHit> {
        self.0.opaque.usage.last_hit.as_ref()
    }

    pub(crate) fn opaque(&self) -> &StoreOpaque {
        &self.0.opaque
    }

    pub(crate) fn opaque_mut(&mut self) -> &mut StoreOpaque {
        &mut self.0.opaque
    }
}

/// Something that can lend a store for reading: a `Store`, a `Caller`, or a context.
pub trait AsContext {
    /// The host data type.
    type Data;
    /// Borrows the store.
    fn as_context(&self) -> StoreContext<'_, Self::Data>;
}

/// Something that can lend a store for writing.
pub trait AsContextMut: AsContext {
    /// Borrows the store mutably.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(&self.inner)
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(&mut self.inner)
    }
}

impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}

impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.0)
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}

/// What a host function sees of its caller: the store, and the instance whose code made the call.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut StoreInner<T>,
    pub(crate) instance: Option<NonNull<InstanceData>>,
}

impl<'a, T> Caller<'a, T> {
    /// Recovers the typed store from the pointer the interpreter passes to host functions.
    ///
    /// # Safety
    /// `store` must point to a live `StoreInner<T>` (with whole-store provenance) that nothing
    /// else is using for the duration of `'a`.
    pub(crate) unsafe fn from_raw(
        store: *mut StoreOpaque,
        instance: Option<NonNull<InstanceData>>,
    ) -> Caller<'a, T> {
        // SAFETY: the caller guarantees `store` is a `StoreInner<T>` that is ours for `'a`; the
        // opaque part is its first field of a `repr(C)` struct, so the cast is exact.
        Caller { store: unsafe { &mut *store.cast::<StoreInner<T>>() }, instance }
    }

    /// The host data.
    pub fn data(&self) -> &T {
        &self.store.data
    }

    /// The host data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.store.data
    }

    /// An export of the calling instance (WASI reads the guest's `memory` this way).
    pub fn get_export(&mut self, name: &str) -> Option<crate::Extern> {
        let instance = Instance::from_raw(self.store.opaque.id, self.instance?);
        instance.get_export(&mut *self, name)
    }

    /// The engine of the store.
    pub fn engine(&self) -> &Engine {
        &self.store.opaque.engine
    }

    /// The fuel left. Fails unless the engine meters fuel.
    pub fn get_fuel(&self) -> Result<u64, Error> {
        self.store
            .opaque
            .meter
            .fuel()
            .ok_or_else(|| Error::Limit("fuel is not enabled: set `Config::consume_fuel`".into()))
    }

    /// The instance whose code made this call, if WebAssembly made it.
    pub fn instance(&self) -> Option<Instance> {
        Some(Instance::from_raw(self.store.opaque.id, self.instance?))
    }

    /// The state of the run that made this call, stopped at it (see
    /// [`ExecState`](crate::ExecState)): its interpreted frames, and its native ones when the
    /// engine keeps their records (`Config::native_checkpoints`). An error when there is none to
    /// take: native code without records, a run nested in a call from the host, a module of the
    /// exceptions proposal, a frame holding an object of the garbage-collected heap (see
    /// [`execution_state_with_heap`](Self::execution_state_with_heap)) or a host value.
    pub fn execution_state(&self) -> Result<crate::ExecState, Error> {
        let mut heap = crate::HeapCapture::new();
        let state = self.execution_state_with_heap(&mut heap)?;
        if !heap.is_empty() {
            return Err(Error::Unsupported(
                "the run's frames hold objects of the garbage-collected heap: take them with                  `execution_state_with_heap`"
                    .into(),
            ));
        }
        Ok(state)
    }

    /// As [`execution_state`](Self::execution_state); objects of the garbage-collected heap in
    /// the frames are named in `heap`, the heap image the state goes with (finish it with the
    /// globals' and tables' objects named too: `HeapCapture::finish`).
    pub fn execution_state_with_heap(
        &self,
        heap: &mut crate::HeapCapture,
    ) -> Result<crate::ExecState, Error> {
        // SAFETY: the store is live and ours for the call; the run that called us is suspended
        // in this host call.
        unsafe { crate::interp::exec::capture(&self.store.opaque, heap) }
            .map_err(Error::Unsupported)
    }

    /// Throws `exn` from this host function: return the trap, and the exception unwinds into
    /// the WebAssembly code that called it, where a handler may catch it.
    pub fn throw(&mut self, exn: &crate::ExnRef) -> crate::Trap {
        crate::exnref::throw(&mut self.store.opaque, exn)
    }

    /// The exception a WebAssembly function this host function called threw and nothing caught
    /// (the call returned [`TrapCode::UncaughtException`](crate::TrapCode)), taking it.
    pub fn take_pending_exception(&mut self) -> Option<crate::ExnRef> {
        crate::exnref::take_pending(&mut self.store.opaque)
    }

    /// When the store's deadline passes, if it has one: a host function that blocks (a WASI
    /// sleep) should not block past it, so the guest stops on time.
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.store.opaque.meter.deadline()
    }

    /// The store's interrupt handle, if it is interruptible (`Config::interruptible`): a host
    /// function that blocks watches it ([`InterruptHandle::is_interrupted`]) to give up in time.
    pub fn interrupt_handle(&self) -> Option<InterruptHandle> {
        self.store.opaque.meter.interrupt_handle()
    }

    /// The trap that must stop the guest now, if its deadline has passed or an interrupt was
    /// asked for: what a host function returns after giving up a blocking wait, and what it
    /// checks before reporting an exit, so that a guest past its deadline never ends as a
    /// success.
    pub fn check_stop(&mut self) -> Result<(), crate::trap::Trap> {
        self.store.opaque.meter.stop().map_or(Ok(()), Err)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.store)
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.store)
    }
}

impl<'a, T> From<&'a Store<T>> for StoreContext<'a, T> {
    fn from(store: &'a Store<T>) -> Self {
        StoreContext(&store.inner)
    }
}

impl<'a, T> From<&'a mut Store<T>> for StoreContext<'a, T> {
    fn from(store: &'a mut Store<T>) -> Self {
        StoreContext(&store.inner)
    }
}

impl<'a, T> From<&'a mut Store<T>> for StoreContextMut<'a, T> {
    fn from(store: &'a mut Store<T>) -> Self {
        StoreContextMut(&mut store.inner)
    }
}

impl<'a, T> From<&'a Caller<'_, T>> for StoreContext<'a, T> {
    fn from(caller: &'a Caller<'_, T>) -> Self {
        StoreContext(caller.store)
    }
}

impl<'a, T> From<&'a mut Caller<'_, T>> for StoreContext<'a, T> {
    fn from(caller: &'a mut Caller<'_, T>) -> Self {
        StoreContext(caller.store)
    }
}

impl<'a, T> From<&'a mut Caller<'_, T>> for StoreContextMut<'a, T> {
    fn from(caller: &'a mut Caller<'_, T>) -> Self {
        StoreContextMut(caller.store)
    }
}

impl<'a, T> From<StoreContextMut<'a, T>> for StoreContext<'a, T> {
    fn from(ctx: StoreContextMut<'a, T>) -> Self {
        StoreContext(ctx.0)
    }
}

impl<'a, T> From<&'a mut StoreContextMut<'_, T>> for StoreContextMut<'a, T> {
    fn from(ctx: &'a mut StoreContextMut<'_, T>) -> Self {
        StoreContextMut(&mut *ctx.0)
    }
}
