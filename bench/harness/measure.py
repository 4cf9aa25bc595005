"""Timing: run every (program, engine) pair once per round, rotating the
engine order from round to round so that drift of a shared machine falls on
every engine alike, and check each run's output.

Each run's peak resident memory is its rusage's ru_maxrss. Linux carries the
parent's peak RSS into a child at exec, so a child of this (Python) process
never reports less than the harness's own peak. Where GNU time is installed
(/usr/bin/time), runs are started through it: a small process whose child
starts with a small peak, and which reports that child's exact ru_maxrss. The
launch adds about a millisecond to every engine's time alike; start-up runs
(hello) are started directly, to keep that figure clean, and their RSS is the
floor-limited one. Without GNU time the Outcome records the floor, and the
report shows cells at it as "≤ floor"."""

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

from programs import STARTUP

# hello takes milliseconds, so it is run this many times per round.
STARTUP_RUNS_PER_ROUND = 4


@dataclass
class Outcome:
    samples: dict = field(default_factory=dict)  # (program, engine) -> [seconds]
    failures: dict = field(default_factory=dict)  # (program, engine) -> reason
    rss: dict = field(default_factory=dict)  # (program, engine) -> [peak RSS in KiB]
    rss_floor: int = 0  # KiB: the harness's own peak RSS, below which no direct child can report
    exact_rss: bool = False  # whether runs other than start-up went through GNU time


@dataclass
class Run:
    seconds: float
    stdout: str
    error: str | None
    maxrss_kib: int = 0


def spawn_and_wait(cmd, timeout):
    """Run cmd to its end (killed after timeout s): (seconds, exit code, rusage, stdout, stderr, timed out)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # Its own process group, so that a timeout kills a launcher's child too.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        expired = threading.Event()

        def expire():
            expired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        killer = threading.Timer(timeout, expire)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        out.seek(0)
        err.seek(0)
        decode = lambda f: f.read().decode("utf-8", errors="replace")  # noqa: E731
        return elapsed, proc.returncode, usage, decode(out), decode(err), expired.is_set()


GNU_TIME = "/usr/bin/time"


def exact_rss_launcher():
    """Whether GNU time is here to report each run's own peak RSS."""
    try:
        r = subprocess.run([GNU_TIME, "-f", "%M", "true"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0 and r.stderr.strip().isdigit()


def run_once(cmd, timeout, exact_rss=False):
    """A Run: wall seconds, stdout, error or None, and peak RSS (KiB)."""
    with tempfile.NamedTemporaryFile("r") as rss_file:
        launch = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file.name, *cmd] if exact_rss else cmd
        try:
            elapsed, code, usage, stdout, stderr, timed_out = spawn_and_wait(launch, timeout)
        except OSError as e:
            return Run(0.0, "", f"cannot start: {e}")
        if exact_rss:
            text = rss_file.read().strip().splitlines()
            if text and text[-1].isdigit():
                usage = ExactRss(int(text[-1]))
    return finish_run(elapsed, code, usage, stdout, stderr, timed_out, timeout)


@dataclass
class ExactRss:
    """The one rusage field the report needs, as GNU time reported it for the run itself."""
    ru_maxrss: int


def finish_run(elapsed, code, usage, stdout, stderr, timed_out, timeout):
    """The Run for a finished process."""
    if timed_out:
        return Run(elapsed, "", f"timed out after {timeout} s", usage.ru_maxrss)
    if code != 0:
        if code < 0:
            try:
                status = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                status = f"killed by signal {-code}"
        else:
            status = f"exit status {code}"
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        return Run(elapsed, stdout, f"{status}: {tail[:300]}" if tail else status, usage.ru_maxrss)
    return Run(elapsed, stdout, None, usage.ru_maxrss)


def run_native_untimed(program, args, timeout=600):
    """The native output of a program, used as its reference when none is recorded."""
    if program.native is None:
        return None
    run = run_once([program.native, *args], timeout)
    return None if run.error else run.stdout


def rotated(items, k):
    if not items:
        return items
    k %= len(items)
    return items[k:] + items[:k]


def measure(programs, engines, references, quick, reps, timeout, log=sys.stderr):
    outcome = Outcome()
    exact_rss = exact_rss_launcher()
    outcome.exact_rss = exact_rss
    width = max(len(p.name) for p in programs)
    turn = 0  # rotates the engine order for every group of runs
    for rnd in range(reps):
        for program in programs:
            args = program.args(quick)
            runs = STARTUP_RUNS_PER_ROUND if program.name == STARTUP else 1
            for _ in range(runs):
                pairs = [e for e in engines if e.supports(program) and (program.name, e.name) not in outcome.failures]
                for engine in rotated(pairs, turn):
                    exact = exact_rss and program.name != STARTUP
                    if not exact:
                        outcome.rss_floor = max(outcome.rss_floor, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
                    run = run_once(engine.command(program, args), timeout, exact)
                    err = run.error or references.check(program, quick, run.stdout)
                    status = "ok" if err is None else "FAIL: " + err
                    print(f"[{rnd + 1}/{reps}] {program.name:<{width}} {engine.name:<8} {run.seconds:9.3f} s "
                          f"{run.maxrss_kib / 1024:7.1f} MiB  {status}", file=log, flush=True)
                    key = (program.name, engine.name)
                    if err is None:
                        outcome.samples.setdefault(key, []).append(run.seconds)
                        outcome.rss.setdefault(key, []).append(run.maxrss_kib)
                    else:
                        outcome.failures[key] = err
                turn += 1
    return outcome
