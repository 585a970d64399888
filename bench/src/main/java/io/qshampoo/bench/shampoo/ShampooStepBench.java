package io.qshampoo.bench.shampoo;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;
import io.qshampoo.shampoo.Sgd;
import io.qshampoo.shampoo.Variant;

/**
 * One optimizer step of each variant on a single n×n parameter (one block): {@code refreshStep} updates
 * the statistics and refreshes both roots (T1 = T2 = 1), {@code steadyStep} only applies the stored roots
 * (T1, T2 beyond the run, so the roots stay L̂₀ = I but are still applied: the dense variants do their two
 * products; Sketchy, whose sketch stays empty, applies the identity — its steady cost is
 * FrequentDirectionsBench.applyInverseRoot, twice). Single-threaded EJML float64; compare with
 * bench/numpy/shampoo_step.py.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
public class ShampooStepBench {

    @Param({"1024"})
    public int n;

    @Param({"FP32", "VQ", "CQ", "CQ_EF", "EIGEN4", "EIGEN4_EF", "SKETCHY"})
    public Variant variant;

    private ShampooOptimizer refreshing;
    private ShampooOptimizer steady;
    private Map<String, DenseTensor> gradient;

    @Setup(Level.Trial)
    public void setUp() {
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
        return ShampooOptimizer.builder(config, new Sgd(), 1e-3).parameter("w", DenseTensor.float32(n, n)).build();
    }

    @Benchmark
    public long refreshStep() {
        refreshing.step(gradient);
        return refreshing.stepCount();
    }

    @Benchmark
    public long steadyStep() {
        steady.step(gradient);
        return steady.stepCount();
    }
}
