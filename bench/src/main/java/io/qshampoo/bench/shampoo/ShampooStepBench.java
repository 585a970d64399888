package io.qshampoo.bench.shampoo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.qshampoo.bench.linalg.KernelBackendsBench.CpuClock;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.bench.Backends;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.Variant;

/**
 * One optimizer step of a variant on a single n×n fp32 parameter (one block), SGD as the base optimizer and SGD
 * grafting (the defaults): {@code refreshStep} updates the statistics and refreshes both roots (T1 = T2 = 1);
 * {@code steadyStep} only applies the stored roots (T1, T2 beyond the run: the roots stay L̂₀ = I, which costs what
 * any other root costs to dequantize and apply; Sketchy, whose sketch stays empty, applies the identity — its steady
 * cost is FrequentDirectionsBench.applyInverseRoot, twice). Counterpart: {@code bench/numpy/shampoo_step.py}, the
 * same math in numpy, run in the same session.
 *
 * <p>As {@code KernelBackendsBench}: each fork pre-touches a fixed heap (-Xms = -Xmx, AlwaysPreTouch), the score is
 * wall time per call and the secondary counters {@code cpuNanos}/{@code calls} the calling thread's CPU time per
 * call, the whole cost with one BLAS thread; {@code bench/numpy/step_ratios.py} divides the two.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class ShampooStepBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"openblas"})
    public String backend;

    @Param({"1024"})
    public int n;

    /** The variants with a numpy counterpart; any other with {@code -p variant=VQ,CQ,EIGEN4_EF,SKETCHY}. */
    @Param({"FP32", "CQ_EF", "EIGEN4"})
    public Variant variant;

    private DenseKernels kernels;
    private ShampooOptimizer refreshing;
    private ShampooOptimizer steady;
    private Map<String, DenseTensor> gradient;

    @Setup
    public void setUp() {
        kernels = Backends.loaded(backend);
        Random rnd = new Random(1);
        DenseTensor g = DenseTensor.float32(n, n);
        for (int k = 0; k < g.size(); k++) {
            g.set(k, rnd.nextGaussian());
        }
        gradient = Map.of("w", g);
        refreshing = optimizer(1, 1);
        steady = optimizer(Integer.MAX_VALUE, Integer.MAX_VALUE);
        refreshing.step(gradient); // statistics and roots exist before measuring
    }

    private ShampooOptimizer optimizer(int t1, int t2) {
        // VQ's 4-bit statistic of a single Gaussian gradient is indefinite (its roots fail, Li et al. §4.2):
        // the failure budget is lifted so that the step is timed, failed root attempt included.
        ShampooConfig config = ShampooConfig.builder().variant(variant).intervals(t1, t2)
                .maxConsecutiveRootFailures(Integer.MAX_VALUE).build();
        return ShampooOptimizer.builder(config, new Sgd(), 1e-3).kernels(kernels)
                .parameter("w", DenseTensor.float32(n, n)).build();
    }

    /** Statistics of both sides, both roots, the preconditioned and grafted direction, the SGD update. */
    @Benchmark
    public long refreshStep(CpuClock clock) {
        return timed(refreshing, clock);
    }

    /** L̂·G·R̂ with the stored roots, grafted, the SGD update. */
    @Benchmark
    public long steadyStep(CpuClock clock) {
        return timed(steady, clock);
    }

    private long timed(ShampooOptimizer optimizer, CpuClock clock) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        optimizer.step(gradient);
        clock.cpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
        clock.calls++;
        return optimizer.stepCount();
    }
}
