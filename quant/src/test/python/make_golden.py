#!/usr/bin/env python3
"""Golden vectors for io.qshampoo.quant, from an independent numpy float32 implementation.

Regenerate (from the repository root):
    python3 quant/src/test/python/make_golden.py quant/src/test/resources/io/qshampoo/quant/golden

Nothing here is copied from the official code; it re-implements, in numpy float32, the construction and
the algorithm that docs/design.md and the Javadoc of io.qshampoo.quant describe:
  * tables: PyTorch-style fp32 linspace (two-sided formula), linear-2 / dynamic tree / linear;
  * encoding: the official kernel's search *as an algorithm* -- a binary search over the sorted table
    that ends at an even pivot p and compares x against the fp32 midpoint fl(fl(t[p] + t[p+-1]) * 0.5)
    ("stay at p" on equality) -- not the counting formula the Java code uses;
  * blocks: row segments (the kernel's per-row runs of B), B x B tiles, and the strictly-lower modes;
  * absmax, 1/absmax, x * (1/absmax) and t[code] * absmax in float32.

Output: one text file per case, lines "key: hex words" (fp32 bit patterns / packed bytes), read by
GoldenVectorsTest. numpy >= 1.20; deterministic (fixed seeds).
"""
import os
import sys

import numpy as np

f32 = np.float32


def linspace(start, end, steps):
    s, e = f32(start), f32(end)
    step = f32((e - s) / f32(steps - 1))
    half = steps // 2
    out = np.empty(steps, dtype=f32)
    for j in range(steps):
        out[j] = s + step * f32(j) if j < half else e - step * f32(steps - 1 - j)
    return out


