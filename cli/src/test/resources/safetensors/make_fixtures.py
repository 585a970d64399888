#!/usr/bin/env python3
"""Writes the .safetensors fixtures of verify's tests with numpy alone (run: python3 make_fixtures.py).

The format is written by hand, independently of qshampoo's writer (the `safetensors` package is not needed):
an 8-byte little-endian header length N, N bytes of UTF-8 JSON padded with spaces, then the raw little-endian
C-order bytes of each tensor at its data_offsets. Like the reference writer, the tensors are laid out by
descending alignment then name, while the header lists them in another (insertion) order, so a reader that
assumed header order = data order would fail the tests.

  tensors.safetensors  every supported dtype, a scalar, an empty tensor, __metadata__;
  oracle.safetensors   the oracle fixtures of ../oracle (x, s, a and the independent numpy quantizer's codes,
                       scales, diagonal and float32 root) as named tensors of one file, for `check codes`/`check root`;
  bf16.safetensors     a BF16 tensor (unsupported: no exact float type to hold it), for the refusal message.
Deterministic: re-running reproduces the files byte for byte.
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.join(os.path.dirname(HERE), "oracle")

DTYPES = {np.dtype("bool"): "BOOL", np.dtype("uint8"): "U8", np.dtype("int8"): "I8", np.dtype("int16"): "I16",
          np.dtype("uint16"): "U16", np.dtype("int32"): "I32", np.dtype("uint32"): "U32", np.dtype("int64"): "I64",
          np.dtype("uint64"): "U64", np.dtype("float32"): "F32", np.dtype("float64"): "F64"}


def write(name, tensors, metadata=None, raw=None):
    """tensors: {name: ndarray}; raw: {name: (dtype string, shape, bytes)} for dtypes numpy lacks."""
    entries = {k: (DTYPES[v.dtype], list(v.shape), np.ascontiguousarray(v).astype(v.dtype.newbyteorder("<")).tobytes())
               for k, v in tensors.items()}
    entries.update(raw or {})
    # Data order: descending item size, then name (as the reference writer); header order: insertion order.
    size = {k: (np.dtype(tensors[k].dtype).itemsize if k in tensors else 2) for k in entries}
    data_order = sorted(entries, key=lambda k: (-size[k], k))
    offsets, at = {}, 0
    for k in data_order:
        offsets[k] = (at, at + len(entries[k][2]))
        at += len(entries[k][2])
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    for k, (dt, shape, _) in entries.items():
        header[k] = {"dtype": dt, "shape": shape, "data_offsets": list(offsets[k])}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for k in data_order:
            f.write(entries[k][2])


def main():
    write("tensors.safetensors", {
        "weight": (np.arange(12, dtype=np.float32) * np.float32(0.25) - np.float32(1.5)).reshape(3, 4),
        "layer.0.f64": np.arange(6, dtype=np.float64).reshape(2, 3) / 3.0,
        "codes": np.array([0, 1, 127, 128, 255], dtype=np.uint8),
        "i8": np.array([-128, -1, 0, 127], dtype=np.int8),
        "i16": (np.arange(24, dtype=np.int16) - 12).reshape(2, 3, 4),
        "u16": np.array([0, 65535], dtype=np.uint16),
        "i32": np.array([-(2 ** 31), 2 ** 31 - 1], dtype=np.int32),
        "u32": np.array([0, 2 ** 32 - 1], dtype=np.uint32),
        "i64": np.array([[-(2 ** 63), -1], [0, 2 ** 63 - 1]], dtype=np.int64),
        "u64": np.array([2 ** 64 - 1], dtype=np.uint64),
        "mask": np.array([True, False, True]),
        "scalar": np.array(2.5, dtype=np.float64),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }, metadata={"format": "pt", "written_by": "make_fixtures.py"})

    oracle = {}
    for f in ["x", "s", "a", "a.root4.fp32", "x.linear-2.4.rows64.codes", "x.linear-2.4.rows64.scales",
              "s.dynamic.4.rows32.codes", "s.dynamic.4.rows32.scales", "s.dynamic.4.rows32.diag"]:
        oracle[f] = np.load(os.path.join(ORACLE, f + ".npy"))
    write("oracle.safetensors", oracle)

    bf16 = (np.array([1.0, -2.0], dtype=np.float32).view(np.uint32) >> 16).astype("<u2").tobytes()
    write("bf16.safetensors", {"ok": np.ones(2, dtype=np.float32)}, raw={"half": ("BF16", [2], bf16)})


if __name__ == "__main__":
    main()
