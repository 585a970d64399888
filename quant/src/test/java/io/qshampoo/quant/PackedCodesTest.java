package io.qshampoo.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The documented bit orders, on fixed examples, and the error paths. */
class PackedCodesTest {

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int k = 0; k < v.length; k++) {
            b[k] = (byte) v[k];
        }
        return b;
    }

    @Test
    void fourBitLowerIndexInLowNibble() {
        // the official kernel: q[2j] | q[2j+1] << 4; odd count: the padding nibble is 0
        assertArrayEquals(bytes(0x21, 0x03), PackedCodes.pack(4, new int[] {1, 2, 3}).toByteArray());
        assertArrayEquals(bytes(0xf0), PackedCodes.pack(4, new int[] {0, 15}).toByteArray());
    }

    @Test
    void eightBitIsOneBytePerCode() {
        assertArrayEquals(bytes(0, 127, 128, 255), PackedCodes.pack(8, new int[] {0, 127, 128, 255}).toByteArray());
    }

    @Test
    void threeBitIsALittleEndianBitStream() {
        // codes 0..7 at bits 3k..3k+2, LSB first: stream value sum k << 3k = 0xfac688 -> bytes 88 c6 fa
        assertArrayEquals(bytes(0x88, 0xc6, 0xfa), PackedCodes.pack(3, new int[] {0, 1, 2, 3, 4, 5, 6, 7}).toByteArray());
        // 5 | 1 << 3 | 7 << 6 = 0x1cd -> cd 01 (code 2 straddles the byte boundary; 7 padding bits are 0)
        assertArrayEquals(bytes(0xcd, 0x01), PackedCodes.pack(3, new int[] {5, 1, 7}).toByteArray());
        assertEquals(7, PackedCodes.of(3, 3, bytes(0xcd, 0x01)).get(2));
    }

    @Test
    void byteLengths() {
        assertEquals(0, PackedCodes.byteLength(4, 0));
        assertEquals(1, PackedCodes.byteLength(4, 1));
        assertEquals(8_388_608, PackedCodes.byteLength(4, 4096 * 4096));
        assertEquals(3, PackedCodes.byteLength(3, 8));
        assertEquals(4, PackedCodes.byteLength(3, 9));
        assertEquals(5, PackedCodes.byteLength(8, 5));
    }

    @Test
    void paddingBitsAreIgnoredWhenRead() {
        PackedCodes a = PackedCodes.of(4, 3, bytes(0x21, 0x73)); // official kernel: the code of 0 (7) as padding
        PackedCodes b = PackedCodes.pack(4, new int[] {1, 2, 3});
        assertEquals(b, a);
        assertEquals(b.hashCode(), a.hashCode());
        assertNotEquals(PackedCodes.pack(4, new int[] {1, 2, 4}), a);
        byte[] buf = bytes(0xff, 0xff);
        PackedCodes.clearPadding(buf, 3, 3);
        assertArrayEquals(bytes(0xff, 0x01), buf);
    }

    @Test
    void errors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.of(4, 5, new byte[2]));
        assertEquals("packed code buffer has 2 bytes; 5 4-bit codes need exactly 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.pack(4, new int[] {3, 16}));
        assertEquals("code 1 is 16; 4-bit codes lie in [0, 15]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.pack(3, new int[] {-1}));
        assertEquals("code 0 is -1; 3-bit codes lie in [0, 7]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PackedCodes.zeros(5, 1));
        assertEquals("bits must be 3, 4 or 8, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PackedCodes.zeros(4, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> PackedCodes.zeros(4, 3).get(3));
    }
}
