package io.qshampoo.linalg;

/**
 * The sign of each column of the thin QR factor Q. A full-rank A = Q·R determines Q only up to the signs of its
 * columns (with the matching rows of R); implementations settle them differently, and at low bit widths the choice
 * is visible: linear-2 tables are not symmetric (Q(−v) ≠ −Q(v)), so quantized ±q differ by more than a sign.
 */
public enum QrSignRule {
    /** diag(R) ≥ 0: the unique factorization of a full-rank matrix, whatever algorithm computed it. */
    POSITIVE_DIAGONAL,
    /**
     * The signs of LAPACK's Householder QR ({@code dgeqrf}/{@code dorgqr}, behind {@code torch.linalg.qr} and
     * {@code numpy.linalg.qr}): R(j, j) = −sign(α)·‖(α, x)‖ for the column (α, x) that step j reflects (sign(0) = +),
     * and no reflection — R(j, j) = α keeps its sign — when x = 0, which is always the case for the last column of a
     * square matrix.
     */
    HOUSEHOLDER
}
