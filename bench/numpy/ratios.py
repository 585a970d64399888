"""Joins KernelBackendsBench's JMH JSON with dense_kernels.py's output into one markdown table of CPU ms per call
and the ratios against scipy.

    python3 bench/numpy/ratios.py JMH.json NUMPY.txt

A JMH run of one backend (-p backend=openblas) leaves the other backend's columns empty.
"""
import json
import re
import sys

SCIPY = {
    "gemm": "gemm", "gemmTransA": "gemmTransA", "gemmTransB": "gemmTransB", "gram": "gram (scipy dsyrk)",
    "cholesky": "cholesky (scipy)", "eigh": "eigh (scipy, syevr)", "thinSvd": "thinSvd (scipy, gesdd)",
    "inverseFourthRoot": "inverseFourthRoot (scipy)",
}
LABEL = {
    "gemm": "GEMM G·H", "gemmTransA": "Gᵀ·H", "gemmTransB": "G·Hᵀ", "gram": "A·Aᵀ (G·Gᵀ)", "cholesky": "potrf (Cholesky)",
    "eigh": "eigh", "thinSvd": "thin SVD, n × n/4", "inverseFourthRoot": "inverse 4th root (eigen, with residual)",
}


def load(jmh_path, numpy_path):
    """({(operation, backend, n): (CPU ms, wall ms)} of the JMH JSON, {(python label, n): (CPU ms, wall ms)})."""
    java = {}
    for r in json.load(open(jmh_path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        sec = r["secondaryMetrics"]
        cpu = sec["cpuNanos"]["score"] / sec["calls"]["score"] / 1e6
        java[(name, r["params"]["backend"], int(r["params"]["n"]))] = (cpu, r["primaryMetric"]["score"])
    py = {}
    for line in open(numpy_path):
        m = re.match(r"n=\s*(\d+) (.+?)\s+cpu\s+([\d.]+) ms\s+wall median\s+([\d.]+) ms", line)
        if m:
            py[(m.group(2), int(m.group(1)))] = (float(m.group(3)), float(m.group(4)))
    return java, py


def main():
    java, py = load(sys.argv[1], sys.argv[2])
    print("| operation | n | EJML ms | OpenBLAS ms | scipy ms | OpenBLAS / scipy | EJML / scipy | EJML / OpenBLAS |")
    print("|---|---|---|---|---|---|---|---|")
    for name in SCIPY:
        for n in sorted({k[2] for k in java}):
            e = java.get((name, "ejml", n))
            o = java.get((name, "openblas", n))
            s = py.get((SCIPY[name], n))
            if not s or not (e or o):
                continue
            ms = lambda x: f"{x[0]:.1f}" if x else "—"  # noqa: E731 (a run of one backend leaves the other's columns empty)
            print(f"| {LABEL[name]} | {n} | {ms(e)} | {ms(o)} | {s[0]:.1f} | "
                  f"{f'{o[0] / s[0]:.2f}' if o else '—'} | {f'{e[0] / s[0]:.1f}' if e else '—'} | "
                  f"{f'{e[0] / o[0]:.1f}' if e and o else '—'} |")


if __name__ == "__main__":
    main()
