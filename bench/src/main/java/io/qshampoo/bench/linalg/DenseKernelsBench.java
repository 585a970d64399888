package io.qshampoo.bench.linalg;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.ejml.data.DMatrixRMaj;
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

import io.qshampoo.linalg.Cholesky;
import io.qshampoo.linalg.CoupledNewtonInverseRoot;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.EigenInverseRoot;
import io.qshampoo.linalg.NewtonSettings;
import io.qshampoo.linalg.Ridge;
import io.qshampoo.linalg.RootResult;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;

/**
 * The dense kernels of a Shampoo root refresh on an SPD matrix with condition number 1e4, single
 * threaded, beside the GEMM they are built from. Compare with {@code bench/numpy/linalg_bench.py}
 * run in the same session.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class DenseKernelsBench {

    @Param({"256", "1024"})
    public int n;

    private DMatrixRMaj a;
    private DMatrixRMaj product;
    private final DenseKernels kernels = DenseKernels.reference();
    private final Cholesky cholesky = new Cholesky();
    private final EigenInverseRoot eigenRoot = new EigenInverseRoot(Ridge.relative(1e-6));
    private final CoupledNewtonInverseRoot officialNewton = new CoupledNewtonInverseRoot(NewtonSettings.official());
    private final CoupledNewtonInverseRoot convergingNewton = new CoupledNewtonInverseRoot(NewtonSettings.converging());

    @Setup
    public void setUp() {
        a = SyntheticMatrices.spdWithCondition(n, 1e4, new Random(1));
        product = new DMatrixRMaj(n, n);
    }

    /** Baseline: one n×n GEMM, 2n³ flops. */
    @Benchmark
    public DMatrixRMaj gemm() {
        kernels.mult(a, a, product);
        return product;
    }

    @Benchmark
    public DMatrixRMaj cholesky() {
        return cholesky.lower(a, 1e-6);
    }

    @Benchmark
    public SymmetricEigen eigh() {
        return SymmetricEigen.of(a);
    }

    @Benchmark
    public RootResult eigenInverseRoot() {
        return eigenRoot.compute(a, 4);
    }

    @Benchmark
    public RootResult newtonRootOfficial() {
        return officialNewton.compute(a, 4);
    }

    @Benchmark
    public RootResult newtonRootConverging() {
        return convergingNewton.compute(a, 4);
    }
}
