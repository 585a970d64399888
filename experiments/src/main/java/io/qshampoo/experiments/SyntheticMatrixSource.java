package io.qshampoo.experiments;

import java.util.Random;

import io.qshampoo.linalg.SyntheticMatrices;

/**
 * A = U·diag(λ)·Uᵀ with U Haar-random orthogonal (QR of a Gaussian matrix with the sign fix, Mezzadri 2007)
 * and λ the {@link Spectrum} expanded to order n, from a seeded {@link Random}. Named
 * {@code synthetic(n=…, spectrum=…, seed=…)} with the spectrum as actually used at n.
 *
 * @param n        order
 * @param spectrum eigenvalue levels
 * @param seed     seed of the Haar matrix
 */
public record SyntheticMatrixSource(int n, Spectrum spectrum, long seed) implements MatrixSource {

    public SyntheticMatrixSource {
        if (n < 2) {
            throw new IllegalArgumentException("n is " + n + "; expected >= 2");
        }
        if (spectrum == null) {
            throw new IllegalArgumentException("spectrum is null");
        }
    }

    @Override
    public Named load() {
        return new Named(name(), SyntheticMatrices.spdWithSpectrum(spectrum.expand(n), new Random(seed)));
    }

    /** The reported name. */
    public String name() {
        return "synthetic(n=" + n + ", spectrum=" + spectrum.describe(n) + ", seed=" + seed + ")";
    }
}
