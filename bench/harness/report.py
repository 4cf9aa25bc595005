"""Turn samples into medians, ratios and geometric means; render them as a
console summary or as bench/RESULTS.md."""

import math
import os
import platform
import statistics
import subprocess
from datetime import datetime, timezone

from programs import BENCH_DIR, STARTUP

CHART_NAME = "results.svg"


def medians(outcome):
    return {key: statistics.median(s) for key, s in outcome.samples.items() if s}


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def ratio_columns(engine_names):
    """(numerator, denominator) pairs: silo's interpreter against wasmi, silo's native tiers
    against wasmtime, every engine against native."""
    cols = []
    if "silo" in engine_names and "wasmi" in engine_names:
        cols.append(("silo", "wasmi"))
    for tier in ("silo-jit", "silo-tiered"):
        if tier in engine_names and "wasmtime" in engine_names:
            cols.append((tier, "wasmtime"))
    if "native" in engine_names:
        cols += [(e, "native") for e in engine_names if e != "native"]
    return cols


def ratio_table(programs, engine_names, med):
    """rows of (program, [ratio or None]) and the geometric-mean row, start-up excluded."""
    cols = ratio_columns(engine_names)
    rows = []
    for p in programs:
        if p.name == STARTUP:
            continue
        row = []
        for num, den in cols:
            a, b = med.get((p.name, num)), med.get((p.name, den))
            row.append(a / b if a and b else None)
        rows.append((p.name, row))
    means = [geomean([r[i] for _, r in rows]) for i in range(len(cols))]
    return cols, rows, means


# Tiering must never lose to the JIT by more than its compile latency: tiered time at most the
# JIT's times this factor plus this many seconds.
TIERING_FACTOR, TIERING_SLACK = 1.05, 0.020


def tiering_check(programs, med):
    """For every program both silo-jit and silo-tiered ran: (program, tiered / jit, whether the
    tiered time breaks the bound jit x TIERING_FACTOR + TIERING_SLACK)."""
    rows = []
    for p in programs:
        if p.name == STARTUP:
            continue
        jit, tiered = med.get((p.name, "silo-jit")), med.get((p.name, "silo-tiered"))
        if jit and tiered:
            rows.append((p.name, tiered / jit, tiered > jit * TIERING_FACTOR + TIERING_SLACK))
    return rows


def tiering_section(programs, med):
    rows = tiering_check(programs, med)
    if not rows:
        return []
    body = [[name, fmt_ratio(r), "**breach**" if breach else "ok"] for name, r, breach in rows]
    return [f"## Tiering against the JIT (bound: tiered ≤ jit × {TIERING_FACTOR} + "
            f"{TIERING_SLACK * 1000:.0f} ms)", "",
            markdown_table(["program", "silo-tiered / silo-jit", "within the bound"], body), ""]


def speedup_section(programs, engines, med):
    """For programs that run one module with other arguments (`threads-1`, `threads-2`): how many
    times faster each is than the first of them, per engine."""
    firsts, rows = {}, []
    for p in programs:
        first = firsts.setdefault(p.module, p)
        if first is p:
            continue
        cells = []
        for e in engines:
            a, b = med.get((first.name, e.name)), med.get((p.name, e.name))
            cells.append(fmt_ratio(a / b) if a and b else "—")
        rows.append([f"{p.name} (over {first.name})"] + cells)
    if not rows:
        return []
    return ["## Speed-up: one module, other arguments (time of the first / time of this one)", "",
            markdown_table(["program"] + [e.label for e in engines], rows), ""]


def rss_cell(outcome, failures, program, engine, supported):
    """Median peak RSS in MiB; "≤ N" when it is at the floor the harness imposes (see measure.py)."""
    if (program, engine) in failures:
        return "FAIL"
    if not supported:
        return "n/a"
    s = outcome.rss.get((program, engine))
    if not s:
        return "—"
    kib = statistics.median(s)
    floored = not outcome.exact_rss or program == STARTUP
    if floored and kib <= outcome.rss_floor * 1.02:
        return f"≤ {outcome.rss_floor / 1024:.0f}"
    return f"{kib / 1024:.1f}"


