package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.shampoo.KroneckerFactor;

/**
 * Where error feedback helps: the ratio of the inverse-root NRE of CQ+EF to that of CQ (Li et al. Eqs. 10–11 against
 * Eq. 8) over a grid of βₑ, bits, the stream's rate of change (basis rotation θ per step and the EMA's β) and its
 * spectral decay α, each averaged over seeds with a confidence interval ({@link RatioInterval}).
 *
 * <h2>One stream</h2>
 * A <em>stream</em> is one (θ, β, α, seed): one {@link GradientStream}, one unquantized float64 EMA as the reference
 * and, for every bit width, one CQ factor and one CQ+EF factor per βₑ — all the optimizer's own factor classes,
 * built by {@link FeedbackExperiment#factor} (T1 = T2 = 1, every matrix quantized) and fed the same gradients in
 * lockstep, so CQ and CQ+EF differ only by the feedback. After a burn-in of {@code burnIn} steps (the EMA's
 * start from ε·I and the error state's start from 0 are transients, not the regime), every step compares each
 * factor's root f(D(C̄)·D(C̄)ᵀ) with f(L_t) of the reference (f = {@link InverseFourthRoot}, NRE of Li Eq. 9), and
 * the NREs are averaged over the remaining T − burnIn steps.
 *
 * <h2>One cell</h2>
 * A cell is one (bits, βₑ, θ, β, α); its value per seed is mean NRE(CQ+EF) / mean NRE(CQ) on that seed's stream,
 * and over seeds the geometric mean with its t-interval. Seeds are {@code firstSeed}, {@code firstSeed + 1}, …, the
 * same for every (θ, β, α) (common random numbers: the cells see the same draws).
 *
 * <p>Cost per stream: T·F factor updates and (T − burnIn)·F roots with F = 1 + |bits|·(1 + |βₑ|), each O(n³)
 * (Cholesky, D(C̄)·D(C̄)ᵀ, a symmetric eigendecomposition) plus O(n²k) for G·Gᵀ; streams run in parallel.
 */
public final class FeedbackSweep {

    /**
     * The most work a grid may ask for, in estimated floating-point operations ({@link Grid#flops()}): about 3.5
     * hours of one core at the 1.6e9 estimated flops per second measured for n = 32 with OpenBLAS (the default grid
     * is 7.3e11: under 4 minutes on 2 idle cores).
     */
    public static final double MAX_FLOPS = 2e13;

