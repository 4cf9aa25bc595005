"""Application streaming: `silo run URL` against a throttled loopback server, and cold and warm
starts against wasmtime.

Streaming: a server on 127.0.0.1 sends the module at RATE bytes per second (64 KiB at a time),
and `silo run -v URL` reports, per engine, the download (request to last byte), the time from
the last byte to a ready module, and from the last byte to the first call (`_start` entered, or
`--invoke nop` returned: under the jit engine that includes compiling what was not compiled while
the module downloaded). "Download alone" is the same bytes fetched by Python's urllib from the
same server. The goal (issue 15): ready within 50 ms of the last byte, in tiered and jit.

Cold and warm: whole-process wall time of running the module. wasmtime runs the local file with
its cache off (`-C cache=n`, cold) and on (warm, after one run to fill it). Silo runs the module
from the unthrottled server without its cache (`--no-cache`, cold) and with it (warm: the cached
module after a 304, and its cached code), and, as wasmtime does, the local file with its cached
code (warm, local file)."""

import http.server
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import compile as compile_mod
from programs import PROGRAMS_DIR
from report import markdown_table

RATE = 10 * 1000 * 1000  # bytes per second
CHUNK = 64 * 1024
FULL_REPS, QUICK_REPS = 3, 1
PROGRAM = "parse"  # the largest program of bench/programs
PROGRAM_ARGS = ["1500"]


class Throttled(http.server.ThreadingHTTPServer):
    """Serves files from a directory at `rate` bytes per second (0: as fast as it can), with
    an ETag so a client with a cached copy gets 304."""

    daemon_threads = True

    def __init__(self, root, rate):
        self.root, self.rate = root, rate
        super().__init__(("127.0.0.1", 0), Handler)

    def url(self, name):
        return f"http://127.0.0.1:{self.server_address[1]}/{name}"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        path = os.path.join(self.server.root, os.path.basename(self.path))
        try:
            with open(path, "rb") as f:
                body = f.read()
        except OSError:
            self.send_error(404)
            return
        etag = f'"{os.path.getmtime(path)}-{len(body)}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        start = time.perf_counter()
        for i in range(0, len(body), CHUNK):
            self.wfile.write(body[i:i + CHUNK])
            self.wfile.flush()
            if self.server.rate:
                due = start + (i + CHUNK) / self.server.rate
                time.sleep(max(0.0, due - time.perf_counter()))


def serve(root, rate):
    server = Throttled(root, rate)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class Stream:
    module: str
    engine: str
    size: int = 0
    download: list = field(default_factory=list)  # s
    ready: list = field(default_factory=list)  # ms after the last byte
    first_call: list = field(default_factory=list)  # ms after the last byte
    validated: list = field(default_factory=list)  # functions validated while downloading
    alone: list = field(default_factory=list)  # s, urllib
    error: str | None = None


@dataclass
class Start:
    module: str
    engine: str
    mode: str
    seconds: list = field(default_factory=list)
    error: str | None = None


@dataclass
class Result:
    rate: int = RATE
    reps: int = 0
    streams: list = field(default_factory=list)
    starts: list = field(default_factory=list)


def silo_verbose(silo, engine, url, tail, env):
    """One `silo run -v --no-cache` of url: the figures its -v lines give."""
    cmd = [silo, "run", "-v", "--no-cache", "--engine", engine, url, *tail]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"silo exited with {r.returncode}: {r.stderr.strip()[-200:]}")
    m = re.search(r"downloaded in ([\d.]+) ms .*?(\d+) functions validated while downloading; "
                  r"ready ([\d.]+) ms after the last byte", r.stderr)
    call = re.search(r"(?:entered|returned) ([\d.]+) ms after the module's last byte", r.stderr)
    if not m or not call:
        raise RuntimeError("no -v figures in: " + r.stderr.strip()[-200:])
    return float(m.group(1)) / 1000, int(m.group(2)), float(m.group(3)), float(call.group(1))


