package io.qshampoo.experiments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Bjorck;
import io.qshampoo.linalg.Cholesky;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.linalg.SpectralFunction;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.oracle.WorkProgress;
import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;
import io.qshampoo.shampoo.Backend;
import io.qshampoo.shampoo.EigenvectorErrorFeedback;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.Variant;

/**
 * NRE and AE (Li et al. 2025 Eq. 9) of the inverse 4th root of one SPD matrix A under quantization, for every
 * mapping × bits × quantized object: Li et al.'s Table 1 (VQ against CQ) and Wang et al.'s comparison of
 * quantizing A, its eigenvectors U, or the root itself, side by side.
 *
 * <h2>Reference and function</h2>
 * f is {@link InverseFourthRoot}: f(X) = (X₊ + ε·λmax(X)·I)^(−1/4) by the exact eigendecomposition (ε default
 * 1e-6, Shampoo's relative ridge; X₊ clips negative eigenvalues of an indefinite dequantized statistic to 0 and
 * the row reports how many). The reference is f(A), from A's own eigendecomposition A = U·Λ·Uᵀ. Two measures
 * per row: f itself ("A^-1/4") and its off-diagonal part ("offdiag(A^-1/4)": f applied, then the diagonal set
 * to 0 on both sides, so NRE/AE compare the off-diagonal entries only).
 *
 * <h2>Rows ({@link Target}); Q/D use the row's mapping, bits and block layout, every matrix quantized
 * (minElements = 0)</h2>
 * <ul>
 *   <li>{@code A} — vanilla quantization (Li §4.1, Eq. 5): Â = sym(D(Q(A))) with A DiagReal (diagonal in fp32);
 *       approximation f(Â). sym(X) = (X + Xᵀ)/2, as the VQ optimizer does (mirror entries lie in different
 *       blocks).</li>
 *   <li>{@code C} — Cholesky quantization (Li §4.2, Eqs. 7–8): C = chol(A + s·λmax(A)·I) with s the Cholesky
 *       shift (default = ε, i.e. Li's ε·I made scale-free; for λmax = 1 it is Li's 1e-6), C quantized
 *       strictly-lower with its diagonal in fp32; Â = D(C)·D(C)ᵀ (PSD by construction); approximation f(Â).
 *       The shift is not subtracted (as in Li Eq. 12), so it contributes an error of its own even without
 *       quantization: {@link Result#choleskyShiftNre()} reports it.</li>
 *   <li>{@code U} — eigenvector quantization (Wang et al.): Uᵀ quantized whole (FULL; one eigenvector per row, as
 *       the official code stores it), V = D(Q(Uᵀ))ᵀ, with
 *       {@code rectified} V ← Björck(V, t) (t = {@code bjorckSteps}, default 4 = Wang's t2 before roots);
 *       Â = V·Λ·Vᵀ rebuilt with the exact Λ; approximation f(Â) (a second eigendecomposition).</li>
 *   <li>{@code U-root} — Wang et al.'s root path from stored eigenvectors: approximation V·(Λ + ε·λmax)^(−1/4)·Vᵀ
 *       directly (no second eigendecomposition; differs from {@code U} only when V is not orthogonal).</li>
 *   <li>{@code B} — the root itself quantized: approximation D(Q(f(A))), DiagReal (Li Eq. 6 / 12's outer Q).</li>
 *   <li>{@code A+B}, {@code C+B}, {@code U+B}, {@code U-root+B} — what the 4-bit optimizers store end to end:
 *       the statistic's state quantized as in the first part and the root computed from it quantized again,
 *       DiagReal: D(Q(approximation of the first part)). {@code A+B} is VQ (Li Eqs. 5–6), {@code C+B} is CQ
 *       (Eq. 12), {@code U-root+B} rectified is Wang et al.'s 4-bit Shampoo (docs/design.md, eigen4).</li>
 *   <li>{@code U-root+EF}, {@code U-root+EF mean} — eigen4+ef on this fixed matrix ({@link Settings#efRefreshes()}
 *       K &gt; 0): K refreshes of the same target Uᵀ, each V̄ = Q(Uᵀ + E) with the error state carried by
 *       {@link EigenvectorErrorFeedback} (Li Eqs. 10–11 for the basis, βₑ = {@link Settings#betaE()}), each stored
 *       basis rectified (t steps) and taken as the next refresh's previous basis. {@code U-root+EF}: the U-root
 *       approximation from the last refresh (what the optimizer holds then); {@code U-root+EF mean}: the mean of
 *       the K roots (what error feedback aims at: errors that cancel over refreshes). Without feedback every
 *       refresh of a fixed target stores the same codes, so eigen4's snapshot and mean are both the rectified
 *       {@code U-root} row. With K = 1 both rows equal it exactly (E₀ = 0).</li>
 * </ul>
 * Eigenvector rows come unrectified and rectified, the error-feedback rows rectified only; the others have
 * {@code rectified = false}.
 *
 * <p>Cost per (mapping, bits): four n×n symmetric eigendecompositions and about 16 products (Björck: 2 per
 * step); at n = 1200 about a minute on EJML, a few seconds on OpenBLAS. The (mapping, bits) combinations run in
 * parallel on {@link Settings#threads()} threads (one BLAS thread each), each writing its own rows; the rows are read
 * in combination order, so the result does not depend on the thread count. The error-feedback rows add
 * (5 + 2t + 1)·K products.
 */
