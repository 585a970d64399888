package io.qshampoo.oracle;

import java.util.Map;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * The band of a quantized state, from its codes: two implementations on the same trajectory store each element
 * with the same code, or — when their quantizer inputs straddle a midpoint — with a neighbouring one. So every
 * element of the other side's dequantized state lies within one code step of the reference's:
 * <pre>
 *   |X_ij − X*_ij| ≤ g_ij + min(|X*_ij|·δ, g_ij/2),   g_ij = (M(k ± 1) − M(k))·N_b   (the gap toward their value)
 * </pre>
 * with k the reference's code, N_b its block scale, and the slack min(|X*|·δ, g/2) for scales that differ by the
 * state's rounding discrepancy δ (a scale is the block absmax, itself a float state). An element beyond that has
 * moved by more than one code: not explained by rounding, whatever the NRE says — a wrong trajectory shows here
 * in the state itself even when its codes are not dumped. Elements kept in fp32 (the diagonal of
 * {@code --diag-real} and {@code --strictly-lower} states) are left to the NRE.
 *
 * <p>The band is built from the reference's own stored records, decoded with the project's
 * {@link QuantizedMatrix}; it applies only when that decoding reproduces the reference's state bit for bit (in
 * the state's orientation or transposed — eigenvector matrices may be stored as Vᵀ), so a storage this class does
 * not know (the CE pair of cq+ef) is left to the other tests, never misjudged. Cost: O(n²).
 */
final class QuantizedStateBand {

    /**
     * Outcome for one state.
     *
     * @param beyond    elements beyond one code step
     * @param compared  elements with a code
     * @param worst     the largest |X − X*| in code steps
     * @param row       where (in the state's orientation)
     * @param col       where
     */
    record Result(int beyond, int compared, double worst, int row, int col) {
    }

    private final DMatrixRMaj ours;
    /** Gap toward larger values per element (absolute), NaN where the element has no code. */
    private final double[] up;
    /** Gap toward smaller values. */
    private final double[] down;

    private QuantizedStateBand(DMatrixRMaj ours, double[] up, double[] down) {
        this.ours = ours;
        this.up = up;
        this.down = down;
    }

    /**
     * The band of state {@code state} of the factor {@code side} (e.g. "w#0.left"), or null when the reference
     * keeps it in fp32 or its records do not decode to it.
     */
    static QuantizedStateBand of(Map<String, Object> records, String side, String state, DMatrixRMaj ours,
                                 QuantizationConfig config) {
        if (config == null || ours == null || ours.numRows != ours.numCols) {
            return null;
        }
        StorageMode mode = switch (state) {
            case "L", "root" -> StorageMode.DIAG_REAL;
            case "C" -> StorageMode.STRICTLY_LOWER;
            case "V" -> StorageMode.FULL;
            default -> null;
        };
        String tag = side + "." + state;
        if (mode == null || !(records.get(tag + ".codes") instanceof byte[] codes)
                || !(records.get(tag + ".scales") instanceof float[] scales)) {
            return null;
        }
        float[] diagonal = records.get(tag + ".diagonal") instanceof float[] d ? d : null;
        int n = ours.numRows;
        QuantizedMatrix q;
        try {
            q = QuantizedMatrix.fromStorage(n, n, mode, config, codes, scales, diagonal);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (boolean transposed : new boolean[] {false, true}) {
            if (reproduces(q, ours, transposed, mode)) {
                return build(q, ours, transposed, mode, config.table());
            }
        }
        return null;
    }

    private static boolean reproduces(QuantizedMatrix q, DMatrixRMaj ours, boolean transposed, StorageMode mode) {
        int n = ours.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float stored = transposed ? q.get(j, i) : q.get(i, j);
                if (stored != (float) ours.get(i, j)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static QuantizedStateBand build(QuantizedMatrix q, DMatrixRMaj ours, boolean transposed, StorageMode mode,
                                            CodeTable table) {
        int n = ours.numRows;
        double[] up = new double[n * n];
        double[] down = new double[n * n];
        int last = table.size() - 1;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int si = transposed ? j : i;
                int sj = transposed ? i : j;
                boolean coded = mode == StorageMode.FULL || (mode == StorageMode.DIAG_REAL ? si != sj : sj < si);
                if (!coded) {
                    up[i * n + j] = Double.NaN;
                    down[i * n + j] = Double.NaN;
                    continue;
                }
                int k = q.code(si, sj);
                double scale = q.scaleOf(si, sj);
                double gapUp = k < last ? table.value(k + 1) - table.value(k) : table.value(k) - table.value(k - 1);
                double gapDown = k > 0 ? table.value(k) - table.value(k - 1) : table.value(k + 1) - table.value(k);
                up[i * n + j] = gapUp * scale;
                down[i * n + j] = gapDown * scale;
            }
        }
        return new QuantizedStateBand(ours, up, down);
    }

    /**
     * Their state against the band.
     *
     * @param theirs their dequantized state, signs aligned as for the NRE
     * @param delta  the state's relative rounding discrepancy (the slack for differing scales)
     */
    Result compare(DMatrixRMaj theirs, double delta) {
        int n = ours.numRows;
        int beyond = 0;
        int compared = 0;
        double worst = 0;
        int at = 0;
        for (int e = 0; e < n * n; e++) {
            if (Double.isNaN(up[e])) {
                continue;
            }
            compared++;
            double o = ours.data[e];
            double d = theirs.data[e] - o;
            double gap = d > 0 ? up[e] : down[e];
            double slack = Math.min(Math.abs(o) * delta, gap / 2);
            double steps = gap > 0 ? Math.abs(d) / gap : (d == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (!(Math.abs(d) <= gap + slack)) {
                beyond++;
            }
            if (!(steps <= worst)) {
                worst = steps;
                at = e;
            }
        }
        return new Result(beyond, compared, worst, at / n, at % n);
    }
}
