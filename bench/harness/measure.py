"""Timing: run every (program, engine) pair once per round, rotating the
engine order from round to round so that drift of a shared machine falls on
every engine alike, and check each run's output."""

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from programs import STARTUP

# hello takes milliseconds, so it is run this many times per round.
STARTUP_RUNS_PER_ROUND = 4


@dataclass
class Outcome:
    samples: dict = field(default_factory=dict)  # (program, engine) -> [seconds]
    failures: dict = field(default_factory=dict)  # (program, engine) -> reason


def run_once(cmd, timeout):
    """(seconds, stdout, error or None)."""
    start = time.perf_counter()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, "", f"timed out after {timeout} s"
    except OSError as e:
        return 0.0, "", f"cannot start: {e}"
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        if r.returncode < 0:
            try:
                status = f"killed by {signal.Signals(-r.returncode).name}"
            except ValueError:
                status = f"killed by signal {-r.returncode}"
        else:
            status = f"exit status {r.returncode}"
        tail = " | ".join(r.stderr.strip().splitlines()[-3:])
        return elapsed, r.stdout, f"{status}: {tail[:300]}" if tail else status
    return elapsed, r.stdout, None


def run_native_untimed(program, args, timeout=600):
    """The native output of a program, used as its reference when none is recorded."""
    if program.native is None:
        return None
    _, out, err = run_once([program.native, *args], timeout)
    return None if err else out


def rotated(items, k):
    if not items:
        return items
    k %= len(items)
    return items[k:] + items[:k]


def measure(programs, engines, references, quick, reps, timeout, log=sys.stderr):
    outcome = Outcome()
    width = max(len(p.name) for p in programs)
    turn = 0  # rotates the engine order for every group of runs
    for rnd in range(reps):
        for program in programs:
            args = program.args(quick)
            runs = STARTUP_RUNS_PER_ROUND if program.name == STARTUP else 1
            for _ in range(runs):
                pairs = [e for e in engines if e.supports(program) and (program.name, e.name) not in outcome.failures]
                for engine in rotated(pairs, turn):
                    seconds, out, err = run_once(engine.command(program, args), timeout)
                    err = err or references.check(program, quick, out)
                    status = "ok" if err is None else "FAIL: " + err
                    print(f"[{rnd + 1}/{reps}] {program.name:<{width}} {engine.name:<8} {seconds:9.3f} s  {status}",
                          file=log, flush=True)
                    key = (program.name, engine.name)
                    if err is None:
                        outcome.samples.setdefault(key, []).append(seconds)
                    else:
                        outcome.failures[key] = err
                turn += 1
    return outcome