public final class QuantizationErrorTable {

    /** What is quantized in a row. */
    public enum Target {
        A("A"), C("C"), U("U"), U_ROOT("U-root"), B("B"), A_B("A+B"), C_B("C+B"), U_B("U+B"), U_ROOT_B("U-root+B"),
        U_ROOT_EF("U-root+EF"), U_ROOT_EF_MEAN("U-root+EF mean");

        private final String id;

        Target(String id) {
            this.id = id;
        }

        /** The id in the "quantized" column. */
        public String id() {
            return id;
        }

        /** Whether the row quantizes eigenvectors (and so is Björck-rectified, or comes both ways). */
        public boolean eigenvectors() {
            return this == U || this == U_ROOT || this == U_B || this == U_ROOT_B || errorFeedback();
        }

        /** Whether the row is eigen4+ef's (rectified only, present when {@link Settings#efRefreshes()} &gt; 0). */
        public boolean errorFeedback() {
            return this == U_ROOT_EF || this == U_ROOT_EF_MEAN;
        }
    }

    /** Which function of the root is compared. */
    public enum Function {
        /** f(A) = A^(−1/4) (with the ridge of {@link InverseFourthRoot}). */
        ROOT("A^-1/4"),
        /** f(A) with its diagonal removed: the off-diagonal entries only. */
        OFF_DIAGONAL("offdiag(A^-1/4)");

        private final String id;

        Function(String id) {
            this.id = id;
        }

        /** The id in the "f" column. */
        public String id() {
            return id;
        }
    }

