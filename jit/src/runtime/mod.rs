//! Running native code: the entry that calls it and catches its traps, the signal handler that
//! turns its faults into those traps, the registry of what code is where, and the walk of native
//! frames a collection makes to find their heap references.

pub(crate) mod entry;
pub(crate) mod gc_frames;
pub(crate) mod registry;
pub(crate) mod signals;
pub(crate) mod srclocs;
pub(crate) mod unwind;
