//! The linker: resolves a module's imports by name from host functions and from the exports of
//! instances registered under a module name.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use silo_loader::FuncType;

use crate::engine::Engine;
use crate::error::Error;
use crate::externals::Extern;
use crate::func::{Func, HostFunc, host_func_from_vals};
use crate::instance::Instance;
use crate::module::Module;
use crate::store::{AsContext, AsContextMut, Caller};
use crate::trap::Trap;
use crate::typed::IntoFunc;
use crate::val::Val;

#[derive(Clone)]
enum Definition {
    /// Something that already lives in a store.
    Extern(Extern),
    /// A host function, created in whichever store instantiates a module that imports it.
    Host(Arc<HostFunc>),
}

/// Names for a module's imports: `(module, name)` pairs bound to host functions or to the exports
/// of instances.
pub struct Linker<T> {
    engine: Engine,
    map: HashMap<(String, String), Definition>,
    allow_shadowing: bool,
    _data: PhantomData<fn(T) -> T>,
}

/// A copy with the same definitions (host functions are shared, not copied): a new thread of a
/// guest links its instance with the same names plus what is its own.
impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            map: self.map.clone(),
            allow_shadowing: self.allow_shadowing,
            _data: PhantomData,
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker for modules of `engine`.
    pub fn new(engine: &Engine) -> Linker<T> {
        Linker {
            engine: engine.clone(),
            map: HashMap::new(),
            allow_shadowing: false,
            _data: PhantomData,
        }
    }

    /// The linker's engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition may replace an earlier one of the same name (off by default:
    /// redefining is an error).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.allow_shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition) -> Result<&mut Self, Error> {
        let key = (module.to_string(), name.to_string());
        if !self.allow_shadowing && self.map.contains_key(&key) {
            return Err(Error::Link(format!("import of `{module}::{name}` defined twice")));
        }
        self.map.insert(key, def);
        Ok(self)
    }

    /// Defines `module::name` as an item of a store.
    pub fn define(
        &mut self,
        _store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        item: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Extern(item.into()))
    }

    /// Defines `module::name` as a host function from a Rust closure.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Host(Arc::new(func.into_host_func())))
    }

    /// Defines `module::name` as a host function with a dynamic signature.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> Result<&mut Self, Error> {
        self.insert(module, name, Definition::Host(Arc::new(host_func_from_vals(ty, func))))
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        for (name, item) in instance.exports(&store) {
            self.insert(module, &name, Definition::Extern(item))?;
        }
        Ok(self)
    }

    /// The definition of `module::name`, created in `store` if it is a host function.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        match self.map.get(&(module.to_string(), name.to_string()))? {
            Definition::Extern(e) => Some(*e),
            Definition::Host(h) => {
                Some(Extern::Func(Func::from_host(store.as_context_mut().opaque_mut(), h.clone())))
            }
        }
    }

    /// Resolves the module's imports and instantiates it.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let imports = self.imports_of(&mut store, module)?;
        Instance::new(store, module, &imports)
    }

    /// As [`Linker::instantiate`], without running the start function: see
    /// [`Instance::new_without_start`].
    pub fn instantiate_without_start(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        let imports = self.imports_of(&mut store, module)?;
        Instance::new_without_start(store, module, &imports)
    }

    /// As [`Linker::instantiate_without_start`], the module's own memories starting as the
    /// images given: see [`Instance::new_from_images`].
    pub fn instantiate_from_images(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        memory_images: &[Option<&crate::MemoryImage>],
    ) -> Result<Instance, Error> {
        let imports = self.imports_of(&mut store, module)?;
        Instance::new_from_images(store, module, &imports, memory_images)
    }

    /// The definitions of `module`'s imports, in its order.
    fn imports_of(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Vec<Extern>, Error> {
        let mut imports = Vec::with_capacity(module.imports().len());
        for import in module.imports() {
            let item = self.get(&mut store, &import.module, &import.name).ok_or_else(|| {
                Error::Link(format!(
                    "unknown import: `{}::{}` has not been defined",
                    import.module, import.name
                ))
            })?;
            imports.push(item);
        }
        Ok(imports)
    }
}
