package io.qshampoo.experiments.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Loaders of the two data sets {@code qshampoo train} uses.
 *
 * <ul>
 *   <li><b>Fashion-MNIST</b> (Xiao, Rasul &amp; Vollgraf 2017): the official split, 60000 train / 10000
 *       test images of 28×28 = 784 pixels, read from the four IDX files (gzipped or not) in a directory;
 *       the default directory is where the Debian package {@code dataset-fashion-mnist} installs them.
 *       Pixels are scaled by 1/255 to [0, 1].</li>
 *   <li><b>UCI optical digits</b> (Alpaydin &amp; Kaynak 1998; the 1797-example copy scikit-learn ships):
 *       a CSV of 64 integer features in 0..16 (8×8 images) and the label 0..9 per row, no header. It ships
 *       as the resource {@code /data/digits.csv.gz}. Split deterministically by file order, independent
 *       of the seed: the first {@value #DIGITS_TRAIN} rows train, the remaining 360 test (an 80/20 split;
 *       every class has between 174 and 183 rows in the file). Features are scaled by 1/16 to [0, 1].</li>
 * </ul>
 */
public final class Datasets {

    /** Where the Debian package dataset-fashion-mnist puts the files. */
    public static final Path FASHION_MNIST_DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The digits resource. */
    public static final String DIGITS_RESOURCE = "/data/digits.csv.gz";
    /** Rows of the digits file used for training (the first ones); the rest are the test set. */
    public static final int DIGITS_TRAIN = 1437;
    static final int DIGITS_FEATURES = 64;
    static final int DIGITS_MAX_VALUE = 16;

    private Datasets() {
    }

    /** The data set called {@code name} ("fashion-mnist" or "digits"), from {@code dir} or its default place when null. */
    public static Dataset load(String name, Path dir) throws IOException {
        return switch (name) {
            case "fashion-mnist" -> fashionMnist(dir == null ? FASHION_MNIST_DEFAULT_DIR : dir);
            case "digits" -> dir == null ? digits() : digits(dir);
            default -> throw new IllegalArgumentException("unknown dataset '" + name + "'; expected fashion-mnist or digits");
        };
    }

