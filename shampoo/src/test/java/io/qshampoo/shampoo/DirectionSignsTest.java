package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.linalg.ThinSvd;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;

/**
 * sketchy4's sign convention ({@link DirectionSigns}): each stored direction has its largest component positive, so
 * the stored sketch does not depend on the signs the SVD picks.
 */
class DirectionSignsTest {

    @Test
    void everyRowEndsWithItsLargestComponentPositive() {
        DMatrixRMaj ut = new DMatrixRMaj(new double[][] {
            {0.1, -0.9, 0.3},     // largest negative: negated
            {-0.2, 0.7, -0.5},    // largest positive: kept
            {-0.5, 0.5, 0.1},     // a tie in magnitude: the first decides, negative: negated
            {0, 0, 0}});          // no largest component: kept
        assertEquals(2, DirectionSigns.normalize(ut));
        assertArrayEquals(new double[] {-0.1, 0.9, -0.3, -0.2, 0.7, -0.5, 0.5, -0.5, -0.1, 0, 0, 0}, ut.data);
    }

    /**
     * The same stream sketched through an SVD that returns some left vectors negated stores the same codes, the same
     * σ and the same polar basis, bit for bit, at every step. Without the convention the 4-bit linear-2 table's
     * asymmetry about 0 (it holds 0 and +0.0044 but not −0.0044) makes the two stored sketches differ.
     */
    @Test
    void theStoredSketchDoesNotDependOnTheSignsTheSvdPicks() {
        int n = 40;
        QuantizationConfig q = new QuantizationConfig(Mapping.LINEAR_2, 4, BlockLayout.rowSegments(32), 0);
        QuantizedSketch plain = new QuantizedSketch("s", n, 6, 0.999, 0.999, q, null, DenseKernels.reference());
        QuantizedSketch flipped = new QuantizedSketch("s", n, 6, 0.999, 0.999, q, null, new SignFlippingSvd());
        Random rnd = new Random(11);
        for (int t = 1; t <= 8; t++) {
            DMatrixRMaj g = SyntheticMatrices.gaussian(n, 5, rnd);
            plain.update(g);
            flipped.update(g);
            assertArrayEquals(plain.storedBasis().data, flipped.storedBasis().data, "stored directions, step " + t);
            assertArrayEquals(plain.sketch().singularValues(), flipped.sketch().singularValues(), "σ, step " + t);
            assertArrayEquals(plain.sketch().basis().data, flipped.sketch().basis().data, "polar basis, step " + t);
        }
    }

    /** The test would notice a sketch that kept the SVD's signs: the flipping SVD really does change them. */
    @Test
    void theFlippingSvdNegatesSomeColumns() {
        DMatrixRMaj m = SyntheticMatrices.gaussian(12, 5, new Random(3));
        DMatrixRMaj a = DenseKernels.reference().thinSvd(m).u();
        DMatrixRMaj b = new SignFlippingSvd().thinSvd(m).u();
        assertFalse(java.util.Arrays.equals(a.data, b.data));
    }

    /** The reference kernels, except that the thin SVD returns its odd-numbered left vectors negated. */
    private static final class SignFlippingSvd extends ForwardingKernels {
        @Override
        public ThinSvd thinSvd(DMatrixRMaj m) {
            ThinSvd s = inner.thinSvd(m);
            DMatrixRMaj u = s.u().copy();
            for (int i = 0; i < u.numRows; i++) {
                for (int j = 1; j < u.numCols; j += 2) {
                    u.set(i, j, -u.get(i, j));
                }
            }
            return new ThinSvd(u, s.sigma());
        }
    }
}
