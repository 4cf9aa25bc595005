"""Command line of bench/run: parse options, then measure, report, or record
the native reference outputs."""

import argparse
import os
import shlex
import sys

import cargo
import checkpoints
import chart
import compile as compile_mod
import engines as engines_mod
import instances
import measure as measure_mod
import programs as programs_mod
import reference
import report
import streaming

DEFAULT_REPS = 5
RESULTS = os.path.join(programs_mod.BENCH_DIR, "RESULTS.md")
PARTS = ["programs", "compile", "instantiate", "streaming", "checkpoints"]
QUICK_SKIP_NOTE = ("compile throughput and instantiation are skipped in --quick: on a fresh checkout building "
                   "the examples and Criterion takes minutes; `bench/run --quick --only compile,instantiate` "
                   "runs them in a small form")

DESCRIPTION = """\
Run Silo's benchmark programs on several engines side by side, check every
output against the native reference, and report median times and ratios.

A full run (no --quick) runs every part (programs, compile, instantiate, streaming,
checkpoints) and
writes bench/RESULTS.md and bench/results.svg unless --no-write is given; a
--quick run (small sizes, one round, what CI runs) runs only the programs
unless --only says otherwise, and writes only with --write.
Exit status: 0 when every run gave the right output, 1 when any run failed
or printed a wrong checksum, 2 for a usage error. An engine that is not
installed is skipped with a note, never a failure."""


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="bench/run", description=DESCRIPTION,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes and one round (CI)")
    ap.add_argument("--reps", type=int, help=f"rounds (default {DEFAULT_REPS}, 1 with --quick)")
    ap.add_argument("--engines", help=f"comma-separated subset of {','.join(engines_mod.ALL)}")
    ap.add_argument("--programs", help="comma-separated program names (see --list)")
    ap.add_argument("--silo", help="silo binary (default target/release/silo)")
    ap.add_argument("--wasmi", help="wasmi binary (default: PATH, then ~/.cargo/bin)")
    ap.add_argument("--wasmtime", help="wasmtime binary (default: PATH, then ~/.cargo/bin)")
    ap.add_argument("--node", help="node binary (default: PATH)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed for one run (default 600)")
    ap.add_argument("--only", help=f"comma-separated parts to run, of {','.join(PARTS)} (default: all; "
                                   "--quick: programs)")
    ap.add_argument("--install-peers", action="store_true",
                    help="cargo install wasmtime-cli and wasmi_cli first if they are missing (not with --quick)")
    write = ap.add_mutually_exclusive_group()
    write.add_argument("--write", action="store_true", help="write the results file even with --quick")
    write.add_argument("--no-write", action="store_true", help="do not write the results file")
    ap.add_argument("--output", help="results file to write (default bench/RESULTS.md); implies --write")
    ap.add_argument("--section", metavar="TITLE",
                    help="write this run as the section `## TITLE` of the results file, replacing a section "
                         "of that title or appending one, and keep the rest of the file (a few programs "
                         "measured apart from the last full run); implies --write")
    ap.add_argument("--list", action="store_true", help="list the programs and exit")
    ap.add_argument("--record-expected", action="store_true",
                    help="run the native binaries at both sizes and record their output as the reference "
                         "(bench/build.sh does this)")
    args = ap.parse_args(argv)
    if args.reps is not None and args.reps < 1:
        ap.error("--reps must be at least 1")
    if (args.output or args.section) and args.no_write:
        ap.error("--output and --section write: they contradict --no-write")
    if args.install_peers and args.quick:
        ap.error("--install-peers is not for --quick runs: install the peers in a separate run")
    if args.only is None:
        args.parts = ["programs"] if args.quick else list(PARTS)
    else:
        args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
        unknown = [p for p in args.parts if p not in PARTS]
        if unknown or not args.parts:
            ap.error(f"--only takes parts of {','.join(PARTS)}")
    return args


def list_programs(progs):
    for p in progs:
        print(f"{p.name:<12} {p.kind:<4} quick={p.quick or '-':<8} full={p.full or '-':<10} {p.measures}")
    return 0


def record_expected(progs):
    table = reference.read_expected()
    for p in progs:
        if p.kind != "c":
            continue
        if not os.access(p.native, os.X_OK):
            print(f"{p.name}: no native binary at {p.native}; run bench/build.sh", file=sys.stderr)
            return 1
        table = {key: out for key, out in table.items() if key[0] != p.name}  # drop stale sizes
        for quick in (True, False):
            out = measure_mod.run_native_untimed(p, p.args(quick))
            if out is None:
                print(f"{p.name}: the native binary failed", file=sys.stderr)
                return 1
            table[(p.name, reference.size_key(p.size(quick)))] = reference.normalize(out)
    reference.write_expected(table)
    print(f"recorded native output in {os.path.relpath(reference.EXPECTED)}", file=sys.stderr)
    return 0


