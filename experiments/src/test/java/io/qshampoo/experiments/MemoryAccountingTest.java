package io.qshampoo.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.Mapping;
import io.qshampoo.shampoo.Grafting;
import io.qshampoo.shampoo.StateBytes;
import io.qshampoo.shampoo.StateKind;
import io.qshampoo.shampoo.Variant;

/**
 * The optimizer's state bytes, as the memory command collects them, against an independent analytic count from
 * quant's documented storage (QuantizedMatrix.bytes(), TriangularPair's class comment), 4-bit, row segments of 64:
 * <ul>
 *   <li>DiagReal n×n (the stored root): n²/2 code bytes + 4·n·ceil(n/64) scale bytes + 4n diagonal bytes;</li>
 *   <li>the Li Fig. 2 pair (C and E of CQ+EF): n²/2 + 2·4·ceil(n(n−1)/2 / 64) + 4n;</li>
 *   <li>fp32 Shampoo: L and its root, 2·4n²;</li>
 *   <li>eigen4: Vᵀ whole, n²/2 + 4·n·ceil(n/64), fp32 eigenvalues 4n, and the root; eigen4+ef adds the error
 *       coordinates as a strictly-lower triangle, ceil(T/2) + 4·ceil(T/64) + 4n with T = n(n−1)/2;</li>
 * </ul>
 * plus 8 bytes of root-failure counters per factor. Blocks of order ≤ 1200: 4096 = 3·1200 + 496.
 */
class MemoryAccountingTest {

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long diagReal(long n) {
        return n * n / 2 + 4 * n * ceil(n, 64) + 4 * n;
    }

    private static long pair(long n) {
        return n * n / 2 + 8 * ceil(n * (n - 1) / 2, 64) + 4 * n;
    }

    /** Eigenvectors, quantized whole: n²/2 codes and 4·n·ceil(n/64) scale bytes. */
    private static long full(long n) {
        return n * n / 2 + 4 * n * ceil(n, 64);
    }

    /** A strictly-lower triangle (eigen4+ef's error coordinates): ceil(T/2) codes, 4·ceil(T/64) scales, 4n diagonal. */
    private static long lower(long n) {
        long t = n * (n - 1) / 2;
        return ceil(t, 2) + 4 * ceil(t, 64) + 4 * n;
    }

    private static long factor(Variant v, long n) {
        long guard = 8;
        return switch (v) {
            case FP32 -> 2 * 4 * n * n + guard;
            case CQ_EF -> pair(n) + diagReal(n) + guard;
            case EIGEN4 -> full(n) + 4 * n + diagReal(n) + guard; // Vᵀ, fp32 S, the root
            case EIGEN4_EF -> full(n) + 4 * n + lower(n) + diagReal(n) + guard; // and the error coordinates A
            default -> throw new IllegalArgumentException(v.toString());
        };
    }

    private static MemoryAccounting.Settings settings(Variant v, long directLimit) {
        return new MemoryAccounting.Settings(List.of(v), 4, Mapping.LINEAR_2, BlockLayout.rowSegments(64), 1200, 4096, 256,
                MemoryAccounting.Base.SGD, Grafting.SGD, directLimit);
    }

    @ParameterizedTest
    @CsvSource({"FP32", "CQ_EF", "EIGEN4", "EIGEN4_EF"})
    void matchesTheAnalyticCount(Variant v) {
        long square = 2 * factor(v, 1024); // left 1024, right 1024
        long tall = 3 * factor(v, 1200) + factor(v, 496) + 4 * factor(v, 1024); // 4 row blocks, each with a right factor
        MemoryAccounting acc = new MemoryAccounting(settings(v, 16L << 20));
        MemoryAccounting.Result r = acc.count(LayerShape.parseList("1024x1024,4096x1024"));
        assertEquals(square, r.lines().get(0).state().total());
        assertEquals(tall, r.lines().get(1).state().total());
        // SGD and SGD grafting keep nothing per element, so all of it is preconditioner state; the optimizer adds
        // its two 8-byte counters once.
        assertEquals(square + tall, r.totals().get(0).preconditioner().total());
        assertEquals(square + tall + 16, r.totals().get(0).state().total());
        if (v == Variant.CQ_EF) {
            StateBytes b = r.lines().get(0).state();
            assertEquals(2 * 2 * 1024 * 1024 / 2, b.get(StateKind.CODES)); // pair + root, two factors
            assertEquals(2 * 2 * 4 * 1024, b.get(StateKind.KEPT_DIAGONALS)); // C's diagonal + the root's
        }
    }

