//! The runtime both tiers share: the memory and table instructions too rare or too involved to
//! inline (`memory`, `table`), `call_indirect`'s resolution and the entry that runs any function
//! (`call`). Neither tier owns it: the interpreter's handlers call these functions directly, native
//! code reaches them through its builtins (`vm::builtins`).

pub(crate) mod atomic;
pub(crate) mod bulk;
pub(crate) mod call;
pub(crate) mod exn;
pub(crate) mod gc;
pub(crate) mod gc_ops;
pub(crate) mod memory;
pub(crate) mod racy;
pub(crate) mod simd;
pub(crate) mod table;
