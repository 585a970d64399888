package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.CpuBlockQuantizer;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.StorageMode;

/** {@code ShampooOptimizer.Builder.quantizer} reaches every quantized state of every quantized variant. */
class QuantizerSeamTest {

    /** Delegates to the reference quantizer and counts calls per storage mode. */
    static final class Counting extends ForwardingQuantizer {
        final Map<StorageMode, AtomicInteger> calls = Map.of(StorageMode.FULL, new AtomicInteger(),
                StorageMode.DIAG_REAL, new AtomicInteger(), StorageMode.STRICTLY_LOWER, new AtomicInteger());

        Counting(BlockQuantizer inner) {
            super(inner);
        }

        @Override
        void quantized(int rows, int cols, StorageMode mode, byte[] codes, float[] scales) {
            calls.get(mode).incrementAndGet();
        }
    }

    private static ShampooConfig config(Variant v) {
        return ShampooConfig.builder().variant(v).intervals(1, 1).minQuantizedElements(0)
                .layout(BlockLayout.rowSegments(32)).maxConsecutiveRootFailures(100).build();
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"VQ", "CQ", "CQ_EF", "EIGEN4", "EIGEN4_EF", "SKETCHY4"})
    void everyQuantizedStateGoesThroughTheGivenQuantizerAndGivesTheSameState(Variant v) {
        ShampooConfig c = config(v);
        Counting q = new Counting(c.quantization().quantizer());
        DenseTensor a = DenseTensor.float32(8, 6);
        DenseTensor b = DenseTensor.float32(8, 6);
        ShampooOptimizer seam = ShampooOptimizer.builder(c, new Sgd(), 0.1).parameter("w", a).quantizer(q).build();
        ShampooOptimizer plain = ShampooOptimizer.builder(c, new Sgd(), 0.1).parameter("w", b).build();
        Random rnd = new Random(3);
        for (int t = 0; t < 3; t++) {
            double[] g = new double[48];
            for (int k = 0; k < g.length; k++) {
                g[k] = rnd.nextGaussian();
            }
            seam.step(Map.of("w", DenseTensor.wrap(g.clone(), 8, 6)));
            plain.step(Map.of("w", DenseTensor.wrap(g.clone(), 8, 6)));
        }
        // the root (DiagReal) always, except under a sketch, which stores none; the statistic in its own mode
        assertTrue(v == Variant.SKETCHY4 || q.calls.get(StorageMode.DIAG_REAL).get() > 0, v + ": " + q.calls);
        StorageMode statistic = switch (v) {
            case VQ -> StorageMode.DIAG_REAL;
            case EIGEN4, EIGEN4_EF, SKETCHY4 -> StorageMode.FULL;
            default -> StorageMode.STRICTLY_LOWER;
        };
        assertTrue(q.calls.get(statistic).get() > 0, v + ": " + q.calls);
        if (v == Variant.EIGEN4_EF) { // the eigenvectors' error coordinates, a strictly lower triangle
            assertTrue(q.calls.get(StorageMode.STRICTLY_LOWER).get() > 0, v + ": " + q.calls);
        }
        // the same quantizer, so the same trajectory, bit for bit
        assertArrayEquals(b.float32Data(), a.float32Data(), v.toString());
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"CQ_EF"})
    void aQuantizerOfAnotherTableIsRefused(Variant v) {
        BlockQuantizer other = CpuBlockQuantizer.sequential(CodeTable.of(Mapping.DYNAMIC, 4), BlockLayout.rowSegments(32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShampooOptimizer.builder(config(v),
                new Sgd(), 0.1).parameter("w", DenseTensor.float32(8, 6)).quantizer(other).build());
        assertTrue(e.getMessage().contains("dynamic") && e.getMessage().contains("linear-2"), e.getMessage());
        assertEquals(IllegalArgumentException.class, e.getClass());
    }
}
