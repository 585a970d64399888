"""Tests of qshampoo_trace.py. Run from the repository root:

    python3 -m unittest discover -s python -v

numpy is required (the tests skip with a message without it); the torch test skips without torch; the tests that
run qshampoo itself skip unless cli/target/qshampoo.jar has been built (./mvnw -B package) and a java exists.
"""
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JAR = os.path.join(ROOT, "cli", "target", "qshampoo.jar")
ORACLE = os.path.join(ROOT, "cli", "src", "test", "resources", "oracle")
sys.path.insert(0, HERE)

HAVE_NUMPY = importlib.util.find_spec("numpy") is not None
HAVE_TORCH = importlib.util.find_spec("torch") is not None
if HAVE_NUMPY:
    import numpy as np
    import qshampoo_trace as qt

needs_numpy = unittest.skipUnless(HAVE_NUMPY, "numpy is not installed (Debian: apt-get install python3-numpy)")
needs_torch = unittest.skipUnless(HAVE_TORCH, "torch is not installed (Debian: apt-get install python3-torch)")


def java():
    home = os.environ.get("JAVA_HOME")
    return os.path.join(home, "bin", "java") if home else shutil.which("java")


needs_qshampoo = unittest.skipUnless(os.path.isfile(JAR) and java() and os.path.exists(java() or ""),
                                     "qshampoo is not built (%s) or no java; build with ./mvnw -B package" % JAR)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def qshampoo(*args, cwd=None):
    return subprocess.run([java(), "-jar", JAR] + list(args), cwd=cwd, capture_output=True, text=True, timeout=300)


class Tmp(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="qshampoo-trace-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *p):
        return os.path.join(self.dir, *p)


@needs_numpy
class PackingTest(unittest.TestCase):
    def test_four_bit_puts_the_lower_column_in_the_low_nibble(self):
        self.assertEqual(qt.pack_codes(np.array([[1, 2, 3], [4, 5, 15]]), 4).tolist(), [0x21, 0x43, 0xF5])
        self.assertEqual(qt.pack_codes([7], 4).tolist(), [0x07])          # odd count: padding nibble 0

    def test_eight_bit_is_one_code_per_byte(self):
        self.assertEqual(qt.pack_codes([0, 1, 255], 8).dtype, np.uint8)
        self.assertEqual(qt.pack_codes([0, 1, 255], 8).tolist(), [0, 1, 255])

    def test_three_bit_is_a_little_endian_bit_stream(self):
        # codes 0..7 at bits 3k: stream = sum k << 3k = 0b111_110_101_100_011_010_001_000 = 0xFAC688
        self.assertEqual(qt.pack_codes(list(range(8)), 3).tolist(), [0x88, 0xC6, 0xFA])

    def test_unpack_inverts_pack(self):
        rng = np.random.default_rng(3)
        for bits in (3, 4, 8):
            for count in (1, 7, 8, 33):
                c = rng.integers(0, 2 ** bits, count)
                self.assertEqual(qt.unpack_codes(qt.pack_codes(c, bits), bits, count).tolist(), c.tolist())

    def test_codes_out_of_range_are_refused(self):
        with self.assertRaisesRegex(ValueError, r"\[0, 16\)"):
            qt.pack_codes([16], 4)
        with self.assertRaisesRegex(ValueError, "integers"):
            qt.pack_codes([0.5], 4)
        with self.assertRaisesRegex(ValueError, "bits"):
            qt.pack_codes([1], 5)


@needs_numpy
class SafetensorsTest(Tmp):
    def test_round_trip_of_every_dtype_in_order(self):
        t = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "d": np.array([np.pi]), "c": np.arange(3, dtype=np.uint8),
             "i": np.array([-(2 ** 63)], dtype=np.int64), "b": np.array([True, False]),
             "h": np.array([1.5], dtype=np.float16)}
        f = self.path("t.safetensors")
        qt.save_safetensors(f, t, metadata={"k": "v"})
        back = qt.load_safetensors(f)
        self.assertEqual(list(back), ["w", "d", "c", "i", "b", "h"])
        for k in t:
            expected = t[k].astype(np.float32) if t[k].dtype == np.float16 else t[k]
            self.assertEqual(back[k].dtype, expected.dtype, k)
            np.testing.assert_array_equal(back[k], expected, k)
        raw = read(f, "rb")
        n = int.from_bytes(raw[:8], "little")
        self.assertEqual((8 + n) % 8, 0)
        self.assertEqual(json.loads(raw[8:8 + n])["__metadata__"], {"k": "v"})

    def test_reserved_and_unsupported(self):
        with self.assertRaises(ValueError):
            qt.save_safetensors(self.path("x.safetensors"), {"__metadata__": np.zeros(1)})
        with self.assertRaisesRegex(TypeError, "complex128"):
            qt.save_safetensors(self.path("x.safetensors"), {"z": np.zeros(1, dtype=complex)})


