package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.List;

/**
 * A piecewise-constant spectrum written as value:count pairs, e.g. {@code 1:600,1e-4:600} (600 eigenvalues
 * equal to 1 and 600 equal to 1e-4). {@link #expand(int)} turns it into n eigenvalues: the counts are used as
 * given when they add up to n, and otherwise as proportions, scaled to n by largest remainder (so
 * {@code 1:600,1e-4:600} at n = 256 gives 128 + 128); every level keeps at least one eigenvalue when n allows.
 *
 * @param levels the (value, count) pairs in the order written; values finite and &gt; 0, counts ≥ 1
 */
public record Spectrum(List<Level> levels) {

    /** One eigenvalue level. */
    public record Level(double value, int count) {
    }

    public Spectrum {
        if (levels == null || levels.isEmpty()) {
            throw new IllegalArgumentException("spectrum has no levels; expected value:count pairs such as 1:600,1e-4:600");
        }
        levels = List.copyOf(levels);
        long total = 0;
        for (Level l : levels) {
            if (l.count() < 1) {
                throw new IllegalArgumentException("spectrum count " + l.count() + "; expected >= 1");
            }
            total += l.count();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("spectrum counts add up to " + total + "; expected at most "
                    + Integer.MAX_VALUE + " (they are scaled to the matrix order anyway)");
        }
    }

    /**
     * Parses {@code value:count[,value:count…]}.
     *
     * @throws IllegalArgumentException naming the bad pair
     */
    public static Spectrum parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("spectrum is empty; expected value:count pairs such as 1:600,1e-4:600");
        }
        List<Level> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int colon = p.indexOf(':');
            if (colon <= 0 || colon == p.length() - 1) {
                throw new IllegalArgumentException("spectrum pair \"" + p + "\" is not value:count (e.g. 1e-4:600)");
            }
            double value;
            int count;
            try {
                value = Double.parseDouble(p.substring(0, colon).trim());
                count = Integer.parseInt(p.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spectrum pair \"" + p + "\" is not value:count with a number and an integer");
            }
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("spectrum value " + value + " in \"" + p
                        + "\"; expected a finite eigenvalue > 0 (the matrix must be positive definite)");
            }
            if (count < 1) {
                throw new IllegalArgumentException("spectrum count " + count + " in \"" + p + "\"; expected >= 1");
            }
            out.add(new Level(value, count));
        }
        return new Spectrum(out);
    }

    /** Sum of the counts. */
    public int total() {
        return levels.stream().mapToInt(Level::count).sum();
    }

    /**
     * n eigenvalues: the levels in order, each repeated its (scaled) count.
     *
     * @throws IllegalArgumentException if n &lt; 1
     */
    public double[] expand(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n is " + n + "; expected >= 1");
        }
        int[] counts = scaledCounts(n);
        double[] lambda = new double[n];
        int k = 0;
        for (int i = 0; i < levels.size(); i++) {
            for (int c = 0; c < counts[i]; c++) {
                lambda[k++] = levels.get(i).value();
            }
        }
        return lambda;
    }

    /** The counts used for order n (they add up to n). */
    public int[] scaledCounts(int n) {
        int m = levels.size();
        int[] counts = new int[m];
        int total = total();
        if (total == n) {
            for (int i = 0; i < m; i++) {
                counts[i] = levels.get(i).count();
            }
            return counts;
        }
        double[] rem = new double[m];
        int used = 0;
        for (int i = 0; i < m; i++) {
            double exact = (double) levels.get(i).count() * n / total;
            counts[i] = (int) Math.floor(exact);
            rem[i] = exact - counts[i];
            used += counts[i];
        }
        while (used < n) { // largest remainder first, ties to the earlier level
            int best = 0;
            for (int i = 1; i < m; i++) {
                if (rem[i] > rem[best]) {
                    best = i;
                }
            }
            counts[best]++;
            rem[best] = -1;
            used++;
        }
        // keep every level present when there is room: take from the largest count
        for (int i = 0; i < m && n >= m; i++) {
            if (counts[i] == 0) {
                int big = 0;
                for (int j = 1; j < m; j++) {
                    if (counts[j] > counts[big]) {
                        big = j;
                    }
                }
                counts[big]--;
                counts[i]++;
            }
        }
        return counts;
    }

    /** The spectrum as it is used at order n, e.g. "1:128,1e-04:128". */
    public String describe(int n) {
        int[] c = scaledCounts(n);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levels.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shortNumber(levels.get(i).value())).append(':').append(c[i]);
        }
        return sb.toString();
    }

    /** A short rendering: integers as such, 1e-04 style for small or large magnitudes, else up to 4 digits. */
    static String shortNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a < 1e-3 || a >= 1e6) {
            String e = String.format(java.util.Locale.ROOT, "%.3e", v); // d.ddde±xx
            int k = e.indexOf('e');
            String mant = e.substring(0, k).replaceAll("0+$", "").replaceAll("\\.$", "");
            return mant + e.substring(k);
        }
        return String.format(java.util.Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }

    @Override
    public String toString() {
        return describe(total());
    }
}
