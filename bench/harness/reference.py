"""What each program must print, and whether an engine's output matches it.

A C program's reference is the native binary's stdout, recorded by
`bench/build.sh` (through `bench/run --record-expected`) in
programs/expected.txt, so checking needs no C toolchain. A hand-written
.wat program's reference is computed here in closed form.
"""

import os
import re

from programs import PROGRAMS_DIR

EXPECTED = os.path.join(PROGRAMS_DIR, "expected.txt")
MASK32 = (1 << 32) - 1

HEADER = """\
# Native output of each C benchmark at its quick and full size: the reference
# every engine's output is checked against. Written by `bench/build.sh`
# (bench/run --record-expected); do not edit by hand.
# program  size  stdout
"""


def read_expected(path=EXPECTED):
    table = {}
    if not os.path.exists(path):
        return table
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, size, out = line.rstrip("\n").split(" ", 2)
            table[(name, size)] = out
    return table


def write_expected(table, path=EXPECTED):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for (name, size), out in sorted(table.items(), key=lambda kv: (kv[0][0], len(kv[0][1]), kv[0][1])):
            f.write(f"{name} {size} {out}\n")


def size_key(size):
    return "-" if size is None else size


def normalize(stdout):
    """The output as compared and stored: lines without trailing blanks, blank
    lines dropped, joined with a literal backslash-n so it fits on one line."""
    return "\\n".join(line.rstrip() for line in stdout.splitlines() if line.strip())


# ---- closed forms for the .wat programs (results are i32, compared mod 2^32) ----

def wat_fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def wat_loop(n):
    odd = n // 2  # odd i < n: sum of i*i
    even = (n + 1) // 2  # even i < n: sum of i
    return odd * (2 * odd - 1) * (2 * odd + 1) // 3 - even * (even - 1)


def wat_stacked(n):
    return n + wat_loop(n)


def wat_mem(rounds, words=65536):
    """Sum over i < words and r < rounds of (i xor r), counted bit by bit."""
    def ones_below(limit, bit):  # how many x in [0, limit) have this bit set
        period = 1 << (bit + 1)
        return (limit // period) * (1 << bit) + max(0, limit % period - (1 << bit))
    total = 0
    for bit in range(max(words, rounds).bit_length()):
        i1, r1 = ones_below(words, bit), ones_below(rounds, bit)
        total += (i1 * (rounds - r1) + (words - i1) * r1) << bit
    return total


def gc_trees(n):
    """The checks of binary trees with maximum depth max(n, 6): a tree of depth d has
    2^(d+1) - 1 nodes."""
    top = max(n, 6)
    nodes = lambda d: (1 << (d + 1)) - 1  # noqa: E731
    short_lived = sum((1 << (top - d + 4)) * nodes(d) for d in range(4, top + 1, 2))
    return nodes(top + 1) + short_lived + nodes(top)


def gc_list(n):
    """Round i sums 3 * (i + k) for k in 1..=1000."""
    return 3 * (1000 * n * (n - 1) // 2 + 500500 * n)


def gc_sort(n):
    """The payloads (indices) in order of their distinct LCG keys, folded as sum * 31 + p."""
    seed, keys = 12345, []
    for i in range(n):
        seed = (seed * 1103515245 + 12345) & MASK32
        keys.append((seed, i))
    total = 0
    for _, payload in sorted(keys):
        total = (total * 31 + payload) & MASK32
    return total


def gc_strings(n):
    """The text "1,2,...,n," as bytes: its length plus the sum of its bytes."""
    text = "".join(f"{i}," for i in range(1, n + 1)).encode()
    return len(text) + sum(text)


def gc_hashmap(n):
    """Keys i * 7919 (distinct mod 2^32) hold i, every third then 3i; the sum of all values."""
    return sum(3 * i if i % 3 == 0 else i for i in range(n))


def exn_throw(n):
    """The payloads 0, 1, ..., n-1, summed."""
    return n * (n - 1) // 2


def exn_enter(n):
    """Each i contributes 3i + 1, or i itself (caught) when i is a multiple of 1024."""
    caught = sum(range(0, n, 1024))
    multiples = (n + 1023) // 1024
    return 3 * (n * (n - 1) // 2 - caught) + (n - multiples) + caught


def atomics(n):
    """Round r adds r * (i + 1) and 2r for each of the 1024 words i."""
    return n * (n - 1) // 2 * (1024 * 1025 // 2 + 2 * 1024)


WAT_REFERENCES = {
    "wat-fib": wat_fib,
    "wat-loop": wat_loop,
    "wat-stacked": wat_stacked,
    "wat-mem": wat_mem,
    "gc-trees": gc_trees,
    "gc-list": gc_list,
    "gc-sort": gc_sort,
    "gc-strings": gc_strings,
    "gc-hashmap": gc_hashmap,
    "exn-throw": exn_throw,
    "exn-enter": exn_enter,
    "atomics": atomics,
}

# A decimal integer standing alone, so the 32 of a type name like "i32" is not taken.
INTEGER = re.compile(r"(?<![\w.])-?\d+(?!\w)")


class References:
    """Looks up (and caches) the reference output of a program at a size."""

    def __init__(self, run_native):
        self.expected = read_expected()
        self.run_native = run_native  # fallback: (program, args) -> stdout or None
        self.cache = {}

    def get(self, program, quick):
        size = program.size(quick)
        key = (program.name, size_key(size))
        if key in self.cache:
            return self.cache[key]
        if program.kind == "wat":
            ref = WAT_REFERENCES[program.name](int(size)) & MASK32 if program.name in WAT_REFERENCES else None
        elif key in self.expected:
            ref = normalize(self.expected[key])
        else:
            out = self.run_native(program, program.args(quick))
            ref = None if out is None else normalize(out)
        self.cache[key] = ref
        return ref

    def check(self, program, quick, stdout):
        """None when stdout is right, else a short reason."""
        ref = self.get(program, quick)
        if ref is None:
            return "no reference output (run bench/build.sh to record it)"
        if program.kind == "wat":
            numbers = INTEGER.findall(stdout)
            if not numbers:
                return f"no integer result in output {stdout.strip()[:80]!r}"
            got = int(numbers[-1]) & MASK32
            return None if got == ref else f"result {got} (mod 2^32), expected {ref}"
        got = normalize(stdout)
        if "checksum:" not in got:
            return f"no checksum line in output {got[:80]!r}"
        return None if got == ref else f"output {got[:120]!r}, expected {ref[:120]!r}"
