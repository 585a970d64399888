#!/usr/bin/env python3
"""Writes the .npy/.npz fixtures of verify's tests with numpy (run: python3 make_fixtures.py, numpy >= 2.0).

Everything is deterministic (fixed values or a seeded generator), so re-running reproduces the committed files
byte for byte. Two groups:

  npy/     element types, byte orders, memory orders and format versions that NpyReaderTest reads back;
  oracle/  inputs and "other side" outputs for the oracle checks, computed here independently of qshampoo:
           * a NumPy re-implementation of the official block quantizer (fp32 arithmetic throughout; code =
             nearest table entry by fp32 midpoints, an exact tie going to the even index; 4-bit codes packed two
             per byte, lower column in the low nibble) — so `check codes` is tested against code that does not
             share a line with qshampoo's quantizer;
           * fp32 inverse 4th roots from numpy's float32 eigh, for `check root`;
           * two traces of an independent NumPy Shampoo computed entirely in float32 (trace_fp32: 32-bit Shampoo;
             trace_vq: vanilla 4-bit quantization of L, R and their roots, Li et al. Eqs. 5-6), for `check trace`.
"""
import json
import os

import numpy as np
from numpy.lib import format as npformat

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(os.path.dirname(HERE), "oracle")
f32 = np.float32


def save(directory, name, arr):
    path = os.path.join(directory, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, arr)


# ----------------------------------------------------------------------------------------------- npy group
def npy_fixtures():
    d = HERE
    save(d, "c_f32.npy", (np.arange(12, dtype=np.float32) * f32(0.25) - f32(1.5)).reshape(3, 4))
    save(d, "f_f64.npy", np.asfortranarray(np.arange(12, dtype=np.float64).reshape(3, 4) / 3.0))
    save(d, "be_f32.npy", np.array([[1.5, -2.25, 3.0e-8], [0.0, -0.0, 65504.0]], dtype=">f4"))
    save(d, "be_f64_fortran.npy", np.asfortranarray((np.arange(6).reshape(3, 2) - 2.5).astype(">f8")))
    save(d, "u8.npy", np.array([0, 1, 127, 128, 255], dtype=np.uint8))
    save(d, "i64.npy", np.array([[-(2 ** 63), -1], [0, 2 ** 63 - 1]], dtype=np.int64))
    save(d, "f_i16_3d.npy", np.asfortranarray((np.arange(24, dtype=np.int16) - 12).reshape(2, 3, 4)))
    save(d, "scalar_f64.npy", np.array(2.5))
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(d, "v%d_f32.npy" % version[0]), "wb") as f:
            npformat.write_array(f, np.arange(6, dtype=np.float32).reshape(2, 3), version=version)
    np.savez_compressed(os.path.join(d, "arrays.npz"),
                        a=np.arange(4, dtype=np.float32), **{"w#0.left.C": np.eye(2, dtype=np.float32)})
    save(d, "c16_unsupported.npy", np.array([1 + 2j, 3 - 1j], dtype="<c16"))


# ------------------------------------------------------------------------------------------ quantizer
def torch_linspace(start, end, steps):
    """PyTorch's fp32 linspace: step = (end - start)/(steps - 1); first half from start, second half from end."""
    start, end = f32(start), f32(end)
    step = (end - start) / f32(steps - 1)
    out = np.empty(steps, dtype=np.float32)
    half = steps // 2
    for j in range(steps):
        out[j] = start + step * f32(j) if j < half else end - step * f32(steps - 1 - j)
    return out


