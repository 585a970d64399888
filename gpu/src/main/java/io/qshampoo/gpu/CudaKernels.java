package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.ThinSvd;

/**
 * {@link DenseKernels} on cuBLAS and cuSOLVER, in float64 or float32 ({@link Precision}): the products (hence
 * L·G·R, the Björck steps and the coupled-Newton iteration of the linalg classes that take a {@code DenseKernels}),
 * Cholesky ({@code potrf}) and the symmetric eigendecomposition ({@code syevd}). {@link #thinSvd} is <em>not</em> on
 * the GPU: it delegates to {@link DenseKernels#reference()} (EJML, float64), used only by Frequent Directions.
 *
 * <p>Select it with one switch, e.g. {@code ShampooOptimizer.builder(config, base, lr).kernels(CudaBackend.open().kernels())},
 * {@code new CoupledNewtonInverseRoot(settings, kernels)}, {@code new Bjorck(kernels)}, {@code new Cholesky(kernels)}.
 *
 * <h2>Row-major on column-major libraries</h2>
 * A row-major r × c array read column-major is the c × r transpose, with leading dimension c. So a row-major
 * C = op(A)·op(B) is computed as the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: the first GEMM operand is B's array with
 * op N when B is not transposed (its array already holds Bᵀ) and op T when it is, the second likewise A's, and
 * m, n swap. The Cholesky factor is cuSOLVER's <em>upper</em> one (UᵀU = A, column-major), whose array read row-major
 * is the lower factor L = Uᵀ; syevd's column-major eigenvector columns are rows of the row-major array, so they are
 * transposed back, and its ascending eigenvalues reversed to the descending order of {@link SymmetricEigen}.
 *
 * <h2>Cost</h2>
 * Each call copies its operands to the device and its result back (8 bytes per element in FP64, 4 in FP32, through
 * pageable host memory) around the O(n³) library call; device buffers live for the call. FP32 rounds the operands
 * to float on the host and widens the result exactly, so it computes what an fp32 GPU implementation computes.
 *
 * <p>Thread-safe: calls are serialized on the device's context; one cuBLAS and one cuSOLVER handle per instance.
 * Closing the {@link CudaBackend} that made it destroys the handles.
 */
public final class CudaKernels implements DenseKernels {

    /** The arithmetic of the library calls. */
    public enum Precision {
        /** float64 ({@code cublasDgemm}, {@code cusolverDnDpotrf}, {@code cusolverDnDsyevd}). */
        FP64,
        /** float32 ({@code cublasSgemm}, {@code cusolverDnSpotrf}, {@code cusolverDnSsyevd}): unit roundoff 2⁻²⁴. */
        FP32
    }

    private final CudaContext context;
    private final Cublas cublas;
    private final Cusolver cusolver;
    private final MemorySegment blas;
    private final MemorySegment solver;
    private final Precision precision;
    private final boolean fp64;
    private final int elementBytes;
    private boolean closed;

    CudaKernels(CudaContext context, Cublas cublas, Cusolver cusolver, Precision precision) {
        this.context = context;
        this.cublas = cublas;
        this.cusolver = cusolver;
        this.precision = precision;
        this.fp64 = precision == Precision.FP64;
        this.elementBytes = fp64 ? 8 : 4;
        MemorySegment[] handles = context.call(() -> {
            MemorySegment b = cublas.create();
            try {
                return new MemorySegment[] {b, cusolver.create()};
            } catch (RuntimeException e) {
                cublas.destroy(b);
                throw e;
            }
        });
        this.blas = handles[0];
        this.solver = handles[1];
    }

    /** The arithmetic of these kernels. */
    public Precision precision() {
        return precision;
    }

    // ------------------------------------------------------------------------------------------ products

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        product(false, false, a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        product(true, false, a, b, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        product(false, true, a, b, c);
    }

    /**
     * {@link DenseKernels#multChain}: {@link #sandwich}, the intermediate a·b on the device; {@code work} is left
     * untouched. The optimizer's L̂·G·R̂ goes through here.
     */
    @Override
    public void multChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
        DenseKernels.requireChain(a, b, c, work, out);
        sandwich(a, b, c, out);
    }

