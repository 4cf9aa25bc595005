//! Behaviour tests of the heap as a whole: allocation, access, collection, roots.

mod access;
mod alloc;
mod collect;
mod generations;
mod roots;
