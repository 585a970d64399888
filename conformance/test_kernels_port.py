"""Checks kernels_port.py byte for byte against qshampoo's reference quantizer (``qshampoo quantize``).

Run from the repository root after building the command (``./mvnw -B -q -DskipTests package -pl cli -am``):

    python3 -m unittest conformance/test_kernels_port.py

Skips with a message when numpy or the jar is missing.
"""
import os
import subprocess
import sys
import tempfile
import unittest

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JAR = os.path.join(ROOT, "cli", "target", "qshampoo.jar")
sys.path.insert(0, HERE)


@unittest.skipIf(np is None, "numpy is not installed (Debian: python3-numpy)")
@unittest.skipIf(not os.path.isfile(JAR), "qshampoo.jar not built: ./mvnw -B -q -DskipTests package -pl cli -am")
class KernelsPortTest(unittest.TestCase):

    def matrices(self):
        rng = np.random.default_rng(20261204)
        out = []
        for order in (64, 80, 130, 200):
            a = rng.standard_normal((order, order)).astype(np.float32)
            a *= np.float32(10.0) ** rng.integers(-6, 6, size=(order, 1)).astype(np.float32)
            a[3, :] = 0                                      # a row of zero blocks: scale 0
            a[5, 7] = np.float32(1e-30)                      # a tiny lone value
            out.append(a)
            b = a @ a.T                                      # a statistic-like SPD matrix
            out.append(b.astype(np.float32))
        return out

    def run_reference(self, a, flags, tmp):
        src = os.path.join(tmp, "a.npy")
        np.save(src, a)
        prefix = os.path.join(tmp, "q")
        subprocess.run(["java", "-jar", JAR, "quantize", src, prefix, "--bits", "4", "--block", "64"] + flags,
                       check=True, capture_output=True)
        codes = np.load(prefix + ".codes.npy")
        scales = np.load(prefix + ".scales.npy")
        diag = np.load(prefix + ".diag.npy") if os.path.exists(prefix + ".diag.npy") else None
        return codes, scales, diag

    def test_port_is_byte_identical_to_the_reference_quantizer(self):
        import kernels_port as kp
        table = kp.linear2_table(4)
        checked = 0
        with tempfile.TemporaryDirectory() as tmp:
            for a in self.matrices():
                for diag_real in (False, True):
                    codes, scales, diag = kp.quantize(a, table, 64, diag_real)
                    ref = self.run_reference(a, ["--diag-real"] if diag_real else [], tmp)
                    np.testing.assert_array_equal(codes, ref[0].reshape(-1))
                    np.testing.assert_array_equal(scales.view(np.uint32), ref[1].reshape(-1).view(np.uint32))
                    if diag_real:
                        np.testing.assert_array_equal(diag, ref[2].reshape(-1))
                    back = kp.dequantize(codes, scales, table, a.shape[0], 64, diag)
                    self.assertEqual(back.dtype, np.float32)
                    checked += 1
        self.assertEqual(checked, 16)


if __name__ == "__main__":
    unittest.main()
