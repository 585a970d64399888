package io.qshampoo.linalg;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Seeded random streams of n×k blocks for the Frequent Directions tests, and exact references. */
final class FrequentDirectionsStreams {

    static final double U = 0x1p-53;

    private FrequentDirectionsStreams() {
    }

    /**
     * A stream of {@code steps} n×k blocks Gₜ = Q·diag(d)·Zₜ with Zₜ Gaussian, Q Haar-orthogonal and the
     * profile d chosen by {@code spectrum}: 0 flat (Q = I), 1 decaying 2^−i, 2 decaying 10^−i, 3 rank r < n
     * (d = 1 on r directions, 0 elsewhere).
     */
    record Stream(int n, int ell, int k, int steps, double beta, int spectrum, long seed) {

        List<DMatrixRMaj> blocks() {
            Random rnd = new Random(seed);
            DMatrixRMaj q = SyntheticMatrices.haarOrthogonal(n, rnd);
            int rank = 1 + rnd.nextInt(n);
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = switch (spectrum) {
                    case 0 -> 1.0;
                    case 1 -> Math.pow(2, -i);
                    case 2 -> Math.pow(10, -i);
                    default -> i < rank ? 1.0 : 0.0;
                };
            }
            List<DMatrixRMaj> out = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                DMatrixRMaj z = SyntheticMatrices.gaussian(n, k, rnd);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < k; j++) {
                        z.data[i * k + j] *= d[i];
                    }
                }
                if (spectrum == 0) {
                    out.add(z);
                } else {
                    DMatrixRMaj g = new DMatrixRMaj(n, k);
                    CommonOps_DDRM.mult(q, z, g);
                    out.add(g);
                }
            }
            return out;
        }

        FrequentDirections sketch(List<DMatrixRMaj> blocks) {
            FrequentDirections fd = new FrequentDirections(n, ell, beta);
            for (DMatrixRMaj g : blocks) {
                fd.update(g);
            }
            return fd;
        }

        int width() {
            return Math.min(n, ell);
        }
    }

    /** n in 1..10, ℓ in 1..n+2 (so some n &lt; ℓ), k in 1..3, T in 1..8, β in {1, 0.9, 0.5}, four spectra. */
    static Gen<Stream> streams() {
        Gen<int[]> shape = integers().between(1, 10).zip(integers().between(1, 12), integers().between(1, 3),
                integers().between(1, 8), (n, ell, k, t) -> new int[] {n, Math.min(ell, n + 2), k, t});
        Gen<Double> beta = Generate.pick(List.of(1.0, 0.9, 0.5));
        return shape.zip(beta, integers().between(0, 3), longs().all(),
                (s, b, spectrum, seed) -> new Stream(s[0], s[1], s[2], s[3], b, spectrum, seed));
    }

    /** G_T = Σ β^(T−t)·Gₜ·Gₜᵀ, accumulated as G ← β·G + Gₜ·Gₜᵀ and symmetrized. */
    static DMatrixRMaj exactStatistic(List<DMatrixRMaj> blocks, double beta) {
        int n = blocks.get(0).numRows;
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        DMatrixRMaj outer = new DMatrixRMaj(n, n);
        for (DMatrixRMaj b : blocks) {
            CommonOps_DDRM.scale(beta, g);
            CommonOps_DDRM.multTransB(b, b, outer);
            CommonOps_DDRM.addEquals(g, outer);
        }
        SyntheticMatrices.symmetrize(g);
        return g;
    }

    /** (A)^(−1/p) for symmetric positive definite A, densely from its eigendecomposition. */
    static DMatrixRMaj denseInverseRoot(DMatrixRMaj a, double p) {
        SymmetricEigen e = DenseKernels.reference().symmetricEigen(a);
        int n = a.numRows;
        DMatrixRMaj scaled = e.vectors().copy();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scaled.data[i * n + j] *= Math.pow(e.values()[j], -1.0 / p);
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multTransB(scaled, e.vectors(), out);
        return out;
    }

    /** Σ_{i>k} λᵢ / (ℓ − k) minimized over k = 0..ℓ−1 (λ descending; missing eigenvalues count as 0). */
    static double lemma1Bound(double[] lambda, int ell) {
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < ell; k++) {
            double tail = 0;
            for (int i = k; i < lambda.length; i++) {
                tail += lambda[i];
            }
            best = Math.min(best, tail / (ell - k));
        }
        return best;
    }

    static double frobenius(DMatrixRMaj a) {
        double s = 0;
        for (int i = 0; i < a.getNumElements(); i++) {
            s += a.data[i] * a.data[i];
        }
        return Math.sqrt(s);
    }

    static DMatrixRMaj minus(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj c = new DMatrixRMaj(a.numRows, a.numCols);
        CommonOps_DDRM.subtract(a, b, c);
        return c;
    }
}
