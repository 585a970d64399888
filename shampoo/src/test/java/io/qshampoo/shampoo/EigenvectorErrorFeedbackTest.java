package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.HouseholderQr;
import io.qshampoo.linalg.QrSignRule;
import io.qshampoo.quant.BlockLayout;

/**
 * eigen4+ef ({@link EigenvectorErrorFeedback} inside {@link EigenQuantizedFactor}): the equivalences with eigen4 that
 * follow from Eqs. (10)–(11) (E₀ = 0; δ = 0 at exact storage), the error state's invariants, the transport of the
 * error with a relabelled basis, the configuration's refusals and the checkpoint fingerprint.
 */
class EigenvectorErrorFeedbackTest {

    private static final int N = 12;

    private static ShampooConfig config(Variant v, int bits, Double betaE) {
        ShampooConfig.Builder b = ShampooConfig.builder().variant(v).intervals(1, 1).bits(bits).minQuantizedElements(0)
                .layout(BlockLayout.rowSegments(32)).epsilon(1e-6);
        return (betaE != null ? b.betaE(betaE) : b).build();
    }

    private static KroneckerFactor factor(ShampooConfig c) {
        return KroneckerFactor.create("f", N, Side.LEFT, c, DenseKernels.reference());
    }

    /** N×6 gradients with a decaying spectrum, so the eigenvectors are well separated. */
    private static DMatrixRMaj[] gradients(int steps, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj[] gs = new DMatrixRMaj[steps];
        for (int t = 0; t < steps; t++) {
            gs[t] = new DMatrixRMaj(N, 6);
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < 6; j++) {
                    gs[t].data[i * 6 + j] = rnd.nextGaussian() / (1 + i);
                }
            }
        }
        return gs;
    }

    private static DMatrixRMaj applied(KroneckerFactor f, DMatrixRMaj g) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, g.numCols);
        f.apply(g, out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.5, 0.95})
    void atExactStorageTheErrorIsZeroAndTheVariantIsEigen4BitForBit(double betaE) {
        // bits = 64 stores Y exactly, so δ = Y − D(V̄) = 0 and Eq. (11) keeps A = 0: eigen4+ef is eigen4, whatever βₑ.
        KroneckerFactor plain = factor(config(Variant.EIGEN4, 64, null));
        KroneckerFactor ef = factor(config(Variant.EIGEN4_EF, 64, betaE));
        DMatrixRMaj[] gs = gradients(10, 1);
        for (int t = 0; t < gs.length; t++) {
            plain.updateStatistics(gs[t]);
            ef.updateStatistics(gs[t]);
            plain.refreshRoot(t + 1);
            ef.refreshRoot(t + 1);
            String where = "βₑ " + betaE + ", step " + (t + 1);
            assertArrayEquals(plain.factor().data, ef.factor().data, 0.0, where);
            assertArrayEquals(plain.statistic().data, ef.statistic().data, 0.0, where);
            assertArrayEquals(applied(plain, gs[t]).data, applied(ef, gs[t]).data, 0.0, where);
            assertEquals(0.0, NormOps_DDRM.normF(inspected(ef, "A")), where);
        }
    }

    @Test
    void theFirstRefreshStoresWhatEigen4StoresAndTheSecondCarriesTheError() {
        // E₀ = 0: V̄₁ = Q(X₁ + 0) = Q(X₁), eigen4's codes exactly; from then on the carried error changes the codes.
        KroneckerFactor plain = factor(config(Variant.EIGEN4, 4, null));
        KroneckerFactor ef = factor(config(Variant.EIGEN4_EF, 4, 0.5));
        DMatrixRMaj[] gs = gradients(2, 2);
        plain.updateStatistics(gs[0]);
        ef.updateStatistics(gs[0]);
        assertArrayEquals(plain.factor().data, ef.factor().data, 0.0);
        assertTrue(NormOps_DDRM.normF(inspected(ef, "A")) > 0, "4-bit storage leaves a quantization error to carry");
        plain.updateStatistics(gs[1]);
        ef.updateStatistics(gs[1]);
        assertFalse(java.util.Arrays.equals(plain.factor().data, ef.factor().data), "the carried error changed nothing");
    }

    @Test
    void theErrorCoordinatesStayExactlySkew() {
        KroneckerFactor ef = factor(config(Variant.EIGEN4_EF, 4, 0.9));
        DMatrixRMaj[] gs = gradients(20, 3);
        for (int t = 0; t < gs.length; t++) {
            ef.updateStatistics(gs[t]);
            DMatrixRMaj a = inspected(ef, "A");
            DMatrixRMaj sum = a.copy();
            CommonOps_DDRM.addEquals(sum, CommonOps_DDRM.transpose(a, null));
            assertEquals(0.0, NormOps_DDRM.normF(sum), "A + Aᵀ must be exactly 0 at step " + (t + 1));
            assertTrue(NormOps_DDRM.normF(a) > 0, "a 4-bit basis always leaves an error at step " + (t + 1));
        }
    }

    @Test
    void theFirstErrorIsTheTangentPartOfTheQuantizationError() {
        // Eq. (11) from A₀ = 0 with R = I (the refresh kept the basis): A₁ = Q((1 − βₑ)·skew((X − D(Q(X)))·Xᵀ)). The
        // expected value is computed here with the same reference kernels in the same order, so it is bit-identical.
        double betaE = 0.7;
        ShampooConfig c = config(Variant.EIGEN4_EF, 4, betaE);
        DMatrixRMaj x = orthogonal(N, 6);
        EigenvectorErrorFeedback f = feedback(c);
        StoredMatrix v = Storage.full("v", N, c, null);
        f.store(x, CommonOps_DDRM.transpose(x, null), v);
        StoredMatrix plain = Storage.full("p", N, c, null);
        plain.store(x);
        assertArrayEquals(plain.load().data, v.load().data, 0.0, "A₀ = 0: the stored basis is Q(X)");
        DMatrixRMaj delta = x.copy();
        CommonOps_DDRM.subtractEquals(delta, plain.load());
        DMatrixRMaj t = new DMatrixRMaj(N, N);
        DenseKernels.reference().multTransB(delta, x, t);
        DMatrixRMaj expected = new DMatrixRMaj(N, N);
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < i; j++) {
                double s = (1 - betaE) * 0.5 * (t.get(i, j) - t.get(j, i));
                expected.set(i, j, s);
            }
        }
        StoredMatrix q = Storage.lower("q", N, c, null);
        q.store(expected);
        DMatrixRMaj lower = q.load();
        DMatrixRMaj a = f.coordinates();
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double want = i > j ? lower.get(i, j) : i < j ? -lower.get(j, i) : 0.0;
                assertEquals(want, a.get(i, j), 0.0, "A(" + i + ", " + j + ")");
            }
        }
        assertTrue(NormOps_DDRM.normF(a) > 0);
    }

    @Test
    void aRelabelledBasisCarriesTheErrorWithItsEigenvectors() {
        // The same basis twice, or the second time with its rows permuted and three of them negated (what Householder
        // QR signs or a reordering do): the carried error must follow each eigenvector, A₂ = P·A₁·Pᵀ. At 32 bits the
        // storage is sign-symmetric round-to-nearest and permutes with the rows, so the differences come from
        // R = P·X·Xᵀ = P + O(N·u) (u = 2⁻⁵³): A' is off by a relative N·u ≈ 1e-15, and Y by ‖A‖·N·u ≈ 1e-23 absolute,
        // which changes an fp32 rounding of Y only within that distance of a rounding boundary (probability ~1e-16
        // per element; none for this seed). 1e-6·‖A‖ bounds the rest with room; without the transport A is off by ‖A‖.
        ShampooConfig c = config(Variant.EIGEN4_EF, 32, 0.5);
        DMatrixRMaj x = orthogonal(N, 4);
        DMatrixRMaj p = new DMatrixRMaj(N, N);
        for (int i = 0; i < N; i++) {
            p.set(i, (i + 5) % N, i % 4 == 1 ? -1.0 : 1.0);
        }
        DMatrixRMaj px = new DMatrixRMaj(N, N);
        CommonOps_DDRM.mult(p, x, px);
        DMatrixRMaj xt = CommonOps_DDRM.transpose(x, null);

        EigenvectorErrorFeedback same = feedback(c);
        StoredMatrix v1 = Storage.full("v1", N, c, null);
        same.store(x, xt, v1);
        same.store(x, xt, v1);
        EigenvectorErrorFeedback relabelled = feedback(c);
        StoredMatrix v2 = Storage.full("v2", N, c, null);
        relabelled.store(x, xt, v2);
        relabelled.store(px, xt, v2);

        DMatrixRMaj a1 = same.coordinates();
        DMatrixRMaj expected = new DMatrixRMaj(N, N);
        CommonOps_DDRM.mult(p, a1, expected);
        expected = CommonOps_DDRM.multTransB(expected, p, null);
        DMatrixRMaj a2 = relabelled.coordinates();
        double scale = NormOps_DDRM.normF(a1);
        assertTrue(scale > 0, "fp32 rounding leaves an error to carry");
        assertTrue(distance(a2, expected) <= 1e-6 * scale, "relabelled: " + distance(a2, expected) + " vs ‖A‖ " + scale);
        assertTrue(distance(a2, a1) > 0.1 * scale, "the relabelling should matter: " + distance(a2, a1));
    }

    @Test
    void theBuilderSpeaksEigen4EfAndRefusesWhatDoesNotApply() {
        ShampooConfig c = ShampooConfig.builder().variant(Variant.EIGEN4_EF).betaE(0.8).bjorckSteps(2, 3).build();
        assertEquals(Variant.EIGEN4_EF, c.variant());
        assertEquals(new Preconditioner.Eigen(0.95, 1e-6, 2, 3, new Preconditioner.ErrorFeedback(0.8)), c.preconditioner());
        assertEquals(c, c.toBuilder().build());
        assertEquals(0.95, ((Preconditioner.Eigen) ShampooConfig.builder().variant(Variant.EIGEN4_EF).build()
                .preconditioner()).errorFeedback().betaE());
        ShampooConfig plain = ShampooConfig.builder().variant(Variant.EIGEN4).build();
        assertEquals(Variant.EIGEN4, plain.variant());
        assertEquals(null, ((Preconditioner.Eigen) plain.preconditioner()).errorFeedback()); // no βₑ without EF
        assertEquals(plain, plain.toBuilder().build());
        assertEquals(Variant.EIGEN4_EF, Variant.fromId("eigen4+ef"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShampooConfig.builder().variant(Variant.EIGEN4).betaE(0.8).build());
        assertEquals("betaE applies to cq+ef and eigen4+ef only; the variant is eigen4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShampooConfig.builder().variant(Variant.CQ_EF).bjorckSteps(1, 4).build());
        assertEquals("Björck steps applies to eigen4 and eigen4+ef only; the variant is cq+ef", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShampooConfig.builder().variant(Variant.EIGEN4_EF).betaE(1.0).build());
        assertEquals("ErrorFeedback: betaE is 1.0; expected a value in [0, 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ShampooConfig.builder().variant(Variant.EIGEN4_EF).bits(32).sketchRank(4).build());
        assertEquals("sketchRank applies to sketchy and sketchy4 only; the variant is eigen4+ef", e.getMessage());
    }

    @Test
    void aCheckpointNamesTheErrorFeedbackSettingsItWasWrittenWith(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ef.qsh");
        optimizer(config(Variant.EIGEN4_EF, 4, 0.9)).saveCheckpoint(file);
        ShampooOptimizer plain = optimizer(config(Variant.EIGEN4, 4, null));
        CheckpointException e = assertThrows(CheckpointException.class, () -> plain.restoreCheckpoint(file));
        assertTrue(e.getMessage().contains("preconditioner.errorFeedback is ErrorFeedback[betaE=0.9] in the checkpoint, null here"),
                e.getMessage());
        ShampooOptimizer otherBeta = optimizer(config(Variant.EIGEN4_EF, 4, 0.8));
        e = assertThrows(CheckpointException.class, () -> otherBeta.restoreCheckpoint(file));
        assertTrue(e.getMessage().contains("preconditioner.errorFeedback.betaE is 0.9 in the checkpoint, 0.8 here"), e.getMessage());
        ShampooOptimizer same = optimizer(config(Variant.EIGEN4_EF, 4, 0.9));
        same.restoreCheckpoint(file);
        Path again = dir.resolve("again.qsh");
        same.saveCheckpoint(again);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
        assertTrue(same.storedRecords().keySet().stream().anyMatch(k -> k.contains(".A.")), "records: "
                + same.storedRecords().keySet());
    }

    private static ShampooOptimizer optimizer(ShampooConfig c) {
        DenseTensor w = DenseTensor.float32(N, 6);
        ShampooOptimizer opt = ShampooOptimizer.builder(c, new Sgd(), 0.01).parameter("w", w).build();
        for (DMatrixRMaj g : gradients(3, 5)) {
            opt.step(Map.of("w", DenseTensor.wrap(g.data.clone(), N, 6)));
        }
        return opt;
    }

    private static EigenvectorErrorFeedback feedback(ShampooConfig c) {
        return new EigenvectorErrorFeedback("f.A", N, ((Preconditioner.Eigen) c.preconditioner()).errorFeedback().betaE(), c,
                Backend.of(DenseKernels.reference()));
    }

    private static DMatrixRMaj inspected(KroneckerFactor f, String state) {
        Map<String, DMatrixRMaj> out = new java.util.HashMap<>();
        f.inspect("f", out);
        return out.get("f." + state);
    }

    private static DMatrixRMaj orthogonal(int n, long seed) {
        Random rnd = new Random(seed);
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        for (int k = 0; k < g.data.length; k++) {
            g.data[k] = rnd.nextGaussian();
        }
        return HouseholderQr.factor(g, QrSignRule.POSITIVE_DIAGONAL).q();
    }

    private static double distance(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj d = a.copy();
        CommonOps_DDRM.subtractEquals(d, b);
        return NormOps_DDRM.normF(d);
    }
}
