"""The engines a program runs on: how to find each one and how to start it."""

import os
import shutil
import subprocess

from programs import BENCH_DIR, load_manifest

REPO_DIR = os.path.dirname(BENCH_DIR)
NODE_RUNNER = os.path.join(BENCH_DIR, "node-wasi.mjs")
ALL = ["silo", "silo-jit", "silo-tiered", "wasmi", "wasmtime", "node", "native"]

# Silo's tiers other than the interpreter: engine name -> the `silo run --engine` value. They
# are used as soon as `silo run --help` lists that value, and skipped with a note until then.
SILO_TIERS = {"silo-jit": "jit", "silo-tiered": "tiered"}


def find_tool(name, override=None):
    """An explicit path, else PATH, else ~/.cargo/bin."""
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which(name)
    if found:
        return found
    cargo = os.path.join(os.path.expanduser("~"), ".cargo", "bin", name)
    return cargo if os.access(cargo, os.X_OK) else None


def first_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "unknown version"
    lines = (r.stdout or r.stderr).strip().splitlines()
    return lines[0].strip() if r.returncode == 0 and lines else "unknown version"


class Engine:
    """One engine. `path` is None when it is not installed; `why` says why."""

    def __init__(self, name, label, path, why=None):
        self.name, self.label, self.path, self.why = name, label, path, why
        self.version = None

    @property
    def available(self):
        return self.path is not None

    def supports(self, program):
        return True

    def command(self, program, args):
        raise NotImplementedError


class WasmCli(Engine):
    """A CLI in the shape of `X run [flags] [--invoke NAME] FILE ARGS...`. `proposal_flags`
    maps each proposal a program may need (see `Program.proposal`) to the flags that enable it;
    None means the engine runs every proposal with no flags, and an engine skips a program whose
    proposal it does not list."""

    def __init__(self, name, label, path, why=None, flags=(), proposal_flags=None):
        super().__init__(name, label, path, why)
        self.flags = list(flags)
        self.proposal_flags = proposal_flags

    def supports(self, program):
        if program.proposal == "wasi-threads" and self.name == "wasmtime" and not wasi_threads_in(self):
            return False
        return (program.proposal is None or self.proposal_flags is None
                or program.proposal in self.proposal_flags)

    def command(self, program, args):
        invoke = ["--invoke", program.invoke] if program.invoke else []
        extra = []
        if program.proposal is not None and self.proposal_flags is not None:
            extra = list(self.proposal_flags[program.proposal])
        return [self.path, "run", *self.flags, *extra, *invoke, program.wasm, *args]

    def describe(self):
        return first_line([self.path, "--version"])


def wasi_threads_in(wasmtime):
    """Whether this wasmtime has wasi-threads: versions up to 46 do (`-S threads=y`); 47 removed
    it. An unknown version is taken to have it (a failed run then says so)."""
    version = (wasmtime.version or "").split()
    major = version[1].split(".")[0] if len(version) > 1 else ""
    return not major.isdigit() or int(major) < 47


class Node(Engine):
    # Node 20 crashes (SIGSEGV inside V8, after the program's output) in about
    # one run of hashtable in five while the GC marks concurrently; marking on
    # the main thread avoids it and costs nothing measurable here.
    FLAGS = ["--no-warnings", "--no-concurrent-marking"]

    def supports(self, program):
        # V8 has the final encoding of WebAssembly GC from Node 22 on, and exceptions with
        # `exnref` from Node 24 on (Node 20's V8 predates both); atomics since Node 16.
        # node:wasi has no wasi-threads (no `wasi.thread-spawn`).
        if program.proposal == "wasi-threads":
            return False
        needs = {None: 0, "gc": 22, "exceptions": 24, "threads": 16}[program.proposal]
        version = first_line([self.path, "--version"]).lstrip("v").split(".")[0]
        return needs == 0 or (version.isdigit() and int(version) >= needs)

    def command(self, program, args):
        invoke = ["--invoke", program.invoke] if program.invoke else []
        return [self.path, *self.FLAGS, NODE_RUNNER, *invoke, program.wasm, *args]

    def describe(self):
        return "node " + first_line([self.path, "--version"]) + " (V8, through node:wasi)"


class Native(Engine):
    def supports(self, program):
        return program.native is not None

    def command(self, program, args):
        return [program.native, *args]

    def describe(self):
        cc = os.environ.get("CC", "clang-16")
        return first_line([cc, "--version"]) + ", -O2 (bench/build.sh)"


# `silo run` keeps the native code it compiles in the user's cache by default (as wasmtime does,
# run here with `-C cache=n`): without this flag every run after the first of a program would
# load its code instead of compiling it, and `tiered` would start native.
SILO_NO_CACHE = ["--no-cache"]


def silo_tier(name, silo):
    """A Silo tier through `silo run --engine VALUE`, available only if the binary offers it."""
    value = SILO_TIERS[name]
    try:
        r = subprocess.run([silo, "run", "--help"], capture_output=True, text=True, timeout=20)
        offered = r.returncode == 0 and f"- {value}:" in r.stdout
    except (OSError, subprocess.SubprocessError):
        offered = False
    if not offered:
        return WasmCli(name, f"silo ({value})", None, f"`silo run --engine {value}` does not exist yet "
                       "(Silo has only its interpreter so far)")
    return WasmCli(name, f"silo ({value})", silo, flags=["--engine", value, *SILO_NO_CACHE])


def make_engines(names, paths):
    """Engine objects for the names asked for; paths maps a name to an explicit binary."""
    made = []
    for name in names:
        if name == "silo":
            path = paths.get("silo") or os.path.join(REPO_DIR, "target", "release", "silo")
            ok = os.path.isfile(path) and os.access(path, os.X_OK)
            why = None if ok else f"not found at {path} (cargo build --release, or --silo PATH)"
            made.append(WasmCli("silo", "silo (interp)", path if ok else None, why,
                                flags=["--engine", "interp", *SILO_NO_CACHE]))
        elif name in SILO_TIERS:
            made.append(silo_tier(name, paths.get("silo") or os.path.join(REPO_DIR, "target", "release", "silo")))
        elif name in ("wasmi", "wasmtime"):
            path = find_tool(name, paths.get(name))
            # wasmtime caches compiled modules by default; every engine compiles in every run here.
            flags = ["-C", "cache=n"] if name == "wasmtime" else []
            # wasmi has neither WebAssembly GC, exceptions nor threads; wasmtime has them behind -W
            # (and wasi-threads behind -S, up to version 46).
            proposal_flags = {
                "gc": ["-W", "gc=y,function-references=y"],
                "exceptions": ["-W", "exceptions=y,gc=y,function-references=y"],
                "threads": ["-W", "threads=y"],
                "wasi-threads": ["-W", "threads=y", "-S", "threads=y"],
            } if name == "wasmtime" else {}
            made.append(WasmCli(name, name, path, None if path else "not installed (bench/run --install-peers installs it)",
                                flags=flags, proposal_flags=proposal_flags))
        elif name == "node":
            path = find_tool("node", paths.get("node"))
            made.append(Node("node", "node", path, None if path else "not installed"))
        elif name == "native":
            # bench/build/ also holds generated modules: look for the binaries themselves.
            built = any(p.native and os.path.exists(p.native) for p in load_manifest())
            made.append(Native("native", "native", "native" if built else None,
                               None if built else "no native binaries in bench/build/ (run bench/build.sh)"))
        else:
            raise ValueError(f"unknown engine {name}; known: {', '.join(ALL)}")
    for e in made:
        if e.available:
            e.version = e.describe()
    return made
