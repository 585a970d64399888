package io.qshampoo.bench.linalg;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.ejml.data.DMatrixRMaj;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.qshampoo.linalg.FrequentDirections;
import io.qshampoo.linalg.SyntheticMatrices;

/**
 * Frequent Directions on the reference kernels (EJML, float64, single-threaded). ℓ = 64 at n = 256 and
 * ℓ = 256 at n = 1024; β = 0.999.
 * <ul>
 *   <li>{@code update}: one FD step, a thin SVD (left vectors only) of the n×(ℓ+k) matrix [√β·B, G],
 *       O(n·(ℓ+k)²); k = 1 is a vector stream (Sketchy AdaGrad), k = n the left statistic G·Gᵀ of an n×n
 *       gradient (Sketchy Shampoo).</li>
 *   <li>{@code applyInverseRoot}: (Ḡ + (ρ+ε)I)^(−1/4)·X for an n×n X in factored form, two products of
 *       n·ℓ·n multiply-adds each.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FrequentDirectionsBench {

    static int ell(int n) {
        return n == 256 ? 64 : 256;
    }

    /** A sketch filled to ℓ−1 directions by one n×ℓ block, as it would be in training. */
    static FrequentDirections filledSketch(int n, Random rnd) {
        FrequentDirections sketch = new FrequentDirections(n, ell(n), 0.999);
        sketch.update(SyntheticMatrices.gaussian(n, ell(n), rnd));
        return sketch;
    }

    @State(Scope.Benchmark)
    public static class UpdateState {
        @Param({"256", "1024"})
        public int n;

        /** Columns of each streamed block: "1" or "n". */
        @Param({"1", "n"})
        public String k;

        FrequentDirections sketch;
        DMatrixRMaj block;

        @Setup
        public void setup() {
            Random rnd = new Random(42);
            sketch = filledSketch(n, rnd);
            block = SyntheticMatrices.gaussian(n, "n".equals(k) ? n : Integer.parseInt(k), rnd);
        }
    }

    @State(Scope.Benchmark)
    public static class RootState {
        @Param({"256", "1024"})
        public int n;

        FrequentDirections sketch;
        DMatrixRMaj x;

        @Setup
        public void setup() {
            Random rnd = new Random(42);
            sketch = filledSketch(n, rnd);
            x = SyntheticMatrices.gaussian(n, n, rnd);
        }
    }

    @Benchmark
    public double update(UpdateState s) {
        return s.sketch.update(s.block);
    }

    @Benchmark
    public DMatrixRMaj applyInverseRoot(RootState s) {
        return s.sketch.applyInverseRoot(s.x, 4, 1e-6);
    }
}
