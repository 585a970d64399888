package io.qshampoo.shampoo;

import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.FrequentDirections;
import io.qshampoo.linalg.SpectralFunction;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * A {@link FrequentDirections} sketch whose directions are stored block-quantized (3, 4 or 8 bits, the
 * configuration's quantizer): after every update the w×n matrix Uᵀ is quantized, one direction per row (so each
 * block holds components of one direction and gets its own absmax, as eigen4 stores Vᵀ), and σ and the escaped
 * masses are rounded to fp32. Each direction is first given the sign of {@link DirectionSigns} (its largest
 * component positive): the linear-2 and dynamic tables are not symmetric about 0, so without it the stored codes
 * would depend on the sign the SVD happened to pick.
 *
 * <p>The stored state represents Ĝ = P·diag(σ̃²)·Pᵀ, P the polar factor of Ū = D(Q(Uᵀ))ᵀ (the orthonormal basis
 * nearest to it, Ū·(ŪᵀŪ)^(−1/2), to which Wang et al.'s Björck iteration converges; computed here in closed form
 * from the w×w Gram). Both the next FD update and the factored root see exactly Ĝ. Using Ū itself would not do:
 * its columns are longer than U's by the rounding noise (E‖ūⱼ‖² ≈ 1 + ‖dⱼ‖²), every update would multiply the
 * sketch's energy by about that factor, and with β₂ close to 1 the sketch grows without bound (docs/experiments.md
 * measures it). P keeps the stored eigenvalues exactly. P is derived, not stored, so a restore reproduces it bit
 * for bit.
 *
 * <p>Beside ρ it keeps κ₁:ₜ = β·κ₁:ₜ₋₁ + κₜ, the quantization term of the bound ‖Gₜ − Ĝₜ‖₂ ≤ ρ₁:ₜ + κ₁:ₜ
 * ({@link QuantizedSketchBound}, which derives it), stored in fp32 rounded up.
 *
 * <p>State: codes and fp32 scales of Uᵀ (w·n codes, one scale per block of a row), w fp32 σ̃, 3 fp32 scalars
 * (ρₜ, ρ₁:ₜ, κ₁:ₜ), 8 bytes for the step count. Cost per update: the FD update O(n·(w + k)²), the quantization
 * and κₜ O(n·w), the polar factor O(n·w² + w³) and FD's orthonormality check O(n·w²). Like {@link Fp32Sketch},
 * an update that throws may leave the sketch changed; the optimizer's steps are all-or-nothing above it.
 */
final class QuantizedSketch implements StoredSketch {

    private final String tag;
    private final DenseKernels kernels;
    private final int n;
    private final int ell;
    private final int width;
    private final double beta;
    private final double tailDecay;
    /** Uᵀ, w×n, one direction per row. */
    private final QuantizedStoredMatrix directions;
    private double[] storedSigma;
    private double quantizationMass;
    private FrequentDirections fd;

    /**
     * @param ell       the FD buffer size ℓ (see {@link Conventions.SketchRank#bufferSize})
     * @param tailDecay γ of ρ ← γ·ρ + ρₜ (see {@link Conventions.TailDecay#factor})
     * @param config    the quantization of the directions (3, 4 or 8 bits)
     * @param quantizer the block quantizer, or null for the configuration's reference quantizer
     */
    QuantizedSketch(String tag, int n, int ell, double beta, double tailDecay, QuantizationConfig config,
            BlockQuantizer quantizer, DenseKernels kernels) {
        this.tag = tag;
        this.kernels = kernels;
        this.n = n;
        this.ell = ell;
        this.beta = beta;
        this.tailDecay = tailDecay;
        this.fd = new FrequentDirections(n, ell, beta, tailDecay, kernels);
        this.width = fd.width();
        this.directions = new QuantizedStoredMatrix(tag + ".Ut", width, n, StorageMode.FULL, config, quantizer);
        directions.store(CommonOps_DDRM.transpose(fd.basis(), null));
        this.storedSigma = new double[width];
    }

    @Override
    public void update(DMatrixRMaj x) {
        fd.update(x);
        FrequentDirections.State s = fd.state();
        DMatrixRMaj ut = CommonOps_DDRM.transpose(s.basis(), null);
        DirectionSigns.normalize(ut);
        QuantizedMatrix q = directions.quantize(ut);
        double[] sigma = s.singularValues();
        double[] rounded = new double[width];
        for (int j = 0; j < width; j++) {
            rounded[j] = (float) sigma[j];
        }
        Polar polar = polar(dequantized(q));
        double kappa = QuantizedSketchBound.roundUp(beta * quantizationMass + QuantizedSketchBound.term(sigma, rounded,
                QuantizedSketchBound.directionErrors(q, ut), QuantizedSketchBound.polarTerm(polar.h(), rounded, kernels)));
        fd = sketch(polar.basis(), rounded, (float) s.lastEscapedMass(), (float) s.escapedMass(), s.steps());
        directions.set(q);
        storedSigma = rounded;
        quantizationMass = kappa;
    }

