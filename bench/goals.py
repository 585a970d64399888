#!/usr/bin/env python3
"""The performance goals' table from the files bench/goals.sh wrote: per goal the measurement, the goal and a verdict.

    python3 bench/goals.py OUT_DIR

Every ratio is of thread-CPU times (JMH's cpuNanos / calls, Python's thread_time) where the source has them, as in
bench/RESULTS.md; the training and `tables` rows are wall times, as their goals are. A goal is "met" when every
measurement of it is within the bound, "missed" when none is, and "mixed" otherwise (the quantizer's rounds: a
verdict on a noisy 2-core machine should not rest on one run). A step that was not run, or whose files lack a
measurement, prints "not measured" with what is missing; nothing is filled in.
"""
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import quant_ratios  # noqa: E402
import ratios  # noqa: E402
import step_ratios  # noqa: E402

KERNEL_SIZES = (1024, 1200)
KERNEL_OPS = ("gemm", "gemmTransA", "gemmTransB", "gram", "cholesky", "eigh", "thinSvd", "inverseFourthRoot")


class Goals:
    def __init__(self, out):
        self.out = out
        self.rows = []

    def path(self, name):
        return os.path.join(self.out, name)

    def row(self, goal, measured, verdict, source):
        self.rows.append((goal, measured, verdict, source))

    def missing(self, goal, what):
        self.row(goal, "not measured: " + what, "—", "")


def verdict(values, within):
    ok = [within(v) for v in values]
    return "**met**" if all(ok) else ("**missed**" if not any(ok) else "**mixed**")


def kernels(g):
    goal = "kernels ≤ 1.2× scipy, n = 1024 and 1200"
    if not (os.path.exists(g.path("kernels.json")) and os.path.exists(g.path("kernels-numpy.txt"))):
        return g.missing(goal, "kernels.json / kernels-numpy.txt")
    java, py = ratios.load(g.path("kernels.json"), g.path("kernels-numpy.txt"))
    found = []
    for op in KERNEL_OPS:
        for n in KERNEL_SIZES:
            o, s = java.get((op, "openblas", n)), py.get((ratios.SCIPY[op], n))
            if not (o and s):
                return g.missing(goal, f"{op} at n = {n}")
            found.append((o[0] / s[0], f"{ratios.LABEL[op]} n={n}"))
    worst = max(found)
    g.row(goal, f"{min(found)[0]:.3f}–{worst[0]:.3f} over {len(found)} (highest: {worst[1]})",
          verdict([r for r, _ in found], lambda r: r <= 1.2), "kernels.json, kernels-numpy.txt")


def steps(g):
    if not (os.path.exists(g.path("step.json")) and os.path.exists(g.path("step-numpy.txt"))):
        return g.missing("Shampoo steps against numpy's same math", "step.json / step-numpy.txt")
    java, py = step_ratios.load(g.path("step.json"), g.path("step-numpy.txt"))
    for kind, name in (("steadyStep", "steady step"), ("refreshStep", "refresh step")):
        for variant in ("FP32", "CQ_EF", "EIGEN4"):
            bound = step_ratios.goal(kind, variant)
            goal = f"{name} {step_ratios.LABEL[variant]} ≤ {bound:g}× numpy"
            j, p = java.get((kind, variant)), py.get((kind, variant))
            if not (j and p):
                g.missing(goal, f"{kind} {variant}")
                continue
            r = j[0] / p[0]
            g.row(goal, f"{r:.3f} ({j[0]:.1f} / {p[0]:.1f} ms)", verdict([r], lambda x: x <= bound),
                  "step.json, step-numpy.txt")


def quantizer(g):
    for jdk, q_goal in (("17", 0.30), ("25", 0.50)):
        files = sorted(f for f in os.listdir(g.out) if re.fullmatch(rf"quant-{jdk}-\d+\.json", f))
        ratios_q, ratios_d = [], []
        for f in files:
            ops = quant_ratios.load(g.path(f)).get("ROW_SEGMENTS", {})
            if all(k in ops and ops[k][2] for k in ("copy", "quantize", "dequantize")):
                ratios_q.append(ops["copy"][2] / ops["quantize"][2])
                ratios_d.append(ops["copy"][2] / ops["dequantize"][2])
        kernel = ""
        kf = g.path(f"quant-{jdk}-1.kernel")
        if os.path.exists(kf):
            kernel = open(kf).read().strip().replace("quantizer kernel: ", "").split(", Java")[0]
            kernel = re.sub(r" \(.*\)$", "", kernel)
        for op, values, bound in (("quantize", ratios_q, q_goal), ("dequantize", ratios_d, 0.80)):
            goal = f"4-bit {op} ≥ {bound:.0%} of a copy, JDK {jdk}" + (f" ({kernel})" if kernel else "")
            if not values:
                g.missing(goal, f"quant-{jdk}-N.json")
                continue
            g.row(goal, f"median {statistics.median(values):.0%}, rounds " + ", ".join(f"{v:.0%}" for v in values),
                  verdict(values, lambda v: v >= bound), f"quant-{jdk}-*.json")


