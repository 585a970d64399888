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
"""
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


if __name__ == "__main__":
    case("a128", 128, 1e3, 1.0, 16)
    case("a64", 64, 1e4, 100.0, 17)
