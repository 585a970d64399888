"""Record what a PyTorch (or NumPy) optimizer computed, in the files `qshampoo check` reads.

One file, numpy only; torch is optional and never imported here (a tensor is recognised by its methods). Copy it
next to your code or put this directory on sys.path. The formats are described in qshampoo's docs/oracle.md.

TraceRecorder writes a `qshampoo-trace/1` trace of one parameter for `qshampoo check trace MANIFEST`:

    rec = TraceRecorder("trace", variant="fp32", parameter=("w", w.shape),
                        config={"t1": 1, "t2": 4, "epsilon": 1e-6, "rootMethod": "eigen", "grafting": "sgd"},
                        optimizer={"name": "sgd", "lr": 0.1, "momentum": 0.9}, dump_steps=[4, 8])
    for k in range(1, 9):
        loss(w).backward()
        rec.step(w.grad, opt.step, states=lambda: {"w#0.left.L": ..., "w": w})   # gradient, step, dump
        opt.zero_grad()
    rec.close()                                              # writes trace/manifest.json

save_quantized(prefix, codes, scales, diag=None, bits=4) writes one quantized matrix in the layout of
`qshampoo quantize` and `qshampoo check codes` (PREFIX.codes.npy, .scales.npy, .diag.npy, or one
PREFIX.safetensors); pack_codes packs unpacked integer codes the way the official 4-bit kernels do.
save_safetensors writes a safetensors file without the safetensors package.
"""

import json
import os
import re

import numpy as np

FORMAT = "qshampoo-trace/1"
VARIANTS = ("fp32", "vq", "cq", "cq+ef", "eigen4", "eigen4+ef", "sketchy", "sketchy4")
CONVENTIONS = ("qshampoo", "official")
PRECISIONS = ("fp32", "fp64", "tf32", "bf16")
OPTIMIZERS = ("sgd", "adamw", "rmsprop", "adagrad")
CONTAINERS = ("npy", "npz", "safetensors")

# dtypes qshampoo reads exactly; float16 (and torch's bfloat16) are widened to float32, which is exact.
_SUPPORTED = {np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                                    "uint64", "float32", "float64")}
_ST_DTYPES = {np.dtype("bool"): "BOOL", np.dtype("uint8"): "U8", np.dtype("int8"): "I8", np.dtype("int16"): "I16",
              np.dtype("uint16"): "U16", np.dtype("int32"): "I32", np.dtype("uint32"): "U32",
              np.dtype("int64"): "I64", np.dtype("uint64"): "U64", np.dtype("float32"): "F32",
              np.dtype("float64"): "F64"}


def to_numpy(x):
    """A numpy copy of a tensor or array: torch tensors are detached and moved to the CPU; float16 and bfloat16
    are widened to float32 (exact); every other dtype is kept. Raises TypeError for dtypes qshampoo cannot read."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):          # a torch.Tensor, without importing torch
        t = x.detach().cpu()
        if str(t.dtype) in ("torch.bfloat16", "torch.float16"):
            t = t.float()
        a = t.contiguous().numpy()
    else:
        a = np.asarray(x)
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    if a.dtype not in _SUPPORTED:
        raise TypeError("dtype %s is not one qshampoo reads; expected bool, (u)int8..64, float32 or float64"
                        % a.dtype)
    return np.ascontiguousarray(a).copy()


def _file_name(key):
    """A file-system-safe stem for a state key: w#0.left.C -> w_0.left.C."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", key)


def save_safetensors(path, tensors, metadata=None):
    """Writes {name: array} as a safetensors file: 8-byte little-endian header length, a JSON header padded with
    spaces to a multiple of 8, the tensors' little-endian C-order bytes in the given order."""
    header, chunks, offset = {}, [], 0
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise TypeError("safetensors metadata must map strings to strings")
        header["__metadata__"] = dict(metadata)
    for name, value in tensors.items():
        if not isinstance(name, str) or not name or name == "__metadata__":
            raise ValueError("tensor name %r is empty, not a string or reserved" % (name,))
        a = to_numpy(value)
        data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _ST_DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    _makedirs_for(path)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for c in chunks:
            f.write(c)