def numpy_shampoo(rec, steps, seed, t1=1, t2=3, tamper_step=None):
    """32-bit Shampoo on one 8 × 6 parameter in float32 (the conventions of docs/oracle.md), SGD grafting, SGD with
    momentum 0.9, recorded through `rec`. tamper_step: perturb the dumped left root at that step."""
    f32 = np.float32
    beta, eps, lr, mu = f32(0.95), 1e-6, f32(0.1), f32(0.9)
    rng = np.random.default_rng(seed)
    w = np.zeros((8, 6), np.float32)
    buf = np.zeros_like(w)
    stat = {"left": f32(eps) * np.eye(8, dtype=np.float32), "right": f32(eps) * np.eye(6, dtype=np.float32)}
    root = {"left": np.eye(8, dtype=np.float32), "right": np.eye(6, dtype=np.float32)}

    def eigen_root(s):
        s = ((s + s.T) * f32(0.5)).astype(np.float32)
        lam, v = np.linalg.eigh(s)
        return ((v * ((lam + f32(eps) * lam.max()) ** f32(-0.25))) @ v.T).astype(np.float32)

    for k in range(1, steps + 1):
        g = rng.standard_normal((8, 6)).astype(np.float32)

        def step():
            nonlocal w, buf
            for side, gram in (("left", g @ g.T), ("right", g.T @ g)):
                if k % t1 == 0:
                    stat[side] = (beta * stat[side] + (f32(1) - beta) * gram).astype(np.float32)
                if k % t2 == 0:
                    root[side] = eigen_root(stat[side])
            p = (root["left"] @ g @ root["right"]).astype(np.float32)
            p = (p * (np.linalg.norm(g) / np.linalg.norm(p))).astype(np.float32)
            buf = (mu * buf + p).astype(np.float32)
            w = (w - lr * buf).astype(np.float32)

        def states():
            left_root = root["left"].copy()
            if k == tamper_step:
                left_root[2, 3] += f32(0.01) * np.abs(left_root).max()
            return {"w#0.left.L": stat["left"], "w#0.right.L": stat["right"], "w#0.left.root": left_root,
                    "w#0.right.root": root["right"], "w": w}

        rec.step(g, step, states=states)
    return w


def recorder(out, **kw):
    args = dict(variant="fp32", parameter=("w", (8, 6)),
                config={"beta": 0.95, "epsilon": 1e-6, "t1": 1, "t2": 3, "rootMethod": "eigen", "grafting": "sgd"},
                optimizer={"name": "sgd", "lr": 0.1, "momentum": 0.9}, dump_steps=[3, 6])
    args.update(kw)
    return qt.TraceRecorder(out, **args)


