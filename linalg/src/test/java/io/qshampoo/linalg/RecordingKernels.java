package io.qshampoo.linalg;

import java.util.ArrayList;
import java.util.List;

import org.ejml.data.DMatrixRMaj;

/** Reference kernels that log each call with its operand shapes, to check what goes through the seam. */
final class RecordingKernels implements DenseKernels {

    final List<String> calls = new ArrayList<>();
    private final DenseKernels ref = DenseKernels.reference();

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        calls.add("mult " + MatrixChecks.shape(a) + " " + MatrixChecks.shape(b));
        ref.mult(a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        calls.add("multTransA " + MatrixChecks.shape(a) + " " + MatrixChecks.shape(b));
        ref.multTransA(a, b, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        calls.add("multTransB " + MatrixChecks.shape(a) + " " + MatrixChecks.shape(b));
        ref.multTransB(a, b, c);
    }

    @Override
    public DMatrixRMaj choleskyLower(DMatrixRMaj a) {
        calls.add("choleskyLower " + MatrixChecks.shape(a));
        return ref.choleskyLower(a);
    }

    @Override
    public SymmetricEigen symmetricEigen(DMatrixRMaj a) {
        calls.add("symmetricEigen " + MatrixChecks.shape(a));
        return ref.symmetricEigen(a);
    }

    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        calls.add("thinSvd " + MatrixChecks.shape(m));
        return ref.thinSvd(m);
    }
}
