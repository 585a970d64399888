package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pack/unpack identity for every width and odd sizes; single-code writes leave the neighbours alone. */
class PackedCodesProperties {

    static final int EXAMPLES = Integer.getInteger("QT_EXAMPLES", 200);

    static int[] randomCodes(long seed, int bits, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] c = new int[count];
        for (int k = 0; k < count; k++) {
            c[k] = r.nextInt(1 << bits);
        }
        return c;
    }

    @Test
    void packThenUnpackIsIdentity() {
        qt().withExamples(EXAMPLES)
                .forAll(integers().between(0, 2).map(i -> new int[] {3, 4, 8}[i]), integers().between(0, 301), longs().all())
                .checkAssert((bits, count, seed) -> {
                    int[] codes = randomCodes(seed, bits, count);
                    PackedCodes p = PackedCodes.pack(bits, codes);
                    assertEquals(PackedCodes.byteLength(bits, count), p.byteLength());
                    assertArrayEquals(codes, p.unpack());
                    assertArrayEquals(codes, PackedCodes.of(bits, count, p.toByteArray()).unpack());
                    for (int k = 0; k < count; k++) {
                        assertEquals(codes[k], p.get(k));
                    }
                    // the stream definition, bit by bit: code k's bit q is stream bit bits*k + q
                    byte[] raw = p.toByteArray();
                    for (int k = 0; k < count; k++) {
                        for (int q = 0; q < bits; q++) {
                            int s = bits * k + q;
                            assertEquals((codes[k] >> q) & 1, (raw[s >> 3] >> (s & 7)) & 1, "code " + k + " bit " + q);
                        }
                    }
                    // unused trailing bits are 0
                    int used = bits * count;
                    if ((used & 7) != 0) {
                        assertEquals(0, (raw[used >> 3] & 0xff) >>> (used & 7));
                    }
                });
    }

    @Test
    void setChangesOnlyItsCode() {
        qt().withExamples(EXAMPLES)
                .forAll(integers().between(0, 2).map(i -> new int[] {3, 4, 8}[i]), integers().between(1, 101), longs().all())
                .checkAssert((bits, count, seed) -> {
                    int[] codes = randomCodes(seed, bits, count);
                    byte[] buf = PackedCodes.pack(bits, codes).toByteArray();
                    SplittableRandom r = new SplittableRandom(~seed);
                    for (int rep = 0; rep < 20; rep++) {
                        int k = r.nextInt(count);
                        codes[k] = r.nextInt(1 << bits);
                        PackedCodes.set(buf, bits, k, codes[k]);
                        assertArrayEquals(codes, PackedCodes.of(bits, count, buf).unpack());
                    }
                });
    }
}