    /**
     * out = L·G·R (L p × m, G m × n, R n × q; out reshaped to p × q) with the intermediate L·G kept on the device: the
     * Shampoo preconditioned direction in two GEMMs and one round trip.
     */
    public void sandwich(DMatrixRMaj l, DMatrixRMaj g, DMatrixRMaj r, DMatrixRMaj out) {
        if (l.numCols != g.numRows || g.numCols != r.numRows) {
            throw new IllegalArgumentException("L·G·R of " + l.numRows + "x" + l.numCols + ", " + g.numRows + "x" + g.numCols
                    + " and " + r.numRows + "x" + r.numCols + " matrices: inner dimensions differ");
        }
        if (l.numCols == 0 || g.numCols == 0) {
            // an empty inner dimension: L·G·R = 0 (EJML's convention for empty products)
            out.reshape(l.numRows, r.numCols);
            Arrays.fill(out.data, 0, l.numRows * r.numCols, 0.0);
            return;
        }
        out.reshape(l.numRows, r.numCols);
        if (l.numRows == 0 || r.numCols == 0) {
            return;
        }
        context.call(() -> {
            try (DeviceBuffer dl = upload(l); DeviceBuffer dg = upload(g); DeviceBuffer dr = upload(r);
                 DeviceBuffer dt = context.allocate((long) elementBytes * l.numRows * g.numCols);
                 DeviceBuffer dout = context.allocate((long) elementBytes * l.numRows * r.numCols)) {
                gemm(false, false, l.numRows, l.numCols, dl.address(), g.numRows, g.numCols, dg.address(), dt.address());
                gemm(false, false, l.numRows, g.numCols, dt.address(), r.numRows, r.numCols, dr.address(), dout.address());
                download(dout, out.data, l.numRows * r.numCols);
            }
            return null;
        });
    }

