package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Backend selection from linalg alone, where no native provider is on the class path. */
class DenseKernelsFactoryTest {

    @Test
    void ejmlIsTheDefaultAndNeedsNoProvider() {
        DenseKernelsFactory.Selection s = DenseKernelsFactory.select(" EJML ");
        assertSame(DenseKernels.reference(), s.kernels());
        assertFalse(s.fellBack());
        assertEquals("ejml, 1 thread", s.describe());
        String before = System.getProperty(DenseKernelsFactory.PROPERTY);
        try {
            System.clearProperty(DenseKernelsFactory.PROPERTY);
            assertSame(DenseKernels.reference(), DenseKernels.fromProperty());
        } finally {
            if (before != null) {
                System.setProperty(DenseKernelsFactory.PROPERTY, before);
            }
        }
    }

    @Test
    void openblasWithoutItsModuleFallsBackToEjmlAndSaysWhy() {
        DenseKernelsFactory.Selection s = DenseKernelsFactory.select("openblas");
        assertSame(DenseKernels.reference(), s.kernels());
        assertTrue(s.fellBack());
        assertTrue(s.fallbackReason().contains("qshampoo-linalg-openblas"), s.fallbackReason());
        assertTrue(s.describe().startsWith("ejml, 1 thread (openblas requested, unavailable: "), s.describe());
        assertSame(s, DenseKernelsFactory.select("OpenBLAS"), "opened (and reported) once");
    }

    @Test
    void anUnknownNameIsAnErrorListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenseKernels.named("mkl"));
        assertTrue(e.getMessage().contains("'mkl'") && e.getMessage().contains("[ejml, openblas]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DenseKernelsFactory.select(null));
    }
}