def train_seconds(g, opt, run=None):
    f = g.path(f"{run or 'train-' + opt}/results.json")
    if not os.path.exists(f):
        return None
    for o in json.load(open(f))["optimizers"]:
        if o["id"] == opt and o.get("failure") is None:
            return o["train_seconds"]
    return None


def ratio_row(g, goal, num, den, bound, sources):
    """A row num / den against a bound (None: a comparison without a goal), or 'not measured' naming the sources."""
    if not (num and den):
        return g.missing(goal, " / ".join(sources))
    r = num / den
    g.row(goal, f"{r:.3f} ({num:.1f} / {den:.1f} s)", "—" if bound is None else verdict([r], lambda x: x <= bound),
          ", ".join(sources))


def training(g):
    adamw, fp32 = train_seconds(g, "adamw"), train_seconds(g, "fp32")
    sk = None
    if os.path.exists(g.path("sklearn.txt")):
        m = re.search(r"fit wall ([\d.]+) s, cpu ([\d.]+) s", open(g.path("sklearn.txt")).read())
        sk = float(m.group(1)) if m else None
    ratio_row(g, "train AdamW ≤ 1.5× scikit-learn (5 epochs, wall)", adamw, sk, 1.5,
              ("train-adamw/results.json", "sklearn.txt"))
    ratio_row(g, "train Shampoo fp32 ≤ 3× AdamW (5 epochs, wall)", fp32, adamw, 3.0,
              ("train-fp32/results.json", "train-adamw/results.json"))
    official = train_seconds(g, "fp32", "train-fp32-official")
    if official:
        ratio_row(g, "(for comparison, no goal) Shampoo fp32 at the official T1 = 100, T2 = 500 against AdamW",
                  official, adamw, None, ("train-fp32-official/results.json", "train-adamw/results.json"))


def tables(g):
    goal = "`qshampoo tables` full default ≤ 30 s wall"
    f = g.path("tables.txt")
    m = re.search(r"time: ([\d.]+) s wall, ([\d.]+) s user", open(f).read()) if os.path.exists(f) else None
    if not m:
        return g.missing(goal, "tables.txt")
    wall = float(m.group(1))
    g.row(goal, f"{wall:.1f} s ({m.group(2)} s user)", verdict([wall], lambda s: s <= 30), "tables.txt")


def whole_model(g):
    goal = "whole-model check on every core (OpenBLAS) within minutes: ≤ 10 min wall, every trace agreeing"
    f = g.path("wholemodel.txt")
    if not os.path.exists(f):
        return  # optional: only with WHOLE_MODEL_DIR
    text = open(f).read()
    t = re.search(r"time: ([\d.]+) s wall, ([\d.]+) s user", text)
    v = re.search(r"verdict: (\w+) \(([^)]*)\)", text)
    if not (t and v):
        return g.missing(goal, "a verdict and a time in wholemodel.txt")
    wall = float(t.group(1))
    ok = v.group(1) == "AGREE" and wall <= 600
    g.row(goal, f"{wall / 60:.1f} min ({t.group(2)} s user), {v.group(1)}: {v.group(2)}",
          "**met**" if ok else "**missed**", "wholemodel.txt")


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: goals.py OUT_DIR (the directory bench/goals.sh wrote)")
    g = Goals(sys.argv[1])
    for f in (kernels, steps, quantizer, training, tables, whole_model):
        f(g)
    if os.path.exists(g.path("env.txt")):
        print("```")
        print(open(g.path("env.txt")).read().rstrip())
        print("```")
        print()
    print("| goal | measured | verdict | from |")
    print("|---|---|---|---|")
    for goal, measured, v, source in g.rows:
        print(f"| {goal} | {measured} | {v} | {source} |")
    if os.path.exists(g.path("load.txt")):
        print()
        print("Load average (1, 5, 15 min) around each step:")
        print()
        print("```")
        print(open(g.path("load.txt")).read().rstrip())
        print("```")


if __name__ == "__main__":
    main()
