package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.Bjorck;
import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.SpectralFunction;
import io.qshampoo.linalg.SubspaceIteration;

/**
 * Eigenvector quantization with Björck rectification, Wang et al. 2024 (4-bit Shampoo). The statistic
 * L is kept as quantized eigenvectors V̄ and fp32 eigenvalues S:
 *
 * <pre>
 *   update (every T1):  V = Björck(D(V̄), t1),  L = V·diag(S)·Vᵀ,  L ← β·L + (1 − β)·G·Gᵀ,
 *                       one QR subspace-iteration step V' = qr(L·V),  S = diag(V'ᵀ·L·V'),  V̄ = Q(V')
 *   root (every T2):    V = Björck(D(V̄), t2),  L̂ = Q(V·(S + ε·max S)^(−1/4)·Vᵀ)   (DiagReal)
 * </pre>
 *
 * Defaults t1 = 1, t2 = 4 (official code). What is quantized is <b>Vᵀ</b>, one eigenvector per row, as the official
 * {@code QTensorSVDFast} stores it: with row-segment blocks every block then holds components of a single
 * eigenvector and gets its own scale (quantizing V itself would mix 64 eigenvectors of very different component
 * sizes in one block). The record tag is {@code name.Vt}. The signs of the refreshed eigenvectors follow
 * {@link Conventions#qrSigns()}. V̄₀ = Q(I), S₀ = ε (so L₀ = ε·I), L̂₀ = I.
 *
 * <p>With error feedback (variant eigen4+ef, {@link Preconditioner.Eigen#hasErrorFeedback()}) the update's last line is
 * V̄ = Q(V'ᵀ + E) with the error state E carried by {@link EigenvectorErrorFeedback} (Li et al. Eqs. 10–11 for the
 * eigenbasis), tag {@code name.A}; everything else is unchanged.
 *
 * <p>Cost: update O(order³) (Björck, rebuild, subspace step; error feedback adds 10·order³ flops); root O(order³).
 */
public final class EigenQuantizedFactor implements KroneckerFactor {

    private final int order;
    private final Side side;
    private final ShampooConfig config;
    private final Preconditioner.Eigen settings;
    private final DenseKernels kernels;
    private final Bjorck bjorck;
    private final SubspaceIteration subspace;
    private final StoredMatrix vectors;
    /** S: fp32 values (float64 at 64 bits), as stored. */
    private final double[] values;
    private final String valuesTag;
    private final StoredRoot root;
    /** The eigenvectors' error state (eigen4+ef), or null without error feedback. */
    private final EigenvectorErrorFeedback feedback;

