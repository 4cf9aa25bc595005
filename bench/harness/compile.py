"""Compile throughput: megabytes of wasm per second that each engine decodes,
validates and compiles, measured on two modules: the large module
bench/gen_large.py generates (into bench/build/, never committed), many small
functions of one shape, and a real program, bench/programs/sqlite.wasm (SQLite
and a driver, built by bench/build.sh), whose functions have the sizes and
shapes a C compiler produces.

Silo is timed in process by examples/compile_time.rs (Module::new, then
translate_all). The other engines are timed as whole processes, minus the
same command on an empty module (the generator with --funcs 0), so that
process start-up is not counted; node is timed inside the process by
node-compile.mjs. Every row says what its time covers."""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import cargo
from programs import BENCH_DIR, PROGRAMS_DIR
from report import markdown_table

GENERATOR = os.path.join(BENCH_DIR, "gen_large.py")
NODE_COMPILE = os.path.join(BENCH_DIR, "node-compile.mjs")
FULL_FUNCS, QUICK_FUNCS = 10000, 400
FULL_REPS = 5
REALISTIC = os.path.join(PROGRAMS_DIR, "sqlite.wasm")


@dataclass
class Row:
    engine: str
    mode: str
    covers: str
    seconds: list = field(default_factory=list)
    cpu: list = field(default_factory=list)  # CPU seconds (user + system) of the process, when known
    error: str | None = None


