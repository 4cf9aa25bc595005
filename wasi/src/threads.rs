//! `wasi-threads`: the `wasi.thread-spawn` import, so a guest's `pthread_create` runs on a new
//! host thread, as wasmtime's `-S threads` does.
//!
//! A threads guest imports its memory, shared (`env.memory`). The host makes that memory
//! ([`WasiThreads::define_memories`]) and links the guest's first instance with it; each spawn
//! makes a new store on a new host thread, with a clone of the host data (so the same
//! [`crate::WasiCtx`] world), the same quotas ([`WasiThreads::setup`]) and the same deadline,
//! instantiates the module again in it with the same memory, and calls its export
//! `wasi_thread_start(tid, start_arg)`.
//!
//! The threads of a guest end together. The first of them to end the guest — a thread that
//! traps, calls `proc_exit`, or the first thread returning from `_start` — records how it ended
//! ([`Ending`]) and interrupts every other thread (a running thread stops at its next check, a
//! sleeping one within a few milliseconds); the host asks [`WasiThreads::finish`] for the
//! guest's ending and waits for the threads to be gone. Stores must therefore be interruptible
//! (`Config::interruptible`). The thread quota ([`WasiThreads::max_threads`]) bounds the threads
//! running at once besides the first: a spawn past it returns -1, which `pthread_create`
//! reports as `EAGAIN`, and the refusal is noted for the host.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Instant;

use silo_core::{
    Caller, EntityType, Error, InterruptHandle, Linker, Module, SharedMemory, Store, Trap, TrapCode,
};

/// The module name `thread-spawn` is imported from.
pub const THREADS_MODULE: &str = "wasi";

/// The largest thread id wasi-threads allows (ids are positive and below 2^29).
const MAX_TID: u32 = 0x1FFF_FFFF;

/// Native stack of a guest thread: as much as a process's main thread usually has.
const THREAD_STACK: usize = 8 << 20;

/// How a guest ended, as the first of its threads to end it saw.
#[derive(Clone, Debug)]
pub enum Ending {
    /// A thread called `proc_exit` with this status (or the first thread returned: 0).
    Exit(i32),
    /// A thread trapped.
    Trap(Trap),
}

/// Finds the guest's threads context in the store's host data (`None` before it is made: a
/// spawn then fails).
pub type ThreadsGetter<T> = fn(&T) -> Option<&WasiThreads<T>>;

/// Prepares a new thread's store as the first one's was (quotas, fuel...).
type Setup<T> = dyn Fn(&mut Store<T>) -> Result<(), Error> + Send + Sync;

struct Guest {
    /// The interrupt handles of the threads still running, by thread id (0: the first thread).
    running: HashMap<u32, InterruptHandle>,
    ending: Option<Ending>,
    /// A spawn the thread quota refused, for the host's note.
    refused: Option<String>,
    joins: Vec<JoinHandle<()>>,
}

struct Inner<T> {
    module: Module,
    linker: Linker<T>,
    memories: Vec<(String, String, SharedMemory)>,
    setup: Box<Setup<T>>,
    max_threads: u64,
    next_tid: AtomicU32,
    guest: Mutex<Guest>,
}

/// What a guest's threads share: how to start one, and how the guest ends. Cheap to clone.
pub struct WasiThreads<T>(Arc<Inner<T>>);

impl<T> Clone for WasiThreads<T> {
    fn clone(&self) -> Self {
        WasiThreads(self.0.clone())
    }
}

impl<T> std::fmt::Debug for WasiThreads<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasiThreads").field("max_threads", &self.0.max_threads).finish()
    }
}

/// Whether `module` is a wasi-threads guest (it imports `wasi.thread-spawn`).
pub fn uses_threads(module: &Module) -> bool {
    module.imports().any(|i| i.module == THREADS_MODULE && i.name == "thread-spawn")
}

