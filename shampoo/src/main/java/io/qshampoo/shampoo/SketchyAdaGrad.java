package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;

/**
 * S-AdaGrad for vectors, Feinberg et al. 2023 Alg. 2 with the EMA of Obs. 6: a rank-ℓ FD sketch of
 * Σ β^(T−t)·g·gᵀ, and the direction (Ḡ + (ρ₁:ₜ + ε)·I)^(−1/2)·g in factored form, ε relative to the top
 * eigenvalue. Used by the Sketchy variant for rank ≤ 1 parameters.
 *
 * The sketch rank, tail decay and zero-tail rule follow {@code conventions} as in {@link SketchyFactor}; the
 * sketch is updated at every step (the official {@code tearfree} code does not precondition vectors at all).
 *
 * @param rank            the sketch rank setting (what it counts: {@link Conventions#sketchRank()})
 * @param beta            EMA factor β₂
 * @param relativeEpsilon ε / (σ₁² + ρ)
 * @param conventions     rank meaning, tail decay, zero-tail rule
 * @param kernels         dense backend
 */
record SketchyAdaGrad(int rank, double beta, double relativeEpsilon, Conventions conventions, DenseKernels kernels)
        implements DiagonalMethod {

    @Override
    public DiagonalState newState(int size) {
        Fp32Sketch sketch = new Fp32Sketch("sadagrad", size, conventions.sketchRank().bufferSize(rank), beta,
                conventions.tailDecay().factor(beta), kernels);
        boolean drop = conventions.zeroTail() == Conventions.ZeroTail.DROP;
        return new DiagonalState() {
            @Override
            public void direction(double[] gradient, double[] out, long step) {
                DMatrixRMaj g = DMatrixRMaj.wrap(gradient.length, 1, gradient.clone());
                sketch.update(g);
                double eps = relativeEpsilon * sketch.topEigenvalue();
                if (!(eps > 0)) {
                    // zero statistics: the identity, or the zero map when the zero tail is dropped
                    System.arraycopy(gradient, 0, out, 0, gradient.length);
                    if (drop) {
                        java.util.Arrays.fill(out, 0, gradient.length, 0.0);
                    }
                    return;
                }
                DMatrixRMaj y = sketch.sketch().applyInverseRoot(g, 2, eps, drop);
                System.arraycopy(y.data, 0, out, 0, out.length);
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
        };
    }
}
