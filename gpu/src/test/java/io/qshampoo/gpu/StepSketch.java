package io.qshampoo.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A small, seeded summary of an n × n matrix W that a stored reference can be compared through when the matrix
 * itself is too large to keep (a 4096 × 4096 float64 parameter is 128 MiB): ‖W‖_F, {@value #FORMS} random
 * bilinear forms uᵀ·W·v with Gaussian u, v, and {@value #ENTRIES} entries at random positions, all from
 * {@code new Random(SEED)}.
 *
 * <p>Why it is a fair check: for Gaussian u, v independent of a difference D = W' − W, uᵀDv has standard deviation
 * ‖D‖_F, so {@link #maxDeviation} over 32 forms estimates ‖D‖_F/‖W‖_F from below by at most a small factor with
 * overwhelming probability; the sampled entries catch a localized error the forms would average out.
 *
 * @param n        order
 * @param frobenius ‖W‖_F
 * @param forms    uₖᵀ·W·vₖ
 * @param rows     sampled entry rows
 * @param cols     sampled entry columns
 * @param entries  W at (rows[k], cols[k])
 */
record StepSketch(int n, double frobenius, double[] forms, int[] rows, int[] cols, double[] entries) {

    static final long SEED = 7_919L;
    static final int FORMS = 32;
    static final int ENTRIES = 256;

    /** The sketch of the row-major n × n {@code w}. Cost: 2·FORMS·n² flops. */
    static StepSketch of(double[] w, int n) {
        Random rnd = new Random(SEED);
        double f = 0;
        for (int k = 0; k < n * n; k++) {
            f += w[k] * w[k];
        }
        double[] forms = new double[FORMS];
        double[] u = new double[n];
        double[] v = new double[n];
        for (int q = 0; q < FORMS; q++) {
            for (int i = 0; i < n; i++) {
                u[i] = rnd.nextGaussian();
                v[i] = rnd.nextGaussian();
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                double r = 0;
                for (int j = 0; j < n; j++) {
                    r += w[i * n + j] * v[j];
                }
                s += u[i] * r;
            }
            forms[q] = s;
        }
        int[] rows = new int[ENTRIES];
        int[] cols = new int[ENTRIES];
        double[] entries = new double[ENTRIES];
        for (int k = 0; k < ENTRIES; k++) {
            rows[k] = rnd.nextInt(n);
            cols[k] = rnd.nextInt(n);
            entries[k] = w[rows[k] * n + cols[k]];
        }
        return new StepSketch(n, Math.sqrt(f), forms, rows, cols, entries);
    }

    /**
     * The largest deviation of {@code other} from this sketch in units of this ‖W‖_F: |Δ‖W‖_F|, |Δ(uᵀWv)| and
     * n·|ΔW_ij| (an entry of a matrix with ‖W‖_F = 1 has size about 1/n), each divided by ‖W‖_F.
     */
    double maxDeviation(StepSketch other) {
        if (other.n != n) {
            throw new IllegalArgumentException("sketches of orders " + n + " and " + other.n);
        }
        double d = Math.abs(other.frobenius - frobenius);
        for (int q = 0; q < FORMS; q++) {
            d = Math.max(d, Math.abs(other.forms[q] - forms[q]));
        }
        for (int k = 0; k < ENTRIES; k++) {
            if (other.rows[k] != rows[k] || other.cols[k] != cols[k]) {
                throw new IllegalArgumentException("sketches sample different entries");
            }
            d = Math.max(d, n * Math.abs(other.entries[k] - entries[k]));
        }
        return d / frobenius;
    }

    /** Text form: one value per line, doubles in round-trip hexadecimal, with a header naming what it sketches. */
    void write(Path file, String header) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String h : header.split("\n")) {
            lines.add("# " + h);
        }
        lines.add("n " + n);
        lines.add("frobenius " + Double.toHexString(frobenius));
        for (double f : forms) {
            lines.add("form " + Double.toHexString(f));
        }
        for (int k = 0; k < ENTRIES; k++) {
            lines.add(String.format(Locale.ROOT, "entry %d %d %s", rows[k], cols[k], Double.toHexString(entries[k])));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static StepSketch read(List<String> lines) {
        int n = -1;
        double frob = Double.NaN;
        List<Double> forms = new ArrayList<>();
        List<int[]> pos = new ArrayList<>();
        List<Double> entries = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] t = line.trim().split("\\s+");
            switch (t[0]) {
                case "n" -> n = Integer.parseInt(t[1]);
                case "frobenius" -> frob = Double.parseDouble(t[1]);
                case "form" -> forms.add(Double.parseDouble(t[1]));
                case "entry" -> {
                    pos.add(new int[] {Integer.parseInt(t[1]), Integer.parseInt(t[2])});
                    entries.add(Double.parseDouble(t[3]));
                }
                default -> throw new IllegalArgumentException("unknown sketch line: " + line);
            }
        }
        if (n < 1 || forms.size() != FORMS || entries.size() != ENTRIES || Double.isNaN(frob)) {
            throw new IllegalArgumentException("incomplete sketch: n " + n + ", " + forms.size() + " forms, "
                    + entries.size() + " entries");
        }
        int[] rows = new int[ENTRIES];
        int[] cols = new int[ENTRIES];
        double[] e = new double[ENTRIES];
        for (int k = 0; k < ENTRIES; k++) {
            rows[k] = pos.get(k)[0];
            cols[k] = pos.get(k)[1];
            e[k] = entries.get(k);
        }
        return new StepSketch(n, frob, forms.stream().mapToDouble(Double::doubleValue).toArray(), rows, cols, e);
    }
}
