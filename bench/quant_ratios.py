#!/usr/bin/env python3
"""Ratios of QuantizeBenchmark's quantize/dequantize to the copy of the same matrix, from a JMH JSON result.

Usage: python3 bench/quant_ratios.py RESULT.json [LABEL]
(java -jar bench/target/benchmarks.jar 'QuantizeBenchmark' ... -rf json -rff RESULT.json)

Prints, per layout, wall-clock ms/op (JMH's score) and thread-CPU ms/op (secondary results cpuNanos / calls),
and each operation's speed as a fraction of the copy's: copy time / operation time.
"""
import json
import sys


def load(path):
    """{layout: {operation: (wall ms, wall error ms, thread-CPU ms or None)}} of a QuantizeBenchmark JSON result."""
    with open(path) as f:
        runs = json.load(f)
    rows = {}
    for r in runs:
        name = r["benchmark"].rsplit(".", 1)[1]
        layout = r.get("params", {}).get("layout", "-")
        sec = r.get("secondaryMetrics", {})
        cpu = None
        if "cpuNanos" in sec and sec["cpuNanos"]["score"] and sec.get("calls", {}).get("score"):
            cpu = sec["cpuNanos"]["score"] / sec["calls"]["score"] / 1e6
        rows.setdefault(layout, {})[name] = (r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"], cpu)
    return rows


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: quant_ratios.py RESULT.json [LABEL]")
    label = sys.argv[2] if len(sys.argv) > 2 else sys.argv[1]
    rows = load(sys.argv[1])
    print(f"| {label} | layout | operation | wall ms (±99.9%) | CPU ms | copy/op wall | copy/op CPU |")
    print("|---|---|---|---|---|---|---|")
    for layout, ops in rows.items():
        if "copy" not in ops:
            continue
        cw, _, cc = ops["copy"]
        for name in ("copy", "quantize", "dequantize"):
            if name not in ops:
                continue
            w, e, c = ops[name]
            cpu = f"{c:.2f}" if c is not None else "—"
            rc = f"{cc / c:.0%}" if c and cc else "—"
            print(f"| | {layout} | {name} | {w:.2f} ± {e:.2f} | {cpu} | {cw / w:.0%} | {rc} |")


if __name__ == "__main__":
    main()
