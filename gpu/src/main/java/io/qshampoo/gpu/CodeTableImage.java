package io.qshampoo.gpu;

import io.qshampoo.quant.CodeTable;

/**
 * What the kernels need of a {@link CodeTable}: its fp32 entries M(0…2^b − 1) (for decoding) and its encoding
 * thresholds, derived from the public midpoints exactly as {@code CodeTable} derives its own:
 * {@code thresholds[k] = m_k} for even k, {@code nextDown(m_k)} for odd k (so an exact tie x̄ = m_k goes to the
 * even index), −0 written as +0, and {@code thresholds[2^b − 1] = +∞}. Then code(x̄) = #{k : x̄ &gt; thresholds[k]},
 * which the kernel's binary search computes exactly as {@code CodeTable.encode} does.
 *
 * @param values     M, ascending
 * @param thresholds the 2^b thresholds above
 */
record CodeTableImage(float[] values, float[] thresholds) {

    static CodeTableImage of(CodeTable table) {
        float[] mid = table.midpoints();
        float[] th = new float[table.size()];
        for (int k = 0; k < mid.length; k++) {
            float t = (k & 1) == 0 ? mid[k] : Math.nextDown(mid[k]);
            th[k] = t == 0f ? 0f : t;
        }
        th[th.length - 1] = Float.POSITIVE_INFINITY;
        return new CodeTableImage(table.values(), th);
    }
}