    /**
     * The grid and the run.
     *
     * @param betaEs     βₑ values, each in [0, 1)
     * @param bits       bit widths, each 3, 4 or 8
     * @param rotations  θ values (rotation per step), each finite ≥ 0
     * @param betas      EMA β values, each in (0, 1)
     * @param decays     spectral decays α, each finite ≥ 0
     * @param seeds      number of seeds S ≥ 2 (an interval needs two)
     * @param firstSeed  the first seed
     * @param n          factor order ≥ 2
     * @param cols       gradient columns k ≥ 1
     * @param steps      T ≥ 2
     * @param burnIn     steps not measured, 0 ≤ burnIn &lt; T
     * @param epsilon    ε (ridge of f, Cholesky shift, initial states)
     * @param mapping    code table
     * @param layout     block layout
     * @param confidence confidence c of the intervals, in (0, 1)
     * @param threads    streams run in parallel on this many threads
     */
    public record Grid(List<Double> betaEs, List<Integer> bits, List<Double> rotations, List<Double> betas,
            List<Double> decays, int seeds, long firstSeed, int n, int cols, int steps, int burnIn, double epsilon,
            Mapping mapping, BlockLayout layout, double confidence, int threads) {

        public Grid {
            betaEs = distinct("--beta-e", betaEs);
            bits = distinct("--bits", bits);
            rotations = distinct("--rotation", rotations);
            betas = distinct("--beta", betas);
            decays = distinct("--decay", decays);
            for (double b : betaEs) {
                require(b >= 0 && b < 1, "--beta-e has " + b + "; expected values in [0, 1)");
            }
            for (int b : bits) {
                require(b == 3 || b == 4 || b == 8, "--bits has " + b + "; expected 3, 4 or 8");
            }
            for (double r : rotations) {
                require(r >= 0 && Double.isFinite(r), "--rotation has " + r + "; expected finite values >= 0");
            }
            for (double b : betas) {
                require(b > 0 && b < 1, "--beta has " + b + "; expected values in (0, 1)");
            }
            for (double a : decays) {
                require(a >= 0 && Double.isFinite(a), "--decay has " + a + "; expected finite values >= 0");
            }
            require(seeds >= 2, "--seeds is " + seeds + "; expected >= 2 (a confidence interval needs two seeds)");
            require(n >= 2 && cols >= 1, "--n is " + n + " and --cols " + cols + "; expected n >= 2 and cols >= 1");
            require(steps >= 2 && burnIn >= 0 && burnIn < steps, "--steps is " + steps + " and --burn-in " + burnIn
                    + "; expected steps >= 2 and 0 <= burn-in < steps");
            require(epsilon > 0 && Double.isFinite(epsilon), "--epsilon is " + epsilon + "; expected a finite value > 0");
            require(mapping != null && layout != null, "mapping and layout must be given");
            for (int b : bits) {
                new QuantizationConfig(mapping, b, layout, 0);
            }
            require(confidence > 0 && confidence < 1, "--confidence is " + confidence + "; expected a value in (0, 1)");
            require(threads >= 1, "--threads is " + threads + "; expected >= 1");
            // The record's fields are assigned after this body: the work is counted from the parameters.
            long streams = (long) rotations.size() * betas.size() * decays.size() * seeds;
            int factors = 1 + bits.size() * (1 + betaEs.size());
            double f = flops(streams, steps, factors, n, cols);
            require(f <= MAX_FLOPS, String.format(Locale.ROOT, "the sweep needs about %.2g floating-point operations "
                    + "(%d streams × %d steps × %d factors × (12n³ + 2n²k) with n = %d, k = %d); the limit is %.0g: "
                    + "shrink --n, --steps, --seeds or a list", f, streams, steps, factors, n, cols, MAX_FLOPS));
        }

        /** Streams: |θ|·|β|·|α|·S. */
        public long streams() {
            return (long) rotations.size() * betas.size() * decays.size() * seeds;
        }

        /** Factors per stream: the reference and, per bit width, CQ and one CQ+EF per βₑ. */
        public int factorsPerStream() {
            return 1 + bits.size() * (1 + betaEs.size());
        }

        /** Cells: |bits|·|βₑ|·|θ|·|β|·|α|. */
        public long cells() {
            return (long) bits.size() * betaEs.size() * rotations.size() * betas.size() * decays.size();
        }

        /**
         * An estimate of the work: per factor-step 12n³ flops — D(C̄)·D(C̄)ᵀ (2n³), the Cholesky (n³/3) and f's
         * eigendecomposition (about 9n³, counted on every step although the burn-in skips it), rounded up — and 2n²k
         * for G·Gᵀ; the quantizer and the gradient stream are left out.
         */
        public double flops() {
            return flops(streams(), steps, factorsPerStream(), n, cols);
        }

        private static double flops(long streams, int steps, int factors, int n, int cols) {
            double perFactorStep = 12.0 * n * n * n + 2.0 * n * n * cols;
            return (double) streams * steps * factors * perFactorStep;
        }

        /**
         * A lower bound of the bytes the running streams hold: per thread, the reference's float64 n×n state and its
         * root, the gradient n×k, and each quantized factor's codes (bits/8 bytes per element).
         */
        public double leastBytes() {
            double codes = 0;
            for (int b : bits) {
                codes += (1 + betaEs.size()) * (double) n * n * b / 8;
            }
            return Math.min(threads, streams()) * (16.0 * n * n + 8.0 * n * cols + codes);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }

        private static <T> List<T> distinct(String option, List<T> values) {
            require(values != null && !values.isEmpty(), option + " is empty; expected at least one value");
            require(new HashSet<>(values).size() == values.size(), option + " " + values + " repeats a value; expected "
                    + "distinct values");
            return List.copyOf(values);
        }
    }

