"""The linear algebra of one Shampoo step on an n×n block in numpy (float64, OpenBLAS/LAPACK), beside
ShampooStepBench. Quantization is not reproduced: these are the dense operations each variant performs.

Run single-threaded to match the Java reference:  OPENBLAS_NUM_THREADS=1 python3 bench/numpy/shampoo_step.py"""
import timeit

import numpy as np

n = 1024
beta, eps = 0.95, 1e-6
rng = np.random.default_rng(1)
g = rng.standard_normal((n, n))
l = np.eye(n) * eps + (1 - beta) * g @ g.T
r = np.eye(n) * eps + (1 - beta) * g.T @ g


def root(a):
    w, v = np.linalg.eigh(a)
    return (v * (w + eps * w[-1]) ** -0.25) @ v.T


lr_, rr_ = root(l), root(r)


def fp32_refresh():  # EMA of both statistics, two eigen roots, apply
    a = beta * l + (1 - beta) * g @ g.T
    b = beta * r + (1 - beta) * g.T @ g
    return root(a) @ g @ root(b)


def cq_refresh():  # Eq. 7: rebuild C·Cᵀ, EMA, Cholesky; Eq. 12: rebuild and root; apply
    c = np.linalg.cholesky(l)
    a = beta * (c @ c.T) + (1 - beta) * g @ g.T
    c2 = np.linalg.cholesky(a + eps * np.eye(n))
    d = np.linalg.cholesky(r)
    b = beta * (d @ d.T) + (1 - beta) * g.T @ g
    d2 = np.linalg.cholesky(b + eps * np.eye(n))
    return root(c2 @ c2.T) @ g @ root(d2 @ d2.T)


def steady():  # apply stored roots
    return lr_ @ g @ rr_


for name, op in (("fp32/vq refreshStep", fp32_refresh), ("cq refreshStep", cq_refresh), ("steadyStep", steady)):
    op()
    t = min(timeit.repeat(op, number=1, repeat=3))
    print(f"numpy n={n} {name:22s} {t * 1e3:10.1f} ms")
