package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

class KroneckerTest {

    private static DMatrixRMaj m(int rows, int cols, double... v) {
        return new DMatrixRMaj(rows, cols, true, v);
    }

    @Test
    void kronOfTwoSquareMatricesIsTheBlockMatrixOfScaledCopies() {
        DMatrixRMaj a = m(2, 2, 1, 2, 3, 4);
        DMatrixRMaj b = m(2, 2, 0, 5, 6, 7);
        DMatrixRMaj k = Kronecker.kron(a, b);
        assertEquals(4, k.numRows);
        assertEquals(4, k.numCols);
        // Small integers: every product is exact, so equality is exact.
        assertArrayEquals(new double[] {
            0, 5, 0, 10,
            6, 7, 12, 14,
            0, 15, 0, 20,
            18, 21, 24, 28}, k.data, 0.0);
    }

    @Test
    void kronOfRowAndColumnIsTheirOuterProductArrangedByBlocks() {
        DMatrixRMaj k = Kronecker.kron(m(1, 2, 1, -1), m(2, 1, 2, 3));
        assertEquals(2, k.numRows);
        assertEquals(2, k.numCols);
        assertArrayEquals(new double[] {2, -2, 3, -3}, k.data, 0.0);
    }

    @Test
    void vecStacksColumns() {
        DMatrixRMaj v = Kronecker.vec(m(2, 3, 1, 2, 3, 4, 5, 6));
        assertEquals(6, v.numRows);
        assertEquals(1, v.numCols);
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, v.data, 0.0);
        DMatrixRMaj g = Kronecker.unvec(v, 2, 3);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, g.data, 0.0);
    }

    @Test
    void sandwichMatchesAHandComputedProduct() {
        DMatrixRMaj l = m(2, 2, 1, 2, 0, 1);
        DMatrixRMaj g = m(2, 3, 1, 0, 2, 0, 1, -1);
        DMatrixRMaj r = m(3, 1, 1, 2, 3);
        // L·G = [[1, 2, 0], [0, 1, -1]]; (L·G)·R = [[5], [-1]].
        DMatrixRMaj out = new Kronecker().sandwich(l, g, r);
        assertEquals(2, out.numRows);
        assertEquals(1, out.numCols);
        assertArrayEquals(new double[] {5, -1}, out.data, 0.0);
    }

    @Test
    void sandwichGoesThroughTheKernelsInTheCheaperOrder() {
        RecordingKernels recording = new RecordingKernels();
        Kronecker k = new Kronecker(recording);
        k.sandwich(new DMatrixRMaj(2, 3), new DMatrixRMaj(3, 4), new DMatrixRMaj(4, 5));
        // (L·G)·R costs 2·3·4 + 2·4·5 = 64 multiply-adds, L·(G·R) costs 3·4·5 + 2·3·5 = 90.
        assertEquals(List.of("mult 2x3 3x4", "mult 2x4 4x5"), recording.calls);
        recording.calls.clear();
        k.sandwich(new DMatrixRMaj(5, 4), new DMatrixRMaj(4, 3), new DMatrixRMaj(3, 2));
        // (L·G)·R costs 60 + 30 = 90, L·(G·R) costs 24 + 40 = 64.
        assertEquals(List.of("mult 4x3 3x2", "mult 5x4 4x2"), recording.calls);
    }

    @Test
    void sandwichRejectsIncompatibleShapes() {
        Kronecker k = new Kronecker();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.sandwich(new DMatrixRMaj(2, 3), new DMatrixRMaj(2, 2), new DMatrixRMaj(2, 2)));
        assertTrue(e.getMessage().contains("l is 2x3") && e.getMessage().contains("expected l.cols == g.rows"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> k.sandwich(new DMatrixRMaj(2, 2), new DMatrixRMaj(2, 3), new DMatrixRMaj(2, 2)));
    }

    @Test
    void everyEntryPointRejectsNullEmptyAndNonFiniteInput() {
        Kronecker k = new Kronecker();
        DMatrixRMaj ok = m(2, 2, 1, 2, 3, 4);
        DMatrixRMaj nan = m(2, 2, 1, Double.NaN, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> Kronecker.kron(null, ok));
        assertThrows(IllegalArgumentException.class, () -> Kronecker.kron(ok, new DMatrixRMaj(0, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kronecker.kron(ok, nan));
        assertTrue(e.getMessage().contains("b[0, 1] is NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kronecker.vec(null));
        assertThrows(IllegalArgumentException.class, () -> Kronecker.vec(m(1, 1, Double.POSITIVE_INFINITY)));
        assertThrows(IllegalArgumentException.class, () -> k.sandwich(ok, nan, ok));
        assertThrows(IllegalArgumentException.class, () -> k.sandwich(ok, ok, null));
        assertThrows(IllegalArgumentException.class, () -> new Kronecker(null));
    }

    @Test
    void unvecRejectsAVectorOfTheWrongLengthOrOrientation() {
        DMatrixRMaj v = new DMatrixRMaj(6, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kronecker.unvec(v, 2, 2));
        assertTrue(e.getMessage().contains("v is 6x1; expected 4x1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kronecker.unvec(new DMatrixRMaj(1, 6), 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Kronecker.unvec(v, 0, 6));
        assertThrows(IllegalArgumentException.class, () -> Kronecker.unvec(v, 65536, 65536));
    }
}
