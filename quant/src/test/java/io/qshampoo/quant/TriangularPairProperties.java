package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Li et al. Fig. 2: both halves read back, are independent, sit where documented, and cost what is documented. */
class TriangularPairProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    record PairCase(long seed, int n, QuantizationConfig config, float[] c, float[] e, float[] c2, float[] e2) {
        static PairCase of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int n = 1 + r.nextInt(110);
            int b = new int[] {32, 64}[r.nextInt(2)];
            QuantizationConfig cfg = new QuantizationConfig(Mapping.values()[r.nextInt(3)], new int[] {3, 4, 8}[r.nextInt(3)],
                    r.nextBoolean() ? BlockLayout.rowSegments(b) : BlockLayout.tiles(b), r.nextInt(4) == 0 ? 4096 : 0);
            return new PairCase(seed, n, cfg, matrix(r, n), matrix(r, n), matrix(r, n), matrix(r, n));
        }

        /** Random finite values everywhere, the upper triangle included (it must be ignored). */
        static float[] matrix(SplittableRandom r, int n) {
            float[] x = QuantCase.matrix(r, n, n, r.nextInt(QuantCase.FLAVORS), CodeTable.of(Mapping.LINEAR_2, 4));
            return x;
        }

        @Override
        public String toString() {
            return "PairCase[seed=" + seed + ", n=" + n + ", " + config + "]";
        }
    }

    static float[] strictlyLower(float[] x, int n) {
        float[] y = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                y[i * n + j] = x[i * n + j];
            }
        }
        return y;
    }

    @Test
    void bothHalvesReadBackAsTheirStrictlyLowerQuantization() {
        qt().withExamples(EXAMPLES).forAll(longs().all().map(PairCase::of)).checkAssert(p -> {
            int n = p.n();
            TriangularPair pair = TriangularPair.zeros(n, p.config());
            pair.writeFactor(p.c());
            pair.writeError(p.e());
            QuantizedMatrix c = QuantizedMatrix.quantize(p.c(), n, n, StorageMode.STRICTLY_LOWER, p.config());
            QuantizedMatrix e = QuantizedMatrix.quantize(strictlyLower(p.e(), n), n, n, StorageMode.STRICTLY_LOWER, p.config());
            assertEquals(c, pair.factor());
            assertEquals(e, pair.error());
            float[] rc = new float[n * n];
            double[] re = new double[n * n];
            pair.readFactorInto(rc);
            pair.readErrorInto(re);
            float[] ec = c.dequantize();
            float[] ee = e.dequantize();
            assertArrayEquals(ec, rc);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(ee[i * n + j], re[i * n + j], 0.0);
                    assertEquals(ec[i * n + j], pair.factor(i, j));
                    assertEquals(ee[i * n + j], pair.error(i, j));
                }
            }
        });
    }

    @Test
    void halvesSitWhereDocumentedAndAreIndependent() {
        qt().withExamples(EXAMPLES).forAll(longs().all().map(PairCase::of)).checkAssert(p -> {
            int n = p.n();
            TriangularPair pair = TriangularPair.zeros(n, p.config());
            pair.writeFactor(p.c());
            pair.writeError(p.e());
            if (!pair.isQuantized()) {
                float[] v = pair.fp32Values(); // one fp32 matrix: C with diagonal below, Eᵀ above
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j <= i; j++) {
                        assertEquals(p.c()[i * n + j], v[i * n + j]);
                        if (j < i) {
                            assertEquals(p.e()[i * n + j], v[j * n + i]);
                        }
                    }
                }
                return;
            }
            QuantizedMatrix c = pair.factor();
            QuantizedMatrix e = pair.error();
            for (int i = 0; i < n; i++) {
                assertEquals(0, pair.physicalCode(i, i));
                for (int j = 0; j < i; j++) {
                    assertEquals(c.code(i, j), pair.physicalCode(i, j));
                    assertEquals(e.code(i, j), pair.physicalCode(j, i));
                }
            }
            // rewriting one half leaves the other's codes and scales bit-identical
            float[] eScales = pair.errorScales();
            pair.writeFactor(p.c2());
            assertEquals(e, pair.error());
            assertArrayEquals(eScales, pair.errorScales());
            QuantizedMatrix c2 = pair.factor();
            pair.writeError(p.e2());
            assertEquals(c2, pair.factor());
            assertEquals(QuantizedMatrix.quantize(p.c2(), n, n, StorageMode.STRICTLY_LOWER, p.config()), c2);
        });
    }

    /**
     * codes ceil(b·n²/8) + scales 8·K + diagonal 4n, K = STRICTLY_LOWER block count; against one DIAG_REAL n × n
     * matrix: never larger with row segments, exactly 4T bytes larger with tiles (T = ceil(n/B)).
     */
    @Test
    void bytesEqualTheFormulaAndMatchOneDiagRealMatrix() {
        qt().withExamples(EXAMPLES).forAll(longs().all().map(PairCase::of)).checkAssert(p -> {
            int n = p.n();
            TriangularPair pair = TriangularPair.zeros(n, p.config());
            if (!pair.isQuantized()) {
                assertEquals(new StorageBytes(0, 0, 0, 4L * n * n), pair.bytes());
                return;
            }
            long k = ReferenceBlockQuantizer.blocks(n, n, StorageMode.STRICTLY_LOWER, p.config().layout()).size();
            StorageBytes b = pair.bytes();
            assertEquals(new StorageBytes(((long) p.config().bits() * n * n + 7) / 8, 8 * k, 4L * n, 0), b);
            StorageBytes diagReal = QuantizedMatrix.quantize(new float[n * n], n, n, StorageMode.DIAG_REAL, p.config()).bytes();
            assertEquals(diagReal.codes(), b.codes());
            assertEquals(diagReal.diagonal(), b.diagonal());
            if (p.config().layout().kind() == BlockLayout.Kind.ROW_SEGMENTS) {
                assertTrue(b.total() <= diagReal.total(), b + " vs " + diagReal);
            } else {
                long t = (n + p.config().layout().blockSize() - 1) / p.config().layout().blockSize();
                assertEquals(diagReal.total() + 4 * t, b.total());
            }
        });
    }
}