    /**
     * Counting block by block equals building the whole parameter (base and grafting states are per element). Max
     * order 100 keeps it small: 250×130 is 3×2 blocks (100/100/50 × 100/30), the conv 30×(5·5·5) is 1×2 blocks; the
     * 100×100 blocks are quantized (≥ 4096 elements), the small remainders stay fp32, so both storage paths count.
     */
    @ParameterizedTest
    @CsvSource({"FP32,SGD", "CQ_EF,ADAMW", "EIGEN4,SGDM", "EIGEN4_EF,ADAMW", "SKETCHY,ADAMW", "SKETCHY4,SGDM", "VQ,SGDM"})
    void blockByBlockEqualsTheWholeParameter(Variant v, MemoryAccounting.Base base) {
        List<LayerShape> shapes = LayerShape.parseList("250x130,30x5x5x5*2");
        MemoryAccounting.Settings whole = new MemoryAccounting.Settings(List.of(v), 4, Mapping.LINEAR_2,
                BlockLayout.rowSegments(64), 100, 4096, 16, base, Grafting.ADAGRAD, 16L << 20);
        MemoryAccounting.Settings blocks = new MemoryAccounting.Settings(List.of(v), 4, Mapping.LINEAR_2,
                BlockLayout.rowSegments(64), 100, 4096, 16, base, Grafting.ADAGRAD, 1000);
        MemoryAccounting.Result a = new MemoryAccounting(whole).count(shapes);
        MemoryAccounting.Result b = new MemoryAccounting(blocks).count(shapes);
        assertEquals(a.totals().get(0).state(), b.totals().get(0).state());
        assertEquals(a.totals().get(0).preconditioner(), b.totals().get(0).preconditioner());
    }

