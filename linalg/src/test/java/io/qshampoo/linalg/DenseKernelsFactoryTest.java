package io.qshampoo.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * Backend selection from linalg alone: no native provider on the class path, only the test's
 * {@link UnloadableKernelsProvider}.
 */
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
    void aProviderThatCannotLoadFallsBackToEjmlAndSaysWhyOnce() {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DenseKernelsFactory.Selection first;
        DenseKernelsFactory.Selection second;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            first = DenseKernelsFactory.select("unloadable");
            second = DenseKernelsFactory.select("UNLOADABLE");
        } finally {
            System.setErr(old);
        }
        assertSame(DenseKernels.reference(), first.kernels());
        assertEquals("UnsatisfiedLinkError: no jnifake in java.library.path", first.fallbackReason());
        assertSame(first, second);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals("qshampoo: unloadable kernels unavailable (UnsatisfiedLinkError: no jnifake in java.library.path); "
                + "using ejml" + System.lineSeparator(), printed, "said once");
    }

    @Test
    void anUnknownNameIsAnErrorListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenseKernels.named("mkl"));
        assertTrue(e.getMessage().contains("'mkl'") && e.getMessage().contains("[ejml, openblas, unloadable]"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DenseKernelsFactory.select(null));
    }
}
