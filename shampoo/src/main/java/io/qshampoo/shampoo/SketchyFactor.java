package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;

/**
 * Sketchy (S-Shampoo), Feinberg et al. 2023 Alg. 3 with the exponentially weighted FD of Obs. 6: the
 * factor's statistic is a rank-ℓ Frequent-Directions sketch L̄ of Σ β₂^(T−t)·G·Gᵀ (no (1 − β₂) weight, as
 * in Obs. 6), compensated by its escaped mass, and the root is applied in factored form:
 *
 * <pre>
 *   L̂·G = U·diag(σ² + ρ + ε)^(−1/4)·UᵀG + (ρ + ε)^(−1/4)·(G − U·UᵀG),   ε = sketchEpsilon·(σ₁² + ρ)
 * </pre>
 *
 * No n×n matrix is ever stored or formed. The root is evaluated from the current sketch at every
 * application, so T2 does not apply to this variant; T1 governs the sketch updates. Before any
 * statistics (or with an all-zero sketch) L̂ = I, as L̂₀ = I in Alg. 1.
 *
 * <p>{@link ShampooConfig#conventions()} decides what {@code sketchRank} counts (the FD buffer ℓ, or the kept
 * directions with a buffer of rank + 1), how ρ decays (β or √β per update), and whether the complement term is
 * dropped where ρ = 0 exactly (then an empty sketch gives 0, not G). Directions with σᵢ = 0 always belong to the
 * complement (the official code's mask {@code deflated > 0}).
 *
 * <p>State: the sketch in fp32 ({@link Fp32Sketch}, variant sketchy, bits 32), or with its directions
 * block-quantized ({@link QuantizedSketch}, variant sketchy4, bits 3, 4 or 8), whose error bound gains the
 * quantization term of {@link QuantizedSketchBound}. Cost: update O(n·(ℓ + k)²); apply O(n·ℓ·m).
 */
public final class SketchyFactor implements KroneckerFactor {

    private final int order;
    private final Side side;
    private final double relativeEpsilon;
    private final boolean dropZeroTail;
    private final StoredSketch sketch;

    SketchyFactor(String name, int order, Side side, ShampooConfig config, Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.order = order;
        this.side = side;
        Preconditioner.Sketch settings = (Preconditioner.Sketch) config.preconditioner();
        this.relativeEpsilon = settings.epsilon();
        Conventions c = config.conventions();
        this.dropZeroTail = c.zeroTail() == Conventions.ZeroTail.DROP;
        int ell = c.sketchRank().bufferSize(settings.rank());
        double tailDecay = c.tailDecay().factor(settings.beta());
        this.sketch = config.quantized()
                ? new QuantizedSketch(name + ".sketch", order, ell, settings.beta(), tailDecay, config.quantization(),
                        backend.quantizer(), kernels)
                : new Fp32Sketch(name + ".sketch", order, ell, settings.beta(), tailDecay, kernels);
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public void updateStatistics(DMatrixRMaj g) {
        sketch.update(side.tall(g));
    }

    /** Nothing to refresh: the factored root is evaluated from the current sketch when applied. */
    @Override
    public void refreshRoot(long step) {
    }

    @Override
    public void apply(DMatrixRMaj g, DMatrixRMaj out) {
        double top = sketch.topEigenvalue();
        if (!(top > 0)) {
            // Nothing sketched: L̂₀ = I, or, dropping the (zero-tail) complement, the zero map.
            out.setTo(g);
            if (dropZeroTail) {
                out.zero();
            }
            return;
        }
        double eps = relativeEpsilon * top;
        DMatrixRMaj y = side == Side.LEFT
                ? sketch.sketch().applyInverseRoot(g, ShampooConfig.ROOT_ORDER, eps, dropZeroTail)
                : sketch.sketch().applyInverseRootRight(g, ShampooConfig.ROOT_ORDER, eps, dropZeroTail);
        out.setTo(y);
    }

    @Override
    public void inspect(String prefix, java.util.Map<String, DMatrixRMaj> out) {
        sketch.inspect(prefix, out);
    }

    @Override
    public int rootFailures() {
        return 0;
    }

    @Override
    public StateBytes stateBytes() {
        return sketch.stateBytes();
    }

    @Override
    public void save(StateOutput out) {
        sketch.save(out);
    }

    @Override
    public void restore(StateInput in) {
        sketch.restore(in);
    }

    /**
     * The sketch U·diag(σ²)·Uᵀ the stored state represents (n×n, formed for inspection; the optimizer never forms
     * it): for a quantized sketch D(Q(U))·diag(σ̃²)·D(Q(U))ᵀ.
     */
    @Override
    public DMatrixRMaj statistic() {
        DMatrixRMaj u = sketch.sketch().basis();
        double[] sigma = sketch.sketch().singularValues();
        DMatrixRMaj us = u.copy();
        for (int i = 0; i < us.numRows; i++) {
            for (int j = 0; j < us.numCols; j++) {
                us.data[i * us.numCols + j] *= sigma[j] * sigma[j];
            }
        }
        DMatrixRMaj l = new DMatrixRMaj(order, order);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(us, u, l);
        return l;
    }

    /** The stored sketch basis U, n×min(ℓ, n) (dequantized: D(Q(Uᵀ))ᵀ for a quantized sketch). */
    @Override
    public DMatrixRMaj factor() {
        return sketch.storedBasis();
    }
}
