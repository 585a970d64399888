"""Joins KernelBackendsBench's JMH JSON with dense_kernels.py's output into one markdown table of CPU ms per call
and the ratios against scipy.

    python3 bench/numpy/ratios.py JMH.json NUMPY.txt
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


def main():
    jmh = json.load(open(sys.argv[1]))
    java = {}
    for r in jmh:
        name = r["benchmark"].rsplit(".", 1)[1]
        sec = r["secondaryMetrics"]
        cpu = sec["cpuNanos"]["score"] / sec["calls"]["score"] / 1e6
        java[(name, r["params"]["backend"], int(r["params"]["n"]))] = (cpu, r["primaryMetric"]["score"])
    py = {}
    for line in open(sys.argv[2]):
        m = re.match(r"n=\s*(\d+) (.+?)\s+cpu\s+([\d.]+) ms\s+wall median\s+([\d.]+) ms", line)
        if m:
            py[(m.group(2), int(m.group(1)))] = (float(m.group(3)), float(m.group(4)))
    print("| operation | n | EJML ms | OpenBLAS ms | scipy ms | OpenBLAS / scipy | EJML / scipy | EJML / OpenBLAS |")
    print("|---|---|---|---|---|---|---|---|")
    for name in SCIPY:
        for n in sorted({k[2] for k in java}):
            e = java.get((name, "ejml", n))
            o = java.get((name, "openblas", n))
            s = py.get((SCIPY[name], n))
            if not (e and o and s):
                continue
            print(f"| {LABEL[name]} | {n} | {e[0]:.1f} | {o[0]:.1f} | {s[0]:.1f} | {o[0] / s[0]:.2f} | "
                  f"{e[0] / s[0]:.1f} | {e[0] / o[0]:.1f} |")


if __name__ == "__main__":
    main()
