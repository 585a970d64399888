package io.qshampoo.verify.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The detection table of {@link OracleMutationTest}: per check, fault kind and size, how many planted faults were
 * flagged, the smallest fault (in units of the natural spread, for roots), and which test decided; plus the
 * false alarms on legitimate implementations. Printed after the suite, and written as Markdown to the file named
 * by the system property {@code qshampoo.mutationReport}.
 */
final class MutationTable {

    /** One row. */
    static final class Row {
        final String check;
        final String fault;
        final String size;
        int planted;
        int detected;
        double smallest = Double.POSITIVE_INFINITY;
        int required;
        int requiredDetected;
        final Map<String, Integer> decidedBy = new TreeMap<>();

        Row(String check, String fault, String size) {
            this.check = check;
            this.fault = fault;
            this.size = size;
        }
    }

    private final Map<String, Row> rows = new java.util.LinkedHashMap<>();
    private final List<String> falseAlarms = new ArrayList<>();
    private int legitimateChecks;

    /**
     * One planted fault.
     *
     * @param magnitude its size in spreads (NaN where not measured)
     * @param required  faults above this magnitude must be detected (NaN: every fault must)
     */
    synchronized void record(String check, String fault, String size, boolean detected, double magnitude,
                             String decidedBy, double required) {
        Row r = rows.computeIfAbsent(check + "|" + fault + "|" + size, k -> new Row(check, fault, size));
        r.planted++;
        if (!Double.isNaN(magnitude)) {
            r.smallest = Math.min(r.smallest, magnitude);
        }
        boolean must = Double.isNaN(required) || magnitude > required;
        r.required += must ? 1 : 0;
        r.requiredDetected += must && detected ? 1 : 0;
        if (detected) {
            r.detected++;
            if (decidedBy != null) {
                r.decidedBy.merge(decidedBy, 1, Integer::sum);
            }
        }
    }

    synchronized void legitimate(String what, boolean agreed) {
        legitimateChecks++;
        if (!agreed) {
            falseAlarms.add(what);
        }
    }

    List<String> falseAlarms() {
        return falseAlarms;
    }

    String markdown(String header) {
        StringBuilder b = new StringBuilder(header);
        b.append("| check | fault | size | detected | fraction | required: detected | smallest fault (spreads) | decided by |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows.values()) {
            b.append(String.format("| %s | %s | %s | %d/%d | %.2f | %d/%d | %s | %s |%n", r.check, r.fault, r.size,
                    r.detected, r.planted, (double) r.detected / r.planted, r.requiredDetected, r.required,
                    Double.isNaN(r.smallest) || Double.isInfinite(r.smallest) ? "–" : String.format("%.3g", r.smallest),
                    decided(r.decidedBy)));
        }
        b.append(String.format("%nFalse alarms: %d of %d checks of legitimate implementations%s%n",
                falseAlarms.size(), legitimateChecks, falseAlarms.isEmpty() ? "." : ": " + falseAlarms));
        return b.toString();
    }

    private static String decided(Map<String, Integer> m) {
        if (m.isEmpty()) {
            return "–";
        }
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }

    void write(String header) throws IOException {
        String text = markdown(header);
        System.out.println(text);
        String file = System.getProperty("qshampoo.mutationReport");
        if (file != null && !file.isBlank()) {
            Path p = Path.of(file);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            Files.writeString(p, text);
        }
    }
}
