package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

/**
 * A preconditioner matrix as the optimizer stores it between steps: in fp32, or quantized (Q on
 * {@link #store}, D on {@link #load}). The reference path computes in float64; what is stored is
 * rounded (fp32) or quantized, so memory and rounding match a GPU implementation's storage.
 *
 * <p>Invariant: {@link #load} returns what the last {@link #store} kept (its D(Q(·))), and the initial
 * content until the first store.
 */
interface StoredMatrix extends Stateful {

    /** Rows of the stored matrix. */
    int rows();

    /** Columns of the stored matrix. */
    int cols();

    /** Keeps m: rounds to fp32 or quantizes. Cost O(rows·cols). */
    void store(DMatrixRMaj m);

    /** Writes the stored matrix, dequantized, into dst (rows × cols). Cost O(rows·cols). */
    void load(DMatrixRMaj dst);

    /** A new rows × cols float64 matrix holding {@link #load}. */
    default DMatrixRMaj load() {
        DMatrixRMaj m = new DMatrixRMaj(rows(), cols());
        load(m);
        return m;
    }
}
