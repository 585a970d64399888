package io.qshampoo.bench.linalg;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

import org.ejml.data.DMatrixRMaj;
import org.openjdk.jmh.annotations.AuxCounters;
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

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.bench.Backends;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.RootResult;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.linalg.ThinSvd;

/**
 * Every {@link DenseKernels} method on both backends (EJML, OpenBLAS with one thread), plus the eigen inverse 4th root
 * built on them, at the sizes of a Shampoo block. Counterpart: {@code bench/numpy/dense_kernels.py}, same operations
 * and shapes, run in the same session. Each fork pre-touches a fixed heap (-Xms = -Xmx, AlwaysPreTouch): first touches
 * of fresh memory are expensive on VMs and would be measured otherwise.
 *
 * <p>Two clocks: JMH's score is wall time per call; the secondary counters {@code cpuNanos} and {@code calls} give
 * the calling thread's CPU time per call (cpuNanos / calls), which other processes on a shared machine disturb far
 * less. With one OpenBLAS thread all work runs on the calling thread, so CPU time is the whole cost.
 * {@code bench/numpy/ratios.py} divides the two from JMH's JSON output.
 *
 * <p>Inputs: A = SPD with κ = 1e4 (Cholesky, eigen, root; both outer factors of the chained product A·G·A, as L̂ and
 * R̂ are); G, H Gaussian n×n (products, G·Gᵀ); M Gaussian n×(n/4) (thin SVD, the shape of a Frequent-Directions sketch
 * with ℓ = n/4). {@code chain} and {@code chainAsTwoProducts} have no numpy counterpart: they compare the fused call
 * with the two products it replaced, on the same backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class KernelBackendsBench {

    @Param({"ejml", "openblas"})
    public String backend;

    @Param({"256", "1024", "1200"})
    public int n;

    private DenseKernels kernels;
    private DMatrixRMaj a;
    private DMatrixRMaj g;
    private DMatrixRMaj h;
    private DMatrixRMaj m;
    private DMatrixRMaj c;
    private DMatrixRMaj work;
    private EigenInverseRoot root;
    private EigenInverseRoot rootUnchecked;

    @Setup
    public void setUp() {
        kernels = Backends.loaded(backend);
        Random rnd = new Random(1);
        a = SyntheticMatrices.spdWithCondition(n, 1e4, rnd);
        g = SyntheticMatrices.gaussian(n, n, rnd);
        h = SyntheticMatrices.gaussian(n, n, rnd);
        m = SyntheticMatrices.gaussian(n, n / 4, rnd);
        c = new DMatrixRMaj(n, n);
        work = new DMatrixRMaj(n, n);
        root = new EigenInverseRoot(Ridge.relative(1e-6), kernels);
        rootUnchecked = EigenInverseRoot.unchecked(Ridge.relative(1e-6), kernels);
    }

    /** The calling thread's CPU time, summed over an iteration's calls (JMH secondary results). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuClock {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        /** CPU nanoseconds of the measured calls in this iteration. */
        public long cpuNanos;
        /** Measured calls in this iteration. */
        public long calls;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            calls = 0;
        }

        <T> T time(Supplier<T> call) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            T result = call.get();
            cpuNanos += THREADS.getCurrentThreadCpuTime() - t0;
            calls++;
            return result;
        }
    }

    /** G·H, 2n³ flops. */
    @Benchmark
    public DMatrixRMaj gemm(CpuClock clock) {
        return clock.time(() -> {
            kernels.mult(g, h, c);
            return c;
        });
    }

    /** A·G·A in one {@link DenseKernels#multChain} call (Shampoo's L̂·G·R̂), 4n³ flops. */
    @Benchmark
    public DMatrixRMaj chain(CpuClock clock) {
        return clock.time(() -> {
            kernels.multChain(a, g, a, work, c);
            return c;
        });
    }

    /** The same A·G·A as two {@code mult} calls, the intermediate through {@code work}: what {@link #chain} replaced. */
    @Benchmark
    public DMatrixRMaj chainAsTwoProducts(CpuClock clock) {
        return clock.time(() -> {
            kernels.mult(a, g, work);
            kernels.mult(work, a, c);
            return c;
        });
    }

    /** Gᵀ·H. */
    @Benchmark
    public DMatrixRMaj gemmTransA(CpuClock clock) {
        return clock.time(() -> {
            kernels.multTransA(g, h, c);
            return c;
        });
    }

    /** G·Hᵀ. */
    @Benchmark
    public DMatrixRMaj gemmTransB(CpuClock clock) {
        return clock.time(() -> {
            kernels.multTransB(g, h, c);
            return c;
        });
    }

    /** G·Gᵀ, the Shampoo statistic (dsyrk on OpenBLAS: n³ flops). */
    @Benchmark
    public DMatrixRMaj gram(CpuClock clock) {
        return clock.time(() -> {
            kernels.multTransB(g, g, c);
            return c;
        });
    }

    /** Lower Cholesky factor of A (potrf). */
    @Benchmark
    public DMatrixRMaj cholesky(CpuClock clock) {
        return clock.time(() -> kernels.choleskyLower(a));
    }

    /** Eigenvalues and eigenvectors of A (syevr on OpenBLAS). */
    @Benchmark
    public SymmetricEigen eigh(CpuClock clock) {
        return clock.time(() -> kernels.symmetricEigen(a));
    }

    /** U and σ of the n×(n/4) matrix M (gesdd on OpenBLAS). */
    @Benchmark
    public ThinSvd thinSvd(CpuClock clock) {
        return clock.time(() -> kernels.thinSvd(m));
    }

    /** (A + 1e-6·λmax·I)^(−1/4) by eigh, V·diag·Vᵀ and the residual check X⁴·Â − I (3 more products). */
    @Benchmark
    public RootResult inverseFourthRoot(CpuClock clock) {
        return clock.time(() -> root.compute(a, 4));
    }

    /** The same root without the residual check, as the optimizer builds it: eigh and V·diag·Vᵀ. */
    @Benchmark
    public RootResult inverseFourthRootUnchecked(CpuClock clock) {
        return clock.time(() -> rootUnchecked.compute(a, 4));
    }
}
