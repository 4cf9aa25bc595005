//! The engine: configuration shared by every store and module, the type registry that gives
//! each function signature one canonical id across modules, and the tier policy: which functions
//! run in the interpreter and which are compiled to native code, and the background thread that
//! compiles the hot ones.

use std::sync::{Arc, OnceLock};

use silo_loader::FeatureSet;

use crate::module::ModuleInner;
use crate::registry::TypeRegistry;
use crate::tier_queue::TierQueue;
use crate::vm::Compiler;

/// How a store runs WebAssembly code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    /// `Tiered` when the configuration has a compiler (`Config::compiler`), otherwise
    /// `Interpreter`.
    #[default]
    Auto,
    /// Every function runs in the interpreter.
    Interpreter,
    /// Every function is compiled to native code, all of a module's at the first call of any
    /// (callees first, so that calls are direct).
    Jit,
    /// Every function starts in the interpreter; those called or looping often are compiled to
    /// native code and switched to it (`Config::tier_up_after`).
    Tiered,
}

/// Engine settings.
#[derive(Clone)]
pub struct Config {
    pub(crate) strategy: Strategy,
    pub(crate) compiler: Option<Arc<dyn Compiler>>,
    pub(crate) tier_up_after: u32,
    pub(crate) background_compilation: bool,
    pub(crate) guard_memories: bool,
    pub(crate) memory_guard_size: u64,
    pub(crate) native_call_depth: bool,
    pub(crate) native_checkpoints: bool,
    pub(crate) max_wasm_stack: usize,
    pub(crate) max_call_depth: usize,
    pub(crate) loop_dispatch: bool,
    pub(crate) consume_fuel: bool,
    pub(crate) interruptible: bool,
    /// The proposals modules may use (`Config::wasm_*`).
    pub(crate) features: FeatureSet,
    /// Each store's garbage-collected heap: its quota and stress mode.
    pub(crate) gc_heap: silo_gc::HeapConfig,
    /// Whether relaxed-SIMD instructions give the spec's deterministic results.
    pub(crate) relaxed_simd_deterministic: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            strategy: Strategy::Auto,
            compiler: None,
            tier_up_after: 1000,
            background_compilation: true,
            guard_memories: true,
            memory_guard_size: 2 << 30,
            native_call_depth: false,
            native_checkpoints: false,
            max_wasm_stack: 16 << 20,
            max_call_depth: 100_000,
            loop_dispatch: false,
            consume_fuel: false,
            interruptible: false,
            features: crate::config_features::DEFAULT,
            gc_heap: silo_gc::HeapConfig::default(),
            relaxed_simd_deterministic: false,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("strategy", &self.effective_strategy())
            .field("compiler", &self.compiler.as_ref().map(|c| c.name()))
            .field("tier_up_after", &self.tier_up_after)
            .field("background_compilation", &self.background_compilation)
            .field("memory_guard", &self.memory_guard())
            .field("max_wasm_stack", &self.max_wasm_stack)
            .field("max_call_depth", &self.max_call_depth)
            .field("consume_fuel", &self.consume_fuel)
            .field("interruptible", &self.interruptible)
            .field("native_checkpoints", &self.native_checkpoints)
            .field("features", &self.features)
            .field("relaxed_simd_deterministic", &self.relaxed_simd_deterministic)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The default settings.
    pub fn new() -> Config {
        Config::default()
    }

    /// The most each store's garbage-collected heap may hold, in bytes (1 GiB by default, at
    /// most 4 GiB less 64 KiB: references are 32-bit offsets). An allocation that does not fit
    /// after a full collection traps with `gc heap quota exceeded`.
    pub fn max_gc_heap(&mut self, bytes: u64) -> &mut Config {
        self.gc_heap.max_bytes = bytes.min(silo_gc::MAX_HEAP_BYTES);
        self
    }

    /// Stress mode for the garbage collector: every allocation collects first, a minor and a
    /// full collection in turn. Slow; for testing that every reference is where the collector
    /// looks, and that every store of a reference into an older object passes the write barrier.
    pub fn gc_zeal(&mut self, zeal: bool) -> &mut Config {
        self.gc_heap.zeal = zeal;
        self
    }

    /// The size of the garbage-collected heap's young generation, in bytes (4 MiB by default):
    /// how much a guest allocates between two minor collections, which trace only the objects
    /// made since the last collection. Capped at the heap's quota; 0 turns the generations off
    /// (every collection traces the whole heap).
    pub fn gc_nursery_size(&mut self, bytes: u64) -> &mut Config {
        self.gc_heap.nursery_bytes = bytes.min(silo_gc::MAX_HEAP_BYTES);
        self
    }

