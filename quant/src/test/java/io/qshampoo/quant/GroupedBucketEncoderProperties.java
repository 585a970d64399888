package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupedBucketEncoder} against {@link CodeTable#encode}, bit for bit: on the two edges of every bucket
 * (a wrong code or a missing flag in any bucket shows at one of them), on every threshold, midpoint and entry with
 * two fp32 neighbours on each side, at every position of a group of four and in the pair that ends a run; and,
 * under {@code -Pextended} ({@code qshampoo.exhaustive=true}), on every fp32 x̄ in [−1, 1]. Tables: the three
 * built-in 4-bit tables and two given as data.
 */
class GroupedBucketEncoderProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    static List<CodeTable> tables() {
        List<CodeTable> t = new ArrayList<>();
        for (Mapping m : Mapping.values()) {
            t.add(CodeTable.of(m, 4));
        }
        // a torch-linspace-like linear-2 table (an entry two ulps off) and a lopsided one
        float[] v = CodeTable.of(Mapping.LINEAR_2, 4).values();
        v[8] = Math.nextUp(Math.nextUp(v[8]));
        t.add(CodeTable.custom(Mapping.LINEAR_2, v));
        float[] w = new float[16];
        for (int k = 0; k < 16; k++) {
            w[k] = (float) (2 * Math.pow(k / 15.0, 3) - 1); // dense at −1, sparse at +1
        }
        t.add(CodeTable.custom(Mapping.LINEAR, w));
        return t;
    }

    /** Codes of x[from … to) by the reference rule, packed from out[byte0] into a copy of out. */
    static byte[] reference(CodeTable t, float[] x, int from, int to, byte[] out, int byte0) {
        byte[] e = out.clone();
        for (int k = from; k < to; k++) {
            PackedCodes.set(e, 4, 2 * byte0 + (k - from), t.encode(x[k]));
        }
        return e;
    }

    static void encode(CodeTable t, float[] x, int from, int to, float scale, byte[] out, int byte0) {
        GroupedBucketEncoder.encode(t.buckets(), t.thresholdsArray(), x, from, to, scale, out, byte0);
    }

    /** Encodes x (even length) from offset 0 with scale 1 (x̄ = x exactly) and compares with the reference. */
    static void assertEncodesLikeReference(CodeTable t, float[] x, String what) {
        byte[] got = new byte[x.length / 2];
        encode(t, x, 0, x.length, 1f, got, 0);
        byte[] expected = reference(t, x, 0, x.length, new byte[got.length], 0);
        int m = Arrays.mismatch(expected, got);
        if (m >= 0) {
            throw new AssertionError(t + ", " + what + ": the codes of " + x[2 * m] + " or " + x[2 * m + 1]
                    + " differ: byte 0x" + Integer.toHexString(got[m] & 0xff) + ", reference 0x"
                    + Integer.toHexString(expected[m] & 0xff));
        }
    }

    /** The finite (or infinite, never NaN) floats at both ends of every bucket, and the ones just inside. */
    static float[] bucketEdges() {
        int buckets = 1 << CodeTable.BUCKET_BITS;
        float[] x = new float[4 * buckets];
        int n = 0;
        for (int b = 0; b < buckets; b++) {
            int lo = b << CodeTable.BUCKET_SHIFT;
            int hi = lo | ((1 << CodeTable.BUCKET_SHIFT) - 1);
            for (int bits : new int[] {lo, lo + 1, hi - 1, hi}) {
                float f = Float.intBitsToFloat(bits);
                if (!Float.isNaN(f)) {
                    x[n++] = f;
                }
            }
        }
        return Arrays.copyOf(x, n & ~1);
    }

    @Test
    void everyBucketEdgeEncodesLikeTheReference() {
        float[] edges = bucketEdges();
        for (CodeTable t : tables()) {
            assertEncodesLikeReference(t, edges, "bucket edges");
        }
    }

    /** Thresholds, midpoints and entries, each with two fp32 neighbours on either side, and special values. */
    static float[] edgeValues(CodeTable t) {
        List<Float> v = new ArrayList<>();
        List<Float> centres = new ArrayList<>();
        for (float m : t.midpoints()) {
            centres.add(m);
        }
        for (float th : t.thresholdsArray()) {
            centres.add(th);
        }
        for (float e : t.values()) {
            centres.add(e);
        }
        for (float c : centres) {
            float lo = c;
            float hi = c;
            v.add(c);
            for (int i = 0; i < 2; i++) {
                lo = Math.nextDown(lo);
                hi = Math.nextUp(hi);
                v.add(lo);
                v.add(hi);
            }
        }
        for (float s : new float[] {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
                Math.nextDown(Float.MIN_NORMAL), -Math.nextDown(Float.MIN_NORMAL), 1f, -1f, Math.nextUp(1f),
                Math.nextDown(-1f), Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            v.add(s);
        }
        float[] x = new float[v.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = v.get(i);
        }
        return x;
    }

    @Test
    void everyThresholdAndItsNeighboursEncodeLikeTheReferenceAtEveryPositionOfAGroup() {
        for (CodeTable t : tables()) {
            float[] e = edgeValues(t);
            // each value at position p of a group of four (p = 0 … 3), and in the closing pair (run length 4g + 2),
            // the other positions holding the values beside it in the list
            for (int p = 0; p < 4; p++) {
                float[] x = new float[4 * e.length + 2];
                for (int i = 0; i < e.length; i++) {
                    for (int q = 0; q < 4; q++) {
                        x[4 * i + q] = e[(i + (q - p) + e.length) % e.length];
                    }
                }
                x[x.length - 2] = e[p];
                x[x.length - 1] = e[e.length - 1 - p];
                assertEncodesLikeReference(t, x, "edge values at position " + p);
            }
        }
    }

    @Test
    void runsOfEdgeValuesAtAnyOffsetAndScaleEncodeLikeTheReference() {
        List<CodeTable> tables = tables();
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            CodeTable t = tables.get(r.nextInt(tables.size()));
            float[] e = edgeValues(t);
            int from = r.nextInt(9);
            int len = 2 * r.nextInt(70);
            float[] x = new float[from + len + r.nextInt(5)];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(4) == 0 ? (float) r.nextGaussian() : e[r.nextInt(e.length)];
            }
            // scale 1 keeps the edge values as x̄; another finite scale moves them (x̄ = fl(x·scale) either way)
            float scale = r.nextBoolean() ? 1f : (float) Math.scalb(1.0 + r.nextDouble(), r.nextInt(-130, 10));
            byte[] out = new byte[len / 2 + 6];
            r.nextBytes(out);
            int byte0 = r.nextInt(6);
            float[] xbar = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                xbar[i] = x[i] * scale;
            }
            byte[] expected = reference(t, xbar, from, from + len, out, byte0);
            encode(t, x, from, from + len, scale, out, byte0);
            assertArrayEquals(expected, out, () -> t + ", scale " + scale + ", seed " + seed);
        });
    }

    /**
     * Every fp32 x̄ in [−1, 1] through the encoder for each built-in 4-bit table ({@link UnitIntervalSweep}):
     * 6.4·10⁹ codes.
     */
    @Test
    void everyFloatInTheUnitIntervalEncodesLikeTheReference() {
        assumeTrue(Boolean.getBoolean("qshampoo.exhaustive"), "runs with -Pextended (qshampoo.exhaustive=true)");
        for (Mapping mapping : Mapping.values()) {
            CodeTable t = CodeTable.of(mapping, 4);
            UnitIntervalSweep.assertEveryFloatEncodesLikeReference(t, (x, from, to, scale, out, byte0) ->
                    encode(t, x, from, to, scale, out, byte0));
        }
    }
}