    /**
     * @param mappings      code tables to try
     * @param bits          bit widths (3, 4, 8)
     * @param layout        block layout (default row segments of 64)
     * @param epsilon       ridge factor ε of f (default 1e-6)
     * @param choleskyShift s: C = chol(A + s·λmax(A)·I) (default ε)
     * @param bjorckSteps   Björck steps for rectified rows, ≥ 1 (default 4)
     * @param threads       worker threads, ≥ 1
     * @param betaE         βₑ of the error-feedback rows, in (0, 1) (default 0.95, Li et al.)
     * @param efRefreshes   K, refreshes of the error-feedback rows, ≥ 0; 0 (the default) leaves them out. 40 is twice
     *                      the error state's time constant 1/(1 − βₑ) at βₑ = 0.95; each refresh costs 14 n×n
     *                      products (t = 4), so K = 40 outweighs all other rows
     */
    public record Settings(List<Mapping> mappings, List<Integer> bits, BlockLayout layout, double epsilon,
            double choleskyShift, int bjorckSteps, int threads, double betaE, int efRefreshes) {

        public Settings {
            if (mappings == null || mappings.isEmpty() || bits == null || bits.isEmpty()) {
                throw new IllegalArgumentException("at least one mapping and one bit width are needed");
            }
            mappings = List.copyOf(mappings);
            bits = List.copyOf(bits);
            for (int b : bits) {
                new QuantizationConfig(Mapping.LINEAR_2, b, BlockLayout.DEFAULT, 0); // validates b
            }
            if (layout == null) {
                throw new IllegalArgumentException("layout is null");
            }
            if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
                throw new IllegalArgumentException("epsilon is " + epsilon + "; expected a finite value >= 0");
            }
            if (!(choleskyShift >= 0) || !Double.isFinite(choleskyShift)) {
                throw new IllegalArgumentException("Cholesky shift is " + choleskyShift + "; expected a finite value >= 0");
            }
            if (bjorckSteps < 1) {
                throw new IllegalArgumentException("Björck steps is " + bjorckSteps + "; expected >= 1 (rectified rows)");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads is " + threads + "; expected >= 1");
            }
            if (!(betaE > 0 && betaE < 1)) {
                throw new IllegalArgumentException("betaE is " + betaE + "; expected a value in (0, 1)");
            }
            if (efRefreshes < 0) {
                throw new IllegalArgumentException("error-feedback refreshes is " + efRefreshes + "; expected >= 0");
            }
        }