    /// Whether the relaxed-SIMD instructions give the spec's deterministic results (the same on
    /// every machine) rather than the default: the results of the x86-64 instructions they map
    /// to, which every tier and every machine also computes alike, so tiering never changes a
    /// result either way. Off by default, as in wasmtime.
    ///
    /// The two modes differ only where x86-64 differs from the deterministic choice: an
    /// out-of-range `relaxed_swizzle` index (x86 reads lane `index & 15` unless bit 7 is set),
    /// `relaxed_trunc_*_s` of NaN or an out-of-range value (x86 gives `i32::MIN`), `relaxed_min`
    /// and `relaxed_max` (x86 gives `pmin`/`pmax`), `relaxed_laneselect` of `i8x16`, `i32x4` and
    /// `i64x2` (x86 selects by each mask lane's top bit), `relaxed_q15mulr_s` of `-1.0 * -1.0`
    /// (x86 wraps to `i16::MIN`), and the dot products (x86 reads the second operand's bytes,
    /// the 7-bit ones, as unsigned and saturates the 16-bit sums). `relaxed_madd`/`nmadd` are fused in both modes.
    pub fn relaxed_simd_deterministic(&mut self, on: bool) -> &mut Config {
        self.relaxed_simd_deterministic = on;
        self
    }

    /// Whether relaxed SIMD gives the deterministic results ([`Config::relaxed_simd_deterministic`]).
    pub fn relaxed_simd_is_deterministic(&self) -> bool {
        self.relaxed_simd_deterministic
    }

    /// Chooses the execution strategy.
    pub fn strategy(&mut self, strategy: Strategy) -> &mut Config {
        self.strategy = strategy;
        self
    }

    /// The native-code compiler the `Jit` and `Tiered` strategies use (Silo's is `silo-jit`'s
    /// Cranelift compiler; the `silo` facade's `Engine` fills it in when none is set).
    pub fn compiler(&mut self, compiler: Arc<dyn Compiler>) -> &mut Config {
        self.compiler = Some(compiler);
        self
    }

    /// The strategy as chosen with [`Config::strategy`] (`Auto` not resolved; the engine's
    /// [`Engine::strategy`] is the one in effect).
    pub fn chosen_strategy(&self) -> Strategy {
        self.strategy
    }

    /// Whether a native-code compiler is set ([`Config::compiler`]).
    pub fn has_compiler(&self) -> bool {
        self.compiler.is_some()
    }

    /// In the `Tiered` strategy, how many calls plus loop iterations a function runs in the
    /// interpreter before it is compiled; 0 compiles it on its first call.
    pub fn tier_up_after(&mut self, count: u32) -> &mut Config {
        self.tier_up_after = count;
        self
    }

    /// Whether the `Tiered` strategy compiles hot functions on a background thread (on machines
    /// with more than one core) while the interpreter goes on; otherwise the thread that found
    /// the function hot compiles it before going on. On by default.
    pub fn background_compilation(&mut self, on: bool) -> &mut Config {
        self.background_compilation = on;
        self
    }

    /// Whether 32-bit memories reserve their whole 4 GiB index space plus a guard region when
    /// code runs natively, so that native code does no bounds checks (on by default). Off is
    /// the small-reservation mode: memories reserve only their maximum and native code checks
    /// every access.
    pub fn guard_memories(&mut self, on: bool) -> &mut Config {
        self.guard_memories = on;
        self
    }

    /// Bytes of inaccessible guard after a guarded memory's index space (2 GiB by default).
    /// Accesses whose static offset fits in the guard need no bounds check.
    pub fn memory_guard_size(&mut self, bytes: u64) -> &mut Config {
        self.memory_guard_size = bytes;
        self
    }

    /// Whether native code counts its calls, so that a store's call-depth quota
    /// (`Store::set_max_call_depth`) binds it as it binds the interpreter. Off by default: it
    /// costs a few instructions per call, and without it native recursion is bounded by the
    /// native stack (still the "call stack exhausted" trap).
    pub fn native_call_depth(&mut self, on: bool) -> &mut Config {
        self.native_call_depth = on;
        self
    }

    /// Whether native code keeps what it takes to rebuild its frames as interpreter frames, so
    /// that a run can be taken out in the middle under the `Jit` strategy too
    /// ([`Caller::execution_state`](crate::Caller::execution_state), at host calls and at the
    /// checks [`Store::on_check`](crate::Store::on_check) runs at). Off by default: each
    /// function then writes its locals and operand stack to its frame before every call (see
    /// `vm::deopt`), which costs a few stores per call.
    pub fn native_checkpoints(&mut self, on: bool) -> &mut Config {
        self.native_checkpoints = on;
        self
    }

    /// The strategy in effect: `Auto` resolved.
    pub(crate) fn effective_strategy(&self) -> Strategy {
        match self.strategy {
            Strategy::Auto if self.compiler.is_some() => Strategy::Tiered,
            Strategy::Auto => Strategy::Interpreter,
            other => other,
        }
    }

    /// Whether some code runs natively.
    pub(crate) fn runs_native(&self) -> bool {
        self.effective_strategy() != Strategy::Interpreter
    }

    /// The guard size of 32-bit memories, when they are guarded.
    pub(crate) fn memory_guard(&self) -> Option<u64> {
        let guarded =
            self.runs_native() && self.guard_memories && cfg!(target_pointer_width = "64");
        guarded.then_some(self.memory_guard_size)
    }

