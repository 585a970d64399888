package io.qshampoo.experiments;

import java.io.IOException;

import org.ejml.data.DMatrixRMaj;

/**
 * Where the symmetric positive definite matrices of {@code qshampoo tables} come from: a seeded synthetic
 * matrix ({@link SyntheticMatrixSource}) or, later, a preconditioner dumped from a training run
 * ({@code --matrix FILE.npy}: an implementation of this interface that reads the file with the npy reader and
 * checks it is square, finite and symmetric). The table code sees only this interface.
 */
public interface MatrixSource {

    /** A matrix with the name it is reported under (the "matrix" column). */
    record Named(String name, DMatrixRMaj matrix) {
        public Named {
            if (matrix.numRows != matrix.numCols || matrix.numRows < 1) {
                throw new IllegalArgumentException("matrix '" + name + "' is " + matrix.numRows + "x" + matrix.numCols
                        + "; expected a square matrix");
            }
        }
    }

    /** Produces the matrix (may be expensive: O(n³) for a synthetic one). */
    Named load() throws IOException;
}
