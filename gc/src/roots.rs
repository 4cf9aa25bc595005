//! Roots: what the caller holds (`RootSet`, asked at every collection) and what the host holds
//! (owned and scoped roots, kept in a table inside the heap).
//!
//! An [`OwnedRoot`] is an index into the heap's table plus a liveness token: clones share the
//! entry, and once every clone is dropped the entry stops being a root and is reused after the
//! next collection — dropping needs no access to the heap. Scoped roots are a cheaper LIFO stack
//! for short host calls: [`Heap::enter_scope`], push, [`Heap::exit_scope`].

use std::sync::{Arc, Weak};

use crate::gc_ref::GcRef;
use crate::heap::Heap;

/// Where a collection finds the caller's references (interpreter frames, native stack maps,
/// globals, tables...).
pub trait RootSet {
    /// Calls `visit` on every root slot that may hold a `GcRef`; the collector may rewrite it
    /// (objects move). Called twice per collection (mark, then update); must visit the same slots
    /// both times. Nulls and `i31`s may be passed: the collector leaves them alone.
    fn trace_roots(&mut self, visit: &mut dyn FnMut(&mut GcRef));
}

/// No roots at all (tests, or a caller whose every reference is in owned roots).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoRoots;

impl RootSet for NoRoots {
    fn trace_roots(&mut self, _visit: &mut dyn FnMut(&mut GcRef)) {}
}

impl RootSet for [GcRef] {
    fn trace_roots(&mut self, visit: &mut dyn FnMut(&mut GcRef)) {
        self.iter_mut().for_each(visit);
    }
}

impl RootSet for Vec<GcRef> {
    fn trace_roots(&mut self, visit: &mut dyn FnMut(&mut GcRef)) {
        self.iter_mut().for_each(visit);
    }
}

impl<const N: usize> RootSet for [GcRef; N] {
    fn trace_roots(&mut self, visit: &mut dyn FnMut(&mut GcRef)) {
        self.iter_mut().for_each(visit);
    }
}

impl RootSet for GcRef {
    fn trace_roots(&mut self, visit: &mut dyn FnMut(&mut GcRef)) {
        visit(self);
    }
}

/// A reference the host keeps alive across collections (an embedding API's handle). Cloning it
/// shares the root; the referenced object may be freed once every clone is dropped.
#[derive(Clone, Debug)]
pub struct OwnedRoot {
    index: u32,
    token: Arc<()>,
}

/// A position in the scoped-root stack, from [`Heap::enter_scope`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "pass it to `exit_scope`"]
pub struct RootScope(usize);

/// A scoped root, valid until the scope it was pushed in is exited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScopedRoot(usize);

struct Entry {
    value: GcRef,
    /// Alive while some `OwnedRoot` for this entry exists.
    token: Weak<()>,
    /// Whether the entry is in use (a freed entry is on the free list).
    used: bool,
}

/// The host's roots.
#[derive(Default)]
pub(crate) struct HostRoots {
    entries: Vec<Entry>,
    free: Vec<u32>,
    scoped: Vec<GcRef>,
}

impl HostRoots {
    /// Frees the entries whose every `OwnedRoot` was dropped (at the start of a collection).
    pub fn sweep(&mut self) {
        for (i, e) in self.entries.iter_mut().enumerate() {
            if e.used && e.token.strong_count() == 0 {
                *e = Entry { value: GcRef::NULL, token: Weak::new(), used: false };
                self.free.push(i as u32);
            }
        }
    }

    /// Every live root slot: owned entries still held, and the scoped stack.
    pub fn for_each_mut(&mut self, mut visit: impl FnMut(&mut GcRef)) {
        for e in self.entries.iter_mut().filter(|e| e.used && e.token.strong_count() > 0) {
            visit(&mut e.value);
        }
        self.scoped.iter_mut().for_each(visit);
    }

    fn entry(&self, root: &OwnedRoot) -> &Entry {
        let e = self.entries.get(root.index as usize);
        match e {
            Some(e) if e.used && std::ptr::eq(e.token.as_ptr(), Arc::as_ptr(&root.token)) => e,
            _ => panic!("an OwnedRoot was used with a heap that did not create it"),
        }
    }

    /// Owned entries in use (held or not yet swept).
    pub fn owned_len(&self) -> usize {
        self.entries.len() - self.free.len()
    }
}

impl Heap {
    /// Keeps `r` alive (and up to date as objects move) until every clone of the returned root
    /// is dropped.
    pub fn root(&mut self, r: GcRef) -> OwnedRoot {
        let token = Arc::new(());
        let entry = Entry { value: r, token: Arc::downgrade(&token), used: true };
        let t = &mut self.host_roots;
        let index = match t.free.pop() {
            Some(i) => {
                t.entries[i as usize] = entry;
                i
            }
            None => {
                t.entries.push(entry);
                u32::try_from(t.entries.len() - 1).expect("fewer than 2^32 owned roots")
            }
        };
        OwnedRoot { index, token }
    }

    /// The reference `root` holds now (objects move, so never keep the `GcRef` across an
    /// allocation or collection). Panics if `root` comes from another heap.
    pub fn get(&self, root: &OwnedRoot) -> GcRef {
        self.host_roots.entry(root).value
    }

    /// Makes `root` (and its clones) hold `r` instead.
    pub fn set_root(&mut self, root: &OwnedRoot, r: GcRef) {
        self.host_roots.entry(root);
        self.host_roots.entries[root.index as usize].value = r;
    }

    /// Owned-root entries in use: held ones, and dropped ones not yet freed by a collection.
    pub fn owned_root_count(&self) -> usize {
        self.host_roots.owned_len()
    }

    /// Opens a scope of scoped roots; [`exit_scope`](Self::exit_scope) with the returned marker
    /// drops every root pushed since. Scopes nest LIFO.
    pub fn enter_scope(&mut self) -> RootScope {
        RootScope(self.host_roots.scoped.len())
    }

    /// Roots `r` until the current scope is exited.
    pub fn push_scoped(&mut self, r: GcRef) -> ScopedRoot {
        self.host_roots.scoped.push(r);
        ScopedRoot(self.host_roots.scoped.len() - 1)
    }

    /// The reference a scoped root holds now; `None` once its scope was exited.
    pub fn scoped(&self, root: ScopedRoot) -> Option<GcRef> {
        self.host_roots.scoped.get(root.0).copied()
    }

    /// Closes `scope` and every scope opened inside it.
    pub fn exit_scope(&mut self, scope: RootScope) {
        debug_assert!(scope.0 <= self.host_roots.scoped.len(), "scopes exited out of order");
        self.host_roots.scoped.truncate(scope.0);
    }
}