@needs_numpy
class RecorderTest(Tmp):
    def test_writes_a_manifest_whose_references_hold_what_was_recorded(self):
        out = self.path("trace")
        with recorder(out) as rec:
            numpy_shampoo(rec, 6, seed=1)
        m = json.loads(read(os.path.join(out, "manifest.json")))
        self.assertEqual(m["format"], "qshampoo-trace/1")
        self.assertEqual(m["variant"], "fp32")
        self.assertEqual(m["parameter"], {"name": "w", "shape": [8, 6]})
        self.assertEqual(len(m["gradients"]), 6)
        self.assertEqual(sorted(m["states"]), ["3", "6"])
        self.assertEqual(sorted(m["states"]["6"]), ["w", "w#0.left.L", "w#0.left.root", "w#0.right.L",
                                                    "w#0.right.root"])
        self.assertNotIn("records", m)
        self.assertNotIn("conventions", m)
        self.assertNotIn("codeTable", m)
        g1 = np.load(os.path.join(out, m["gradients"][0]))
        np.testing.assert_array_equal(g1, np.random.default_rng(1).standard_normal((8, 6)).astype(np.float32))
        self.assertEqual(np.load(os.path.join(out, m["states"]["3"]["w#0.left.L"])).dtype, np.float32)

    def test_an_initial_value_is_saved_and_referenced(self):
        out = self.path("trace")
        w0 = np.arange(48, dtype=np.float32).reshape(8, 6)
        rec = recorder(out, initial=w0)
        self.assertEqual(rec.manifest["parameter"]["initial"], "initial.npy")
        np.testing.assert_array_equal(np.load(os.path.join(out, "initial.npy")), w0)
        with self.assertRaisesRegex(ValueError, r"initial has shape \(6, 8\)"):
            recorder(self.path("t2"), initial=w0.T)

    def test_conventions_and_code_table_are_written_when_given(self):
        out = self.path("trace")
        table = np.linspace(-1, 1, 16).astype(np.float32)
        with recorder(out, conventions="official", code_table=table, config={"bits": 4}) as rec:
            numpy_shampoo(rec, 3, seed=1)
        m = json.loads(read(os.path.join(out, "manifest.json")))
        self.assertEqual(m["conventions"], "official")
        self.assertEqual(m["codeTable"], "code_table.npy")
        back = np.load(os.path.join(out, "code_table.npy"))
        self.assertEqual(back.dtype, np.float32)
        np.testing.assert_array_equal(back, table)
        self.assertEqual(list(m)[:4], ["format", "variant", "conventions", "codeTable"])

    def test_code_table_is_validated(self):
        for bad, msg in ((np.linspace(-1, 1, 8).astype(np.float32), "16 entries"),
                         (np.linspace(1, -1, 16).astype(np.float32), "increasing"),
                         (np.linspace(-1, 1, 16) + 1e-9, "float32 cannot hold")):
            with self.assertRaisesRegex(ValueError, msg):
                recorder(self.path("t"), code_table=bad)
        with self.assertRaisesRegex(ValueError, "conventions"):
            recorder(self.path("t"), conventions="tearfree")

    def test_records_and_containers(self):
        for container in ("npz", "safetensors"):
            out = self.path(container)
            with recorder(out, container=container, dump_steps=lambda k: k == 2) as rec:
                rec.step(np.ones((8, 6), np.float32), states={"w": np.zeros((8, 6), np.float32)})
                rec.step(np.ones((8, 6), np.float32), states={"w": np.full((8, 6), 2, np.float32)},
                         records={"w#0.left.root.codes": np.arange(32, dtype=np.uint8)})
            m = json.loads(read(os.path.join(out, "manifest.json")))
            self.assertEqual(m["gradients"], ["step0001.%s:grad" % container, "step0002.%s:grad" % container])
            self.assertEqual(m["states"], {"2": {"w": "step0002.%s:state/w" % container}})
            ref = m["records"]["2"]["w#0.left.root.codes"]
            file, key = ref.split(":", 1)
            path = os.path.join(out, file)
            arrays = dict(np.load(path)) if container == "npz" else qt.load_safetensors(path)
            self.assertEqual(arrays[key].dtype, np.uint8)
            np.testing.assert_array_equal(arrays[key], np.arange(32))

    def test_bad_use_is_refused_with_a_message(self):
        with self.assertRaisesRegex(ValueError, "variant"):
            recorder(self.path("t"), variant="adam")
        with self.assertRaisesRegex(ValueError, "dump step 0"):
            recorder(self.path("t"), dump_steps=[0])
        with self.assertRaisesRegex(ValueError, "optimizer"):
            recorder(self.path("t"), optimizer={"name": "lion", "lr": 1})
        with self.assertRaisesRegex(ValueError, "parameter name"):
            recorder(self.path("t"), parameter=("", (8, 6)))
        with self.assertRaisesRegex(ValueError, "parameter shape"):
            recorder(self.path("t"), parameter=("w", (8, 0)))
        self.assertEqual(recorder(self.path("t"), parameter=("fc1.weight", (8, 6))).manifest["parameter"]["name"],
                         "fc1.weight")
        rec = recorder(self.path("t"))
        with self.assertRaisesRegex(ValueError, r"gradient of step 1 has shape \(6, 8\)"):
            rec.step(np.zeros((6, 8), np.float32))
        with self.assertRaisesRegex(ValueError, "no step was recorded"):
            rec.close()
        with self.assertRaisesRegex(ValueError, "non-finite"):
            rec.step(np.full((8, 6), np.nan, np.float32))
        rec.step(np.zeros((8, 6), np.float32))
        with self.assertRaisesRegex(ValueError, "no state was dumped"):
            rec.close()
        rec.step(np.zeros((8, 6), np.float32))
        with self.assertRaisesRegex(ValueError, "records"):
            rec.step(np.zeros((8, 6), np.float32), states={"w#0.left.root.codes": np.zeros(3, np.uint8)})


