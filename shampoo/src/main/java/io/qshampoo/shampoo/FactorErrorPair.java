package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * Li et al. 2025 Fig. 2: one n×n storage holding the Cholesky factor C̄ in its lower triangle (diagonal
 * in fp32) and the error state Ēᵀ in its strictly upper triangle — error feedback at no extra memory
 * beyond one DiagReal matrix.
 */
interface FactorErrorPair extends Stateful {

    int order();

    /** Keeps the lower triangle (with diagonal) of c. */
    void storeFactor(DMatrixRMaj c);

    /** Writes D(C̄) into dst: lower triangle with diagonal, zeros above. */
    void loadFactor(DMatrixRMaj dst);

    /** Keeps the strictly lower triangle of e (its diagonal is ignored: E has a zero diagonal). */
    void storeError(DMatrixRMaj e);

    /** Writes D(Ē) into dst: strictly lower triangle, zeros elsewhere. */
    void loadError(DMatrixRMaj dst);
}
