"""Joins ShampooStepBench's JMH JSON with shampoo_step.py's output into one markdown table of CPU ms per step and the
ratios against numpy (the issue's goals beside them).

    python3 bench/numpy/step_ratios.py JMH.json NUMPY.txt
"""
import json
import re
import sys

GOAL = {("refreshStep", "FP32"): 1.2, ("refreshStep", "CQ_EF"): 1.2, ("refreshStep", "EIGEN4"): 2.0}
LABEL = {"FP32": "FP32", "CQ_EF": "CQ+EF", "EIGEN4": "EIGEN4"}


def load(jmh_path, numpy_path):
    """({(benchmark, variant): (CPU ms, wall ms, backend)} of the JMH JSON, {(benchmark, variant): (CPU ms, wall ms)})."""
    java = {}
    for r in json.load(open(jmh_path)):
        sec = r["secondaryMetrics"]
        key = (r["benchmark"].rsplit(".", 1)[1], r["params"]["variant"])
        java[key] = (sec["cpuNanos"]["score"] / sec["calls"]["score"] / 1e6, r["primaryMetric"]["score"],
                     r["params"]["backend"])
    py = {}
    for line in open(numpy_path):
        m = re.match(r"step (\S+)\s+(\S+)\s+cpu\s+([\d.]+) ms\s+wall median\s+([\d.]+) ms", line)
        if m:
            py[(m.group(2), m.group(1))] = (float(m.group(3)), float(m.group(4)))
    return java, py


def goal(kind, variant):
    """The goal of issue 12 for this step: qshampoo / numpy at most this."""
    return GOAL.get((kind, variant), 1.1)


def main():
    java, py = load(sys.argv[1], sys.argv[2])
    print("| step | variant | qshampoo ms | numpy ms | qshampoo / numpy | goal |")
    print("|---|---|---|---|---|---|")
    for kind in ("steadyStep", "refreshStep"):
        for variant in ("FP32", "CQ_EF", "EIGEN4"):
            j, p = java.get((kind, variant)), py.get((kind, variant))
            if j and p:
                g = goal(kind, variant)
                print(f"| {'steady' if kind == 'steadyStep' else 'refresh'} | {LABEL[variant]} | {j[0]:.1f} | "
                      f"{p[0]:.1f} | {j[0] / p[0]:.2f} | ≤ {g:g} |")


if __name__ == "__main__":
    main()
