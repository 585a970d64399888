package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write → read is the identity for every type, both byte orders, both memory orders, every rank. */
class NpyRoundTripTest {

    @TempDir
    Path dir;

    private static int examples() {
        return Integer.getInteger("QT_EXAMPLES", 200);
    }

    /** A random array of dtype with rank 0 … 4 and dimensions 0 … 4 (bool bytes 0/1, floats any bit pattern). */
    static NpyArray random(NpyDtype dtype, long seed) {
        Random rnd = new Random(seed);
        int[] shape = new int[rnd.nextInt(5)];
        int size = 1;
        for (int d = 0; d < shape.length; d++) {
            shape[d] = rnd.nextInt(5);
            size *= shape[d];
        }
        byte[] data = new byte[size * dtype.itemSize()];
        rnd.nextBytes(data);
        if (dtype == NpyDtype.BOOL) {
            for (int k = 0; k < data.length; k++) {
                data[k] &= 1;
            }
        }
        return NpyArray.wrapLittleEndian(dtype, shape, data, "random");
    }

    @Test
    void everyDtypeOrderAndLayoutRoundTrips() {
        qt().withExamples(examples()).forAll(integers().between(0, NpyDtype.values().length - 1), longs().all(),
                integers().between(0, 3)).checkAssert((t, seed, variant) -> {
                    NpyArray a = random(NpyDtype.values()[t], seed);
                    ByteOrder order = (variant & 1) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                    NpyWriter.Layout layout = (variant & 2) == 0 ? NpyWriter.Layout.C : NpyWriter.Layout.FORTRAN;
                    byte[] bytes = NpyWriter.toBytes(a, order, layout);
                    assertEquals(a, NpyReader.parse(bytes, "x.npy"));
                    assertEquals(0, NpyReaderHeaderOffset.payloadStart(bytes) % NpyHeader.ALIGN);
                });
    }

    @Test
    void typedFactoriesRoundTripThroughFiles() {
        Path f = dir.resolve("a/b.npy");
        float[] fl = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY};
        NpyWriter.write(f, NpyArray.ofFloat32(fl, 2, 3));
        float[] back = NpyReader.read(f).float32Data();
        for (int k = 0; k < fl.length; k++) {
            assertEquals(Float.floatToRawIntBits(fl[k]), Float.floatToRawIntBits(back[k]));
        }
        double[] d = {Math.PI, -1e-300, 0};
        NpyWriter.write(f, NpyArray.ofFloat64(d, 3, 1), ByteOrder.BIG_ENDIAN, NpyWriter.Layout.FORTRAN);
        assertArrayEquals(d, NpyReader.read(f).toDoubles());
        byte[] u = {0, 1, (byte) 200, (byte) 255};
        NpyWriter.write(f, NpyArray.ofUint8(u, 4));
        assertArrayEquals(new long[] {0, 1, 200, 255}, NpyReader.read(f).toLongs());
        long[] l = {Long.MIN_VALUE, 7};
        NpyWriter.write(f, NpyArray.ofInt64(l, 1, 2), ByteOrder.BIG_ENDIAN, NpyWriter.Layout.C);
        assertArrayEquals(l, NpyReader.read(f).toLongs());
        NpyWriter.write(f, NpyArray.ofInt32(new int[] {-5, 5}, 2));
        assertArrayEquals(new double[] {-5, 5}, NpyReader.read(f).toDoubles());
        NpyWriter.write(f, NpyArray.ofIntegers(NpyDtype.UINT16, new long[] {65535, 0}, 2));
        assertArrayEquals(new long[] {65535, 0}, NpyReader.read(f).toLongs());
    }

    @Test
    void npzRoundTripsStoredAndDeflated() {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("w#0.left.C", NpyArray.ofFloat32(new float[] {1, 2, 3, 4}, 2, 2));
        m.put("codes", NpyArray.ofUint8(new byte[] {1, (byte) 0xf0}, 2));
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = dir.resolve("s" + compressed + ".npz");
            NpzArchive.write(f, m, compressed);
            assertEquals(m, NpzArchive.read(f));
        }
    }

    @Test
    void fortranOrderIsColumnMajor() {
        // [[0, 1, 2], [3, 4, 5]] in Fortran order is 0, 3, 1, 4, 2, 5.
        NpyArray a = NpyArray.ofIntegers(NpyDtype.INT8, new long[] {0, 1, 2, 3, 4, 5}, 2, 3);
        byte[] f = NpyWriter.toBytes(a, ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.FORTRAN);
        int p = NpyReaderHeaderOffset.payloadStart(f);
        assertArrayEquals(new byte[] {0, 3, 1, 4, 2, 5}, java.util.Arrays.copyOfRange(f, p, f.length));
    }
}
