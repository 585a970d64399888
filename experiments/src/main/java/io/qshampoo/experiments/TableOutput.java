package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.qshampoo.experiments.QuantizationErrorTable.Function;
import io.qshampoo.experiments.QuantizationErrorTable.Result;
import io.qshampoo.experiments.QuantizationErrorTable.Row;

/** The text, CSV and JSON forms of a {@link QuantizationErrorTable.Result}. */
public final class TableOutput {

    /** The JSON/CSV keys of a row, in order; the first eight are the documented minimum. */
    public static final List<String> KEYS = List.of("matrix", "mapping", "bits", "quantized", "rectified", "f", "nre",
            "ae_deg", "ae_rad", "bjorck_steps", "block", "layout", "epsilon", "lambda_min", "lambda_max", "clipped_eigenvalues",
            "orthogonality_error", "note");

    private TableOutput() {
    }

    /** One object per row (long format: one per f), keys {@link #KEYS}. */
    public static List<Map<String, Object>> objects(Result r, QuantizationErrorTable.Settings s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("matrix", row.matrix());
            m.put("mapping", row.mapping().id());
            m.put("bits", row.bits());
            m.put("quantized", row.quantized().id());
            m.put("rectified", row.rectified());
            m.put("f", row.f().id());
            m.put("nre", row.nre());
            m.put("ae_deg", row.aeDegrees());
            m.put("ae_rad", row.aeRadians());
            m.put("bjorck_steps", row.bjorckSteps());
            m.put("block", s.layout().blockSize());
            m.put("layout", s.layout().kind() == io.qshampoo.quant.BlockLayout.Kind.ROW_SEGMENTS ? "rows" : "tiles");
            m.put("epsilon", s.epsilon());
            m.put("lambda_min", row.lambdaMin());
            m.put("lambda_max", row.lambdaMax());
            m.put("clipped_eigenvalues", row.clipped());
            m.put("orthogonality_error", row.orthogonalityError());
            m.put("note", row.note());
            out.add(m);
        }
        return out;
    }

    /** The aligned text table: one line per row of the table with both functions side by side. */
    public static String text(Result r, QuantizationErrorTable.Settings s) {
        StringBuilder sb = new StringBuilder();
        sb.append("matrix: ").append(r.matrix()).append('\n');
        sb.append(String.format(Locale.ROOT, "  n = %d, eigenvalues in [%.3g, %.3g]; ‖f(A)‖_F = %.4g, ‖offdiag f(A)‖_F = %.4g%n",
                r.n(), r.eigenvalueMin(), r.eigenvalueMax(), r.referenceNorm(), r.referenceOffDiagonalNorm()));
        sb.append(String.format(Locale.ROOT, "  f(X) = (X₊ + ε·λmax(X)·I)^(-1/4), exact eigen root, ε = %.3g; "
                + "blocks: %s; every matrix quantized (no size threshold)%n", s.epsilon(), s.layout()));
        sb.append(String.format(Locale.ROOT, "  Cholesky: C = chol(A + %.3g·λmax·I); the shift alone (C unquantized) gives NRE = %.4f%%%n",
                s.choleskyShift(), 100 * r.choleskyShiftNre()));
        sb.append(String.format(Locale.ROOT, "  Björck: %d steps on rectified rows. NRE in %%, AE in degrees and radians.%n",
                s.bjorckSteps()));
        sb.append(s.efRefreshes() > 0 ? String.format(Locale.ROOT, "  Error feedback (U-root+EF): %d refreshes of the same "
                + "target, β_e = %s; \"mean\": the mean of the %d roots (eigen4's is its rectified U-root row).%n%n",
                s.efRefreshes(), Spectrum.shortNumber(s.betaE()), s.efRefreshes()) : "\n");
        Report.Table t = new Report.Table(List.of("mapping", "bits", "quantized", "björck", "NRE %", "AE °", "AE rad",
                "offdiag NRE %", "offdiag AE °", "λmin(Â)", "clipped", "‖VᵀV−I‖F", "note"),
                false, true, false, true, true, true, true, true, true, true, true, true, false);
        String last = null;
        for (int i = 0; i + 1 < r.rows().size(); i += 2) {
            Row root = r.rows().get(i);
            Row off = r.rows().get(i + 1);
            if (root.f() != Function.ROOT || off.f() != Function.OFF_DIAGONAL) {
                throw new IllegalStateException("rows are not in (root, off-diagonal) pairs");
            }
            String group = root.mapping().id() + "/" + root.bits();
            if (last != null && !last.equals(group)) {
                t.gap();
            }
            last = group;
            String note = root.note().isEmpty() ? off.note() : root.note();
            t.add(List.of(root.mapping().id(), Integer.toString(root.bits()), root.quantized().id(),
                    root.quantized().eigenvectors() ? (root.rectified() ? Integer.toString(root.bjorckSteps()) : "no") : "-",
                    Report.fmt("%.3f", 100 * root.nre()), Report.fmt("%.3f", root.aeDegrees()),
                    Report.fmt("%.4f", root.aeRadians()), Report.fmt("%.3f", 100 * off.nre()),
                    Report.fmt("%.3f", off.aeDegrees()), Report.fmt("%.3g", root.lambdaMin()),
                    Double.isNaN(root.lambdaMin()) ? "-" : Integer.toString(root.clipped()),
                    Report.fmt("%.3g", root.orthogonalityError()), note.length() > 60 ? note.substring(0, 60) + "…" : note));
        }
        sb.append(t.render());
        sb.append(String.format(Locale.ROOT, "%n%d rows (%d per function), %.1f s; %s%n", r.rows().size(),
                r.rows().size() / 2, r.seconds(), r.throughput()));
        return sb.toString();
    }
}
