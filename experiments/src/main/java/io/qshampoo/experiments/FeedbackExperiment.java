package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.shampoo.EigenQuantizedFactor;
import io.qshampoo.shampoo.KroneckerFactor;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Side;
import io.qshampoo.shampoo.Variant;

/**
 * Li et al.'s error-feedback claim made visible: one Kronecker factor of every variant runs on the same stream
 * of synthetic gradients ({@link GradientStream}), updated every step (T1 = 1), and is compared at every step
 * with the unquantized EMA run on the same gradients.
 *
 * <h2>Implementation</h2>
 * Every method is the optimizer's own {@link KroneckerFactor} ({@link KroneckerFactor#create}), driven directly
 * with the stream's gradients rather than through {@code ShampooOptimizer}: this gives the stored objects and the
 * represented statistic at every step, lets the root be measured with and without its own quantization, and runs
 * the unquantized references as the same factors with exact float64 storage ({@code bits = 64}).
 *
 * <h2>What is measured, per step t, per method</h2>
 * <ul>
 *   <li>NRE and AE of the inverse root: reference f(L_t) with L_t = β·L_{t−1} + (1 − β)·G_t·G_tᵀ in float64
 *       from L₀ = ε·I, f = {@link InverseFourthRoot}; approximation the root the method computes from its
 *       stored state (f of its statistic for fp32/VQ/CQ; V·(S + ε·max S)^(−1/4)·Vᵀ after t2 Björck steps for the
 *       eigenvector methods), with {@code quantizeRoot} additionally D(Q(·)) DiagReal as the optimizers store it.</li>
 *   <li>factor error ‖D(stored factor) − X_t‖_F / ‖X_t‖_F, X_t the same factor in the same recurrence run
 *       without quantization: L_t for fp32 and VQ; the Cholesky factor of the unquantized CQ recurrence
 *       ("cq-fp64") for CQ and CQ+EF; the eigenvectors of the unquantized eigenvector recurrence ("eigen-fp64",
 *       no Björck: on orthonormal float64 QR output it changes nothing above rounding) for the eigenvector
 *       methods. Caveat: eigenvectors of nearly equal eigenvalues are not individually determined, so their
 *       factor error can be large while the statistic is fine; see the statistic error.</li>
 *   <li>statistic error ‖L̂_t − L_t‖_F / ‖L_t‖_F with L̂_t the statistic the stored state represents, and the
 *       trace ratio tr(L̂_t)/tr(L_t) (above 1: the stored state carries more energy than the EMA, e.g. the
 *       positive bias E[ΔΔᵀ] that rounding noise Δ of a factor adds to D(C)·D(C)ᵀ).</li>
 * </ul>
 * The shadows "cq-fp64" and "eigen-fp64" are also reported as methods: their root error is the recurrence's own
 * error without quantization (CQ's ε·I shift accumulates; one subspace-iteration step per update lags the EMA).
 */
public final class FeedbackExperiment {

    /** The variants, with their ids. */
    public enum Method {
        /** The unquantized float64 EMA: the reference itself (zero error by construction). */
        EMA_FP64("ema-fp64"),
        /** EMA stored in fp32: 32-bit Shampoo (Li Eq. 2). */
        FP32("fp32"),
        /** Vanilla quantization, DiagReal (Li Eq. 5). */
        VQ("vq"),
        /** Cholesky quantization (Li Eqs. 7–8). */
        CQ("cq"),
        /** Cholesky quantization with error feedback (Li Eqs. 7, 10, 11). */
        CQ_EF("cq+ef"),
        /** The CQ recurrence without quantization (shadow of cq and cq+ef). */
        CQ_FP64("cq-fp64"),
        /** Eigenvector quantization without Björck (t1 = t2 = 0). */
        EIGEN("eigen"),
        /** Eigenvector quantization with Björck (t1, t2; Wang et al.: 1 and 4). */
        EIGEN_BJORCK("eigen+bjorck"),
        /** eigen+bjorck with error feedback on the eigenvectors (variant eigen4+ef, β_e): Li Eqs. 10–11 for the basis. */
        EIGEN_BJORCK_EF("eigen+bjorck+ef"),
        /** The eigenvector recurrence without quantization (shadow of the eigenvector methods). */
        EIGEN_FP64("eigen-fp64");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** The method with this id. */
        public static Method fromId(String id) {
            for (Method m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown method \"" + id + "\"; expected one of "
                    + java.util.Arrays.stream(values()).map(Method::id).toList());
        }

