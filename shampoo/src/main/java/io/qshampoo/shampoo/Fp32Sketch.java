package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.FrequentDirections;

/**
 * A {@link FrequentDirections} sketch whose state is kept in fp32, as a GPU implementation stores it:
 * after every update U, σ and the escaped masses are rounded to float. The sketch is rebuilt from the
 * rounded state, so what is stored is exactly what a restore reproduces.
 *
 * <p>State: n·w + w floats for U and σ, 2 floats for ρₜ and ρ₁:ₜ, 8 bytes for the step count.
 */
final class Fp32Sketch implements StoredSketch {

    /**
     * Orthonormality accepted when rebuilding from fp32: rounding each entry of U (|u| ≤ 1) moves UᵀU
     * by ≲ 2·√n·2⁻²⁴ per entry (Cauchy–Schwarz over a column); 1e-4 covers n up to ~10⁵ with margin and
     * still rejects a corrupted basis.
     */
    private static final double FP32_ORTHONORMALITY_TOLERANCE = 1e-4;

    private final String tag;
    private final DenseKernels kernels;
    private FrequentDirections fd;

    /**
     * @param ell       the FD buffer size ℓ (see {@link Conventions.SketchRank#bufferSize})
     * @param tailDecay γ of ρ ← γ·ρ + ρₜ (see {@link Conventions.TailDecay#factor})
     */
    Fp32Sketch(String tag, int n, int ell, double beta, double tailDecay, DenseKernels kernels) {
        this.tag = tag;
        this.kernels = kernels;
        this.fd = new FrequentDirections(n, ell, beta, tailDecay, kernels);
    }

    @Override
    public FrequentDirections sketch() {
        return fd;
    }

    /** One FD update with the n×k block x, then rounding of the state to fp32. */
    @Override
    public void update(DMatrixRMaj x) {
        fd.update(x);
        FrequentDirections.State s = fd.state();
        DMatrixRMaj u = s.basis();
        for (int k = 0; k < u.data.length; k++) {
            u.data[k] = (float) u.data[k];
        }
        double[] sigma = s.singularValues();
        for (int k = 0; k < sigma.length; k++) {
            sigma[k] = (float) sigma[k];
        }
        rebuild(new FrequentDirections.State(s.ell(), s.beta(), s.tailDecay(), u, sigma, (float) s.lastEscapedMass(),
                (float) s.escapedMass(), s.steps()));
    }

    private void rebuild(FrequentDirections.State s) {
        fd = FrequentDirections.restore(s, kernels, FP32_ORTHONORMALITY_TOLERANCE);
    }

    @Override
    public DMatrixRMaj storedBasis() {
        return fd.basis();
    }

    @Override
    public StateBytes stateBytes() {
        long floats = (long) fd.dimension() * fd.width() + fd.width() + 2;
        return StateBytes.of(StateKind.FP32_STATES, 4 * floats).plus(StateKind.SCALARS, 8);
    }

    @Override
    public void save(StateOutput out) {
        FrequentDirections.State s = fd.state();
        float[] u = new float[s.basis().data.length];
        for (int k = 0; k < u.length; k++) {
            u[k] = (float) s.basis().data[k];
        }
        float[] sigma = new float[s.singularValues().length];
        for (int k = 0; k < sigma.length; k++) {
            sigma[k] = (float) s.singularValues()[k];
        }
        out.writeFloats(tag + ".U", u);
        out.writeFloats(tag + ".sigma", sigma);
        out.writeFloats(tag + ".rho", new float[] {(float) s.lastEscapedMass(), (float) s.escapedMass()});
        out.writeLong(tag + ".steps", s.steps());
    }

    @Override
    public void restore(StateInput in) {
        int n = fd.dimension();
        int w = fd.width();
        float[] u = new float[n * w];
        float[] sigma = new float[w];
        float[] rho = new float[2];
        in.readFloats(tag + ".U", u);
        in.readFloats(tag + ".sigma", sigma);
        in.readFloats(tag + ".rho", rho);
        long steps = in.readLong(tag + ".steps");
        DMatrixRMaj basis = new DMatrixRMaj(n, w);
        for (int k = 0; k < u.length; k++) {
            basis.data[k] = u[k];
        }
        double[] s = new double[w];
        for (int k = 0; k < w; k++) {
            s[k] = sigma[k];
        }
        try {
            rebuild(new FrequentDirections.State(fd.sketchSize(), fd.beta(), fd.tailDecay(), basis, s, rho[0], rho[1],
                    steps));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(tag + ": the stored sketch is invalid: " + e.getMessage(), e);
        }
    }
}
