package io.qshampoo.shampoo;

import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.FrequentDirections;
import io.qshampoo.linalg.ThinSvd;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.QuantizedMatrix;
import io.qshampoo.quant.StorageMode;

/**
 * A {@link FrequentDirections} sketch whose directions are stored block-quantized (3, 4 or 8 bits, the
 * configuration's quantizer): after every update the w×n matrix Uᵀ is quantized, one direction per row (so each
 * block holds components of one direction and gets its own absmax, as eigen4 stores Vᵀ), and σ and the escaped
 * masses are rounded to fp32.
 *
 * <p>The stored state represents Ĝ = Ū·diag(σ̃²)·Ūᵀ with Ū = D(Q(Uᵀ))ᵀ, whose columns are no longer orthonormal.
 * Both the next FD update and the factored root see exactly Ĝ: after each update and restore the sketch is rebuilt
 * from the thin SVD of Ū·diag(σ̃) (the columns with σ̃ⱼ = 0 are exactly zero, so the singular values past them are
 * rounding noise and are set to 0, keeping FD's invariant σ_ℓ = 0). The rebuilt basis is derived, not stored, so a
 * restore reproduces it bit for bit.
 *
 * <p>Beside ρ it keeps κ₁:ₜ = β·κ₁:ₜ₋₁ + κₜ, the quantization term of the bound ‖Gₜ − Ĝₜ‖₂ ≤ ρ₁:ₜ + κ₁:ₜ
 * ({@link QuantizedSketchBound}, which derives it), stored in fp32 rounded up.
 *
 * <p>State: codes and fp32 scales of Uᵀ (w·n codes, one scale per block of a row), w fp32 σ̃, 3 fp32 scalars
 * (ρₜ, ρ₁:ₜ, κ₁:ₜ), 8 bytes for the step count. Cost per update: the FD update O(n·(w + k)²), the quantization
 * and κₜ O(n·w), and the rebuild, one more thin SVD and an orthonormality check, O(n·w²). Like
 * {@link Fp32Sketch}, an update that throws may leave the sketch changed; the optimizer's steps are
 * all-or-nothing above it.
 */
final class QuantizedSketch implements StoredSketch {

    private final String tag;
    private final DenseKernels kernels;
    private final int n;
    private final int ell;
    private final int width;
    private final double beta;
    private final double tailDecay;
    private final double roundingDistance;
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
            io.qshampoo.quant.BlockQuantizer quantizer, DenseKernels kernels) {
        this.tag = tag;
        this.kernels = kernels;
        this.n = n;
        this.ell = ell;
        this.beta = beta;
        this.tailDecay = tailDecay;
        this.fd = new FrequentDirections(n, ell, beta, tailDecay, kernels);
        this.width = fd.width();
        this.roundingDistance = config.table().maxRoundingDistance();
        this.directions = new QuantizedStoredMatrix(tag + ".Ut", width, n, StorageMode.FULL, config, quantizer);
        directions.store(CommonOps_DDRM.transpose(fd.basis(), null));
        this.storedSigma = new double[width];
    }

    @Override
    public void update(DMatrixRMaj x) {
        fd.update(x);
        FrequentDirections.State s = fd.state();
        DMatrixRMaj ut = CommonOps_DDRM.transpose(s.basis(), null);
        QuantizedMatrix q = directions.quantize(ut);
        double[] sigma = s.singularValues();
        double[] rounded = new double[width];
        for (int j = 0; j < width; j++) {
            rounded[j] = (float) sigma[j];
        }
        double[] d = QuantizedSketchBound.directionErrors(q, ut, roundingDistance);
        double kappa = QuantizedSketchBound.roundUp(beta * quantizationMass
                + QuantizedSketchBound.term(sigma, rounded, d));
        fd = rebuild(dequantized(q), rounded, (float) s.lastEscapedMass(), (float) s.escapedMass(), s.steps());
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

    /** The sketch with an orthonormal basis that represents Ū·diag(σ̃²)·Ūᵀ, with these escaped masses. */
    private FrequentDirections rebuild(DMatrixRMaj ubar, double[] sigma, double lastRho, double rho, long steps) {
        int held = 0;
        while (held < width && sigma[held] > 0) {
            held++;
        }
        DMatrixRMaj basis;
        double[] s = new double[width];
        if (held == 0) {
            basis = CommonOps_DDRM.identity(n, width);
        } else {
            DMatrixRMaj b = ubar.copy();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < width; j++) {
                    b.data[i * width + j] *= sigma[j];
                }
            }
            ThinSvd svd = kernels.thinSvd(b);
            basis = svd.u();
            // B has rank ≤ held: its columns past the held ones are exactly zero.
            System.arraycopy(svd.sigma(), 0, s, 0, held);
        }
        return FrequentDirections.restore(new FrequentDirections.State(ell, beta, tailDecay, basis, s, lastRho, rho,
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

    /** κ₁:ₜ, the quantization term of the bound ‖Gₜ − Ĝₜ‖₂ ≤ ρ₁:ₜ + κ₁:ₜ ({@link QuantizedSketchBound}). */
    double quantizationMass() {
        return quantizationMass;
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
            fd = rebuild(dequantized(directions.value()), s, rho[0], rho[1], steps);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(tag + ": the stored sketch is invalid: " + e.getMessage(), e);
        }
        storedSigma = s;
        quantizationMass = rho[2];
    }
}
