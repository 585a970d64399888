package io.qshampoo.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * How the experiments write what they found: an aligned text table (stdout and a .txt file), CSV (RFC 4180
 * quoting) and JSON (an array of objects; NaN and infinities are written as null, which JSON can hold).
 */
public final class Report {

    private Report() {
    }

    /** A table of strings with a header; numeric columns are right-aligned in the text rendering. */
    public static final class Table {
        private final List<String> header;
        private final boolean[] right;
        private final List<List<String>> rows = new ArrayList<>();

        /**
         * @param header column names
         * @param right  per column, whether to right-align (numbers)
         */
        public Table(List<String> header, boolean... right) {
            if (right.length != header.size()) {
                throw new IllegalArgumentException(header.size() + " columns but " + right.length + " alignments");
            }
            this.header = List.copyOf(header);
            this.right = right.clone();
        }

        /** Adds a row (as many cells as columns). */
        public Table add(List<String> cells) {
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException("row has " + cells.size() + " cells; expected " + header.size());
            }
            rows.add(List.copyOf(cells));
            return this;
        }

        /** Adds a separator line before the next row (rendered as a blank line in text, skipped in CSV). */
        public Table gap() {
            rows.add(null);
            return this;
        }

        public int size() {
            return (int) rows.stream().filter(r -> r != null).count();
        }

        /** The table aligned in columns separated by two spaces, with a dashed rule under the header. */
        public String render() {
            int[] w = new int[header.size()];
            for (int c = 0; c < w.length; c++) {
                w[c] = header.get(c).length();
            }
            for (List<String> r : rows) {
                if (r != null) {
                    for (int c = 0; c < w.length; c++) {
                        w[c] = Math.max(w[c], r.get(c).length());
                    }
                }
            }
            StringBuilder sb = new StringBuilder();
            line(sb, header, w);
            int total = 0;
            for (int x : w) {
                total += x + 2;
            }
            sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
            for (List<String> r : rows) {
                if (r == null) {
                    sb.append('\n');
                } else {
                    line(sb, r, w);
                }
            }
            return sb.toString();
        }

        private void line(StringBuilder sb, List<String> cells, int[] w) {
            StringBuilder l = new StringBuilder();
            for (int c = 0; c < w.length; c++) {
                if (c > 0) {
                    l.append("  ");
                }
                String s = cells.get(c);
                String pad = " ".repeat(w[c] - s.length());
                l.append(right[c] ? pad + s : s + pad);
            }
            sb.append(l.toString().stripTrailing()).append('\n');
        }

        /** CSV with the header line. */
        public String toCsv() {
            StringBuilder sb = new StringBuilder();
            csvLine(sb, header);
            for (List<String> r : rows) {
                if (r != null) {
                    csvLine(sb, r);
                }
            }
            return sb.toString();
        }
    }

    /** One CSV line, quoting fields that need it. */
    static void csvLine(StringBuilder sb, List<String> cells) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                sb.append(',');
            }
            sb.append(csvField(cells.get(c)));
        }
        sb.append('\n');
    }

    static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** CSV of objects with the same keys (the first object's key order). */
    public static String csv(List<Map<String, Object>> objects) {
        StringBuilder sb = new StringBuilder();
        if (objects.isEmpty()) {
            return "";
        }
        List<String> keys = new ArrayList<>(objects.get(0).keySet());
        csvLine(sb, keys);
        for (Map<String, Object> o : objects) {
            List<String> cells = new ArrayList<>();
            for (String k : keys) {
                Object v = o.get(k);
                cells.add(v == null ? "" : v instanceof Double d ? csvNumber(d) : v.toString());
            }
            csvLine(sb, cells);
        }
        return sb.toString();
    }

    /** Full precision for CSV; empty for NaN. */
    static String csvNumber(double d) {
        return Double.isFinite(d) ? Double.toString(d) : Double.isNaN(d) ? "" : (d > 0 ? "inf" : "-inf");
    }

    /** Writes objects as a pretty-printed JSON array; non-finite doubles become null. */
    public static void writeJson(Path file, Object value) throws IOException {
        createParent(file);
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        om.writeValue(file.toFile(), finite(value));
    }

    @SuppressWarnings("unchecked")
    private static Object finite(Object v) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> out.put(k, finite(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(finite(x));
            }
            return out;
        }
        return v;
    }

    /** Writes text as UTF-8 into {@code dir/name}; creates the directories; returns the file. */
    public static Path writeText(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        writeText(file, text);
        return file;
    }

    /** Writes text as UTF-8; creates parent directories. */
    public static void writeText(Path file, String text) throws IOException {
        createParent(file);
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    /** v with the format, or "-" for NaN. */
    public static String fmt(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }
}
