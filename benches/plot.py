#!/usr/bin/env python3
"""Turns the CSV of `cargo bench --bench scale` into one SVG plot per curve.

    python3 benches/plot.py target/scale.csv docs/performance

writes select.svg, poll.svg, epoll_wait.svg, recvmmsg.svg and bulk.svg into the
directory given (the standard library only: the SVG is written by hand). Each plot has
sockapi and libc side by side: the median over rounds as a line, the interquartile
range as a band, and below it the median of the per-round ratio sockapi / libc with its
interquartile range. The output depends on the CSV alone, so the same CSV makes the same
files byte for byte.
"""

import csv
import math
import os
import sys
from collections import defaultdict

# curve -> (title, x label, y label, y from a row's median ns and x, log y)
CURVES = {
    "select": (
        "select(): one readable among N descriptors, timeout 0",
        "descriptors in the set (N)",
        "µs per call",
        lambda ns, x: ns / 1000.0,
        True,
    ),
    "poll": (
        "poll(): one readable among N descriptors, timeout 0",
        "descriptors in the array (N)",
        "µs per call",
        lambda ns, x: ns / 1000.0,
        True,
    ),
    "epoll_wait": (
        "epoll_wait(): one ready among N registered descriptors, timeout 0",
        "registered descriptors (N)",
        "µs per call",
        lambda ns, x: ns / 1000.0,
        True,
    ),
    "recvmmsg": (
        "recvmmsg(): N queued 64-byte UDP datagrams in one call",
        "datagrams per call (N)",
        "ns per datagram",
        lambda ns, x: ns,
        False,
    ),
    "bulk": (
        "TCP send() on loopback: throughput against the call's size",
        "bytes per send call (KiB)",
        "MiB/s",
        # x KiB per call in `ns` ns
        lambda ns, x: (x * 1024.0) / (ns * 1e-9) / (1 << 20),
        False,
    ),
}

COLOURS = {"sockapi": "#c0392b", "libc": "#2c3e50"}
W, H = 720, 560
LEFT, RIGHT, TOP = 80, 30, 50
MAIN_H, GAP, RATIO_H = 300, 60, 110


def nice_ticks(lo, hi, log):
    if log:
        ticks = []
        e = math.floor(math.log10(lo))
        while 10**e <= hi * 1.0001:
            for m in (1, 2, 5):
                v = m * 10**e
                if lo * 0.9999 <= v <= hi * 1.0001:
                    ticks.append(v)
            e += 1
        return ticks
    span = hi - lo
    step = 10 ** math.floor(math.log10(span / 5)) if span > 0 else 1
    for m in (1, 2, 5, 10):
        if span / (step * m) <= 6:
            step *= m
            break
    t = math.ceil(lo / step) * step
    ticks = []
    while t <= hi + 1e-9:
        ticks.append(t)
        t += step
    return ticks


