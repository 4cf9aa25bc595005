//! The script's own threads (the threads proposal's `thread` and `wait` directives): a
//! `(thread $T (shared (module $M)) ...)` runs its directives on a new host thread, with a
//! store of its own on the same engine, sharing only the shared memories of instance `$M`
//! (which a `register` of `$M` inside the thread defines); `(wait $T)` waits for it and adds
//! its directives' outcomes to the file's. A thread never waited for is waited for at the end.

use std::collections::HashMap;
use std::thread::{Scope, ScopedJoinHandle};
use std::time::Duration;

use silo_core::Extern;
use wast::WastDirective;

use crate::runner::{Outcome, Runner, kind_of, run_one};

/// Runs `directives` in order on `runner`, starting the threads they name in `scope`: every
/// outcome, a thread's when it is waited for.
pub(crate) fn run_directives<'scope, 'env: 'scope>(
    runner: &mut Runner,
    directives: Vec<WastDirective<'env>>,
    text: &'env str,
    timeout: Option<Duration>,
    scope: &'scope Scope<'scope, 'env>,
) -> Vec<Outcome> {
    let mut threads: HashMap<String, ScopedJoinHandle<'scope, Vec<Outcome>>> = HashMap::new();
    let mut outcomes = Vec::new();
    for directive in directives {
        let (line, _) = directive.span().linecol_in(text);
        let kind = kind_of(&directive);
        let outcome = |result| Outcome { line: line + 1, kind, result, check: None };
        match directive {
            WastDirective::Thread(thread) => {
                let mut child = Runner::new(runner.engine());
                child.reload_native = runner.reload_native;
                let shares = match thread.shared_module {
                    Some(id) => shared_memories(runner, id.name()).map(|m| Some((id.name(), m))),
                    None => Ok(None),
                };
                match shares {
                    Ok(shares) => {
                        if let Some((name, memories)) = shares {
                            child.shared.insert(name.to_string(), memories);
                        }
                        let body = thread.directives;
                        let handle = scope
                            .spawn(move || run_directives(&mut child, body, text, timeout, scope));
                        threads.insert(thread.name.name().to_string(), handle);
                        outcomes.push(outcome(Ok(())));
                    }
                    Err(reason) => outcomes.push(outcome(Err(reason))),
                }
            }
            WastDirective::Wait { thread, .. } => match threads.remove(thread.name()) {
                Some(handle) => {
                    let result = join(handle, &mut outcomes);
                    outcomes.push(outcome(result));
                }
                None => outcomes.push(outcome(Err(format!("no thread named ${}", thread.name())))),
            },
            other => outcomes.push(run_one(runner, other, text, timeout)),
        }
    }
    let mut left: Vec<_> = threads.into_iter().collect();
    left.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, handle) in left {
        let _ = join(handle, &mut outcomes);
    }
    outcomes
}

/// Waits for a thread, adding its outcomes; fails when it panicked.
fn join(
    handle: ScopedJoinHandle<'_, Vec<Outcome>>,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), String> {
    match handle.join() {
        Ok(theirs) => {
            outcomes.extend(theirs);
            Ok(())
        }
        Err(_) => Err("the thread panicked".into()),
    }
}

/// The shared memories instance `name` exports, with their export names.
fn shared_memories(
    runner: &Runner,
    name: &str,
) -> Result<Vec<(String, silo_core::SharedMemory)>, String> {
    let instance = runner.named_instance(Some(name))?;
    Ok(instance
        .exports(&runner.store)
        .into_iter()
        .filter_map(|(export, item)| match item {
            Extern::Memory(m) => m.shared(&runner.store).map(|s| (export, s)),
            _ => None,
        })
        .collect())
}
