//! The guest's descriptors: the table that maps numbers to open files, directories and standard
//! streams, the rights each carries, and the conversion of host metadata to WASI's `filestat`.

pub(crate) mod descriptor;
pub(crate) mod rights;
pub(crate) mod stat;
pub(crate) mod table;

pub(crate) use descriptor::{Descriptor, DirDesc, FileDesc, Origin, OutputRole};
pub(crate) use table::FdTable;
