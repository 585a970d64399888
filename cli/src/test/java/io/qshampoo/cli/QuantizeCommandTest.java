package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.oracle.npy.Fixtures;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyReader;
import io.qshampoo.oracle.npy.NpyWriter;

/** quantize → files → dequantize round trips, and quantize reproduces the independent numpy quantizer. */
class QuantizeCommandTest {

    @TempDir
    Path dir;

    private Path matrix(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * cols];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        }
        Path f = dir.resolve("x" + seed + ".npy");
        NpyWriter.write(f, NpyArray.ofFloat32(x, rows, cols));
        return f;
    }

    @Test
    void roundTripsThroughFilesInEveryModeWidthAndLayout() {
        String[][] modes = {{}, {"--diag-real"}, {"--strictly-lower"}};
        long seed = 1;
        for (String[] mode : modes) {
            for (String bits : new String[] {"3", "4", "8"}) {
                for (String layout : new String[] {"rows", "tiles"}) {
                    int rows = 45;
                    int cols = mode.length == 0 ? 71 : 45;
                    Path in = matrix(rows, cols, seed++);
                    String prefix = dir.resolve("q" + seed).toString();
                    String[] common = concat(new String[] {"--map", "dynamic", "--bits", bits, "--block", "32",
                            "--layout", layout}, mode);
                    Cli.Result q = Cli.run(concat(concat(new String[] {"quantize"}, common), in.toString(), prefix));
                    assertEquals(0, q.exitCode(), q.toString());
                    Path out = dir.resolve("d" + seed + ".npy");
                    Cli.Result d = Cli.run(concat(concat(new String[] {"dequantize"}, common),
                            "--shape", rows + "x" + cols, prefix, out.toString()));
                    assertEquals(0, d.exitCode(), d.toString());

                    StorageMode m = mode.length == 0 ? StorageMode.FULL
                            : mode[0].equals("--diag-real") ? StorageMode.DIAG_REAL : StorageMode.STRICTLY_LOWER;
                    BlockLayout l = layout.equals("rows") ? BlockLayout.rowSegments(32) : BlockLayout.tiles(32);
                    QuantizedMatrix expected = QuantizedMatrix.quantize(NpyReader.read(in).float32Data(), rows, cols, m,
                            new QuantizationConfig(Mapping.DYNAMIC, Integer.parseInt(bits), l, 0));
                    NpyArray back = NpyReader.read(out);
                    assertArrayEquals(new int[] {rows, cols}, back.shape());
                    assertArrayEquals(expected.dequantize(), back.float32Data());
                    assertArrayEquals(expected.codes().toByteArray(), NpyReader.read(Path.of(prefix + ".codes.npy")).uint8Data());

                    String[] check = concat(concat(new String[] {"check", "codes"}, common), "--input", in.toString(),
                            "--codes", prefix + ".codes.npy", "--scales", prefix + ".scales.npy");
                    if (m != StorageMode.FULL) {
                        check = concat(check, "--diag", prefix + ".diag.npy");
                    }
                    Cli.Result c = Cli.run(check);
                    assertEquals(0, c.exitCode(), c.toString());
                }
            }
        }
    }

    @Test
    void squareModesTakeTheShapeFromTheDiagonal() {
        Path in = matrix(40, 40, 99);
        String prefix = dir.resolve("sq").toString();
        assertEquals(0, Cli.run("quantize", "--diag-real", in.toString(), prefix).exitCode());
        Path out = dir.resolve("sq.npy");
        Cli.Result d = Cli.run("dequantize", "--diag-real", prefix, out.toString());
        assertEquals(0, d.exitCode(), d.toString());
        assertArrayEquals(new int[] {40, 40}, NpyReader.read(out).shape());
        Cli.Result noShape = Cli.run("dequantize", prefix, out.toString());
        assertEquals(2, noShape.exitCode());
        assertTrue(noShape.err().contains("--shape"), noShape.err());
    }

    @Test
    void reproducesTheIndependentNumpyQuantizerByteForByte() throws Exception {
        String[][] cases = {
            {"x.npy", "x.linear-2.4.rows64", "--map", "linear-2", "--bits", "4", "--block", "64"},
            {"x.npy", "x.linear.8.tiles32", "--map", "linear", "--bits", "8", "--block", "32", "--layout", "tiles"},
            {"x.npy", "x.dynamic.3.rows32", "--map", "dynamic", "--bits", "3", "--block", "32"},
            {"s.npy", "s.dynamic.4.rows32", "--map", "dynamic", "--bits", "4", "--block", "32", "--diag-real"},
        };
        for (String[] c : cases) {
            String prefix = dir.resolve(c[1]).toString();
            String[] args = concat(concat(new String[] {"quantize"}, java.util.Arrays.copyOfRange(c, 2, c.length)),
                    Fixtures.oracle(c[0]).toString(), prefix);
            assertEquals(0, Cli.run(args).exitCode());
            for (String part : c[c.length - 1].equals("--diag-real") ? new String[] {"codes", "scales", "diag"}
                    : new String[] {"codes", "scales"}) {
                assertEquals(NpyReader.read(Fixtures.oracle(c[1] + "." + part + ".npy")),
                        NpyReader.read(Path.of(prefix + "." + part + ".npy")), c[1] + "." + part);
            }
        }
    }

    @Test
    void badInputsExitWith2AndNameTheFile() throws Exception {
        Path bad = dir.resolve("bad.npy");
        Files.write(bad, new byte[] {1, 2, 3});
        Cli.Result r = Cli.run("quantize", bad.toString(), dir.resolve("o").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("bad.npy") && r.err().contains("magic"), r.err());
        Path ints = dir.resolve("ints.npy");
        NpyWriter.write(ints, NpyArray.ofInt64(new long[] {1, 2}, 1, 2));
        r = Cli.run("quantize", ints.toString(), dir.resolve("o").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("ints.npy") && r.err().contains("float32 or float64"), r.err());
        r = Cli.run("quantize", "--diag-real", matrix(3, 4, 5).toString(), dir.resolve("o").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("square"), r.err());
        r = Cli.run("quantize", "--map", "cubic", matrix(3, 4, 6).toString(), dir.resolve("o").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown mapping"), r.err());
        assertEquals(2, Cli.run("quantize", "--bits", "five", "x.npy", "o").exitCode());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
