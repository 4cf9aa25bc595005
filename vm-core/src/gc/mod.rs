//! The store's garbage-collected heap and where its roots are.
//!
//! Each store has at most one heap (`silo_gc::Heap`), created on the first allocation so that
//! stores that never allocate reserve nothing. A collection moves objects, so it must see every
//! reference anyone keeps: `roots::StoreRoots` walks the globals, tables and element segments of
//! the store's instances, the host's handles, and the interpreter frames of every active run
//! (through the slot maps the translator recorded), and the native frames on the stack (through
//! the compiler's stack maps, from where native code last called out: `vm::NativeExit`).

mod const_alloc;
mod record_roots;
mod roots;

use silo_gc::{GcError, GcRef, Heap, HeapConfig, Layout};

use crate::registry::{TypeId, TypeRegistry};

use crate::store::StoreOpaque;
use crate::trap::{Trap, TrapCode};

pub(crate) use const_alloc::GcConst;
pub(crate) use roots::{StoreRoots, visit_slot};

/// A store's garbage-collected heap, once it has one.
pub(crate) struct StoreGc {
    heap: Option<Heap>,
    /// The heap's allocation pointer and base once it exists (null before): native code reads
    /// the base and the top through it (`VMContext::gc_bump`).
    pub bump: *mut silo_gc::Bump,
    config: HeapConfig,
    /// Layouts of the object types of the store's modules, for the heap once it is created
    /// (see `define_types`).
    pending: Vec<(TypeId, Layout)>,
    /// References the host holds through the embedding API's handles (`AnyRef`, `ExternRef`).
    pub host_roots: HostRoots,
    /// The exception unwinding now, or the one that escaped to the host (see `runtime::exn`).
    pub exception: Option<GcRef>,
}

/// The references behind the embedding API's handles, a stack: a scope (a host function's call)
/// drops what was pushed during it. Pushed through a shared borrow (a value read from a global or
/// a call's results gets a handle), so behind a lock.
#[derive(Default)]
pub(crate) struct HostRoots(std::sync::Mutex<RootStack>);

#[derive(Default)]
pub(crate) struct RootStack {
    /// Each root and the generation it was pushed in.
    roots: Vec<(GcRef, u32)>,
    /// The generation of the next push: a handle whose slot was dropped and reused by a later
    /// push no longer matches, and reads as null.
    next: u32,
}

/// A handle's place in the host roots: its index and the generation it was pushed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Root {
    index: u32,
    generation: u32,
}

impl HostRoots {
    fn lock(&self) -> std::sync::MutexGuard<'_, RootStack> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Roots `r`; returns its handle.
    pub fn push(&self, r: GcRef) -> Root {
        let mut stack = self.lock();
        let generation = stack.next;
        stack.next = stack.next.wrapping_add(1);
        stack.roots.push((r, generation));
        Root { index: (stack.roots.len() - 1) as u32, generation }
    }

    /// How many roots there are.
    pub fn len(&self) -> usize {
        self.lock().roots.len()
    }

    /// Drops the roots pushed since there were `len`: their handles read as null from now on.
    pub fn truncate(&self, len: usize) {
        self.lock().roots.truncate(len);
    }

    /// The reference behind `root`; null when its scope has ended.
    pub fn get(&self, root: Root) -> GcRef {
        match self.lock().roots.get(root.index as usize) {
            Some(&(r, generation)) if generation == root.generation => r,
            _ => GcRef::NULL,
        }
    }

    /// The reference at `index`, for the runtime's own short-lived roots.
    pub fn at(&self, index: usize) -> GcRef {
        self.lock().roots.get(index).map_or(GcRef::NULL, |&(r, _)| r)
    }

    pub(crate) fn trace(&mut self, visit: &mut dyn FnMut(&mut GcRef)) {
        let stack = self.0.get_mut().unwrap_or_else(|e| e.into_inner());
        stack.roots.iter_mut().for_each(|(r, _)| visit(r));
    }
}

