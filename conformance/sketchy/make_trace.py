#!/usr/bin/env python3
"""Runs the NumPy port of the official Sketchy (tearfree_sketchy_port.py) on a small problem and writes a
qshampoo trace (format qshampoo-trace/1, see docs/oracle.md) that `qshampoo check trace` and the cli module's
SketchyConformanceTest replay.

    python3 conformance/sketchy/make_trace.py [OUTPUT_DIR]

OUTPUT_DIR defaults to cli/src/test/resources/conformance/sketchy. Deterministic (seeded), float32 throughout;
needs numpy only. The problem: a 24 x 16 parameter, rank 4, decay 0.9, relative epsilon 1e-7, statistics every
T1 = 2 steps, SGD grafting, SGD with momentum 0.9 at lr 0.1, 20 steps. Steps 1-8 are row- and column-sparse at
the update steps (only the leading 3 x 3 block is nonzero, so each sketch holds 3 directions, masks the fourth and
has a tail of exactly 0) and dense in between (so the complement the zero tail drops is large); steps 9-20 are
dense with varying scale (positive tails). The official default merge_dims = 1024 would flatten a 24 x 16 matrix
into one 384-vector; the trace stands for a run with merge_dims below 384, which keeps it a matrix.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tearfree_sketchy_port as port  # noqa: E402

F32 = np.float32
ROWS, COLS, RANK, STEPS, T1 = 24, 16, 4, 20, 2
BETA, EPSILON, LR, MOMENTUM = 0.9, 1e-7, 0.1, 0.9
SPARSE_UNTIL, BLOCK = 8, 3


def gradients():
    rng = np.random.default_rng(20240611)
    out = []
    for k in range(1, STEPS + 1):
        g = rng.standard_normal((ROWS, COLS)).astype(F32)
        if k <= SPARSE_UNTIL and (k - 1) % T1 == 0:
            sparse = np.zeros_like(g)
            sparse[:BLOCK, :BLOCK] = g[:BLOCK, :BLOCK]
            g = sparse
        out.append((g * F32(1.0 + 0.5 * np.sin(k))).astype(F32))
    return out


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "cli", "src", "test", "resources",
                                                              "conformance", "sketchy")
    os.makedirs(out, exist_ok=True)
    options = port.Options(epsilon=EPSILON, rank=RANK, relative_epsilon=True, second_moment_decay=BETA,
                           update_freq=T1)
    opt = port.Tearfree(options, (ROWS, COLS), LR, momentum=MOMENTUM, nesterov=False)
    w = np.zeros((ROWS, COLS), F32)
    grads, directions, states = {}, {}, {}
    manifest_states = {}
    zero_tail_steps = []
    for k, g in enumerate(gradients(), start=1):
        w, direction = opt.step(w, g)
        key = "%02d" % k
        grads["g" + key] = g
        directions["d" + key] = direction
        left, right = opt.state["axes"]
        if left.tail == 0 or right.tail == 0:
            zero_tail_steps.append(k)
        entry = {}
        for side, axis in (("left", left), ("right", right)):
            for name, value in (("U", axis.eigvecs), ("sigma", axis.eigvals), ("rho", np.array([axis.tail], F32))):
                array_key = "s%s_%s_%s" % (key, side, name)
                states[array_key] = np.asarray(value, F32)
                entry["w#0.%s.%s" % (side, name)] = "states.npz:" + array_key
        states["s%s_w" % key] = w
        entry["w"] = "states.npz:s%s_w" % key
        manifest_states[str(k)] = entry
    np.savez_compressed(os.path.join(out, "gradients.npz"), **grads)
    np.savez_compressed(os.path.join(out, "states.npz"), **states)
    np.savez_compressed(os.path.join(out, "directions.npz"), **directions)
    manifest = {
        "format": "qshampoo-trace/1",
        "conventions": "official",
        "variant": "sketchy",
        "config": {"t1": T1, "sketchRank": RANK, "sketchBeta": BETA, "sketchEpsilon": EPSILON, "grafting": "sgd",
                   "startStep": 1},
        "optimizer": {"name": "sgd", "lr": LR, "momentum": MOMENTUM},
        "parameter": {"name": "w", "shape": [ROWS, COLS]},
        "precision": "fp32",
        "gradients": ["gradients.npz:g%02d" % k for k in range(1, STEPS + 1)],
        "states": manifest_states,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("wrote %s: %d steps; a tail is exactly 0 after steps %s" % (out, STEPS, zero_tail_steps))


if __name__ == "__main__":
    main()
