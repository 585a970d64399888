package io.qshampoo.linalg.openblas;

/**
 * The O(n²) rearrangements between LAPACK's column-major arrays and the row-major matrices of qshampoo, done in
 * tiles so that both the row and the column walks stay in cache.
 */
final class Layouts {

    /** Tile edge: two 32×32 tiles of doubles (16 KiB) fit any L1 cache. */
    private static final int TILE = 32;

    private Layouts() {
    }

    /** Copies the lower triangle of the row-major n×n matrix x onto its upper triangle (x becomes symmetric). */
    static void mirrorLowerToUpper(double[] x, int n) {
        for (int i0 = 0; i0 < n; i0 += TILE) {
            int i1 = Math.min(i0 + TILE, n);
            for (int j0 = 0; j0 <= i0; j0 += TILE) {
                int j1 = Math.min(j0 + TILE, n);
                for (int i = i0; i < i1; i++) {
                    int jEnd = Math.min(j1, i);
                    for (int j = j0; j < jEnd; j++) {
                        x[j * n + i] = x[i * n + j];
                    }
                }
            }
        }
    }

    /** to = the cols × rows transpose of the row-major rows × cols matrix from (tiled). */
    static void transpose(double[] from, int rows, int cols, double[] to) {
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(i0 + TILE, rows);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(j0 + TILE, cols);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        to[j * rows + i] = from[i * cols + j];
                    }
                }
            }
        }
    }

    /**
     * Turns n column-major eigenvector columns (ascending eigenvalues; read row-major, column r of LAPACK's result is
     * row r of x) into the row-major matrix whose column j is eigenvector n − 1 − j (descending): reverses the row
     * order, then transposes in place. Cost: 2·n² element moves.
     */
    static void reverseRowsThenTranspose(double[] x, int n) {
        double[] row = new double[n];
        for (int r = 0; r < n / 2; r++) {
            int s = n - 1 - r;
            System.arraycopy(x, r * n, row, 0, n);
            System.arraycopy(x, s * n, x, r * n, n);
            System.arraycopy(row, 0, x, s * n, n);
        }
        for (int i0 = 0; i0 < n; i0 += TILE) {
            int i1 = Math.min(i0 + TILE, n);
            for (int j0 = i0; j0 < n; j0 += TILE) {
                int j1 = Math.min(j0 + TILE, n);
                for (int i = i0; i < i1; i++) {
                    for (int j = Math.max(j0, i + 1); j < j1; j++) {
                        double t = x[i * n + j];
                        x[i * n + j] = x[j * n + i];
                        x[j * n + i] = t;
                    }
                }
            }
        }
    }
}
