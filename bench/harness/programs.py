"""The benchmark programs: read programs/manifest.txt into Program records."""

import os
from dataclasses import dataclass

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS_DIR = os.path.join(BENCH_DIR, "programs")
NATIVE_DIR = os.path.join(BENCH_DIR, "build")
MANIFEST = os.path.join(PROGRAMS_DIR, "manifest.txt")

# The program whose time is reported as start-up rather than throughput.
STARTUP = "hello"


@dataclass(frozen=True)
class Program:
    name: str
    kind: str  # "c" (a WASI command, also native) or "wat" (an export to invoke)
    invoke: str | None
    quick: str | None  # arguments, comma-separated ("1500,2"); None for none
    full: str | None
    measures: str
    source: str = ""  # the module's name, when several programs run one module ("" = name)

    @property
    def module(self):
        return self.source or self.name

    @property
    def proposal(self):
        """The proposal beyond WebAssembly 2.0 the module needs: "gc" for the `gc-` programs,
        "exceptions" for the `exn-` ones, "threads" (atomic instructions, on an unshared
        memory) for `atomics`, "wasi-threads" (threads, a shared memory and the
        `wasi.thread-spawn` import) for modules named `threads-`, None for the rest. Engines
        without it skip the program; wasmtime runs it with the proposal enabled."""
        if self.module.startswith("threads-"):
            return "wasi-threads"
        if self.name.startswith("gc-"):
            return "gc"
        if self.name.startswith("exn-"):
            return "exceptions"
        if self.name == "atomics":
            return "threads"
        return None

    @property
    def wasm(self):
        return os.path.join(PROGRAMS_DIR, self.module + ".wasm")

    @property
    def native(self):
        return os.path.join(NATIVE_DIR, self.module) if self.kind == "c" else None

    def size(self, quick):
        return self.quick if quick else self.full

    def args(self, quick):
        size = self.size(quick)
        return [] if size is None else size.split(",")


def load_manifest(path=MANIFEST):
    programs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(None, 5)
            if len(fields) != 6 or fields[1] not in ("c", "wat"):
                raise ValueError(f"{path}:{lineno}: expected: name kind invoke quick full measures")
            name, kind, invoke, quick, full, measures = fields
            name, _, source = name.partition(":")
            if kind == "wat" and invoke == "-":
                raise ValueError(f"{path}:{lineno}: a wat program needs an export to invoke")
            dash = lambda s: None if s == "-" else s  # noqa: E731
            programs.append(Program(name, kind, dash(invoke), dash(quick), dash(full), measures, source))
    return programs


def select(programs, names):
    """The programs named (comma-separated; a module's name selects every program that runs it),
    in manifest order; all when names is None."""
    if names is None:
        return programs
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    known = {p.name for p in programs} | {p.module for p in programs}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise ValueError(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return [p for p in programs if p.name in wanted or p.module in wanted]
