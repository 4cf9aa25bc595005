//! The interpreter tier: functions are translated on their first call from WebAssembly's stack
//! machine into register-style code (`isa`, `translate`) and run by one dispatch loop (`exec`).

pub(crate) mod code;
pub(crate) mod exec;
pub(crate) mod isa;
pub(crate) mod translate;
