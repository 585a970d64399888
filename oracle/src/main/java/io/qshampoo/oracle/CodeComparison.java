package io.qshampoo.oracle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * The other side's codes, scales and diagonal for an fp32 input matrix, compared with the reference quantizer
 * (docs/design.md, "Quantizer compatibility contract"): which codes differ and why, which scales and kept diagonal
 * values differ and by how many ulps.
 *
 * <h2>Classifying a code mismatch</h2>
 * With the reference's block absmax N, x̄ = x·fl(1/N) in fp32 (x = 0 on the diagonal of a DIAG_REAL matrix),
 * and m_k = fl(fl(M(k) + M(k+1))·0.5) the fp32 midpoints of the table:
 * <ul>
 *   <li>{@link Kind#TIE_RULE}: x̄ equals a midpoint m_k exactly and the two codes are k and k + 1 — both are
 *       nearest; the contract takes the even one. A different tie rule, not a wrong value.</li>
 *   <li>{@link Kind#NEAR_MIDPOINT}: the codes are neighbours and x̄ is within {@value #NEAR_ULPS} ulps of the
 *       midpoint between them: the other side rounded x̄ differently. fl(x·fl(1/N)) and fl(x/N) differ by at most
 *       2 ulps (two roundings of relative size ≤ u against one), as do a fused multiply-add or an approximate
 *       reciprocal of ≤ 1 ulp error.</li>
 *   <li>{@link Kind#WRONG}: anything else.</li>
 * </ul>
 * Each mismatch also says whether the other side's scale of that block differs (then its codes are expected
 * to differ too). Padding bits after the last code are not compared (the official 4-bit kernel writes the code
 * of 0 there, qshampoo writes 0).
 *
 * <p>Cost: O(rows·cols) plus O(2^b) per mismatch.
 */
public final class CodeComparison {

    /** Neighbouring codes with x̄ at most this many ulps from their midpoint count as a rounding difference. */
    public static final int NEAR_ULPS = 2;

    /** Why a code differs. */
    public enum Kind {
        /** x̄ exactly at an fp32 midpoint; the other side broke the tie differently (the contract: even index). */
        TIE_RULE,
        /** Neighbouring codes, x̄ within {@value CodeComparison#NEAR_ULPS} ulps of their midpoint. */
        NEAR_MIDPOINT,
        /** Neither. */
        WRONG
    }

    /**
     * One code that differs.
     *
     * @param index              code number k in the stored sequence
     * @param row                its element's row
     * @param col                its element's column
     * @param block              its block (scale index)
     * @param input              x, the fp32 input (0 for a DIAG_REAL diagonal position)
     * @param xbar               x̄ = x·fl(1/N) with the reference's N
     * @param expected           the reference's code
     * @param theirs             the other side's code
     * @param nearestMidpoint    k of the midpoint m_k nearest to x̄
     * @param midpointDistance   |x̄ − m_k| (exact: both are floats, the difference is computed in double)
     * @param kind               the classification above
     * @param theirScaleDiffers  whether the other side's scale of this block differs from the reference's
     * @param expectedValue      M(expected)·N, what the reference decodes
     * @param theirValue         M(theirs)·N', what the other side's code and scale decode to
     */
    public record CodeMismatch(long index, int row, int col, int block, float input, float xbar, int expected,
                               int theirs, int nearestMidpoint, double midpointDistance, Kind kind,
                               boolean theirScaleDiffers, float expectedValue, float theirValue) {
    }

    /**
     * One fp32 value (scale or kept diagonal element) that differs.
     *
     * @param index    its index in the file
     * @param expected the reference's value
     * @param theirs   the other side's value
     * @param ulps     fp32 steps between them (−1 if either is NaN)
     */
    public record FloatMismatch(int index, float expected, float theirs, long ulps) {
    }

    private final int codeCount;
    private final List<CodeMismatch> codeMismatches;
    private final int scaleCount;
    private final List<FloatMismatch> scaleMismatches;
    private final int diagonalCount;
    private final List<FloatMismatch> diagonalMismatches;
    private final List<String> hints;

    private CodeComparison(int codeCount, List<CodeMismatch> codes, int scaleCount, List<FloatMismatch> scales,
                           int diagonalCount, List<FloatMismatch> diagonal, List<String> hints) {
        this.codeCount = codeCount;
        this.codeMismatches = Collections.unmodifiableList(codes);
        this.scaleCount = scaleCount;
        this.scaleMismatches = Collections.unmodifiableList(scales);
        this.diagonalCount = diagonalCount;
        this.diagonalMismatches = Collections.unmodifiableList(diagonal);
        this.hints = Collections.unmodifiableList(hints);
    }

    /**
     * Compares the other side's buffers with the reference quantization of {@code input}.
     *
     * @param input  the fp32 rows × cols matrix, row-major, finite
     * @param config mapping, bits and layout (minElements is ignored: the matrix is always quantized)
     * @param theirs their codes, scales and diagonal, of the lengths the shape, mode and config give
     */
    public static CodeComparison of(float[] input, int rows, int cols, StorageMode mode, QuantizationConfig config,
                                    QuantizedFiles.Buffers theirs) {
        QuantizationConfig always = config.withMinElements(0);
        QuantizedMatrix ref = QuantizedMatrix.quantize(input, rows, cols, mode, always);
        CodeTable table = always.table();
        int bits = always.bits();
        int count = Math.toIntExact(mode.codeCount(rows, cols));
        PackedCodes ours = ref.codes();
        PackedCodes their = PackedCodes.of(bits, count, theirs.codes());
        float[] refScales = ref.scales();
        float[] midpoints = table.midpoints();

        List<FloatMismatch> scaleMismatches = floatMismatches(refScales, theirs.scales());
        boolean[] scaleDiffers = new boolean[refScales.length];
        for (FloatMismatch m : scaleMismatches) {
            scaleDiffers[m.index()] = true;
        }
        List<CodeMismatch> codes = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            int e = ours.get(k);
            int t = their.get(k);
            if (e == t) {
                continue;
            }
            int[] ij = BlockIndex.element(mode, cols, k);
            int i = ij[0];
            int j = ij[1];
            int block = BlockIndex.of(always.layout(), mode, cols, i, j);
            float x = mode == StorageMode.DIAG_REAL && i == j ? 0f : input[i * cols + j];
            float n = refScales[block];
            float inv = n == 0f ? 0f : 1.0f / n;
            float xbar = x * inv;
            int near = nearestMidpoint(midpoints, xbar);
            double dist = Math.abs((double) xbar - midpoints[near]);
            Kind kind = classify(e, t, xbar, midpoints);
            float theirScale = theirs.scales()[block];
            codes.add(new CodeMismatch(k, i, j, block, x, xbar, e, t, near, dist, kind, scaleDiffers[block],
                    table.value(e) * n, table.value(t) * theirScale));
        }
        List<FloatMismatch> diag = ref.diagonal() == null ? List.of() : floatMismatches(ref.diagonal(), theirs.diagonal());
        List<String> hints = hints(bits, count, ours, theirs.codes(), codes.size(), refScales, theirs.scales(),
                scaleMismatches.size());
        return new CodeComparison(count, codes, refScales.length, scaleMismatches,
                ref.diagonal() == null ? 0 : ref.diagonal().length, diag, hints);
    }

    static Kind classify(int expected, int theirs, float xbar, float[] midpoints) {
        if (Math.abs(expected - theirs) != 1) {
            return Kind.WRONG;
        }
        float m = midpoints[Math.min(expected, theirs)];
        if (xbar == m) {
            return Kind.TIE_RULE;
        }
        long ulps = Ulps.between(xbar, m);
        return ulps >= 0 && ulps <= NEAR_ULPS ? Kind.NEAR_MIDPOINT : Kind.WRONG;
    }

    private static int nearestMidpoint(float[] midpoints, float xbar) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int k = 0; k < midpoints.length; k++) {
            double d = Math.abs((double) xbar - midpoints[k]);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static List<FloatMismatch> floatMismatches(float[] expected, float[] theirs) {
        List<FloatMismatch> out = new ArrayList<>();
        for (int k = 0; k < expected.length; k++) {
            if (Float.floatToRawIntBits(expected[k]) != Float.floatToRawIntBits(theirs[k])) {
                out.add(new FloatMismatch(k, expected[k], theirs[k], Ulps.between(expected[k], theirs[k])));
            }
        }
        return out;
    }

    /** Recognizable systematic differences: swapped nibbles, reciprocal scales. */
    private static List<String> hints(int bits, int count, PackedCodes ours, byte[] theirBytes, int codeMismatches,
                                      float[] refScales, float[] theirScales, int scaleMismatches) {
        List<String> hints = new ArrayList<>();
        if (bits == 4 && codeMismatches > 0) {
            byte[] swapped = theirBytes.clone();
            for (int k = 0; k < swapped.length; k++) {
                swapped[k] = (byte) (((swapped[k] & 0x0f) << 4) | ((swapped[k] & 0xf0) >>> 4));
            }
            PackedCodes s = PackedCodes.of(bits, count, swapped);
            boolean all = true;
            for (int k = 0; k < count - (count & 1) && all; k++) {
                all = s.get(k) == ours.get(k);
            }
            if (all) {
                hints.add("with the two nibbles of every byte swapped, all codes agree: the other side packs the "
                        + "higher column into the low nibble; the contract puts the lower column there");
            }
        }
        if (scaleMismatches > 0) {
            boolean reciprocal = true;
            boolean any = false;
            for (int k = 0; k < refScales.length && reciprocal; k++) {
                if (refScales[k] != 0f) {
                    any = true;
                    reciprocal = Math.abs((double) theirScales[k] * refScales[k] - 1.0) <= 0x1p-22;
                }
            }
            if (reciprocal && any) {
                hints.add("the other side's scales are the reciprocals 1/N of the block absmax; the scales file holds "
                        + "N itself (x̄ = x·fl(1/N) is computed, not stored)");
            }
        }
        if (scaleMismatches == 0 && codeMismatches > 0) {
            hints.add("all scales agree: the difference is in the encoding step (x̄ = x·fl(1/N), nearest entry by "
                    + "fp32 midpoints, ties to the even index) or in the packing");
        }
        return hints;
    }

    /** Number of codes compared. */
    public int codeCount() {
        return codeCount;
    }

    /** Every code that differs, in stored order. */
    public List<CodeMismatch> codeMismatches() {
        return codeMismatches;
    }

    /** Number of mismatches of a kind. */
    public long count(Kind kind) {
        return codeMismatches.stream().filter(m -> m.kind() == kind).count();
    }

    /** Number of scales compared. */
    public int scaleCount() {
        return scaleCount;
    }

    /** Every scale that differs (bit pattern). */
    public List<FloatMismatch> scaleMismatches() {
        return scaleMismatches;
    }

    /** Number of kept diagonal values compared (0 for FULL). */
    public int diagonalCount() {
        return diagonalCount;
    }

    /** Every kept diagonal value that differs. */
    public List<FloatMismatch> diagonalMismatches() {
        return diagonalMismatches;
    }

    /** Observations about systematic differences, in words. */
    public List<String> hints() {
        return hints;
    }

    /**
     * Agreement with the contract: no code, scale or diagonal differs — except, with {@code allowTies}, codes
     * that differ only by the tie rule.
     */
    public boolean agrees(boolean allowTies) {
        long codes = allowTies ? codeMismatches.size() - count(Kind.TIE_RULE) : codeMismatches.size();
        return codes == 0 && scaleMismatches.isEmpty() && diagonalMismatches.isEmpty();
    }
}