def main(argv):
    args = parse_args(argv[1:])
    try:
        progs = programs_mod.select(programs_mod.load_manifest(), args.programs)
        names = engines_mod.ALL if args.engines is None else [n.strip() for n in args.engines.split(",") if n.strip()]
        if args.list:
            return list_programs(progs)
        if args.record_expected:
            return record_expected(progs)
        paths = {k: getattr(args, k) for k in ("silo", "wasmi", "wasmtime", "node") if getattr(args, k)}
        if args.install_peers:
            failed = cargo.install_peers([n for n in names if n not in paths])
            if failed:
                print(f"bench/run: could not install {', '.join(failed)}", file=sys.stderr)
        all_engines = engines_mod.make_engines(names, paths)
    except ValueError as e:
        print(f"bench/run: {e}", file=sys.stderr)
        return 2
    if not progs:
        print("bench/run: no programs selected", file=sys.stderr)
        return 2

    ready = [e for e in all_engines if e.available]
    skipped = [e for e in all_engines if not e.available]
    for e in skipped:
        print(f"skipping {e.name}: {e.why}", file=sys.stderr)
    if not ready:
        print("bench/run: none of the engines asked for is installed; nothing was run", file=sys.stderr)
        return 0
    missing = [p.name for p in progs if not os.path.exists(p.wasm)]
    if missing:
        print(f"bench/run: missing .wasm for {', '.join(missing)}; run bench/build.sh", file=sys.stderr)
        return 2

    reps = args.reps or (1 if args.quick else DEFAULT_REPS)
    revision = report.revision()
    ctx = {
        "programs": progs, "engines": ready, "skipped": skipped, "quick": args.quick, "reps": reps,
        "command": shlex.join(["bench/run", *argv[1:]]), "revision": revision,
        "run_programs": "programs" in args.parts, "outcome": measure_mod.Outcome(),
        "sections": [], "console_sections": [], "notes": [],
    }
    failed = run_parts(args, ctx)
    print(report.console(ctx))
    if args.section:
        write_section(args.output or RESULTS, args.section, ctx)
    elif args.output or args.write or not (args.quick or args.no_write):
        write_results(args.output or RESULTS, ctx)
    return 1 if failed else 0


def run_parts(args, ctx):
    """Run the parts asked for, filling ctx; True when anything failed."""
    failed = False
    ready, quick = ctx["engines"], args.quick
    if "programs" in args.parts:
        refs = reference.References(measure_mod.run_native_untimed)
        ctx["outcome"] = measure_mod.measure(ctx["programs"], ready, refs, quick, ctx["reps"], args.timeout)
        failed |= bool(ctx["outcome"].failures)
    if quick and args.only is None:
        ctx["notes"].append(QUICK_SKIP_NOTE)
    if "compile" in args.parts:
        results = compile_mod.measure(ready, quick)
        ctx["sections"].append(compile_mod.markdown(results))
        ctx["console_sections"].append(compile_mod.console(results))
        failed |= any(r.error for result in results for r in result.rows)
    if "instantiate" in args.parts:
        if any(e.name == "silo" for e in ready):
            result = instances.measure(quick)
            ctx["sections"].append(instances.markdown(result))
            ctx["console_sections"].append(instances.console(result))
            failed |= bool(result.errors)
        else:
            ctx["notes"].append("instantiation is measured for Silo only, which was not among the engines")
    if "streaming" in args.parts:
        result = streaming.measure(ready, quick, sys.stderr)
        ctx["sections"].append(streaming.markdown(result))
        ctx["console_sections"].append(streaming.console(result))
        failed |= any(r.error for r in result.streams + result.starts)
    if "checkpoints" in args.parts:
        result = checkpoints.measure(ready, quick, sys.stderr)
        ctx["sections"].append(checkpoints.markdown(result))
        ctx["console_sections"].append(checkpoints.console(result))
        failed |= any(r.error for r in result.rows)
    return failed


def write_section(path, title, ctx):
    """The run as one section of an existing results file (no chart: it shows the full run)."""
    try:
        with open(path, encoding="utf-8") as f:
            existing = f.read()
    except FileNotFoundError:
        existing = ""
    with open(path, "w", encoding="utf-8") as f:
        f.write(report.replace_section(existing, title, report.render_section(ctx, title)))
    print(f"wrote section {title!r} of {path}")


def write_results(path, ctx):
    """RESULTS.md, and results.svg beside it when the programs were run."""
    svg_path = os.path.join(os.path.dirname(os.path.abspath(path)), report.CHART_NAME)
    if ctx["run_programs"]:
        names = [e.name for e in ctx["engines"]]
        svg = chart.render(ctx["programs"], ctx["engines"], report.medians(ctx["outcome"]), report.geomean,
                           f"{ctx['command']} — {ctx['revision']}")
        if svg:
            with open(svg_path, "w", encoding="utf-8") as f:
                f.write(svg)
            ctx["chart"] = chart.baseline(names)
            print(f"wrote {svg_path}")
    with open(path, "w", encoding="utf-8") as f:
        f.write(report.render(ctx) + "\n")
    print(f"wrote {path}")