    /** One (θ, β, α, seed). */
    public record Stream(double rotation, double beta, double decay, int seedIndex, long seed) {
    }

    /**
     * A stream's result: mean NRE over the measured steps, per bit width (index into {@link Grid#bits()}) of CQ
     * ({@code cq[b]}) and of CQ+EF per βₑ ({@code ef[b][e]}, e into {@link Grid#betaEs()}).
     */
    public record StreamResult(Stream stream, double[] cq, double[][] ef, double seconds) {
    }

    /**
     * One cell over the seeds.
     *
     * @param cqNre    mean NRE of CQ per seed
     * @param efNre    mean NRE of CQ+EF per seed
     * @param ratio    the geometric mean of efNre/cqNre with its interval
     * @param efBetter how many seeds had a lower NRE with EF
     */
    public record Cell(int bits, double betaE, double rotation, double beta, double decay, double[] cqNre,
            double[] efNre, RatioInterval ratio, int efBetter) {

        /** "helps" (interval below 1), "hurts" (above 1) or "unclear". */
        public String verdict() {
            return ratio.below1() ? "helps" : ratio.above1() ? "hurts" : "unclear";
        }
    }

    private final Grid grid;

    public FeedbackSweep(Grid grid) {
        this.grid = grid;
    }

    public Grid grid() {
        return grid;
    }

    /** Every stream of the grid, in the order θ, β, α, seed (outermost first). */
    public List<Stream> streams() {
        List<Stream> out = new ArrayList<>();
        for (double r : grid.rotations()) {
            for (double b : grid.betas()) {
                for (double a : grid.decays()) {
                    for (int s = 0; s < grid.seeds(); s++) {
                        out.add(new Stream(r, b, a, s, grid.firstSeed() + s));
                    }
                }
            }
        }
        return out;
    }

    /** Runs every stream (in parallel); {@code progress} gets a line per finished stream. */
    public List<StreamResult> run(Consumer<String> progress) {
        List<Stream> streams = streams();
        AtomicInteger done = new AtomicInteger();
        List<Callable<StreamResult>> tasks = new ArrayList<>();
        for (Stream s : streams) {
            tasks.add(() -> {
                StreamResult r = runStream(s);
                progress.accept(String.format(Locale.ROOT, "feedback --sweep: stream %d/%d (θ %s, β %s, α %s, seed %d) "
                        + "in %.1f s", done.incrementAndGet(), streams.size(), Spectrum.shortNumber(s.rotation()),
                        Spectrum.shortNumber(s.beta()), Spectrum.shortNumber(s.decay()), s.seed(), r.seconds()));
                return r;
            });
        }
        return ParallelTasks.run(grid.threads(), "qshampoo-feedback-sweep", tasks);
    }

    /** The experiment whose factors a stream's arm uses: its β, θ, α, seed, bits and βₑ. */
    private FeedbackExperiment experiment(Stream s, int bits, double betaE) {
        Grid g = grid;
        return new FeedbackExperiment(new FeedbackExperiment.Settings(g.n(), g.cols(), g.steps(), List.of(s.decay()),
                s.rotation(), s.beta(), betaE, g.epsilon(), g.mapping(), bits, g.layout(), 0, 0, false,
                List.of(FeedbackExperiment.Method.CQ, FeedbackExperiment.Method.CQ_EF), s.seed(), 1));
    }

