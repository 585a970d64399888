package io.qshampoo.oracle.npy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file is refused with a message that names it and says what is wrong. */
class MalformedNpyTest {

    @TempDir
    Path dir;

    private static byte[] valid() {
        return NpyWriter.toBytes(NpyArray.ofFloat32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.C);
    }

    /** A version 1.0 file with the given header text (padded as numpy pads it) and payload. */
    static byte[] withHeader(String header, int payloadBytes) {
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        int len = text.length + 1;
        int pad = (64 - (10 + len) % 64) % 64;
        len += pad;
        byte[] out = new byte[10 + len + payloadBytes];
        System.arraycopy(NpyHeader.MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[8] = (byte) len;
        out[9] = (byte) (len >> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        Arrays.fill(out, 10 + text.length, 10 + len - 1, (byte) ' ');
        out[10 + len - 1] = '\n';
        return out;
    }

    private String rejected(byte[] bytes, String... fragments) throws Exception {
        Path f = dir.resolve("bad.npy");
        Files.write(f, bytes);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyReader.read(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        for (String s : fragments) {
            assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
        }
        return e.getMessage();
    }

    @Test
    void badMagic() throws Exception {
        byte[] b = valid();
        b[1] = 'X';
        rejected(b, "magic");
        rejected(new byte[0], "magic", "empty file");
        rejected("PK\3\4 a zip".getBytes(StandardCharsets.ISO_8859_1), "not an npy file");
    }

    @Test
    void badVersion() throws Exception {
        byte[] b = valid();
        b[6] = 4;
        rejected(b, "version 4.0", "expected 1.0, 2.0 or 3.0");
    }

    @Test
    void truncatedPreambleAndHeader() throws Exception {
        rejected(Arrays.copyOf(valid(), 8), "truncated");
        rejected(Arrays.copyOf(valid(), 40), "truncated header");
    }

    @Test
    void malformedHeaders() throws Exception {
        rejected(withHeader("{'descr': '<f4', 'fortran_order': False}", 0), "keys", "'shape'");
        rejected(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8), "keys");
        rejected(withHeader("{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", 8), "malformed header", "expected ',' or '}'");
        rejected(withHeader("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", 8), "malformed header");
        rejected(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} trailing", 8), "after the closing");
        rejected(withHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", 8), "fortran_order");
        rejected(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': ('2',)}", 8), "'shape'");
        rejected(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", 8), "malformed header");
        rejected(withHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", 8), "repeats");
    }

    @Test
    void unsupportedDtypes() throws Exception {
        String m = rejected(Files.readAllBytes(Fixtures.npy("c16_unsupported.npy")), "unsupported dtype '<c16'");
        assertTrue(m.contains("<f4 (float32)"), m);
        rejected(withHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}", 4), "unsupported dtype '<f2'");
        rejected(withHeader("{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", 16), "unsupported dtype");
        rejected(withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", 8), "structured");
        rejected(withHeader("{'descr': '|f4', 'fortran_order': False, 'shape': (2,)}", 8), "byte order '|'");
    }

    @Test
    void truncatedAndOverlongPayloads() throws Exception {
        byte[] v = valid();
        rejected(Arrays.copyOf(v, v.length - 1), "truncated payload", "needs 24 bytes", "found 23");
        rejected(Arrays.copyOf(v, v.length + 3), "3 unexpected bytes");
    }

    @Test
    void invalidBoolByte() throws Exception {
        byte[] b = withHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (1,)}", 1);
        b[b.length - 1] = 7;
        rejected(b, "bool element 0 is byte 7");
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nothing-here.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyReader.read(f));
        assertTrue(e.getMessage().contains("nothing-here.npy") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void typeMismatchNamesTheSource() {
        NpyArray a = NpyReader.read(Fixtures.npy("u8.npy"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, a::float32Data);
        assertTrue(e.getMessage().contains("u8.npy holds [5] uint8; expected float32"), e.getMessage());
    }

    @Test
    void badNpzEntriesAreNamed() throws Exception {
        Path z = dir.resolve("bad.npz");
        Files.write(z, valid());
        assertThrows(NpyFormatException.class, () -> NpzArchive.read(z));
        NpyLoader loader = new NpyLoader(Fixtures.npy("arrays.npz").getParent());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.read("arrays.npz:zz"));
        assertTrue(e.getMessage().contains("no entry 'zz'"), e.getMessage());
    }
}
