"""One Shampoo step on a single n×n fp32 parameter in numpy/scipy: the same math as ShampooStepBench
(bench/src/main/java/.../shampoo/ShampooStepBench.java), for a ratio measured in the same session.

Run exactly as (1 thread; the two variables unset for this command alone, so OpenBLAS picks its own core type and
cache sizes; never unset them in tests or CI):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 python3 bench/numpy/shampoo_step.py [seconds]

What one step does, as the Java optimizer does it (SGD base optimizer, lr 1e-3, SGD grafting, β = βₑ = 0.95, ε = 1e-6):
the gradient widened to float64; every T1 the statistics of both sides, every T2 both inverse 4th roots, stored as
the variant stores them; then P = D(L̂)·G·D(R̂), rescaled to ‖G‖_F, and w ← w − lr·P in fp32. The steady step applies
roots whose dequantized form is kept between refreshes (as the Java optimizer keeps D(L̂)), so it is the same for
every variant. Storage: fp32 states are float32 arrays; 4-bit states are linear-2 codes over row segments of 64
elements with fp32 absmax scales and the diagonal in fp32 (DiagReal and triangular modes), encoded by a search over
the table's midpoints (numpy.searchsorted; ties may round otherwise than the Java quantizer's even-index rule, which
changes no cost). The eigen roots use scipy's syevr, as the Java OpenBLAS backend does, and no residual check (the
optimizer builds its eigen roots unchecked). The QR of the eigenvector variant is LAPACK's dgeqrf/dorgqr (numpy.linalg.qr).

Prints, per variant and step kind, the mean CPU time of this thread per call (the clock of the Java side's
cpuNanos/calls) and the median wall time, in ms.
"""
import os
import statistics
import sys
import time

import numpy as np
import scipy
import scipy.linalg as sl

N = 1024
BETA = BETA_E = 0.95
EPS = 1e-6
LR = 1e-3
B = 64
F32 = np.float32


