package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The CPU block quantizer against the naive one, and the mathematical properties of Q and D. */
class BlockQuantizerProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
    static final ForkJoinPool POOL = new ForkJoinPool(3);

    @AfterAll
    static void shutdown() {
        POOL.shutdown();
    }

    static Gen<QuantCase> cases(int maxDim) {
        return longs().all().map(seed -> QuantCase.of(seed, maxDim));
    }

    /** Runs q on the case; returns codes, scales, diagonal. */
    static Object[] run(BlockQuantizer q, QuantCase c, float[] x) {
        byte[] codes = new byte[PackedCodes.byteLength(c.bits(), (int) c.mode().codeCount(c.rows(), c.cols()))];
        float[] scales = new float[c.layout().blockCount(c.mode(), c.rows(), c.cols())];
        float[] diag = c.mode().keepsDiagonal() ? new float[c.rows()] : null;
        q.quantize(x, c.rows(), c.cols(), c.mode(), codes, scales, diag);
        return new Object[] {codes, scales, diag};
    }

    static int[] unpack(QuantCase c, byte[] codes) {
        return PackedCodes.of(c.bits(), (int) c.mode().codeCount(c.rows(), c.cols()), codes).unpack();
    }

    static int[] bitsOf(float[] v) {
        if (v == null) {
            return null;
        }
        int[] out = new int[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = Float.floatToRawIntBits(v[k]);
        }
        return out;
    }

    @Test
    void parallelEqualsSequential() {
        qt().withExamples(EXAMPLES).forAll(cases(300)).checkAssert(c -> {
            Object[] seq = run(CpuBlockQuantizer.sequential(c.table(), c.layout()), c, c.x());
            Object[] par = run(CpuBlockQuantizer.parallel(c.table(), c.layout(), POOL), c, c.x());
            assertArrayEquals((byte[]) seq[0], (byte[]) par[0]);
            assertArrayEquals((float[]) seq[1], (float[]) par[1]);
            assertArrayEquals((float[]) seq[2], (float[]) par[2]);
            double[] a = new double[c.rows() * c.cols()];
            double[] b = new double[c.rows() * c.cols()];
            CpuBlockQuantizer.sequential(c.table(), c.layout())
                    .dequantize((byte[]) seq[0], (float[]) seq[1], (float[]) seq[2], c.rows(), c.cols(), c.mode(), a);
            CpuBlockQuantizer.parallel(c.table(), c.layout(), ForkJoinPool.commonPool())
                    .dequantize((byte[]) seq[0], (float[]) seq[1], (float[]) seq[2], c.rows(), c.cols(), c.mode(), b);
            assertArrayEquals(a, b);
        });
    }

    @Test
    void doubleInputIsRoundedToFloatFirst() {
        qt().withExamples(EXAMPLES).forAll(cases(100)).checkAssert(c -> {
            SplittableRandom r = new SplittableRandom(c.seed());
            double[] d = new double[c.x().length];
            float[] rounded = new float[d.length];
            for (int k = 0; k < d.length; k++) {
                // a double within half an ulp of the float either way: rounding gives the float or a neighbour
                d[k] = c.x()[k] + (r.nextDouble() - 0.5) * Math.ulp(c.x()[k]);
                rounded[k] = (float) d[k];
            }
            CpuBlockQuantizer q = CpuBlockQuantizer.sequential(c.table(), c.layout());
            Object[] fromFloat = run(q, c, rounded);
            byte[] codes = new byte[((byte[]) fromFloat[0]).length];
            float[] scales = new float[((float[]) fromFloat[1]).length];
            float[] diag = c.mode().keepsDiagonal() ? new float[c.rows()] : null;
            q.quantize(d, c.rows(), c.cols(), c.mode(), codes, scales, diag);
            assertArrayEquals((byte[]) fromFloat[0], codes);
            assertArrayEquals((float[]) fromFloat[1], scales);
            assertArrayEquals((float[]) fromFloat[2], diag);
            float[] df = new float[d.length];
            double[] dd = new double[d.length];
            q.dequantize(codes, scales, diag, c.rows(), c.cols(), c.mode(), df);
            q.dequantize(codes, scales, diag, c.rows(), c.cols(), c.mode(), dd);
            for (int k = 0; k < d.length; k++) {
                assertEquals((double) df[k], dd[k], 0.0, "widening is exact");
            }
        });
    }

    /**
     * |x − D(Q(x))| ≤ N·(r + 2^-22) + 2^-149 per element, N the element's block absmax and r the table's
     * {@link CodeTable#maxRoundingDistance()} (half its widest gap, or the distance from ±1 to its ends).
     * <p>Slack, from fp32 rounding with u = 2^-24 (s = fl(1/N) normal): s = (1+δ₁)/N; x̄ = fl(x·s) =
     * x·s·(1+δ₂) (+ at most 2^-150 if it underflows); the fp32 midpoint differs from the exact one by at most
     * half an ulp of a number below 1, 2^-25, so |x̄ − M(q)| ≤ r + 2^-25; D = fl(M(q)·N) = M(q)·N·(1+δ₃)
     * (+ 2^-150). With |x| ≤ N, |M(q)| ≤ 1: |x − D| ≤ N·(r + 2^-25 + 3.0001u) + 2^-149 ≤ N·(r + 2^-22) + 2^-149.
     * The difference and the bound are evaluated in double, whose rounding (relative 2^-53) is far below the slack.
     */
    @Test
    void errorIsAtMostNTimesTheRoundingDistance() {
        qt().withExamples(EXAMPLES).forAll(cases(120)).checkAssert(c -> {
            QuantizedMatrix q = QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(), c.config());
            float[] d = q.dequantize();
            double r = c.table().maxRoundingDistance();
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    double err = Math.abs((double) c.x()[i * c.cols() + j] - d[i * c.cols() + j]);
                    if (c.mode() != StorageMode.FULL && i == j) {
                        assertEquals(0.0, err, "the fp32 diagonal is exact");
                    } else if (c.mode() == StorageMode.STRICTLY_LOWER && j > i) {
                        assertEquals(0f, d[i * c.cols() + j], "zeros above the diagonal");
                    } else {
                        double n = q.scaleOf(i, j);
                        double bound = n * (r + 0x1p-22) + 0x1p-149;
                        assertTrue(err <= bound, "element [" + i + ", " + j + "] error " + err + " > " + bound);
                    }
                }
            }
        });
    }

    /**
     * Q(D(Q(x))) = Q(x) (codes, scales and diagonal) for the tables that contain ±1: the absmax element
     * decodes to ±N exactly, so the scales repeat, and fl(fl(M(q)·N)·s) is within 3 ulps of M(q), far inside
     * the interval between q's fp32 midpoints. The dynamic tree has no −1: there it holds when every block's
     * absmax is attained by a positive element (see {@code QuantizedMatrixTest#dynamicTreeIsNotIdempotent…}).
     */
    @Test
    void requantizingTheDequantizedMatrixGivesTheSameCodes() {
        qt().withExamples(EXAMPLES).forAll(cases(120)).checkAssert(c -> {
            float[] x = c.x().clone();
            if (c.mapping() == Mapping.DYNAMIC) {
                makeBlockMaximaPositive(x, c);
            }
            QuantizedMatrix q = QuantizedMatrix.quantize(x, c.rows(), c.cols(), c.mode(), c.config());
            QuantizedMatrix q2 = QuantizedMatrix.quantize(q.dequantize(), c.rows(), c.cols(), c.mode(), c.config());
            assertEquals(q, q2);
            assertArrayEquals(q.codes().toByteArray(), q2.codes().toByteArray());
        });
    }

    /** Flips the sign of every element whose magnitude equals its block's absmax (DiagReal: ignoring the diagonal). */
    static void makeBlockMaximaPositive(float[] x, QuantCase c) {
        for (List<int[]> blk : ReferenceBlockQuantizer.blocks(c.rows(), c.cols(), c.mode(), c.layout())) {
            float n = 0f;
            for (int[] p : blk) {
                if (!(c.mode() == StorageMode.DIAG_REAL && p[0] == p[1])) {
                    n = Math.max(n, Math.abs(x[p[0] * c.cols() + p[1]]));
                }
            }
            for (int[] p : blk) {
                int k = p[0] * c.cols() + p[1];
                if (Math.abs(x[k]) == n && !(c.mode() == StorageMode.DIAG_REAL && p[0] == p[1])) {
                    x[k] = n;
                }
            }
        }
    }

    @Test
    void allZeroBlocksDequantizeToExactlyZero() {
        qt().withExamples(EXAMPLES).forAll(cases(120)).checkAssert(c -> {
            QuantizedMatrix q = QuantizedMatrix.quantize(c.x(), c.rows(), c.cols(), c.mode(), c.config());
            float[] d = q.dequantize();
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    boolean stored = c.mode() == StorageMode.STRICTLY_LOWER ? j < i : !(c.mode() == StorageMode.DIAG_REAL && i == j);
                    if (stored && q.scaleOf(i, j) == 0f) {
                        assertEquals(0, Float.floatToRawIntBits(d[i * c.cols() + j]), "element [" + i + ", " + j + "] is +0");
                    }
                }
            }
        });
    }

    @Test
    void diagonalMatricesRoundTripExactly() {
        qt().withExamples(EXAMPLES).forAll(cases(120)).checkAssert(c -> {
            if (c.mode() == StorageMode.FULL) {
                return; // FULL has no fp32 diagonal
            }
            int n = c.rows();
            float[] x = new float[n * n];
            for (int i = 0; i < n; i++) {
                x[i * n + i] = c.x()[i * n + (n - 1 - i)]; // any finite values, zeros included
            }
            QuantizedMatrix q = QuantizedMatrix.quantize(x, n, n, c.mode(), c.config());
            assertArrayEquals(bitsOf(x), bitsOf(q.dequantize()));
            for (float s : q.scales()) {
                assertEquals(0f, s);
            }
        });
    }
}
