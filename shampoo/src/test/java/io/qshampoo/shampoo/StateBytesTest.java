package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * stateBytes() against the analytic storage formulas, to the byte, for a 200×100 parameter: factors of
 * order 200 and 100, 4-bit linear-2, row segments of 64 (every row of n elements is ceil(n/64) blocks;
 * a strictly-lower triangle of T = n(n−1)/2 codes is ceil(T/64) blocks).
 */
class StateBytesTest {

    private static final int M = 200;
    private static final int N = 100;

    /** DiagReal n×n: n²/2 code bytes, 4·n·ceil(n/64) scale bytes, 4n diagonal bytes. */
    private static long diagReal(long n) {
        return n * n / 2 + 4 * n * ceil(n, 64) + 4 * n;
    }

    /** Strictly-lower Cholesky factor: ceil(T/2) code bytes for T = n(n−1)/2 codes, 4·ceil(T/64), 4n. */
    private static long lower(long n) {
        long t = n * (n - 1) / 2;
        return ceil(t, 2) + 4 * ceil(t, 64) + 4 * n;
    }

    /** Li Fig. 2 pair: the n² codes of one matrix, two halves' scales, C's diagonal. */
    private static long pair(long n) {
        long t = n * (n - 1) / 2;
        return n * n / 2 + 2 * 4 * ceil(t, 64) + 4 * n;
    }

    /** Whole n×n (eigenvectors): n²/2 codes, 4·n·ceil(n/64) scales. */
    private static long full(long n) {
        return n * n / 2 + 4 * n * ceil(n, 64);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Per factor: 2 ints of root-failure counters. */
    private static final long GUARD = 8;
    /** The optimizer's step and skip counters. */
    private static final long COUNTERS = 16;

    private static long expected(Variant v, int sketchRank) {
        long total = COUNTERS;
        for (long n : new long[] {M, N}) {
            total += switch (v) {
                case FP32 -> 2 * 4 * n * n + GUARD;
                case VQ -> 2 * diagReal(n) + GUARD;
                case CQ -> lower(n) + diagReal(n) + GUARD;
                case CQ_EF -> pair(n) + diagReal(n) + GUARD;
                case EIGEN4 -> full(n) + 4 * n + diagReal(n) + GUARD;
                // eigen4's state plus the error coordinates A in the strictly-lower layout (its fp32 diagonal is 0)
                case EIGEN4_EF -> full(n) + 4 * n + lower(n) + diagReal(n) + GUARD;
                // U n×w, σ w, ρₜ and ρ₁:ₜ in fp32, an 8-byte step count; w = min(ℓ, n). No stored root.
                case SKETCHY -> 4 * (n * Math.min(sketchRank, n) + Math.min(sketchRank, n) + 2) + 8;
                // Uᵀ w×n, 4-bit codes and a scale per 64 of a row (fp32 below 4096 elements: n = 100 here), σ w,
                // ρₜ, ρ₁:ₜ and κ₁:ₜ in fp32, an 8-byte step count.
                case SKETCHY4 -> {
                    long w = Math.min(sketchRank, n);
                    yield (w * n >= 4096 ? w * n / 2 + 4 * w * ceil(n, 64) : 4 * w * n) + 4 * (w + 3) + 8;
                }
            };
        }
        return total;
    }

    @ParameterizedTest
    @CsvSource({"FP32", "VQ", "CQ", "CQ_EF", "EIGEN4", "EIGEN4_EF", "SKETCHY", "SKETCHY4"})
    void matchesTheAnalyticFormula(Variant v) {
        ShampooConfig.Builder cb = ShampooConfig.builder().variant(v);
        ShampooConfig config = (v.sketched() ? cb.sketchRank(32) : cb).build();
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new Sgd(), 0.1)
                .parameter("w", DenseTensor.float32(M, N)).build();
        assertEquals(expected(v, 32), opt.stateBytes().total(), v + ": " + opt.stateBytes());
        assertEquals(expected(v, 32) - COUNTERS, opt.stateBytes("w").total());
    }

    @Test
    void breakdownSeparatesCodesScalesDiagonalsAndBaseState() {
        ShampooConfig config = ShampooConfig.builder().variant(Variant.CQ_EF).grafting(Grafting.ADAGRAD).build();
        ShampooOptimizer opt = ShampooOptimizer.builder(config, new AdamW(), 0.1)
                .parameter("w", DenseTensor.float32(M, N)).parameter("b", DenseTensor.float32(N)).build();
        StateBytes b = opt.stateBytes();
        assertEquals(2 * (M * M / 2 + N * N / 2), b.get(StateKind.CODES)); // pair and root, n²/2 bytes each
        assertEquals(4 * 2 * (M + N), b.get(StateKind.KEPT_DIAGONALS)); // C's diagonal and the root's, per factor
        // AdamW: m and v for 200·100 + 100 elements; AdaGrad grafting (per block, and for the vector b): one
        // accumulator per element.
        assertEquals(4 * (M * N + N), b.get(StateKind.MOMENTUM));
        assertEquals(4 * (M * N + N) * 2, b.get(StateKind.SECOND_MOMENT));
        assertEquals(b.total(), b.breakdown().values().stream().mapToLong(Long::longValue).sum());
    }
}