def table(mapping, bits):
    n = 2 ** bits
    if mapping == "linear":
        return linspace(-1, 1, n)
    if mapping == "linear-2":
        v = linspace(-1, 1, n)
        v[n // 2 - 1] = f32(0)
        return (np.sign(v) * (np.abs(v) * np.abs(v))).astype(f32)
    if mapping == "dynamic":
        data = []
        for i in range(bits - 1):
            bounds = linspace(0.1, 1, 2 ** i + 1)
            means = ((bounds[:-1] + bounds[1:]) / f32(2)).astype(f32)
            s = f32(10.0 ** (i - (bits - 2)))
            data += [f32(s * m) for m in means]
            data += [f32(-(s * m)) for m in means]
        data += [f32(0), f32(1)]
        data.sort()
        return np.array(data, dtype=f32)
    raise ValueError(mapping)


def kernel_code(t, x):
    """Binary search of the official dQuantize, re-expressed: ends at an even pivot, fp32 midpoints."""
    n = len(t)
    pivot, lo_p, hi_p = n // 2 - 1, 0, n - 1
    lower, upper = f32(-1), f32(1)
    val = t[pivot]
    i = n // 4
    while i > 0:
        if x > val:
            lo_p, lower, pivot = pivot, val, pivot + i
        else:
            hi_p, upper, pivot = pivot, val, pivot - i
        val = t[pivot]
        i //= 2
    if hi_p == n - 1:
        upper = t[hi_p]
    if lo_p == 0:
        lower = t[lo_p]
    if x > val:
        mid = f32(f32(upper + val) * f32(0.5))
        return hi_p if x > mid else pivot
    mid = f32(f32(lower + val) * f32(0.5))
    return lo_p if x < mid else pivot


def blocks(rows, cols, mode, layout, b):
    """Lists of (i, j) per block, in block (= scale) order, elements in stored order within a block."""
    out = []
    if mode in ("FULL", "DIAG_REAL"):
        if layout == "ROW_SEGMENTS":
            for i in range(rows):
                for s in range(0, cols, b):
                    out.append([(i, j) for j in range(s, min(s + b, cols))])
        else:
            for ti in range(0, rows, b):
                for tj in range(0, cols, b):
                    out.append([(i, j) for i in range(ti, min(ti + b, rows)) for j in range(tj, min(tj + b, cols))])
    else:
        n = rows
        seq = [(i, j) for i in range(n) for j in range(i)]
        if layout == "ROW_SEGMENTS":
            out = [seq[s:s + b] for s in range(0, len(seq), b)]
        else:
            nt = (n + b - 1) // b
            for ti in range(nt):
                for tj in range(ti + 1):
                    out.append([(i, j) for (i, j) in seq if i // b == ti and j // b == tj])
    return out


def stored_index(i, j, cols, mode):
    return i * (i - 1) // 2 + j if mode == "STRICTLY_LOWER" else i * cols + j


def pack(codes, bits):
    nbytes = (bits * len(codes) + 7) // 8
    out = bytearray(nbytes)
    for k, c in enumerate(codes):
        for bit in range(bits):
            if (c >> bit) & 1:
                s = bits * k + bit
                out[s // 8] |= 1 << (s % 8)
    return bytes(out)


def quantize(x, mapping, bits, mode, layout, b):
    rows, cols = x.shape
    t = table(mapping, bits)
    work = x.copy()
    diag = None
    if mode != "FULL":
        diag = np.array([x[i, i] for i in range(rows)], dtype=f32)
        if mode == "DIAG_REAL":
            for i in range(rows):
                work[i, i] = f32(0)
    count = rows * (rows - 1) // 2 if mode == "STRICTLY_LOWER" else rows * cols
    codes = [0] * count
    scales = []
    for blk in blocks(rows, cols, mode, layout, b):
        vals = np.array([work[i, j] for (i, j) in blk], dtype=f32)
        n = f32(np.max(np.abs(vals))) if len(vals) else f32(0)
        scales.append(n)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            s = f32(f32(1) / n) if n > 0 else f32(0)
            for (i, j), v in zip(blk, vals):
                codes[stored_index(i, j, cols, mode)] = kernel_code(t, f32(v * s))
    deq = np.zeros((rows, cols), dtype=f32)
    for bi, blk in enumerate(blocks(rows, cols, mode, layout, b)):
        for (i, j) in blk:
            deq[i, j] = f32(t[codes[stored_index(i, j, cols, mode)]] * scales[bi])
    if diag is not None:
        for i in range(rows):
            deq[i, i] = diag[i]
    return codes, np.array(scales, dtype=f32), diag, deq


def hexwords(a):
    return " ".join("%08x" % w for w in np.asarray(a, dtype=f32).view(np.uint32))


def write_case(path, x, mapping, bits, mode, layout, b):
    codes, scales, diag, deq = quantize(x, mapping, bits, mode, layout, b)
    with open(path, "w") as f:
        f.write("# generated by quant/src/test/python/make_golden.py; do not edit\n")
        f.write("mapping: %s\nbits: %d\nmode: %s\nlayout: %s\nblock: %d\nrows: %d\ncols: %d\n"
                % (mapping, bits, mode, layout, b, x.shape[0], x.shape[1]))
        f.write("input: %s\n" % hexwords(x.reshape(-1)))
        f.write("codes: %s\n" % " ".join(str(c) for c in codes))
        f.write("packed: %s\n" % pack(codes, bits).hex())
        f.write("scales: %s\n" % hexwords(scales))
        f.write("diagonal: %s\n" % (hexwords(diag) if diag is not None else ""))
        f.write("dequantized: %s\n" % hexwords(deq.reshape(-1)))


def matrix(rng, rows, cols, t):
    """Gaussian entries, some zeros, and whole rows that hit fp32 midpoints exactly (absmax 1 -> scale 1)."""
    x = (rng.standard_normal((rows, cols)) * f32(10.0) ** rng.integers(-3, 3)).astype(f32)
    x[rng.random((rows, cols)) < 0.05] = f32(0)
    mids = ((t[:-1] + t[1:]) * f32(0.5)).astype(f32)
    for i in range(0, rows, 3):
        row = rng.choice(mids, size=cols).astype(f32)
        row[rng.integers(cols)] = f32(1)   # absmax exactly 1 in every segment of B >= cols
        x[i] = row
    return x


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tables.txt"), "w") as f:
        f.write("# generated by quant/src/test/python/make_golden.py; do not edit\n")
        for mapping in ("linear-2", "dynamic", "linear"):
            for bits in (3, 4, 8):
                f.write("%s %d: %s\n" % (mapping, bits, hexwords(table(mapping, bits))))
    rng = np.random.default_rng(20250101)
    cases = [
        ("linear-2", 4, "FULL", "ROW_SEGMENTS", 64, 24, 128),
        ("linear-2", 4, "DIAG_REAL", "ROW_SEGMENTS", 64, 66, 66),
        ("linear-2", 4, "FULL", "ROW_SEGMENTS", 32, 9, 100),
        ("dynamic", 4, "FULL", "ROW_SEGMENTS", 64, 20, 64),
        ("dynamic", 8, "DIAG_REAL", "ROW_SEGMENTS", 64, 40, 40),
        ("linear", 4, "FULL", "ROW_SEGMENTS", 64, 15, 64),
        ("linear-2", 3, "FULL", "ROW_SEGMENTS", 32, 11, 45),
        ("linear-2", 8, "FULL", "TILES", 32, 35, 40),
        ("dynamic", 4, "DIAG_REAL", "TILES", 32, 45, 45),
        ("linear-2", 4, "STRICTLY_LOWER", "ROW_SEGMENTS", 32, 40, 40),
        ("linear-2", 4, "STRICTLY_LOWER", "TILES", 32, 50, 50),
        ("dynamic", 3, "STRICTLY_LOWER", "ROW_SEGMENTS", 64, 33, 33),
    ]
    for k, (mapping, bits, mode, layout, b, rows, cols) in enumerate(cases):
        x = matrix(rng, rows, cols, table(mapping, bits))
        name = "case%02d-%s-%d-%s-%s-%d.txt" % (k, mapping, bits, mode, layout, b)
        write_case(os.path.join(out_dir, name), x, mapping, bits, mode, layout, b)
    # Edge case: a block whose absmax is subnormal, so 1/absmax = +inf and 0 * inf = NaN -> code 0.
    x = np.zeros((4, 64), dtype=f32)
    x[0, :3] = np.array([1e-40, -1e-40, 0], dtype=f32)
    x[1, :] = f32(0)
    x[2, 5] = f32(-3.5)
    write_case(os.path.join(out_dir, "case90-linear-2-4-FULL-ROW_SEGMENTS-64-subnormal.txt"), x, "linear-2", 4, "FULL",
               "ROW_SEGMENTS", 64)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "golden")
