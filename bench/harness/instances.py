"""Instantiation: the Criterion benchmark benches/instantiate.rs (time to
instantiate an already-compiled small module, into a fresh store and into one
store), read back from Criterion's estimates.json, and the idle-instance
density of examples/instance_density.rs (resident memory per instance, and
how many fit in 1 GiB). The peers' CLIs have no way to instantiate without
running; wasmtime's figures come from bench/peer-instantiate (the same module,
a store per instance, its on-demand and pooling allocators), when it is built:
cargo build --release --manifest-path bench/peer-instantiate/Cargo.toml"""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field

import cargo
from engines import REPO_DIR
from report import markdown_table

BENCHES = ["fresh_store", "same_store", "fresh_store_jit"]
PEER = os.path.join(REPO_DIR, "bench", "peer-instantiate", "target", "release", "peer-instantiate")
LAYOUTS = ["store_per_instance", "one_store"]
# 47-bit user address space of x86-64 Linux: what every reservation has to fit in.
ADDRESS_SPACE = 1 << 47


@dataclass
class Result:
    criterion_args: list = field(default_factory=list)
    times: dict = field(default_factory=dict)  # bench -> (median ns, low ns, high ns)
    density: dict = field(default_factory=dict)  # layout -> fields printed by the example
    peer: dict = field(default_factory=dict)  # wasmtime allocator -> µs per instance
    errors: list = field(default_factory=list)


def estimates(bench):
    path = os.path.join(REPO_DIR, "target", "criterion", "instantiate", bench, "new", "estimates.json")
    with open(path, encoding="utf-8") as f:
        median = json.load(f)["median"]
    ci = median["confidence_interval"]
    return median["point_estimate"], ci["lower_bound"], ci["upper_bound"]


def measure(quick, log=sys.stderr):
    result = Result()
    result.criterion_args = (["--warm-up-time", "0.5", "--measurement-time", "1"] if quick
                             else ["--warm-up-time", "1", "--measurement-time", "3"])
    err = cargo.run_criterion("instantiate", result.criterion_args, log)
    if err:
        result.errors.append(f"instantiate benchmark: {err}")
    else:
        for bench in BENCHES:
            try:
                result.times[bench] = estimates(bench)
            except FileNotFoundError:
                if bench != "fresh_store_jit":  # only where native code runs
                    result.errors.append(f"instantiate/{bench}: Criterion wrote no estimates")
            except (OSError, KeyError, ValueError) as e:
                result.errors.append(f"instantiate/{bench}: cannot read Criterion's estimates: {e}")
    if os.path.exists(PEER) and not quick:
        r = subprocess.run([PEER], stdin=subprocess.DEVNULL, capture_output=True, text=True)
        for allocator, micros in re.findall(r"wasmtime \S+ ([\w-]+):\s+([\d.]+) µs", r.stdout):
            result.peer[allocator] = float(micros)
        if r.returncode != 0 or not result.peer:
            result.errors.append(f"peer-instantiate: {r.stderr.strip()[-200:] or 'no output'}")
    n = "200" if quick else "2000"
    err = cargo.build_examples(["instance_density"])
    if err:
        result.errors.append(f"instance density: {err}")
        return result
    for layout in LAYOUTS:
        r = subprocess.run([cargo.example_path("instance_density"), layout, n], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        fields = dict(re.findall(r"(\w+)=(\w+)", r.stdout))
        if r.returncode != 0 or "per_gib" not in fields:
            result.errors.append(f"instance density ({layout}): {r.stderr.strip()[-200:] or 'no output'}")
        else:
            result.density[layout] = fields
    for e in result.errors:
        print(f"FAIL: {e}", file=log)
    return result


def markdown(result):
    out = ["## Instantiation (Silo)", "",
           "Time to instantiate an already-compiled small module (`bench/instance.wat`: four functions, one "
           "memory of one page, a table, a global, a data segment) with `Linker::instantiate`: Criterion's "
           "median and its 95% confidence interval (`cargo bench --bench instantiate -- "
           + " ".join(result.criterion_args) + "`). `fresh_store` creates and drops a `Store` per instance; "
           "`same_store` adds every instance to one store (replaced, untimed, every 1000).", ""]
    rows = [[b, f"{t[0] / 1000:.2f}", f"{t[1] / 1000:.2f} – {t[2] / 1000:.2f}"] for b, t in result.times.items()]
    if rows:
        out += [markdown_table(["benchmark", "median µs", "95% interval µs"], rows), ""]
    if result.peer:
        out += ["The same module under wasmtime 48.0.8, a new `Store` per instance created, instantiated (through "
                "`InstancePre`) and dropped: the median of 31 batches of 10,000 (`bench/peer-instantiate`).", ""]
        out += [markdown_table(["wasmtime allocator", "µs per instance"],
                               [[a, f"{m:.2f}"] for a, m in result.peer.items()]), ""]
    if result.density:
        out += ["Idle instances of the same module, all alive at once (`examples/instance_density.rs`): growth of "
                "`VmRSS` per instance (resident: touched pages), of `VmSize` (reserved address space), and how many "
                "fit in 1 GiB of resident memory. Each memory reserves 4 GiB of address space (no maximum) and "
                "commits its one 64 KiB page, but only the pages the guest touches become resident (from a "
                "module's second instance on, its data segment's page is the module's data image, shared); the "
                "address space, not RAM, is what runs out first: 128 TiB / 4 GiB ≈ 32 000 instances per process.",
                ""]
        rows = []
        for layout, f in result.density.items():
            vm = int(f["vm_bytes_per_instance"])
            rows.append([layout, f["instances"], f"{int(f['rss_bytes_per_instance']) / 1024:.1f}",
                         f"{vm / 2**30:.2f} GiB", f"{int(f['per_gib']):,}", f"{ADDRESS_SPACE // vm:,}" if vm else "—"])
        out += [markdown_table(["layout", "instances", "RSS KiB / instance", "reserved / instance",
                                "instances per GiB RSS", "address-space limit"], rows), ""]
    out += [f"- FAIL: {e}" for e in result.errors]
    return "\n".join(out).rstrip() + "\n"


def console(result):
    lines = ["instantiation (silo):"]
    for b, t in result.times.items():
        lines.append(f"  {b:<20} {t[0] / 1000:8.2f} µs")
    for a, m in result.peer.items():
        lines.append(f"  wasmtime {a:<11} {m:8.2f} µs")
    for layout, f in result.density.items():
        lines.append(f"  {layout:<20} {int(f['rss_bytes_per_instance']) / 1024:8.1f} KiB RSS per idle instance, "
                     f"{int(f['per_gib']):,} per GiB")
    lines += [f"  FAIL: {e}" for e in result.errors]
    return "\n".join(lines)
