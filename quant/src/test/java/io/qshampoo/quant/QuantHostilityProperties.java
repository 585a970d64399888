package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Numerical hostility for quant's public entry points: the block quantizers (the reference and the fast one, float
 * and double input), {@link CodeTable#encode} and custom tables, and {@link QuantizationConfig}. Inputs: exact
 * zeros, constants, 1e-30, 1e30, fp32 subnormals, values near FLT_MAX, 1e±30 in one block, rank one, n = 1 … 9,
 * every storage mode, mapping and bit width. Each call either throws an {@link IllegalArgumentException} with a
 * message, or returns a finite result within its documented bound; refusals are counted and a minimum share of real
 * results is required.
 */
class QuantHostilityProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    static final String[] KINDS = {"zeros", "constant", "1e-30", "1e30", "fp32 subnormal", "near FLT_MAX",
        "mixed 1e±30", "rank one", "gaussian"};

    static float[] matrix(int kind, int rows, int cols, SplittableRandom r) {
        float[] x = new float[rows * cols];
        float[] u = new float[rows];
        float[] v = new float[cols];
        for (int i = 0; i < rows; i++) {
            u[i] = (float) r.nextGaussian();
        }
        for (int j = 0; j < cols; j++) {
            v[j] = (float) r.nextGaussian();
        }
        for (int k = 0; k < x.length; k++) {
            x[k] = switch (kind) {
                case 0 -> 0f;
                case 1 -> 0.5f;
                case 2 -> (float) (1e-30 * r.nextGaussian());
                case 3 -> (float) (1e30 * r.nextGaussian());
                case 4 -> Float.MIN_VALUE * (r.nextInt(2001) - 1000);
                case 5 -> (float) (Float.MAX_VALUE * (2 * r.nextDouble() - 1));
                case 6 -> (float) ((r.nextBoolean() ? 1e30 : 1e-30) * r.nextGaussian());
                case 7 -> u[k / cols] * v[k % cols];
                default -> (float) r.nextGaussian();
            };
        }
        return x;
    }

    /**
     * Quantize then dequantize, on the reference and the fast quantizer: never refused (every input is finite), the
     * two agree bit for bit, the result is finite, the fp32 diagonal is restored exactly (DIAG_REAL,
     * STRICTLY_LOWER), zeros stand above it (STRICTLY_LOWER), and every stored element x with block maximum N is
     * within N·(r + 2^-22) + 2^-149 of x (r = maxRoundingDistance; derivation in
     * {@code BlockQuantizerProperties#errorIsAtMostNTimesTheRoundingDistance}, which needs fl(1/N) normal, N ≥
     * 2^-126). For N &lt; 2^-126 the kernel's scale 1/N is +∞ or above 2^126 and the documented result is only
     * |x'| ≤ N, so |x − x'| ≤ 2N. The double overload of the widened input gives the same codes.
     */
    @Test
    void quantizersRoundTripHostileMatricesWithinTheirBound() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, KINDS.length - 1), integers().between(0, 9 * 3 - 1),
                integers().between(0, 3 * 3 * 2 - 1), longs().all()).checkAssert((kind, shape, table, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    StorageMode mode = StorageMode.values()[shape % 3];
                    int rows = 1 + shape / 3;
                    int cols = mode == StorageMode.FULL ? 1 + r.nextInt(9) : rows;
                    CodeTable t = CodeTable.of(Mapping.values()[table % 3], new int[] {3, 4, 8}[table / 3 % 3]);
                    BlockLayout layout = table / 9 == 0 ? BlockLayout.rowSegments(32) : BlockLayout.tiles(32);
                    float[] x = matrix(kind, rows, cols, r);
                    String where = KINDS[kind] + ", " + rows + "×" + cols + ", " + mode + ", " + t + ", " + layout;
                    BlockQuantizer[] qs = {ReferenceBlockQuantizer.of(t, layout), CpuBlockQuantizer.sequential(t, layout)};
                    byte[][] codes = new byte[2][PackedCodes.byteLength(t.bits(), (int) mode.codeCount(rows, cols))];
                    float[][] scales = new float[2][layout.blockCount(mode, rows, cols)];
                    float[][] diag = new float[2][mode.diagonalLength(rows, cols)];
                    float[][] d = new float[2][rows * cols];
                    for (int q = 0; q < 2; q++) {
                        qs[q].quantize(x, rows, cols, mode, codes[q], scales[q], diag[q]);
                        qs[q].dequantize(codes[q], scales[q], diag[q], rows, cols, mode, d[q]);
                    }
                    assertArrayEquals(codes[0], codes[1], where + ": codes differ between the quantizers");
                    assertArrayEquals(d[0], d[1], where + ": dequantized values differ between the quantizers");
                    double[] wide = new double[x.length];
                    for (int k = 0; k < x.length; k++) {
                        wide[k] = x[k];
                    }
                    byte[] codes64 = new byte[codes[0].length];
                    qs[1].quantize(wide, rows, cols, mode, codes64, new float[scales[0].length], new float[diag[0].length]);
                    assertArrayEquals(codes[0], codes64, where + ": the double overload gives other codes");
                    QuantizedMatrix qm = QuantizedMatrix.quantize(x, rows, cols, mode, new QuantizationConfig(t.mapping(),
                            t.bits(), layout, 0));
                    double rd = t.maxRoundingDistance();
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            float xv = x[i * cols + j];
                            float dv = d[0][i * cols + j];
                            String at = where + ", element [" + i + ", " + j + "] = " + xv + " → " + dv;
                            require(Float.isFinite(dv), at + ": not finite");
                            if (mode != StorageMode.FULL && i == j) {
                                require(dv == xv, at + ": the fp32 diagonal is not exact");
                            } else if (mode == StorageMode.STRICTLY_LOWER && j > i) {
                                require(dv == 0f, at + ": not zero above the diagonal");
                            } else {
                                double n = qm.scaleOf(i, j);
                                double err = Math.abs((double) xv - dv);
                                double bound = n >= 0x1p-126 ? n * (rd + 0x1p-22) + 0x1p-149 : 2 * n;
                                require(err <= bound, at + ": error " + err + " exceeds " + bound + " (N = " + n + ")");
                            }
                        }
                    }
                });
    }

    /** An element of a double matrix beyond FLT_MAX is refused with its index; a double subnormal rounds to 0f. */
    @Test
    void doubleInputBeyondFloatRangeIsRefusedAndSubnormalsRoundToZero() {
        BlockQuantizer q = CpuBlockQuantizer.sequential(CodeTable.of(Mapping.LINEAR_2, 4), BlockLayout.DEFAULT);
        double[] x = {1, 2, 3e38, 1e39};
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> q.quantize(x, 2, 2, StorageMode.FULL, new byte[2], new float[2], null));
        require(e.getMessage() != null && e.getMessage().contains("1"), "message: " + e.getMessage());
        float[] d = new float[2];
        byte[] c = new byte[1];
        float[] s = new float[1];
        q.quantize(new double[] {Double.MIN_VALUE, -Double.MIN_VALUE}, 1, 2, StorageMode.FULL, c, s, null);
        q.dequantize(c, s, null, 1, 2, StorageMode.FULL, d);
        require(s[0] == 0f && d[0] == 0f && d[1] == 0f, "double subnormals: scale " + s[0] + ", values " + Arrays.toString(d));
    }

    /**
     * Every float — random bit patterns, so NaN, ±∞, ±0, subnormals and FLT_MAX included, plus each midpoint and its
     * neighbours — gets a code in [0, 2^b) equal to the documented rule #{k : x̄ &gt; m_k} + #{k odd : x̄ == m_k}
     * (NaN → 0), and the bucketed encoder agrees for every non-NaN float. Decoding {@link CodeTable#value} gives an
     * entry in [−1, 1] for a code in [0, 2^b) and refuses any other int naming it.
     */
    @Test
    void everyFloatEncodesByTheDocumentedRule() {
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 8), longs().all()).checkAssert((table, seed) -> {
            CodeTable t = CodeTable.of(Mapping.values()[table % 3], new int[] {3, 4, 8}[table / 3]);
            SplittableRandom r = new SplittableRandom(seed);
            float[] m = t.midpoints();
            for (int trial = 0; trial < 64; trial++) {
                float x = switch (trial % 4) {
                    case 0 -> Float.intBitsToFloat(r.nextInt());
                    case 1 -> Float.MIN_VALUE * (r.nextInt(201) - 100);
                    case 2 -> {
                        float mid = m[r.nextInt(m.length)];
                        yield r.nextBoolean() ? mid : r.nextBoolean() ? Math.nextUp(mid) : Math.nextDown(mid);
                    }
                    default -> new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
                        Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL}[r.nextInt(8)];
                };
                checkEncode(t, x, t + ", x̄ = " + x);
                // decode: M(encode(x̄)) is an entry in [−1, 1]; any other int is refused (it was an
                // ArrayIndexOutOfBoundsException)
                float m0 = t.value(t.encode(x));
                require(m0 >= -1f && m0 <= 1f, t + ": M(code) = " + m0);
                int bad = r.nextBoolean() ? t.size() + r.nextInt(Integer.MAX_VALUE - t.size()) : -1 - r.nextInt(Integer.MAX_VALUE);
                try {
                    t.value(bad);
                    require(false, t + ": code " + bad + " was decoded");
                } catch (IllegalArgumentException e) {
                    require(e.getMessage().contains(Integer.toString(bad)), t + ": message " + e.getMessage());
                }
            }
        });
    }

    private static void checkEncode(CodeTable t, float x, String where) {
        int code = t.encode(x);
        int rule = 0;
        if (!Float.isNaN(x)) {
            float[] m = t.midpoints();
            for (int k = 0; k < m.length; k++) {
                if (x > m[k] || (x == m[k] && (k & 1) == 1)) {
                    rule++;
                }
            }
        }
        require(code == rule, where + ": code " + code + ", the rule gives " + rule);
        require(Float.isNaN(x) || t.encodeFinite(x) == code, where + ": the bucketed encoder gives " + t.encodeFinite(x));
    }

    /**
     * Custom tables of hostile entries — neighbours one ulp apart, subnormal entries about 0, entries crowding ±1 —
     * are either refused with a message, or every entry encodes to itself and every float encodes by the rule.
     * At least a fifth of the tables are accepted (the generator mixes well-spaced ones in).
     */
    @Test
    void customTablesAreRefusedOrEncodeTheirOwnEntries() {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 3), integers().between(0, 1), longs().all())
                .checkAssert((style, wide, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int size = wide == 1 ? 16 : 8;
                    float[] v = new float[size];
                    for (int k = 0; k < size; k++) {
                        v[k] = switch (style) {
                            case 0 -> -1f + 2f * k / (size - 1); // well spaced
                            case 1 -> Math.nextUp(-1f + 2f * (k / 2) / (size - 1)) + (k % 2) * Math.ulp(1f); // ulp pairs
                            case 2 -> Float.MIN_VALUE * (k - size / 2); // subnormals about 0
                            default -> 1f - (size - 1 - k) * Math.ulp(1f) * (1 + r.nextInt(3)); // crowding +1
                        };
                    }
                    for (int k = 1; k < size; k++) {
                        if (!(v[k] > v[k - 1])) {
                            v[k] = Math.nextUp(v[k - 1]); // strictly increasing by construction
                        }
                    }
                    if (!(v[size - 1] <= 1f)) {
                        return;
                    }
                    String where = "custom table " + Arrays.toString(v);
                    CodeTable t;
                    try {
                        t = CodeTable.custom(Mapping.LINEAR, v);
                    } catch (IllegalArgumentException e) {
                        require(e.getMessage() != null && !e.getMessage().isBlank(), where + ": refused without a message");
                        refused.incrementAndGet();
                        return;
                    }
                    accepted.incrementAndGet();
                    for (int k = 0; k < size; k++) {
                        require(t.encode(v[k]) == k, where + ": entry " + k + " = " + v[k] + " encodes to " + t.encode(v[k]));
                        require(t.encodeFinite(v[k]) == k, where + ": entry " + k + " (bucketed) encodes to "
                                + t.encodeFinite(v[k]));
                    }
                    for (int trial = 0; trial < 32; trial++) {
                        float x = trial % 2 == 0 ? Float.intBitsToFloat(r.nextInt())
                                : Math.nextUp(v[r.nextInt(size)]) - Math.ulp(v[0]) * r.nextInt(3);
                        checkEncode(t, x, where + ", x̄ = " + x);
                    }
                    require(Double.isFinite(t.maxHalfGap()) && Double.isFinite(t.maxRoundingDistance()), where + ": gaps");
                });
        int total = accepted.get() + refused.get();
        require(accepted.get() >= total / 5, "only " + accepted.get() + " of " + total + " custom tables accepted");
    }

    /**
     * {@link QuantizationConfig} and {@link BlockLayout} over hostile integers (negative, zero, Integer.MIN/MAX_VALUE,
     * bit widths around 3, 4, 8): refused with a message, or a config whose quantizer round-trips a 1×1 matrix and
     * whose {@code quantizes} does not overflow. One field is hostile at a time; at least 10% are accepted.
     */
    @Test
    void configsAreRefusedOrUsable() {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        int[] hostile = {Integer.MIN_VALUE, -1, 0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 32, 33, 64, 2048, 2049, Integer.MAX_VALUE};
        // index 6 is 4 (bits), 15 is 64 (block size), 2 is 0 (minElements)
        qt().withExamples(EXAMPLES).forAll(integers().between(0, 2), integers().between(0, hostile.length - 1),
                integers().between(0, 5)).checkAssert((field, h, m) -> {
                    // one field hostile, the others valid (4 bits, blocks of 64, 4096 elements)
                    int b = field == 0 ? h : 6;
                    int blk = field == 1 ? h : 15;
                    int min = field == 2 ? h : 2;
                    String where = "bits " + hostile[b] + ", block " + hostile[blk] + ", minElements " + hostile[min];
                    QuantizationConfig c;
                    try {
                        BlockLayout layout = m % 2 == 0 ? BlockLayout.rowSegments(hostile[blk]) : BlockLayout.tiles(hostile[blk]);
                        c = new QuantizationConfig(Mapping.values()[m / 2], hostile[b], layout, hostile[min]);
                    } catch (IllegalArgumentException e) {
                        require(e.getMessage() != null && !e.getMessage().isBlank(), where + ": refused without a message");
                        refused.incrementAndGet();
                        return;
                    }
                    accepted.incrementAndGet();
                    require(c.quantizes(Integer.MAX_VALUE, Integer.MAX_VALUE) || c.minElements() > 0, where + ": quantizes");
                    QuantizedMatrix q = QuantizedMatrix.quantize(new float[] {0.75f}, 1, 1, StorageMode.FULL,
                            c.withMinElements(0));
                    float d = q.dequantize()[0];
                    require(Math.abs(0.75 - d) <= 0.75 * (c.table().maxRoundingDistance() + 0x1p-22), where + ": 0.75 → " + d);
                });
        int total = accepted.get() + refused.get();
        require(accepted.get() >= total / 10, "only " + accepted.get() + " of " + total + " configs accepted");
    }

    /**
     * Storage from elsewhere (a GPU kernel's buffers, a checkpoint) with hostile scales and diagonals — NaN, ±∞,
     * negative, subnormal, FLT_MAX — for {@link QuantizedMatrix#fromStorage} and {@link TriangularPair#fromStorage}:
     * refused with a message naming the entry, or every dequantized value is finite. Found: the diagonals (and, for
     * the pair, the scales) were not checked, and a NaN in them dequantized to NaN silently. About half the
     * buffers are accepted by construction.
     */
    @Test
    void storageIsRefusedOrDequantizesToFiniteValues() {
        float[] hostile = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, -0f, 0f, Float.MIN_VALUE,
            1e-30f, 1f, 1e30f, Float.MAX_VALUE};
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        QuantizationConfig c = new QuantizationConfig(Mapping.LINEAR_2, 4, BlockLayout.rowSegments(32), 0);
        qt().withExamples(EXAMPLES).forAll(integers().between(1, 40), integers().between(0, 1), longs().all())
                .checkAssert((n, pair, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    boolean clean = r.nextBoolean(); // half the buffers draw only from the valid values
                    java.util.function.IntFunction<float[]> draw = len -> {
                        float[] a = new float[len];
                        for (int k = 0; k < len; k++) {
                            a[k] = hostile[clean ? 5 + r.nextInt(hostile.length - 5) : r.nextInt(hostile.length)];
                        }
                        return a;
                    };
                    byte[] codes = new byte[PackedCodes.byteLength(4, (int) StorageMode.STRICTLY_LOWER.codeCount(n, n))];
                    for (int k = 0; k < codes.length; k++) {
                        codes[k] = (byte) r.nextInt();
                    }
                    int blocks = c.layout().blockCount(StorageMode.STRICTLY_LOWER, n, n);
                    float[] out = new float[n * n];
                    String where = (pair == 1 ? "pair" : "matrix") + " n = " + n;
                    try {
                        if (pair == 1) {
                            TriangularPair z = TriangularPair.zeros(n, c); // for the buffer lengths
                            byte[] pc = new byte[z.packedCodes().length];
                            for (int k = 0; k < pc.length; k++) {
                                pc[k] = (byte) r.nextInt();
                            }
                            TriangularPair p = TriangularPair.fromStorage(n, c, pc, draw.apply(z.factorScales().length),
                                    draw.apply(z.errorScales().length), draw.apply(n));
                            p.readFactorInto(out);
                            for (float x : out) {
                                require(Float.isFinite(x), where + ": factor value " + x);
                            }
                            p.readErrorInto(out);
                        } else {
                            QuantizedMatrix.fromStorage(n, n, StorageMode.STRICTLY_LOWER, c,
                                    Arrays.copyOf(codes, codes.length), draw.apply(blocks), draw.apply(n)).dequantizeInto(out);
                        }
                    } catch (IllegalArgumentException e) {
                        require(e.getMessage() != null && !e.getMessage().isBlank(), where + ": refused without a message");
                        refused.incrementAndGet();
                        return;
                    }
                    accepted.incrementAndGet();
                    for (float x : out) {
                        require(Float.isFinite(x), where + ": dequantized value " + x);
                    }
                });
        int total = accepted.get() + refused.get();
        require(accepted.get() >= total / 4, "only " + accepted.get() + " of " + total + " buffers accepted");
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
