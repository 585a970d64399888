package io.qshampoo.bench.quant;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.CpuBlockQuantizer;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.StorageMode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 4-bit linear-2 quantize+pack and unpack+dequantize of a 4096 × 4096 fp32 matrix (B = 64), each layout,
 * single-threaded and on a 2-thread fork-join pool, beside {@link #copy}: a plain {@code System.arraycopy}
 * of the same 64 MiB float array in the same run. Bandwidth = 64 MiB of fp32 matrix per operation, so the
 * ratio to copy is copy time / operation time.
 *
 * <p>The forks pre-touch a fixed heap ({@code -Xms} = {@code -Xmx}, {@code -XX:+AlwaysPreTouch}) and load
 * {@code jdk.incubator.vector}: on JDK 25 the quantizer then runs its Vector API kernel (the multi-release
 * quant jar must have been built on JDK 25); {@code -jvmArgsAppend -Dqshampoo.quant.simd=false} measures
 * the scalar kernel instead. Each fork prints which kernel ran.
 *
 * <p>Beside the wall-clock score, the single-threaded benchmarks count the thread CPU time they spend
 * ({@link CpuTime}, JMH secondary results {@code cpuNanos} and {@code calls}): on a shared machine a
 * descheduled thread inflates wall time but not CPU time. {@code bench/quant_ratios.py} turns a JSON result
 * into ratios to the copy.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar 'quant.QuantizeBenchmark' -f 1 -wi 3 -i 5 -w 1 -r 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "--add-modules", "jdk.incubator.vector"})
public class QuantizeBenchmark {

    static final int N = 4096;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Thread CPU time spent in the measured calls of one iteration, and their number. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long cpuNanos;
        public long calls;

        @Setup(Level.Iteration)
        public void reset() {
            cpuNanos = 0;
            calls = 0;
        }

        long start() {
            return THREADS.getCurrentThreadCpuTime();
        }

        void stop(long start) {
            cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
            calls++;
        }
    }

    @Param({"ROW_SEGMENTS", "TILES"})
    public String layout;

    float[] src;
    float[] dst;
    byte[] codes;
    float[] scales;
    CpuBlockQuantizer sequential;
    CpuBlockQuantizer parallel;
    ForkJoinPool pool;

    @Setup(Level.Trial)
    public void setUp() {
        // standard normal entries by Box–Muller on StrictMath: the same matrix on every JDK
        SplittableRandom r = new SplittableRandom(42);
        src = new float[N * N];
        for (int k = 0; k < src.length; k++) {
            double u = r.nextDouble();
            double v = r.nextDouble();
            src[k] = (float) (StrictMath.sqrt(-2 * StrictMath.log(1 - u)) * StrictMath.cos(2 * StrictMath.PI * v));
        }
        dst = new float[N * N];
        BlockLayout l = new BlockLayout(BlockLayout.Kind.valueOf(layout), 64);
        CodeTable t = CodeTable.of(Mapping.LINEAR_2, 4);
        codes = new byte[PackedCodes.byteLength(4, N * N)];
        scales = new float[l.blockCount(StorageMode.FULL, N, N)];
        pool = new ForkJoinPool(2);
        sequential = CpuBlockQuantizer.sequential(t, l);
        parallel = CpuBlockQuantizer.parallel(t, l, pool);
        sequential.quantize(src, N, N, StorageMode.FULL, codes, scales, null);
        System.out.println("quantizer kernel: " + sequential.kernel() + ", Java " + System.getProperty("java.version"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdown();
    }

    /** Baseline: copy the 64 MiB matrix. */
    @Benchmark
    public float[] copy(CpuTime cpu) {
        long t = cpu.start();
        System.arraycopy(src, 0, dst, 0, src.length);
        cpu.stop(t);
        return dst;
    }

    /** Quantize + pack, one thread. */
    @Benchmark
    public byte[] quantize(CpuTime cpu) {
        long t = cpu.start();
        sequential.quantize(src, N, N, StorageMode.FULL, codes, scales, null);
        cpu.stop(t);
        return codes;
    }

    /** Unpack + dequantize, one thread. */
    @Benchmark
    public float[] dequantize(CpuTime cpu) {
        long t = cpu.start();
        sequential.dequantize(codes, scales, null, N, N, StorageMode.FULL, dst);
        cpu.stop(t);
        return dst;
    }

    /** Quantize + pack on a 2-thread pool. */
    @Benchmark
    public byte[] quantizeParallel() {
        parallel.quantize(src, N, N, StorageMode.FULL, codes, scales, null);
        return codes;
    }

    /** Unpack + dequantize on a 2-thread pool. */
    @Benchmark
    public float[] dequantizeParallel() {
        parallel.dequantize(codes, scales, null, N, N, StorageMode.FULL, dst);
        return dst;
    }
}