@needs_numpy
class SaveQuantizedTest(Tmp):
    def test_layout_of_check_codes(self):
        refs = qt.save_quantized(self.path("q"), np.array([[1, 2], [3, 4]]), np.array([0.5], np.float32),
                                 diag=np.array([1, 2], np.float32), bits=4)
        self.assertEqual(refs, {"codes": self.path("q.codes.npy"), "scales": self.path("q.scales.npy"),
                                "diag": self.path("q.diag.npy")})
        self.assertEqual(np.load(refs["codes"]).tolist(), [0x21, 0x43])
        self.assertEqual(np.load(refs["scales"]).dtype, np.float32)
        st = qt.save_quantized(self.path("q.safetensors"), np.array([0x21], np.uint8), np.array([1], np.float32))
        self.assertEqual(st, {"codes": self.path("q.safetensors") + ":codes",
                              "scales": self.path("q.safetensors") + ":scales"})
        with self.assertRaisesRegex(ValueError, "float32"):
            qt.save_quantized(self.path("r"), np.zeros(2, np.uint8), np.ones(1))
        with self.assertRaisesRegex(ValueError, "not 1/N"):
            qt.save_quantized(self.path("r"), np.zeros(2, np.uint8), np.array([-1], np.float32))


@needs_numpy
@needs_qshampoo
class AgainstQshampooTest(Tmp):
    def test_check_trace_agrees_with_a_recorded_numpy_shampoo_and_finds_a_tampered_root(self):
        for container in ("npy", "safetensors"):
            out = self.path("ok_" + container)
            with recorder(out, container=container) as rec:
                numpy_shampoo(rec, 6, seed=1)
            r = qshampoo("check", "trace", os.path.join(out, "manifest.json"))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("verdict: AGREE", r.stdout)
        bad = self.path("bad")
        with recorder(bad) as rec:
            numpy_shampoo(rec, 6, seed=1, tamper_step=6)
        r = qshampoo("check", "trace", os.path.join(bad, "manifest.json"))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("first at step 6, w#0.left.root", r.stdout)

    def test_save_quantized_reproduces_the_oracle_fixture_layout(self):
        codes = np.load(os.path.join(ORACLE, "x.linear-2.4.rows64.codes.npy"))
        scales = np.load(os.path.join(ORACLE, "x.linear-2.4.rows64.scales.npy"))
        unpacked = qt.unpack_codes(codes, 4, 8 * 80).reshape(8, 80)
        for prefix in (self.path("theirs"), self.path("theirs.safetensors")):
            refs = qt.save_quantized(prefix, unpacked, scales, bits=4)
            r = qshampoo("check", "codes", "--map", "linear-2", "--bits", "4", "--block", "64",
                         "--input", os.path.join(ORACLE, "x.npy"), "--codes", refs["codes"], "--scales", refs["scales"])
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


def docs_example():
    """The Python block of docs/oracle.md between <!-- torch-example --> and <!-- /torch-example -->."""
    with open(os.path.join(ROOT, "docs", "oracle.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- torch-example -->\s*```python\n(.*?)```\s*<!-- /torch-example -->", text, re.S)
    if m is None:
        raise AssertionError("docs/oracle.md has no <!-- torch-example --> python block")
    return m.group(1)


@needs_numpy
@needs_torch
class TorchTest(Tmp):
    def test_tensors_are_detached_and_half_precision_widened(self):
        import torch
        t = torch.tensor([[1.5, -2.0]], dtype=torch.bfloat16, requires_grad=True)
        a = qt.to_numpy(t * 1)
        self.assertEqual(a.dtype, np.float32)
        self.assertEqual(a.tolist(), [[1.5, -2.0]])
        self.assertEqual(qt.to_numpy(torch.arange(3, dtype=torch.uint8)).dtype, np.uint8)

    @needs_qshampoo
    def test_the_docs_worked_example_runs_and_check_trace_agrees(self):
        shutil.copytree(HERE, self.path("python"), ignore=shutil.ignore_patterns("__pycache__"))
        run = subprocess.run([sys.executable, "-c", docs_example()], cwd=self.dir, capture_output=True, text=True,
                             timeout=300)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        r = qshampoo("check", "trace", "trace/manifest.json", cwd=self.dir)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("verdict: AGREE", r.stdout)


if __name__ == "__main__":
    unittest.main()
