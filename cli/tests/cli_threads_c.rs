//! `silo run` with the pthreads programs in `tests/programs/threads` (C compiled for
//! `wasm32-wasi-threads`; see the README there): the parallel sum and the producer/consumer give
//! the right answer 100 times in a row in every engine, and the worker that traps, the worker that
//! exits and the program that spawns without end all stop cleanly with the right status.

use std::path::PathBuf;
use std::process::{Command, Output};

const ENGINES: [&str; 3] = ["interp", "jit", "tiered"];

fn program(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/programs/threads")
        .join(format!("{name}.wasm"))
}

fn run(engine: &str, extra: &[&str], name: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silo"))
        .args(["run", "--engine", engine, "--timeout", "60s"])
        .args(extra)
        .arg(program(name))
        .output()
        .expect("silo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `name` 100 times in every engine and checks each run's output and status.
fn hundred_times(name: &str, expected: &str) {
    for engine in ENGINES {
        for round in 0..100 {
            let out = run(engine, &[], name);
            assert_eq!(
                (out.status.code(), text(&out.stdout).as_str()),
                (Some(0), expected),
                "{name}, {engine}, run {round}; stderr: {}",
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn parallel_sum_is_right_100_times_in_every_engine() {
    hundred_times("parallel_sum", "parallel_sum: threads=4 total=7999998000000\n");
}

#[test]
fn producer_consumer_is_right_100_times_in_every_engine() {
    hundred_times(
        "producer_consumer",
        "producer_consumer: items=100000 sum=5000050000 checksum=6fbe40e5\n",
    );
}

#[test]
fn parallel_sum_with_many_workers_grows_the_shared_memory() {
    for engine in ENGINES {
        let out = Command::new(env!("CARGO_BIN_EXE_silo"))
            .args(["run", "--engine", engine])
            .arg(program("parallel_sum"))
            .arg("16")
            .output()
            .expect("silo runs");
        assert_eq!(
            text(&out.stdout),
            "parallel_sum: threads=16 total=7999998000000\n",
            "{engine}: {}",
            text(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(0), "{engine}");
    }
}

#[test]
fn a_worker_trap_ends_the_program_with_the_trap() {
    for engine in ENGINES {
        let out = run(engine, &[], "thread_trap");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(134), "{engine}: {stderr}");
        assert_eq!(text(&out.stdout), "thread_trap: main waiting in pthread_join\n", "{engine}");
        assert!(stderr.contains("trapped: unreachable"), "{engine}: {stderr}");
        assert!(stderr.contains("worker"), "{engine}: the backtrace names the worker: {stderr}");
    }
}

#[test]
fn a_worker_exit_ends_the_program_with_its_status() {
    for engine in ENGINES {
        let out = run(engine, &[], "thread_exit");
        assert_eq!(out.status.code(), Some(3), "{engine}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "thread_exit: main sleeping\nthread_exit: worker calls exit(3)\n",
            "{engine}"
        );
    }
}

#[test]
fn spawning_without_end_stops_at_the_thread_quota() {
    for engine in ENGINES {
        let out = run(engine, &["--max-threads", "12"], "spawn_forever");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{engine}: {stderr}");
        assert_eq!(text(&out.stdout), "pthread_create failed: 6 after 12 threads\n", "{engine}");
        assert!(
            stderr.contains("threads quota exceeded: limit 12 running at once besides the first"),
            "{engine}: {stderr}"
        );
    }
}

#[test]
fn spawning_without_end_stops_when_the_memory_has_no_room_for_stacks() {
    // Without a quota the guest's own allocator gives out first: 1020 threads fill its 64 MiB
    // memory with their stacks, as in wasmtime.
    let out = run("jit", &[], "spawn_forever");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "pthread_create failed: 6 after 1020 threads\n");
}