    /** Ū = D(Q(Uᵀ))ᵀ, n×w. */
    private static DMatrixRMaj dequantized(QuantizedMatrix q) {
        DMatrixRMaj ut = new DMatrixRMaj(q.rows(), q.cols());
        q.dequantizeInto(ut.data);
        return CommonOps_DDRM.transpose(ut, null);
    }

    /** Ū = P·H with P n×w orthonormal and H = (ŪᵀŪ)^(1/2). */
    private record Polar(DMatrixRMaj basis, DMatrixRMaj h) {
    }

    /**
     * The polar decomposition of Ū from the eigenpairs (λ, V) of ŪᵀŪ: H = V·λ^(1/2)·Vᵀ, P = Ū·V·λ^(−1/2)·Vᵀ.
     *
     * @throws IllegalStateException if ŪᵀŪ is singular (two stored directions coincide or one is all zero codes)
     */
    private Polar polar(DMatrixRMaj ubar) {
        DMatrixRMaj gram = new DMatrixRMaj(width, width);
        kernels.multTransA(ubar, ubar, gram);
        SymmetricEigen e = kernels.symmetricEigen(gram);
        double[] root = new double[width];
        double[] inverse = new double[width];
        for (int j = 0; j < width; j++) {
            double l = e.values()[j];
            if (!(l > 0)) {
                throw new IllegalStateException(tag + ": the dequantized directions are linearly dependent (an "
                        + "eigenvalue of their Gram matrix is " + l + "); the quantizer broke its contract");
            }
            root[j] = Math.sqrt(l);
            inverse[j] = 1 / root[j];
        }
        DMatrixRMaj basis = new DMatrixRMaj(n, width);
        kernels.mult(ubar, SpectralFunction.compose(e.vectors(), inverse, kernels), basis);
        return new Polar(basis, SpectralFunction.compose(e.vectors(), root, kernels));
    }

    /** The sketch with basis P and the stored σ̃ and escaped masses (FD checks P's orthonormality). */
    private FrequentDirections sketch(DMatrixRMaj basis, double[] sigma, double lastRho, double rho, long steps) {
        return FrequentDirections.restore(new FrequentDirections.State(ell, beta, tailDecay, basis, sigma, lastRho, rho,
                steps), kernels, FrequentDirections.DEFAULT_ORTHONORMALITY_TOLERANCE);
    }

    @Override
    public FrequentDirections sketch() {
        return fd;
    }

    @Override
    public DMatrixRMaj storedBasis() {
        return dequantized(directions.value());
    }

    /** As {@link StoredSketch#inspect}, plus {@code .kappa}, κ₁:ₜ (1×1). */
    @Override
    public void inspect(String prefix, Map<String, DMatrixRMaj> out) {
        StoredSketch.super.inspect(prefix, out);
        out.put(prefix + ".kappa", DMatrixRMaj.wrap(1, 1, new double[] {quantizationMass}));
    }

    @Override
    public StateBytes stateBytes() {
        return directions.stateBytes().plus(StateKind.FP32_STATES, 4L * (width + 3)).plus(StateKind.SCALARS, 8);
    }

    @Override
    public void save(StateOutput out) {
        directions.save(out);
        float[] sigma = new float[width];
        for (int j = 0; j < width; j++) {
            sigma[j] = (float) storedSigma[j];
        }
        out.writeFloats(tag + ".sigma", sigma);
        out.writeFloats(tag + ".rho", new float[] {(float) fd.lastEscapedMass(), (float) fd.escapedMass(),
            (float) quantizationMass});
        out.writeLong(tag + ".steps", fd.steps());
    }

    @Override
    public void restore(StateInput in) {
        directions.restore(in);
        float[] sigma = new float[width];
        float[] rho = new float[3];
        in.readFloats(tag + ".sigma", sigma);
        in.readFloats(tag + ".rho", rho);
        long steps = in.readLong(tag + ".steps");
        double[] s = new double[width];
        for (int j = 0; j < width; j++) {
            s[j] = sigma[j];
            if (!(s[j] >= 0) || !Double.isFinite(s[j]) || (j > 0 && s[j] > s[j - 1])) {
                throw new CheckpointException(tag + ": the stored sketch is invalid: sigma[" + j + "] is " + s[j]
                        + "; expected finite, >= 0 and descending");
            }
        }
        if (!(rho[2] >= 0) || !Float.isFinite(rho[2]) || (steps == 0 && rho[2] != 0)) {
            throw new CheckpointException(tag + ": the stored sketch is invalid: its quantization mass is " + rho[2]
                    + "; expected finite, >= 0, and 0 before any update");
        }
        try {
            fd = sketch(polar(dequantized(directions.value())).basis(), s, rho[0], rho[1], steps);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CheckpointException(tag + ": the stored sketch is invalid: " + e.getMessage(), e);
        }
        storedSigma = s;
        quantizationMass = rho[2];
    }
}
