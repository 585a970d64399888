package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.shampoo.KroneckerFactor;
import io.qshampoo.shampoo.QuantizedSketchBound;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Side;
import io.qshampoo.shampoo.Variant;

/**
 * What storing Sketchy's Frequent-Directions sketch with 4-bit directions costs (variant sketchy4 against sketchy):
 * one left Kronecker factor of each runs on the same stream of gradients ({@link GradientStream}, the feedback
 * experiment's), updated every step, and is compared at every step with the exact statistic
 * G_t = β·G_{t−1} + G_tG_tᵀ computed in float64 (Feinberg et al. Obs. 6: no (1 − β) weight).
 *
 * <h2>What is measured, per step t</h2>
 * All in units of ‖G_t‖₂:
 * <ul>
 *   <li>{@code error32}, {@code error4}: ‖G_t − Ḡ_t‖₂ of the fp32 sketch and of the quantized one (Ĝ_t, the
 *       statistic its stored state represents);</li>
 *   <li>{@code rho32}, {@code rho4}: their escaped masses ρ₁:t (FD's bound for the fp32 sketch is error32 ≤ rho32);
 *       {@code kappa4}: the quantization term κ₁:t of the bound error4 ≤ rho4 + kappa4
 *       ({@link QuantizedSketchBound}); the slack is (rho4 + kappa4)/error4 ≥ 1;</li>
 *   <li>{@code excess4}: max(0, −λmin(G_t − Ĝ_t)), how far the quantized sketch exceeds the statistic (FD's
 *       Ḡ ⪯ G no longer holds; the bound allows up to κ₁:t);</li>
 *   <li>{@code directionNre}: ‖L̂₄·G_t − L̂₃₂·G_t‖_F / ‖L̂₃₂·G_t‖_F, the two preconditioned gradients;</li>
 *   <li>{@code persistence}: mean over the fp32 sketch's directions j of |⟨uⱼ(t), uⱼ(t−1)⟩|: 1 when the FD basis
 *       keeps its columns from one update to the next, near 0 when it mixes them. Error feedback in the manner
 *       of Li et al. Eqs. 10–11 adds column j's error of one step to column j of the next, which corrects only
 *       where this is near 1.</li>
 * </ul>
 * The run is seeded and sequential; cost per step O(n³) for the eigenvalues of the n×n differences.
 */
public final class SketchErrorExperiment {

