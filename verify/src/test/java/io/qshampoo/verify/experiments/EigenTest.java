package io.qshampoo.verify.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;

class EigenTest {

    /** Where the reference converges, the larger iteration cap is never reached: identical bits. */
    @Test
    void equalsTheReferenceWhereTheReferenceConverges() {
        DMatrixRMaj a = SyntheticMatrices.spdWithCondition(120, 1e4, new Random(3));
        SymmetricEigen ref = DenseKernels.reference().symmetricEigen(a);
        SymmetricEigen ours = Eigen.of(a);
        assertArrayEquals(ref.values(), ours.values(), 0.0);
        assertArrayEquals(ref.vectors().data, ours.vectors().data, 0.0);
    }

    /**
     * The two-level spectrum (300 × 1, 300 × 1e-4) at n = 600, seed 1: EJML's default iteration cap gives up here
     * (as at the papers' n = 1200), the larger cap converges. Accuracy: ‖A·V − V·Λ‖_F ≤ 1e-10·‖A‖_F (backward
     * stable QR iterations leave about n·u·‖A‖ ≈ 1e-13·‖A‖; 1e-10 leaves room) and ‖VᵀV − I‖_F ≤ 1e-10.
     */
    @Test
    void convergesOnTheClusteredSpectrumOfTheTables() {
        double[] lambda = Spectrum.parse("1:300,1e-4:300").expand(600);
        DMatrixRMaj a = SyntheticMatrices.spdWithSpectrum(lambda, new Random(1));
        SymmetricEigen e = Eigen.of(a);
        DMatrixRMaj av = Dense.mult(a, e.vectors());
        DMatrixRMaj vl = new DMatrixRMaj(600, 600);
        for (int i = 0; i < 600; i++) {
            for (int j = 0; j < 600; j++) {
                vl.data[i * 600 + j] = e.vectors().data[i * 600 + j] * e.values()[j];
            }
        }
        CommonOps_DDRM.subtractEquals(av, vl);
        assertTrue(Dense.normF(av) <= 1e-10 * Dense.normF(a), "residual " + Dense.normF(av));
        DMatrixRMaj vtv = new DMatrixRMaj(600, 600);
        CommonOps_DDRM.multTransA(e.vectors(), e.vectors(), vtv);
        CommonOps_DDRM.subtractEquals(vtv, CommonOps_DDRM.identity(600));
        assertTrue(Dense.normF(vtv) <= 1e-10, "orthogonality " + Dense.normF(vtv));
        // computed eigenvalues are within ~n·u·‖A‖₂ ≈ 1.3e-13 of the exact ones (1 and 1e-4, A built from them)
        assertTrue(Math.abs(e.max() - 1) < 1e-12 && Math.abs(e.min() - 1e-4) < 1e-12, e.max() + " " + e.min());
    }
}