    EigenQuantizedFactor(String name, int order, Side side, ShampooConfig config, Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.order = order;
        this.side = side;
        this.config = config;
        this.settings = (Preconditioner.Eigen) config.preconditioner();
        this.kernels = kernels;
        this.bjorck = new Bjorck(kernels);
        this.subspace = new SubspaceIteration(kernels);
        this.vectors = Storage.full(name + ".Vt", order, config, backend.quantizer());
        this.values = new double[order];
        this.valuesTag = name + ".S";
        this.root = new StoredRoot(name, order, side, config, backend);
        this.feedback = settings.hasErrorFeedback()
                ? new EigenvectorErrorFeedback(name + ".A", order, settings.errorFeedback().betaE(), config, backend)
                : null;
        vectors.store(CommonOps_DDRM.identity(order));
        java.util.Arrays.fill(values, Storage.round(config.epsilon(), config));
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public void updateStatistics(DMatrixRMaj g) {
        DMatrixRMaj v = bjorck.orthonormalize(loadVectors(), settings.bjorckUpdateSteps());
        DMatrixRMaj l = rebuild(v);
        CommonOps_DDRM.add(config.beta(), l, 1 - config.beta(), side.gram(g, kernels), l);
        SubspaceIteration.Step step = subspace.step(l, v, config.conventions().qrSigns());
        DMatrixRMaj target = CommonOps_DDRM.transpose(step.vectors(), null);
        if (feedback == null) {
            vectors.store(target);
        } else {
            feedback.store(target, v, vectors);
        }
        for (int i = 0; i < order; i++) {
            values[i] = Storage.round(step.values()[i], config);
        }
    }

    /** V = D(V̄ᵀ)ᵀ: eigenvectors as columns. Björck commutes with the transpose, so rectifying V or Vᵀ is the same. */
    private DMatrixRMaj loadVectors() {
        return CommonOps_DDRM.transpose(vectors.load(), null);
    }

    /** V·diag(S)·Vᵀ, symmetrized. */
    private DMatrixRMaj rebuild(DMatrixRMaj v) {
        return SpectralFunction.compose(v, values, kernels);
    }

    /**
     * The eigenpairs the root is computed from: V = Björck(D(V̄), t2) and S, as the official {@code compute_power}
     * takes them.
     *
     * @param vectors V, n×n, eigenvectors as columns (a new matrix)
     * @param values  S (a copy)
     */
    public record Eigenpairs(DMatrixRMaj vectors, double[] values) {
    }

    /** The eigenpairs of the next root (Björck with the root's t2 steps). Cost O(t2·order³). */
    public Eigenpairs rootEigenpairs() {
        return new Eigenpairs(bjorck.orthonormalize(loadVectors(), settings.bjorckRootSteps()), values.clone());
    }

    @Override
    public void refreshRoot(long step) {
        DMatrixRMaj v = rootEigenpairs().vectors();
        double max = Double.NEGATIVE_INFINITY;
        for (double s : values) {
            max = Math.max(max, s);
        }
        double ridge = config.epsilon() * max;
        DMatrixRMaj vw = v.copy();
        boolean positive = true;
        for (int j = 0; j < order; j++) {
            double shifted = values[j] + ridge;
            positive &= shifted > 0;
            double w = Math.pow(shifted, -1.0 / ShampooConfig.ROOT_ORDER);
            for (int i = 0; i < order; i++) {
                vw.data[i * order + j] *= w;
            }
        }
        DMatrixRMaj candidate = new DMatrixRMaj(order, order);
        kernels.multTransB(vw, v, candidate);
        root.offer(candidate, positive, step, positive ? "" : "an eigenvalue estimate plus ridge is not positive");
    }

    /** V·diag(S)·Vᵀ with V = Björck(D(V̄), t1): the statistic the next update starts from. */
    @Override
    public DMatrixRMaj statistic() {
        return rebuild(bjorck.orthonormalize(loadVectors(), settings.bjorckUpdateSteps()));
    }

    /** D(V̄)ᵀ: the stored eigenvectors, as columns, unrectified. */
    @Override
    public DMatrixRMaj factor() {
        return loadVectors();
    }

    @Override
    public void apply(DMatrixRMaj g, DMatrixRMaj out) {
        root.apply(g, out);
    }

    /** The stored root, for {@link StoredRoot#applyBoth}. */
    StoredRoot storedRoot() {
        return root;
    }

    @Override
    public void inspect(String prefix, java.util.Map<String, DMatrixRMaj> out) {
        out.put(prefix + ".V", loadVectors());
        DMatrixRMaj s = new DMatrixRMaj(order, 1);
        System.arraycopy(values, 0, s.data, 0, order);
        out.put(prefix + ".S", s);
        if (feedback != null) {
            out.put(prefix + ".A", feedback.coordinates());
        }
        out.put(prefix + ".root", root.load());
    }

    @Override
    public int rootFailures() {
        return root.failures();
    }

    @Override
    public StateBytes stateBytes() {
        StateKind kind = config.bits() == 64 ? StateKind.FP64_STATES : StateKind.FP32_STATES;
        StateBytes b = vectors.stateBytes().plus(kind, (config.bits() == 64 ? 8L : 4L) * order).plus(root.stateBytes());
        return feedback == null ? b : b.plus(feedback.stateBytes());
    }

    @Override
    public void save(StateOutput out) {
        vectors.save(out);
        if (config.bits() == 64) {
            out.writeDoubles(valuesTag, values);
        } else {
            float[] f = new float[order];
            for (int i = 0; i < order; i++) {
                f[i] = (float) values[i];
            }
            out.writeFloats(valuesTag, f);
        }
        if (feedback != null) {
            feedback.save(out);
        }
        root.save(out);
    }

    @Override
    public void restore(StateInput in) {
        vectors.restore(in);
        if (config.bits() == 64) {
            in.readDoubles(valuesTag, values);
        } else {
            float[] f = new float[order];
            in.readFloats(valuesTag, f);
            for (int i = 0; i < order; i++) {
                values[i] = f[i];
            }
        }
        if (feedback != null) {
            feedback.restore(in);
        }
        root.restore(in);
    }
}