    /**
     * @param n          factor order
     * @param cols       gradient columns k
     * @param steps      T
     * @param decays     power-law exponents α of the stream, one run each
     * @param rotation   θ per step
     * @param beta       the sketch's β₂ (Sketchy's default 0.999)
     * @param sketchRank the FD buffer ℓ (qshampoo's conventions: ℓ − 1 directions kept)
     * @param bits       3, 4 or 8: sketchy4's directions
     * @param mapping    code table
     * @param layout     block layout (every Uᵀ is quantized, whatever its size)
     * @param seed       seed of the stream (the same for every decay)
     */
    public record Settings(int n, int cols, int steps, List<Double> decays, double rotation, double beta, int sketchRank,
            int bits, Mapping mapping, BlockLayout layout, long seed) {

        public Settings {
            require(n >= 2 && cols >= 1 && steps >= 1, "n = " + n + ", cols = " + cols + ", steps = " + steps
                    + "; expected n >= 2, cols >= 1, steps >= 1");
            require(decays != null && !decays.isEmpty(), "no decay exponent given");
            decays = List.copyOf(decays);
            require(bits == 3 || bits == 4 || bits == 8, "bits is " + bits + "; expected 3, 4 or 8");
            require(mapping != null && layout != null, "mapping and layout must be given");
            new QuantizationConfig(mapping, bits, layout, 0);
            config(Variant.SKETCHY4, sketchRank, beta, bits, mapping, layout); // β and ℓ, with the builder's messages
        }

        /** n = 96, k = 96, T = 200, α ∈ {0.5, 1, 2}, θ = 0.02 (the feedback defaults), β₂ = 0.999, ℓ = 24, 4-bit. */
        public static Settings defaults() {
            return new Settings(96, 96, 200, List.of(0.5, 1.0, 2.0), 0.02, 0.999, 24, 4, Mapping.LINEAR_2,
                    BlockLayout.DEFAULT, 0);
        }

        ShampooConfig config(Variant v) {
            return config(v, sketchRank, beta, bits, mapping, layout);
        }

        private static ShampooConfig config(Variant v, int sketchRank, double beta, int bits, Mapping mapping,
                BlockLayout layout) {
            ShampooConfig.Builder b = ShampooConfig.builder().variant(v).sketchRank(sketchRank).beta(beta)
                    .intervals(1, 1).mapping(mapping).layout(layout).minQuantizedElements(0);
            return (v == Variant.SKETCHY4 ? b.bits(bits) : b).build();
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** Per-step curves (index t − 1 holds step t), see the class comment. */
    public record Curves(double[] error32, double[] rho32, double[] error4, double[] rho4, double[] kappa4,
            double[] excess4, double[] directionNre, double[] persistence) {
    }

    /**
     * One decay's summary: final values, the mean of error4/error32 over the steps where error32 &gt; 0, the
     * smallest and the mean slack (rho4 + kappa4)/error4, the largest excess4, the mean direction NRE and the mean
     * basis persistence (from step 2).
     */
    public record Summary(double decay, double finalError32, double finalRho32, double finalError4, double finalRho4,
            double finalKappa4, double meanErrorRatio, double minSlack, double meanSlack, double maxExcess4,
            double meanDirectionNre, double meanPersistence) {
    }

    /** One decay's curves and summary. */
    public record DecayRun(double decay, Curves curves, Summary summary) {
    }

    private final Settings settings;
    /** The backend the property {@code qshampoo.kernels} names (EJML unless set), as the other experiments. */
    private final DenseKernels kernels = DenseKernels.fromProperty();

    public SketchErrorExperiment(Settings settings) {
        this.settings = settings;
    }

    /** Runs every decay in turn. */
    public List<DecayRun> run() {
        List<DecayRun> out = new ArrayList<>();
        for (double decay : settings.decays()) {
            out.add(run(decay));
        }
        return out;
    }

    private DecayRun run(double decay) {
        Settings s = settings;
        int n = s.n();
        int steps = s.steps();
        GradientStream stream = new GradientStream(n, s.cols(), decay, s.rotation(), s.seed());
        KroneckerFactor fp32 = KroneckerFactor.create("s", n, Side.LEFT, s.config(Variant.SKETCHY), kernels);
        KroneckerFactor q4 = KroneckerFactor.create("s", n, Side.LEFT, s.config(Variant.SKETCHY4), kernels);
        Curves c = new Curves(new double[steps], new double[steps], new double[steps], new double[steps],
                new double[steps], new double[steps], new double[steps], new double[steps]);
        DMatrixRMaj g = new DMatrixRMaj(n, n);
        DMatrixRMaj previousBasis = null;
        for (int t = 0; t < steps; t++) {
            DMatrixRMaj x = stream.next();
            CommonOps_DDRM.scale(s.beta(), g);
            CommonOps_DDRM.addEquals(g, Dense.multTransB(x, x));
            fp32.updateStatistics(x);
            q4.updateStatistics(x);
            double norm = kernels.symmetricEigen(g).max();
            Map<String, DMatrixRMaj> a = new HashMap<>();
            Map<String, DMatrixRMaj> b = new HashMap<>();
            fp32.inspect("s", a);
            q4.inspect("s", b);
            SymmetricEigen e32 = kernels.symmetricEigen(minus(g, fp32.statistic()));
            SymmetricEigen e4 = kernels.symmetricEigen(minus(g, q4.statistic()));
            c.error32()[t] = Math.max(e32.max(), -e32.min()) / norm;
            c.error4()[t] = Math.max(e4.max(), -e4.min()) / norm;
            c.rho32()[t] = a.get("s.rho").get(0) / norm;
            c.rho4()[t] = b.get("s.rho").get(0) / norm;
            c.kappa4()[t] = b.get("s.kappa").get(0) / norm;
            c.excess4()[t] = Math.max(0, -e4.min()) / norm;
            DMatrixRMaj y32 = new DMatrixRMaj(n, x.numCols);
            DMatrixRMaj y4 = new DMatrixRMaj(n, x.numCols);
            fp32.apply(x, y32);
            q4.apply(x, y4);
            c.directionNre()[t] = Dense.relativeError(y4, y32);
            DMatrixRMaj basis = a.get("s.U");
            c.persistence()[t] = previousBasis == null ? Double.NaN : persistence(previousBasis, basis);
            previousBasis = basis;
        }
        return new DecayRun(decay, c, summarize(decay, c));
    }

    private static DMatrixRMaj minus(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj d = a.copy();
        CommonOps_DDRM.subtractEquals(d, b);
        return d;
    }

    /** Mean over the columns held at both steps (non-zero) of |⟨uⱼ(t), uⱼ(t−1)⟩|; NaN when there are none. */
    static double persistence(DMatrixRMaj before, DMatrixRMaj after) {
        double sum = 0;
        int count = 0;
        for (int j = 0; j < Math.min(before.numCols, after.numCols); j++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int i = 0; i < before.numRows; i++) {
                double u = before.get(i, j);
                double v = after.get(i, j);
                dot += u * v;
                na += u * u;
                nb += v * v;
            }
            if (na > 0 && nb > 0) {
                sum += Math.abs(dot) / Math.sqrt(na * nb);
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    static Summary summarize(double decay, Curves c) {
        int last = c.error32().length - 1;
        double ratio = 0;
        int ratios = 0;
        double minSlack = Double.POSITIVE_INFINITY;
        double slack = 0;
        int slacks = 0;
        double excess = 0;
        for (int t = 0; t <= last; t++) {
            if (c.error32()[t] > 0) {
                ratio += c.error4()[t] / c.error32()[t];
                ratios++;
            }
            if (c.error4()[t] > 0) {
                double sl = (c.rho4()[t] + c.kappa4()[t]) / c.error4()[t];
                minSlack = Math.min(minSlack, sl);
                slack += sl;
                slacks++;
            }
            excess = Math.max(excess, c.excess4()[t]);
        }
        return new Summary(decay, c.error32()[last], c.rho32()[last], c.error4()[last], c.rho4()[last],
                c.kappa4()[last], ratios == 0 ? Double.NaN : ratio / ratios, slacks == 0 ? Double.NaN : minSlack,
                slacks == 0 ? Double.NaN : slack / slacks, excess, mean(c.directionNre()), mean(c.persistence()));
    }

    /** Mean of the finite entries (NaN when none). */
    static double mean(double[] x) {
        double sum = 0;
        int count = 0;
        for (double v : x) {
            if (Double.isFinite(v)) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The summary table, with the settings. */
    public static String text(Settings s, List<DecayRun> runs) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "one left factor, n = %d, gradients n×%d, T = %d steps (T1 = 1), rotation "
                + "θ = %s, β₂ = %s, ℓ = %d (%d directions kept); sketchy4: %s %d-bit, %s, every Uᵀ quantized%n", s.n(),
                s.cols(), s.steps(), Spectrum.shortNumber(s.rotation()), Spectrum.shortNumber(s.beta()), s.sketchRank(),
                Math.min(s.sketchRank() - 1, s.n()), s.mapping().id(), s.bits(), s.layout()));
        sb.append("err: ‖G − sketch‖₂, ρ: escaped mass, κ: quantization term (err4 ≤ ρ4 + κ4), excess: how far the "
                + "4-bit sketch exceeds G,\nall final and in % of ‖G‖₂; err4/err32 and dir NRE (the two preconditioned "
                + "gradients) averaged over the steps;\nslack (ρ4 + κ4)/err4 smallest and mean; persistence: mean "
                + "|⟨uⱼ(t), uⱼ(t−1)⟩| of the fp32 sketch.\n\n");
        Report.Table t = new Report.Table(List.of("decay α", "err32 %", "ρ32 %", "err4 %", "ρ4 %", "κ4 %", "err4/err32",
                "slack min", "slack mean", "max excess %", "dir NRE %", "persistence"), false, true, true, true, true,
                true, true, true, true, true, true, true);
        for (DecayRun r : runs) {
            Summary m = r.summary();
            t.add(List.of(Spectrum.shortNumber(m.decay()), pct(m.finalError32()), pct(m.finalRho32()),
                    pct(m.finalError4()), pct(m.finalRho4()), pct(m.finalKappa4()), Report.fmt("%.3f", m.meanErrorRatio()),
                    Report.fmt("%.2f", m.minSlack()), Report.fmt("%.2f", m.meanSlack()), pct(m.maxExcess4()),
                    pct(m.meanDirectionNre()), Report.fmt("%.3f", m.meanPersistence())));
        }
        sb.append(t.render());
        return sb.toString();
    }

    private static String pct(double v) {
        return Report.fmt("%.3f", 100 * v);
    }

    /** One row per decay and step, for CSV and JSON. */
    public static List<Map<String, Object>> rows(List<DecayRun> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DecayRun r : runs) {
            Curves c = r.curves();
            for (int t = 0; t < c.error32().length; t++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("decay", r.decay());
                m.put("step", t + 1);
                m.put("error32", c.error32()[t]);
                m.put("rho32", c.rho32()[t]);
                m.put("error4", c.error4()[t]);
                m.put("rho4", c.rho4()[t]);
                m.put("kappa4", c.kappa4()[t]);
                m.put("excess4", c.excess4()[t]);
                m.put("directionNre", c.directionNre()[t]);
                m.put("persistence", c.persistence()[t]);
                out.add(m);
            }
        }
        return out;
    }

    /** The summaries, for JSON. */
    public static List<Map<String, Object>> summaries(List<DecayRun> runs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DecayRun r : runs) {
            Summary m = r.summary();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("decay", m.decay());
            o.put("finalError32", m.finalError32());
            o.put("finalRho32", m.finalRho32());
            o.put("finalError4", m.finalError4());
            o.put("finalRho4", m.finalRho4());
            o.put("finalKappa4", m.finalKappa4());
            o.put("meanErrorRatio", m.meanErrorRatio());
            o.put("minSlack", m.minSlack());
            o.put("meanSlack", m.meanSlack());
            o.put("maxExcess4", m.maxExcess4());
            o.put("meanDirectionNre", m.meanDirectionNre());
            o.put("meanPersistence", m.meanPersistence());
            out.add(o);
        }
        return out;
    }
}