impl StoreGc {
    pub fn new(config: HeapConfig) -> StoreGc {
        StoreGc {
            heap: None,
            bump: std::ptr::null_mut(),
            config,
            pending: Vec::new(),
            host_roots: HostRoots::default(),
            exception: None,
        }
    }

    /// The heap, if anything was ever allocated.
    pub fn heap(&self) -> Option<&Heap> {
        self.heap.as_ref()
    }

    /// The heap, if anything was ever allocated, to change.
    pub fn existing_heap_mut(&mut self) -> Option<&mut Heap> {
        self.heap.as_mut()
    }

    /// The heap, created on first use.
    pub fn heap_mut(&mut self) -> Result<&mut Heap, Trap> {
        create_heap(&mut self.heap, &mut self.bump, self.config, &mut self.pending)
    }

    /// Gives the heap the layouts of the struct and array types among `ids` (a module's
    /// canonical types), now if it exists, otherwise when it is created. Native code allocates
    /// inline, without asking the runtime, so the collector must know a type before its first
    /// object exists.
    pub fn define_types(&mut self, registry: &TypeRegistry, ids: &[TypeId]) {
        for &id in ids {
            let Some(layout) = crate::runtime::gc::layout_of(registry, id) else { continue };
            match &mut self.heap {
                Some(heap) => {
                    if heap.layout(id.0).is_none() {
                        heap.define(id.0, layout);
                    }
                }
                None => {
                    if !self.pending.iter().any(|(p, _)| *p == id) {
                        self.pending.push((id, layout));
                    }
                }
            }
        }
    }
}

/// The heap in `heap`, created now if there is none (and its allocation pointer published in
/// `bump`).
fn create_heap<'a>(
    heap: &'a mut Option<Heap>,
    bump: &mut *mut silo_gc::Bump,
    config: HeapConfig,
    pending: &mut Vec<(TypeId, Layout)>,
) -> Result<&'a mut Heap, Trap> {
    if heap.is_none() {
        let mut created = Heap::new(config).map_err(gc_trap)?;
        for (id, layout) in pending.drain(..) {
            created.define(id.0, layout);
        }
        *bump = created.bump_ptr();
        *heap = Some(created);
    }
    Ok(heap.as_mut().expect("created above"))
}

/// The trap for a failed allocation: the quota message, or what went wrong.
pub(crate) fn gc_trap(e: GcError) -> Trap {
    Trap::with_message(TrapCode::ResourceLimit, e.to_string())
}

/// Collects the store's heap now, if it has one.
pub(crate) fn collect(store: &mut StoreOpaque) {
    if store.gc.heap().is_some() {
        let _ = with_heap(store, |heap, roots| heap.collect(roots));
    }
}

/// Runs `f` with the store's heap and a root set over everything else in the store, so that `f`
/// may allocate (and so collect).
pub(crate) fn with_heap<R>(
    store: &mut StoreOpaque,
    f: impl FnOnce(&mut Heap, &mut StoreRoots<'_>) -> R,
) -> Result<R, Trap> {
    let StoreOpaque {
        gc,
        exec,
        globals,
        tables,
        instances,
        engine,
        native_exit,
        usage,
        deopt_top,
        ..
    } = store;
    let StoreGc { heap, bump, config, pending, host_roots, exception } = gc;
    let heap = create_heap(heap, bump, *config, pending)?;
    // The heap grows within what the total-memory quota leaves; the total counts what it holds.
    heap.set_budget(usage.gc_budget());
    let mut roots = StoreRoots {
        host: host_roots,
        exception,
        exec,
        globals,
        tables,
        instances,
        registry: &engine.inner.registry,
        native: engine.inner.config.compiler.as_deref().map(|c| (c, &*native_exit)),
        records: *deopt_top,
    };
    let result = f(heap, &mut roots);
    usage.gc_heap_bytes = heap.stats().heap_bytes;
    Ok(result)
}
