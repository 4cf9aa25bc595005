//! Whether a run of a module can be taken out of its frames and resumed from a state: whether
//! every value its functions hold in a local or on their operand stack has a meaning outside the
//! store. Numbers do; so do references, named by meaning (function indices, `i31`s, objects of
//! the heap image: `heap_image`), and resumed as the instance's own functions and objects by the
//! exact types the module's own code gives their slots (`translate::site_types`), so a forged
//! state cannot plant an address or an object of another type. A host value (`externref` from
//! the embedder) has none: capture refuses it where it finds one.
//!
//! What is refused for the whole module: the exception proposal. Its values (`exnref`) are
//! exceptions in flight, and a frame inside a handler region would have to be resumed with the
//! region's state; neither is taken out yet.

/// Refuses `info` when a run of it cannot be taken out, naming why.
pub(crate) fn check_values_are_portable(info: &silo_loader::Module) -> Result<(), String> {
    let features = format!("{:?}", info.features).to_lowercase();
    if features.contains("exceptions") {
        return Err("a run of this module cannot be taken in the middle yet: it uses the \
                    exceptions proposal"
            .into());
    }
    Ok(())
}
