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
final class Fp32Sketch implements Stateful {

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

    FrequentDirections sketch() {
        return fd;
    }

    /** One FD update with the n×k block x, then rounding of the state to fp32. */
    void update(DMatrixRMaj x) {
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

    /** Top eigenvalue of the compensated sketch Ḡ + ρ₁:ₜ·I: σ₁² + ρ₁:ₜ (0 for an empty sketch). */
    double topEigenvalue() {
        double[] sigma = fd.singularValues();
        return (sigma.length == 0 ? 0 : sigma[0] * sigma[0]) + fd.escapedMass();
    }

    /**
     * Puts the sketch into {@code out} as an implementation that stores only the kept directions holds it (the
     * official tearfree code does): {@code .U} the first
     * {@link FrequentDirections#kept()} columns of U, those with σᵢ = 0 set to 0 (the sketch holds no direction
     * there); {@code .sigma} their σᵢ; {@code .rho} ρ₁:ₜ.
     */
    void inspect(String prefix, java.util.Map<String, DMatrixRMaj> out) {
        int kept = fd.kept();
        DMatrixRMaj u = fd.basis();
        double[] sigma = fd.singularValues();
        DMatrixRMaj held = new DMatrixRMaj(u.numRows, kept);
        for (int i = 0; i < u.numRows; i++) {
            for (int j = 0; j < kept; j++) {
                held.data[i * kept + j] = sigma[j] > 0 ? u.data[i * u.numCols + j] : 0;
            }
        }
        out.put(prefix + ".U", held);
        out.put(prefix + ".sigma", DMatrixRMaj.wrap(kept, 1, java.util.Arrays.copyOf(sigma, kept)));
        out.put(prefix + ".rho", DMatrixRMaj.wrap(1, 1, new double[] {fd.escapedMass()}));
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
