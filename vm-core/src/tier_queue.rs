//! The background compiler of a tiered engine: one thread and its queue of jobs.
//!
//! Jobs run in the order they were asked for, except urgent ones, which go first: an
//! on-stack-replacement entry (a running call is waiting at its loop for it) and a function found
//! hot again while its compilation still waits (it is running a lot meanwhile). Without that, a
//! long call in a hot loop could wait behind every function the program happened to call once.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};

use crate::engine::Job;
use crate::module::ModuleInner;

/// The queue's owner: dropping it (with the engine) stops the thread once its current job is
/// done; jobs still waiting are dropped.
pub(crate) struct TierQueue {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when a job arrives or the queue closes.
    ready: Condvar,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<(Weak<ModuleInner>, Job)>,
    closed: bool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl TierQueue {
    /// Starts the compiler thread; `None` when it cannot be spawned.
    pub(crate) fn start() -> Option<TierQueue> {
        let shared = Arc::new(Shared { state: Mutex::default(), ready: Condvar::new() });
        let worker = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("silo-tier-up".into())
            .spawn(move || run(&worker))
            .ok()
            .map(|_| TierQueue { shared })
    }

    /// Adds `job` of `module` at the end of the queue.
    pub(crate) fn push(&self, module: &Arc<ModuleInner>, job: Job) {
        self.shared.state().jobs.push_back((Arc::downgrade(module), job));
        self.shared.ready.notify_one();
    }

    /// Puts `job` of `module` at the front of the queue, moving it there if it waits already.
    pub(crate) fn push_urgent(&self, module: &Arc<ModuleInner>, job: Job) {
        let mut state = self.shared.state();
        let module = Arc::downgrade(module);
        state.jobs.retain(|(m, j)| !(*j == job && Weak::ptr_eq(m, &module)));
        state.jobs.push_front((module, job));
        drop(state);
        self.shared.ready.notify_one();
    }

    /// Moves `job` of `module` to the front if it is waiting; otherwise does nothing (it ran, or
    /// is running).
    pub(crate) fn hurry(&self, module: &Arc<ModuleInner>, job: Job) {
        let mut state = self.shared.state();
        let module = Arc::downgrade(module);
        let waiting = state.jobs.iter().position(|(m, j)| *j == job && Weak::ptr_eq(m, &module));
        if let Some(at) = waiting.filter(|&at| at > 0) {
            let entry = state.jobs.remove(at).expect("found just now");
            state.jobs.push_front(entry);
        }
    }

    /// Jobs waiting (for tests and statistics).
    #[cfg(test)]
    fn waiting(&self) -> Vec<Job> {
        self.shared.state().jobs.iter().map(|&(_, job)| job).collect()
    }
}

impl Drop for TierQueue {
    fn drop(&mut self) {
        self.shared.state().closed = true;
        self.shared.ready.notify_all();
    }
}

/// The compiler thread: runs jobs until the queue closes.
fn run(shared: &Shared) {
    loop {
        let (module, job) = {
            let mut state = shared.state();
            loop {
                if state.closed {
                    return;
                }
                if let Some(next) = state.jobs.pop_front() {
                    break next;
                }
                state = shared.ready.wait(state).unwrap_or_else(|e| e.into_inner());
            }
        };
        if let Some(module) = module.upgrade() {
            // A bug in a compiler must not stop tiering for the whole engine: the function just
            // stays in the interpreter.
            let run = std::panic::AssertUnwindSafe(|| module.run_job(job));
            let _ = std::panic::catch_unwind(run);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A queue with no thread, to look at the order of its jobs.
    fn idle_queue() -> TierQueue {
        TierQueue { shared: Arc::new(Shared { state: Mutex::default(), ready: Condvar::new() }) }
    }

    #[test]
    fn urgent_jobs_and_hurried_ones_go_first() {
        let engine = crate::Engine::default();
        let module = crate::Module::new(&engine, "(module)").unwrap();
        let module = &module.inner;
        let queue = idle_queue();
        for def in 0..4 {
            queue.push(module, Job::Function(def));
        }
        queue.push_urgent(module, Job::LoopEntry(2, 7));
        assert_eq!(queue.waiting()[0], Job::LoopEntry(2, 7));
        queue.hurry(module, Job::Function(3));
        queue.hurry(module, Job::Function(9));
        let want = [3, 0, 1, 2].map(Job::Function);
        assert_eq!(queue.waiting(), [&[want[0], Job::LoopEntry(2, 7)][..], &want[1..]].concat());
        // Asked again while waiting: moved, not doubled.
        queue.push_urgent(module, Job::Function(1));
        assert_eq!(queue.waiting().iter().filter(|&&j| j == Job::Function(1)).count(), 1);
        assert_eq!(queue.waiting()[0], Job::Function(1));
    }
}