def load_safetensors(path):
    """Reads a safetensors file into {name: array} (any tensor whose dtype numpy has); for tests and round trips."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    names = {v: k for k, v in _ST_DTYPES.items()}
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=names[e["dtype"]].newbyteorder("<")) \
            .reshape(e["shape"]).copy()
    return out


def _makedirs_for(path):
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)


def pack_codes(codes, bits):
    """Packs integer codes (any shape, read in C order) as `check codes` expects them: 8-bit one per byte;
    4-bit two per byte, the lower index (column) in the low nibble, as the official kernels pack them; 3-bit a
    little-endian bit stream, code k at bits 3k..3k+2. Padding bits are 0. Returns a 1-D uint8 array."""
    if bits not in (3, 4, 8):
        raise ValueError("bits is %r; expected 3, 4 or 8" % (bits,))
    c = np.asarray(codes).ravel()
    if c.size and (not np.issubdtype(c.dtype, np.integer) or c.min() < 0 or c.max() >= 2 ** bits):
        raise ValueError("codes must be integers in [0, %d); found dtype %s, range [%s, %s]"
                         % (2 ** bits, c.dtype, c.min(), c.max()))
    c = c.astype(np.int64)
    if bits == 8:
        return c.astype(np.uint8)
    if bits == 4:
        if c.size % 2:
            c = np.append(c, 0)
        return (c[0::2] | (c[1::2] << 4)).astype(np.uint8)
    nbytes = (bits * c.size + 7) // 8
    out = np.zeros(nbytes, dtype=np.uint8)
    for k, v in enumerate(c):                              # 3-bit: a code may straddle two bytes
        bit = bits * k
        out[bit // 8] |= (int(v) << (bit % 8)) & 0xFF
        if bit % 8 + bits > 8:
            out[bit // 8 + 1] |= int(v) >> (8 - bit % 8)
    return out


def unpack_codes(packed, bits, count):
    """The inverse of pack_codes: `count` integer codes from a packed uint8 buffer."""
    p = np.asarray(packed, dtype=np.uint8).ravel()
    if p.size != (bits * count + 7) // 8:
        raise ValueError("%d bytes hold %d %d-bit codes only if there are %d" % (p.size, count, bits,
                                                                                  (bits * count + 7) // 8))
    if bits == 8:
        return p.astype(np.int64)
    stream = int.from_bytes(p.tobytes(), "little")
    return np.array([(stream >> (bits * k)) & (2 ** bits - 1) for k in range(count)], dtype=np.int64)


def save_quantized(prefix, codes, scales, diag=None, bits=4, packed=None):
    """Writes one quantized matrix in the layout of `qshampoo quantize` / `check codes`:

    PREFIX.codes.npy  uint8 1-D packed codes (`codes` as packed uint8 bytes, or integer codes packed here with
                      pack_codes; `packed` forces either reading, default: uint8 means packed);
    PREFIX.scales.npy float32 1-D, one per block in row-major block order: each block's absmax N, not 1/N;
    PREFIX.diag.npy   float32 1-D, the diagonal kept in fp32 (--diag-real, --strictly-lower), if given.

    A PREFIX ending in .safetensors writes one file with the tensors codes, scales (and diag) instead.
    Returns {"codes": ref, "scales": ref[, "diag": ref]}, the references to pass to `check codes`."""
    c = to_numpy(codes)
    if packed is None:
        packed = c.dtype == np.uint8
    c = c.ravel() if packed else pack_codes(c, bits)
    if c.dtype != np.uint8:
        raise ValueError("packed codes must be uint8; found %s" % c.dtype)
    s = to_numpy(scales).ravel()
    if s.dtype != np.float32:
        raise ValueError("scales must be float32 (what the kernel stores); found %s" % s.dtype)
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError("scales must be finite absmax values >= 0 (not 1/N); found range [%s, %s]"
                         % (s.min(), s.max()))
    arrays = {"codes": c, "scales": s}
    if diag is not None:
        d = to_numpy(diag).ravel()
        if d.dtype != np.float32:
            raise ValueError("the kept diagonal must be float32; found %s" % d.dtype)
        arrays["diag"] = d
    if prefix.endswith(".safetensors"):
        save_safetensors(prefix, arrays)
        return {k: "%s:%s" % (prefix, k) for k in arrays}
    refs = {}
    for k, a in arrays.items():
        refs[k] = "%s.%s.npy" % (prefix, k)
        _makedirs_for(refs[k])
        np.save(refs[k], a)
    return refs


def _check_code_table(table, bits):
    t = np.asarray(to_numpy(table))
    if t.dtype == np.float64:
        f = t.astype(np.float32)
        if not np.array_equal(f.astype(np.float64), t, equal_nan=True):
            raise ValueError("code_table is float64 with values float32 cannot hold exactly; pass the float32 table"
                             " the kernel uses")
        t = f
    if t.dtype != np.float32 or t.ndim != 1 or t.size != 2 ** bits:
        raise ValueError("code_table must be a 1-D float32 array of 2^bits = %d entries; found %s %s"
                         % (2 ** bits, t.dtype, t.shape))
    if not np.all(np.isfinite(t)) or not np.all(np.diff(t) > 0):
        raise ValueError("code_table must be finite and strictly increasing")
    return t


class TraceRecorder:
    """Records a `qshampoo-trace/1` trace of one parameter while an optimizer runs.

    out_dir     directory of the trace; manifest.json and every file go under it (references are relative).
    variant     fp32, vq, cq, cq+ef, eigen4, eigen4+ef, sketchy or sketchy4: the preconditioner the optimizer implements.
    parameter   (name, shape) of the parameter, e.g. ("fc1.weight", w.shape); its state keys start with
                "name#0." (block 0) and its value is dumped under "name".
    optimizer   {"name": "sgd"|"adamw"|"rmsprop"|"adagrad", "lr": ..., ...} as docs/oracle.md lists.
    config      Shampoo settings (beta, epsilon, t1, t2, bits, mapping, block, ...); absent ones take qshampoo's
                defaults, and minQuantizedElements defaults to 4096, so lower it for small matrices.
    dump_steps  the steps (counted from 1) after which states are dumped: an iterable of ints, or a function
                step -> bool. Gradients are recorded at every step.
    initial     the parameter's initial value (array or tensor); default: zeros.
    precision   the other side's arithmetic: fp32 (default), fp64, tf32 or bf16.
    conventions "qshampoo" or "official" (written only when given).
    code_table  the float32 code table the other side uses (2^bits sorted entries), written to code_table.npy
                and referenced as "codeTable" (written only when given).
    tolerance   optional overrides {"safety": c, "nre": x, "codeMismatchFraction": f}.
    container   "npy" (one file per array), "npz" or "safetensors" (one file per step, arrays referenced as
                stepK.npz:key or stepK.safetensors:key).

    Use step() once per optimizer step, then close() (or a with-block) to write the manifest.
    """

    def __init__(self, out_dir, variant, parameter, optimizer, config=None, dump_steps=(), initial=None,
                 precision="fp32", conventions=None, code_table=None, tolerance=None, container="npy"):
        if variant not in VARIANTS:
            raise ValueError("variant %r; expected one of %s" % (variant, ", ".join(VARIANTS)))
        if precision not in PRECISIONS:
            raise ValueError("precision %r; expected one of %s" % (precision, ", ".join(PRECISIONS)))
        if conventions is not None and conventions not in CONVENTIONS:
            raise ValueError("conventions %r; expected one of %s" % (conventions, ", ".join(CONVENTIONS)))
        if container not in CONTAINERS:
            raise ValueError("container %r; expected one of %s" % (container, ", ".join(CONTAINERS)))
        name, shape = parameter
        if not isinstance(name, str) or not name:
            raise ValueError("parameter name %r must be a non-empty string" % (name,))
        shape = tuple(int(d) for d in shape)
        if not shape or any(d < 1 for d in shape):
            raise ValueError("parameter shape %r must have at least one dimension, each >= 1" % (shape,))
        if not isinstance(optimizer, dict) or optimizer.get("name") not in OPTIMIZERS or "lr" not in optimizer:
            raise ValueError("optimizer %r must be a dict with 'name' (one of %s) and 'lr'"
                             % (optimizer, ", ".join(OPTIMIZERS)))
        self.out_dir = out_dir
        self.name = name
        self.shape = shape
        self.container = container
        self.step_count = 0
        self._dump = dump_steps if callable(dump_steps) else frozenset(self._steps(dump_steps))
        self._closed = False
        os.makedirs(out_dir, exist_ok=True)
        self.manifest = {"format": FORMAT, "variant": variant}
        if conventions is not None:
            self.manifest["conventions"] = conventions
        config = dict(config or {})
        if code_table is not None:
            table = _check_code_table(code_table, int(config.get("bits", 4)))
            np.save(os.path.join(out_dir, "code_table.npy"), table)
            self.manifest["codeTable"] = "code_table.npy"
        self.manifest["config"] = config
        self.manifest["optimizer"] = dict(optimizer)
        self.manifest["parameter"] = {"name": name, "shape": list(shape)}
        self.manifest["precision"] = precision
        if initial is not None:
            np.save(os.path.join(out_dir, "initial.npy"), self._checked(initial, "initial"))
            self.manifest["parameter"]["initial"] = "initial.npy"
        self.manifest["gradients"] = []
        self.manifest["states"] = {}
        self.manifest["records"] = {}
        if tolerance is not None:
            self.manifest["tolerance"] = dict(tolerance)

    @staticmethod
    def _steps(steps):
        out = []
        for s in steps:
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
                raise ValueError("dump step %r; expected integers >= 1 (steps count from 1)" % (s,))
            out.append(int(s))
        return out

    def dumps(self, step):
        """Whether states are dumped after `step`."""
        return bool(self._dump(step)) if callable(self._dump) else step in self._dump

    def _checked(self, value, what):
        a = to_numpy(value)
        if a.shape != self.shape:
            raise ValueError("%s has shape %s; the parameter %r has shape %s" % (what, a.shape, self.name, self.shape))
        if not a.dtype.kind == "f":
            raise ValueError("%s has dtype %s; expected float32 or float64" % (what, a.dtype))
        if not np.all(np.isfinite(a)):
            raise ValueError("%s has non-finite values" % what)
        return a

    def _save_step(self, k, arrays):
        """arrays: [(kind, key, array)] of step k, kind g|s|r; returns {(kind, key): reference}."""
        refs = {}
        if self.container == "npy":
            used = set()
            for kind, key, a in arrays:
                stem = "g" if kind == "g" else "%s%d/%s" % (kind, k, _file_name(key))
                ref = "g/%04d.npy" % k if kind == "g" else stem + ".npy"
                n = 1
                while ref in used:                          # two keys that sanitize alike
                    n += 1
                    ref = "%s~%d.npy" % (stem, n)
                used.add(ref)
                path = os.path.join(self.out_dir, ref)
                _makedirs_for(path)
                np.save(path, a)
                refs[(kind, key)] = ref
            return refs
        entries = {}
        for kind, key, a in arrays:
            entry = "grad" if kind == "g" else ("state/" if kind == "s" else "record/") + key
            entries[entry] = a
            refs[(kind, key)] = entry
        fname = "step%04d.%s" % (k, self.container)
        path = os.path.join(self.out_dir, fname)
        if self.container == "npz":
            # np.savez appends .npy to each key; a key with '/' makes a subfolder entry, which is fine for zip.
            np.savez(path, **entries)
        else:
            save_safetensors(path, entries)
        return {kk: "%s:%s" % (fname, e) for kk, e in refs.items()}

    def step(self, grad, step_fn=None, states=None, records=None):
        """Records one optimizer step and returns its number k (from 1).

        grad     the gradient G_k the optimizer is about to use (tensor or array of the parameter's shape);
        step_fn  called after the gradient is copied, e.g. opt.step (None if you step yourself before calling);
        states   {inspect() key or the parameter's name: value} after the step, or a function returning it
                 (called only on dump steps);
        records  {storedRecords() tag: raw buffer} after the step, or a function returning it (dump steps only).
        """
        if self._closed:
            raise RuntimeError("the recorder is closed; the manifest is written")
        k = self.step_count + 1
        arrays = [("g", None, self._checked(grad, "the gradient of step %d" % k))]
        if step_fn is not None:
            step_fn()
        self.step_count = k
        if self.dumps(k):
            for kind, given in (("s", states), ("r", records)):
                values = given() if callable(given) else given
                for key, v in (values or {}).items():
                    if not isinstance(key, str) or not key:
                        raise ValueError("state key %r must be a non-empty string" % (key,))
                    a = to_numpy(v)
                    if kind == "s" and a.dtype.kind != "f":
                        raise ValueError("state %r has dtype %s; states are float32 or float64 (integer buffers"
                                         " go to records)" % (key, a.dtype))
                    arrays.append((kind, key, a))
        refs = self._save_step(k, arrays)
        self.manifest["gradients"].append(refs[("g", None)])
        for kind, section in (("s", "states"), ("r", "records")):
            d = {key: ref for (kd, key), ref in refs.items() if kd == kind}
            if d:
                self.manifest[section][str(k)] = d
        return k

    def close(self):
        """Writes manifest.json and returns its path. Refuses a trace without steps or without any dumped state."""
        if self._closed:
            return self.manifest_path
        if self.step_count == 0:
            raise ValueError("no step was recorded; call step() once per optimizer step")
        if not self.manifest["states"] and not self.manifest["records"]:
            raise ValueError("no state was dumped: none of the %d steps is in dump_steps" % self.step_count)
        if not self.manifest["records"]:
            del self.manifest["records"]
        self.manifest_path = os.path.join(self.out_dir, "manifest.json")
        with open(self.manifest_path, "w") as f:
            json.dump(self.manifest, f, indent=2)
            f.write("\n")
        self._closed = True
        return self.manifest_path

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        return False

