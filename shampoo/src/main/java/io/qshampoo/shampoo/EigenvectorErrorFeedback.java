package io.qshampoo.shampoo;

import java.util.function.UnaryOperator;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;

/**
 * Error feedback for quantized eigenvectors (variant eigen4+ef): Li et al. 2025 Eqs. (10)–(11), which carry the
 * quantization error of a Cholesky factor into its next quantization, carried to the orthonormal basis that Wang et
 * al. 2024 quantize. X = Vᵀ is the refreshed basis, one eigenvector per row (the stored orientation of
 * {@link EigenQuantizedFactor}); V_prev is the rectified basis the refresh started from, eigenvectors as columns.
 *
 * <pre>
 *   transport:  R = X·V_prev,   A' = skew(R·A·Rᵀ)                                 (A in the new basis' labels)
 *   Eq. (10):   Y = X + A'·X,   V̄ = Q(Y)
 *   Eq. (11):   A ← βₑ·A' + (1 − βₑ)·skew((Y − D(V̄))·Xᵀ),   Ā = Q(A)               skew(M) = (M − Mᵀ)/2
 * </pre>
 *
 * <p>Why this form (derivation in docs/design.md, "Error feedback for eigenvectors"):
 * <ul>
 *   <li><b>What survives rectification.</b> The optimizer never uses D(V̄) itself but Björck(D(V̄)). Writing the
 *       stored basis as W = (I + F)·X, one Björck step gives (I + skew(F))·X + O(‖F‖²): the symmetric part of the
 *       error is removed whatever is fed back, so only the quantizer's error projected onto the tangent space of
 *       the orthogonal group at X, skew(δ·Xᵀ)·X with δ = Y − D(V̄), is carried. The error E = A·X is kept by its
 *       coordinates A in the basis itself: A is skew-symmetric, n(n−1)/2 numbers, stored as a strictly lower
 *       triangle.</li>
 *   <li><b>Labels.</b> Eigenvectors are determined up to sign and order (and up to a rotation inside a repeated
 *       eigenvalue's eigenspace), so row i of A means nothing unless row i of the next basis is the same
 *       eigenvector. R, with R_ij = ⟨xᵢ, v_prev,j⟩, is the change of basis: for a signed permutation (Householder
 *       QR signs, a reordering) R·A·Rᵀ is A relabelled exactly; inside a near-degenerate eigenspace it rotates
 *       the error with the basis; with diag(R) ≥ 0 QR signs and a slowly moving basis, R ≈ I.</li>
 *   <li><b>Equivalences.</b> A₀ = 0, so the first refresh stores exactly what eigen4 stores; at exact storage
 *       (bits = 64) Y − D(V̄) = 0, A stays 0 and the factor equals eigen4 bit for bit, for every βₑ.</li>
 * </ul>
 *
 * <p>Invariant: the stored A is exactly skew-symmetric with a zero diagonal (it is rebuilt from its strictly lower
 * triangle). Cost per refresh: five n×n products (R, R·A, ·Rᵀ, A'·X, δ·Xᵀ), 10n³ flops, and one O(n²)
 * quantization of n(n−1)/2 values. Storage: {@link Storage#lower}, the layout of a Cholesky factor, whose fp32
 * diagonal here holds zeros.
 *
 * <p>{@link EigenQuantizedFactor} holds one per factor (tag {@code name.A}); the {@code tables} experiment drives one
 * directly on a fixed target.
 */
public final class EigenvectorErrorFeedback implements Stateful {

    private final int order;
    private final double betaE;
    private final DenseKernels kernels;
    /** A's strictly lower triangle (the diagonal stored is 0). Initially 0: E₀ = 0 (Li Alg. 1). */
    private final StoredMatrix coordinates;

    /**
     * An error state A₀ = 0 (Li Alg. 1's Ē₀ = 0).
     *
     * @param tag     record tag of the stored coordinates
     * @param order   n
     * @param betaE   βₑ, in [0, 1) ({@link Preconditioner.ErrorFeedback}: 0 carries the whole residual)
     * @param config  the storage of A (bits, quantization): {@link Storage#lower}
     * @param backend kernels and quantizer
     */
    public EigenvectorErrorFeedback(String tag, int order, double betaE, ShampooConfig config, Backend backend) {
        if (order < 1 || !(betaE >= 0 && betaE < 1) || config == null || backend == null) {
            throw new IllegalArgumentException("EigenvectorErrorFeedback: order " + order + ", betaE " + betaE
                    + "; expected order >= 1, betaE in [0, 1), a config and a backend");
        }
        this.order = order;
        this.betaE = betaE;
        this.kernels = backend.kernels();
        this.coordinates = Storage.lower(tag, order, config, backend.quantizer());
    }

