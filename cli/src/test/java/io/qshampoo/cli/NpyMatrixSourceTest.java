package io.qshampoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.experiments.MatrixSource;
import io.qshampoo.experiments.NpyMatrixSource;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyWriter;

class NpyMatrixSourceTest {

    @TempDir
    Path dir;

    @Test
    void readsAFloat32SymmetricMatrixAndTheTablesRunOnIt() throws Exception {
        DMatrixRMaj a = SyntheticMatrices.spdWithCondition(40, 1e3, new Random(3));
        float[] f = new float[a.data.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) a.data[k];
        }
        Path file = dir.resolve("a.npy");
        NpyWriter.write(file, NpyArray.ofFloat32(f, 40, 40));
        MatrixSource.Named named = new NpyMatrixSource(file.toString()).load();
        assertEquals("a.npy", named.name());
        double[] expected = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            expected[k] = f[k];
        }
        // The fp32 values come back exactly (symmetrizing an exactly symmetric fp32 matrix changes nothing).
        assertArrayEquals(expected, named.matrix().data, 0.0);

        Path out = dir.resolve("out");
        assertEquals(0, Qshampoo.run("tables", "--matrix", file.toString(), "--map", "linear-2", "--bits", "4",
                "--out", out.toString()));
        assertTrue(Files.readString(out.resolve("tables.json")).contains("\"matrix\""));
    }

    @Test
    void rejectsNonSquareNonSymmetricAndNonFloatArrays() {
        Path rect = dir.resolve("rect.npy");
        NpyWriter.write(rect, NpyArray.ofFloat64(new double[6], 2, 3));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NpyMatrixSource(rect.toString()).load())
                .getMessage().contains("square"));
        Path asym = dir.resolve("asym.npy");
        NpyWriter.write(asym, NpyArray.ofFloat64(new double[] {1, 0.5, 0, 1}, 2, 2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NpyMatrixSource(asym.toString()).load())
                .getMessage().contains("not symmetric"));
        Path ints = dir.resolve("ints.npy");
        NpyWriter.write(ints, NpyArray.ofInt32(new int[] {1, 0, 0, 1}, 2, 2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NpyMatrixSource(ints.toString()).load())
                .getMessage().contains("float32 or float64"));
        assertEquals(2, Qshampoo.run("tables", "--matrix", rect.toString(), "--out", dir.resolve("o").toString()));
    }
}
