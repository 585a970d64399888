package io.qshampoo.experiments;

import java.nio.file.Path;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.MatrixChecks;
import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.oracle.npy.NpyArray;
import io.qshampoo.oracle.npy.NpyDtype;
import io.qshampoo.oracle.npy.NpyLoader;

/**
 * A matrix for {@code qshampoo tables --matrix FILE.npy}: a square, finite, symmetric float32 or float64
 * array (e.g. a preconditioner dumped from a training run), from an .npy file, an {@code archive.npz:key} or a
 * {@code file.safetensors:name}.
 * A float32 dump of a symmetric matrix is symmetric to fp32 rounding only, so symmetry is checked to
 * 2⁻²⁰ of the largest entry (a few fp32 ulps) and the matrix then symmetrized exactly.
 */
public final class NpyMatrixSource implements MatrixSource {

    /** Relative symmetry tolerance: a few fp32 ulps (2⁻²⁴ each) of the largest magnitude. */
    static final double SYMMETRY_TOLERANCE = 0x1p-20;

    private final String reference;

    public NpyMatrixSource(String reference) {
        this.reference = reference;
    }

    @Override
    public Named load() {
        NpyArray a = new NpyLoader(Path.of("")).read(reference);
        if (a.dtype() != NpyDtype.FLOAT32 && a.dtype() != NpyDtype.FLOAT64) {
            throw new IllegalArgumentException(a.source() + ": dtype " + a.describe() + "; expected a float32 or float64 matrix");
        }
        if (a.rank() != 2 || a.dim(0) != a.dim(1)) {
            throw new IllegalArgumentException(a.source() + ": shape " + java.util.Arrays.toString(a.shape())
                    + "; expected a square matrix");
        }
        DMatrixRMaj m = DMatrixRMaj.wrap(a.dim(0), a.dim(1), a.toDoubles());
        try {
            MatrixChecks.requireSymmetric(m, a.source(), SYMMETRY_TOLERANCE);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (the tables need a symmetric positive definite matrix)", e);
        }
        SyntheticMatrices.symmetrize(m);
        return new Named(Path.of(a.source()).getFileName().toString(), m);
    }
}
