package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

class EjmlKernelsTest {

    /**
     * multTransB transposes b and multiplies for speed; golden outputs depend on it being bit-identical to EJML's
     * dot-product multTransB (same products, summed in the same order), on both sides of the switch.
     */
    @Test
    void multTransBIsBitIdenticalToEjmlsDotProductVersion() {
        Qt.qt().forAll(integers().between(1, 80), integers().between(1, 50), integers().between(1, 80), Qt.seeds())
                .checkAssert((m, k, n, seed) -> {
                    Random r = new Random(seed);
                    DMatrixRMaj a = SyntheticMatrices.gaussian(m, k, r);
                    DMatrixRMaj b = SyntheticMatrices.gaussian(n, k, r);
                    DMatrixRMaj expected = new DMatrixRMaj(m, n);
                    CommonOps_DDRM.multTransB(a, b, expected);
                    DMatrixRMaj got = new DMatrixRMaj(m, n);
                    DenseKernels.reference().multTransB(a, b, got);
                    assertArrayEquals(expected.data, got.data, 0.0);
                    DMatrixRMaj expectedGram = new DMatrixRMaj(m, m);
                    CommonOps_DDRM.multTransB(a, a, expectedGram);
                    DMatrixRMaj gram = new DMatrixRMaj(m, m);
                    DenseKernels.reference().multTransB(a, a, gram);
                    assertArrayEquals(expectedGram.data, gram.data, 0.0);
                });
    }

    /**
     * The optimizer's L̂·G·R̂ goes through multChain; golden outputs and checkpoints on EJML depend on it being the two
     * products it replaced, EJML's mult(a, b) then mult(a·b, c), bit for bit (small and blocked sizes).
     */
    @Test
    void multChainIsBitIdenticalToTwoEjmlProducts() {
        Qt.qt().forAll(integers().between(1, 70), integers().between(1, 70), integers().between(1, 70), Qt.seeds())
                .checkAssert((m, p, n, seed) -> {
                    Random r = new Random(seed);
                    DMatrixRMaj a = SyntheticMatrices.gaussian(m, m, r);
                    DMatrixRMaj b = SyntheticMatrices.gaussian(m, p, r);
                    DMatrixRMaj c = SyntheticMatrices.gaussian(p, n, r);
                    DMatrixRMaj ab = new DMatrixRMaj(m, p);
                    CommonOps_DDRM.mult(a, b, ab);
                    DMatrixRMaj expected = new DMatrixRMaj(m, n);
                    CommonOps_DDRM.mult(ab, c, expected);
                    DMatrixRMaj out = new DMatrixRMaj(m, n);
                    DenseKernels.reference().multChain(a, b, c, new DMatrixRMaj(m, p), out);
                    assertArrayEquals(expected.data, out.data, 0.0);
                });
    }

    /**
     * Frequent-Directions updates with half the rows exactly zero (dead ReLU units) and ℓ = n: EJML's SVD
     * alone returned NaN or non-orthonormal vectors for most of these seeds (found training Sketchy on
     * Fashion-MNIST). The checked kernel must keep U orthonormal to rounding (≈ n·u; 1e-10 leaves room) and
     * σ finite.
     */
    @Test
    void sketchOfAStreamWithManyZeroRowsKeepsAnOrthonormalBasis() {
        Random r = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            int n = 256;
            FrequentDirections fd = new FrequentDirections(n, 256, 0.999);
            for (int t = 0; t < 3; t++) {
                DMatrixRMaj g = new DMatrixRMaj(n, 10);
                for (int i = 0; i < n; i++) {
                    boolean dead = r.nextDouble() < 0.5;
                    for (int j = 0; j < 10; j++) {
                        g.set(i, j, dead ? 0 : r.nextGaussian() * Math.pow(10, -3 * r.nextDouble()));
                    }
                }
                fd.update(g);
                DMatrixRMaj u = fd.basis();
                DMatrixRMaj utu = new DMatrixRMaj(u.numCols, u.numCols);
                CommonOps_DDRM.multTransA(u, u, utu);
                CommonOps_DDRM.subtractEquals(utu, CommonOps_DDRM.identity(u.numCols));
                double worst = CommonOps_DDRM.elementMaxAbs(utu);
                int tr = trial;
                assertTrue(worst <= 1e-10, () -> "trial " + tr + ": max|UᵀU − I| = " + worst);
                for (double s : fd.singularValues()) {
                    assertTrue(Double.isFinite(s));
                }
            }
        }
    }
}