    /** One stream: the reference, CQ and CQ+EF per βₑ for every bit width, in lockstep. */
    StreamResult runStream(Stream s) {
        long t0 = System.nanoTime();
        Grid g = grid;
        int nb = g.bits().size();
        int ne = g.betaEs().size();
        KroneckerFactor ref = experiment(s, g.bits().get(0), 0).factor(FeedbackExperiment.Method.EMA_FP64);
        KroneckerFactor[] cq = new KroneckerFactor[nb];
        KroneckerFactor[][] ef = new KroneckerFactor[nb][ne];
        for (int b = 0; b < nb; b++) {
            cq[b] = experiment(s, g.bits().get(b), 0).factor(FeedbackExperiment.Method.CQ);
            for (int e = 0; e < ne; e++) {
                ef[b][e] = experiment(s, g.bits().get(b), g.betaEs().get(e)).factor(FeedbackExperiment.Method.CQ_EF);
            }
        }
        GradientStream stream = new GradientStream(g.n(), g.cols(), s.decay(), s.rotation(), s.seed());
        InverseFourthRoot f = new InverseFourthRoot(g.epsilon());
        double[] cqSum = new double[nb];
        double[][] efSum = new double[nb][ne];
        for (int step = 0; step < g.steps(); step++) {
            DMatrixRMaj grad = stream.next();
            ref.updateStatistics(grad);
            for (int b = 0; b < nb; b++) {
                cq[b].updateStatistics(grad);
                for (KroneckerFactor x : ef[b]) {
                    x.updateStatistics(grad);
                }
            }
            if (step < g.burnIn()) {
                continue;
            }
            DMatrixRMaj refRoot = f.of(ref.statistic()).root();
            for (int b = 0; b < nb; b++) {
                cqSum[b] += nre(refRoot, cq[b], f);
                for (int e = 0; e < ne; e++) {
                    efSum[b][e] += nre(refRoot, ef[b][e], f);
                }
            }
        }
        int measured = g.steps() - g.burnIn();
        for (int b = 0; b < nb; b++) {
            cqSum[b] /= measured;
            for (int e = 0; e < ne; e++) {
                efSum[b][e] /= measured;
            }
        }
        return new StreamResult(s, cqSum, efSum, (System.nanoTime() - t0) / 1e9);
    }

    private static double nre(DMatrixRMaj refRoot, KroneckerFactor factor, InverseFourthRoot f) {
        return MatrixDiscrepancy.between(refRoot, FeedbackExperiment.root(factor, f)).nre();
    }

    /**
     * The cells of the grid from the streams' results (every stream of the grid present once), ordered by bits, α,
     * β, θ, βₑ (outermost first).
     */
    public List<Cell> cells(List<StreamResult> results) {
        Grid g = grid;
        List<Cell> out = new ArrayList<>();
        for (int b = 0; b < g.bits().size(); b++) {
            for (double a : g.decays()) {
                for (double beta : g.betas()) {
                    for (double r : g.rotations()) {
                        StreamResult[] bySeed = new StreamResult[g.seeds()];
                        for (StreamResult x : results) {
                            Stream s = x.stream();
                            if (s.rotation() == r && s.beta() == beta && s.decay() == a) {
                                if (bySeed[s.seedIndex()] != null) {
                                    throw new IllegalArgumentException("stream " + s + " appears twice");
                                }
                                bySeed[s.seedIndex()] = x;
                            }
                        }
                        for (int e = 0; e < g.betaEs().size(); e++) {
                            double[] cqNre = new double[g.seeds()];
                            double[] efNre = new double[g.seeds()];
                            double[] ratio = new double[g.seeds()];
                            int better = 0;
                            for (int s = 0; s < g.seeds(); s++) {
                                if (bySeed[s] == null) {
                                    throw new IllegalArgumentException("no result for θ " + r + ", β " + beta + ", α " + a
                                            + ", seed index " + s);
                                }
                                cqNre[s] = bySeed[s].cq()[b];
                                efNre[s] = bySeed[s].ef()[b][e];
                                ratio[s] = efNre[s] / cqNre[s];
                                better += efNre[s] < cqNre[s] ? 1 : 0;
                            }
                            out.add(new Cell(g.bits().get(b), g.betaEs().get(e), r, beta, a, cqNre, efNre,
                                    RatioInterval.of(ratio, g.confidence()), better));
                        }
                    }
                }
            }
        }
        return out;
    }
}
