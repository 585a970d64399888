package io.qshampoo.shampoo;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.linalg.HouseholderQr;
import io.qshampoo.linalg.QrSignRule;
import io.qshampoo.linalg.SymmetricEigen;
import io.qshampoo.linalg.ThinSvd;

/**
 * {@link DenseKernels} that forward every call to the EJML reference; a test overrides what it watches ({@link #multChain}
 * to count or fail it, {@link #thinSvd} to return other signs).
 */
class ForwardingKernels implements DenseKernels {

    final DenseKernels inner = DenseKernels.reference();

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        inner.mult(a, b, c);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        inner.multTransA(a, b, c);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        inner.multTransB(a, b, c);
    }

    @Override
    public void multChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
        inner.multChain(a, b, c, work, out);
    }

    @Override
    public DMatrixRMaj choleskyLower(DMatrixRMaj a) {
        return inner.choleskyLower(a);
    }

    @Override
    public SymmetricEigen symmetricEigen(DMatrixRMaj a) {
        return inner.symmetricEigen(a);
    }

    @Override
    public ThinSvd thinSvd(DMatrixRMaj m) {
        return inner.thinSvd(m);
    }

    @Override
    public HouseholderQr.Result qr(DMatrixRMaj a, QrSignRule signs) {
        return inner.qr(a, signs);
    }

    @Override
    public String name() {
        return "forwarding-ejml";
    }
}