    private void product(boolean transA, boolean transB, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        int m = transA ? a.numCols : a.numRows;
        int k = transA ? a.numRows : a.numCols;
        int n = transB ? b.numRows : b.numCols;
        c.reshape(m, n);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c.data, 0, m * n, 0.0);
            return;
        }
        context.call(() -> {
            try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b);
                 DeviceBuffer dc = context.allocate((long) elementBytes * m * n)) {
                gemm(transA, transB, a.numRows, a.numCols, da.address(), b.numRows, b.numCols, db.address(), dc.address());
                download(dc, c.data, m * n);
            }
            return null;
        });
    }

    /**
     * Row-major C = op(A)·op(B) on device arrays (A aRows × aCols, B bRows × bCols, C m × n packed), as the
     * column-major Cᵀ = op(B)ᵀ·op(A)ᵀ (class comment). Leading dimensions are the row-major column counts.
     */
    private void gemm(boolean transA, boolean transB, int aRows, int aCols, long a, int bRows, int bCols, long b, long c) {
        int m = transA ? aCols : aRows;
        int k = transA ? aRows : aCols;
        int n = transB ? bRows : bCols;
        cublas.gemm(fp64, blas, transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N,
                n, m, k, b, bCols, a, aCols, c, n);
    }

    // ------------------------------------------------------------------------------------------ factorizations

    @Override
    public DMatrixRMaj choleskyLower(DMatrixRMaj a) {
        final int n = a.numRows;
        if (n == 0) {
            return new DMatrixRMaj(0, 0);
        }
        return context.call(() -> {
            try (Arena arena = Arena.ofConfined(); DeviceBuffer da = upload(a); DeviceBuffer info = context.allocate(4)) {
                int lwork = cusolver.potrfBufferSize(fp64, solver, Cusolver.FILL_UPPER, n, da.address(), n);
                try (DeviceBuffer work = context.allocate((long) elementBytes * Math.max(1, lwork))) {
                    cusolver.potrf(fp64, solver, Cusolver.FILL_UPPER, n, da.address(), n, work.address(), lwork, info.address());
                }
                int devInfo = readInt(arena, info, fp64 ? "cusolverDnDpotrf" : "cusolverDnSpotrf");
                if (devInfo > 0) {
                    return null; // the leading minor of order devInfo is not positive definite
                }
                DMatrixRMaj lower = new DMatrixRMaj(n, n);
                download(da, lower.data, n * n);
                for (int i = 0; i < n; i++) {
                    Arrays.fill(lower.data, i * n + i + 1, (i + 1) * n, 0.0); // the input's upper triangle is untouched
                }
                return lower;
            }
        });
    }

    @Override
    public SymmetricEigen symmetricEigen(DMatrixRMaj a) {
        final int n = a.numRows;
        if (n == 0) {
            return new SymmetricEigen(new double[0], new DMatrixRMaj(0, 0));
        }
        return context.call(() -> {
            try (Arena arena = Arena.ofConfined(); DeviceBuffer da = upload(a);
                 DeviceBuffer dw = context.allocate((long) elementBytes * n); DeviceBuffer info = context.allocate(4)) {
                int lwork = cusolver.syevdBufferSize(fp64, solver, Cusolver.EIG_MODE_VECTOR, Cusolver.FILL_LOWER, n,
                        da.address(), n, dw.address());
                try (DeviceBuffer work = context.allocate((long) elementBytes * Math.max(1, lwork))) {
                    cusolver.syevd(fp64, solver, Cusolver.EIG_MODE_VECTOR, Cusolver.FILL_LOWER, n, da.address(), n,
                            dw.address(), work.address(), lwork, info.address());
                }
                int devInfo = readInt(arena, info, fp64 ? "cusolverDnDsyevd" : "cusolverDnSsyevd");
                if (devInfo > 0) {
                    throw new ArithmeticException("cuSOLVER syevd did not converge for a " + n + "x" + n + " matrix: "
                            + devInfo + " off-diagonal elements of an intermediate tridiagonal form did not converge to zero");
                }
                double[] ascending = new double[n];
                download(dw, ascending, n);
                double[] columnMajor = new double[n * n];
                download(da, columnMajor, n * n);
                double[] values = new double[n];
                DMatrixRMaj vectors = new DMatrixRMaj(n, n);
                for (int c = 0; c < n; c++) {
                    int src = n - 1 - c; // descending order
                    values[c] = ascending[src];
                    for (int i = 0; i < n; i++) {
                        vectors.data[i * n + c] = columnMajor[src * n + i];
                    }
                }
                return new SymmetricEigen(values, vectors);
            }
        });
    }

    /** Not on the GPU: {@link DenseKernels#reference()}'s EJML float64 thin SVD. */
    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        return DenseKernels.reference().thinSvd(m);
    }

    // ------------------------------------------------------------------------------------------ transfers

    /** A device copy of a's numRows·numCols elements (rounded to float in FP32). */
    private DeviceBuffer upload(DMatrixRMaj a) {
        int count = a.numRows * a.numCols;
        DeviceBuffer d = context.allocate((long) elementBytes * count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate((long) elementBytes * Math.max(1, count), elementBytes);
            if (fp64) {
                MemorySegment.copy(a.data, 0, host, JAVA_DOUBLE, 0, count);
            } else {
                for (int k = 0; k < count; k++) {
                    host.setAtIndex(JAVA_FLOAT, k, (float) a.data[k]);
                }
            }
            d.upload(host.asSlice(0, (long) elementBytes * count));
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** dst[0, count) = the first count elements of d (widened exactly in FP32). */
    private void download(DeviceBuffer d, double[] dst, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate((long) elementBytes * Math.max(1, count), elementBytes);
            d.download(host.asSlice(0, (long) elementBytes * count));
            if (fp64) {
                MemorySegment.copy(host, JAVA_DOUBLE, 0, dst, 0, count);
            } else {
                for (int k = 0; k < count; k++) {
                    dst[k] = host.getAtIndex(JAVA_FLOAT, k);
                }
            }
        }
    }

    private static int readInt(Arena arena, DeviceBuffer d, String call) {
        MemorySegment v = arena.allocate(JAVA_INT);
        d.download(v);
        int info = v.get(JAVA_INT, 0);
        if (info < 0) {
            throw new CudaException(call, "devInfo = " + info + ": parameter " + (-info) + " had an illegal value");
        }
        return info;
    }

    /** Destroys the cuBLAS and cuSOLVER handles (by {@link CudaBackend#close()}). */
    void close() {
        context.call(() -> {
            if (!closed) {
                closed = true;
                cusolver.destroy(solver);
                cublas.destroy(blas);
            }
            return null;
        });
    }

    @Override
    public String toString() {
        return "CudaKernels[" + precision + ", device " + context.ordinal() + "; thinSvd on the CPU reference]";
    }
}
