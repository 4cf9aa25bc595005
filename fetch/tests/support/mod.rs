//! What the fetch tests share.
pub mod server;
