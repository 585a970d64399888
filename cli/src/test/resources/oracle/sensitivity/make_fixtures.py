#!/usr/bin/env python3
"""Writes the fixtures of the oracle-sensitivity tests with numpy (run: python3 make_fixtures.py; numpy >= 1.24).

Deterministic (seeded), so re-running reproduces the committed files. For each case, an SPD matrix A (float32)
with eigenvalues log-spaced over [λmax/κ, λmax] and a random orthogonal basis, and two float32 inverse 4th roots
computed as a user would with numpy, independently of qshampoo (LAPACK ssyevd through numpy.linalg.eigh):

  <case>.a.npy              A, float32
  <case>.root4.eigh.npy     w, V = eigh(A + r·I in float32);  X = (V·w^(-1/4))·Vᵀ in float32
  <case>.root4.eighw.npy    w, V = eigh(A in float32);        X = (V·(w + r)^(-1/4))·Vᵀ in float32

with r = 1e-6·λmax (the ridge of Shampoo; λmax from the float64 spectrum, which A was built from).
Cases: a128 (n = 128, κ = 1e3, λmax = 1: the example of issue 16) and a64 (n = 64, κ = 1e4, λmax = 100).

trace_fp32_long/ is a longer float32 trace than ../trace_fp32 (a 32 × 24 parameter, 30 steps, T1 = 1, T2 = 3,
states after steps 3, 12 and 30), 32-bit Shampoo written in numpy with every operation in float32 (the EMA,
the roots by float32 eigh, grafting, SGD with momentum), for the calibrated band of check trace.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
f32 = np.float32


def case(name, n, kappa, lmax, seed):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = lmax * np.logspace(0, -np.log10(kappa), n)
    a = ((q * lam) @ q.T)
    a = ((a + a.T) * 0.5).astype(np.float32)
    r = f32(1e-6 * lmax)
    w, v = np.linalg.eigh(a + r * np.eye(n, dtype=np.float32))
    x1 = ((v * (w ** f32(-0.25))) @ v.T).astype(np.float32)
    w, v = np.linalg.eigh(a)
    x2 = ((v * ((w + r) ** f32(-0.25))) @ v.T).astype(np.float32)
    assert a.dtype == x1.dtype == x2.dtype == np.float32
    np.save(os.path.join(HERE, name + ".a.npy"), a)
    np.save(os.path.join(HERE, name + ".root4.eigh.npy"), x1)
    np.save(os.path.join(HERE, name + ".root4.eighw.npy"), x2)


def eigen_root(stat, eps):
    """(L + ε·λmax·I)^(-1/4) of the symmetric part, in float32."""
    stat = ((stat + stat.T) * f32(0.5)).astype(np.float32)
    w, v = np.linalg.eigh(stat)
    r = f32(eps) * w.max()
    return ((v * ((w + r) ** f32(-0.25))) @ v.T).astype(np.float32)


def long_trace(name, shape, steps, t2, dump, seed):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(seed)
    beta, eps, lr, mu = f32(0.95), 1e-6, f32(0.1), f32(0.9)
    w = np.zeros(shape, dtype=np.float32)
    buf = np.zeros(shape, dtype=np.float32)
    side = {s: dict(L=f32(eps) * np.eye(n, dtype=np.float32), root=np.eye(n, dtype=np.float32))
            for s, n in (("left", shape[0]), ("right", shape[1]))}
    manifest = {
        "format": "qshampoo-trace/1", "variant": "fp32",
        "config": {"beta": 0.95, "epsilon": eps, "t1": 1, "t2": t2, "bits": 32, "rootMethod": "eigen",
                   "grafting": "sgd"},
        "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9},
        "parameter": {"name": "w", "shape": list(shape)},
        "precision": "fp32", "gradients": [], "states": {}}
    for k in range(1, steps + 1):
        g = rng.standard_normal(shape).astype(np.float32)
        np.save(os.path.join(d, "g%d.npy" % k), g)
        manifest["gradients"].append("g%d.npy" % k)
        for s, gram in (("left", g @ g.T), ("right", g.T @ g)):
            st = side[s]
            st["L"] = (beta * st["L"] + (f32(1) - beta) * gram).astype(np.float32)
            if k % t2 == 0:
                st["root"] = eigen_root(st["L"], eps)
        p = (side["left"]["root"] @ g @ side["right"]["root"]).astype(np.float32)
        p = (p * (np.linalg.norm(g) / np.linalg.norm(p))).astype(np.float32)
        buf = (mu * buf + p).astype(np.float32)
        w = (w - lr * buf).astype(np.float32)
        if k in dump:
            states = {}
            for s in ("left", "right"):
                for key in ("L", "root"):
                    ref = "s%d_%s_%s.npy" % (k, s, key)
                    np.save(os.path.join(d, ref), side[s][key])
                    states["w#0.%s.%s" % (s, key)] = ref
            np.save(os.path.join(d, "s%d_w.npy" % k), w)
            states["w"] = "s%d_w.npy" % k
            manifest["states"][str(k)] = states
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    case("a128", 128, 1e3, 1.0, 16)
    case("a64", 64, 1e4, 100.0, 17)
    long_trace("trace_fp32_long", (32, 24), 30, 3, (3, 12, 30), 18)
