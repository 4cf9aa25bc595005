//! Compiling a module's functions while the rest of it downloads (the `Jit` strategy).
//!
//! A [`ModuleStream`](crate::ModuleStream) under the `Jit` strategy hands each function the loader
//! validated to a [`StreamCompiler`]. Functions are gathered into batches, each sent with the
//! module as far as it has arrived ([`silo_loader::StreamingLoader::partial_module`]: every section
//! before the code, the bodies so far) to one background thread, which compiles the batch into
//! one native module. A batch is sent once its bodies reach an eighth of the bytes received (and
//! at least [`MIN_BATCH_BYTES`]), so copying the partial module costs a small multiple of the
//! module's size whatever its length. When the stream finishes, the module is not kept waiting
//! for the compiler: the thread stops at the next function and hands the native module and the
//! functions compiled so far to the finished [`Module`](crate::Module), which installs them and
//! leaves the rest to the engine's background compiler, each compiled at its first call at the
//! latest (`Module::from_loaded_precompiled`).
//!
//! A function of a later batch calls one of an earlier batch directly (its address is known);
//! one calling a function not compiled yet goes through the instance's table of native entries,
//! like tiered code. The module's name section follows its code, so compiled functions get their
//! names when the module is finished.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;

use silo_loader::{StreamingLoader, ValidatedFunction};

use crate::engine::{Engine, Strategy};
use crate::module::CompileScratch;
use crate::vm::{Compiler, NativeFunc, NativeModule};

/// The smallest batch sent to the compiler, in bytes of function bodies.
pub const MIN_BATCH_BYTES: usize = 64 * 1024;

/// Functions compiled while the module arrived, for the finished module to install.
pub(crate) struct Precompiled {
    /// The native module they were compiled into.
    pub jit: Box<dyn NativeModule>,
    /// Each compiled function, by defined index.
    pub funcs: Vec<(u32, NativeFunc)>,
}

/// A batch: the defined functions to compile, and the module as far as it had arrived.
struct Batch {
    info: silo_loader::Module,
    defs: Vec<u32>,
}

/// Sends batches of functions to a compiling thread while a module streams in.
pub(crate) struct StreamCompiler {
    batches: Option<mpsc::Sender<Batch>>,
    worker: Option<thread::JoinHandle<Option<Precompiled>>>,
    /// Set when the stream finishes: the thread compiles nothing more.
    stop: Arc<AtomicBool>,
    pending: Vec<u32>,
    pending_bytes: usize,
}

impl StreamCompiler {
    /// A stream compiler for `engine`, if it compiles whole modules natively (the `Jit`
    /// strategy) and a thread can be started.
    pub fn for_engine(engine: &Engine) -> Option<StreamCompiler> {
        let config = engine.config();
        if config.effective_strategy() != Strategy::Jit {
            return None;
        }
        let compiler = config.compiler.clone()?;
        let (send, receive) = mpsc::channel();
        let engine = engine.clone();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let worker = thread::Builder::new()
            .name("silo-stream-compile".into())
            .spawn(move || compile_batches(&engine, &compiler, receive, &stopped))
            .ok()?;
        Some(StreamCompiler {
            batches: Some(send),
            worker: Some(worker),
            stop,
            pending: Vec::new(),
            pending_bytes: 0,
        })
    }

    /// `funcs` were just validated; sends a batch when enough has gathered.
    pub fn validated(&mut self, loader: &StreamingLoader, funcs: &[ValidatedFunction]) {
        for f in funcs {
            self.pending.push(f.defined_index);
            self.pending_bytes += f.body.len();
        }
        let threshold = (loader.bytes().len() / 8).max(MIN_BATCH_BYTES);
        if self.pending_bytes < threshold {
            return;
        }
        let (Some(send), Some(info)) = (&self.batches, loader.partial_module()) else { return };
        let defs = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        if send.send(Batch { info, defs }).is_err() {
            // The compiler gave up (it could not make a native module): compile at first call.
            self.batches = None;
        }
    }

    /// The functions compiled so far: the thread stops at the next function (those it is
    /// compiling are finished), so the module is not kept waiting for a compiler slower than the
    /// download.
    pub fn finish(mut self) -> Option<Precompiled> {
        self.stop.store(true, Ordering::Release);
        self.batches = None;
        self.worker.take()?.join().ok().flatten()
    }
}

/// The compiling thread: compiles each batch as it comes, until the stream ends or `stop` is set.
fn compile_batches(
    engine: &Engine,
    compiler: &Arc<dyn Compiler>,
    batches: mpsc::Receiver<Batch>,
    stop: &AtomicBool,
) -> Option<Precompiled> {
    let first = batches.recv().ok()?;
    let info = &first.info;
    let type_ids =
        engine.inner.registry.register_module(&info.types, &info.rec_groups).into_boxed_slice();
    let scratch = CompileScratch::new(info.num_declared_funcs() as usize);
    let jit = compiler.new_module(&scratch.env(engine, info, &type_ids)).ok()?;
    let mut funcs = Vec::new();
    let stopped = || stop.load(Ordering::Acquire);
    for batch in std::iter::once(first).chain(batches) {
        if stopped() {
            break;
        }
        let env = scratch.env(engine, &batch.info, &type_ids);
        for (&def, result) in batch.defs.iter().zip(jit.compile_batch(&env, &batch.defs, &stopped))
        {
            // A function that failed or was left here is compiled again later.
            if let Ok(func) = result {
                scratch.native[def as usize].store(func.code.cast_mut(), Ordering::Release);
                funcs.push((def, func));
            }
        }
    }
    Some(Precompiled { jit, funcs })
}
