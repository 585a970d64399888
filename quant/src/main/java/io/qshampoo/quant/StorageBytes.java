package io.qshampoo.quant;

/**
 * Exact storage size of a quantized object, by part. {@link #total()} is the sum of the parts.
 *
 * @param codes    packed codes: ceil(b·(number of codes)/8)
 * @param scales   fp32 block scales: 4 per block
 * @param diagonal fp32 diagonal: 4·n where kept, else 0
 * @param fp32     plain fp32 values of a matrix left unquantized (below the size threshold), else 0
 */
public record StorageBytes(long codes, long scales, long diagonal, long fp32) {

    /** @throws IllegalArgumentException if a part is negative */
    public StorageBytes {
        if (codes < 0 || scales < 0 || diagonal < 0 || fp32 < 0) {
            throw new IllegalArgumentException("byte counts must be ≥ 0: " + codes + ", " + scales + ", " + diagonal + ", " + fp32);
        }
    }

    /** codes + scales + diagonal + fp32. */
    public long total() {
        return codes + scales + diagonal + fp32;
    }

    /** Part-wise sum. */
    public StorageBytes plus(StorageBytes o) {
        return new StorageBytes(codes + o.codes, scales + o.scales, diagonal + o.diagonal, fp32 + o.fp32);
    }

    @Override
    public String toString() {
        return total() + " B (codes " + codes + ", scales " + scales + ", diagonal " + diagonal + ", fp32 " + fp32 + ")";
    }
}