@dataclass
class Result:
    module: str = ""
    size: int = 0
    about: str = ""  # what the module is, for the report
    reps: int = 0
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def generate(funcs, log):
    out = os.path.join(BENCH_DIR, "build", f"large-{funcs}.wasm")
    if not os.path.exists(out):
        print(f"generating {os.path.relpath(out)} ({funcs} functions)", file=log, flush=True)
        r = subprocess.run([sys.executable, GENERATOR, "--funcs", str(funcs), out], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("gen_large.py failed: " + r.stderr.strip()[-300:])
    return out


def timed(cmd):
    """(wall seconds, CPU seconds, stdout) of one process; raises on failure."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            tail = " | ".join(err.read().decode(errors="replace").strip().splitlines()[-2:])
            raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}: {tail[:200]}")
        return wall, usage.ru_utime + usage.ru_stime, out.read().decode(errors="replace")


def process_row(row, cmd_for, big, empty, reps):
    """Whole-process time on the big module minus the median on the empty one."""
    base = statistics.median(timed(cmd_for(empty))[0] for _ in range(3))
    for _ in range(reps):
        wall, cpu, _ = timed(cmd_for(big))
        row.seconds.append(max(wall - base, 1e-6))
        row.cpu.append(cpu)


def silo_rows(big, reps):
    new = Row("silo", "Module::new", "decode + validate (functions are translated on first call)")
    translate = Row("silo", "translate_all", "translate every function to interpreter code (after Module::new)")
    total = Row("silo", "new + translate_all", "decode + validate + translate everything")
    jit = Row("silo-jit", "new + translate_all (Jit)",
              "decode + validate + compile every function with Cranelift, on all cores")
    err = cargo.build_examples(["compile_time"])
    if err:
        for r in (new, translate, total, jit):
            r.error = err
        return [new, translate, total, jit]
    _, _, out = timed([cargo.example_path("compile_time"), big, str(reps)])
    for line in out.splitlines():
        fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
        a, b = float(fields["new_s"]), float(fields["translate_s"])
        new.seconds.append(a)
        translate.seconds.append(b)
        total.seconds.append(a + b)
        jit.seconds.append(float(fields["jit_s"]))
    return [new, translate, total, jit]


def peer_rows(engine, big, empty, reps, tmp):
    if engine.name == "wasmi":
        specs = [("lazy-translation (default)", "decode + validate; translation on first call",
                  ["--compilation-mode", "lazy-translation"]),
                 ("eager", "decode + validate + translate every function", ["--compilation-mode", "eager"])]
        cmds = [(m, c, lambda f, flags=flags: [engine.path, "run", *flags, "--invoke", "nop", f])
                for m, c, flags in specs]
    elif engine.name == "wasmtime":
        cmds = [("compile (Cranelift)", "decode + validate + optimize and compile every function, "
                 "on all cores; writes a .cwasm",
                 lambda f: [engine.path, "compile", "-o", os.path.join(tmp, "out.cwasm"), f])]
    elif engine.name == "node":
        specs = [("default (lazy)", "decode + validate; Liftoff compiles on first call, TurboFan when hot", []),
                 ("--no-wasm-lazy-compilation", "+ Liftoff (baseline) code for every function",
                  ["--no-wasm-lazy-compilation"]),
                 ("--no-wasm-lazy-compilation --no-liftoff", "+ TurboFan (optimized) code for every function",
                  ["--no-wasm-lazy-compilation", "--no-liftoff"])]
        rows = []
        for mode, covers, flags in specs:
            row = Row("node", mode, covers + "; timed inside the process, on background threads too")
            try:
                for _ in range(reps):
                    _, cpu, out = timed([engine.path, *flags, NODE_COMPILE, big])
                    row.seconds.append(float(re.search(r"seconds=([\d.]+)", out).group(1)))
                    row.cpu.append(cpu)
            except (RuntimeError, AttributeError) as e:
                row.error = str(e)
            rows.append(row)
        return rows
    else:
        return []
    rows = []
    for mode, covers, cmd_for in cmds:
        row = Row(engine.name, mode, covers + "; whole process minus an empty module's")
        try:
            process_row(row, cmd_for, big, empty, reps)
        except RuntimeError as e:
            row.error = str(e)
        rows.append(row)
    return rows


def measure(engines, quick, log=sys.stderr):
    """One Result per module: the generated one, then the realistic one."""
    funcs, reps = (QUICK_FUNCS, 1) if quick else (FULL_FUNCS, FULL_REPS)
    big, empty = generate(funcs, log), generate(0, log)
    modules = [(big, f"{funcs} functions generated by `bench/gen_large.py` (arithmetic, loops, loads and stores, "
                     f"calls, `call_indirect`, `br_table`)"),
               (REALISTIC, "SQLite 3.53 and the `sqlite` benchmark's driver, built by `bench/build.sh` with "
                           "clang-16 -O2: a real C program of about 270,000 lines")]
    return [measure_module(engines, module, about, empty, reps, log) for module, about in modules]


def measure_module(engines, module, about, empty, reps, log):
    result = Result(os.path.relpath(module, os.path.dirname(BENCH_DIR)), os.path.getsize(module), about, reps)
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            print(f"compile throughput: {engine.name} on {os.path.basename(module)}", file=log, flush=True)
            if engine.name == "silo":
                try:
                    result.rows += silo_rows(module, reps)
                except (RuntimeError, KeyError, ValueError) as e:
                    result.rows.append(Row("silo", "Module::new", "", error=str(e)))
            elif engine.name == "native":
                continue
            else:
                result.rows += peer_rows(engine, module, empty, reps, tmp)
    for row in result.rows:
        if row.error:
            print(f"compile throughput: {row.engine} {row.mode} on {result.module}: FAIL: {row.error}", file=log)
    return result


def mb_per_s(size, seconds):
    return size / 1e6 / seconds


def markdown(results):
    out = ["## Compile throughput (MB of wasm per second)", "",
           f"Medians of {results[0].reps} repetition(s); MB/s = size / time. What each time covers differs: "
           f"read the last column. CPU is user + system time of the process, where several threads compile.", ""]
    for result in results:
        out += [f"`{result.module}`, {result.size / 1e6:.2f} MB: {result.about}.", ""]
        rows = []
        for r in result.rows:
            if r.error:
                rows.append([r.engine, r.mode, "FAIL", "—", "—", r.error[:120]])
                continue
            t = statistics.median(r.seconds)
            cpu = f"{statistics.median(r.cpu):.3f}" if r.cpu else "—"
            rows.append([r.engine, r.mode, f"{t:.3f}", f"{mb_per_s(result.size, t):.1f}", cpu, r.covers])
        out.append(markdown_table(["engine", "mode", "median s", "MB/s", "process CPU s", "covers"], rows))
        out += [""] + [f"- {n}" for n in result.notes] + [""]
    return "\n".join(out).rstrip() + "\n"


def console(results):
    lines = []
    for result in results:
        lines.append(f"compile throughput on {result.module} ({result.size / 1e6:.2f} MB):")
        for r in result.rows:
            if r.error:
                lines.append(f"  {r.engine:<9} {r.mode:<40} FAIL: {r.error[:100]}")
            else:
                t = statistics.median(r.seconds)
                lines.append(f"  {r.engine:<9} {r.mode:<40} {t:8.3f} s {mb_per_s(result.size, t):8.1f} MB/s")
    return "\n".join(lines)
