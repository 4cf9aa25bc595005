//! Instances and instantiation.
//!
//! `InstanceData` is the per-instance context both tiers read: the instance's function, memory,
//! table and global index spaces as pointers into the store (imports and definitions alike), and
//! its element and data segments. Instantiation follows the spec's order: check imports, create
//! the definitions, apply element then data segments (a failing segment traps, and what earlier
//! ones wrote stays written), then run the start function.

use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};

use silo_loader::{DataMode, ElemItems, ElemMode, EntityType, ExternKind, TableType, ValType};

use crate::const_eval::{self, GcConst};
use crate::error::Error;
use crate::externals::Extern;
use crate::func::{Func, FuncEntity, FuncKind};
use crate::global::{Global, GlobalEntity};
use crate::memory::{Memory, MemoryEntity};
use crate::memory_image::MemoryImage;
use crate::module::Module;
use crate::registry::{TypeId, TypeRegistry, canonical_val};
use crate::runtime::call::invoke;
use crate::store::{AsContext, AsContextMut, StoreId, StoreOpaque};
use crate::table::{Table, TableEntity};
use crate::tag::TagEntity;
use crate::trap::{Trap, TrapCode};
use crate::typed::{TypedFunc, WasmParams, WasmResults};
use crate::vm::{BUILTINS, VMContext};

/// The context of one instance, shared by both tiers.
pub(crate) struct InstanceData {
    pub store: StoreId,
    pub module: Module,
    /// The function index space: imported functions, then this instance's own.
    pub funcs: Box<[*const FuncEntity]>,
    pub memories: Box<[*mut MemoryEntity]>,
    pub tables: Box<[*mut TableEntity]>,
    pub globals: Box<[*mut GlobalEntity]>,
    /// The tag index space: imported tags, then this instance's own.
    pub tags: Box<[*const TagEntity]>,
    /// The functions this instance defines (the `funcs` entries past the imports point here).
    pub defined_funcs: Box<[FuncEntity]>,
    /// Element segments, resolved to raw references; a dropped segment is empty.
    pub elems: Box<[Box<[u64]>]>,
    /// Whether each data segment has been dropped.
    pub data_dropped: Box<[bool]>,
    /// What native code sees of the instance; filled in once the instance is complete.
    pub vmctx: VMContext,
}

/// An instantiated module in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    store: StoreId,
    ptr: NonNull<InstanceData>,
}

// SAFETY: a handle: its pointer is only dereferenced together with the store it belongs to (checked
// by id), under that store's borrow, so sending it to another thread gives that thread nothing it
// can reach without the store.
unsafe impl Send for Instance {}
// SAFETY: a `&Instance` only lets other threads copy the handle; reaching the instance takes a borrow
// of its store, as for `Send`.
unsafe impl Sync for Instance {}

impl Instance {
    pub(crate) fn from_raw(store: StoreId, ptr: NonNull<InstanceData>) -> Instance {
        Instance { store, ptr }
    }

    /// Instantiates `module` with `imports`, given in the order of the module's imports.
    pub fn new(
        store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        Instance::create(store, module, imports, true)
    }

    /// Instantiates `module` with `imports` without running its start function: for an instance
    /// whose state is about to be replaced by a checkpoint's, where the start function already
    /// ran (its effects are in the state restored; running it again would repeat them).
    pub fn new_without_start(
        store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        Instance::create(store, module, imports, false)
    }

    /// As [`Instance::new_without_start`], each memory `i` of the module's own starting as
    /// `memory_images[i]` when given (index by the memory index space; entries for imported
    /// memories must be `None`): at the image's size (at least the type's minimum, at most its
    /// maximum) and mapped from it copy-on-write where that works, otherwise zero at that size.
    /// Active data segments are not written into such a memory (they must still fit in it): its
    /// contents are the image's, or its caller's to write. For guests started from a checkpoint's
    /// memory images (forks): a memory reused from the engine's pool that last held the same
    /// image costs no mapping at all.
    pub fn new_from_images(
        store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
        memory_images: &[Option<&MemoryImage>],
    ) -> Result<Instance, Error> {
        if let Some(i) = memory_images
            .iter()
            .take(module.info().num_imported.memories as usize)
            .position(Option::is_some)
        {
            return Err(Error::Link(format!(
                "memory {i} is imported: it cannot start as an image"
            )));
        }
        Instance::create_with(store, module, imports, false, memory_images)
    }

