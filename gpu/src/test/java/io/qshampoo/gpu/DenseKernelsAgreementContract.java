package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.Bjorck;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.linalg.ThinSvd;

/**
 * {@link CudaKernels} against the float64 EJML reference, per kernel, with tolerances derived from the precision the
 * kernels compute in (u = 2⁻⁵³ for FP64, 2⁻²⁴ for FP32, whose inputs are also rounded to float). Subclasses name the
 * kernels: real device (FP64, FP32) or the host-emulated stand-in.
 */
abstract class DenseKernelsAgreementContract {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
    static final DenseKernels REF = DenseKernels.reference();

    /** The kernels under test (skips the test when they cannot run here). */
    protected abstract CudaKernels kernels();

    private double u() {
        return kernels().precision() == CudaKernels.Precision.FP64 ? 0x1p-53 : 0x1p-24;
    }

    static double relative(DMatrixRMaj expected, DMatrixRMaj actual) {
        DMatrixRMaj d = actual.copy();
        CommonOps_DDRM.subtractEquals(d, expected);
        double den = NormOps_DDRM.normF(expected);
        return den == 0 ? NormOps_DDRM.normF(d) : NormOps_DDRM.normF(d) / den;
    }

    @Test
    void productsAgreeWithTheReference() {
        CudaKernels k = kernels();
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int m = 1 + r.nextInt(40);
            int inner = 1 + r.nextInt(40);
            int n = 1 + r.nextInt(40);
            DMatrixRMaj a = SyntheticMatrices.gaussian(m, inner, r);
            DMatrixRMaj b = SyntheticMatrices.gaussian(inner, n, r);
            DMatrixRMaj at = CommonOps_DDRM.transpose(a, null);
            DMatrixRMaj bt = CommonOps_DDRM.transpose(b, null);
            DMatrixRMaj expected = new DMatrixRMaj(m, n);
            REF.mult(a, b, expected);
            // |fl(A·B) − A·B| ≤ γ_k |A||B| entrywise, γ_k ≈ k·u; with rounded inputs (FP32) k + 2 roundings;
            // normwise ‖|A||B|‖_F ≤ ‖A‖_F‖B‖_F.
            double bound = (inner + 2) * u() * NormOps_DDRM.normF(a) * NormOps_DDRM.normF(b) / NormOps_DDRM.normF(expected);
            DMatrixRMaj c = new DMatrixRMaj(1, 1); // wrong shape: the kernels reshape it
            k.mult(a, b, c);
            assertEquals(m, c.numRows);
            assertEquals(n, c.numCols);
            assertTrue(relative(expected, c) <= bound, () -> "mult " + m + "×" + inner + "×" + n + ": " + relative(expected, c));
            DMatrixRMaj c2 = new DMatrixRMaj(m, n);
            k.multTransA(at, b, c2);
            assertTrue(relative(expected, c2) <= bound, () -> "multTransA: " + relative(expected, c2));
            DMatrixRMaj c3 = new DMatrixRMaj(m + 3, n + 5);
            k.multTransB(a, bt, c3);
            assertEquals(m, c3.numRows);
            assertTrue(relative(expected, c3) <= bound, () -> "multTransB: " + relative(expected, c3));
            DMatrixRMaj gram = new DMatrixRMaj(inner, inner);
            DMatrixRMaj gramRef = new DMatrixRMaj(inner, inner);
            k.multTransA(a, a, gram); // the Björck and Shampoo statistic shape: both operands the same array
            REF.multTransA(a, a, gramRef);
            double gb = (m + 2) * u() * NormOps_DDRM.normF(a) * NormOps_DDRM.normF(a) / NormOps_DDRM.normF(gramRef);
            assertTrue(relative(gramRef, gram) <= gb, () -> "AᵀA: " + relative(gramRef, gram));
        });
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        DMatrixRMaj c = new DMatrixRMaj(3, 4);
        CommonOps_DDRM.fill(c, 9);
        kernels().mult(new DMatrixRMaj(3, 0), new DMatrixRMaj(0, 4), c);
        assertEquals(0, CommonOps_DDRM.elementMaxAbs(c));
        assertEquals(3, c.numRows);
        assertEquals(4, c.numCols);
    }

    @Test
    void sandwichIsLGR() {
        CudaKernels k = kernels();
        qt().withExamples(Math.max(20, EXAMPLES / 4)).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int p = 1 + r.nextInt(30);
            int m = 1 + r.nextInt(30);
            int n = 1 + r.nextInt(30);
            int q = 1 + r.nextInt(30);
            DMatrixRMaj l = SyntheticMatrices.gaussian(p, m, r);
            DMatrixRMaj g = SyntheticMatrices.gaussian(m, n, r);
            DMatrixRMaj rr = SyntheticMatrices.gaussian(n, q, r);
            DMatrixRMaj lg = new DMatrixRMaj(p, n);
            DMatrixRMaj expected = new DMatrixRMaj(p, q);
            REF.mult(l, g, lg);
            REF.mult(lg, rr, expected);
            DMatrixRMaj out = new DMatrixRMaj(1, 1);
            k.sandwich(l, g, rr, out);
            // two products: (m + n + 3)·u relative to ‖L‖‖G‖‖R‖
            double bound = (m + n + 3) * u() * NormOps_DDRM.normF(l) * NormOps_DDRM.normF(g) * NormOps_DDRM.normF(rr)
                    / NormOps_DDRM.normF(expected);
            assertTrue(relative(expected, out) <= bound, () -> "L·G·R: " + relative(expected, out) + " > " + bound);
            // multChain, the optimizer's entry, is the sandwich itself, bit for bit, and leaves work untouched
            DMatrixRMaj chained = new DMatrixRMaj(1, 1);
            DMatrixRMaj work = new DMatrixRMaj(p, n);
            work.fill(7);
            k.multChain(l, g, rr, work, chained);
            assertArrayEquals(out.data, java.util.Arrays.copyOf(chained.data, p * q), "multChain against sandwich");
            assertTrue(java.util.Arrays.stream(work.data).allMatch(v -> v == 7), "multChain wrote its work matrix");
        });
    }

    @Test
    void choleskyFactorsSpdMatricesAndRefusesIndefiniteOnes() {
        CudaKernels k = kernels();
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(40);
            double kappa = Math.pow(10, r.nextInt(5));
            DMatrixRMaj a = SyntheticMatrices.spdWithCondition(n, kappa, r);
            DMatrixRMaj c = k.choleskyLower(a);
            assertTrue(c != null, "SPD matrix refused");
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    assertEquals(0.0, c.get(i, j), "above the diagonal");
                }
                assertTrue(c.get(i, i) > 0);
            }
            DMatrixRMaj ccT = new DMatrixRMaj(n, n);
            REF.multTransB(c, c, ccT);
            // Cholesky is backward stable: ‖CCᵀ − A‖ ≤ c·n·u‖A‖ (Higham Thm 10.3); FP32 adds the input rounding
            assertTrue(relative(a, ccT) <= 4 * (n + 2) * u(), () -> "‖CCᵀ − A‖/‖A‖ = " + relative(a, ccT));
        });
        assertNull(k.choleskyLower(CommonOps_DDRM.diag(1, -1)), "indefinite matrix factored");
        assertNull(k.choleskyLower(CommonOps_DDRM.diag(2, 3, 0, 5)), "singular matrix factored");
    }

    @Test
    void symmetricEigenMatchesTheReference() {
        CudaKernels k = kernels();
        qt().withExamples(Math.max(20, EXAMPLES / 2)).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(30);
            DMatrixRMaj a = SyntheticMatrices.gaussian(n, n, r);
            SyntheticMatrices.symmetrize(a);
            SymmetricEigen e = k.symmetricEigen(a);
            SymmetricEigen ref = REF.symmetricEigen(a);
            double norm = NormOps_DDRM.normF(a);
            // backward stable: eigenvalues within c·n·u‖A‖ (Weyl), residual ‖AV − VΛ‖ ≤ c·n·u‖A‖, ‖VᵀV − I‖ ≤ c·n·u
            double tol = 10 * (n + 2) * u();
            for (int j = 0; j < n; j++) {
                assertEquals(ref.values()[j], e.values()[j], tol * norm, "eigenvalue " + j);
                if (j > 0) {
                    assertTrue(e.values()[j - 1] >= e.values()[j], "not descending");
                }
            }
            DMatrixRMaj av = new DMatrixRMaj(n, n);
            REF.mult(a, e.vectors(), av);
            DMatrixRMaj vl = e.vectors().copy();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    vl.set(i, j, vl.get(i, j) * e.values()[j]);
                }
            }
            assertTrue(relative(av, vl) * NormOps_DDRM.normF(av) <= tol * norm, "‖AV − VΛ‖");
            assertTrue(new Bjorck().orthonormalityError(e.vectors()) <= tol, "‖VᵀV − I‖");
        });
    }

    @Test
    void thinSvdIsTheCpuReferences() {
        DMatrixRMaj m = SyntheticMatrices.gaussian(7, 4, new Random(3));
        ThinSvd got = kernels().thinSvd(m);
        ThinSvd ref = REF.thinSvd(m);
        assertArrayEquals(ref.sigma(), got.sigma());
        assertArrayEquals(ref.u().data, got.u().data);
    }

    @Test
    void bjorckOnTheseKernelsOrthonormalizes() {
        CudaKernels k = kernels();
        Random r = new Random(11);
        for (int n : new int[] {1, 5, 33}) {
            DMatrixRMaj v = SyntheticMatrices.haarOrthogonal(n, r);
            CommonOps_DDRM.addEquals(v, 1e-3, SyntheticMatrices.gaussian(n, n, r));
            DMatrixRMaj got = new Bjorck(k).orthonormalize(v, 4);
            DMatrixRMaj ref = new Bjorck().orthonormalize(v, 4);
            // 4 steps, each a few products: the difference is rounding, a few (n + 2)·u
            assertTrue(relative(ref, got) <= 20 * (n + 2) * u(), () -> "Björck: " + relative(ref, got));
            assertTrue(new Bjorck().orthonormalityError(got) <= 20 * (n + 2) * u() * n, "‖WᵀW − I‖");
        }
    }

    @Test
    void reportsItsPrecision() {
        CudaKernels k = kernels();
        assertSame(k.precision(), k.precision());
        assertTrue(k.toString().contains(k.precision().toString()));
    }
}
