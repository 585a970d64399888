package io.qshampoo.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.NormOps_DDRM;

import io.qshampoo.linalg.MatrixDiscrepancy;
import io.qshampoo.shampoo.BaseOptimizer;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ShampooConfig;
import io.qshampoo.shampoo.ShampooOptimizer;

/**
 * The calibrated band of a trace: the reference replays the same trace again with its dense kernels computing as a
 * device in the stated precision would ({@link RoundedKernels}, two summation orders — legitimate implementations
 * that differ from the reference only by rounding), and takes, per state and per step, the largest NRE between
 * those replays and its own as the natural spread. The other side's state then agrees only if its NRE is at most
 * {@link #FACTOR} × max(spread, {@link #floor floor}), besides the worst-case tolerance of {@link TraceTolerance}.
 *
 * <p>Only for traces without quantized states: once a code flips, every later state inherits a jump of one code
 * step that a few replays may or may not happen to show, so quantized traces are judged by the worst-case
 * tolerance and, state by state, by {@link QuantizedStateBand}. Eigenvector columns (V, U) are sign-aligned before
 * the NRE, as for the comparison itself. Cost: two more replays, their products emulated (about 3× a float64
 * product each).
 */
final class TraceBand {

    /** How far beyond the replays' spread a correct state may lie (as {@code check root --spread-factor}). */
    static final double FACTOR = 10;

    /** The least floor: one float32 rounding of the stored state. */
    static final double FLOOR = 0x1p-24;

    private final List<ShampooOptimizer> replays = new ArrayList<>();
    private final List<DenseTensor> parameters = new ArrayList<>();
    private final String name;
    /** Each replay's inspect() at the current step, computed on first use. */
    private final Map<Integer, Map<String, DMatrixRMaj>> states = new java.util.HashMap<>();

    private TraceBand(String name) {
        this.name = name;
    }

    /**
     * The band replays of a trace without quantized states (see the class comment).
     *
     * @param base a fresh base optimizer per call
     * @param pool runs the blocks of each replay in parallel, or null
     */
    static TraceBand start(ShampooConfig cfg, java.util.function.Supplier<BaseOptimizer> base, double lr, String name,
                           DenseTensor initial, Precision precision, java.util.concurrent.ExecutorService pool) {
        TraceBand band = new TraceBand(name);
        for (RoundedKernels.Summation s : new RoundedKernels.Summation[] {RoundedKernels.Summation.SEQUENTIAL,
                RoundedKernels.Summation.BLOCKED}) {
            DenseTensor w = initial.copy();
            band.parameters.add(w);
            ShampooOptimizer.Builder b = ShampooOptimizer.builder(cfg, base.get(), lr).parameter(name, w)
                    .kernels(new RoundedKernels(precision, s));
            band.replays.add((pool == null ? b : b.blockPool(pool)).build());
        }
        return band;
    }

    /**
     * Every replay takes step k with gradient g. Returns this band, or null when a replay cannot take the step (a
     * factor the emulated precision cannot decompose): the trace is then judged by the worst-case tolerances alone,
     * as before the band existed.
     */
    TraceBand step(DenseTensor g) {
        states.clear();
        try {
            for (ShampooOptimizer o : replays) {
                o.step(Map.of(name, g));
            }
            return this;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The largest NRE between a replay's state {@code key} (or the parameter when key is its name) and ours.
     */
    double spread(String key, DMatrixRMaj ours) {
        double worst = 0;
        for (int r = 0; r < replays.size(); r++) {
            DMatrixRMaj theirs;
            if (key.equals(name)) {
                DenseTensor w = parameters.get(r);
                theirs = new DMatrixRMaj(w.size(), 1);
                for (int i = 0; i < w.size(); i++) {
                    theirs.data[i] = w.get(i);
                }
            } else {
                theirs = states.computeIfAbsent(r, i -> replays.get(i).inspect()).get(key);
                if (theirs == null) {
                    continue;
                }
                theirs = theirs.copy();
            }
            if (key.endsWith(".V") || key.endsWith(".U")) {
                TraceReplay.alignSigns(ours, theirs);
            }
            worst = Math.max(worst, nre(ours, theirs));
        }
        return worst;
    }

    /**
     * The spread floor of a state: what the replays cannot show. They emulate the dense products in the stated
     * precision, but the optimizer's elementwise arithmetic (the EMA β·L + (1 − β)·S, grafting, the parameter
     * update) runs in float64 before each state is stored in float32, while the other side rounds each of those
     * operations in its precision u: at most 2 more roundings per update of a relative u each, damped by β, so at
     * most 2·u·H relative (H as in {@link TraceTolerance}) on the statistic, carried into later states by the same
     * amplification as the statistic's c·d·u_eff·H in the worst-case tolerance. Hence
     * <pre>
     *   floor = max(2^−24, tolerance · 2·u / (c·d·u_eff)),   u = u_eff − 2^−24,
     * </pre>
     * the worst-case tolerance with its c·d·u_eff per update replaced by the 2·u of the unemulated roundings.
     * Missing ingredients (NaN) leave the floor at 2^−24.
     */
    static double floor(double tolerance, double c, double d, double uEff) {
        double u = uEff - 0x1p-24;
        double f = tolerance * 2 * u / (c * d * uEff);
        return Double.isFinite(f) ? Math.max(FLOOR, f) : FLOOR;
    }

    private static double nre(DMatrixRMaj ours, DMatrixRMaj theirs) {
        if (CommonOps_DDRM.elementMaxAbs(ours) == 0) {
            return NormOps_DDRM.normF(theirs) == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return MatrixDiscrepancy.between(ours, DMatrixRMaj.wrap(ours.numRows, ours.numCols, theirs.data)).nre();
    }
}
