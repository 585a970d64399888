package io.qshampoo.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.qshampoo.experiments.FeedbackSweep.Cell;
import io.qshampoo.experiments.FeedbackSweep.Grid;
import io.qshampoo.experiments.FeedbackSweep.StreamResult;
import io.qshampoo.experiments.report.RatioHeatMap;

/** Text, CSV, JSON and heat-map PNG forms of a {@link FeedbackSweep}. */
public final class FeedbackSweepOutput {

    private FeedbackSweepOutput() {
    }

    /** The verdict mark of a cell in the text: "*" helps, "!" hurts, " " undecided. */
    static String mark(Cell c) {
        return c.ratio().below1() ? "*" : c.ratio().above1() ? "!" : " ";
    }

    /** A row label of the rate of change: "β 0.95, θ 0.03". */
    static String rate(double beta, double rotation) {
        return "β " + Spectrum.shortNumber(beta) + ", θ " + Spectrum.shortNumber(rotation);
    }

    /**
     * The settings, then per bit width and decay a matrix of geometric-mean ratios (rows: β and θ; columns: βₑ),
     * then a count of verdicts per bit width.
     */
    public static String text(Grid g, List<Cell> cells) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "error-feedback sweep: one Kronecker factor, n = %d, gradients n×%d, T = %d steps "
                + "(T1 = 1), NRE averaged over steps %d–%d; ε = %s; %s, every matrix quantized%n", g.n(), g.cols(), g.steps(),
                g.burnIn() + 1, g.steps(), Spectrum.shortNumber(g.epsilon()), g.mapping().id()));
        sb.append(String.format(Locale.ROOT, "ratio = mean NRE(cq+ef) / mean NRE(cq) of the inverse 4th root against the "
                + "float64 EMA, same stream; geometric mean over %d seeds (%d…%d) with a %s%% t-interval on ln(ratio).%n",
                g.seeds(), g.firstSeed(), g.firstSeed() + g.seeds() - 1, Spectrum.shortNumber(100 * g.confidence())));
        sb.append("* EF helps (interval below 1)   ! EF hurts (interval above 1)   no mark: the seeds do not decide\n");
        for (int bits : g.bits()) {
            for (double a : g.decays()) {
                sb.append(String.format(Locale.ROOT, "%n%d-bit, decay α = %s%n", bits, Spectrum.shortNumber(a)));
                List<String> header = new ArrayList<>();
                header.add("rate of change");
                for (double be : g.betaEs()) {
                    header.add("βₑ " + Spectrum.shortNumber(be));
                }
                boolean[] right = new boolean[header.size()];
                java.util.Arrays.fill(right, true);
                right[0] = false;
                Report.Table t = new Report.Table(header, right);
                for (double beta : g.betas()) {
                    for (double r : g.rotations()) {
                        List<String> row = new ArrayList<>();
                        row.add(rate(beta, r));
                        for (double be : g.betaEs()) {
                            Cell c = find(cells, bits, be, r, beta, a);
                            row.add(Report.fmt("%.3f", c.ratio().geometricMean()) + mark(c));
                        }
                        t.add(row);
                    }
                }
                sb.append(t.render());
            }
        }
        sb.append('\n');
        for (int bits : g.bits()) {
            int helps = 0;
            int hurts = 0;
            int total = 0;
            for (Cell c : cells) {
                if (c.bits() == bits) {
                    total++;
                    helps += c.ratio().below1() ? 1 : 0;
                    hurts += c.ratio().above1() ? 1 : 0;
                }
            }
            sb.append(String.format(Locale.ROOT, "%d-bit: EF helps in %d of %d cells, hurts in %d, undecided in %d%n", bits,
                    helps, total, hurts, total - helps - hurts));
        }
        return sb.toString();
    }

    /** The cell with these coordinates. */
    static Cell find(List<Cell> cells, int bits, double betaE, double rotation, double beta, double decay) {
        for (Cell c : cells) {
            if (c.bits() == bits && c.betaE() == betaE && c.rotation() == rotation && c.beta() == beta && c.decay() == decay) {
                return c;
            }
        }
        throw new IllegalArgumentException("no cell for bits " + bits + ", βₑ " + betaE + ", θ " + rotation + ", β " + beta
                + ", α " + decay);
    }

    /** One object per cell. */
    public static List<Map<String, Object>> cellObjects(Grid g, List<Cell> cells) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cell c : cells) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("bits", c.bits());
            o.put("decay", c.decay());
            o.put("beta", c.beta());
            o.put("rotation", c.rotation());
            o.put("beta_e", c.betaE());
            o.put("ratio", c.ratio().geometricMean());
            o.put("ratio_lower", c.ratio().lower());
            o.put("ratio_upper", c.ratio().upper());
            o.put("verdict", c.verdict());
            o.put("seeds_ef_better", c.efBetter());
            o.put("seeds", c.ratio().count());
            o.put("mean_nre_cq", FeedbackExperiment.mean(c.cqNre()));
            o.put("mean_nre_cq_ef", FeedbackExperiment.mean(c.efNre()));
            o.put("confidence", g.confidence());
            out.add(o);
        }
        return out;
    }

    /** One object per stream, bit width and method: the raw per-seed numbers the cells are computed from. */
    public static List<Map<String, Object>> streamObjects(Grid g, List<StreamResult> results) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (StreamResult r : results) {
            for (int b = 0; b < g.bits().size(); b++) {
                out.add(streamObject(r, g.bits().get(b), "cq", Double.NaN, r.cq()[b]));
                for (int e = 0; e < g.betaEs().size(); e++) {
                    out.add(streamObject(r, g.bits().get(b), "cq+ef", g.betaEs().get(e), r.ef()[b][e]));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> streamObject(StreamResult r, int bits, String method, double betaE, double nre) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("rotation", r.stream().rotation());
        o.put("beta", r.stream().beta());
        o.put("decay", r.stream().decay());
        o.put("seed", r.stream().seed());
        o.put("bits", bits);
        o.put("method", method);
        o.put("beta_e", betaE);
        o.put("mean_nre", nre);
        return o;
    }

    /** The settings as an object (for the JSON file). */
    static Map<String, Object> settingsObject(Grid g) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("beta_e", g.betaEs());
        o.put("bits", g.bits());
        o.put("rotation", g.rotations());
        o.put("beta", g.betas());
        o.put("decay", g.decays());
        o.put("seeds", g.seeds());
        o.put("first_seed", g.firstSeed());
        o.put("n", g.n());
        o.put("cols", g.cols());
        o.put("steps", g.steps());
        o.put("burn_in", g.burnIn());
        o.put("epsilon", g.epsilon());
        o.put("mapping", g.mapping().id());
        o.put("layout", g.layout().toString());
        o.put("confidence", g.confidence());
        o.put("interval", "Student t on ln(ratio) over seeds, exponentiated");
        return o;
    }

    /** The heat maps of one bit width: a panel per decay, rows (β, θ), columns βₑ, cells whose interval is below 1 outlined. */
    static List<RatioHeatMap.Panel> panels(Grid g, List<Cell> cells, int bits) {
        List<RatioHeatMap.Panel> panels = new ArrayList<>();
        List<String> columns = g.betaEs().stream().map(Spectrum::shortNumber).toList();
        for (double a : g.decays()) {
            List<String> rows = new ArrayList<>();
            double[][] v = new double[g.betas().size() * g.rotations().size()][];
            boolean[][] m = new boolean[v.length][];
            int i = 0;
            for (double beta : g.betas()) {
                for (double r : g.rotations()) {
                    rows.add(rate(beta, r));
                    v[i] = new double[columns.size()];
                    m[i] = new boolean[columns.size()];
                    for (int e = 0; e < columns.size(); e++) {
                        Cell c = find(cells, bits, g.betaEs().get(e), r, beta, a);
                        v[i][e] = c.ratio().geometricMean();
                        m[i][e] = c.ratio().below1();
                    }
                    i++;
                }
            }
            panels.add(new RatioHeatMap.Panel("decay α = " + Spectrum.shortNumber(a), columns, rows, v, m));
        }
        return panels;
    }

    /**
     * Writes feedback-sweep.txt, feedback-sweep.csv (cells), feedback-sweep-streams.csv (per stream),
     * feedback-sweep.json (settings and cells) and sweep-bits-B.png per bit width; returns the files.
     */
    public static List<Path> write(Path dir, Grid g, List<StreamResult> results, List<Cell> cells, String text)
            throws IOException {
        List<Map<String, Object>> objects = cellObjects(g, cells);
        List<Path> files = new ArrayList<>(List.of(Report.writeText(dir, "feedback-sweep.txt", text),
                Report.writeText(dir, "feedback-sweep.csv", Report.csv(objects)),
                Report.writeText(dir, "feedback-sweep-streams.csv", Report.csv(streamObjects(g, results)))));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("settings", settingsObject(g));
        json.put("cells", objects);
        Path js = dir.resolve("feedback-sweep.json");
        Report.writeJson(js, json);
        files.add(js);
        for (int bits : g.bits()) {
            Path png = dir.resolve("sweep-bits-" + bits + ".png");
            RatioHeatMap.writePng(png, String.format(Locale.ROOT, "Error feedback at %d bits: NRE(cq+ef) / NRE(cq) of L^(-1/4), "
                    + "n = %d, %d seeds", bits, g.n(), g.seeds()), "βₑ", "rate of change", String.format(Locale.ROOT,
                    "blue: EF lowers the root's error, red: raises it (geometric mean over seeds); outlined: the %s%% "
                    + "interval lies entirely below 1 (EF helps)", Spectrum.shortNumber(100 * g.confidence())),
                    panels(g, cells, bits));
            files.add(png);
        }
        return files;
    }
}
