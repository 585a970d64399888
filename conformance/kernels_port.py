"""A numpy port of the block quantization kernels of the official low-bit Shampoo code.

Mirrors ``cudaC_python/csrc/kernels.cu`` of github.com/Sike-Wang/low-bit-Shampoo (commit fc46867):

* ``dQuantize<CODE_LEN>`` (kernels.cu:6-52): the binary search over the code table with the fp32
  midpoint rule; ported literally as a vectorized search (``encode``).
* ``kQuantizeBlockwise{8,4}bit`` (kernels.cu:57-171): one scale (absmax) per run of ``blocksize``
  elements of a row, ``x * (1/absmax)`` in fp32, two 4-bit codes per byte with the lower column in the
  low nibble; a block of zeros keeps scale 0 and codes the value 0.
* ``kQuantizeBlockwise{8,4}bitDiagReal`` (kernels.cu:247-373): the same with A[r, r] moved to ``diag``
  and zeroed before the absmax.
* ``kDequantizeBlockwise*`` (kernels.cu:172-246, 374-459): ``code[q] * absmax``, the diagonal put back.

Every operation is float32, as on the GPU; the result is meant to be byte-identical to qshampoo's
``CpuBlockQuantizer`` (checked by ``test_kernels_port.py``). Orders whose rows do not start on a byte
boundary at 4 bits (odd orders) are refused: there the official kernel's rows share a byte and the
result depends on which thread block writes last.
"""

import numpy as np

F32 = np.float32


def linear2_table(bits, linspace=None):
    """The official ``create_linear_map(signed=True, total_bits=bits, power=2)`` (qtensor/functional.py:96-104).

    ``linspace`` may be given (e.g. ``torch.linspace(-1, 1, 2**bits).numpy()``) to reproduce the other side's
    table exactly; by default numpy's float32 rounding of the scalar formula is used.
    """
    n = 2 ** bits
    if linspace is None:
        step = (F32(1) - F32(-1)) / F32(n - 1)
        linspace = np.array([F32(-1) + F32(i) * step if i < n // 2 else F32(1) - F32(n - 1 - i) * step
                             for i in range(n)], dtype=F32)
    v = np.array(linspace, dtype=F32).copy()
    v[n // 2 - 1] = F32(0)
    return (np.sign(v) * (np.abs(v) * np.abs(v))).astype(F32)


def encode(x, code):
    """dQuantize<len(code)>: codes of the normalized float32 values x (kernels.cu:6-52)."""
    x = np.asarray(x, dtype=F32)
    code = np.asarray(code, dtype=F32)
    n = code.size
    pivot = np.full(x.shape, n // 2 - 1, dtype=np.int64)
    upper_pivot = np.full(x.shape, n - 1, dtype=np.int64)
    lower_pivot = np.zeros(x.shape, dtype=np.int64)
    lower = np.full(x.shape, F32(-1), dtype=F32)
    upper = np.full(x.shape, F32(1), dtype=F32)
    val = code[pivot]
    i = n // 4
    while i > 0:
        right = x > val
        lower_pivot = np.where(right, pivot, lower_pivot)
        lower = np.where(right, val, lower)
        upper_pivot = np.where(right, upper_pivot, pivot)
        upper = np.where(right, upper, val)
        pivot = np.where(right, pivot + i, pivot - i)
        val = code[pivot]
        i >>= 1
    upper = np.where(upper_pivot == n - 1, code[n - 1], upper)
    lower = np.where(lower_pivot == 0, code[0], lower)
    mid_up = ((upper + val) * F32(0.5)).astype(F32)
    mid_lo = ((lower + val) * F32(0.5)).astype(F32)
    out = np.where(x > val,
                   np.where(x > mid_up, upper_pivot, pivot),
                   np.where(x < mid_lo, lower_pivot, pivot))
    return out.astype(np.uint8)


def _blocks(order, blocksize):
    if blocksize not in (64, 128, 256, 512, 1024, 2048):
        raise ValueError("blocksize is %d; the kernels take 64, 128, 256, 512, 1024 or 2048" % blocksize)
    return (order + blocksize - 1) // blocksize


def quantize(a, code, blocksize=64, diag_real=False):
    """Quantizes the square float32 matrix a. Returns (codes uint8 packed, absmax float32, diag float32 or None)."""
    a = np.array(a, dtype=F32)
    order = a.shape[0]
    if a.ndim != 2 or a.shape[1] != order:
        raise ValueError("matrix is %s; the kernels take a square matrix" % (a.shape,))
    bits = {16: 4, 256: 8}.get(np.asarray(code).size)
    if bits is None:
        raise ValueError("code table has %d entries; expected 16 or 256" % np.asarray(code).size)
    if bits == 4 and order % 2:
        raise ValueError("order %d is odd: at 4 bits the official kernel's rows share a byte (a write race)" % order)
    nb = _blocks(order, blocksize)
    diag = None
    if diag_real:
        diag = np.diagonal(a).astype(F32).copy()
        np.fill_diagonal(a, F32(0))
    padded = np.zeros((order, nb * blocksize), dtype=F32)
    padded[:, :order] = a
    blocks = padded.reshape(order, nb, blocksize)
    absmax = np.abs(blocks).max(axis=2).astype(F32)
    inv = np.where(absmax > 0, F32(1) / np.where(absmax > 0, absmax, F32(1)), F32(0)).astype(F32)
    scaled = (blocks * inv[:, :, None]).astype(F32).reshape(order, nb * blocksize)[:, :order]
    codes = encode(scaled, code).reshape(-1)
    if bits == 4:
        packed = (codes[0::2] | (codes[1::2] << 4)).astype(np.uint8)
    else:
        packed = codes
    return packed, absmax.reshape(-1), diag


def dequantize(packed, absmax, code, order, blocksize=64, diag=None):
    """The float32 matrix the kernels reconstruct from packed codes, block absmax and (DiagReal) the diagonal."""
    code = np.asarray(code, dtype=F32)
    bits = {16: 4, 256: 8}[code.size]
    packed = np.asarray(packed, dtype=np.uint8)
    if bits == 4:
        codes = np.empty(packed.size * 2, dtype=np.uint8)
        codes[0::2] = packed & 15
        codes[1::2] = packed >> 4
    else:
        codes = packed
    codes = codes[:order * order].reshape(order, order)
    nb = _blocks(order, blocksize)
    scale = np.asarray(absmax, dtype=F32).reshape(order, nb)[:, np.arange(order) // blocksize]
    out = (code[codes] * scale).astype(F32)
    if diag is not None:
        np.fill_diagonal(out, np.asarray(diag, dtype=F32))
    return out
