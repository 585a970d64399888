package io.qshampoo.shampoo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What differs between a checkpoint's fingerprint and the live optimizer's, named field by field, so a refused
 * restore says "config field preconditioner.beta is 0.9 in the checkpoint, 0.95 here" rather than showing two blobs
 * (a nested record, like the configuration's preconditioner, is compared field by field).
 *
 * <p>A fingerprint ({@link ShampooOptimizer}) is lines: the configuration and the base optimizer as Java records
 * print them ({@code Name[field=value, …]}, nested records kept whole), then one line per parameter
 * ({@code name shape precision}). Lines of the same record type are compared field by field; other lines as
 * wholes. Cost: linear in the fingerprints' length.
 */
final class FingerprintDiff {

    private FingerprintDiff() {
    }

    /** One sentence per difference, joined by "; " (empty when the fingerprints are equal). */
    static String describe(String checkpoint, String live) {
        String[] a = checkpoint.split("\n", -1);
        String[] b = live.split("\n", -1);
        List<String> out = new ArrayList<>();
        int n = Math.max(a.length, b.length);
        for (int i = 0; i < n; i++) {
            String x = i < a.length ? a[i] : "";
            String y = i < b.length ? b[i] : "";
            if (x.equals(y)) {
                continue;
            }
            Map<String, String> fx = fields(x);
            Map<String, String> fy = fields(y);
            if (fx != null && fy != null && type(x).equals(type(y))) {
                fieldDifferences(i == 0 ? "config" : type(x), "", fx, fy, out);
            } else if (i >= 2) {
                out.add("parameter " + (x.isEmpty() ? "(none)" : "'" + x + "'") + " in the checkpoint, "
                        + (y.isEmpty() ? "(none)" : "'" + y + "'") + " here");
            } else {
                out.add((i == 0 ? "config " : "base optimizer ") + x + " in the checkpoint, " + y + " here");
            }
        }
        return String.join("; ", out);
    }

    /**
     * The differing fields of two records of one type; a field holding a nested record of the same type on both
     * sides (e.g. the configuration's {@code preconditioner}) is compared field by field as {@code outer.inner}.
     */
    private static void fieldDifferences(String what, String prefix, Map<String, String> fx, Map<String, String> fy,
                                         List<String> out) {
        for (String k : union(fx, fy)) {
            String vx = fx.getOrDefault(k, "(absent)");
            String vy = fy.getOrDefault(k, "(absent)");
            if (vx.equals(vy)) {
                continue;
            }
            Map<String, String> nx = fields(vx);
            Map<String, String> ny = fields(vy);
            if (nx != null && ny != null && !nx.isEmpty() && type(vx).equals(type(vy))) {
                fieldDifferences(what, prefix + k + ".", nx, ny, out);
            } else {
                out.add(what + " field " + prefix + k + " is " + vx + " in the checkpoint, " + vy + " here");
            }
        }
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(keys::add);
        return keys;
    }

    private static String type(String line) {
        int open = line.indexOf('[');
        return open < 0 ? line : line.substring(0, open);
    }

    /** The top-level {@code field=value} pairs of {@code Name[…]}, or null when the line is not of that form. */
    private static Map<String, String> fields(String line) {
        int open = line.indexOf('[');
        if (open <= 0 || !line.endsWith("]")) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        String inner = line.substring(open + 1, line.length() - 1);
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= inner.length(); i++) {
            char c = i < inner.length() ? inner.charAt(i) : ',';
            if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String part = inner.substring(start, i).trim();
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    return part.isEmpty() && out.isEmpty() ? out : null;
                }
                out.put(part.substring(0, eq), part.substring(eq + 1));
                start = i + 1;
            }
        }
        return out;
    }
}
