package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlockKernel} must do, checked against the reference path ({@link CodeTable#encode}, the
 * per-element product M(c)·N, a float absmax): bit for bit, on runs built to hit thresholds, their fp32
 * neighbours, entries, signed zeros, subnormals, the +∞ scale and every offset and length parity the
 * quantizer uses. Subclassed per implementation.
 *
 * <p>Under {@code -Pextended} ({@code qshampoo.exhaustive=true}) also every fp32 x̄ in [−1, 1] (2 130 706 434
 * bit patterns, ±0 included) through {@link BlockKernel#encode4} for each 4-bit table (for the scalar kernel
 * that is {@link GroupedBucketEncoder}, which {@code GroupedBucketEncoderProperties} also checks on its own).
 */
abstract class BlockKernelContract {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
    static final Mapping[] MAPPINGS = Mapping.values();

    /** The kernel under test for {@code table}. */
    abstract BlockKernel kernel(CodeTable table);

    static CodeTable table4(SplittableRandom r) {
        return CodeTable.of(MAPPINGS[r.nextInt(MAPPINGS.length)], 4);
    }

    /** A value that x or x̄ takes at an edge of the rule, or an ordinary one. */
    static float value(SplittableRandom r, CodeTable t) {
        float[] th = t.thresholdsArray();
        switch (r.nextInt(10)) {
            case 0:
                return th[r.nextInt(th.length - 1)];
            case 1:
                return Math.nextUp(th[r.nextInt(th.length - 1)]);
            case 2:
                return Math.nextDown(th[r.nextInt(th.length - 1)]);
            case 3:
                return t.midpoints()[r.nextInt(t.size() - 1)];
            case 4:
                return t.value(r.nextInt(t.size()));
            case 5:
                return r.nextBoolean() ? 0f : -0f;
            case 6:
                // subnormal, either sign
                return Float.intBitsToFloat(r.nextInt(1, 0x800000) | (r.nextBoolean() ? 0x80000000 : 0));
            case 7:
                // any finite bit pattern
                float f;
                do {
                    f = Float.intBitsToFloat(r.nextInt());
                } while (!Float.isFinite(f));
                return f;
            default:
                return (float) (2 * r.nextDouble() - 1);
        }
    }

    static float[] values(SplittableRandom r, CodeTable t, int n) {
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = value(r, t);
        }
        return x;
    }

    /** A scale as the quantizer forms one, or one that makes x̄ overflow, underflow or NaN. */
    static float scale(SplittableRandom r, float[] x, int from, int to) {
        switch (r.nextInt(6)) {
            case 0:
                return 1f;
            case 1:
                return Float.POSITIVE_INFINITY;
            case 2:
                return 0f;
            case 3:
                return Float.intBitsToFloat(r.nextInt(0x7f800000));
            default: {
                float n = 0f;
                for (int k = from; k < to; k++) {
                    n = Math.max(n, Math.abs(x[k]));
                }
                return BlockKernel.reciprocal(n);
            }
        }
    }

    /** The reference: codes table.encode(x[k]·scale) packed into a copy of {@code out} from byte {@code byte0}. */
    static byte[] encodeReference(CodeTable t, float[] x, int from, int to, float scale, byte[] out, int byte0) {
        byte[] e = out.clone();
        for (int k = from; k < to; k++) {
            PackedCodes.set(e, 4, 2 * byte0 + (k - from), t.encode(x[k] * scale));
        }
        return e;
    }

    @Test
    void encodesLikeTheReferenceRule() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            CodeTable t = table4(r);
            BlockKernel k = kernel(t);
            int from = r.nextInt(40);
            int len = 2 * r.nextInt(150);
            float[] x = values(r, t, from + len + r.nextInt(40));
            float scale = scale(r, x, from, from + len);
            byte[] out = new byte[len / 2 + 10];
            r.nextBytes(out);
            int byte0 = r.nextInt(10);
            byte[] expected = encodeReference(t, x, from, from + len, scale, out, byte0);
            k.encode4(x, from, from + len, scale, out, byte0);
            assertArrayEquals(expected, out, () -> t + ", scale " + scale + ", seed " + seed);
        });
    }

    @Test
    void maxAbsBitsIsTheLargestMagnitude() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            CodeTable t = table4(r);
            int from = r.nextInt(40);
            int len = r.nextInt(300);
            float[] x = values(r, t, from + len + r.nextInt(40));
            boolean finite = r.nextInt(4) > 0;
            if (!finite && len > 0) {
                float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0xffc00001)};
                x[from + r.nextInt(len)] = bad[r.nextInt(bad.length)];
            }
            float n = 0f;
            boolean nonFinite = false;
            for (int i = from; i < from + len; i++) {
                n = Math.max(n, Math.abs(x[i]));
                nonFinite |= !Float.isFinite(x[i]);
            }
            int m = kernel(t).maxAbsBits(x, from, from + len);
            if (nonFinite) {
                assertTrue(m >= BlockKernel.INF_BITS, "a non-finite element must give a pattern ≥ +∞'s");
            } else {
                assertEquals(Float.floatToIntBits(n), m);
            }
        });
    }

    @Test
    void rowSegmentsAreBlocksOfAbsmaxScaleAndCodes() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            CodeTable t = table4(r);
            int b = 32 << r.nextInt(3);
            int off = r.nextInt(20);
            int len = 2 * r.nextInt(200);
            float[] x = new float[off + len + 5];
            // an ordinary row (x̄ in [-1, 1]) with edge values, sometimes one block scaled into the subnormals
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextInt(3) == 0 ? value(r, t) : (float) r.nextGaussian();
            }
            if (len > 0 && r.nextBoolean()) {
                int s = b * r.nextInt((len + b - 1) / b);
                for (int i = off + s; i < Math.min(off + s + b, off + len); i++) {
                    x[i] *= 0x1p-140f;
                }
            }
            int bad = len > 0 && r.nextInt(5) == 0 ? r.nextInt(len) : -1;
            if (bad >= 0) {
                x[off + bad] = Float.NaN;
            }
            int blocks = (len + b - 1) / b;
            int s0 = r.nextInt(4);
            int byte0 = r.nextInt(4);
            float[] scales = new float[s0 + blocks];
            float[] expScales = scales.clone();
            byte[] out = new byte[byte0 + len / 2];
            byte[] exp = out.clone();
            int good = bad < 0 ? blocks : bad / b;
            for (int q = 0; q < good; q++) {
                int s = q * b;
                int e = Math.min(s + b, len);
                float n = 0f;
                for (int i = off + s; i < off + e; i++) {
                    n = Math.max(n, Math.abs(x[i]));
                }
                expScales[s0 + q] = n;
                exp = encodeReference(t, x, off + s, off + e, BlockKernel.reciprocal(n), exp, byte0 + s / 2);
            }
            boolean ok = kernel(t).rowSegments4(x, off, len, b, scales, s0, out, byte0);
            assertEquals(bad < 0, ok, "false iff a non-finite element");
            assertArrayEquals(Arrays.copyOf(expScales, s0 + good), Arrays.copyOf(scales, s0 + good), "scales");
            int written = bad < 0 ? out.length : byte0 + good * b / 2;
            assertArrayEquals(Arrays.copyOf(exp, written), Arrays.copyOf(out, written), "codes, seed " + seed);
        });
    }

    @Test
    void decodesToTheEntryTimesTheScale() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            CodeTable t = table4(r);
            int pairs = r.nextInt(120);
            int byte0 = r.nextInt(10);
            int off = r.nextInt(10);
            byte[] codes = new byte[byte0 + pairs + r.nextInt(10)];
            r.nextBytes(codes);
            float n = r.nextBoolean() ? Math.abs(value(r, t)) : (float) Math.abs(r.nextGaussian());
            float[] df = new float[off + 2 * pairs + 3];
            double[] dd = new double[df.length];
            Arrays.fill(df, -7f);
            Arrays.fill(dd, -7.0);
            float[] ef = df.clone();
            double[] ed = dd.clone();
            for (int p = 0; p < pairs; p++) {
                int c = codes[byte0 + p] & 0xff;
                ef[off + 2 * p] = t.value(c & 0xf) * n;
                ef[off + 2 * p + 1] = t.value(c >>> 4) * n;
                ed[off + 2 * p] = ef[off + 2 * p];
                ed[off + 2 * p + 1] = ef[off + 2 * p + 1];
            }
            BlockKernel k = kernel(t);
            k.decode4(codes, byte0, pairs, n, df, off);
            k.decode4(codes, byte0, pairs, n, dd, off);
            assertArrayEquals(BlockQuantizerProperties.bitsOf(ef), BlockQuantizerProperties.bitsOf(df), "float");
            assertArrayEquals(ed, dd, 0.0, "double");
        });
    }

    /** Whether the exhaustive test below should run for this kernel (the selected-kernel suite skips a duplicate). */
    boolean exhaustive() {
        return true;
    }

    /**
     * Every fp32 x̄ in [−1, 1] encoded by the kernel (scale 1, so x̄ = x exactly) and by {@link CodeTable#encode},
     * for the three 4-bit tables: 6.4·10⁹ codes, 50 s for the scalar kernel on JDK 17 and 42 s for the Vector API
     * kernel on JDK 25 on one core of the 2-core development VM (the reference search dominates).
     */
    @Test
    void everyFloatInTheUnitIntervalEncodesLikeTheReference() {
        assumeTrue(Boolean.getBoolean("qshampoo.exhaustive"), "runs with -Pextended (qshampoo.exhaustive=true)");
        assumeTrue(exhaustive(), "the same kernel is checked exhaustively by another suite");
        for (Mapping mapping : MAPPINGS) {
            CodeTable t = CodeTable.of(mapping, 4);
            UnitIntervalSweep.assertEveryFloatEncodesLikeReference(t, kernel(t)::encode4);
        }
    }
}
