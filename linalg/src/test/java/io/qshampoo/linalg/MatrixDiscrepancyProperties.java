package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class MatrixDiscrepancyProperties {

    private static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
    private static final double U = 0x1p-53;

    /**
     * A pair (ref, approx) of rows×cols matrices. kind 0: independent Gaussians; 1–3: approx = c·ref + η·noise
     * with η = 1e-1, 1e-4, 1e-8 (near pairs, where NRE and sin AE are both small and rounding matters);
     * 4: approx = −ref + noise (obtuse angles). c is drawn from the seed in [−2, 2] for kinds 1–3.
     */
    private record Pair(int rows, int cols, int kind, long seed) {
        DMatrixRMaj[] build() {
            Random rnd = new Random(seed);
            DMatrixRMaj ref = SyntheticMatrices.gaussian(rows, cols, rnd);
            DMatrixRMaj noise = SyntheticMatrices.gaussian(rows, cols, rnd);
            DMatrixRMaj approx = new DMatrixRMaj(rows, cols);
            double c = kind == 4 ? -1 : 4 * rnd.nextDouble() - 2;
            double eta = switch (kind) {
                case 1 -> 1e-1;
                case 2 -> 1e-4;
                case 3 -> 1e-8;
                default -> 1.0;
            };
            for (int k = 0; k < approx.data.length; k++) {
                approx.data[k] = kind == 0 ? noise.data[k] : c * ref.data[k] + eta * noise.data[k];
            }
            return new DMatrixRMaj[] {ref, approx};
        }
    }

    private static Gen<Pair> pairs() {
        Gen<Integer> dim = integers().between(1, 6);
        return dim.zip(dim, integers().between(0, 4), longs().all(), Pair::new);
    }

    @Test
    void nreIsAtLeastSinAe() {
        // Proof: for every scalar t, ‖ref − t·approx‖_F ≥ dist(ref, span(approx)) = ‖ref‖_F·sin(AE)
        // (AE ∈ [0, π], so sin AE ≥ 0 is the distance to the line); t = 1 gives ‖ref − approx‖_F, and
        // dividing by ‖ref‖_F gives NRE ≥ sin AE.
        qt().withExamples(EXAMPLES).forAll(pairs()).checkAssert(p -> {
            DMatrixRMaj[] ra = p.build();
            MatrixDiscrepancy d = MatrixDiscrepancy.between(ra[0], ra[1]);
            int size = p.rows() * p.cols();
            // The computed cosine is off by δ ≤ 2·(size + 2)·u (dot product and norms of length `size`, a
            // product, a square root, a division); |√(1−ĉ²) − √(1−c²)| ≤ √(2δ); NRE is computed to a relative
            // 2·(size + 2)·u; arccos and sin add a few ulps (4u).
            double delta = 2.0 * (size + 2) * U;
            double tol = Math.sqrt(2 * delta) + delta * d.nre() + 4 * U;
            double sinAe = Math.sin(d.aeRadians());
            assertTrue(d.nre() + tol >= sinAe, () -> "NRE " + d.nre() + " < sin AE " + sinAe + " - " + tol + " for " + p);
            assertTrue(d.aeRadians() >= 0 && d.aeRadians() <= Math.PI, () -> "AE out of [0, π]: " + d.aeRadians());
        });
    }

    @Test
    void nreAndAeAreInvariantUnderACommonPowerOfTwoScaling() {
        // Multiplying both matrices by 2^e is exact, and the implementation rescales by powers of two
        // anyway, so the results must agree bit for bit — even at scales where naive squares overflow.
        qt().withExamples(EXAMPLES).forAll(pairs(), integers().between(-900, 900)).checkAssert((p, e) -> {
            DMatrixRMaj[] ra = p.build();
            DMatrixRMaj r2 = ra[0].copy();
            DMatrixRMaj a2 = ra[1].copy();
            double s = Math.scalb(1.0, e);
            for (int k = 0; k < r2.data.length; k++) {
                r2.data[k] *= s;
                a2.data[k] *= s;
            }
            MatrixDiscrepancy d1 = MatrixDiscrepancy.between(ra[0], ra[1]);
            MatrixDiscrepancy d2 = MatrixDiscrepancy.between(r2, a2);
            assertTrue(d1.equals(d2), () -> d1 + " != " + d2 + " at scale 2^" + e + " for " + p);
        });
    }
}
