#!/usr/bin/env python3
"""Generate a large, deterministic WebAssembly module for compile-throughput figures.

    bench/gen_large.py [--funcs N] [--seed S] [OUT.wasm]

writes OUT.wat (text) and assembles it into OUT.wasm (default
bench/build/large.wasm) with `cargo run --release --example wat2wasm`.
The same N and seed always give the same bytes.

Every function has the type (i32, i32) -> i32 and a body made of a few
randomly chosen fragments of the kinds compilers meet in real code:
integer and i64 arithmetic, f64 arithmetic, counted loops, loads and stores
at varied offsets, direct calls to earlier functions, indirect calls through
the table, br_table switches, and if/else. Nothing runs them (the module only
exports a trivial `nop`, for engines that need something to invoke); they
only have to be decoded, validated and compiled.
"""

import argparse
import os
import random
import subprocess
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
DEFAULT_OUT = os.path.join(BENCH_DIR, "build", "large.wasm")
DEFAULT_FUNCS = 10000  # about 4.5 MB of code

I32_OPS = ["i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl", "i32.shr_u", "i32.rotl"]
I64_OPS = ["i64.add", "i64.sub", "i64.mul", "i64.xor", "i64.or", "i64.shr_s"]
F64_OPS = ["f64.add", "f64.sub", "f64.mul", "f64.div", "f64.min", "f64.max"]
LOCALS = ["$x", "$y"]


class Body:
    """Builds one function body; locals: $x $y $i (i32), $z (i64), $f (f64)."""

    def __init__(self, rng, index):
        self.rng, self.index, self.lines = rng, index, []

    def emit(self, *lines):
        self.lines.extend(lines)

    def arith(self, n):
        r = self.rng
        for _ in range(n):
            dst, src = r.choice(LOCALS), r.choice(LOCALS)
            self.emit(f"local.get {dst}", f"i32.const {r.randrange(-2**31, 2**31)}", r.choice(I32_OPS),
                      f"local.get {src}", r.choice(I32_OPS), f"local.set {dst}")

    def wide(self, n):
        r = self.rng
        for _ in range(n):
            self.emit(f"local.get {r.choice(LOCALS)}", "i64.extend_i32_u", f"i64.const {r.randrange(1, 2**62)}",
                      r.choice(I64_OPS), "local.get $z", r.choice(I64_OPS), "local.set $z")

    def floats(self, n):
        r = self.rng
        for _ in range(n):
            self.emit(f"local.get {r.choice(LOCALS)}", "f64.convert_i32_s", f"f64.const {r.uniform(-1e3, 1e3):.6f}",
                      r.choice(F64_OPS), "local.get $f", r.choice(F64_OPS), "local.set $f")
        self.emit("local.get $f", "f64.sqrt", "local.set $f")

    def memory(self, n):
        r = self.rng
        for _ in range(n):
            off = r.randrange(0, 4096, 4)
            addr = f"local.get {r.choice(LOCALS)}", "i32.const 0xfff0", "i32.and"
            kind = r.randrange(4)
            if kind == 0:
                self.emit(*addr, f"local.get {r.choice(LOCALS)}", f"i32.store offset={off}")
            elif kind == 1:
                self.emit(*addr, f"i32.load offset={off}", "local.get $y", "i32.add", "local.set $y")
            elif kind == 2:
                self.emit(*addr, f"i32.load8_u offset={off}", "local.get $x", "i32.xor", "local.set $x")
            else:
                self.emit(*addr, "local.get $z", f"i64.store offset={off}")

    def loop(self):
        r = self.rng
        self.emit(f"i32.const {r.randrange(4, 100)}", "local.set $i", "block", "loop")
        r.choice([self.arith, self.memory, self.wide])(r.randrange(1, 4))
        self.emit("local.get $i", "i32.const 1", "i32.sub", "local.tee $i", "br_if 0", "end", "end")

    def calls(self):
        r = self.rng
        if self.index > 0:
            callee = r.randrange(self.index)
            self.emit("local.get $x", "local.get $y", f"call $f{callee}", "local.set $x")
        self.emit("local.get $y", "local.get $x", f"i32.const {r.randrange(64)}", "call_indirect (type $t)",
                  "local.set $y")

    def switch(self):
        r = self.rng
        n = r.randrange(3, 9)
        self.emit("block", *["block"] * n, f"local.get {r.choice(LOCALS)}", f"i32.const {n + 1}", "i32.rem_u",
                  "br_table " + " ".join(str(k) for k in range(n + 1)))
        for case in range(n):
            self.emit("end")
            self.arith(1)
            self.emit(f"br {n - 1 - case}")
        self.emit("end")

    def branch(self):
        self.emit("local.get $y", "if")
        self.arith(self.rng.randrange(1, 3))
        self.emit("else")
        self.memory(1)
        self.emit("end")

    def build(self):
        r = self.rng
        parts = [lambda: self.arith(r.randrange(2, 6)), lambda: self.wide(r.randrange(1, 4)),
                 lambda: self.floats(r.randrange(1, 4)), lambda: self.memory(r.randrange(2, 6)),
                 self.loop, self.calls, self.switch, self.branch]
        for _ in range(r.randrange(4, 12)):
            r.choice(parts)()
        self.emit("local.get $x", "local.get $y", "i32.add", "local.get $z", "i32.wrap_i64", "i32.xor",
                  "local.get $f", "i32.trunc_sat_f64_s", "i32.add")
        return self.lines


def module_text(funcs, seed):
    rng = random.Random(seed)
    out = [f";; generated by bench/gen_large.py --funcs {funcs} --seed {seed}; do not edit",
           "(module", "  (type $t (func (param i32 i32) (result i32)))",
           "  (memory 1)", f"  (table {funcs} funcref)", "  (global $g (mut i32) (i32.const 0))",
           "  (func (export \"nop\") (result i32) i32.const 0)"]
    for i in range(funcs):
        out.append(f"  (func $f{i} (type $t) (local $x i32) (local $y i32) (local $i i32) (local $z i64) (local $f f64)")
        out.append("    local.get 0 local.set $x local.get 1 local.set $y")
        out.extend("    " + line for line in Body(rng, i).build())
        out.append("  )")
    out.append("  (elem (i32.const 0) func " + " ".join(f"$f{i}" for i in range(funcs)) + ")")
    out.append(")")
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/gen_large.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--funcs", type=int, default=DEFAULT_FUNCS, help=f"functions (default {DEFAULT_FUNCS})")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("out", nargs="?", default=DEFAULT_OUT, help="output .wasm (default bench/build/large.wasm)")
    args = ap.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    wat = os.path.splitext(args.out)[0] + ".wat"
    with open(wat, "w", encoding="utf-8") as f:
        f.write(module_text(args.funcs, args.seed))
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "wat2wasm", "--", wat, args.out]
    r = subprocess.run(cmd, cwd=REPO_DIR)
    if r.returncode != 0:
        print("gen_large.py: wat2wasm failed", file=sys.stderr)
        return 1
    print(f"{args.out}: {os.path.getsize(args.out)} bytes, {args.funcs} functions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
