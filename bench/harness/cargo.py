"""Everything the harness asks cargo to do: build the Rust examples it runs
(compile_time, instance_density, wat2wasm), run the Criterion benchmark, and
install the peer engines (--install-peers)."""

import os
import subprocess
import sys

from engines import REPO_DIR, find_tool

# The peers bench/run --install-peers installs when they are missing: name -> cargo install arguments.
PEERS = {
    "wasmtime": ["wasmtime-cli@48.0.8"],
    "wasmi": ["wasmi_cli"],
}


def example_path(name):
    return os.path.join(REPO_DIR, "target", "release", "examples", name)


def build_examples(names, log=sys.stderr):
    """Build the examples in release mode; None on success, else the reason."""
    cmd = ["cargo", "build", "--quiet", "--release"] + [a for n in names for a in ("--example", n)]
    print(f"building {', '.join(names)} (cargo build --release)", file=log, flush=True)
    try:
        r = subprocess.run(cmd, cwd=REPO_DIR, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except OSError as e:
        return f"cannot run cargo: {e}"
    if r.returncode != 0:
        return "cargo build failed: " + " | ".join(r.stderr.strip().splitlines()[-3:])
    return None


def run_criterion(bench, criterion_args, log=sys.stderr):
    """`cargo bench --bench BENCH -- ARGS`; None on success, else the reason."""
    cmd = ["cargo", "bench", "--quiet", "--bench", bench, "--", *criterion_args]
    print("running " + " ".join(cmd), file=log, flush=True)
    try:
        r = subprocess.run(cmd, cwd=REPO_DIR, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    except OSError as e:
        return f"cannot run cargo: {e}"
    if r.returncode != 0:
        return "cargo bench failed: " + " | ".join(r.stderr.strip().splitlines()[-3:])
    return None


def install_peers(names, log=sys.stderr):
    """cargo install every peer in names that is not found; returns the names that failed."""
    failed = []
    for name in names:
        if name not in PEERS or find_tool(name):
            continue
        cmd = ["cargo", "install", "--locked", *PEERS[name]]
        print(f"{name} is not installed; running {' '.join(cmd)} (this takes several minutes)", file=log, flush=True)
        if subprocess.run(cmd, stdin=subprocess.DEVNULL).returncode != 0:
            failed.append(name)
    return failed
