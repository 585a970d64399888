package io.qshampoo.shampoo;

import java.util.Arrays;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.FrequentDirections;

/**
 * A {@link FrequentDirections} sketch as the optimizer stores it between updates: in fp32 ({@link Fp32Sketch}) or
 * with its directions block-quantized ({@link QuantizedSketch}). Whatever is stored, {@link #sketch()} is a sketch
 * with an orthonormal basis whose U·diag(σ²)·Uᵀ is the statistic the stored state represents, so the next FD update
 * and the factored root both see exactly what was stored.
 */
interface StoredSketch extends Stateful {

    /** One FD update with the n×k block x, then the rounding or quantization of the state. */
    void update(DMatrixRMaj x);

    /** The represented sketch (orthonormal basis, σ descending, escaped masses), for the root. Shared: do not update. */
    FrequentDirections sketch();

    /** D(stored basis), n×w: the directions as stored, dequantized (not orthonormal when quantized). */
    DMatrixRMaj storedBasis();

    /** Top eigenvalue of the compensated sketch Ḡ + ρ₁:ₜ·I: σ₁² + ρ₁:ₜ (0 for an empty sketch). */
    default double topEigenvalue() {
        double[] sigma = sketch().singularValues();
        return (sigma.length == 0 ? 0 : sigma[0] * sigma[0]) + sketch().escapedMass();
    }

    /**
     * Puts the sketch into {@code out} as an implementation that stores only the kept directions holds it (the
     * official tearfree code does): {@code .U} the first {@link FrequentDirections#kept()} columns of the represented
     * basis, those with σᵢ = 0 set to 0 (the sketch holds no direction there); {@code .sigma} their σᵢ; {@code .rho}
     * ρ₁:ₜ.
     */
    default void inspect(String prefix, Map<String, DMatrixRMaj> out) {
        FrequentDirections fd = sketch();
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
        out.put(prefix + ".sigma", DMatrixRMaj.wrap(kept, 1, Arrays.copyOf(sigma, kept)));
        out.put(prefix + ".rho", DMatrixRMaj.wrap(1, 1, new double[] {fd.escapedMass()}));
    }
}
