package io.qshampoo.linalg;

import org.ejml.data.DMatrixRMaj;

/**
 * Thin singular value decomposition M = U·diag(σ)·Vᵀ restricted to what Frequent Directions needs:
 * the left singular vectors and the singular values, in descending order.
 *
 * <p>Invariants: for an m×k input, {@code u} is m×r with orthonormal columns and {@code sigma} has r
 * non-negative descending entries, r = min(m, k).
 *
 * @param u     left singular vectors as columns
 * @param sigma singular values, descending
 */
public record ThinSvd(DMatrixRMaj u, double[] sigma) {
}