def rss_section(programs, engines, outcome):
    how = ("Each run's own `ru_maxrss`, reported by GNU time (`/usr/bin/time -f %M`), which starts the run. "
           if outcome.exact_rss else "Each run's `ru_maxrss` from `os.wait4` (GNU time is not installed). ")
    floor = ("Linux carries a parent's peak RSS into its child at exec, so runs started directly by the "
             f"harness (all of them without GNU time; `hello` always) cannot report less than its own peak, "
             f"{outcome.rss_floor / 1024:.1f} MiB here; cells at that floor are shown as \"≤\". "
             if outcome.rss_floor else "")
    out = ["## Peak memory: median peak RSS (MiB)", "",
           how + floor + "Resident memory counts pages touched, not address space reserved (Silo and "
           "wasmtime reserve 4 GiB or more per 32-bit memory).", ""]
    rows = [[p.name] + [rss_cell(outcome, outcome.failures, p.name, e.name, e.supports(p)) for e in engines]
            for p in programs]
    out.append(markdown_table(["program"] + [e.label for e in engines], rows))
    out.append("")
    return out


def worst_spread(outcome):
    """The largest (max - min) / median over the throughput cells with several samples."""
    spreads = [(max(s) - min(s)) / statistics.median(s)
               for (prog, _), s in outcome.samples.items() if len(s) > 1 and prog != STARTUP]
    return max(spreads) if spreads else None


def fmt_time(t):
    return "—" if t is None else f"{t:.3f}"


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}"


def cell(med, failures, program, engine, supported):
    if (program, engine) in failures:
        return "FAIL"
    if not supported:
        return "n/a"
    return fmt_time(med.get((program, engine)))


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 1048576:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = platform.system() + " " + platform.release()
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    system = line.split("=", 1)[1].strip().strip('"') + ", " + system
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores{memory}; {system}"


