"""The operations of KernelBackendsBench (bench/src/main/java/.../linalg/KernelBackendsBench.java) in numpy/scipy,
same shapes and inputs' kinds, for a ratio measured in the same session.

Run exactly as (1 thread; the two variables unset for this command alone, so OpenBLAS picks its own core type and
cache sizes; never unset them in tests or CI):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 python3 bench/numpy/dense_kernels.py

Prints, per operation, the mean CPU time of this thread per call (the clock the Java side's cpuNanos/calls uses;
other processes on a shared machine disturb it far less than wall time) and the median wall time, in ms; numpy's and
scipy's where they differ (scipy.linalg calls LAPACK drivers directly: potrf, syevr, gesdd; numpy's eigh is syevd).
"""
import os
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.linalg as sl


def spd(n, cond, rng):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))
    lam = cond ** (-np.linspace(0, 1, n))
    a = (q * lam) @ q.T
    return (a + a.T) / 2


def inverse_fourth_root(a, eigh, eps=1e-6, p=4):
    """As EigenInverseRoot: eigh, X = V·diag((λ+r)^(-1/p))·Vᵀ symmetrized, residual max|X⁴·(A+rI) − I|."""
    w, v = eigh(a)
    r = eps * w[-1]
    x = (v * (w + r) ** (-1.0 / p)) @ v.T
    x = (x + x.T) / 2
    x2 = x @ x
    x4 = x2 @ x2
    n = len(a)
    return x, np.max(np.abs(x4 @ (a + r * np.eye(n)) - np.eye(n)))


def measure(op, budget_s):
    op()
    wall = []
    cpu = []
    start = time.perf_counter()
    while len(wall) < 3 or (time.perf_counter() - start < budget_s and len(wall) < 200):
        c0 = time.thread_time_ns()
        t0 = time.perf_counter()
        op()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time_ns() - c0)
    return statistics.mean(cpu) / 1e6, statistics.median(wall) * 1e3, len(wall)


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    sizes = [int(s) for s in sys.argv[2].split(",")] if len(sys.argv) > 2 else [256, 1024, 1200]
    print(f"# numpy {np.__version__}, scipy {scipy.__version__}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE')}; ms per call over ~{budget:g} s each")
    for n in sizes:
        rng = np.random.default_rng(1)
        a = spd(n, 1e4, rng)
        g = rng.standard_normal((n, n))
        h = rng.standard_normal((n, n))
        m = rng.standard_normal((n, n // 4))
        ops = {
            "gemm": lambda: g @ h,
            "gemmTransA": lambda: g.T @ h,
            "gemmTransB": lambda: g @ h.T,
            "gram (numpy g @ g.T)": lambda: g @ g.T,
            "gram (scipy dsyrk)": lambda: sl.blas.dsyrk(1.0, g, lower=1),
            "cholesky (numpy)": lambda: np.linalg.cholesky(a),
            "cholesky (scipy)": lambda: sl.cholesky(a, lower=True, check_finite=False),
            "eigh (numpy, syevd)": lambda: np.linalg.eigh(a),
            "eigh (scipy, syevr)": lambda: sl.eigh(a, check_finite=False),
            "thinSvd (numpy, gesdd)": lambda: np.linalg.svd(m, full_matrices=False),
            "thinSvd (scipy, gesdd)": lambda: sl.svd(m, full_matrices=False, check_finite=False),
            "inverseFourthRoot (numpy)": lambda: inverse_fourth_root(a, np.linalg.eigh),
            "inverseFourthRoot (scipy)": lambda: inverse_fourth_root(a, lambda x: sl.eigh(x, check_finite=False)),
        }
        for name, op in ops.items():
            cpu, wall, reps = measure(op, budget)
            print(f"n={n:5d} {name:28s} cpu {cpu:10.2f} ms   wall median {wall:10.2f} ms   ({reps} runs)", flush=True)


if __name__ == "__main__":
    main()
