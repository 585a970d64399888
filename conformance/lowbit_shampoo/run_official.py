"""Runs the official low-bit Shampoo optimizers on a CPU and writes qshampoo traces of them.

The official code (github.com/Sike-Wang/low-bit-Shampoo, commit fc46867) is not part of this repository; pass
a checkout of it with --official. It runs unchanged except for three stand-ins, all made here at run time:

1. its CUDA library (qtensor/cextension.py loads a .so) is replaced by a module that loads nothing, and the four
   quantize/dequantize functions of qtensor/functional.py by ../kernels_port.py (a numpy port of kernels.cu,
   byte-identical to qshampoo's reference quantizer: ../test_kernels_port.py);
2. Tensor.get_device() answers "cpu" (the code passes its result as a device; on a CPU it is -1, which torch
   refuses);
3. one CPU thread and a fixed torch seed (the Newton root's power iteration starts from torch.rand).

With --table scalar the 4-bit code table is rebuilt with numpy's scalar float32 arithmetic (the formula qshampoo
uses) instead of torch.linspace's vectorized one; the trace then needs no "codeTable".

Usage (regenerates cli/src/test/resources/conformance/lowbit-shampoo; see conformance/README.md):

    python3 conformance/lowbit_shampoo/run_official.py --official /path/to/low-bit-Shampoo --all \
        --out cli/src/test/resources/conformance/lowbit-shampoo
"""
import argparse
import json
import os
import sys
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import kernels_port as kp  # noqa: E402

ROWS = COLS = 80


def set_shape(text):
    global ROWS, COLS
    ROWS, COLS = (int(d) for d in text.lower().split("x"))
STEPS = 30
STATE_STEPS = (1, 2, 10, 30)


def install_stand_ins(official):
    stub = types.ModuleType("qtensor.cextension")
    stub.get_lib = lambda: types.SimpleNamespace(**{n: None for n in (
        "cquantize_blockwise_8bit_fp32", "cquantize_blockwise_8bit_bf16", "cquantize_blockwise_4bit_fp32",
        "cquantize_blockwise_4bit_bf16", "cdequantize_blockwise_8bit_fp32", "cdequantize_blockwise_8bit_bf16",
        "cdequantize_blockwise_4bit_fp32", "cdequantize_blockwise_4bit_bf16",
        "cquantize_blockwise_diagreal_8bit_fp32", "cquantize_blockwise_diagreal_8bit_bf16",
        "cquantize_blockwise_diagreal_4bit_fp32", "cquantize_blockwise_diagreal_4bit_bf16",
        "cdequantize_blockwise_diagreal_8bit_fp32", "cdequantize_blockwise_diagreal_8bit_bf16",
        "cdequantize_blockwise_diagreal_4bit_fp32", "cdequantize_blockwise_diagreal_4bit_bf16")})
    sys.modules["qtensor.cextension"] = stub
    sys.path.insert(0, official)
    import qtensor.functional as F

    def q(A, code, order, absmax=None, out=None, blocksize=256, bits=8, diag=None, diag_real=False):
        packed, scales, d = kp.quantize(A.detach().float().numpy(), code.numpy(), blocksize, diag_real)
        packed, scales = torch.from_numpy(packed), torch.from_numpy(scales)
        if out is None:
            out = packed.clone()
        else:
            out.copy_(packed)
        if absmax is None:
            absmax = scales.clone()
        else:
            absmax.copy_(scales)
        if diag_real:
            if diag is None:
                diag = torch.from_numpy(d).clone()
            else:
                diag.copy_(torch.from_numpy(d))
            return out, absmax, diag
        return out, absmax

    def dq(A, code, order, absmax, outdtype=torch.float32, out=None, blocksize=256, bits=8, diag=None):
        m = torch.from_numpy(kp.dequantize(A.numpy(), absmax.numpy(), code.numpy(), order, blocksize,
                                           None if diag is None else diag.numpy()))
        if out is not None:
            out.copy_(m)
            return out
        return m.to(outdtype)

    F.quantize_blockwise = lambda A, code, order, absmax=None, out=None, blocksize=256, bits=8: \
        q(A, code, order, absmax, out, blocksize, bits)
    F.dequantize_blockwise = lambda A, code, order, absmax, outdtype=torch.float32, out=None, blocksize=256, bits=8: \
        dq(A, code, order, absmax, outdtype, out, blocksize, bits)
    F.quantize_blockwise_diagreal = lambda A, code, order, absmax=None, diag=None, out=None, blocksize=256, bits=8: \
        q(A, code, order, absmax, out, blocksize, bits, diag, True)
    F.dequantize_blockwise_diagreal = lambda A, code, order, absmax, diag, outdtype=torch.float32, out=None, \
        blocksize=256, bits=8: dq(A, code, order, absmax, outdtype, out, blocksize, bits, diag)
    torch.Tensor.get_device = lambda self: "cpu"
    return F


