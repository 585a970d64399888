package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Cholesky;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.TriangularPair;

/**
 * Cholesky quantization, Li et al. §4.2–4.3, as {@code CholeskyQuantizedFactor} computes it:
 *
 * <pre>
 *   Eq. (7):   L = β·D(C̄)·D(C̄)ᵀ + (1 − β)·G·Gᵀ,   C = Cholesky(L + ε·I)
 *   Eq. (8):   C̄ = Q(C)                                          (no feedback)
 *   Eq. (10):  C̄ = Q(C + D(Ē))                                    (error feedback)
 *   Eq. (11):  E = β_e·D(Ē) + (1 − β_e)·(C + D(Ē) − D(C̄)),  diagonal 0,  Ē = Q(E)
 * </pre>
 *
 * C̄₀ = √ε·I, Ē₀ = 0. Storage: C strictly-lower quantized with its diagonal in fp32; with feedback C and E share
 * one {@link TriangularPair} (Li Fig. 2); unquantized, both are kept exactly (the "cq-fp64" shadow: same
 * recurrence, no quantization — note that its ε·I shift still accumulates, L drifting by up to ε·β/(1 − β)).
 */
final class CholeskyTracked implements TrackedFactor {

    private final DenseKernels kernels = DenseKernels.fromProperty();

    private final int n;
    private final double beta;
    private final double betaE;
    private final double epsilon;
    private final boolean feedback;
    private final Cholesky cholesky = new Cholesky(kernels);
    /** C̄ without feedback (quantized or exact). */
    private final MatrixStore factorStore;
    /** C̄ and Ē with feedback, quantized; null otherwise. */
    private final TriangularPair pair;
    /** Ē with feedback, unquantized; null otherwise. */
    private DMatrixRMaj exactError;
    private DMatrixRMaj exactFactor;

    /**
     * @param config   quantization, or null for exact storage
     * @param feedback Li's error feedback (Eqs. 10–11)
     */
    CholeskyTracked(int n, QuantizationConfig config, boolean feedback, double beta, double betaE, double epsilon) {
        this.n = n;
        this.beta = beta;
        this.betaE = betaE;
        this.epsilon = epsilon;
        this.feedback = feedback;
        if (config == null) {
            factorStore = null;
            pair = null;
            exactError = new DMatrixRMaj(n, n);
        } else if (feedback) {
            factorStore = null;
            pair = TriangularPair.zeros(n, config);
        } else {
            factorStore = MatrixStore.quantized(n, n, io.qshampoo.quant.StorageMode.STRICTLY_LOWER, config);
            pair = null;
        }
        storeFactor(Dense.scaledIdentity(n, Math.sqrt(epsilon)));
    }

    @Override
    public void update(DMatrixRMaj gram) {
        DMatrixRMaj l = statistic();
        CommonOps_DDRM.add(beta, l, 1 - beta, gram, l); // Eq. (7)
        compensateAndStore(cholesky.lower(l, epsilon));
    }

    /**
     * Stores a freshly computed Cholesky factor c: Eq. (8), or with feedback Eqs. (10)–(11). Exposed for the
     * hand-checked test of the feedback recurrence. c is modified (it becomes C + E).
     */
    void compensateAndStore(DMatrixRMaj c) {
        if (!feedback) {
            storeFactor(c);
            return;
        }
        DMatrixRMaj e = error();
        CommonOps_DDRM.addEquals(c, e); // C_k + E_{k−1}
        storeFactor(c); // Eq. (10)
        DMatrixRMaj kept = factor();
        for (int k = 0; k < e.data.length; k++) { // Eq. (11)
            e.data[k] = betaE * e.data[k] + (1 - betaE) * (c.data[k] - kept.data[k]);
        }
        for (int i = 0; i < n; i++) {
            e.data[i * n + i] = 0.0;
        }
        if (pair != null) {
            pair.writeError(e.data);
        } else {
            exactError = e;
        }
    }

    private void storeFactor(DMatrixRMaj c) {
        if (pair != null) {
            pair.writeFactor(c.data);
        } else if (factorStore != null) {
            factorStore.store(c);
        } else {
            exactFactor = lower(c);
        }
    }

    private static DMatrixRMaj lower(DMatrixRMaj c) {
        DMatrixRMaj l = c.copy();
        for (int i = 0; i < l.numRows; i++) {
            for (int j = i + 1; j < l.numCols; j++) {
                l.data[i * l.numCols + j] = 0;
            }
        }
        return l;
    }

    /** D(Ē) (zeros when there is no feedback). */
    DMatrixRMaj error() {
        DMatrixRMaj e = new DMatrixRMaj(n, n);
        if (pair != null) {
            pair.readErrorInto(e.data);
        } else if (feedback) {
            e.setTo(exactError);
        }
        return e;
    }

    @Override
    public DMatrixRMaj factor() {
        if (pair != null) {
            DMatrixRMaj c = new DMatrixRMaj(n, n);
            pair.readFactorInto(c.data);
            return c;
        }
        return factorStore != null ? factorStore.load() : exactFactor.copy();
    }

    /** D(C̄)·D(C̄)ᵀ, formed as the optimizer forms it. */
    @Override
    public DMatrixRMaj statistic() {
        DMatrixRMaj c = factor();
        DMatrixRMaj l = new DMatrixRMaj(n, n);
        kernels.multTransB(c, c, l);
        return l;
    }

    @Override
    public DMatrixRMaj root(InverseFourthRoot f) {
        return f.of(statistic()).root();
    }
}
