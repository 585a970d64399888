"""The operations of DenseKernelsBench in numpy (OpenBLAS/LAPACK), for a same-session comparison.

Run single-threaded to match the Java reference:  OPENBLAS_NUM_THREADS=1 python3 bench/numpy/linalg_bench.py
The coupled-Newton root mirrors CoupledNewtonInverseRoot (same z, same stopping rule)."""
import sys
import timeit

import numpy as np


def spd(n, cond, seed=1):
    rng = np.random.default_rng(seed)
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))
    lam = cond ** (-np.linspace(0, 1, n))
    a = (q * lam) @ q.T
    return (a + a.T) / 2


def eigen_root(a, p=4, eps=1e-6):
    w, v = np.linalg.eigh(a)
    r = eps * w[-1]
    x = (v * (w + r) ** (-1.0 / p)) @ v.T
    xp = np.linalg.matrix_power(x, p)
    return x, np.max(np.abs(xp @ (a + r * np.eye(len(a))) - np.eye(len(a))))


def newton_root(a, p=4, eps=1e-6, iters=10, tol=1e-6, growth=1.2):
    n = len(a)
    ident = np.eye(n)
    shifted = a + eps * np.linalg.eigvalsh(a)[-1] * ident
    z = (1 + p) / (2 * np.linalg.norm(shifted))
    x = ident * z ** (1.0 / p)
    m = shifted * z
    err = np.max(np.abs(m - ident))
    k = 0
    while err > tol and k < iters:
        t = ((p + 1) * ident - m) / p
        x_new = x @ t
        m_new = np.linalg.matrix_power(t, p) @ m
        e_new = np.max(np.abs(m_new - ident))
        if e_new > growth * err:
            break
        x, m, err, k = x_new, m_new, e_new, k + 1
    return x


def main():
    for n in (256, 1024):
        a = spd(n, 1e4)
        ops = {
            "gemm": lambda: a @ a,
            "cholesky": lambda: np.linalg.cholesky(a + 1e-6 * np.eye(n)),
            "eigh": lambda: np.linalg.eigh(a),
            "eigenInverseRoot": lambda: eigen_root(a),
            "newtonRootOfficial": lambda: newton_root(a),
            "newtonRootConverging": lambda: newton_root(a, iters=100, tol=1e-9, growth=float("inf")),
        }
        ell = 64 if n == 256 else 256
        rng = np.random.default_rng(2)
        b = rng.standard_normal((n, ell))
        b[:, -1] = 0
        u, _ = np.linalg.qr(rng.standard_normal((n, ell)))
        f = rng.random(ell)
        x = rng.standard_normal((n, n))
        left, g, right = (rng.standard_normal((n, n)) for _ in range(3))
        g1 = rng.standard_normal((n, 1))
        ops.update({
            # FrequentDirectionsBench: thin SVD of [sqrt(beta)·B, G] (numpy also forms V; qshampoo does not)
            f"fdUpdate(k=1, ell={ell})": lambda: np.linalg.svd(np.hstack([np.sqrt(0.999) * b, g1]), full_matrices=False),
            f"fdUpdate(k=n, ell={ell})": lambda: np.linalg.svd(np.hstack([np.sqrt(0.999) * b, g]), full_matrices=False),
            f"fdApplyInverseRoot(ell={ell})": lambda: u @ (f[:, None] * (u.T @ x)) + 0.5 * x,
            # KroneckerBench: L·G·R without the Kronecker product
            "sandwich": lambda: left @ g @ right,
        })
        for name, op in ops.items():
            op()
            reps = 20 if n == 256 else 3
            t = min(timeit.repeat(op, number=1, repeat=reps))
            print(f"numpy n={n:5d} {name:22s} {t * 1e3:10.2f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