def gradients(rng):
    """G_k = U_k·diag(s)·W_kᵀ with random orthogonal U_k, W_k and s from 1 down to 10^-0.5, float32.

    The singular values are kept within a factor 3.2 on purpose: the subspace step Q·R = L·V is as sensitive to
    rounding as κ(L), and the official code computes it in fp32; with κ(L) ≈ 10 the fp32 and fp64 trajectories
    stay within a few codes of each other, so what the trace tests is the implementation, not the conditioning.
    """
    s = np.logspace(0, -0.5, min(ROWS, COLS))
    out = []
    for _ in range(STEPS):
        u, _ = np.linalg.qr(rng.standard_normal((ROWS, ROWS)))
        w, _ = np.linalg.qr(rng.standard_normal((COLS, COLS)))
        out.append((u[:, :s.size] * s) @ w[:, :s.size].T)
    return [g.astype(np.float32) for g in out]


def run(official, script, bits, table, out_dir, common):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    F = install_stand_ins(official)
    module = __import__("optimizers." + script, fromlist=["ShampooSGD"])
    if bits != 32 and table == "scalar":
        scalar = torch.from_numpy(kp.linear2_table(bits))
        F.create_linear_map = lambda signed=True, total_bits=8, power=2: scalar.clone()
    w = torch.nn.Parameter(torch.from_numpy(np.load(os.path.join(common, "w0.npy"))))
    kwargs = dict(lr=0.05, momentum=0.9, stat_compute_steps=1, prec_compute_steps=2, prec_bits=bits,
                  min_lowbit_size=4096, quan_blocksize=64)
    opt = module.ShampooSGD([w], **kwargs)
    os.makedirs(out_dir, exist_ok=True)
    manifest = {
        "format": "qshampoo-trace/1",
        "variant": {"shampoo1": "vq" if bits != 32 else "fp32", "shampoo2": "eigen4"}[script],
        "conventions": "official",
        "config": {"beta": 0.95, "epsilon": 1e-6, "t1": 1, "t2": 2, "bits": bits, "mapping": "linear-2",
                   "block": 64, "layout": "rows", "minQuantizedElements": 4096, "maxBlockOrder": 1200,
                   "grafting": "sgd", "startStep": 1},
        "optimizer": {"name": "sgd", "lr": 0.05, "momentum": 0.9},
        "parameter": {"name": "w", "shape": [ROWS, COLS], "initial": "../common/w0.npy"},
        "precision": "fp32",
        "gradients": ["../common/gradients.npz:g%02d" % k for k in range(1, STEPS + 1)],
        "states": {}, "records": {}}
    if script == "shampoo1":
        manifest["config"]["rootMethod"] = "newton-official"
    else:
        manifest["config"].update(bjorckUpdateSteps=1, bjorckRootSteps=4)
    if bits != 32 and table == "torch":
        np.save(os.path.join(out_dir, "table.npy"), opt.name2qmap["linear-2"].numpy().astype(np.float32))
        manifest["codeTable"] = "table.npy"
    grads = np.load(os.path.join(common, "gradients.npz"))
    for k in range(1, STEPS + 1):
        w.grad = torch.from_numpy(grads["g%02d" % k].copy())
        opt.step()
        pre = opt.state[w]["preconditioner"]
        arrays, states, records = {}, {}, {}
        for i, side in enumerate(("left", "right")):
            tag = "w#0." + side
            stat, root = pre.statistics[i], pre.preconditioners[i]
            quantized = root.bits < 16
            if quantized:
                for name, t in (("root.codes", root.var), ("root.scales", root.absmax), ("root.diagonal", root.diag)):
                    arrays[tag + "." + name] = t.numpy().copy()
                    records[tag + "." + name] = "r%02d.npz:%s.%s" % (k, tag, name)
            if script == "shampoo2":
                if quantized:
                    for name, t in (("Vt.codes", stat.var), ("Vt.scales", stat.absmax)):
                        arrays[tag + "." + name] = t.numpy().copy()
                        records[tag + "." + name] = "r%02d.npz:%s.%s" % (k, tag, name)
                arrays[tag + ".S"] = stat.Svalue.numpy().astype(np.float32).copy()
                records[tag + ".S"] = "r%02d.npz:%s.S" % (k, tag)
            elif quantized:
                for name, t in (("L.codes", stat.var), ("L.scales", stat.absmax), ("L.diagonal", stat.diag)):
                    arrays[tag + "." + name] = t.numpy().copy()
                    records[tag + "." + name] = "r%02d.npz:%s.%s" % (k, tag, name)
            if k in STATE_STEPS:
                arrays["state." + tag + ".root"] = root.dequantize().numpy().copy()
                states[tag + ".root"] = "s%02d.npz:%s.root" % (k, tag)
                if script == "shampoo2":
                    vt = stat.var if not quantized else F.dequantize_blockwise(
                        stat.var, code=stat.name2qmap[stat.code], order=stat.var_order, absmax=stat.absmax,
                        blocksize=stat.blocksize, bits=stat.bits)
                    arrays["state." + tag + ".V"] = vt.numpy().T.copy()
                    states[tag + ".V"] = "s%02d.npz:%s.V" % (k, tag)
                else:
                    arrays["state." + tag + ".L"] = stat.dequantize().numpy().copy()
                    states[tag + ".L"] = "s%02d.npz:%s.L" % (k, tag)
        if k in STATE_STEPS:
            arrays["state.w"] = w.detach().numpy().copy()
            states["w"] = "s%02d.npz:w" % k
        rec = {key: v for key, v in arrays.items() if not key.startswith("state.")}
        st = {key[len("state."):]: v for key, v in arrays.items() if key.startswith("state.")}
        if rec:
            np.savez_compressed(os.path.join(out_dir, "r%02d.npz" % k), **rec)
            manifest["records"][str(k)] = records
        if st:
            np.savez_compressed(os.path.join(out_dir, "s%02d.npz" % k), **st)
            manifest["states"][str(k)] = states
    if not manifest["records"]:
        del manifest["records"]
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", out_dir)


