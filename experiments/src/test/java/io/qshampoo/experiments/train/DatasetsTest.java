package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path dir;

    @Test
    void digitsResourceHasTheDocumentedShapeAndRange() throws IOException {
        Dataset d = Datasets.digits();
        assertEquals("digits", d.name());
        assertEquals(64, d.features());
        assertEquals(10, d.classes());
        assertEquals(Datasets.DIGITS_TRAIN, d.trainSize());
        assertEquals(1797 - Datasets.DIGITS_TRAIN, d.testSize());
        for (float[] x : new float[][] {d.trainX(), d.testX()}) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                // scaled from integers 0..16: every value is k/16 exactly
                assertEquals(Math.round(v * 16) / 16f, v);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
        }
        int[][] counts = new int[2][10];
        for (int y : d.trainY()) {
            counts[0][y]++;
        }
        for (int y : d.testY()) {
            counts[1][y]++;
        }
        for (int c = 0; c < 10; c++) {
            assertTrue(counts[0][c] > 100 && counts[1][c] > 20, "class " + c + ": " + counts[0][c] + " train, "
                    + counts[1][c] + " test");
        }
        // First row of the file (a 0) and the split's boundary are fixed.
        assertEquals(0, d.trainY()[0]);
        assertEquals(5 / 16f, d.trainX()[2]);
    }

    @Test
    void digitsParserRejectsMalformedRows() {
        String row = "0,".repeat(64) + "3\n";
        IOException e = assertThrows(IOException.class, () -> Datasets.digits(
                new ByteArrayInputStream((row + "1,2,3\n").getBytes(StandardCharsets.US_ASCII)), "test.csv"));
        assertTrue(e.getMessage().contains("test.csv line 2 has 3 fields"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.digits(
                new ByteArrayInputStream(("17," + row.substring(2)).getBytes(StandardCharsets.US_ASCII)), "t.csv"));
        assertTrue(e.getMessage().contains("field 1 is 17; expected 0..16"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.digits(
                new ByteArrayInputStream(row.getBytes(StandardCharsets.US_ASCII)), "t.csv"));
        assertTrue(e.getMessage().contains("has 1 rows"), e.getMessage());
    }

    @Test
    void digitsFromADirectoryMatchTheResource() throws IOException {
        try (var in = Datasets.class.getResourceAsStream(Datasets.DIGITS_RESOURCE)) {
            Files.write(dir.resolve("digits.csv.gz"), in.readAllBytes());
        }
        Dataset a = Datasets.digits();
        Dataset b = Datasets.load("digits", dir);
        assertArrayEquals(a.trainX(), b.trainX());
        assertArrayEquals(a.testY(), b.testY());
    }

    @Test
    void fashionMnistLayoutIsReadFromAnyDirectory() throws IOException {
        // A tiny stand-in with the real file names: 3 train and 2 test images of 2×2 pixels.
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"),
                IdxReaderTest.gzip(IdxReaderTest.idx(new int[] {3, 2, 2}, new byte[] {0, (byte) 255, 51, 102, 0, 0, 0, 0,
                        1, 2, 3, 4})));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"),
                IdxReaderTest.gzip(IdxReaderTest.idx(new int[] {3}, new byte[] {9, 0, 4})));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), // plain, not gzipped
                IdxReaderTest.idx(new int[] {2, 2, 2}, new byte[] {5, 6, 7, 8, 9, 10, 11, 12}));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.idx(new int[] {2}, new byte[] {1, 2}));
        Dataset d = Datasets.load("fashion-mnist", dir);
        assertEquals(4, d.features());
        assertEquals(3, d.trainSize());
        assertEquals(2, d.testSize());
        assertArrayEquals(new int[] {9, 0, 4}, d.trainY());
        assertEquals(1f, d.trainX()[1]);
        assertEquals(0.2f, d.trainX()[2]);
        assertEquals(12 / 255f, d.testX()[7]);
    }

    @Test
    void fashionMnistMismatchedCountsAndMissingFilesAreExplained() throws IOException {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> Datasets.fashionMnist(dir.resolve("absent")));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> Datasets.fashionMnist(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxReaderTest.idx(new int[] {2, 1, 1}, new byte[] {1, 2}));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxReaderTest.idx(new int[] {3}, new byte[] {1, 2, 3}));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.idx(new int[] {1, 1, 1}, new byte[] {1}));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.idx(new int[] {1}, new byte[] {1}));
        IOException io = assertThrows(IOException.class, () -> Datasets.fashionMnist(dir));
        assertTrue(io.getMessage().contains("2 images and 3 labels"), io.getMessage());
    }

    @Test
    void realFashionMnistHasTheOfficialSplit() throws IOException {
        assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST_DEFAULT_DIR),
                "Fashion-MNIST is not installed at " + Datasets.FASHION_MNIST_DEFAULT_DIR
                        + " (Debian package dataset-fashion-mnist); skipping the test on the real files");
        Dataset d = Datasets.fashionMnist(Datasets.FASHION_MNIST_DEFAULT_DIR);
        assertEquals(60000, d.trainSize());
        assertEquals(10000, d.testSize());
        assertEquals(784, d.features());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, java.util.Arrays.copyOf(d.trainY(), 10));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, java.util.Arrays.copyOf(d.testY(), 10));
        int[] counts = new int[10];
        for (int y : d.trainY()) {
            counts[y]++;
        }
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, counts);
    }
}
