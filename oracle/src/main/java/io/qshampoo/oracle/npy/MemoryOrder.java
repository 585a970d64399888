package io.qshampoo.oracle.npy;

/**
 * Conversions of a payload between the two memory orders and the two byte orders an npy file may use, on raw
 * bytes (the element type only matters through its item size).
 *
 * <p>C order: the last index varies fastest, element (i₀, …, i_{r−1}) at Σ i_d·Π_{e&gt;d} n_e. Fortran order:
 * the first index varies fastest, at Σ i_d·Π_{e&lt;d} n_e. For rank ≤ 1 (or when at most one dimension exceeds 1)
 * the two coincide. Cost: O(size) time, one new array.
 */
final class MemoryOrder {

    private MemoryOrder() {
    }

    /** The C-order copy of a Fortran-order payload. */
    static byte[] fortranToC(byte[] src, int[] shape, int itemSize) {
        return permute(src, shape, itemSize, true);
    }

    /** The Fortran-order copy of a C-order payload. */
    static byte[] cToFortran(byte[] src, int[] shape, int itemSize) {
        return permute(src, shape, itemSize, false);
    }

    /**
     * Walks the elements in C order with an odometer over the multi-index and keeps the matching Fortran offset
     * in step; copies Fortran → C (fromFortran) or C → Fortran.
     */
    private static byte[] permute(byte[] src, int[] shape, int itemSize, boolean fromFortran) {
        byte[] dst = new byte[src.length];
        int r = shape.length;
        int count = src.length / itemSize;
        if (count == 0) {
            return dst;
        }
        long[] fStride = new long[r];
        long s = 1;
        for (int d = 0; d < r; d++) {
            fStride[d] = s;
            s *= shape[d];
        }
        int[] idx = new int[r];
        long f = 0;
        for (int c = 0; c < count; c++) {
            int from = (int) (fromFortran ? f : c) * itemSize;
            int to = (int) (fromFortran ? c : f) * itemSize;
            System.arraycopy(src, from, dst, to, itemSize);
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    f += fStride[d];
                    break;
                }
                f -= fStride[d] * (shape[d] - 1);
                idx[d] = 0;
            }
        }
        return dst;
    }

    /** Reverses the bytes of every item in place (little ↔ big endian); a no-op for 1-byte items. */
    static void swapBytes(byte[] data, int itemSize) {
        if (itemSize == 1) {
            return;
        }
        for (int k = 0; k < data.length; k += itemSize) {
            for (int a = k, b = k + itemSize - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
        }
    }
}