    /**
     * 10^8 × 10^8 (10^16 elements, about 7·10^9 blocks of order 1200) is counted in closed form from its four
     * distinct block shapes: the result equals the block counts times each block's own bytes, in well under a
     * second of counting after the one-block optimizers are built.
     */
    @ParameterizedTest
    @CsvSource({"FP32", "CQ_EF", "SKETCHY", "SKETCHY4"})
    void hugeParametersAreCountedInClosedForm(Variant v) {
        MemoryAccounting acc = new MemoryAccounting(settings(v, 16L << 20));
        long full = 100_000_000L / 1200; // 83,333 full blocks per side, remainder 400
        long expected = full * full * acc.direct(v, new int[] {1200, 1200})[0].total()
                + 2 * full * acc.direct(v, new int[] {1200, 400})[0].total() // (1200, 400) and (400, 1200) are equal
                + acc.direct(v, new int[] {400, 400})[0].total();
        assertEquals(acc.direct(v, new int[] {1200, 400})[0].total(), acc.direct(v, new int[] {400, 1200})[0].total());
        long t0 = System.nanoTime();
        MemoryAccounting.Result r = acc.count(LayerShape.parseList("100000000x100000000"));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "counting took " + (System.nanoTime() - t0) / 1e9 + " s");
        assertEquals(expected, r.lines().get(0).state().total());
    }

    /** A vector above the direct limit is counted from two shorter ones; it equals the direct count. */
    @ParameterizedTest
    @CsvSource({"FP32,SGD", "CQ_EF,ADAMW", "SKETCHY,ADAMW", "SKETCHY4,SGD", "EIGEN4,SGDM"})
    void longVectorsAreCountedAffinely(Variant v, MemoryAccounting.Base base) {
        MemoryAccounting.Settings s = new MemoryAccounting.Settings(List.of(v), 4, Mapping.LINEAR_2,
                BlockLayout.rowSegments(64), 1200, 4096, 16, base, Grafting.ADAGRAD, 16L << 20);
        MemoryAccounting acc = new MemoryAccounting(s);
        int n = 3 * MemoryAccounting.VECTOR_LIMIT + 17;
        StateBytes[] affine = acc.perParameter(v, new int[] {n});
        StateBytes[] direct = acc.direct(v, new int[] {n});
        assertEquals(direct[0], affine[0]);
        assertEquals(direct[1], affine[1]);
    }

    /** Counts beyond 2^63 bytes and blocks that cannot be built are refused with a message, not an overflow or OOM. */
    @Test
    void refusesWhatCannotBeCounted() {
        MemoryAccounting acc = new MemoryAccounting(settings(Variant.FP32, 16L << 20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> acc.count(LayerShape.parseList("2000000000x2000000000x2000000000")));
        assertTrue(e.getMessage().contains("more than 2^63 elements"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> acc.count(LayerShape.parseList("2000000000x2000000000*2")));
        assertTrue(e.getMessage().contains("exceed 2^63"), e.getMessage());
        MemoryAccounting wide = new MemoryAccounting(new MemoryAccounting.Settings(List.of(Variant.FP32), 4,
                Mapping.LINEAR_2, BlockLayout.rowSegments(64), 1_000_000, 4096, 256, MemoryAccounting.Base.SGD,
                Grafting.SGD, 16L << 20));
        e = assertThrows(IllegalArgumentException.class, () -> wide.count(LayerShape.parseList("1000000x1000000")));
        assertTrue(e.getMessage().contains("lower --max-order"), e.getMessage());
    }

    /**
     * Parameter counts of the presets, computed here from the architecture independently of the shape lists.
     * ResNet-34 (CIFAR form): 21,282,122 parameters with a 10-way head (the figure kuangliu/pytorch-cifar's model
     * has), plus 90·512 + 90 for 100 classes.
     */
    @Test
    void presetsHaveTheArchitecturesParameterCounts() {
        assertEquals(21_282_122L + 90 * 512 + 90, ModelPresets.parameters(ModelPresets.of("resnet34")));
        long d = 384;
        long vit = d * 48 + d + d + 65 * d + 12 * (4 * d + 3 * d * d + 3 * d + d * d + d + 2 * 1536 * d + 1536 + d) + 2 * d
                + 100 * d + 100;
        assertEquals(vit, ModelPresets.parameters(ModelPresets.of("vit-small")));
        assertEquals(llama(768, 2048, 12), ModelPresets.parameters(ModelPresets.of("llama-130m")));
        assertEquals(llama(1024, 2736, 24), ModelPresets.parameters(ModelPresets.of("llama-350m")));
        assertEquals(llama(2048, 5461, 24), ModelPresets.parameters(ModelPresets.of("llama-1b")));
        assertEquals(134_105_856L, llama(768, 2048, 12));
        assertThrows(IllegalArgumentException.class, () -> ModelPresets.of("gpt-5"));
    }

    private static long llama(long d, long ffn, long layers) {
        return 2 * 32000 * d + layers * (4 * d * d + 3 * d * ffn + 2 * d) + d;
    }

    @Test
    void parsesShapeLists() {
        List<LayerShape> s = LayerShape.parseList("1024x1024, 4096x1024*12,768");
        assertEquals(3, s.size());
        assertEquals(12, s.get(1).count());
        assertEquals(4096L * 1024, s.get(1).elements());
        assertEquals("768", s.get(2).shapeString());
        assertThrows(IllegalArgumentException.class, () -> LayerShape.parseList("1024y1024"));
        assertThrows(IllegalArgumentException.class, () -> LayerShape.parseList("0x5"));
        assertThrows(IllegalArgumentException.class, () -> LayerShape.parseList("64x64x"));
        assertThrows(IllegalArgumentException.class, () -> LayerShape.parseList("x64"));
    }
}