/// The shared memories `module` imports, made for it: define them in the first store's linker
/// and pass them to [`WasiThreads::new`].
pub fn define_memories<T: 'static>(
    module: &Module,
    store: &mut Store<T>,
    linker: &mut Linker<T>,
) -> Result<Vec<(String, String, SharedMemory)>, Error> {
    let mut made = Vec::new();
    for import in module.imports() {
        if let EntityType::Memory(ty) = import.ty
            && ty.shared
        {
            let memory = SharedMemory::new(module.engine(), ty)?;
            let item = memory.to_memory(&mut *store)?;
            linker.define(&mut *store, &import.module, &import.name, item)?;
            made.push((import.module.clone(), import.name.clone(), memory));
        }
    }
    Ok(made)
}

impl<T: Clone + Send + 'static> WasiThreads<T> {
    /// The threads of a guest of `module`, linked with `linker` (host functions only, including
    /// `thread-spawn` from [`add_to_linker`]) and `memories` (from [`define_memories`]); each new
    /// thread's store is prepared by `setup`; at most `max_threads` run at once besides the
    /// first.
    pub fn new(
        module: &Module,
        linker: &Linker<T>,
        memories: Vec<(String, String, SharedMemory)>,
        max_threads: u64,
        setup: impl Fn(&mut Store<T>) -> Result<(), Error> + Send + Sync + 'static,
    ) -> WasiThreads<T> {
        let guest =
            Guest { running: HashMap::new(), ending: None, refused: None, joins: Vec::new() };
        WasiThreads(Arc::new(Inner {
            module: module.clone(),
            linker: linker.clone(),
            memories,
            setup: Box::new(setup),
            max_threads,
            next_tid: AtomicU32::new(1),
            guest: Mutex::new(guest),
        }))
    }

    /// The thread quota.
    pub fn max_threads(&self) -> u64 {
        self.0.max_threads
    }

    fn guest(&self) -> MutexGuard<'_, Guest> {
        self.0.guest.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers the guest's first thread, run by the host in `store`: it is stopped with the
    /// others when a thread ends the guest.
    pub fn register_first(&self, store: &Store<T>) -> Result<(), Error> {
        let handle = store.interrupt_handle()?;
        self.guest().running.insert(0, handle);
        Ok(())
    }

    /// Ends the guest as `ending` unless a thread already did, stopping every thread.
    fn end(&self, ending: Ending) {
        let mut guest = self.guest();
        if guest.ending.is_none() {
            guest.ending = Some(ending);
        }
        for handle in guest.running.values() {
            handle.interrupt();
        }
    }

    /// The first thread's outcome `result` (of `_start`) as the guest's: ends the guest (its
    /// other threads stop), waits for every thread to be gone, and gives how the guest ended.
    /// A first thread stopped because another thread ended the guest gives that thread's
    /// ending.
    pub fn finish(&self, result: Result<(), Error>) -> Result<Ending, Error> {
        let own = match result {
            Ok(()) => Some(Ending::Exit(0)),
            Err(Error::Trap(t)) => Some(match t.exit_status() {
                Some(status) => Ending::Exit(status),
                None => Ending::Trap(t),
            }),
            Err(e) => {
                self.end(Ending::Exit(1));
                self.join();
                return Err(e);
            }
        };
        // Another thread's ending came first when it interrupted this one.
        let interrupted =
            matches!(&own, Some(Ending::Trap(t)) if t.code() == TrapCode::Interrupted);
        let earlier = self.guest().ending.clone();
        let ending = match (earlier, own) {
            (Some(e), _) if interrupted => e,
            (_, Some(e)) => e,
            (Some(e), None) => e,
            (None, None) => Ending::Exit(0),
        };
        self.end(ending.clone());
        self.join();
        Ok(ending)
    }

    /// Waits for every spawned thread to be gone.
    fn join(&self) {
        loop {
            let joins = std::mem::take(&mut self.guest().joins);
            if joins.is_empty() {
                return;
            }
            for j in joins {
                let _ = j.join();
            }
        }
    }

    /// Why a spawn was refused, if one was: for the host's note.
    pub fn refused(&self) -> Option<String> {
        self.guest().refused.clone()
    }

    /// `thread-spawn`: a new thread running `wasi_thread_start(tid, start_arg)`; its id, or -1.
    fn spawn(&self, data: T, deadline: Option<Instant>, start_arg: i32) -> i32 {
        let mut guest = self.guest();
        if guest.ending.is_some() {
            return -1;
        }
        let others = guest.running.keys().filter(|&&tid| tid != 0).count() as u64;
        if others >= self.0.max_threads {
            let limit = self.0.max_threads;
            guest.refused = Some(format!(
                "threads quota exceeded: limit {limit} running at once besides the first"
            ));
            return -1;
        }
        let tid = self.0.next_tid.fetch_add(1, Ordering::Relaxed);
        if tid > MAX_TID {
            return -1;
        }
        // The store is made here, so the thread is registered (and stoppable) before it runs.
        let mut store = Store::new(self.0.module.engine(), data);
        let prepared = (self.0.setup)(&mut store).and_then(|()| {
            if let Some(at) = deadline {
                store.set_timeout(Some(at.saturating_duration_since(Instant::now())))?;
            }
            store.interrupt_handle()
        });
        let Ok(handle) = prepared else { return -1 };
        guest.running.insert(tid, handle);
        let threads = self.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("wasi-thread-{tid}"))
            .stack_size(THREAD_STACK)
            .spawn(move || threads.run(store, tid, start_arg));
        match spawned {
            Ok(join) => {
                guest.joins.push(join);
                tid as i32
            }
            Err(_) => {
                guest.running.remove(&tid);
                -1
            }
        }
    }

    /// A spawned thread's life: instantiate, run `wasi_thread_start`, end the guest if it
    /// trapped or exited.
    fn run(&self, mut store: Store<T>, tid: u32, start_arg: i32) {
        let outcome = self.start(&mut store, tid, start_arg);
        self.guest().running.remove(&tid);
        match outcome {
            Ok(()) => {}
            Err(Error::Trap(t)) => match t.exit_status() {
                Some(status) => self.end(Ending::Exit(status)),
                // Stopped because the guest ended: nothing to add.
                None if t.code() == TrapCode::Interrupted && self.guest().ending.is_some() => {}
                None => self.end(Ending::Trap(t)),
            },
            Err(e) => self.end(Ending::Trap(Trap::host(format!("thread {tid}: {e}")))),
        }
    }

    fn start(&self, store: &mut Store<T>, tid: u32, start_arg: i32) -> Result<(), Error> {
        let mut linker = self.0.linker.clone();
        linker.allow_shadowing(true);
        for (module, name, memory) in &self.0.memories {
            let item = memory.to_memory(&mut *store)?;
            linker.define(&mut *store, module, name, item)?;
        }
        let instance = linker.instantiate(&mut *store, &self.0.module)?;
        let entry = instance
            .get_typed_func::<(i32, i32), ()>(&mut *store, "wasi_thread_start")
            .map_err(|_| {
                Error::Link("a wasi-threads guest must export `wasi_thread_start(i32, i32)`".into())
            })?;
        entry.call(&mut *store, (tid as i32, start_arg))?;
        Ok(())
    }
}

/// Defines `wasi.thread-spawn` in `linker`, finding the guest's threads through `get`.
pub fn add_to_linker<T: Clone + Send + 'static>(
    linker: &mut Linker<T>,
    get: ThreadsGetter<T>,
) -> Result<(), Error> {
    linker.func_wrap(THREADS_MODULE, "thread-spawn", move |c: Caller<'_, T>, start_arg: i32| {
        let Some(threads) = get(c.data()).cloned() else { return -1 };
        let deadline = c.deadline();
        threads.spawn(c.data().clone(), deadline, start_arg)
    })?;
    Ok(())
}

/// A module that imports a shared memory but no `thread-spawn` needs nothing of this module;
/// one that imports `thread-spawn` but no shared memory cannot share anything with its
/// threads: the error for it.
pub fn check_guest(module: &Module) -> Result<(), Error> {
    let shares = module.imports().any(|i| matches!(i.ty, EntityType::Memory(ty) if ty.shared));
    if uses_threads(module) && !shares {
        return Err(Error::Link(
            "a wasi-threads guest must import its memory as a shared memory".into(),
        ));
    }
    Ok(())
}
