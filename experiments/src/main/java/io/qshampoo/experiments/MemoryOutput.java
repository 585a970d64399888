package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.qshampoo.shampoo.StateBytes;
import io.qshampoo.shampoo.StateKind;
import io.qshampoo.shampoo.Variant;
import io.qshampoo.experiments.MemoryAccounting.Line;
import io.qshampoo.experiments.MemoryAccounting.Result;
import io.qshampoo.experiments.MemoryAccounting.Total;

/** Text, CSV and JSON forms of a {@link MemoryAccounting.Result}. */
public final class MemoryOutput {

    private static final double MIB = 1024.0 * 1024.0;

    private MemoryOutput() {
    }

    /** The totals table (MiB), and with {@code byLayer} one table of preconditioner MiB per shape and variant. */
    public static String text(String what, MemoryAccounting.Settings s, Result r, boolean byLayer) {
        StringBuilder sb = new StringBuilder();
        sb.append(what).append('\n');
        sb.append(String.format(Locale.ROOT, "  %d-bit %s, blocks %s, max block order %d, matrices under %d elements in fp32, "
                + "Sketchy ℓ = %d; base %s, grafting %s%n", s.bits(), s.mapping().id(), s.layout(), s.maxOrder(),
                s.minQuantizedElements(), s.sketchRank(), s.base().name().toLowerCase(Locale.ROOT),
                s.grafting().name().toLowerCase(Locale.ROOT)));
        sb.append("  MiB (2^20 bytes; exact bytes in the CSV/JSON). precond = Shampoo factors only; total = all optimizer state.\n\n");
        long fp32Pre = r.totals().stream().filter(t -> t.variant() == Variant.FP32).mapToLong(t -> t.preconditioner().total())
                .findFirst().orElse(-1);
        Report.Table t = new Report.Table(List.of("variant", "params", "codes", "scales", "kept diag", "fp32 states",
                "scalars", "momentum", "2nd moment", "precond", "total", "precond / fp32"),
                false, true, true, true, true, true, true, true, true, true, true, true);
        for (Total x : r.totals()) {
            StateBytes b = x.state();
            t.add(List.of(x.variant().id(), String.format(Locale.ROOT, "%,d", x.parameters()), mib(b.get(StateKind.CODES)),
                    mib(b.get(StateKind.SCALES)), mib(b.get(StateKind.KEPT_DIAGONALS)), mib(b.get(StateKind.FP32_STATES)),
                    mib(b.get(StateKind.SCALARS)), mib(b.get(StateKind.MOMENTUM)), mib(b.get(StateKind.SECOND_MOMENT)),
                    mib(x.preconditioner().total()), mib(b.total()),
                    fp32Pre > 0 ? String.format(Locale.ROOT, "%.3f", (double) x.preconditioner().total() / fp32Pre) : "-"));
        }
        sb.append(t.render());
        if (byLayer) {
            sb.append("\npreconditioner MiB per shape (all instances):\n");
            List<String> header = new ArrayList<>(List.of("layer", "shape", "count"));
            List<Variant> vs = r.totals().stream().map(Total::variant).toList();
            vs.forEach(v -> header.add(v.id()));
            boolean[] right = new boolean[header.size()];
            for (int i = 1; i < right.length; i++) {
                right[i] = true;
            }
            Report.Table lt = new Report.Table(header, right);
            int perVariant = r.lines().size() / vs.size();
            for (int i = 0; i < perVariant; i++) {
                Line first = r.lines().get(i);
                List<String> row = new ArrayList<>(List.of(first.shape().name(), first.shape().shapeString(),
                        Integer.toString(first.shape().count())));
                for (int v = 0; v < vs.size(); v++) {
                    row.add(mib(r.lines().get(v * perVariant + i).preconditioner().total()));
                }
                lt.add(row);
            }
            sb.append(lt.render());
        }
        return sb.toString();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / MIB);
    }

    /** One object per variant with every state kind in bytes. */
    public static List<Map<String, Object>> totals(Result r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Total t : r.totals()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("variant", t.variant().id());
            o.put("parameters", t.parameters());
            put(o, t.state());
            o.put("preconditioner_bytes", t.preconditioner().total());
            o.put("total_bytes", t.state().total());
            out.add(o);
        }
        return out;
    }

    /** One object per (variant, shape). */
    public static List<Map<String, Object>> lines(Result r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Line l : r.lines()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("variant", l.variant().id());
            o.put("layer", l.shape().name());
            o.put("shape", l.shape().shapeString());
            o.put("count", l.shape().count());
            o.put("elements", l.shape().elements() * l.shape().count());
            put(o, l.state());
            o.put("preconditioner_bytes", l.preconditioner().total());
            o.put("total_bytes", l.state().total());
            out.add(o);
        }
        return out;
    }

    private static void put(Map<String, Object> o, StateBytes b) {
        for (StateKind k : StateKind.values()) {
            o.put(k.name().toLowerCase(Locale.ROOT) + "_bytes", b.get(k));
        }
    }
}
