//! `silo-jit` is Silo's second tier: a WebAssembly to Cranelift IR translator of our own
//! (`translate`), the code memory and trap tables of compiled functions (`module`), the trampolines
//! between the slot-array and native conventions, and the runtime that enters native code and
//! turns its faults into traps (`runtime`). It implements `silo-core`'s [`Compiler`] trait, so the
//! runtime never depends on Cranelift; the interpreter, the store and the tier policy stay there.
//!
//! ```
//! use silo_core::{Config, Engine, Instance, Module, Store, Strategy};
//!
//! let mut config = Config::new();
//! config.strategy(Strategy::Jit).compiler(silo_jit::cranelift()?);
//! let engine = Engine::new(&config);
//! let module = Module::new(&engine, r#"(module (func (export "add") (param i32 i32) (result i32)
//!     (i32.add (local.get 0) (local.get 1))))"#)?;
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[])?;
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add")?;
//! assert_eq!(add.call(&mut store, (2, 3))?, 5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Native code runs on x86-64 Linux; elsewhere [`cranelift`] says so and the interpreter is the
//! only tier.

mod module;
mod refill;
mod runtime;
mod thunk;
mod trampoline;
mod translate;
mod varint;

use std::sync::Arc;

use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use silo_core::vm::{
    Compiler, LoadedCode, ModuleEnv, NativeExit, NativeFunc, NativeModule, NativeTrap, VMContext,
};

/// The Cranelift compiler.
pub struct Cranelift {
    isa: OwnedTargetIsa,
}

/// Silo's native-code compiler, ready for `Config::compiler`. Fails where native code cannot run
/// (another architecture or system, or the host refused the trap handler).
pub fn cranelift() -> Result<Arc<dyn Compiler>, String> {
    Ok(Arc::new(Cranelift::new()?))
}

impl Cranelift {
    /// A compiler for this machine.
    pub fn new() -> Result<Cranelift, String> {
        if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
            return Err("native code runs on x86-64 Linux only; use the interpreter".into());
        }
        runtime::signals::install()?;
        let mut flags = settings::builder();
        let set = |flags: &mut settings::Builder, name: &str, value: &str| {
            flags.set(name, value).map_err(|e| format!("cranelift setting {name}: {e}"))
        };
        set(&mut flags, "opt_level", "speed")?;
        // Backtraces walk frame pointers.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        // Code memory places code at fixed addresses and patches absolute relocations.
        set(&mut flags, "is_pic", "false")?;
        set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        let isa_builder =
            cranelift_native::builder().map_err(|e| format!("cranelift for this machine: {e}"))?;
        let isa = isa_builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| format!("cranelift for this machine: {e}"))?;
        Ok(Cranelift { isa })
    }
}

impl Compiler for Cranelift {
    fn name(&self) -> &'static str {
        "cranelift"
    }

    fn new_module(&self, _env: &ModuleEnv<'_>) -> Result<Box<dyn NativeModule>, String> {
        Ok(Box::new(module::JitModule::new(self.isa.clone())))
    }

    fn new_saving_module(&self, _env: &ModuleEnv<'_>) -> Option<Box<dyn NativeModule>> {
        Some(Box::new(module::JitModule::new_recording(self.isa.clone())))
    }

    fn load_module(&self, env: &ModuleEnv<'_>, saved: &[u8]) -> Result<LoadedCode, String> {
        let module = module::JitModule::new(self.isa.clone());
        let funcs = module.load(env, saved)?;
        Ok((Box::new(module), funcs))
    }

    /// The target, and every shared and target flag (the CPU features detected on this
    /// machine among them).
    fn fingerprint(&self) -> String {
        let flags = |values: Vec<cranelift_codegen::settings::Value>| {
            values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")
        };
        format!(
            "cranelift {} [{}] [{}]",
            self.isa.triple(),
            self.isa.flags(),
            flags(self.isa.isa_flags())
        )
    }

    /// Runs `func` through its slot-array trampoline (`runtime::entry::call`).
    ///
    /// # Safety
    /// `Compiler::call`'s: `func` was compiled by this compiler for the module of `callee`'s
    /// instance, whose module and store are live; `slots` holds at least as many slots as the
    /// function has parameters or results; the store is exclusively the caller's for the call.
    unsafe fn call(
        &self,
        func: NativeFunc,
        callee: *mut VMContext,
        caller: *mut VMContext,
        slots: *mut u64,
    ) -> Result<(), NativeTrap> {
        // SAFETY: `runtime::entry::call` requires exactly `Compiler::call`'s contract, which this
        // method's caller keeps.
        unsafe { runtime::entry::call(func, callee, caller, slots) }
    }

    /// Walks the native frames with their stack maps (`runtime::gc_frames`).
    ///
    /// # Safety
    /// `Compiler::trace_frames`'s: the records describe suspended frames of this compiler's code.
    unsafe fn trace_frames(&self, exit: &NativeExit, visit: &mut dyn FnMut(&mut u64)) {
        // SAFETY: `gc_frames::trace` requires exactly this method's contract.
        unsafe { runtime::gc_frames::trace(exit, visit) }
    }

    unsafe fn unwind(&self, exit: &NativeExit, exn: u64, caught: &mut dyn FnMut()) {
        // SAFETY: `unwind::unwind` requires exactly this method's contract.
        unsafe { runtime::unwind::unwind(exit, exn, caught) }
    }
}