        /** Methods shown by default: all but the reference itself. */
        public static List<Method> defaults() {
            return List.of(FP32, VQ, CQ, CQ_EF, CQ_FP64, EIGEN, EIGEN_BJORCK, EIGEN_BJORCK_EF, EIGEN_FP64);
        }
    }

    /**
     * @param n            factor order
     * @param cols         gradient columns k
     * @param steps        T
     * @param decays       power-law exponents α, one run each
     * @param rotation     θ per step
     * @param beta         EMA β (Li: 0.95)
     * @param betaE        error-feedback β_e of cq+ef and eigen+bjorck+ef, in [0, 1) (Li: 0.95; 0 carries the whole
     *                     residual)
     * @param epsilon      ε: ridge factor of f, Cholesky shift, initial states (1e-6)
     * @param mapping      code table
     * @param bits         3, 4 or 8
     * @param layout       block layout
     * @param bjorckUpdate Björck steps t1 of eigen+bjorck and eigen+bjorck+ef (Wang: 1)
     * @param bjorckRoot   Björck steps t2 of eigen+bjorck and eigen+bjorck+ef (Wang: 4)
     * @param quantizeRoot also quantize the root (DiagReal) before comparing
     * @param methods      methods to report
     * @param seed         seed of the gradient stream (the same for every decay)
     * @param threads      decays run in parallel on this many threads
     */
    public record Settings(int n, int cols, int steps, List<Double> decays, double rotation, double beta, double betaE,
            double epsilon, Mapping mapping, int bits, BlockLayout layout, int bjorckUpdate, int bjorckRoot,
            boolean quantizeRoot, List<Method> methods, long seed, int threads) {

        public Settings {
            require(n >= 2 && cols >= 1 && steps >= 1, "n = " + n + ", cols = " + cols + ", steps = " + steps
                    + "; expected n >= 2, cols >= 1, steps >= 1");
            require(decays != null && !decays.isEmpty(), "no decay exponent given");
            decays = List.copyOf(decays);
            require(beta > 0 && beta < 1 && betaE >= 0 && betaE < 1, "beta = " + beta + ", betaE = " + betaE
                    + "; expected beta in (0, 1) and betaE in [0, 1)");
            require(epsilon > 0 && Double.isFinite(epsilon), "epsilon is " + epsilon + "; expected a finite value > 0");
            require(mapping != null && layout != null, "mapping and layout must be given");
            new QuantizationConfig(mapping, bits, layout, 0);
            require(bjorckUpdate >= 0 && bjorckRoot >= 0, "Björck steps must be >= 0");
            require(methods != null && !methods.isEmpty(), "no method selected");
            methods = List.copyOf(methods);
            require(threads >= 1, "threads is " + threads + "; expected >= 1");
        }

        /** n = 96, k = 96, T = 200, α ∈ {0.5, 1, 2}, θ = 0.02, β = β_e = 0.95, ε = 1e-6, 4-bit linear-2 rows of 64. */
        public static Settings defaults() {
            return new Settings(96, 96, 200, List.of(0.5, 1.0, 2.0), 0.02, 0.95, 0.95, 1e-6, Mapping.LINEAR_2, 4,
                    BlockLayout.DEFAULT, 1, 4, false, Method.defaults(), 0, Runtime.getRuntime().availableProcessors());
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** Per-step curves of one method (index t − 1 holds step t). */
    public record Curves(double[] nre, double[] aeDegrees, double[] factorError, double[] statisticError,
            double[] traceRatio) {
    }

    /**
     * Summary of one method over the run.
     *
     * @param meanNre            time-averaged NRE of the root
     * @param finalNre           NRE at step T
     * @param meanAeDegrees      time-averaged AE
     * @param finalAeDegrees     AE at step T
     * @param meanFactorError    time-averaged factor error
     * @param finalFactorError   factor error at step T
     * @param meanStatisticError time-averaged statistic error
     * @param finalTraceRatio    tr(L̂_T)/tr(L_T): above 1, the represented statistic has more energy than the EMA
     */
    public record Summary(double decay, Method method, double meanNre, double finalNre, double meanAeDegrees,
            double finalAeDegrees, double meanFactorError, double finalFactorError, double meanStatisticError,
            double finalTraceRatio) {
    }

    /** One decay's run. */
    public record DecayRun(double decay, Map<Method, Curves> curves, List<Summary> summaries, double seconds) {
    }

    private final Settings settings;

    public FeedbackExperiment(Settings settings) {
        this.settings = settings;
    }

    /** Seconds between two progress lines of one decay's step loop. */
    static final double PROGRESS_INTERVAL_SECONDS = 10;

    /**
     * Runs every decay (in parallel); {@code progress} gets a line per finished decay and, while a decay runs, one
     * about every {@value #PROGRESS_INTERVAL_SECONDS} seconds with its step count (a long run shows how far it is).
     */
    public List<DecayRun> run(Consumer<String> progress) {
        return run(progress, PROGRESS_INTERVAL_SECONDS);
    }

    /** As {@link #run(Consumer)} with another interval between a decay's progress lines (tests use 0: every step). */
    List<DecayRun> run(Consumer<String> progress, double intervalSeconds) {
        List<Callable<DecayRun>> tasks = new ArrayList<>();
        for (double a : settings.decays()) {
            tasks.add(() -> {
                DecayRun r = runDecay(a, progress, intervalSeconds);
                progress.accept(String.format(Locale.ROOT, "feedback: decay %s done in %.1f s", Spectrum.shortNumber(a),
                        r.seconds()));
                return r;
            });
        }
        return ParallelTasks.run(settings.threads(), "qshampoo-feedback", tasks);
    }

    /** The factors of one run: the reference, the shadows needed, and the reported methods. */
    Map<Method, KroneckerFactor> factors() {
        Settings s = settings;
        Map<Method, KroneckerFactor> t = new EnumMap<>(Method.class);
        t.put(Method.EMA_FP64, factor(Method.EMA_FP64));
        boolean cq = s.methods().stream().anyMatch(m -> m == Method.CQ || m == Method.CQ_EF || m == Method.CQ_FP64);
        boolean eig = s.methods().stream().anyMatch(m -> shadowOf(m) == Method.EIGEN_FP64);
        if (cq) {
            t.put(Method.CQ_FP64, factor(Method.CQ_FP64));
        }
        if (eig) {
            t.put(Method.EIGEN_FP64, factor(Method.EIGEN_FP64));
        }
        for (Method m : s.methods()) {
            t.computeIfAbsent(m, this::factor);
        }
        return t;
    }

    /** The optimizer's factor for a method (T1 = T2 = 1, every matrix quantized, exact storage for the shadows). */
    KroneckerFactor factor(Method m) {
        Settings s = settings;
        ShampooConfig.Builder b = ShampooConfig.builder().intervals(1, 1).beta(s.beta()).epsilon(s.epsilon())
                .mapping(s.mapping()).bits(s.bits()).layout(s.layout()).minQuantizedElements(0);
        switch (m) {
            case EMA_FP64 -> b.variant(Variant.FP32).bits(64);
            case FP32 -> b.variant(Variant.FP32).bits(32);
            case VQ -> b.variant(Variant.VQ);
            case CQ -> b.variant(Variant.CQ);
            case CQ_EF -> b.variant(Variant.CQ_EF).betaE(s.betaE());
            case CQ_FP64 -> b.variant(Variant.CQ).bits(64);
            case EIGEN -> b.variant(Variant.EIGEN4).bjorckSteps(0, 0);
            case EIGEN_BJORCK -> b.variant(Variant.EIGEN4).bjorckSteps(s.bjorckUpdate(), s.bjorckRoot());
            case EIGEN_BJORCK_EF -> b.variant(Variant.EIGEN4_EF).bjorckSteps(s.bjorckUpdate(), s.bjorckRoot())
                    .betaE(s.betaE());
            case EIGEN_FP64 -> b.variant(Variant.EIGEN4).bjorckSteps(0, 0).bits(64);
        }
        return KroneckerFactor.create(m.id(), s.n(), Side.LEFT, b.build(), DenseKernels.fromProperty());
    }

    /**
     * The root a method computes from its state, not quantized: f of its statistic (fp32, VQ, CQ), or
     * V·(S + ε·max S)^(−1/4)·Vᵀ from its root eigenpairs (eigenvector methods).
     */
    static DMatrixRMaj root(KroneckerFactor factor, InverseFourthRoot f) {
        if (factor instanceof EigenQuantizedFactor e) {
            EigenQuantizedFactor.Eigenpairs p = e.rootEigenpairs();
            return f.fromEigenpairs(p.vectors(), p.values());
        }
        return f.of(factor.statistic()).root();
    }

    /** The shadow whose factor a method's stored factor is compared with. */
    static Method shadowOf(Method m) {
        return switch (m) {
            case EMA_FP64, FP32, VQ -> Method.EMA_FP64;
            case CQ, CQ_EF, CQ_FP64 -> Method.CQ_FP64;
            case EIGEN, EIGEN_BJORCK, EIGEN_BJORCK_EF, EIGEN_FP64 -> Method.EIGEN_FP64;
        };
    }

    /** One decay: T steps of every factor on the same gradients. */
    DecayRun runDecay(double alpha, Consumer<String> progress, double intervalSeconds) {
        long t0 = System.nanoTime();
        long interval = (long) (intervalSeconds * 1e9);
        long nextReport = t0 + interval;
        Settings s = settings;
        Map<Method, KroneckerFactor> factors = factors();
        GradientStream stream = new GradientStream(s.n(), s.cols(), alpha, s.rotation(), s.seed());
        InverseFourthRoot f = new InverseFourthRoot(s.epsilon());
        QuantizationConfig q = new QuantizationConfig(s.mapping(), s.bits(), s.layout(), 0);
        Map<Method, Curves> curves = new EnumMap<>(Method.class);
        for (Method m : s.methods()) {
            curves.put(m, new Curves(new double[s.steps()], new double[s.steps()], new double[s.steps()], new double[s.steps()],
                    new double[s.steps()]));
        }
        for (int step = 0; step < s.steps(); step++) {
            long now = System.nanoTime();
            if (step > 0 && now >= nextReport) {
                nextReport = now + interval;
                double elapsed = (now - t0) / 1e9;
                progress.accept(String.format(Locale.ROOT, "feedback: decay %s, step %d of %d (%.1f%%), %.0f s, about"
                        + " %.0f s left", Spectrum.shortNumber(alpha), step, s.steps(), 100.0 * step / s.steps(), elapsed,
                        elapsed * (s.steps() - step) / step));
            }
            DMatrixRMaj g = stream.next();
            for (KroneckerFactor t : factors.values()) {
                t.updateStatistics(g);
            }
            KroneckerFactor ref = factors.get(Method.EMA_FP64);
            DMatrixRMaj l = ref.statistic();
            DMatrixRMaj refRoot = f.of(l).root();
            Map<Method, DMatrixRMaj> shadowFactors = new EnumMap<>(Method.class);
            for (Method sh : List.of(Method.EMA_FP64, Method.CQ_FP64, Method.EIGEN_FP64)) {
                if (factors.containsKey(sh)) {
                    shadowFactors.put(sh, factors.get(sh).factor());
                }
            }
            for (Method m : s.methods()) {
                KroneckerFactor t = factors.get(m);
                DMatrixRMaj root = root(t, f);
                if (s.quantizeRoot()) {
                    root = RoundTrip.of(root, StorageMode.DIAG_REAL, q);
                }
                Curves c = curves.get(m);
                MatrixDiscrepancy d = MatrixDiscrepancy.between(refRoot, root);
                c.nre()[step] = d.nre();
                c.aeDegrees()[step] = d.aeDegrees();
                c.factorError()[step] = Dense.relativeError(t.factor(), shadowFactors.get(shadowOf(m)));
                DMatrixRMaj hat = t.statistic();
                c.statisticError()[step] = Dense.relativeError(hat, l);
                c.traceRatio()[step] = org.ejml.dense.row.CommonOps_DDRM.trace(hat) / org.ejml.dense.row.CommonOps_DDRM.trace(l);
            }
        }
        List<Summary> summaries = new ArrayList<>();
        for (Method m : s.methods()) {
            Curves c = curves.get(m);
            int last = s.steps() - 1;
            summaries.add(new Summary(alpha, m, mean(c.nre()), c.nre()[last], mean(c.aeDegrees()), c.aeDegrees()[last],
                    mean(c.factorError()), c.factorError()[last], mean(c.statisticError()), c.traceRatio()[last]));
        }
        return new DecayRun(alpha, curves, summaries, (System.nanoTime() - t0) / 1e9);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }
}
