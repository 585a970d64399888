package io.qshampoo.verify.experiments;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Bjorck;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SubspaceIteration;

/**
 * Eigenvector quantization with Björck rectification, Wang et al. 2024, as {@code EigenQuantizedFactor}
 * computes it (DESIGN.md, eigen4):
 *
 * <pre>
 *   update:  V = Björck(D(V̄), t1),  L = V·diag(S)·Vᵀ,  L ← β·L + (1 − β)·G·Gᵀ,
 *            one QR subspace-iteration step V' = qr(L·V),  S = diag(V'ᵀ·L·V'),  V̄ = Q(V')
 *   root:    V = Björck(D(V̄), t2),  V·(S + ε·max S)^(−1/4)·Vᵀ
 * </pre>
 *
 * V̄ quantized whole (FULL), S in fp32; V̄₀ = I, S₀ = ε. With t1 = t2 = 0 there is no rectification. With exact
 * storage (and S in float64) this is the "eigen-fp64" shadow the quantized runs' factor error is measured against.
 */
final class EigenTracked implements TrackedFactor {

    private final DenseKernels kernels = DenseKernels.fromProperty();

    private final int n;
    private final MatrixStore vectors;
    private final double[] values;
    private final boolean fp32Values;
    private final double beta;
    private final int updateSteps;
    private final int rootSteps;
    private final Bjorck bjorck = new Bjorck(kernels);
    private final SubspaceIteration subspace = new SubspaceIteration();

    /**
     * @param vectors     storage of V (quantized FULL, or exact)
     * @param fp32Values  keep S in fp32 (as the optimizer) rather than float64
     * @param updateSteps Björck steps t1 before the update
     * @param rootSteps   Björck steps t2 before the root
     */
    EigenTracked(MatrixStore vectors, boolean fp32Values, double beta, double epsilon, int updateSteps, int rootSteps) {
        this.n = vectors.rows;
        this.vectors = vectors;
        this.values = new double[n];
        this.fp32Values = fp32Values;
        this.beta = beta;
        this.updateSteps = updateSteps;
        this.rootSteps = rootSteps;
        vectors.store(CommonOps_DDRM.identity(n));
        java.util.Arrays.fill(values, fp32Values ? (float) epsilon : epsilon);
    }

    @Override
    public void update(DMatrixRMaj gram) {
        DMatrixRMaj v = bjorck.orthonormalize(vectors.load(), updateSteps);
        DMatrixRMaj l = rebuild(v);
        CommonOps_DDRM.add(beta, l, 1 - beta, gram, l);
        SubspaceIteration.Step step = subspace.step(l, v);
        vectors.store(step.vectors());
        for (int i = 0; i < n; i++) {
            values[i] = fp32Values ? (float) step.values()[i] : step.values()[i];
        }
    }

    /** V·diag(S)·Vᵀ, symmetrized, formed as the optimizer forms it. */
    private DMatrixRMaj rebuild(DMatrixRMaj v) {
        DMatrixRMaj vs = v.copy();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                vs.data[i * n + j] *= values[j];
            }
        }
        DMatrixRMaj l = new DMatrixRMaj(n, n);
        kernels.multTransB(vs, v, l);
        Dense.symmetrize(l);
        return l;
    }

    /** The statistic the next update starts from: V·diag(S)·Vᵀ with V = Björck(D(V̄), t1). */
    @Override
    public DMatrixRMaj statistic() {
        return rebuild(bjorck.orthonormalize(vectors.load(), updateSteps));
    }

    @Override
    public DMatrixRMaj factor() {
        return vectors.load();
    }

    /** The eigenvalue estimates S. */
    double[] values() {
        return values.clone();
    }

    @Override
    public DMatrixRMaj root(InverseFourthRoot f) {
        return f.fromEigenpairs(bjorck.orthonormalize(vectors.load(), rootSteps), values);
    }
}