def fmt(v):
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.0f}"
    if abs(v) >= 1:
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return f"{v:.2f}".rstrip("0").rstrip(".")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plot(curve, rows, out_dir):
    title, xlabel, ylabel, conv, ylog = CURVES[curve]
    by_imp = defaultdict(list)
    for r in rows:
        by_imp[r["impl"]].append(r)
    for v in by_imp.values():
        v.sort(key=lambda r: r["x"])
    xs = sorted({r["x"] for r in rows})
    x0, x1 = min(xs), max(xs)
    lx = lambda x: math.log10(x)
    pw = W - LEFT - RIGHT

    def px(x):
        return LEFT + (lx(x) - lx(x0)) / ((lx(x1) - lx(x0)) or 1) * pw

    # y values: the median and the band (the quartiles, converted; throughput turns
    # a larger time into a smaller value, so the band's ends are sorted).
    series = {}
    for imp, rs in by_imp.items():
        pts = []
        for r in rs:
            m = conv(r["median_ns"], r["x"])
            a, b = conv(r["q1_ns"], r["x"]), conv(r["q3_ns"], r["x"])
            pts.append((r["x"], m, min(a, b), max(a, b)))
        series[imp] = pts
    ys = [v for pts in series.values() for p in pts for v in p[1:]]
    ylo, yhi = min(ys), max(ys)
    if ylog:
        ylo, yhi = 10 ** math.floor(math.log10(ylo)), 10 ** math.ceil(math.log10(yhi))
    else:
        ylo, yhi = 0.0, yhi * 1.08

    def py(y):
        if ylog:
            f = (math.log10(y) - math.log10(ylo)) / (math.log10(yhi) - math.log10(ylo))
        else:
            f = (y - ylo) / (yhi - ylo)
        return TOP + MAIN_H - f * MAIN_H

    rtop = TOP + MAIN_H + GAP
    rat = [(r["x"], r["ratio_median"], r["ratio_q1"], r["ratio_q3"]) for r in by_imp.get("sockapi", [])]
    rvals = [v for p in rat for v in p[1:]] + [1.0]
    rlo, rhi = min(rvals), max(rvals)
    pad = max(0.05, (rhi - rlo) * 0.1)
    # Clipped to 0.5–2: a noisy point's whisker would flatten the rest.
    rlo, rhi = max(0.5, rlo - pad), min(2.0, rhi + pad)

    def pr(y):
        y = min(max(y, rlo), rhi)
        return rtop + RATIO_H - (y - rlo) / (rhi - rlo) * RATIO_H

    o = []
    o.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">'
    )
    o.append(f'<rect width="{W}" height="{H}" fill="white"/>')
    o.append(f'<text x="{W / 2:.1f}" y="24" text-anchor="middle" font-size="15">{esc(title)}</text>')
    rounds = rows[0]["rounds"]
    o.append(
        f'<text x="{W / 2:.1f}" y="40" text-anchor="middle" fill="#555">'
        f"median of {rounds} interleaved rounds; band: interquartile range</text>"
    )
    # Axes and grid of the main plot.
    for t in nice_ticks(ylo, yhi, ylog):
        y = py(t)
        o.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        o.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(t)}</text>')
    for x in xs:
        xx = px(x)
        for top, h in ((TOP, MAIN_H), (rtop, RATIO_H)):
            o.append(f'<line x1="{xx:.1f}" y1="{top}" x2="{xx:.1f}" y2="{top + h}" stroke="#f0f0f0"/>')
        o.append(f'<text x="{xx:.1f}" y="{rtop + RATIO_H + 16}" text-anchor="middle">{fmt(x)}</text>')
    o.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{MAIN_H}" fill="none" stroke="#333"/>')
    o.append(
        f'<text transform="translate(18,{TOP + MAIN_H / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{esc(ylabel)}{" (log)" if ylog else ""}</text>'
    )
    for imp in ("libc", "sockapi"):
        pts = series.get(imp)
        if not pts:
            continue
        c = COLOURS[imp]
        band = [(px(x), py(hi)) for x, _, _, hi in pts] + [(px(x), py(lo)) for x, _, lo, _ in reversed(pts)]
        o.append(
            '<polygon points="'
            + " ".join(f"{a:.1f},{b:.1f}" for a, b in band)
            + f'" fill="{c}" fill-opacity="0.15" stroke="none"/>'
        )
        dash = ' stroke-dasharray="6,4"' if imp == "libc" else ""
        o.append(
            '<polyline points="'
            + " ".join(f"{px(x):.1f},{py(m):.1f}" for x, m, _, _ in pts)
            + f'" fill="none" stroke="{c}" stroke-width="2"{dash}/>'
        )
        for x, m, _, _ in pts:
            o.append(f'<circle cx="{px(x):.1f}" cy="{py(m):.1f}" r="2.5" fill="{c}"/>')
    # Legend.
    lx0 = LEFT + 12
    for i, imp in enumerate(("sockapi", "libc")):
        y = TOP + 16 + i * 18
        dash = ' stroke-dasharray="6,4"' if imp == "libc" else ""
        o.append(
            f'<line x1="{lx0}" y1="{y - 4}" x2="{lx0 + 26}" y2="{y - 4}" stroke="{COLOURS[imp]}" '
            f'stroke-width="2"{dash}/>'
        )
        o.append(f'<text x="{lx0 + 32}" y="{y}">{imp}</text>')
    # Ratio panel.
    for t in nice_ticks(rlo, rhi, False):
        y = pr(t)
        o.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        o.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{t:.2f}</text>')
    o.append(
        f'<line x1="{LEFT}" y1="{pr(1.0):.1f}" x2="{W - RIGHT}" y2="{pr(1.0):.1f}" stroke="#2c3e50" '
        f'stroke-dasharray="6,4"/>'
    )
    if rat:
        c = COLOURS["sockapi"]
        for x, m, lo, hi in rat:
            xx = px(x)
            o.append(f'<line x1="{xx:.1f}" y1="{pr(lo):.1f}" x2="{xx:.1f}" y2="{pr(hi):.1f}" stroke="{c}" stroke-width="1.5"/>')
        o.append(
            '<polyline points="'
            + " ".join(f"{px(x):.1f},{pr(m):.1f}" for x, m, _, _ in rat)
            + f'" fill="none" stroke="{c}" stroke-width="1.5"/>'
        )
        for x, m, _, _ in rat:
            o.append(f'<circle cx="{px(x):.1f}" cy="{pr(m):.1f}" r="2.5" fill="{c}"/>')
    o.append(f'<rect x="{LEFT}" y="{rtop}" width="{pw}" height="{RATIO_H}" fill="none" stroke="#333"/>')
    o.append(
        f'<text transform="translate(18,{rtop + RATIO_H / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">sockapi / libc</text>'
    )
    o.append(
        f'<text x="{LEFT + 6}" y="{rtop - 6}" fill="#555">'
        "sockapi / libc in the same round: median and interquartile range (clipped to 0.5–2)</text>"
    )
    o.append(
        f'<text x="{LEFT + pw / 2:.1f}" y="{rtop + RATIO_H + 36}" text-anchor="middle">'
        f"{esc(xlabel)} (log)</text>"
    )
    o.append("</svg>")
    path = os.path.join(out_dir, f"{curve}.svg")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(o) + "\n")
    return path


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot.py SCALE.csv OUT_DIR")
    src, out_dir = sys.argv[1], sys.argv[2]
    rows = defaultdict(list)
    with open(src, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for k in ("median_ns", "q1_ns", "q3_ns", "ratio_median", "ratio_q1", "ratio_q3"):
                r[k] = float(r[k])
            r["x"] = int(r["x"])
            rows[r["curve"]].append(r)
    os.makedirs(out_dir, exist_ok=True)
    for curve in CURVES:
        if rows.get(curve):
            print(plot(curve, rows[curve], out_dir))


if __name__ == "__main__":
    main()
