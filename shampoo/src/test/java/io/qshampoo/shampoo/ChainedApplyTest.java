package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Alg. 1 line 15 runs L̂·G·R̂ as one {@link io.qshampoo.linalg.DenseKernels#multChain} where both roots are stored
 * dense: on EJML that is the two products it replaced, so the block's direction must equal, bit for bit,
 * left.apply(G) then right.apply(·) rescaled to ‖G‖ (SGD grafting), with quantized and fp32 roots after real
 * refreshes, on a non-square block; and the chained call must actually be taken (counted), or the comparison would
 * hold trivially.
 */
class ChainedApplyTest {

    /** The reference kernels, counting multChain calls. */
    private static final class CountingKernels extends ForwardingKernels {
        int chains;

        @Override
        public void multChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
            chains++;
            super.multChain(a, b, c, work, out);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"FP32", "VQ", "CQ", "CQ_EF", "EIGEN4", "EIGEN4_EF"})
    void theChainedProductIsTheTwoAppliesBitForBit(Variant v) {
        int m = 9;
        int n = 14;
        ShampooConfig.Builder b = ShampooConfig.builder().variant(v).intervals(1000, 1000).minQuantizedElements(0)
                .maxConsecutiveRootFailures(Integer.MAX_VALUE);
        ShampooConfig config = (v == Variant.FP32 ? b : b.bits(4)).build();
        CountingKernels kernels = new CountingKernels();
        KroneckerFactor left = KroneckerFactor.create("w#0.left", m, Side.LEFT, config, kernels);
        KroneckerFactor right = KroneckerFactor.create("w#0.right", n, Side.RIGHT, config, kernels);
        Random rnd = new Random(v.ordinal());
        for (int t = 1; t <= 3; t++) { // real statistics and roots, not L̂₀ = I
            DMatrixRMaj g = gaussian(m, n, rnd);
            left.updateStatistics(g);
            right.updateStatistics(g);
            left.refreshRoot(t);
            right.refreshRoot(t);
        }
        DMatrixRMaj g = gaussian(m, n, rnd);
        DMatrixRMaj before = g.copy();
        double[] out = new double[m * n];
        Algorithm1.step(g, left, right, Grafting.SGD.method().newState(m * n), 1, config, new double[m * n],
                new DMatrixRMaj(m, n), out);
        assertEquals(1, kernels.chains, v + ": line 15 must go through multChain");
        assertArrayEquals(before.data, g.data, 0.0, "G must not change");

        DMatrixRMaj work = new DMatrixRMaj(m, n);
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        left.apply(g, work);
        right.apply(work, expected);
        Grafting.rescaleToNorm(expected.data, g.data.clone());
        assertArrayEquals(expected.data, out, 0.0, v + ": the chained product differs from the two applies");
    }

    private static DMatrixRMaj gaussian(int m, int n, Random rnd) {
        DMatrixRMaj g = new DMatrixRMaj(m, n);
        for (int k = 0; k < g.data.length; k++) {
            g.data[k] = rnd.nextGaussian();
        }
        return g;
    }
}
