package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.StorageMode;

/**
 * The bound that survives quantizing a Frequent-Directions sketch's directions ({@link QuantizedSketchBound}):
 * −κ₁:T·I ⪯ G_T − Ĝ_T ⪯ (ρ₁:T + κ₁:T)·I, hence ‖G_T − Ĝ_T‖₂ ≤ ρ₁:T + κ₁:T, on random streams through
 * {@link SketchyFactor} at 3, 4 and 8 bits; and that the check fails where the bound does not hold: FD's own
 * bound (ρ alone) is violated by a quantized sketch, and a quantizer that breaks its contract breaks the bound.
 *
 * <p>Rounding budget, "tol = 64·(n + w + k)·T·u·‖G‖ + T·u₃₂·ρ₁:T": FD's float64 budget (linalg's
 * FrequentDirectionsProperties: each step's SVD is backward stable, c·(n + w + k)·u·‖Sₜ‖ per step, summed with
 * weights β^(T−t) to ≤ T·‖G_T‖; 32 there, with a worst observed 6.3) doubled for the second thin SVD per
 * update that rebuilds an orthonormal basis from D(Q(U)) (same shape, same bound), with ‖G‖ the larger of
 * ‖G_T‖₂ and ‖Ĝ_T‖₂ (Ĝ may exceed G by κ); plus ρ₁:T stored in fp32 after every update, relative error ≤ u₃₂
 * per rounding, ≤ T·u₃₂ over T updates. κ is stored rounded up and needs no budget.
 */
class QuantizedSketchProperties {

    private static final double U = 0x1p-53;
    private static final double U32 = 0x1p-24;

    /**
     * A stream of T n×k blocks Gₜ = Q·diag(d)·Zₜ (Zₜ Gaussian, Q Haar) with profile d: 0 flat, 1 decaying 2^−i,
     * 2 decaying 10^−i, 3 rank r (1 on r directions), sketched with buffer ℓ, decay β, at {@code bits}.
     */
    record Stream(int n, int ell, int k, int steps, double beta, int spectrum, int bits, long seed) {

        List<DMatrixRMaj> blocks() {
            Random rnd = new Random(seed);
            DMatrixRMaj q = SyntheticMatrices.haarOrthogonal(n, rnd);
            int rank = 1 + rnd.nextInt(Math.max(1, ell - 1));
            List<DMatrixRMaj> out = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                DMatrixRMaj z = SyntheticMatrices.gaussian(n, k, rnd);
                for (int i = 0; i < n; i++) {
                    double d = switch (spectrum) {
                        case 0 -> 1.0;
                        case 1 -> Math.pow(2, -i);
                        case 2 -> Math.pow(10, -i);
                        default -> i < rank ? 1.0 : 0.0;
                    };
                    for (int j = 0; j < k; j++) {
                        z.data[i * k + j] *= d;
                    }
                }
                DMatrixRMaj g = new DMatrixRMaj(n, k);
                CommonOps_DDRM.mult(q, z, g);
                out.add(g);
            }
            return out;
        }

