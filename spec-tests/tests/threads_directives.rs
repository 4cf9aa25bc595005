//! The script threads of the threads proposal's tests (`thread`, `wait`): threads sharing a
//! memory through `(shared (module $M))` run at once, each with its own store, and their
//! outcomes join the file's — passing and failing alike — in every tier.

use silo_spec_tests::{Tier, folders, run_wast};

/// A memory shared by the script and its threads: a message passed with `wait`/`notify`, and a
/// counter two threads add to.
const SCRIPT: &str = r#"
(module $Mem (memory (export "shared") 1 1 shared))
(register "mem")

(thread $Reader (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "receive") (result i32)
      (block $ready (loop $again
        (br_if $ready (i32.atomic.load (i32.const 4)))
        (drop (memory.atomic.wait32 (i32.const 4) (i32.const 0) (i64.const -1)))
        (br $again)))
      (i32.load (i32.const 0))))
  (assert_return (invoke "receive") (i32.const 42))
)

(thread $Writer (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "send")
      (i32.store (i32.const 0) (i32.const 42))
      (i32.atomic.store (i32.const 4) (i32.const 1))
      (drop (memory.atomic.notify (i32.const 4) (i32.const 1)))))
  (invoke "send")
)

(thread $Add1 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "add") (local $i i32)
      (loop $more
        (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $i) (i32.const 20000))))))
  (invoke "add")
)

(thread $Add2 (shared (module $Mem))
  (register "mem" $Mem)
  (module
    (memory (import "mem" "shared") 1 1 shared)
    (func (export "add") (local $i i32)
      (loop $more
        (drop (i32.atomic.rmw.add (i32.const 8) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $i) (i32.const 20000))))))
  (invoke "add")
)

(wait $Reader)
(wait $Writer)
(wait $Add1)
(wait $Add2)

(module $Check
  (memory (import "mem" "shared") 1 1 shared)
  (func (export "total") (result i32) (i32.atomic.load (i32.const 8))))
(assert_return (invoke $Check "total") (i32.const 40000))
"#;

#[test]
fn script_threads_share_memory_and_report_their_outcomes() {
    let features = folders::proposal_features("threads").unwrap();
    for tier in [Tier::Interp, Tier::Jit, Tier::Tiered, Tier::TieredEager] {
        let engine = tier.engine(features).unwrap();
        for _ in 0..5 {
            let result = run_wast(SCRIPT, &engine);
            let failures: Vec<_> = result.failures().collect();
            assert!(failures.is_empty(), "{}: {failures:?}", tier.name());
            // 2 + 4 threads x (thread, register, module, invoke/assert) + 4 waits + 2 checks.
            assert_eq!(result.outcomes.len(), 2 + 4 * 4 + 4 + 2, "{}", tier.name());
        }
    }
}

#[test]
fn a_thread_s_failures_are_the_file_s() {
    let script = r#"
(module $Mem (memory (export "shared") 1 1 shared))
(thread $T (shared (module $Mem))
  (register "mem" $Mem)
  (module (memory (import "mem" "shared") 1 1 shared)
    (func (export "get") (result i32) (i32.load (i32.const 0))))
  (assert_return (invoke "get") (i32.const 1))
)
(wait $T)
(wait $Nobody)
"#;
    let features = folders::proposal_features("threads").unwrap();
    let engine = Tier::Interp.engine(features).unwrap();
    let result = run_wast(script, &engine);
    let failed: Vec<(usize, &str)> = result.failures().map(|o| (o.line, o.kind)).collect();
    assert_eq!(failed, [(7, "assert_return"), (10, "wait")]);
}
