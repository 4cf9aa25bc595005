//! The second half of the start-up probe for threaded dispatch: calls, returns and tail calls.
//!
//! `threaded::probe_constant_stack` chains the ops that need nothing but a frame, memory 0 and a
//! branch. Calls cannot run detached — they need an instance, functions and a store — so this half
//! runs a real guest, in the interpreter with threaded dispatch: it calls a host function that
//! notes where the native stack is, from the guest's entry, from callees reached by `call`,
//! `call_indirect` and `call_ref`, after their returns, and on every turn of `return_call`,
//! `return_call_indirect` and `return_call_ref` loops. Every handler between two notes must have
//! been a jump for them to be equal. A build where one is not (AddressSanitizer turns the copies in
//! a tail call into calls, for one) then drives the handlers with the loop instead of letting a
//! guest's tail-call loop overflow the host's stack.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Caller, Config, Engine, Linker, Module, Store, Strategy};

thread_local! {
    /// Set while this thread runs the probe: the probe's own code must be threaded without
    /// asking the probe (`Dispatch::for_config`).
    static PROBING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is running the probe's guest.
pub(super) fn probing() -> bool {
    PROBING.with(Cell::get)
}

/// The probe's guest (`call_probe.wat`, assembled, so that the probe parses no text): `run`
/// notes the stack position (`mark`) in every way of reaching code.
const GUEST: &[u8] = include_bytes!("call_probe.wasm");

/// How many notes `run` takes: two of its own, four callees, and four turns of each of the three
/// tail-call loops.
const NOTES: usize = 2 + 4 + 3 * 4;

/// Whether calls, returns and tail calls ran in constant native stack (see the module
/// documentation); `false` also when the probe could not run at all.
pub(super) fn calls_run_in_constant_stack() -> bool {
    PROBING.with(|p| p.set(true));
    let same = catch_unwind(AssertUnwindSafe(run_guest)).ok().flatten();
    PROBING.with(|p| p.set(false));
    same == Some(true)
}

fn run_guest() -> Option<bool> {
    let mut config = Config::new();
    config.strategy(Strategy::Interpreter);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, GUEST).ok()?;
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("probe", "mark", |mut caller: Caller<'_, Vec<u64>>| {
            caller.data_mut().push(super::threaded::stack_position());
        })
        .ok()?;
    let mut store = Store::new(&engine, Vec::with_capacity(NOTES));
    let instance = linker.instantiate(&mut store, &module).ok()?;
    let run = instance.get_typed_func::<(), ()>(&store, "run").ok()?;
    run.call(&mut store, ()).ok()?;
    let notes = store.data();
    Some(notes.len() == NOTES && notes.windows(2).all(|w| w[0] == w[1]))
}

#[cfg(test)]
mod tests {
    /// The probe's guest runs (a guest that failed to would make every build fall back to the
    /// loop) and, in the test builds, in constant stack.
    #[test]
    #[cfg_attr(miri, ignore = "Miri does not turn tail calls into jumps")]
    fn calls_returns_and_tail_calls_are_jumps_in_this_build() {
        assert_eq!(super::run_guest(), Some(true));
    }

    /// The assembled guest is its text's.
    #[test]
    fn the_guest_is_assembled_from_its_text() {
        let text = silo_loader::load(include_bytes!("call_probe.wat")).unwrap();
        assert!(*text.bytes == *super::GUEST, "reassemble call_probe.wasm from call_probe.wat");
    }
}
