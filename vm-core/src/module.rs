//! A module compiled for an engine: the loader's validated module, the canonical ids of its types,
//! and a slot per function for the interpreter's code, filled lazily on the function's first call.

use std::path::Path;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, OnceLock};

use silo_loader::{Export, Import};

use crate::engine::Engine;
use crate::error::Error;
use crate::interp::code::InterpFunc;
use crate::interp::translate;
use crate::registry::TypeId;

/// A WebAssembly module compiled for an engine. Cheap to clone; share it between stores and
/// threads.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub info: silo_loader::Module,
    /// Canonical id of each module type.
    pub type_ids: Box<[TypeId]>,
    /// Interpreter code of each defined function, translated on first call.
    code: Box<[OnceLock<Result<InterpFunc, String>>]>,
    /// The same code once translated, for the executor's fast path (null until then).
    pub compiled: Box<[AtomicPtr<InterpFunc>]>,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("name", &self.name()).finish_non_exhaustive()
    }
}

impl Module {
    /// Compiles a module from the binary or text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module, Error> {
        Module::from_loaded(engine, silo_loader::load(bytes.as_ref())?)
    }

    /// Compiles a module from the binary format.
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module, Error> {
        Module::from_loaded(engine, silo_loader::load_binary(bytes)?)
    }

    /// Reads and compiles a module file, binary or text.
    pub fn from_file(engine: &Engine, path: impl AsRef<Path>) -> Result<Module, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Link(format!("cannot read `{}`: {e}", path.display())))?;
        Module::new(engine, bytes)
    }

    /// Validates bytes without compiling them.
    pub fn validate(bytes: &[u8]) -> Result<(), Error> {
        silo_loader::load(bytes)?;
        Ok(())
    }

    /// Compiles a module the loader has already validated. Fails with `unsupported feature` when
    /// the module needs something the engine's tiers do not run.
    pub fn from_loaded(engine: &Engine, info: silo_loader::Module) -> Result<Module, Error> {
        let missing = info.features.difference(engine.supported_features());
        if !missing.is_empty() {
            return Err(Error::Unsupported(missing.to_string()));
        }
        let type_ids =
            engine.inner.registry.register_module(&info.types, &info.rec_groups).into_boxed_slice();
        let n = info.num_defined_funcs();
        let code = (0..n).map(|_| OnceLock::new()).collect();
        let compiled = (0..n).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect();
        Ok(Module {
            inner: Arc::new(ModuleInner { engine: engine.clone(), info, type_ids, code, compiled }),
        })
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.inner.info.names.module.as_deref()
    }

    /// The imports the module needs.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = &Import> {
        self.inner.info.imports.iter()
    }

    /// The exports the module provides.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = &Export> {
        self.inner.info.exports.iter()
    }

    /// The interpreter code of a function, one instruction per line (for studying the translator;
    /// the format is not stable).
    #[doc(hidden)]
    pub fn debug_interp_code(&self, func_index: u32) -> Result<String, String> {
        let def = func_index
            .checked_sub(self.inner.info.num_imported.funcs)
            .ok_or("an imported function has no code")?;
        let code = self.inner.code(def).map_err(str::to_string)?;
        let mut out = format!(
            "func {func_index}: {} params, {} locals, frame of {} slots\n",
            code.num_params, code.num_locals, code.frame_size
        );
        for (pc, op) in code.code.iter().enumerate() {
            out.push_str(&format!("{pc:5}  {:?}\n", op.instr));
        }
        Ok(out)
    }

    /// Translates every function now rather than on its first call (functions are otherwise
    /// translated lazily). For measuring translation speed, or to pay the cost up front; the first
    /// function that fails to translate is the error.
    pub fn translate_all(&self) -> Result<(), Error> {
        let info = &self.inner.info;
        for def in 0..info.num_defined_funcs() {
            self.inner.code(def).map_err(|e| {
                let index = info.num_imported.funcs + def;
                Error::Unsupported(format!("function {index} cannot be translated: {e}"))
            })?;
        }
        Ok(())
    }

    /// The loader's view of the module.
    pub fn info(&self) -> &silo_loader::Module {
        &self.inner.info
    }
}

impl ModuleInner {
    /// The interpreter code of a defined function, translating it on first use.
    pub fn code(&self, def_index: u32) -> Result<&InterpFunc, &str> {
        let code = self.code[def_index as usize]
            .get_or_init(|| translate::translate(self, def_index))
            .as_ref()
            .map_err(String::as_str)?;
        let ptr = (code as *const InterpFunc).cast_mut();
        self.compiled[def_index as usize].store(ptr, Ordering::Release);
        Ok(code)
    }
}