    /** Fashion-MNIST from a directory holding the four IDX files ({@code .gz} or plain). */
    public static Dataset fashionMnist(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "Fashion-MNIST directory not found; install the Debian package "
                    + "dataset-fashion-mnist (files under " + FASHION_MNIST_DEFAULT_DIR + ") or pass --data DIR "
                    + "holding train-images-idx3-ubyte.gz and the other three IDX files");
        }
        IdxReader.IdxArray trainImages = IdxReader.readImages(find(dir, "train-images-idx3-ubyte"));
        IdxReader.IdxArray trainLabels = IdxReader.readLabels(find(dir, "train-labels-idx1-ubyte"));
        IdxReader.IdxArray testImages = IdxReader.readImages(find(dir, "t10k-images-idx3-ubyte"));
        IdxReader.IdxArray testLabels = IdxReader.readLabels(find(dir, "t10k-labels-idx1-ubyte"));
        int features = trainImages.itemSize();
        if (testImages.itemSize() != features) {
            throw new IOException("Fashion-MNIST in " + dir + ": train images have " + features + " pixels, test images "
                    + testImages.itemSize() + "; expected the same size");
        }
        return new Dataset("fashion-mnist", dir.toString(), features, 10,
                pixels(trainImages, trainLabels, dir, "train"), labels(trainLabels, dir, "train"),
                pixels(testImages, testLabels, dir, "t10k"), labels(testLabels, dir, "t10k"),
                "official split: " + trainLabels.count() + " train / " + testLabels.count() + " test");
    }

    /** The shipped digits resource. */
    public static Dataset digits() throws IOException {
        InputStream raw = Datasets.class.getResourceAsStream(DIGITS_RESOURCE);
        if (raw == null) {
            throw new IOException("resource " + DIGITS_RESOURCE + " is missing from the qshampoo jar; rebuild it");
        }
        try (InputStream in = new GZIPInputStream(raw)) {
            return digits(in, "resource " + DIGITS_RESOURCE);
        }
    }

    /** Digits from {@code dir/digits.csv.gz} or {@code dir/digits.csv}. */
    public static Dataset digits(Path dir) throws IOException {
        Path f = find(dir, "digits.csv");
        try (InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f))
                : Files.newInputStream(f)) {
            return digits(in, f.toString());
        }
    }

    /** Parses the digits CSV (64 features in 0..16, then the label 0..9, per row) and splits it. */
    static Dataset digits(InputStream in, String source) throws IOException {
        List<int[]> rows = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String line;
        int lineNo = 0;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(",", -1);
            if (parts.length != DIGITS_FEATURES + 1) {
                throw new IOException(source + " line " + lineNo + " has " + parts.length + " fields; expected "
                        + (DIGITS_FEATURES + 1) + " (64 features and the label)");
            }
            int[] row = new int[parts.length];
            for (int j = 0; j < parts.length; j++) {
                try {
                    row[j] = Integer.parseInt(parts[j].trim());
                } catch (NumberFormatException e) {
                    throw new IOException(source + " line " + lineNo + " field " + (j + 1) + " is '" + parts[j]
                            + "'; expected an integer");
                }
                int max = j < DIGITS_FEATURES ? DIGITS_MAX_VALUE : 9;
                if (row[j] < 0 || row[j] > max) {
                    throw new IOException(source + " line " + lineNo + " field " + (j + 1) + " is " + row[j]
                            + "; expected 0.." + max);
                }
            }
            rows.add(row);
        }
        if (rows.size() <= DIGITS_TRAIN) {
            throw new IOException(source + " has " + rows.size() + " rows; expected more than " + DIGITS_TRAIN
                    + " (the first " + DIGITS_TRAIN + " train, the rest test)");
        }
        int nTest = rows.size() - DIGITS_TRAIN;
        float[] trX = new float[DIGITS_TRAIN * DIGITS_FEATURES];
        int[] trY = new int[DIGITS_TRAIN];
        float[] teX = new float[nTest * DIGITS_FEATURES];
        int[] teY = new int[nTest];
        for (int i = 0; i < rows.size(); i++) {
            int[] row = rows.get(i);
            boolean train = i < DIGITS_TRAIN;
            float[] x = train ? trX : teX;
            int base = (train ? i : i - DIGITS_TRAIN) * DIGITS_FEATURES;
            for (int j = 0; j < DIGITS_FEATURES; j++) {
                x[base + j] = row[j] / (float) DIGITS_MAX_VALUE;
            }
            (train ? trY : teY)[train ? i : i - DIGITS_TRAIN] = row[DIGITS_FEATURES];
        }
        return new Dataset("digits", source, DIGITS_FEATURES, 10, trX, trY, teX, teY,
                "file order: first " + DIGITS_TRAIN + " rows train / last " + nTest + " test");
    }

    /** {@code dir/base.gz} if present, else {@code dir/base}. */
    private static Path find(Path dir, String base) throws NoSuchFileException {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new NoSuchFileException(gz.toString(), null, "neither " + base + ".gz nor " + base + " is in " + dir);
    }

    private static float[] pixels(IdxReader.IdxArray images, IdxReader.IdxArray labels, Path dir, String part)
            throws IOException {
        if (images.count() != labels.count()) {
            throw new IOException("Fashion-MNIST in " + dir + ": " + part + " has " + images.count() + " images and "
                    + labels.count() + " labels; expected as many of each");
        }
        byte[] b = images.data();
        float[] x = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            x[i] = (b[i] & 0xff) / 255f;
        }
        return x;
    }

    private static int[] labels(IdxReader.IdxArray labels, Path dir, String part) throws IOException {
        byte[] b = labels.data();
        int[] y = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            y[i] = b[i] & 0xff;
            if (y[i] > 9) {
                throw new IOException("Fashion-MNIST in " + dir + ": " + part + " label " + i + " is " + y[i]
                        + "; expected 0..9");
            }
        }
        return y;
    }
}