def linear2_table():
    """The 4-bit linear-2 table as PyTorch builds it (docs/design.md): sign(v)·v² over an fp32 linspace, entry 7 = 0."""
    steps, start, end = 16, F32(-1), F32(1)
    step = F32((end - start) / F32(steps - 1))
    v = np.array([start + step * F32(j) if j < steps // 2 else end - step * F32(steps - 1 - j) for j in range(steps)],
                 dtype=F32)
    t = (np.sign(v) * v * v).astype(F32)
    t[7] = 0
    return np.sort(t)


TABLE = linear2_table()
MIDPOINTS = ((TABLE[1:] + TABLE[:-1]) / F32(2)).astype(F32)


def quantize(x):
    """Codes (two per byte) and fp32 absmax scales of a flat float64 vector, in blocks of B consecutive elements."""
    pad = (-x.size) % B
    x32 = np.concatenate([x.astype(F32), np.zeros(pad, F32)]).reshape(-1, B)
    absmax = np.abs(x32).max(axis=1)
    scale = np.divide(F32(1), absmax, out=np.zeros_like(absmax), where=absmax > 0)
    codes = np.searchsorted(MIDPOINTS, (x32 * scale[:, None]).ravel()).astype(np.uint8)
    return codes[0::2] | (codes[1::2] << 4), absmax, x.size


def dequantize(q):
    packed, absmax, size = q
    codes = np.empty(packed.size * 2, np.uint8)
    codes[0::2] = packed & 15
    codes[1::2] = packed >> 4
    return (TABLE[codes].reshape(-1, B) * absmax[:, None]).ravel()[:size].astype(np.float64)


LOWER = np.tril_indices(N, -1)


def store_diag_real(x):
    """DiagReal: the diagonal in fp32, the rest quantized with a zero diagonal (L̂)."""
    d = np.diag(x).astype(F32)
    off = x.copy()
    np.fill_diagonal(off, 0)
    return d, quantize(off.ravel())


def load_diag_real(s):
    d, q = s
    x = dequantize(q).reshape(N, N)
    np.fill_diagonal(x, d)
    return x


def store_lower(c, keep_diagonal=True):
    """Strictly lower part quantized, diagonal in fp32 (C̄; Ē keeps no diagonal)."""
    return (np.diag(c).astype(F32) if keep_diagonal else None), quantize(c[LOWER])


def load_lower(s):
    d, q = s
    x = np.zeros((N, N))
    x[LOWER] = dequantize(q)
    if d is not None:
        np.fill_diagonal(x, d)
    return x


def eigen_root(a):
    w, v = sl.eigh(a, driver="evr", check_finite=False)
    x = (v * (w + EPS * w[-1]) ** -0.25) @ v.T
    return (x + x.T) / 2


def bjorck(v, steps):
    for _ in range(steps):
        v = 1.5 * v - 0.5 * (v @ (v.T @ v))
    return v


class Step:
    """One parameter, one block: the state of one variant and its step."""

    def __init__(self, variant, rng):
        self.variant = variant
        self.w = np.zeros((N, N), F32)
        self.g32 = rng.standard_normal((N, N)).astype(F32)
        eye = np.eye(N)
        self.sides = []
        for _ in range(2):
            if variant == "FP32":
                state = {"L": (EPS * eye).astype(F32)}
            elif variant == "CQ_EF":
                state = {"C": store_lower(np.sqrt(EPS) * eye), "E": store_lower(np.zeros((N, N)), False)}
            else:  # EIGEN4
                state = {"Vt": quantize(eye.ravel()), "S": np.full(N, EPS, F32)}
            state["root"] = eye.copy()  # D(L̂₀) = I, kept dequantized
            self.sides.append(state)

    def update(self, s, gram):
        if self.variant == "FP32":
            s["L"] = (BETA * s["L"].astype(np.float64) + (1 - BETA) * gram).astype(F32)
        elif self.variant == "CQ_EF":  # Li Eqs. 7, 10, 11
            c = load_lower(s["C"])
            ck = sl.cholesky(BETA * (c @ c.T) + (1 - BETA) * gram + EPS * np.eye(N), lower=True, check_finite=False)
            compensated = ck + load_lower(s["E"])
            s["C"] = store_lower(compensated)
            e = BETA_E * load_lower(s["E"]) + (1 - BETA_E) * (compensated - load_lower(s["C"]))
            s["E"] = store_lower(e, False)
        else:  # Wang et al.: Björck(t1 = 1), rebuild, EMA, one QR subspace step
            v = bjorck(dequantize(s["Vt"]).reshape(N, N).T, 1)
            l = (v * s["S"].astype(np.float64)) @ v.T
            l = BETA * (l + l.T) / 2 + (1 - BETA) * gram
            q, r = np.linalg.qr(l @ v)
            q *= np.where(np.diag(r) < 0, -1.0, 1.0)
            s["S"] = np.einsum("ij,ij->j", q, l @ q).astype(F32)
            s["Vt"] = quantize(q.T.ravel())

    def refresh(self, s):
        if self.variant == "FP32":
            s["Lhat"] = eigen_root(s["L"].astype(np.float64)).astype(F32)
            s["root"] = s["Lhat"].astype(np.float64)
        elif self.variant == "CQ_EF":  # Li Eq. 12
            c = load_lower(s["C"])
            s["Lhat"] = store_diag_real(eigen_root(c @ c.T))
            s["root"] = load_diag_real(s["Lhat"])
        else:  # Björck(t2 = 4), V·(S + ε·max S)^(−1/4)·Vᵀ
            v = bjorck(dequantize(s["Vt"]).reshape(N, N).T, 4)
            sv = s["S"].astype(np.float64)
            s["Lhat"] = store_diag_real((v * (sv + EPS * sv.max()) ** -0.25) @ v.T)
            s["root"] = load_diag_real(s["Lhat"])

    def step(self, refresh):
        g = self.g32.astype(np.float64)
        if refresh:
            left, right = self.sides
            self.update(left, g @ g.T)
            self.update(right, g.T @ g)
            self.refresh(left)
            self.refresh(right)
        p = self.sides[0]["root"] @ g @ self.sides[1]["root"]
        p *= np.linalg.norm(g) / np.linalg.norm(p)  # SGD grafting: ‖P‖ → ‖G‖
        self.w -= (LR * p).astype(F32)


def measure(op, budget_s):
    op()
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < 3 or (time.perf_counter() - start < budget_s and len(wall) < 200):
        c0 = time.thread_time_ns()
        t0 = time.perf_counter()
        op()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time_ns() - c0)
    return statistics.mean(cpu) / 1e6, statistics.median(wall) * 1e3, len(wall)


def main():
    budget = float(sys.argv[1]) if len(sys.argv) > 1 else 6.0
    print(f"# numpy {np.__version__}, scipy {scipy.__version__}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE')}; n = {N}; ms per call over ~{budget:g} s each")
    for variant in ("FP32", "CQ_EF", "EIGEN4"):
        s = Step(variant, np.random.default_rng(1))
        s.step(True)  # statistics and roots exist before measuring, as in the Java setup
        for kind, refresh in (("refreshStep", True), ("steadyStep", False)):
            cpu, wall, calls = measure(lambda: s.step(refresh), budget)
            print(f"step {variant:6s} {kind:12s} cpu {cpu:10.2f} ms  wall median {wall:10.2f} ms  ({calls} calls)")


if __name__ == "__main__":
    main()
