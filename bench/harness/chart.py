"""bench/results.svg: a horizontal grouped bar chart, hand-written SVG, of each
program's median time on every engine relative to a baseline engine (native
when it was measured, else wasmtime, else the first engine), on a log scale,
with a geometric-mean group at the bottom."""

import math
from xml.sax.saxutils import escape

from programs import STARTUP

COLORS = {"silo": "#1f77b4", "silo-jit": "#17becf", "silo-tiered": "#9edae5", "wasmi": "#ff7f0e",
          "wasmtime": "#2ca02c", "node": "#9467bd", "native": "#7f7f7f"}
OTHER_COLORS = ["#d62728", "#8c564b", "#e377c2", "#bcbd22"]

LABEL_W, PLOT_W, RIGHT_W = 150, 620, 70
BAR_H, GAP = 11, 12
TOP = 78


def baseline(engine_names):
    for name in ("native", "wasmtime"):
        if name in engine_names:
            return name
    return engine_names[0] if engine_names else None


def rows(programs, engine_names, med, base, geomean):
    """[(label, {engine: ratio})], the geometric mean last; programs the baseline lacks are left out."""
    out = []
    for p in programs:
        b = med.get((p.name, base))
        if p.name == STARTUP or not b:
            continue
        out.append((p.name, {e: med[(p.name, e)] / b for e in engine_names if e != base and med.get((p.name, e))}))
    if out:
        means = {e: geomean([r[e] for _, r in out if e in r]) for e in engine_names if e != base}
        out.append(("geometric mean", {e: m for e, m in means.items() if m}))
    return out


def render(programs, engines, med, geomean, title_note=""):
    """The SVG text, or None when there is nothing to draw."""
    names = [e.name for e in engines]
    base = baseline(names)
    data = rows(programs, names, med, base, geomean)
    shown = [e for e in engines if e.name != base and any(e.name in r for _, r in data)]
    if not data or not shown:
        return None
    ratios = [v for _, r in data for v in r.values()]
    lo = 10 ** math.floor(math.log10(min(ratios + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(ratios + [1.0]) * 1.05))
    x = lambda v: LABEL_W + PLOT_W * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))  # noqa: E731
    color = {e.name: COLORS.get(e.name, OTHER_COLORS[i % len(OTHER_COLORS)]) for i, e in enumerate(shown)}
    group_h = BAR_H * len(shown) + GAP
    height = TOP + group_h * len(data) + 40
    width = LABEL_W + PLOT_W + RIGHT_W
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{LABEL_W}" y="18" font-size="14" font-weight="bold">Median time relative to {escape(base)} '
           f'(log scale; lower is faster)</text>']
    if title_note:
        svg.append(f'<text x="{LABEL_W}" y="34" fill="#555">{escape(title_note)}</text>')
    lx = LABEL_W
    for e in shown:  # legend
        svg.append(f'<rect x="{lx}" y="44" width="12" height="12" fill="{color[e.name]}"/>')
        svg.append(f'<text x="{lx + 16}" y="54">{escape(e.label)}</text>')
        lx += 24 + 7 * len(e.label)
    decade = lo
    while decade <= hi:  # grid: 1, 2, 5 per decade
        for m in (1, 2, 5):
            v = decade * m
            if lo <= v <= hi:
                gx = x(v)
                strong = v == 1
                svg.append(f'<line x1="{gx:.1f}" y1="{TOP - 6}" x2="{gx:.1f}" y2="{height - 30}" '
                           f'stroke="{"#333" if strong else "#ddd"}" stroke-width="{1.5 if strong else 1}"/>')
                svg.append(f'<text x="{gx:.1f}" y="{height - 16}" text-anchor="middle">{v:g}×</text>')
        decade *= 10
    for i, (label, r) in enumerate(data):
        y0 = TOP + i * group_h
        mean = label == "geometric mean"
        if mean:
            svg.append(f'<line x1="10" y1="{y0 - GAP / 2:.1f}" x2="{width - 10}" y2="{y0 - GAP / 2:.1f}" stroke="#999"/>')
        weight = ' font-weight="bold"' if mean else ""
        svg.append(f'<text x="{LABEL_W - 8}" y="{y0 + BAR_H * len(shown) / 2 + 4:.1f}" text-anchor="end"{weight}>'
                   f'{escape(label)}</text>')
        for j, e in enumerate(shown):
            if e.name not in r:
                continue
            v, by = r[e.name], y0 + j * BAR_H
            svg.append(f'<rect x="{LABEL_W}" y="{by}" width="{max(x(v) - LABEL_W, 1):.1f}" height="{BAR_H - 1}" '
                       f'fill="{color[e.name]}"><title>{escape(label)}, {escape(e.label)}: {v:.2f}×</title></rect>')
            svg.append(f'<text x="{x(v) + 3:.1f}" y="{by + BAR_H - 2}" font-size="9"{weight}>{v:.2f}</text>')
    svg.append("</svg>")
    return "\n".join(svg) + "\n"
