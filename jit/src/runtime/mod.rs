//! Running native code: the entry that calls it and catches its traps, the signal handler that
//! turns its faults into those traps, and the registry of what code is where.

pub(crate) mod entry;
pub(crate) mod registry;
pub(crate) mod signals;
