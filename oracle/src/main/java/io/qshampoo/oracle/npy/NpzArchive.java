package io.qshampoo.oracle.npy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * {@code .npz} archives as {@code np.savez} / {@code np.savez_compressed} write them: a zip file (stored or
 * deflated entries, zip64 for large ones — all handled by {@link java.util.zip}) whose entries are npy files
 * named {@code <key>.npy}. Each entry is read with the strict {@link NpyReader}; messages name it
 * {@code archive.npz:key}.
 */
public final class NpzArchive {

    private NpzArchive() {
    }

    /**
     * All arrays of an npz archive by key (entry name without ".npy"), in the archive's order.
     *
     * @throws IllegalArgumentException naming the file if it is not a readable zip of npy files
     */
    public static Map<String, NpyArray> read(Path file) {
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new NpyFormatException(file.toString(), "entry '" + name
                            + "' is not an npy file; an npz archive holds only <key>.npy entries");
                }
                String key = name.substring(0, name.length() - 4);
                long size = e.getSize();
                if (size < 0) {
                    throw new NpyFormatException(file + ":" + key, "entry size is not recorded; expected an archive "
                            + "as np.savez writes it");
                }
                if (size > NpyArray.MAX_BYTES) {
                    throw new NpyFormatException(file + ":" + key, "entry of " + size + " bytes exceeds "
                            + NpyArray.MAX_BYTES + ", the most a Java array holds");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    // At most the recorded size (+1 to notice more): a lying size cannot make us inflate a bomb.
                    bytes = in.readNBytes((int) size + 1);
                }
                if (bytes.length != size) {
                    throw new NpyFormatException(file + ":" + key, "entry holds " + (bytes.length > size ? "more than "
                            : "") + bytes.length + " bytes; the archive records " + size);
                }
                out.put(key, NpyReader.parse(bytes, file + ":" + key));
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (ZipException e) {
            throw new NpyFormatException(file.toString(), "not a readable npz (zip) archive: " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e + ")");
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Writes an npz archive with one {@code <key>.npy} entry per array (little endian, C order), deflated when
     * {@code compressed} (as {@code np.savez_compressed}) or stored (as {@code np.savez}).
     *
     * @throws IllegalArgumentException naming the file if it cannot be written
     */
    public static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                    byte[] bytes = NpyWriter.toBytes(e.getValue(), ByteOrder.LITTLE_ENDIAN, NpyWriter.Layout.C);
                    ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                    if (!compressed) {
                        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                        crc.update(bytes);
                        entry.setMethod(ZipEntry.STORED);
                        entry.setSize(bytes.length);
                        entry.setCompressedSize(bytes.length);
                        entry.setCrc(crc.getValue());
                    }
                    zip.putNextEntry(entry);
                    zip.write(bytes);
                    zip.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot write (" + e + ")");
        }
    }
}
