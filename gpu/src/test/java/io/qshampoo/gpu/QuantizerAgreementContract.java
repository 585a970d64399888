package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.BlockQuantizerContract;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.CpuBlockQuantizer;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.quant.TriangularPair;

/**
 * The GPU quantizer, bit for bit: quant's {@link BlockQuantizerContract} (identity with the readable
 * {@code ReferenceBlockQuantizer} on random cases, and the official kernels' golden vectors), plus what a device
 * implementation can get wrong beyond that, checked against the fast CPU quantizer: a grid of shapes × modes ×
 * layouts × widths × mappings, float and double input, edge rows (zero, subnormal and huge blocks, exact midpoints),
 * the triangular pair, and the exceptions (type and message). Subclasses name where the GPU quantizer runs: a real
 * device ({@link DeviceQuantizerAgreementTest}) or the host-emulated stand-in ({@link EmulatedQuantizerAgreementTest}).
 * Nothing is compared with a tolerance: the contract is bit identity.
 */
abstract class QuantizerAgreementContract extends BlockQuantizerContract {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);
    static final int[] BITS = {3, 4, 8};
    static final List<BlockLayout> LAYOUTS = List.of(BlockLayout.rowSegments(32), BlockLayout.rowSegments(64),
            BlockLayout.rowSegments(128), BlockLayout.tiles(32), BlockLayout.tiles(64));

    /** The quantizer under test for a config's table and layout (skips the test when it cannot run here). */
    protected abstract BlockQuantizer gpu(QuantizationConfig config);

    /** quant's contract asks for a table and a layout; the GPU quantizer is built from the equivalent config. */
    @Override
    protected BlockQuantizer create(CodeTable table, BlockLayout layout) {
        QuantizationConfig config = new QuantizationConfig(table.mapping(), table.bits(), layout, 0);
        return gpu(table.isCustom() ? config.withCustomTable(table) : config);
    }

    /** Skips before a property starts: QuickTheories would report an assumption inside a property as a falsification. */
    @BeforeEach
    void requireTheQuantizer() {
        gpu(QuantizationConfig.defaults());
    }

    static QuantizationConfig config(Mapping mapping, int bits, BlockLayout layout) {
        return new QuantizationConfig(mapping, bits, layout, 0);
    }

    /** Codes, scales and diagonal of one quantization. */
    record Out(byte[] codes, float[] scales, float[] diagonal) {

        static Out of(BlockQuantizer q, int rows, int cols, StorageMode mode) {
            return new Out(new byte[PackedCodes.byteLength(q.table().bits(), Math.toIntExact(mode.codeCount(rows, cols)))],
                    new float[q.layout().blockCount(mode, rows, cols)], mode.keepsDiagonal() ? new float[rows] : null);
        }
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

    static void assertSame(Out cpu, Out gpu, String what) {
        assertArrayEquals(cpu.codes(), gpu.codes(), () -> what + ": packed codes differ");
        assertArrayEquals(bitsOf(cpu.scales()), bitsOf(gpu.scales()), () -> what + ": scales differ");
        assertArrayEquals(bitsOf(cpu.diagonal()), bitsOf(gpu.diagonal()), () -> what + ": diagonals differ");
    }

    /** Quantizes x with both quantizers (float and double input) and dequantizes both ways; all must agree exactly. */
    void check(float[] x, int rows, int cols, StorageMode mode, QuantizationConfig config, String what) {
        BlockQuantizer cpu = CpuBlockQuantizer.sequential(config.table(), config.layout());
        BlockQuantizer gpu = gpu(config);
        Out c = Out.of(cpu, rows, cols, mode);
        Out g = Out.of(gpu, rows, cols, mode);
        cpu.quantize(x, rows, cols, mode, c.codes(), c.scales(), c.diagonal());
        gpu.quantize(x, rows, cols, mode, g.codes(), g.scales(), g.diagonal());
        assertSame(c, g, what + " (float input)");

        double[] wide = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            wide[k] = x[k] * 1.0000000001; // rounds back to x[k] or a neighbour: exercises (float) x on both sides
        }
        Out cd = Out.of(cpu, rows, cols, mode);
        Out gd = Out.of(gpu, rows, cols, mode);
        cpu.quantize(wide, rows, cols, mode, cd.codes(), cd.scales(), cd.diagonal());
        gpu.quantize(wide, rows, cols, mode, gd.codes(), gd.scales(), gd.diagonal());
        assertSame(cd, gd, what + " (double input)");

        float[] fc = new float[rows * cols];
        float[] fg = new float[rows * cols];
        cpu.dequantize(c.codes(), c.scales(), c.diagonal(), rows, cols, mode, fc);
        gpu.dequantize(c.codes(), c.scales(), c.diagonal(), rows, cols, mode, fg);
        assertArrayEquals(bitsOf(fc), bitsOf(fg), () -> what + ": dequantized values differ");
        double[] dc = new double[rows * cols + 3];
        double[] dg = new double[rows * cols + 3];
        dc[rows * cols] = dg[rows * cols] = 7; // trailing elements are neither read nor written
        cpu.dequantize(c.codes(), c.scales(), c.diagonal(), rows, cols, mode, dc);
        gpu.dequantize(c.codes(), c.scales(), c.diagonal(), rows, cols, mode, dg);
        assertArrayEquals(dc, dg, () -> what + ": dequantized doubles differ");
    }

    /** A matrix of one of several value distributions (as the quant module's own property cases). */
    static float[] matrix(SplittableRandom r, int rows, int cols, int flavor, CodeTable table) {
        float[] x = new float[rows * cols];
        float scale = (float) Math.scalb(1.0, r.nextInt(-90, 90));
        float[] mids = table.midpoints();
        for (int k = 0; k < x.length; k++) {
            x[k] = switch (flavor) {
                case 0 -> (float) r.nextGaussian() * scale;
                case 1 -> r.nextInt(4) == 0 ? (float) r.nextGaussian() * scale : 0f;
                case 2 -> r.nextInt(5) == 0 ? (r.nextBoolean() ? 1f : -1f) : mids[r.nextInt(mids.length)];
                case 3 -> (float) Math.scalb(r.nextDouble() + 0.5, r.nextInt(-140, 127)) * (r.nextBoolean() ? 1 : -1);
                case 4 -> r.nextInt(-3, 4);
                default -> (k / cols) % 3 == 1 ? 0f : (float) r.nextGaussian() * scale;
            };
        }
        if (flavor == 2) {
            // a ±1 at every 32nd column: N = 1 in every block of any layout, so x̄ = x hits the midpoints exactly
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j += 32) {
                    x[i * cols + j] = r.nextBoolean() ? 1f : -1f;
                }
            }
        }
        return x;
    }

    @Test
    void everyModeLayoutWidthAndMappingOnAGridOfShapes() {
        int[][] shapes = {{1, 1}, {1, 70}, {3, 5}, {31, 31}, {32, 32}, {33, 33}, {64, 64}, {65, 65}, {100, 37}, {130, 130}};
        long seed = 1;
        for (Mapping mapping : Mapping.values()) {
            for (int bits : BITS) {
                for (BlockLayout layout : LAYOUTS) {
                    QuantizationConfig config = config(mapping, bits, layout);
                    for (StorageMode mode : StorageMode.values()) {
                        for (int[] s : shapes) {
                            int rows = s[0];
                            int cols = mode == StorageMode.FULL ? s[1] : s[0];
                            SplittableRandom r = new SplittableRandom(seed++);
                            int flavor = (int) (seed % 6);
                            check(matrix(r, rows, cols, flavor, config.table()), rows, cols, mode, config,
                                    mapping + "/" + bits + "-bit " + layout + " " + mode + " " + rows + "×" + cols
                                            + " flavor " + flavor + " seed " + (seed - 1));
                        }
                    }
                }
            }
        }
    }

    @Test
    void randomCases() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            StorageMode mode = StorageMode.values()[r.nextInt(3)];
            int rows = 1 + r.nextInt(160);
            int cols = mode == StorageMode.FULL ? 1 + r.nextInt(160) : rows;
            Mapping mapping = Mapping.values()[r.nextInt(3)];
            int bits = BITS[r.nextInt(3)];
            BlockLayout layout = LAYOUTS.get(r.nextInt(LAYOUTS.size()));
            int flavor = r.nextInt(6);
            QuantizationConfig config = config(mapping, bits, layout);
            check(matrix(r, rows, cols, flavor, config.table()), rows, cols, mode, config, "seed " + seed + ": " + mapping
                    + "/" + bits + "-bit " + layout + " " + mode + " " + rows + "×" + cols + " flavor " + flavor);
        });
    }

    /** Rows built to hit the contract's corner cases, each row one block of row segments of 64. */
    static List<float[]> edgeRows(CodeTable table) {
        List<float[]> rows = new ArrayList<>();
        rows.add(new float[64]);                                                       // N = 0: scale 0, every code that of 0
        float[] signedZeros = new float[64];
        for (int j = 0; j < 64; j += 2) {
            signedZeros[j] = -0f;
        }
        rows.add(signedZeros);
        float[] tiny = new float[64];                                                  // N < 2^-128: 1/N = +∞, 0·∞ = NaN → 0
        tiny[3] = Float.MIN_VALUE;
        tiny[9] = -Float.MIN_VALUE;
        tiny[10] = 2 * Float.MIN_VALUE;
        rows.add(tiny);
        float[] edge = new float[64];                                                  // N = 2^-127: 1/N = 2^127, finite
        edge[0] = 0x1p-127f;
        edge[5] = -0x1p-128f;
        edge[6] = 0x1p-149f;
        rows.add(edge);
        float[] huge = new float[64];
        huge[1] = Float.MAX_VALUE;
        huge[2] = -Float.MAX_VALUE;
        huge[3] = 1f;
        huge[4] = Float.MIN_NORMAL;
        rows.add(huge);
        // exact fp32 midpoints and their neighbours with N = 1: the ties-to-even rule and the thresholds
        float[] mids = table.midpoints();
        List<Float> near = new ArrayList<>();
        for (float m : mids) {
            near.add(m);
            near.add(Math.nextUp(m));
            near.add(Math.nextDown(m));
        }
        for (float v : table.values()) {
            near.add(v);
        }
        for (int start = 0; start < near.size(); start += 63) {
            float[] row = new float[64];
            row[0] = start % 2 == 0 ? 1f : -1f;
            for (int j = 1; j < 64; j++) {
                row[j] = near.get((start + j - 1) % near.size());
            }
            rows.add(row);
        }
        // the same points scaled by N = 3 (x̄ = x·(1/3) rounds: ties move)
        for (int start = 0; start < near.size(); start += 63) {
            float[] row = new float[64];
            row[0] = 3f;
            for (int j = 1; j < 64; j++) {
                row[j] = near.get((start + j - 1) % near.size()) * 3f;
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void edgeInputs() {
        for (Mapping mapping : Mapping.values()) {
            for (int bits : BITS) {
                QuantizationConfig config = config(mapping, bits, BlockLayout.rowSegments(64));
                List<float[]> rows = edgeRows(config.table());
                int n = rows.size();
                float[] x = new float[n * 64];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(rows.get(i), 0, x, i * 64, 64);
                }
                check(x, n, 64, StorageMode.FULL, config, mapping + "/" + bits + "-bit edge rows");
                // square versions: DIAG_REAL (diagonal excluded from N) and STRICTLY_LOWER
                int m = 64;
                float[] sq = new float[m * m];
                for (int i = 0; i < m; i++) {
                    System.arraycopy(rows.get(i % n), 0, sq, i * m, m);
                }
                check(sq, m, m, StorageMode.DIAG_REAL, config, mapping + "/" + bits + "-bit edge rows, DIAG_REAL");
                check(sq, m, m, StorageMode.STRICTLY_LOWER, config, mapping + "/" + bits + "-bit edge rows, STRICTLY_LOWER");
                for (int i = 0; i < m; i++) {
                    sq[i * m + i] = 1e30f * (i % 2 == 0 ? 1 : -1); // a huge diagonal must not change N in DIAG_REAL
                }
                check(sq, m, m, StorageMode.DIAG_REAL, config, mapping + "/" + bits + "-bit huge diagonal, DIAG_REAL");
                check(sq, m, m, StorageMode.STRICTLY_LOWER, config, mapping + "/" + bits + "-bit huge diagonal, STRICTLY_LOWER");
            }
        }
    }

    @Test
    void nonFiniteInputIsRefusedWithTheSameMessage() {
        QuantizationConfig config = QuantizationConfig.defaults().withMinElements(0);
        BlockQuantizer cpu = config.quantizer();
        BlockQuantizer gpu = gpu(config);
        int n = 70;
        for (StorageMode mode : StorageMode.values()) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (int[] at : new int[][] {{0, 0}, {5, 3}, {69, 69}, {40, 41}, {13, 66}}) {
                    float[] x = new float[n * n];
                    for (int k = 0; k < x.length; k++) {
                        x[k] = (k % 7) - 3;
                    }
                    x[at[0] * n + at[1]] = bad;
                    x[(at[0] * n + at[1] + 17) % x.length] = bad; // a second one later: the message names the first
                    String what = mode + " " + bad + " at " + at[0] + "," + at[1];
                    Out c = Out.of(cpu, n, n, mode);
                    Out g = Out.of(gpu, n, n, mode);
                    String cm = messageOf(() -> cpu.quantize(x, n, n, mode, c.codes(), c.scales(), c.diagonal()));
                    String gm = messageOf(() -> gpu.quantize(x, n, n, mode, g.codes(), g.scales(), g.diagonal()));
                    assertEquals(cm, gm, what);
                    if (cm == null) { // above the diagonal of STRICTLY_LOWER: not read, so not refused
                        assertSame(c, g, what);
                    }
                    double[] d = new double[n * n];
                    for (int k = 0; k < d.length; k++) {
                        d[k] = x[k];
                    }
                    d[at[0] * n + at[1]] = Float.isNaN(bad) ? Double.NaN : 1e300 * Math.signum(bad); // overflows fp32
                    assertEquals(messageOf(() -> cpu.quantize(d, n, n, mode, c.codes(), c.scales(), c.diagonal())),
                            messageOf(() -> gpu.quantize(d, n, n, mode, g.codes(), g.scales(), g.diagonal())), what + " (double)");
                }
            }
        }
    }

    /** The IllegalArgumentException's message, or null when none was thrown. */
    static String messageOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheSameMessages() {
        QuantizationConfig config = QuantizationConfig.defaults().withMinElements(0);
        BlockQuantizer cpu = config.quantizer();
        BlockQuantizer gpu = gpu(config);
        float[] x = new float[12];
        List<Runnable[]> cases = List.of(
                new Runnable[] {() -> cpu.quantize(x, 3, 4, StorageMode.DIAG_REAL, new byte[6], new float[3], new float[3]),
                        () -> gpu.quantize(x, 3, 4, StorageMode.DIAG_REAL, new byte[6], new float[3], new float[3])},
                new Runnable[] {() -> cpu.quantize(x, 4, 4, StorageMode.FULL, new byte[8], new float[4], null),
                        () -> gpu.quantize(x, 4, 4, StorageMode.FULL, new byte[8], new float[4], null)},
                new Runnable[] {() -> cpu.quantize(x, 3, 4, StorageMode.FULL, new byte[5], new float[3], null),
                        () -> gpu.quantize(x, 3, 4, StorageMode.FULL, new byte[5], new float[3], null)},
                new Runnable[] {() -> cpu.quantize(x, 3, 4, StorageMode.FULL, new byte[6], new float[2], null),
                        () -> gpu.quantize(x, 3, 4, StorageMode.FULL, new byte[6], new float[2], null)},
                new Runnable[] {() -> cpu.quantize(x, 3, 3, StorageMode.DIAG_REAL, new byte[5], new float[3], null),
                        () -> gpu.quantize(x, 3, 3, StorageMode.DIAG_REAL, new byte[5], new float[3], null)},
                new Runnable[] {() -> cpu.quantize(x, 0, 3, StorageMode.FULL, new byte[0], new float[0], null),
                        () -> gpu.quantize(x, 0, 3, StorageMode.FULL, new byte[0], new float[0], null)},
                new Runnable[] {() -> cpu.quantize((float[]) null, 3, 4, StorageMode.FULL, new byte[6], new float[3], null),
                        () -> gpu.quantize((float[]) null, 3, 4, StorageMode.FULL, new byte[6], new float[3], null)},
                new Runnable[] {() -> cpu.dequantize(new byte[6], new float[3], null, 3, 4, StorageMode.FULL, new float[11]),
                        () -> gpu.dequantize(new byte[6], new float[3], null, 3, 4, StorageMode.FULL, new float[11])});
        for (Runnable[] c : cases) {
            String expected = assertThrows(IllegalArgumentException.class, c[0]::run).getMessage();
            assertEquals(expected, assertThrows(IllegalArgumentException.class, c[1]::run).getMessage());
        }
    }

    @Test
    void quantizedMatricesAndTriangularPairsEqualTheCpuOnes() {
        qt().withExamples(Math.max(10, EXAMPLES / 10)).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int n = 1 + r.nextInt(140);
            QuantizationConfig config = config(Mapping.values()[r.nextInt(3)], BITS[r.nextInt(3)],
                    LAYOUTS.get(r.nextInt(LAYOUTS.size())));
            BlockQuantizer gpu = gpu(config);
            float[] c = matrix(r, n, n, r.nextInt(6), config.table());
            float[] e = matrix(r, n, n, r.nextInt(6), config.table());
            for (StorageMode mode : StorageMode.values()) {
                assertEquals(QuantizedMatrix.quantize(c, n, n, mode, config),
                        QuantizedMatrix.quantize(c, n, n, mode, config, gpu), "seed " + seed + " " + mode);
            }
            TriangularPair pc = TriangularPair.zeros(n, config);
            TriangularPair pg = TriangularPair.zeros(n, config, gpu);
            pc.writeFactor(c);
            pg.writeFactor(c);
            pc.writeError(e);
            pg.writeError(e);
            assertArrayEquals(pc.packedCodes(), pg.packedCodes(), "seed " + seed + ": pair codes");
            assertArrayEquals(bitsOf(pc.factorScales()), bitsOf(pg.factorScales()), "seed " + seed + ": factor scales");
            assertArrayEquals(bitsOf(pc.errorScales()), bitsOf(pg.errorScales()), "seed " + seed + ": error scales");
            assertArrayEquals(bitsOf(pc.factorDiagonal()), bitsOf(pg.factorDiagonal()), "seed " + seed + ": diagonal");
            float[] rc = new float[n * n];
            float[] rg = new float[n * n];
            pc.readErrorInto(rc);
            pg.readErrorInto(rg);
            assertArrayEquals(bitsOf(rc), bitsOf(rg), "seed " + seed + ": D(E)");
        });
    }
}
