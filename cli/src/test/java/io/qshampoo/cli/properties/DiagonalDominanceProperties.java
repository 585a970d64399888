package io.qshampoo.cli.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * Li et al. 2025, Proposition 5.1 (second part): if every row of the symmetric M is diagonally dominant
 * with factor 1 + 2/(2^b − 1), |M_ii| > (1 + 2/(2^b − 1))·Σ_{j≠i}|M_ij|, then the DiagReal-quantized
 * D(Q(M)) is positive definite.
 *
 * <p>What we find: it holds on random inputs for the paper's mappings (linear-2, dynamic) at the official
 * block size B = 64, but it is not a theorem for every block size: an off-diagonal entry just above half
 * the smallest non-zero code rounds up to that code, doubling it, and when a block is long enough to hold
 * hundreds of such entries beside one large entry the Gershgorin margin is exhausted. The example below is
 * such a matrix at B = 1024. (The plain "linear" table, which has no zero code, fails the proposition
 * outright; it is excluded.)
 */
class DiagonalDominanceProperties {

    private static final int[] BITS = {3, 4, 8};
    private static final Mapping[] PAPER_MAPPINGS = {Mapping.LINEAR_2, Mapping.DYNAMIC};

    /** A symmetric matrix with sparse large and many small off-diagonal entries, dominant with the given factor. */
    private static DMatrixRMaj dominant(int n, double factor, Random rnd) {
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        double small = rnd.nextDouble() * 0.003;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double v = rnd.nextDouble() < 0.05 ? rnd.nextGaussian() : small * rnd.nextGaussian();
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += j == i ? 0 : Math.abs(m.get(i, j));
            }
            m.set(i, i, factor * s * (1 + 1e-9) + Double.MIN_NORMAL);
        }
        return m;
    }

    private static double minEigenvalueOfQuantized(DMatrixRMaj m, Mapping mapping, int bits, int block) {
        int n = m.numRows;
        QuantizationConfig q = new QuantizationConfig(mapping, bits, BlockLayout.rowSegments(block), 0);
        DMatrixRMaj d = new DMatrixRMaj(n, n);
        QuantizedMatrix.quantize(m.data, n, n, StorageMode.DIAG_REAL, q).dequantizeInto(d.data);
        // Mirror entries fall in different blocks, so D(Q(M)) is not symmetric: x·D·x = x·sym(D)·x, so
        // positive definiteness is that of the symmetric part.
        SyntheticMatrices.symmetrize(d);
        return SymmetricEigen.of(d).min();
    }

    @Test
    void dominanceWithTheProposedFactorKeepsTheQuantizedMatrixDefiniteAtBlockSize64() {
        Qt.qt().forAll(integers().between(8, 128), integers().between(0, 5), longs().all()).checkAssert((n, choice, seed) -> {
            Mapping mapping = PAPER_MAPPINGS[choice % 2];
            int bits = BITS[choice % 3];
            DMatrixRMaj m = dominant(n, 1 + 2.0 / ((1 << bits) - 1), new Random(seed));
            double min = minEigenvalueOfQuantized(m, mapping, bits, 64);
            assertTrue(min > 0, () -> mapping + " " + bits + "-bit, n = " + n + ": λmin(sym D(Q(M))) = " + min);
        });
    }

    @Test
    void counterexampleWithLongBlocks() {
        // Row 0: one entry N = 1 and 698 entries t = 1.02·N/450, just above half of linear-2's smallest code
        // N/225 (4 bits), all in one 1024-long block: each t is quantized to N/225 ≈ 1.96·t. Rows j ≥ 2 hold
        // only t, quantized exactly. Diagonals: (1 + 2/15)·(row sum)·(1 + 1e-6).
        int n = 700;
        double t = 1.02 / 450;
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        m.set(0, 1, 1);
        m.set(1, 0, 1);
        for (int j = 2; j < n; j++) {
            m.set(0, j, t);
            m.set(j, 0, t);
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += j == i ? 0 : Math.abs(m.get(i, j));
            }
            m.set(i, i, (1 + 2.0 / 15) * s * (1 + 1e-6));
        }
        assertTrue(SymmetricEigen.of(m).min() > 0, "M itself is positive definite");
        assertTrue(minEigenvalueOfQuantized(m, Mapping.LINEAR_2, 4, 1024) < 0,
                "with 1024-long blocks the dominance factor of Prop. 5.1 does not protect definiteness");
        assertTrue(minEigenvalueOfQuantized(m, Mapping.LINEAR_2, 4, 64) > 0,
                "with the official 64-long blocks only 62 entries share the large entry's block");
    }
}