    fn create(
        store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
        run_start: bool,
    ) -> Result<Instance, Error> {
        Instance::create_with(store, module, imports, run_start, &[])
    }

    fn create_with(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
        run_start: bool,
        memory_images: &[Option<&MemoryImage>],
    ) -> Result<Instance, Error> {
        let ctx = store.as_context_mut();
        let raw = ctx.0.opaque_ptr();
        // SAFETY: `raw` is the whole store, exclusively borrowed through `ctx` for this call.
        let ptr = unsafe { instantiate(raw, module, imports, run_start, memory_images)? };
        Ok(Instance { store: ctx.opaque().id, ptr })
    }

    pub(crate) fn data_of<'a>(&self, store: &'a StoreOpaque) -> &'a InstanceData {
        self.store.assert_same(store.id);
        // SAFETY: the instance belongs to this store (checked), which keeps it alive and in place
        // in its arena; the shared borrow of the store for `'a` keeps anything from writing it
        // meanwhile.
        unsafe { self.ptr.as_ref() }
    }

    pub(crate) fn data_of_mut<'a>(&self, store: &'a mut StoreOpaque) -> &'a mut InstanceData {
        self.store.assert_same(store.id);
        // SAFETY: as in `data_of`; the exclusive borrow of the store for `'a` makes this the only
        // access to the instance meanwhile (no Wasm of this store runs while it is borrowed).
        unsafe { &mut *self.ptr.as_ptr() }
    }

    /// The module this instance was made from.
    pub fn module(&self, store: impl AsContext) -> Module {
        self.data_of(store.as_context().opaque()).module.clone()
    }

    /// The export with this name.
    pub fn get_export(&self, store: impl AsContext, name: &str) -> Option<Extern> {
        let ctx = store.as_context();
        let data = self.data_of(ctx.opaque());
        let export = data.module.info().export(name)?;
        Some(data.export(export.kind, export.index))
    }

    /// All exports, by name, in declaration order.
    pub fn exports(&self, store: impl AsContext) -> Vec<(String, Extern)> {
        let ctx = store.as_context();
        let data = self.data_of(ctx.opaque());
        data.module
            .info()
            .exports
            .iter()
            .map(|e| (e.name.clone(), data.export(e.kind, e.index)))
            .collect()
    }

    /// The exported function with this name.
    pub fn get_func(&self, store: impl AsContext, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported function with this name, checked against a static signature.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        let ctx = store.as_context();
        let func = self
            .get_func(ctx, name)
            .ok_or_else(|| Error::Link(format!("no exported function named `{name}`")))?;
        func.typed(ctx)
    }

    /// The exported memory with this name.
    pub fn get_memory(&self, store: impl AsContext, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported global with this name.
    pub fn get_global(&self, store: impl AsContext, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported table with this name.
    pub fn get_table(&self, store: impl AsContext, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
}

impl InstanceData {
    pub(crate) fn export(&self, kind: ExternKind, index: u32) -> Extern {
        let i = index as usize;
        let store = self.store;
        // The pointers are non-null: every index-space entry is set before the instance is
        // visible. Tags are not instantiable yet (modules using them are rejected at compile time).
        match kind {
            ExternKind::Func => {
                Extern::Func(Func { store, ptr: nonnull(self.funcs[i].cast_mut()) })
            }
            ExternKind::Table => Extern::Table(Table { store, ptr: nonnull(self.tables[i]) }),
            ExternKind::Memory => Extern::Memory(Memory { store, ptr: nonnull(self.memories[i]) }),
            ExternKind::Global => Extern::Global(Global { store, ptr: nonnull(self.globals[i]) }),
            ExternKind::Tag => {
                Extern::Tag(crate::tag::Tag { store, ptr: nonnull(self.tags[i].cast_mut()) })
            }
        }
    }
}

fn nonnull<T>(p: *mut T) -> NonNull<T> {
    NonNull::new(p).expect("instance index spaces hold no null entries")
}

/// Describes an import for messages: `module::name`.
fn import_name(import: &silo_loader::Import) -> String {
    format!("`{}::{}`", import.module, import.name)
}

fn limits_match(
    actual_min: u64,
    actual_max: Option<u64>,
    want_min: u64,
    want_max: Option<u64>,
) -> bool {
    actual_min >= want_min
        && match want_max {
            None => true,
            Some(w) => actual_max.is_some_and(|a| a <= w),
        }
}

/// Checks one import against what the module asks for.
fn check_import(
    store: &StoreOpaque,
    module: &Module,
    import: &silo_loader::Import,
    provided: &Extern,
) -> Result<(), Error> {
    let registry: &TypeRegistry = &store.engine.inner.registry;
    let type_ids = &module.inner.type_ids;
    let mismatch = |what: String| {
        Error::Link(format!("incompatible import type for {}: {what}", import_name(import)))
    };
    match (&import.ty, provided) {
        (EntityType::Func(ty), Extern::Func(f)) => {
            let want = type_ids[*ty as usize];
            let have = f.entity(store).sig;
            let matches = if import.exact { have == want } else { registry.is_subtype(have, want) };
            if !matches {
                let expected = module.info().func_type(*ty).cloned().unwrap_or_default();
                return Err(mismatch(format!("expected {expected}, found {}", f.ty_in(store))));
            }
        }
        (EntityType::Table(want), Extern::Table(t)) => {
            t.store.assert_same(store.id);
            // SAFETY: the table is this store's (checked), alive and in place.
            let t = unsafe { t.ptr.as_ref() };
            let want_elem = canonical_val(ValType::Ref(want.element), type_ids);
            let have_elem = ValType::Ref(t.ty.element);
            let elem_eq = registry.val_is_subtype(have_elem, want_elem)
                && registry.val_is_subtype(want_elem, have_elem);
            let size = t.elements().len() as u64;
            if !elem_eq
                || t.ty.index64 != want.index64
                || !limits_match(size, t.ty.maximum, want.initial, want.maximum)
            {
                return Err(mismatch(format!(
                    "expected table of {} ({}..{:?}), found {} ({}..{:?})",
                    want.element, want.initial, want.maximum, t.ty.element, size, t.ty.maximum
                )));
            }
        }
        (EntityType::Memory(want), Extern::Memory(m)) => {
            m.store.assert_same(store.id);
            // SAFETY: the memory is this store's (checked), alive and in place.
            let m = unsafe { m.ptr.as_ref() };
            let pages = m.pages();
            if m.ty.index64 != want.index64
                || m.ty.shared != want.shared
                || m.ty.page_size() != want.page_size()
                || !limits_match(pages, m.ty.maximum, want.initial, want.maximum)
            {
                return Err(mismatch(format!(
                    "expected memory of {}..{:?} pages, found {}..{:?}",
                    want.initial, want.maximum, pages, m.ty.maximum
                )));
            }
        }
        (EntityType::Global(want), Extern::Global(g)) => {
            g.store.assert_same(store.id);
            // SAFETY: the global is this store's (checked), alive and in place.
            let g = unsafe { g.ptr.as_ref() };
            let want_ty = canonical_val(want.content, type_ids);
            let ok = g.ty.mutable == want.mutable
                && registry.val_is_subtype(g.ty.content, want_ty)
                && (!want.mutable || registry.val_is_subtype(want_ty, g.ty.content));
            if !ok {
                let m = |b: bool| if b { "mut " } else { "" };
                return Err(mismatch(format!(
                    "expected global {}{}, found global {}{}",
                    m(want.mutable),
                    want.content,
                    m(g.ty.mutable),
                    g.ty.content
                )));
            }
        }
        (EntityType::Tag(want), Extern::Tag(t)) => {
            let tag = t.entity(store);
            let want_sig = type_ids[want.func_type as usize];
            if tag.sig != want_sig {
                let expected = module.info().func_type(want.func_type).cloned().unwrap_or_default();
                return Err(mismatch(format!("expected tag {expected}, found tag {}", tag.ty)));
            }
        }
        (want, got) => {
            return Err(mismatch(format!("expected {}, found {}", want.kind(), got.kind_name())));
        }
    }
    Ok(())
}

/// Instantiates a module in a store.
///
/// # Safety
/// `store` must point to a whole, live `StoreInner<T>` that the caller borrows exclusively for the
/// duration of the call (the start function runs with it).
pub(crate) unsafe fn instantiate(
    store: *mut StoreOpaque,
    module: &Module,
    imports: &[Extern],
    run_start: bool,
    memory_images: &[Option<&MemoryImage>],
) -> Result<NonNull<InstanceData>, Error> {
    // SAFETY: `store` is the whole live store, lent exclusively for this call (this function's
    // contract), so this is the only reference into it; it is not used once the start function
    // runs, which gets `store` itself.
    let opaque = unsafe { &mut *store };
    if !crate::engine::Engine::same(&opaque.engine, &module.inner.engine) {
        return Err(Error::Link("module was compiled for a different engine".into()));
    }
    let info = module.info();
    if imports.len() != info.imports.len() {
        return Err(Error::Link(format!(
            "expected {} imports, found {}",
            info.imports.len(),
            imports.len()
        )));
    }
    let mut funcs = Vec::with_capacity(info.funcs.len());
    let mut memories = Vec::with_capacity(info.memories.len());
    let mut tables = Vec::with_capacity(info.tables.len());
    let mut globals = Vec::with_capacity(info.globals.len());
    let mut tags = Vec::with_capacity(info.tags.len());
    for (import, provided) in info.imports.iter().zip(imports) {
        check_import(opaque, module, import, provided)?;
        match provided {
            Extern::Func(f) => funcs.push(f.ptr.as_ptr().cast_const()),
            Extern::Memory(m) => memories.push(m.ptr.as_ptr()),
            Extern::Table(t) => tables.push(t.ptr.as_ptr()),
            Extern::Global(g) => globals.push(g.ptr.as_ptr()),
            Extern::Tag(t) => tags.push(t.ptr.as_ptr().cast_const()),
        }
    }

    let type_ids: &[TypeId] = &module.inner.type_ids;
    let num_imported = info.num_imported;
    let data = InstanceData {
        store: opaque.id,
        module: module.clone(),
        funcs: Box::new([]),
        memories: Box::new([]),
        tables: Box::new([]),
        globals: Box::new([]),
        tags: Box::new([]),
        defined_funcs: Box::new([]),
        elems: Box::new([]),
        data_dropped: vec![false; info.datas.len()].into(),
        vmctx: VMContext::empty(),
    };
    opaque.usage.instance_created()?;
    // The collector must know every object type before code can allocate one inline.
    opaque.gc.define_types(&opaque.engine.inner.registry, &module.inner.type_ids);
    let mut ptr = opaque.instances.alloc(data);
    // SAFETY: freshly allocated in the store's arena and not shared yet.
    let inst = unsafe { ptr.as_mut() };

    // Functions: entities for this instance's own functions, then the full index space.
    let vmctx = &raw mut inst.vmctx;
    let native = &module.inner.native;
    inst.defined_funcs = (0..info.num_defined_funcs())
        .map(|def| {
            let func_index = num_imported.funcs + def;
            FuncEntity {
                sig: type_ids[info.funcs[func_index as usize] as usize],
                code: AtomicPtr::new(native[def as usize].load(Ordering::Acquire)),
                vmctx,
                kind: FuncKind::Wasm { instance: ptr, def_index: def, func_index },
            }
        })
        .collect();
    funcs.extend(inst.defined_funcs.iter().map(|f| f as *const FuncEntity));
    inst.funcs = funcs.into();

    // Globals, in order: an initializer may read imported globals and earlier ones.
    for (def, init) in info.global_inits.iter().enumerate() {
        let mut ty = info.globals[num_imported.globals as usize + def];
        ty.content = canonical_val(ty.content, type_ids);
        // SAFETY: `globals` holds the imported globals, which `check_import` asserted are this
        // store's (kept alive and in place by it), and the ones just allocated in its arena;
        // nothing writes them while the initializer is evaluated.
        let [value, high] = unsafe {
            if ty.content == ValType::V128 {
                const_eval::eval_v128(init, &globals)?
            } else {
                let mut gc = GcConst { store: &raw mut *opaque, type_ids };
                [const_eval::eval(init, &inst.funcs, &globals, Some(&mut gc))?, 0]
            }
        };
        globals.push(opaque.globals.alloc(GlobalEntity { value, high, ty }).as_ptr());
    }
    inst.globals = globals.into();
    let eval = |expr, inst: &InstanceData, opaque: &mut StoreOpaque| {
        let mut gc = GcConst { store: opaque, type_ids };
        // SAFETY: `inst.globals` now holds every global of the instance, all of this store (the
        // imported ones checked by `check_import`, the others allocated in its arena above), alive
        // and in place; nothing writes them while an expression is evaluated.
        unsafe { const_eval::eval(expr, &inst.funcs, &inst.globals, Some(&mut gc)) }
    };

    for (def, init) in info.table_inits.iter().enumerate() {
        let ty = info.tables[num_imported.tables as usize + def];
        let ty = TableType {
            element: match canonical_val(ValType::Ref(ty.element), type_ids) {
                ValType::Ref(r) => r,
                _ => ty.element,
            },
            ..ty
        };
        let init = match init {
            Some(expr) => eval(expr, inst, opaque)?,
            None => 0,
        };
        opaque.usage.table_created(ty.initial)?;
        tables.push(opaque.tables.alloc(TableEntity::new(ty, init)?).as_ptr());
    }
    inst.tables = tables.into();

    // Which of the instance's memories start as the module's data image (their active
    // segments are then in place already).
    let images = module.inner.data_images().filter(|_| memory_images.is_empty());
    let mut from_image = vec![false; info.memories.len()];
    // Memories the caller starts from images of its own: their contents are the caller's.
    let mut caller_image = vec![false; info.memories.len()];
    for (def, ty) in info.memories[num_imported.memories as usize..].iter().enumerate() {
        if ty.shared {
            let memory = opaque.new_shared_memory(*ty)?;
            // SAFETY: the store just attached the shared memory, which keeps it alive.
            opaque.usage.memory_created(unsafe { memory.as_ref() }.len() as u64)?;
            memories.push(memory.as_ptr());
            continue;
        }
        let index = memories.len();
        let given = memory_images.get(index).copied().flatten();
        caller_image[index] = given.is_some();
        let image = given.or_else(|| images.and_then(|i| i.get(def)?.as_ref()).map(|i| &i.image));
        let memory = MemoryEntity::new_pooled(
            *ty,
            opaque.engine.config().memory_guard(),
            Some(&opaque.engine.inner.reservations),
            image,
        )?;
        from_image[index] = given.is_none()
            && image
                .is_some_and(|i| memory.image() == Some(crate::memory_pool::MappedImage::of(i)));
        opaque.usage.memory_created(memory.len() as u64)?;
        memories.push(opaque.memories.alloc(memory).as_ptr());
    }
    inst.memories = memories.into();

    for &ty in &info.tags[num_imported.tags as usize..] {
        let sig = type_ids[ty as usize];
        let decl = info.func_type(ty).cloned().unwrap_or_default();
        tags.push(crate::tag::new_entity(opaque, sig, decl).ptr.as_ptr().cast_const());
    }
    inst.tags = tags.into();
    // SAFETY: `store` is the whole live store; these are addresses of its fields, which stay in
    // place while the store lives.
    let (budget, stack_limit, call_depth, native_exit, deopt_top, gc_bump) = unsafe {
        (
            &raw mut (*store).meter.budget,
            &raw mut (*store).native_stack_limit,
            &raw mut (*store).call_depth,
            &raw mut (*store).native_exit,
            &raw mut (*store).deopt_top,
            &raw const (*store).gc.bump,
        )
    };
    // Native code's fast path for memory 0: its base when it is a 32-bit memory.
    let memory0_base = match inst.memories.first() {
        // SAFETY: `inst.memories` holds memories of this store only: the imported ones passed
        // `check_import` (which asserts they are this store's) and the others were just allocated
        // in its arena; the store keeps every memory alive and at its address.
        Some(&m) => unsafe { if (*m).ty.index64 { std::ptr::null_mut() } else { (*m).base } },
        None => std::ptr::null_mut(),
    };
    inst.vmctx = VMContext {
        store,
        instance: ptr.as_ptr(),
        builtins: &BUILTINS,
        funcs: inst.funcs.as_ptr(),
        memories: inst.memories.as_ptr(),
        tables: inst.tables.as_ptr(),
        globals: inst.globals.as_ptr(),
        tags: inst.tags.as_ptr(),
        type_ids: module.inner.type_ids.as_ptr(),
        native: module.inner.native.as_ptr(),
        budget,
        stack_limit,
        call_depth,
        native_exit,
        deopt_top,
        gc_bump,
        memory0: inst.memories.first().copied().unwrap_or(std::ptr::null_mut()),
        memory0_base,
    };

    // Element segments resolve to raw references now: they name this instance's functions.
    let mut elems = Vec::with_capacity(info.elems.len());
    for seg in info.elems.iter() {
        let items: Box<[u64]> = match &seg.items {
            ElemItems::Funcs(indices) => {
                indices.iter().map(|&i| inst.funcs[i as usize] as u64).collect()
            }
            ElemItems::Exprs(exprs) => {
                // Items already made stay rooted while later ones allocate.
                let seg_ty = match canonical_val(ValType::Ref(seg.ty), type_ids) {
                    ValType::Ref(r) => r,
                    _ => seg.ty,
                };
                let rooted = opaque.engine.inner.registry.is_gc_ref(seg_ty);
                let base = opaque.gc.host_roots.len();
                let mut items = Vec::with_capacity(exprs.len());
                for e in exprs.iter() {
                    let item = eval(e, inst, opaque)?;
                    if rooted {
                        opaque.gc.host_roots.push(silo_gc::GcRef::from_raw(item as u32));
                    }
                    items.push(item);
                }
                if rooted {
                    for (k, item) in items.iter_mut().enumerate() {
                        *item = u64::from(opaque.gc.host_roots.at(base + k).raw());
                    }
                    opaque.gc.host_roots.truncate(base);
                }
                items.into()
            }
        };
        elems.push(items);
    }
    inst.elems = elems.into();

    for (i, seg) in info.elems.iter().enumerate() {
        match &seg.mode {
            ElemMode::Passive => {}
            ElemMode::Declared => inst.elems[i] = Box::new([]),
            ElemMode::Active { table, offset } => {
                let offset = eval(offset, inst, opaque)?;
                // SAFETY: the instance's tables are this store's (imports checked by
                // `check_import`, the others allocated in its arena above), alive and in place;
                // the store is lent exclusively to this call and no other reference to the table
                // is live, so the `&mut` is exclusive.
                let table = unsafe { &mut *inst.tables[*table as usize] };
                let offset = if table.ty.index64 { offset } else { offset as u32 as u64 };
                let items = std::mem::take(&mut inst.elems[i]);
                let end = offset.checked_add(items.len() as u64);
                match end.filter(|&e| e <= table.elements().len() as u64) {
                    Some(end) => {
                        table.elements_mut()[offset as usize..end as usize].copy_from_slice(&items)
                    }
                    None => return Err(Trap::new(TrapCode::TableOutOfBounds).into()),
                }
            }
        }
    }

    for (i, seg) in info.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            if from_image[*memory as usize] {
                // Its bytes are the image's already (no segment can trap: `data_images`).
                inst.data_dropped[i] = true;
                continue;
            }
            let offset = eval(offset, inst, opaque)?;
            let skip = caller_image[*memory as usize];
            // SAFETY: the instance's memories are this store's (imports checked by `check_import`,
            // the others allocated in its arena or attached above), alive and in place; only
            // shared references are made, since a shared memory is used by other threads too.
            let memory = unsafe { &*inst.memories[*memory as usize] };
            let offset = if memory.ty.index64 { offset } else { offset as u32 as u64 };
            let bytes = info.data_bytes(seg);
            let end = offset.checked_add(bytes.len() as u64);
            match end.filter(|&e| e <= memory.len() as u64) {
                // In bounds; the caller's image (or the caller) provides the bytes.
                Some(_) if skip => {}
                // SAFETY: `offset..end` is below the memory's length, so committed and
                // writable, and `bytes` is the module's, outside every linear memory. Other
                // threads may use a shared memory's bytes meanwhile (a wasi-threads guest's new
                // thread instantiates the module again): those are written as guest stores are.
                Some(_) if memory.is_shared() => unsafe {
                    crate::runtime::racy::copy_in(memory.ptr_at(offset as usize), bytes)
                },
                // SAFETY: as above; no other thread can reach an unshared memory.
                Some(_) => unsafe {
                    std::ptr::copy_nonoverlapping(
                        bytes.as_ptr(),
                        memory.ptr_at(offset as usize),
                        bytes.len(),
                    )
                },
                None => return Err(Trap::new(TrapCode::MemoryOutOfBounds).into()),
            }
            inst.data_dropped[i] = true;
        }
    }

    if let Some(start) = info.start.filter(|_| run_start) {
        let func = inst.funcs[start as usize];
        // SAFETY: the caller lends us the whole store exclusively; no reference derived from
        // `opaque` or `inst` is used after this point.
        unsafe { invoke(store, None, func, &mut [])? };
    }
    Ok(ptr)
}