    /// Bytes of value stack each store may use for WebAssembly frames (locals and operands).
    /// Running out is the "call stack exhausted" trap.
    pub fn max_wasm_stack(&mut self, bytes: usize) -> &mut Config {
        self.max_wasm_stack = bytes.max(1024);
        self
    }

    /// Runs the interpreter's handlers from a loop instead of chaining them by tail calls. The
    /// loop is what unoptimized builds use (where tail calls would grow the native stack); this
    /// forces it, to test it. Slower; never needed otherwise.
    #[doc(hidden)]
    pub fn interpreter_loop_dispatch(&mut self, on: bool) -> &mut Config {
        self.loop_dispatch = on;
        self
    }

    /// Meters fuel: code checks at each function entry and loop header, charging the
    /// WebAssembly instructions it is about to run, and traps when the store's fuel
    /// (`Store::set_fuel`) is used up. Off by default: the checks cost a few percent.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Config {
        self.consume_fuel = on;
        self
    }

    /// Lets a running guest be stopped: by a deadline (`Store::set_timeout`) or from another
    /// thread (`Store::interrupt_handle`). Code checks at function entries and loop headers.
    /// Off by default.
    pub fn interruptible(&mut self, on: bool) -> &mut Config {
        self.interruptible = on;
        self
    }

    /// Whether guests can be interrupted (`Config::interruptible`).
    pub fn is_interruptible(&self) -> bool {
        self.interruptible
    }

    /// Whether compiled code carries fuel and interrupt checks.
    pub(crate) fn metered(&self) -> bool {
        self.consume_fuel || self.interruptible
    }

    /// How many WebAssembly calls may be active at once in a store.
    pub fn max_call_depth(&mut self, depth: usize) -> &mut Config {
        self.max_call_depth = depth.max(1);
        self
    }
}

/// Compilation and execution settings shared by modules and stores. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

pub(crate) struct EngineInner {
    pub config: Config,
    pub registry: TypeRegistry,
    /// Hot functions waiting for the background compiler, which starts on the first request.
    tier_queue: OnceLock<Option<TierQueue>>,
    /// Released memory reservations, for new memories to reuse.
    pub reservations: Arc<crate::memory_pool::ReservationPool>,
}

/// What the background compiler is asked to compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Job {
    /// A defined function.
    Function(u32),
    /// The on-stack-replacement entry of a defined function at the loop at a byte offset.
    LoopEntry(u32, u32),
    /// `Jit` strategy, a module that streamed in faster than it compiled: a job for each of its
    /// functions not compiled yet.
    Rest,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new(&Config::default())
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine with these settings.
    pub fn new(config: &Config) -> Engine {
        Engine {
            inner: Arc::new(EngineInner {
                config: config.clone(),
                registry: TypeRegistry::default(),
                tier_queue: OnceLock::new(),
                reservations: Arc::new(crate::memory_pool::ReservationPool::new()),
            }),
        }
    }

    /// The engine's settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The strategy the engine runs code with (`Auto` resolved).
    pub fn strategy(&self) -> Strategy {
        self.inner.config.effective_strategy()
    }

    /// Whether two handles are the same engine.
    pub fn same(a: &Engine, b: &Engine) -> bool {
        Arc::ptr_eq(&a.inner, &b.inner)
    }

    /// The WebAssembly features this engine's tiers can run ([`crate::features::SUPPORTED`]). A
    /// module using anything else is rejected when it is compiled.
    pub fn supported_features(&self) -> FeatureSet {
        crate::features::SUPPORTED
    }

    /// The proposals modules compiled for this engine may use (`Config::wasm_*`): one using
    /// another is invalid.
    pub fn features(&self) -> FeatureSet {
        self.inner.config.features
    }
}

impl EngineInner {
    /// The background compiler, started on the first request; `None` when the engine compiles
    /// on the thread that asks (`Config::background_compilation` off, one core, no thread).
    fn tier_queue(&self) -> Option<&TierQueue> {
        self.tier_queue
            .get_or_init(|| {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                if !self.config.background_compilation || cores < 2 {
                    return None;
                }
                TierQueue::start()
            })
            .as_ref()
    }

    /// Asks for `job` of `module` to be compiled: on the background compiler when there is one
    /// (returns `true`), otherwise not at all (`false`: compile it yourself). `urgent` puts it
    /// before the jobs waiting (a running call waits for it).
    pub(crate) fn queue_compile(&self, module: &Arc<ModuleInner>, job: Job, urgent: bool) -> bool {
        match self.tier_queue() {
            Some(queue) if urgent => queue.push_urgent(module, job),
            Some(queue) => queue.push(module, job),
            None => return false,
        }
        true
    }

    /// Moves `job` of `module` before the jobs waiting, if it still waits.
    pub(crate) fn hurry_compile(&self, module: &Arc<ModuleInner>, job: Job) {
        if let Some(queue) = self.tier_queue() {
            queue.hurry(module, job);
        }
    }
}