        ShampooConfig config() {
            return ShampooConfig.builder().variant(Variant.SKETCHY4).bits(bits).sketchRank(ell).beta(beta)
                    .minQuantizedElements(0).layout(BlockLayout.rowSegments(32)).intervals(1, 1).build();
        }
    }

    /** n in 4..48, ℓ in 2..14, k in 1..3, T in 1..10, β in {1, 0.99, 0.9}, four spectra, 3/4/8 bits. */
    static Gen<Stream> streams() {
        Gen<int[]> shape = integers().between(4, 48).zip(integers().between(2, 14), integers().between(1, 3),
                integers().between(1, 10), (n, ell, k, t) -> new int[] {n, ell, k, t});
        Gen<Double> beta = Generate.pick(List.of(1.0, 0.99, 0.9));
        Gen<Integer> bits = Generate.pick(List.of(3, 4, 8));
        return shape.zip(beta, integers().between(0, 3), bits, longs().all(),
                (s, b, spectrum, bw, seed) -> new Stream(s[0], s[1], s[2], s[3], b, spectrum, bw, seed));
    }

    /** G_T = Σ β^(T−t)·Gₜ·Gₜᵀ in float64. */
    static DMatrixRMaj exact(List<DMatrixRMaj> blocks, double beta) {
        int n = blocks.get(0).numRows;
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        DMatrixRMaj gg = new DMatrixRMaj(n, n);
        for (DMatrixRMaj b : blocks) {
            CommonOps_DDRM.multTransB(b, b, gg);
            CommonOps_DDRM.add(beta, g, 1.0, gg, g);
        }
        return g;
    }

    /** What one sketched stream gives: the error's extreme eigenvalues, ρ₁:T, κ₁:T and the rounding budget. */
    record Outcome(double maxError, double minError, double rho, double kappa, double tol) {

        /** How far the error exceeds ρ + κ above or κ below, beyond the budget (≤ 0 when the bound holds). */
        double violation() {
            return Math.max(maxError - (rho + kappa + tol), -minError - (kappa + tol));
        }

        /** How far ‖G − Ĝ‖₂ exceeds FD's own bound ρ (the quantization term dropped), beyond the budget. */
        double violationWithoutKappa() {
            return Math.max(maxError, -minError) - (rho + tol);
        }
    }

    static Outcome run(Stream s, Backend backend) {
        List<DMatrixRMaj> blocks = s.blocks();
        KroneckerFactor f = KroneckerFactor.create("f", s.n(), Side.LEFT, s.config(), backend);
        for (DMatrixRMaj g : blocks) {
            f.updateStatistics(g);
        }
        DMatrixRMaj g = exact(blocks, s.beta());
        DMatrixRMaj sketch = f.statistic();
        Map<String, DMatrixRMaj> state = new java.util.HashMap<>();
        f.inspect("f", state);
        double rho = state.get("f.rho").get(0);
        double kappa = state.get("f.kappa").get(0);
        DMatrixRMaj e = g.copy();
        CommonOps_DDRM.subtractEquals(e, sketch);
        CommonOps_DDRM.add(e, CommonOps_DDRM.transpose(e, null), e); // symmetrize: 2E, halved below
        CommonOps_DDRM.scale(0.5, e);
        DenseKernels k = DenseKernels.reference();
        SymmetricEigen err = k.symmetricEigen(e);
        double norm = Math.max(k.symmetricEigen(g).max(), k.symmetricEigen(sketch).max());
        int w = Math.min(s.n(), s.ell());
        double tol = 64.0 * (s.n() + w + s.k()) * s.steps() * U * norm + s.steps() * U32 * rho;
        return new Outcome(err.max(), err.min(), rho, kappa, tol);
    }

    @Test
    void errorIsWithinTheEscapedMassPlusTheQuantizationTerm() {
        FirstOrderFixtures.qt().forAll(streams()).checkAssert(s -> {
            Outcome o = run(s, Backend.reference());
            assertTrue(o.violation() <= 0, () -> "bound violated by " + o.violation() + ": " + o + " for " + s);
        });
    }

    @Test
    void quantizationBreaksTheEscapedMassBoundAndKappaRestoresIt() {
        // Rank 4 gradients into a buffer of ℓ = 9 for two steps: S₂ has rank ≤ 8 = ℓ − 1, so FD keeps everything
        // and ρ = 0 exactly; the only error left is the 4-bit directions', which FD's bound ‖G − Ḡ‖ ≤ ρ misses.
        Stream s = new Stream(64, 9, 4, 2, 0.99, 3, 4, 11);
        Outcome o = run(s, Backend.reference());
        assertTrue(o.rho() == 0, () -> "rank 4 into ℓ = 9 escapes nothing: " + o);
        assertTrue(o.violationWithoutKappa() > 0, () -> "a 4-bit sketch should exceed FD's bound ρ: " + o);
        assertTrue(o.violation() <= 0, () -> "ρ + κ should hold: " + o);
    }

    @Test
    void aQuantizerThatBendsTheTopDirectionBreaksTheBound() {
        // A kernel bug planted in the codes: the second half of row 0 of Uᵀ (the top direction) is stored with its
        // signs flipped, while the block absmax stays honest. The stored direction is then nearly orthogonal to
        // the true one, an error of about σ₁², far beyond what the codes' intervals allow; the bound assumes the
        // quantizer contract, so it must fail. One update on a steep spectrum (10^−i), where ρ is small; the
        // same stream through the honest quantizer satisfies it.
        Stream s = new Stream(64, 5, 2, 1, 0.99, 2, 4, 5);
        Outcome honest = run(s, Backend.reference());
        assertTrue(honest.violation() <= 0, () -> "honest quantizer: " + honest);
        BlockQuantizer reference = s.config().quantization().quantizer();
        Outcome faulty = run(s, new Backend(DenseKernels.reference(), new BendingTopRow(reference)));
        assertTrue(faulty.violation() > 0, () -> "a bent top direction should violate ρ + κ: " + faulty);
    }

    @Test
    void aQuantizerThatZeroesTheTopDirectionIsCaughtByThePolarStep() {
        Stream s = new Stream(64, 5, 2, 1, 0.99, 2, 4, 5);
        BlockQuantizer reference = s.config().quantization().quantizer();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(s, new Backend(DenseKernels.reference(), new BendingTopRow(reference, true))));
        assertTrue(e.getMessage().contains("linearly dependent") && e.getMessage().contains("f.sketch"), e.getMessage());
    }

    /**
     * Quantizes honestly, then flips the sign of the codes in the second half of row 0 of a FULL matrix, or with
     * {@code zero} sets the whole row to the code of 0.
     */
    private static final class BendingTopRow extends ForwardingQuantizer {
        private final boolean zero;

        BendingTopRow(BlockQuantizer inner) {
            this(inner, false);
        }

        BendingTopRow(BlockQuantizer inner, boolean zero) {
            super(inner);
            this.zero = zero;
        }

        @Override
        void quantized(int rows, int cols, StorageMode mode, byte[] codes, float[] scales) {
            if (mode != StorageMode.FULL) {
                return;
            }
            int bits = table().bits();
            int[] all = PackedCodes.of(bits, rows * cols, codes).unpack();
            for (int j = zero ? 0 : cols / 2; j < cols; j++) {
                all[j] = table().encode(zero ? 0f : -table().value(all[j]));
            }
            byte[] out = PackedCodes.pack(bits, all).toByteArray();
            System.arraycopy(out, 0, codes, 0, codes.length);
        }
    }
}