def download_alone(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        while r.read(CHUNK):
            pass
    return time.perf_counter() - start


def modules(quick, log):
    big = compile_mod.generate(compile_mod.QUICK_FUNCS if quick else compile_mod.FULL_FUNCS, log)
    program = os.path.join(PROGRAMS_DIR, PROGRAM + ".wasm")
    return [(big, ["--invoke", "nop"], ["--invoke", "nop"]), (program, PROGRAM_ARGS, PROGRAM_ARGS)]


def measure(engines, quick, log):
    reps = QUICK_REPS if quick else FULL_REPS
    result = Result(reps=reps)
    silo = next((e.path for e in engines if e.name.startswith("silo")), None)
    wasmtime = next((e for e in engines if e.name == "wasmtime"), None)
    if silo is None:
        return result
    mods = modules(quick, log)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as cache:
        env["XDG_CACHE_HOME"] = cache
        for path, _, _ in mods:
            os.symlink(os.path.abspath(path), os.path.join(root, os.path.basename(path)))
        slow, fast = serve(root, RATE), serve(root, 0)
        try:
            for path, silo_tail, _ in mods:
                name = os.path.basename(path)
                for engine in ("tiered", "jit"):
                    print(f"streaming: {name} silo-{engine}", file=log, flush=True)
                    row = Stream(name, f"silo-{engine}", os.path.getsize(path))
                    try:
                        for _ in range(reps):
                            d, v, ready, call = silo_verbose(silo, engine, slow.url(name), silo_tail, env)
                            row.download.append(d)
                            row.validated.append(v)
                            row.ready.append(ready)
                            row.first_call.append(call)
                            row.alone.append(download_alone(slow.url(name)))
                    except (RuntimeError, OSError) as e:
                        row.error = str(e)
                    result.streams.append(row)
            for path, silo_tail, peer_tail in mods:
                name = os.path.basename(path)
                runs = []
                for engine in ("tiered", "jit"):
                    base = [silo, "run", "--engine", engine]
                    runs.append((f"silo-{engine}", "cold (--no-cache, loopback)",
                                 base + ["--no-cache", fast.url(name), *silo_tail], None))
                    runs.append((f"silo-{engine}", "warm (cached module and code)",
                                 base + [fast.url(name), *silo_tail], base + [fast.url(name), *silo_tail]))
                    # As wasmtime runs it: the local file, its code from the cache.
                    runs.append((f"silo-{engine}", "warm (local file, cached code)",
                                 base + [path, *silo_tail], base + [path, *silo_tail]))
                if wasmtime:
                    w = [wasmtime.path, "run"]
                    runs.append(("wasmtime", "cold (-C cache=n)", w + ["-C", "cache=n", path, *peer_tail], None))
                    runs.append(("wasmtime", "warm (its cache on)", w + [path, *peer_tail], w + [path, *peer_tail]))
                for engine, mode, cmd, warmup in runs:
                    print(f"cold/warm: {name} {engine} {mode}", file=log, flush=True)
                    row = Start(name, engine, mode)
                    try:
                        if warmup:
                            subprocess.run(warmup, stdin=subprocess.DEVNULL, capture_output=True, env=env)
                        for _ in range(reps):
                            start = time.perf_counter()
                            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env)
                            if r.returncode != 0:
                                raise RuntimeError(r.stderr.decode(errors="replace").strip()[-200:])
                            row.seconds.append(time.perf_counter() - start)
                    except (RuntimeError, OSError) as e:
                        row.error = str(e)
                    result.starts.append(row)
        finally:
            slow.shutdown()
            fast.shutdown()
    return result


def med(xs, fmt):
    return fmt.format(statistics.median(xs)) if xs else "—"


def markdown(result):
    out = ["## Streaming: `silo run URL` over a throttled loopback", "",
           f"The server sends {result.rate / 1e6:.0f} MB/s in 64 KiB writes. Medians of {result.reps} run(s). "
           "\"Download alone\" is urllib fetching the same bytes from the same server. The first call is "
           "`--invoke nop` on the generated module (under jit it includes compiling what was not compiled "
           "while downloading) and `_start` being entered on the program. Goal: ready within 50 ms of the "
           "last byte.", ""]
    rows = []
    for r in result.streams:
        if r.error:
            rows.append([r.module, r.engine, "FAIL", "—", "—", "—", "—", r.error[:100]])
            continue
        rows.append([r.module, r.engine, f"{r.size / 1e6:.2f}", med(r.alone, "{:.3f}"), med(r.download, "{:.3f}"),
                     med(r.ready, "{:.1f}"), med(r.first_call, "{:.1f}"), med(r.validated, "{:.0f}")])
    out.append(markdown_table(["module", "engine", "MB", "download alone s", "silo download s",
                               "last byte → ready ms", "last byte → first call ms",
                               "functions validated while downloading"], rows))
    out += ["", "## Cold and warm starts (whole process, s)", "",
            "Silo fetches from the loopback server (unthrottled), except in the \"local file\" rows, "
            "where it runs the local file as wasmtime does. Warm runs follow one run that fills the "
            "cache: Silo's holds the module (revalidated with a 304) and native code: under jit the "
            "whole module's, under tiered the functions the run found hot (none on a short run; a "
            "module of 256 KiB or more also gets a mark that spares validating its bodies again).", ""]
    rows = []
    for r in result.starts:
        rows.append([r.module, r.engine, r.mode, "FAIL: " + r.error[:80] if r.error else med(r.seconds, "{:.3f}")])
    out.append(markdown_table(["module", "engine", "mode", "median s"], rows))
    return "\n".join(out).rstrip() + "\n"


def console(result):
    lines = ["streaming (last byte → ready / first call, ms):"]
    for r in result.streams:
        if r.error:
            lines.append(f"  {r.module:<18} {r.engine:<12} FAIL: {r.error[:100]}")
        else:
            lines.append(f"  {r.module:<18} {r.engine:<12} download {med(r.download, '{:.3f}')} s "
                         f"(alone {med(r.alone, '{:.3f}')} s), ready {med(r.ready, '{:.1f}')}, "
                         f"first call {med(r.first_call, '{:.1f}')}")
    lines.append("cold and warm starts (s):")
    for r in result.starts:
        value = "FAIL: " + r.error[:80] if r.error else med(r.seconds, "{:.3f}")
        lines.append(f"  {r.module:<18} {r.engine:<12} {r.mode:<30} {value}")
    return "\n".join(lines)
