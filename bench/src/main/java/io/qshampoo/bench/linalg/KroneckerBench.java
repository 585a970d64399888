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

import io.qshampoo.linalg.Kronecker;
import io.qshampoo.linalg.SyntheticMatrices;

/**
 * The Shampoo sandwich L·G·R with L, G, R all n×n (2·n³ multiply-adds) on the reference kernels
 * (EJML, float64, single-threaded), never forming the n²×n² Kronecker product.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class KroneckerBench {

    @Param({"256", "1024"})
    public int n;

    private final Kronecker kronecker = new Kronecker();
    private DMatrixRMaj l;
    private DMatrixRMaj g;
    private DMatrixRMaj r;

    @Setup
    public void setup() {
        Random rnd = new Random(42);
        l = SyntheticMatrices.gaussian(n, n, rnd);
        g = SyntheticMatrices.gaussian(n, n, rnd);
        r = SyntheticMatrices.gaussian(n, n, rnd);
    }

    @Benchmark
    public DMatrixRMaj sandwich() {
        return kronecker.sandwich(l, g, r);
    }
}
