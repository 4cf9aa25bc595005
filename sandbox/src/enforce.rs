//! The policy's quotas on a `silo-core` engine and store: fuel and the deadline need the engine to
//! compile its checks in, and the store carries the limits on memory, tables, instances, fuel,
//! time and call depth. (Open files and output bytes are WASI's to enforce.)

use silo_core::{Config, Error, Store, StoreLimits};

use crate::policy::Policy;

impl Policy {
    /// Turns on what the engine needs to enforce this policy: fuel checks for a fuel quota,
    /// interrupt checks for a timeout, call counting in native code for a call-depth quota; and
    /// the garbage-collected heap's quota, which is the engine's.
    /// Without any, code runs with no checks at all.
    pub fn configure_engine(&self, config: &mut Config) {
        if self.limits.fuel.is_some() {
            config.consume_fuel(true);
        }
        if self.limits.timeout.is_some() {
            config.interruptible(true);
        }
        if self.limits.max_call_depth.is_some() {
            config.native_call_depth(true);
        }
        if let Some(bytes) = self.limits.max_gc_heap_bytes {
            config.max_gc_heap(bytes);
        }
    }

    /// The store limits of this policy's memory, table and instance quotas.
    pub fn store_limits(&self) -> StoreLimits {
        let q = &self.limits;
        StoreLimits {
            memory_size: q.max_memory_bytes,
            total_memory: q.max_total_memory_bytes,
            table_elements: q.max_table_elements,
            instances: q.max_instances,
            trap_on_grow_failure: false,
        }
    }

    /// Applies the quotas to `store`, whose engine was configured by `configure_engine`. The
    /// timeout starts counting now: call this just before the guest starts.
    pub fn apply_to_store<T>(&self, store: &mut Store<T>) -> Result<(), Error> {
        store.set_limits(self.store_limits());
        if let Some(fuel) = self.limits.fuel {
            store.set_fuel(fuel)?;
        }
        if let Some(timeout) = self.limits.timeout {
            store.set_timeout(Some(timeout))?;
        }
        if let Some(depth) = self.limits.max_call_depth {
            store.set_max_call_depth(depth);
        }
        Ok(())
    }
}
