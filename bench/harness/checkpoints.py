"""Checkpoints: what writing and resuming one costs for guests of 1 MiB, 100 MiB and 1 GiB of
memory, half of it zero pages and the other half data that does not compress (bench/checkpoint.wat).

Whole-process wall time and peak RSS of `silo run --invoke fill PAGES` without and with
`--checkpoint FILE` (the difference is the checkpoint: capture, encode, compress, write), and of
`silo resume --invoke sum FILE` against `silo run --invoke nop` (the difference is reading,
checking and restoring the checkpoint, plus `sum` reading the memory once). The file's size is
reported beside. No peer runtime checkpoints a running guest, so there is no peer column."""

import os
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from report import markdown_table

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST = os.path.join(HERE, "..", "checkpoint.wat")
SIZES = [("1 MiB", 16), ("100 MiB", 1600), ("1 GiB", 16384)]
QUICK_SIZES = [("1 MiB", 16), ("100 MiB", 1600)]
FULL_REPS, QUICK_REPS = 3, 1


@dataclass
class Row:
    memory: str
    pages: int
    run: list = field(default_factory=list)
    checkpointed: list = field(default_factory=list)
    nop: list = field(default_factory=list)
    resumed: list = field(default_factory=list)
    rss_checkpoint: list = field(default_factory=list)
    rss_resume: list = field(default_factory=list)
    file_bytes: int = 0
    error: str = ""


@dataclass
class Result:
    reps: int
    rows: list = field(default_factory=list)


def timed(cmd):
    """Wall seconds and peak RSS (KiB, from GNU time) of `cmd`; raises on failure."""
    start = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "maxrss=%M", *cmd], stdin=subprocess.DEVNULL,
                       capture_output=True)
    seconds = time.perf_counter() - start
    err = r.stderr.decode(errors="replace")
    if r.returncode != 0:
        raise RuntimeError(err.strip()[-200:])
    m = re.search(r"maxrss=(\d+)", err)
    return seconds, int(m.group(1)) if m else 0, r.stdout.decode()


def measure(engines, quick, log):
    reps = QUICK_REPS if quick else FULL_REPS
    result = Result(reps=reps)
    silo = next((e.path for e in engines if e.name.startswith("silo")), None)
    if silo is None or not os.path.exists("/usr/bin/time"):
        return result
    with tempfile.TemporaryDirectory() as work:
        ckpt = os.path.join(work, "guest.ckpt")
        for label, pages in (QUICK_SIZES if quick else SIZES):
            print(f"checkpoints: {label}", file=log, flush=True)
            row = Row(label, pages)
            try:
                for _ in range(reps):
                    s, _, _ = timed([silo, "run", "--invoke", "fill", GUEST, str(pages)])
                    row.run.append(s)
                    s, rss, _ = timed([silo, "run", "--checkpoint", ckpt, "--invoke", "fill", GUEST, str(pages)])
                    row.checkpointed.append(s)
                    row.rss_checkpoint.append(rss)
                    row.file_bytes = os.path.getsize(ckpt)
                    s, _, _ = timed([silo, "run", "--invoke", "nop", GUEST])
                    row.nop.append(s)
                    s, rss, out = timed([silo, "resume", "--invoke", "sum", ckpt])
                    row.resumed.append(s)
                    row.rss_resume.append(rss)
                    if not out.strip():
                        raise RuntimeError("the resumed guest printed no checksum")
            except (RuntimeError, OSError) as e:
                row.error = str(e)
            result.rows.append(row)
    return result


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def markdown(result):
    out = ["## Checkpoints: write and resume", "",
           f"Guest `bench/checkpoint.wat`: memory of the size given, every other page filled with "
           f"pseudo-random bytes (half zero pages, data that does not compress). Medians of "
           f"{result.reps} run(s), whole-process wall time. Checkpoint = `run --checkpoint` − `run`; "
           f"resume = `resume --invoke sum` − `run --invoke nop` (includes `sum` reading the memory "
           f"once).", ""]
    rows = []
    for r in result.rows:
        if r.error:
            rows.append([r.memory, "FAIL", "—", "—", "—", "—", r.error[:80]])
            continue
        rows.append([r.memory, f"{r.file_bytes / 2**20:.1f}",
                     f"{med(r.checkpointed) - med(r.run):.3f}", f"{med(r.rss_checkpoint) / 1024:.0f}",
                     f"{med(r.resumed) - med(r.nop):.3f}", f"{med(r.rss_resume) / 1024:.0f}", ""])
    out.append(markdown_table(["memory", "file MiB", "checkpoint s", "peak RSS MiB (checkpointing run)",
                               "resume s", "peak RSS MiB (resume)", "error"], rows))
    return "\n".join(out).rstrip() + "\n"


def console(result):
    lines = ["checkpoints (write / resume, s; file MiB):"]
    for r in result.rows:
        if r.error:
            lines.append(f"  {r.memory:<8} FAIL: {r.error[:100]}")
        else:
            lines.append(f"  {r.memory:<8} write {med(r.checkpointed) - med(r.run):.3f}  "
                         f"resume {med(r.resumed) - med(r.nop):.3f}  file {r.file_bytes / 2**20:.1f}")
    return "\n".join(lines)