    /**
     * D(Ā) as the skew-symmetric n×n matrix A: its stored strictly lower triangle minus that triangle's transpose.
     * A new matrix; O(n²).
     */
    public DMatrixRMaj coordinates() {
        DMatrixRMaj a = coordinates.load();
        for (int i = 0; i < order; i++) {
            a.data[i * order + i] = 0.0;
            for (int j = 0; j < i; j++) {
                a.data[j * order + i] = -a.data[i * order + j];
            }
        }
        return a;
    }

    /** Eqs. (10)–(11) into an eigenvector store: {@link #refresh} with the store's Q then D. */
    void store(DMatrixRMaj target, DMatrixRMaj previous, StoredMatrix vectors) {
        refresh(target, previous, y -> {
            vectors.store(y);
            return vectors.load();
        });
    }

    /**
     * Eqs. (10)–(11): quantizes Y = X + A'·X with {@code quantize} and keeps the new error coordinates.
     *
     * @param target   X, n×n with orthonormal rows: the refreshed eigenvectors, one per row
     * @param previous V_prev, n×n: the basis the refresh started from, eigenvectors as columns in the same order
     * @param quantize Y ↦ D(Q(Y)), n×n (a new matrix; Y is not modified)
     * @return D(V̄) = D(Q(Y)), the stored basis, one eigenvector per row
     */
    public DMatrixRMaj refresh(DMatrixRMaj target, DMatrixRMaj previous, UnaryOperator<DMatrixRMaj> quantize) {
        if (target.numRows != order || target.numCols != order || previous.numRows != order
                || previous.numCols != order) {
            throw new IllegalArgumentException("target is " + target.numRows + "x" + target.numCols + " and previous "
                    + previous.numRows + "x" + previous.numCols + "; expected both " + order + "x" + order);
        }
        int n = order;
        DMatrixRMaj r = new DMatrixRMaj(n, n);
        kernels.mult(target, previous, r);
        DMatrixRMaj ra = new DMatrixRMaj(n, n);
        kernels.mult(r, coordinates(), ra);
        DMatrixRMaj moved = new DMatrixRMaj(n, n);
        kernels.multTransB(ra, r, moved);
        skewInPlace(moved); // A'
        DMatrixRMaj y = new DMatrixRMaj(n, n);
        kernels.mult(moved, target, y);
        for (int k = 0; k < y.data.length; k++) {
            y.data[k] = target.data[k] + y.data[k]; // Y = X + A'·X
        }
        DMatrixRMaj stored = quantize.apply(y); // Eq. (10)
        DMatrixRMaj delta = new DMatrixRMaj(n, n);
        for (int k = 0; k < delta.data.length; k++) {
            delta.data[k] = y.data[k] - stored.data[k]; // δ = Y − D(V̄)
        }
        DMatrixRMaj tangent = new DMatrixRMaj(n, n);
        kernels.multTransB(delta, target, tangent);
        skewInPlace(tangent);
        for (int k = 0; k < moved.data.length; k++) { // Eq. (11), in coordinates
            moved.data[k] = betaE * moved.data[k] + (1 - betaE) * tangent.data[k];
        }
        coordinates.store(moved);
        return stored;
    }

    /** M ← (M − Mᵀ)/2: exactly skew-symmetric, zero diagonal. */
    private static void skewInPlace(DMatrixRMaj m) {
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            m.data[i * n + i] = 0.0;
            for (int j = 0; j < i; j++) {
                double s = 0.5 * (m.data[i * n + j] - m.data[j * n + i]);
                m.data[i * n + j] = s;
                m.data[j * n + i] = -s;
            }
        }
    }

    @Override
    public StateBytes stateBytes() {
        return coordinates.stateBytes();
    }

    @Override
    public void save(StateOutput out) {
        coordinates.save(out);
    }

    @Override
    public void restore(StateInput in) {
        coordinates.restore(in);
    }
}
