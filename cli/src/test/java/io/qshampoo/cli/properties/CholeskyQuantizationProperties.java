package io.qshampoo.cli.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import io.qshampoo.linalg.Cholesky;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * Li et al. 2025 §4.2: Cholesky quantization keeps the preconditioner positive definite by construction —
 * D(C̄)·D(C̄)ᵀ + ε·I ≻ 0 for any input — whereas vanilla quantization of L itself can lose definiteness.
 */
class CholeskyQuantizationProperties {

    private static final int[] BITS = {3, 4, 8};

    @Test
    void reconstructedPreconditionerIsPositiveDefiniteForAnyInput() {
        Qt.qt().forAll(integers().between(2, 24), integers().between(0, 8), integers().between(0, 8), longs().all())
                .checkAssert((n, logKappa, choice, seed) -> {
                    Random rnd = new Random(seed);
                    DMatrixRMaj a = SyntheticMatrices.spdWithCondition(n, Math.pow(10, logKappa), rnd);
                    double eps = 1e-6;
                    DMatrixRMaj c = new Cholesky().lower(a, eps);
                    Mapping mapping = Mapping.values()[choice % Mapping.values().length];
                    int bits = BITS[choice % BITS.length];
                    QuantizationConfig q = new QuantizationConfig(mapping, bits, BlockLayout.rowSegments(32), 0);
                    QuantizedMatrix qc = QuantizedMatrix.quantize(c.data, n, n, StorageMode.STRICTLY_LOWER, q);
                    DMatrixRMaj dc = new DMatrixRMaj(n, n);
                    qc.dequantizeInto(dc.data);
                    DMatrixRMaj l = new DMatrixRMaj(n, n);
                    CommonOps_DDRM.multTransB(dc, dc, l);
                    for (int i = 0; i < n; i++) {
                        l.add(i, i, eps);
                    }
                    SyntheticMatrices.symmetrize(l);
                    // D(C̄)·D(C̄)ᵀ is PSD exactly; forming it in float64 moves eigenvalues by ≲ n·u·‖D(C̄)‖₂²,
                    // far below ε = 1e-6 for these scales (‖A‖₂ = 1), so λmin ≥ ε/2 must hold.
                    double min = SymmetricEigen.of(l).min();
                    assertTrue(min >= eps / 2, () -> mapping + " " + bits + "-bit: λmin = " + min);
                });
    }
}