        /**
         * All mappings, bits 3, 4, 8, row segments of 64, ε = s = 1e-6, 4 Björck steps, one thread per core, βₑ = 0.95
         * and no error-feedback rows.
         */
        public static Settings defaults() {
            return new Settings(List.of(Mapping.values()), List.of(3, 4, 8), BlockLayout.DEFAULT, 1e-6, 1e-6, 4,
                    Runtime.getRuntime().availableProcessors(), 0.95, 0);
        }
    }

    /**
     * One row.
     *
     * @param matrix             the matrix's name
     * @param mapping            code table
     * @param bits               bit width
     * @param quantized          what is quantized
     * @param rectified          Björck applied to the dequantized eigenvectors
     * @param bjorckSteps        Björck steps applied (0 when not rectified)
     * @param f                  the compared function
     * @param nre                ‖f(A) − approx‖_F / ‖f(A)‖_F (NaN if the row failed)
     * @param aeRadians          angle between f(A) and approx
     * @param aeDegrees          the same in degrees
     * @param lambdaMin          smallest eigenvalue of the reconstructed statistic Â (NaN for rows without one)
     * @param lambdaMax          largest eigenvalue of Â (NaN for rows without one)
     * @param clipped            negative eigenvalues of Â raised to 0 by f
     * @param orthogonalityError ‖VᵀV − I‖_F of the eigenvectors used (NaN for other rows)
     * @param note               empty, or why the row failed
     */
    public record Row(String matrix, Mapping mapping, int bits, Target quantized, boolean rectified, int bjorckSteps,
            Function f, double nre, double aeRadians, double aeDegrees, double lambdaMin, double lambdaMax, int clipped,
            double orthogonalityError, String note) {
    }

    /**
     * The table and its context.
     *
     * @param matrix                   the matrix's name
     * @param n                        order
     * @param eigenvalueMin            λmin(A)
     * @param eigenvalueMax            λmax(A)
     * @param referenceNorm            ‖f(A)‖_F
     * @param referenceOffDiagonalNorm ‖offdiag f(A)‖_F
     * @param choleskyShiftNre         NRE of f(C·Cᵀ) with the unquantized C: the Cholesky shift's own error
     * @param rows                     mapping-major, then bits, then {@link Target} order (unrectified first),
     *                                 then {@link Function}
     * @param seconds                  wall time
     * @param throughput               the (mapping, bits) cells per second against the worker threads and the cores
     *                                 ({@link WorkProgress#summary()}); not in the CSV and JSON, which depend on the
     *                                 inputs alone
     */
    public record Result(String matrix, int n, double eigenvalueMin, double eigenvalueMax, double referenceNorm,
            double referenceOffDiagonalNorm, double choleskyShiftNre, List<Row> rows, double seconds, String throughput) {
    }

    /** The approximation of f(A) a row produced, and its diagnostics. */
    private record Outcome(DMatrixRMaj approx, double lambdaMin, double lambdaMax, int clipped, double orth, String note) {
        static Outcome failed(String why) {
            return new Outcome(null, Double.NaN, Double.NaN, 0, Double.NaN, why);
        }
    }

    /** What all (mapping, bits) combinations share. */
    private record Shared(String name, DMatrixRMaj a, SymmetricEigen eig, DMatrixRMaj ref, DMatrixRMaj refOff,
            DMatrixRMaj cholesky) {
    }

    private final Settings settings;
    private final InverseFourthRoot f;
    private final Bjorck bjorck = new Bjorck(DenseKernels.fromProperty());

    public QuantizationErrorTable(Settings settings) {
        this.settings = settings;
        this.f = new InverseFourthRoot(settings.epsilon());
    }

    /**
     * Runs the table for one matrix; {@code progress} receives one line per finished (mapping, bits).
     *
     * @throws IllegalArgumentException if the matrix is not symmetric positive definite
     */
    public Result run(MatrixSource source, Consumer<String> progress) throws IOException {
        long t0 = System.nanoTime();
        MatrixSource.Named named = source.load();
        DMatrixRMaj a = named.matrix();
        DMatrixRMaj sym = a.copy();
        SyntheticMatrices.symmetrize(sym);
        SymmetricEigen eig = DenseKernels.fromProperty().symmetricEigen(sym);
        if (!(eig.min() > 0)) {
            throw new IllegalArgumentException("matrix '" + named.name() + "' has smallest eigenvalue " + eig.min()
                    + "; expected a positive definite matrix");
        }
        DMatrixRMaj ref = f.fromEigenpairs(eig.vectors(), eig.values());
        DMatrixRMaj refOff = Dense.offDiagonal(ref);
        DMatrixRMaj c = new Cholesky(DenseKernels.fromProperty()).lower(sym, settings.choleskyShift() * eig.max());
        double shiftNre = MatrixDiscrepancy.between(ref, f.of(Dense.multTransB(c, c)).root()).nre();
        Shared shared = new Shared(named.name(), sym, eig, ref, refOff, c);

        List<Future<List<Row>>> futures = new ArrayList<>();
        WorkProgress work = new WorkProgress("tables", "cells", settings.mappings().size() * settings.bits().size(),
                settings.threads(), progress);
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "qshampoo-tables");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Mapping m : settings.mappings()) {
                for (int b : settings.bits()) {
                    futures.add(pool.submit(() -> {
                        long s = System.nanoTime();
                        List<Row> rows = combination(shared, m, b);
                        work.done(String.format(java.util.Locale.ROOT, "%s %d-bit in %.1f s", m.id(), b,
                                (System.nanoTime() - s) / 1e9));
                        return rows;
                    }));
                }
            }
            List<Row> rows = new ArrayList<>();
            for (Future<List<Row>> fu : futures) { // in submission order: the rows do not depend on the threads
                rows.addAll(fu.get());
            }
            progress.accept("tables: " + work.summary());
            return new Result(named.name(), a.numRows, eig.min(), eig.max(), Dense.normF(ref), Dense.normF(refOff),
                    shiftNre, List.copyOf(rows), (System.nanoTime() - t0) / 1e9, work.summary());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The rows of one (mapping, bits). */
    private List<Row> combination(Shared s, Mapping mapping, int bits) {
        QuantizationConfig q = new QuantizationConfig(mapping, bits, settings.layout(), 0);
        List<Row> rows = new ArrayList<>();
        int t = settings.bjorckSteps();

        Outcome a = attempt(() -> {
            DMatrixRMaj g = RoundTrip.of(s.a(), StorageMode.DIAG_REAL, q);
            SyntheticMatrices.symmetrize(g);
            return statistic(g, Double.NaN);
        });
        Outcome c = attempt(() -> {
            DMatrixRMaj dc = RoundTrip.of(s.cholesky(), StorageMode.STRICTLY_LOWER, q);
            return statistic(Dense.multTransB(dc, dc), Double.NaN);
        });
        DMatrixRMaj[] vectors = new DMatrixRMaj[2];
        String[] vectorFailure = new String[2];
        for (int r = 0; r < 2; r++) {
            try {
                // Vᵀ is quantized (one eigenvector per row, as the official QTensorSVDFast stores it)
                DMatrixRMaj v = CommonOps_DDRM.transpose(
                        RoundTrip.of(CommonOps_DDRM.transpose(s.eig().vectors(), null), StorageMode.FULL, q), null);
                vectors[r] = r == 0 ? v : bjorck.orthonormalize(v, t);
            } catch (RuntimeException e) {
                vectorFailure[r] = describe(e);
            }
        }
        Outcome[] u = new Outcome[2];
        Outcome[] uRoot = new Outcome[2];
        for (int r = 0; r < 2; r++) {
            DMatrixRMaj v = vectors[r];
            if (v == null) {
                u[r] = Outcome.failed(vectorFailure[r]);
                uRoot[r] = Outcome.failed(vectorFailure[r]);
                continue;
            }
            double orth = bjorck.orthonormalityError(v);
            u[r] = attempt(() -> statistic(SpectralFunction.compose(v, s.eig().values(), DenseKernels.fromProperty()), orth));
            uRoot[r] = attempt(() -> new Outcome(f.fromEigenpairs(v, s.eig().values()), Double.NaN, Double.NaN, 0, orth, ""));
        }
        Outcome b = attempt(() -> new Outcome(RoundTrip.of(s.ref(), StorageMode.DIAG_REAL, q), Double.NaN, Double.NaN, 0, Double.NaN, ""));

        add(rows, s, mapping, bits, Target.A, 0, a);
        add(rows, s, mapping, bits, Target.C, 0, c);
        add(rows, s, mapping, bits, Target.U, 0, u[0]);
        add(rows, s, mapping, bits, Target.U, t, u[1]);
        add(rows, s, mapping, bits, Target.U_ROOT, 0, uRoot[0]);
        add(rows, s, mapping, bits, Target.U_ROOT, t, uRoot[1]);
        add(rows, s, mapping, bits, Target.B, 0, b);
        add(rows, s, mapping, bits, Target.A_B, 0, quantizeRoot(a, q));
        add(rows, s, mapping, bits, Target.C_B, 0, quantizeRoot(c, q));
        add(rows, s, mapping, bits, Target.U_B, 0, quantizeRoot(u[0], q));
        add(rows, s, mapping, bits, Target.U_B, t, quantizeRoot(u[1], q));
        add(rows, s, mapping, bits, Target.U_ROOT_B, 0, quantizeRoot(uRoot[0], q));
        add(rows, s, mapping, bits, Target.U_ROOT_B, t, quantizeRoot(uRoot[1], q));
        if (settings.efRefreshes() > 0) {
            Outcome[] ef = errorFeedback(s, mapping, bits, q);
            add(rows, s, mapping, bits, Target.U_ROOT_EF, t, ef[0]);
            add(rows, s, mapping, bits, Target.U_ROOT_EF_MEAN, t, ef[1]);
        }
        return rows;
    }

    /**
     * The eigen4+ef rows: K refreshes of the fixed target Uᵀ through {@link EigenvectorErrorFeedback}; the last
     * refresh's U-root approximation and the mean of all K. Cost per refresh: the feedback's five products, t Björck
     * steps (2t products) and one product for the root.
     */
    private Outcome[] errorFeedback(Shared s, Mapping mapping, int bits, QuantizationConfig q) {
        try {
            int n = s.a().numRows;
            int t = settings.bjorckSteps();
            DenseKernels kernels = DenseKernels.fromProperty();
            ShampooConfig c = ShampooConfig.builder().variant(Variant.EIGEN4_EF).betaE(settings.betaE()).bits(bits)
                    .mapping(mapping).layout(settings.layout()).minQuantizedElements(0).build();
            EigenvectorErrorFeedback feedback = new EigenvectorErrorFeedback("tables.A", n, settings.betaE(), c,
                    Backend.of(kernels));
            DMatrixRMaj target = CommonOps_DDRM.transpose(s.eig().vectors(), null);
            DMatrixRMaj previous = s.eig().vectors();
            DMatrixRMaj sum = new DMatrixRMaj(n, n);
            DMatrixRMaj last = null;
            double orth = Double.NaN;
            for (int k = 0; k < settings.efRefreshes(); k++) {
                DMatrixRMaj stored = feedback.refresh(target, previous, y -> RoundTrip.of(y, StorageMode.FULL, q));
                previous = bjorck.orthonormalize(CommonOps_DDRM.transpose(stored, null), t);
                last = f.fromEigenpairs(previous, s.eig().values());
                CommonOps_DDRM.addEquals(sum, last);
            }
            orth = bjorck.orthonormalityError(previous);
            CommonOps_DDRM.scale(1.0 / settings.efRefreshes(), sum);
            return new Outcome[] {new Outcome(last, Double.NaN, Double.NaN, 0, orth, ""),
                new Outcome(sum, Double.NaN, Double.NaN, 0, orth, "")};
        } catch (RuntimeException e) {
            Outcome failed = Outcome.failed(describe(e));
            return new Outcome[] {failed, failed};
        }
    }

    /** f of a reconstructed statistic Â, with λmin(Â) and the clipped count. */
    private Outcome statistic(DMatrixRMaj hat, double orth) {
        InverseFourthRoot.Result r = f.of(hat);
        return new Outcome(r.root(), r.lambdaMin(), r.lambdaMax(), r.clipped(), orth, "");
    }

    /** The second Q of the pair rows: D(Q(root)), DiagReal; the first part's diagnostics carried over. */
    private static Outcome quantizeRoot(Outcome first, QuantizationConfig q) {
        if (first.approx() == null) {
            return first;
        }
        return attempt(() -> new Outcome(RoundTrip.of(first.approx(), StorageMode.DIAG_REAL, q), first.lambdaMin(),
                first.lambdaMax(), first.clipped(), first.orth(), ""));
    }

    /**
     * Runs one row's computation; a failure (no root, or an exception from quant or linalg) becomes a row with
     * NaN errors and the reason, so one bad combination does not lose the table.
     */
    private static Outcome attempt(Supplier<Outcome> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            return Outcome.failed(describe(e));
        }
    }

    private static String describe(RuntimeException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private static void add(List<Row> rows, Shared s, Mapping mapping, int bits, Target target, int steps, Outcome o) {
        for (Function fn : Function.values()) {
            double nre = Double.NaN;
            double rad = Double.NaN;
            String note = o.note();
            if (o.approx() != null) {
                try {
                    MatrixDiscrepancy d = fn == Function.ROOT ? MatrixDiscrepancy.between(s.ref(), o.approx())
                            : MatrixDiscrepancy.between(s.refOff(), Dense.offDiagonal(o.approx()));
                    nre = d.nre();
                    rad = d.aeRadians();
                } catch (RuntimeException e) {
                    note = describe(e);
                }
            }
            rows.add(new Row(s.name(), mapping, bits, target, steps > 0, steps, fn, nre, rad, Math.toDegrees(rad),
                    o.lambdaMin(), o.lambdaMax(), o.clipped(), o.orth(), note));
        }
    }
}