def revision():
    """The repository's commit, marked dirty when the working tree has changes."""
    try:
        r = subprocess.run(["git", "-C", os.path.dirname(BENCH_DIR), "describe", "--always", "--dirty"],
                           capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return r.stdout.strip() if r.returncode == 0 else "unknown"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def program_sections(ctx, med):
    """The tables of the timed program runs: times, ratios, the chart's link, start-up, peak memory."""
    programs, engines, outcome = ctx["programs"], ctx["engines"], ctx["outcome"]
    names = [e.name for e in engines]
    fail = outcome.failures
    out = []
    out.append("## Median wall time (s)")
    out.append("")
    rows = []
    for p in programs:
        if p.name == STARTUP:
            continue
        rows.append([p.name, p.size(ctx["quick"]) or "—"] +
                    [cell(med, fail, p.name, e.name, e.supports(p)) for e in engines])
    out.append(markdown_table(["program", "size"] + [e.label for e in engines], rows))
    out.append("")

    cols, rrows, means = ratio_table(programs, names, med)
    if cols:
        out.append("## Ratios of median times (below 1: the first engine is faster)")
        out.append("")
        header = ["program"] + [f"{a} / {b}" for a, b in cols]
        body = [[n] + [fmt_ratio(r) for r in row] for n, row in rrows]
        body.append(["**geometric mean**"] + [f"**{fmt_ratio(m)}**" for m in means])
        out.append(markdown_table(header, body))
        out.append("")

    out += tiering_section(programs, med)
    out += speedup_section(programs, engines, med)

    if ctx.get("chart"):
        out.append(f"![each program's time relative to {ctx['chart']}, log scale]({CHART_NAME})")
        out.append("")
        out.append(f"The chart, [`{CHART_NAME}`]({CHART_NAME}): each program's median time on every engine relative "
                   f"to {ctx['chart']}, on a log scale, with the geometric mean.")
        out.append("")

    if any(p.name == STARTUP for p in programs):
        out.append(f"## Start-up: `{STARTUP}` (ms)")
        out.append("")
        srows = []
        for e in engines:
            t = med.get((STARTUP, e.name))
            val = "FAIL" if (STARTUP, e.name) in fail else ("—" if t is None else f"{t * 1000:.1f}")
            srows.append([e.label, val])
        out.append(markdown_table(["engine", "median"], srows))
        out.append("")

    if outcome.rss:
        out += rss_section(programs, engines, outcome)
    return out


def render(ctx):
    """ctx: programs, engines (available), skipped, outcome, quick, reps, command, revision; optional:
    run_programs (False when the programs were not run), chart (the chart's baseline engine, when
    one was written), sections (markdown of the other parts), notes."""
    engines, outcome = ctx["engines"], ctx["outcome"]
    med = medians(outcome)
    fail = outcome.failures
    out = ["# Silo benchmark results", ""]
    out.append("Written by `bench/run`; do not edit by hand. Program times are medians of wall-clock time for a "
               "whole process (start-up, load, compile and run), in seconds. Only the ratios between engines in "
               "this one run mean anything: the machine is shared, and absolute times drift.")
    out.append("")
    out.append(f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    out.append(f"- Machine: {machine()}")
    out.append(f"- Command: `{ctx['command']}`")
    out.append(f"- Repository: {ctx['revision']} (at the start of the run)")
    mode = "quick sizes" if ctx["quick"] else "full sizes"
    if ctx.get("run_programs", True):
        out.append(f"- Mode: {mode}, {ctx['reps']} round(s) of the programs; engine order rotated every round")
    else:
        # The other parts say their own repetitions.
        out.append(f"- Mode: {mode}; the programs were not run")
    for e in engines:
        out.append(f"- {e.label}: {e.version}")
    for e in ctx["skipped"]:
        out.append(f"- {e.label}: skipped, {e.why}")
    spread = worst_spread(outcome)
    if spread is not None:
        out.append(f"- Largest spread of a program/engine cell, (max − min) / median: {spread:.0%} (start-up excluded)")
    out.append("")

    if ctx.get("run_programs", True):
        out += program_sections(ctx, med)

    for section in ctx.get("sections", []):
        out.append(section)

    if ctx.get("notes"):
        out += ["## Notes", ""] + [f"- {note}" for note in ctx["notes"]] + [""]

    if fail:
        out.append("## Failures")
        out.append("")
        for (prog, eng), why in sorted(fail.items()):
            out.append(f"- {prog} on {eng}: {why}")
        out.append("")
    return "\n".join(out)


def render_section(ctx, title):
    """The run as the section `## title` of a results file: the document `render` makes, its title
    replaced and every heading one level down."""
    lines = render(ctx).split("\n")
    assert lines[0].startswith("# ")
    body = ["#" + line if line.startswith("## ") else line for line in lines[1:]
            if not line.startswith("Written by `bench/run`")]
    while body and not body[0].strip():  # the blank lines around the paragraph left out
        body.pop(0)
    intro = ("Measured apart from the run above: the ratios within this section compare engines in "
             "this run only.")
    return "\n".join([f"## {title}", "", intro, ""] + body).rstrip() + "\n"


def replace_section(document, title, section):
    """`document` with its section `## title` (up to the next `## ` heading) replaced by `section`,
    or with `section` appended when it has none."""
    lines = document.split("\n")
    heading = f"## {title}"
    if heading not in lines:
        return document.rstrip("\n") + "\n\n" + section
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    rest = "\n".join(lines[end:])
    return "\n".join(lines[:start]) + "\n" + section + ("\n" + rest if rest else "")


def console(ctx):
    """A compact plain-text summary for the terminal."""
    programs, engines, outcome = ctx["programs"], ctx["engines"], ctx["outcome"]
    med = medians(outcome)
    names = [e.name for e in engines]
    width = max([len(p.name) for p in programs] + [16])
    lines = [""]
    if ctx.get("run_programs", True):
        lines += program_console(ctx, med, names, width)
    for text in ctx.get("console_sections", []):
        lines += ["", text]
    for note in ctx.get("notes", []):
        lines.append(f"note: {note}")
    for e in ctx["skipped"]:
        lines.append(f"skipped {e.name}: {e.why}")
    for (prog, eng), why in sorted(outcome.failures.items()):
        lines.append(f"FAILED {prog} on {eng}: {why}")
    return "\n".join(lines)


def program_console(ctx, med, names, width):
    programs, engines, outcome = ctx["programs"], ctx["engines"], ctx["outcome"]
    lines = [f"{'median s':<{width}} " + " ".join(f"{n:>9}" for n in names)]
    for p in programs:
        cells = []
        for e in engines:
            c = cell(med, outcome.failures, p.name, e.name, e.supports(p))
            cells.append(f"{c:>9}")
        lines.append(f"{p.name:<{width}} " + " ".join(cells))
    if outcome.rss:
        lines.append("")
        lines.append(f"{'median peak MiB':<{width}} " + " ".join(f"{n:>9}" for n in names))
        for p in programs:
            cells = [f"{rss_cell(outcome, outcome.failures, p.name, e.name, e.supports(p)):>9}" for e in engines]
            lines.append(f"{p.name:<{width}} " + " ".join(cells))
    cols, _, means = ratio_table(programs, names, med)
    if cols:
        lines.append("")
        lines.append("geometric means of ratios (start-up excluded):")
        for (a, b), m in zip(cols, means):
            lines.append(f"  {a + ' / ' + b:<20} {fmt_ratio(m)}")
    breaches = [(name, r) for name, r, breach in tiering_check(programs, med) if breach]
    for name, r in breaches:
        lines.append(f"TIERING BREACH {name}: silo-tiered / silo-jit {fmt_ratio(r)}, above jit x "
                     f"{TIERING_FACTOR} + {TIERING_SLACK * 1000:.0f} ms")
    return lines