def table(mapping, bits):
    n = 2 ** bits
    if mapping == "linear":
        return torch_linspace(-1, 1, n)
    if mapping == "linear-2":
        v = torch_linspace(-1, 1, n)
        v[n // 2 - 1] = 0
        return (np.sign(v) * (np.abs(v) * np.abs(v))).astype(np.float32)
    if mapping == "dynamic":
        vals = []
        for i in range(bits - 1):
            bounds = torch_linspace(0.1, 1, 2 ** i + 1)
            s = f32(10.0 ** (i - (bits - 2)))
            for j in range(len(bounds) - 1):
                mean = (bounds[j] + bounds[j + 1]) / f32(2)
                vals += [s * mean, -(s * mean)]
        vals += [f32(0), f32(1)]
        return np.sort(np.array(vals, dtype=np.float32))
    raise ValueError(mapping)


DESIGN_BITS = {  # docs/design.md, "Code tables": 4-bit fp32 bit patterns, index 0..15
    "linear-2": "bf800000 bf4048d2 bf09abce beb851ea be5f0122 bde38e37 bd23d703 00000000 3b91a2a2 3d23d703 "
                "3de38e37 3e5f0122 3eb851ea 3f09abce 3f4048d2 3f800000",
    "dynamic": "bf633333 bf29999a bee00000 be599999 bd9eb852 bd051eb9 bbb43958 00000000 3bb43958 3d051eb9 "
               "3d9eb852 3e599999 3ee00000 3f29999a 3f633333 3f800000",
}


def encode(xbar, tab):
    """Nearest entry by fp32 midpoints; x̄ exactly at a midpoint goes to the even index."""
    mid = ((tab[:-1] + tab[1:]) * f32(0.5)).astype(np.float32)
    idx = np.searchsorted(mid, xbar, side="left")          # #{k : m_k < x̄}
    at = np.minimum(idx, len(mid) - 1)
    tie = (idx < len(mid)) & (mid[at] == xbar) & (idx % 2 == 1)
    return (idx + tie).astype(np.int64)


def blocks(rows, cols, b, layout):
    """Scale index of every element (row-major), row segments or b×b tiles."""
    per_row = -(-cols // b)
    i, j = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return (i * per_row + j // b) if layout == "rows" else ((i // b) * per_row + j // b)


def quantize(x, mapping, bits, b, layout, diag_real):
    x = np.asarray(x, dtype=np.float32)
    rows, cols = x.shape
    tab = table(mapping, bits)
    work = x.copy()
    diag = None
    if diag_real:
        diag = np.diag(x).astype(np.float32).copy()
        np.fill_diagonal(work, f32(0))
    blk = blocks(rows, cols, b, layout)
    nblocks = int(blk.max()) + 1
    absmax = np.zeros(nblocks, dtype=np.float32)
    np.maximum.at(absmax, blk.ravel(), np.abs(work).ravel())
    inv = np.where(absmax > 0, f32(1) / np.where(absmax > 0, absmax, f32(1)), f32(0)).astype(np.float32)
    xbar = (work * inv[blk]).astype(np.float32)
    codes = encode(xbar.ravel(), tab)
    return pack(codes, bits), absmax, diag


def pack(codes, bits):
    if bits == 8:
        return codes.astype(np.uint8)
    if bits == 4:
        c = codes if len(codes) % 2 == 0 else np.append(codes, 0)
        return (c[0::2] | (c[1::2] << 4)).astype(np.uint8)      # lower column in the low nibble
    stream = 0                                                  # 3-bit: little-endian bit stream
    for k, c in enumerate(codes):
        stream |= int(c) << (bits * k)
    nbytes = (bits * len(codes) + 7) // 8
    return np.frombuffer(stream.to_bytes(nbytes, "little"), dtype=np.uint8).copy()


def quant_fixtures(rng):
    for mapping, expected in DESIGN_BITS.items():
        got = " ".join("%08x" % v for v in table(mapping, 4).view(np.uint32))
        assert got == expected, (mapping, got)
    d = ORACLE
    # 8 × 80: each row has two row segments of 64 (the second one short) and 3 × 64 tiles in the other layout.
    x = rng.standard_normal((8, 80)).astype(np.float32)
    # Exact ties: a block whose absmax is 1 has x̄ = x, so placing fp32 midpoints there puts x̄ on them.
    mid = (table("linear-2", 4)[:-1] + table("linear-2", 4)[1:]) * f32(0.5)
    x[0, :64] = np.clip(x[0, :64], -0.9, 0.9)
    x[0, 0] = f32(1)
    x[0, 1:16] = mid
    save(d, "x.npy", x)
    for mapping, bits, b, layout in [("linear-2", 4, 64, "rows"), ("linear", 8, 32, "tiles"), ("dynamic", 3, 32, "rows")]:
        codes, scales, _ = quantize(x, mapping, bits, b, layout, False)
        stem = "x.%s.%d.%s%d" % (mapping, bits, layout, b)
        save(d, stem + ".codes.npy", codes)
        save(d, stem + ".scales.npy", scales)
    # A 40 × 40 symmetric matrix quantized DiagReal (diagonal kept in fp32), dynamic 4-bit, row segments of 32.
    g = rng.standard_normal((40, 60)).astype(np.float32)
    s = (g @ g.T / f32(60)).astype(np.float32)
    s = ((s + s.T) * f32(0.5)).astype(np.float32)
    save(d, "s.npy", s)
    codes, scales, diag = quantize(s, "dynamic", 4, 32, "rows", True)
    save(d, "s.dynamic.4.rows32.codes.npy", codes)
    save(d, "s.dynamic.4.rows32.scales.npy", scales)
    save(d, "s.dynamic.4.rows32.diag.npy", diag)


# ------------------------------------------------------------------------------------------------ roots
def fp32_root(a, p=4, eps=1e-6):
    """(A + ε·λmax·I)^(-1/p) entirely in float32 (LAPACK ssyevd through numpy)."""
    a = np.asarray(a, dtype=np.float32)
    w, v = np.linalg.eigh(a)
    r = f32(eps) * w.max()
    return ((v * ((w + r) ** f32(-1.0 / p))) @ v.T).astype(np.float32)


def root_fixtures(rng):
    d = ORACLE
    n = 24
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    lam = np.logspace(0, -3, n)                               # κ = 1e3
    a = ((q * lam) @ q.T).astype(np.float32)
    a = ((a + a.T) * f32(0.5)).astype(np.float32)
    save(d, "a.npy", a)
    save(d, "a.root4.fp32.npy", fp32_root(a))
    c = np.linalg.cholesky(a.astype(np.float64)).astype(np.float32)
    save(d, "c.npy", c)
    save(d, "c.root4.fp32.npy", fp32_root((c @ c.T).astype(np.float32)))


# ----------------------------------------------------------------------------------------------- traces
def dequantize(codes, scales, diag, n, mapping, bits, b):
    tab = table(mapping, bits)
    c = np.array([(codes[k // 2] >> (4 * (k % 2))) & 15 for k in range(n * n)]).reshape(n, n) if bits == 4 else None
    x = (tab[c] * scales[blocks(n, n, b, "rows")]).astype(np.float32)
    np.fill_diagonal(x, diag)
    return x


def eigen_root(stat, eps):
    """(L + ε·λmax·I)^(-1/4) of the symmetric part, in float32."""
    stat = ((stat + stat.T) * f32(0.5)).astype(np.float32)
    w, v = np.linalg.eigh(stat)
    r = f32(eps) * w.max()
    return ((v * ((w + r) ** f32(-0.25))) @ v.T).astype(np.float32)


def shampoo_trace(name, quantized, rng, steps=6, t1=1, t2=3, dump=(3, 6)):
    """One 8 × 6 parameter, SGD grafting, SGD with momentum; all arithmetic float32 (numpy/LAPACK)."""
    d = os.path.join(ORACLE, name)
    beta, eps, lr, mu, bits, b = f32(0.95), 1e-6, f32(0.1), f32(0.9), 4, 32
    shape = (8, 6)
    w = np.zeros(shape, dtype=np.float32)
    buf = np.zeros(shape, dtype=np.float32)

    def store(x):  # what the state keeps: fp32 or DiagReal-quantized, and what it loads back
        if not quantized:
            return x.astype(np.float32), None
        codes, scales, diag = quantize(x, "linear-2", bits, b, "rows", True)
        return dequantize(codes, scales, diag, x.shape[0], "linear-2", bits, b), (codes, scales, diag)

    side = {}
    for s, n in (("left", 8), ("right", 6)):
        stat, srec = store(f32(eps) * np.eye(n, dtype=np.float32))
        root, rrec = store(np.eye(n, dtype=np.float32))
        side[s] = dict(L=stat, Lrec=srec, root=root, rootrec=rrec)
    manifest = {
        "format": "qshampoo-trace/1", "variant": "vq" if quantized else "fp32",
        "config": {"beta": 0.95, "epsilon": eps, "t1": t1, "t2": t2, "bits": bits, "mapping": "linear-2",
                   "block": b, "layout": "rows", "minQuantizedElements": 0, "rootMethod": "eigen", "grafting": "sgd"},
        "optimizer": {"name": "sgd", "lr": 0.1, "momentum": 0.9},
        "parameter": {"name": "w", "shape": list(shape)},
        "precision": "fp32", "gradients": [], "states": {}, "records": {}}
    for k in range(1, steps + 1):
        g = rng.standard_normal(shape).astype(np.float32)
        save(d, "g%d.npy" % k, g)
        manifest["gradients"].append("g%d.npy" % k)
        for s, gram in (("left", g @ g.T), ("right", g.T @ g)):
            st = side[s]
            if k % t1 == 0:
                prev = ((st["L"] + st["L"].T) * f32(0.5)).astype(np.float32) if quantized else st["L"]
                st["L"], st["Lrec"] = store((beta * prev + (f32(1) - beta) * gram).astype(np.float32))
            if k % t2 == 0:
                st["root"], st["rootrec"] = store(eigen_root(st["L"], eps))
        p = (side["left"]["root"] @ g @ side["right"]["root"]).astype(np.float32)
        p = (p * (np.linalg.norm(g) / np.linalg.norm(p))).astype(np.float32)
        buf = (mu * buf + p).astype(np.float32)
        w = (w - lr * buf).astype(np.float32)
        if k in dump:
            states, records = {}, {}
            for s in ("left", "right"):
                for key in ("L", "root"):
                    ref = "s%d/%s_%s.npy" % (k, s, key)
                    save(d, ref, side[s][key])
                    states["w#0.%s.%s" % (s, key)] = ref
                    if quantized:
                        for part, arr in zip(("codes", "scales", "diagonal"), side[s][key + "rec"]):
                            ref = "r%d/%s_%s_%s.npy" % (k, s, key, part)
                            save(d, ref, arr)
                            records["w#0.%s.%s.%s" % (s, key, part)] = ref
            save(d, "s%d/w.npy" % k, w)
            states["w"] = "s%d/w.npy" % k
            manifest["states"][str(k)] = states
            if records:
                manifest["records"][str(k)] = records
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)


if __name__ == "__main__":
    os.makedirs(ORACLE, exist_ok=True)
    npy_fixtures()
    rng = np.random.default_rng(20250507)
    quant_fixtures(rng)
    root_fixtures(rng)
    shampoo_trace("trace_fp32", False, np.random.default_rng(1))
    shampoo_trace("trace_vq", True, np.random.default_rng(2))
