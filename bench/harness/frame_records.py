#!/usr/bin/env python3
"""What native code's frame records cost (`Config::native_checkpoints`, turned on by
`silo run --checkpoint-on`): whole-process wall time of bench programs under `--engine jit` (or
another engine) with interrupt checks and no records (`--timeout 3600s`) against the same with
records (`--checkpoint F --checkpoint-on SIGUSR2`, a signal never sent, so no checkpoint is
written). Both make the engine interruptible, so the difference is the records alone. Median of
ROUNDS alternating runs; `--no-cache` so that every run compiles.

    python3 bench/harness/frame_records.py [--silo target/release/silo] [--engine jit] [--rounds 3]
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "..", "programs")
# (program, argument): call-heavy recursion first, then loops.
CASES = [
    ("fib", "40"),
    ("ackermann", "3000"),
    ("dispatch", "80000"),
    ("coremark", "25000"),
    ("sort", "3000000"),
    ("nbody", "10000000"),
]


def wall(cmd):
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True)
    took = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {out.stderr.decode()[-400:]}")
    return took


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--silo", default=os.path.join(HERE, "..", "..", "target", "release", "silo"))
    ap.add_argument("--engine", default="jit")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        modes = {
            "checks only": ["--timeout", "3600s"],
            "with records": ["--checkpoint", os.path.join(tmp, "x.ckpt"), "--checkpoint-on", "SIGUSR2"],
        }
        print(f"| program | {args.engine}, checks only | with records | ratio |")
        print("|---|---:|---:|---:|")
        for name, size in CASES:
            times = {m: [] for m in modes}
            for _ in range(args.rounds):
                for mode, flags in modes.items():
                    module = os.path.join(PROGRAMS, name + ".wasm")
                    cmd = [args.silo, "run", "--no-cache", "--engine", args.engine, *flags, module, size]
                    times[mode].append(wall(cmd))
            plain, records = (statistics.median(times[m]) for m in modes)
            print(f"| {name} {size} | {plain:.3f} s | {records:.3f} s | {records / plain:.2f} |", flush=True)


if __name__ == "__main__":
    main()
