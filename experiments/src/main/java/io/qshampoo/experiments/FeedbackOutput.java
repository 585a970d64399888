package io.qshampoo.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.qshampoo.experiments.FeedbackExperiment.Curves;
import io.qshampoo.experiments.FeedbackExperiment.DecayRun;
import io.qshampoo.experiments.FeedbackExperiment.Method;
import io.qshampoo.experiments.FeedbackExperiment.Settings;
import io.qshampoo.experiments.FeedbackExperiment.Summary;
import io.qshampoo.experiments.report.LinePlot;

/** Text, CSV, JSON and PNG forms of a {@link FeedbackExperiment} run. */
public final class FeedbackOutput {

    private FeedbackOutput() {
    }

    /** The summary table (one block per decay). */
    public static String text(Settings s, List<DecayRun> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "one Kronecker factor, n = %d, gradients n×%d, T = %d steps (T1 = 1), rotation θ = %s, "
                + "β = %s, β_e = %s, ε = %s%n", s.n(), s.cols(), s.steps(), Spectrum.shortNumber(s.rotation()),
                Spectrum.shortNumber(s.beta()), Spectrum.shortNumber(s.betaE()), Spectrum.shortNumber(s.epsilon())));
        sb.append(String.format(Locale.ROOT, "quantization: %s %d-bit, %s, every matrix quantized; Björck of eigen+bjorck: "
                + "t1 = %d, t2 = %d; root %s%n", s.mapping().id(), s.bits(), s.layout(), s.bjorckUpdate(), s.bjorckRoot(),
                s.quantizeRoot() ? "quantized (DiagReal) before comparing" : "not quantized"));
        sb.append("NRE/AE: root vs the root of the unquantized float64 EMA; factor err: D(stored) vs the same recurrence "
                + "unquantized;\nstat err: represented statistic vs the EMA. Means are over all T steps. NRE and errors in %.\n\n");
        Report.Table t = new Report.Table(List.of("decay α", "method", "mean NRE", "final NRE", "mean AE °", "final AE °",
                "mean factor err", "final factor err", "mean stat err", "final tr(L̂)/tr(L)"), false, false, true, true, true, true,
                true, true, true, true);
        boolean first = true;
        for (DecayRun r : runs) {
            if (!first) {
                t.gap();
            }
            first = false;
            for (Summary m : r.summaries()) {
                t.add(List.of(Spectrum.shortNumber(m.decay()), m.method().id(), pct(m.meanNre()), pct(m.finalNre()),
                        Report.fmt("%.3f", m.meanAeDegrees()), Report.fmt("%.3f", m.finalAeDegrees()),
                        pct(m.meanFactorError()), pct(m.finalFactorError()), pct(m.meanStatisticError()),
                        Report.fmt("%.4f", m.finalTraceRatio())));
            }
        }
        sb.append(t.render());
        for (DecayRun r : runs) {
            sb.append(verdict(r));
        }
        return sb.toString();
    }

    /**
     * One line per error-feedback method and its parent (cq+ef / cq, eigen+bjorck+ef / eigen+bjorck) for a decay,
     * when both ran: the numbers, not an interpretation.
     */
    static String verdict(DecayRun r) {
        StringBuilder sb = new StringBuilder();
        Method[][] pairs = {{Method.CQ_EF, Method.CQ}, {Method.EIGEN_BJORCK_EF, Method.EIGEN_BJORCK}};
        for (Method[] p : pairs) {
            Summary ef = summary(r, p[0]);
            Summary parent = summary(r, p[1]);
            if (ef != null && parent != null) {
                sb.append(String.format(Locale.ROOT, "decay %s: %s / %s ratio — mean NRE %.3f, mean factor err %.3f, "
                        + "mean stat err %.3f (< 1: feedback lower)%n", Spectrum.shortNumber(r.decay()), p[0].id(),
                        p[1].id(), ef.meanNre() / parent.meanNre(), ef.meanFactorError() / parent.meanFactorError(),
                        ef.meanStatisticError() / parent.meanStatisticError()));
            }
        }
        return sb.toString();
    }

    private static Summary summary(DecayRun r, Method m) {
        for (Summary s : r.summaries()) {
            if (s.method() == m) {
                return s;
            }
        }
        return null;
    }

    private static String pct(double v) {
        return Report.fmt("%.4f", 100 * v);
    }

    /** Summary rows as objects. */
    public static List<Map<String, Object>> summaryObjects(Settings s, List<DecayRun> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DecayRun r : runs) {
            for (Summary m : r.summaries()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("decay", m.decay());
                o.put("method", m.method().id());
                o.put("n", s.n());
                o.put("steps", s.steps());
                o.put("mapping", s.mapping().id());
                o.put("bits", s.bits());
                o.put("beta", s.beta());
                o.put("beta_e", s.betaE());
                o.put("mean_nre", m.meanNre());
                o.put("final_nre", m.finalNre());
                o.put("mean_ae_deg", m.meanAeDegrees());
                o.put("final_ae_deg", m.finalAeDegrees());
                o.put("mean_factor_error", m.meanFactorError());
                o.put("final_factor_error", m.finalFactorError());
                o.put("mean_statistic_error", m.meanStatisticError());
                o.put("final_trace_ratio", m.finalTraceRatio());
                out.add(o);
            }
        }
        return out;
    }

    /** Every step of every method, long format. */
    public static List<Map<String, Object>> stepObjects(List<DecayRun> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DecayRun r : runs) {
            r.curves().forEach((m, c) -> {
                for (int t = 0; t < c.nre().length; t++) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("decay", r.decay());
                    o.put("method", m.id());
                    o.put("step", t + 1);
                    o.put("nre", c.nre()[t]);
                    o.put("ae_deg", c.aeDegrees()[t]);
                    o.put("factor_error", c.factorError()[t]);
                    o.put("statistic_error", c.statisticError()[t]);
                    o.put("trace_ratio", c.traceRatio()[t]);
                    out.add(o);
                }
            });
        }
        return out;
    }

    /** Writes feedback.txt, feedback-summary.{csv,json}, feedback-steps.csv and two PNGs per decay; returns the files. */
    public static List<Path> write(Path dir, Settings s, List<DecayRun> runs, String text) throws IOException {
        List<Path> files = new ArrayList<>();
        Path txt = dir.resolve("feedback.txt");
        Report.writeText(txt, text);
        files.add(txt);
        List<Map<String, Object>> summary = summaryObjects(s, runs);
        Path csv = dir.resolve("feedback-summary.csv");
        Report.writeText(csv, Report.csv(summary));
        files.add(csv);
        Path json = dir.resolve("feedback-summary.json");
        Report.writeJson(json, summary);
        files.add(json);
        Path steps = dir.resolve("feedback-steps.csv");
        Report.writeText(steps, Report.csv(stepObjects(runs)));
        files.add(steps);
        for (DecayRun r : runs) {
            String a = Spectrum.shortNumber(r.decay());
            double[] x = new double[s.steps()];
            for (int t = 0; t < x.length; t++) {
                x[t] = t + 1;
            }
            LinePlot nre = new LinePlot("Inverse-root NRE vs the float64 EMA, decay α = " + a + " (n = " + s.n() + ", "
                    + s.mapping().id() + " " + s.bits() + "-bit)", "step", "NRE of L^(-1/4) (%, log scale)", true);
            LinePlot fac = new LinePlot("Stored-factor error vs the unquantized recurrence, decay α = " + a, "step",
                    "‖D(stored) − exact‖F / ‖exact‖F (%, log scale)", true);
            for (Map.Entry<Method, Curves> e : r.curves().entrySet()) {
                nre.add(e.getKey().id(), x, scaled(e.getValue().nre()));
                fac.add(e.getKey().id(), x, scaled(e.getValue().factorError()));
            }
            Path p1 = dir.resolve("nre-decay-" + a + ".png");
            Path p2 = dir.resolve("factor-error-decay-" + a + ".png");
            nre.writePng(p1);
            fac.writePng(p2);
            files.add(p1);
            files.add(p2);
        }
        return files;
    }

    private static double[] scaled(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = 100 * v[i];
        }
        return o;
    }
}