RUNS = [("shampoo2", 4, "torch"), ("shampoo2", 4, "scalar"), ("shampoo2", 32, "torch"),
        ("shampoo1", 4, "torch"), ("shampoo1", 4, "scalar"), ("shampoo1", 32, "torch")]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--official", required=True, help="checkout of github.com/Sike-Wang/low-bit-Shampoo")
    p.add_argument("--out", required=True, help="output directory (one subdirectory per run, plus common/)")
    p.add_argument("--script", choices=("shampoo1", "shampoo2"))
    p.add_argument("--bits", type=int, choices=(4, 8, 32))
    p.add_argument("--table", choices=("torch", "scalar"), default="torch")
    p.add_argument("--all", action="store_true", help="every run of the committed fixtures")
    p.add_argument("--shape", default="80x80", help="parameter shape ROWSxCOLS (default 80x80)")
    p.add_argument("--gradients", choices=("conditioned", "gaussian"), default="conditioned",
                   help="singular values within a factor 3.2 (default), or plain Gaussian entries")
    a = p.parse_args()
    set_shape(a.shape)
    common = os.path.join(a.out, "common")
    os.makedirs(common, exist_ok=True)
    rng = np.random.default_rng(20261204)
    np.save(os.path.join(common, "w0.npy"), (0.1 * rng.standard_normal((ROWS, COLS))).astype(np.float32))
    gs = gradients(rng) if a.gradients == "conditioned" else [
        rng.standard_normal((ROWS, COLS)).astype(np.float32) for _ in range(STEPS)]
    np.savez_compressed(os.path.join(common, "gradients.npz"), **{"g%02d" % (k + 1): g for k, g in enumerate(gs)})
    runs = RUNS if a.all else [(a.script, a.bits, a.table)]
    for script, bits, table in runs:
        if script is None or bits is None:
            p.error("give --script and --bits, or --all")
        name = "%s-%dbit%s" % (script, bits, "" if bits == 32 else "-" + table + "-table")
        # each run in a fresh interpreter: the official modules keep state (the code table) at module level
        import subprocess
        subprocess.run([sys.executable, os.path.abspath(__file__), "--official", a.official, "--out", a.out,
                        "--script", script, "--bits", str(bits), "--table", table, "--shape", a.shape, "--_single",
                        os.path.join(a.out, name)], check=True)


if __name__ == "__main__":
    if "--_single" in sys.argv:
        i = sys.argv.index("--_single")
        target = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        p = argparse.ArgumentParser()
        p.add_argument("--official")
        p.add_argument("--out")
        p.add_argument("--script")
        p.add_argument("--bits", type=int)
        p.add_argument("--table")
        p.add_argument("--shape", default="80x80")
        a = p.parse_args()
        set_shape(a.shape)
        run(a.official, a.script, a.bits, a.table, target, os.path.join(a.out, "common"))
    else:
        main()
