package io.qshampoo.verify.npy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves array references relative to a base directory and reads them: {@code path/to/x.npy}, or
 * {@code path/to/archive.npz:key} for the entry {@code key.npy} of an npz archive (the key is everything after
 * the first ".npz:", so keys such as {@code w#0.left.C} work). Archives are read once and kept, so a trace that
 * names many entries of one archive reads it once. Not thread-safe.
 */
public final class NpyLoader {

    private final Path base;
    private final Map<Path, Map<String, NpyArray>> archives = new HashMap<>();

    /** References are resolved against {@code base} (absolute references stay as they are). */
    public NpyLoader(Path base) {
        this.base = base;
    }

    /** The directory references are resolved against. */
    public Path base() {
        return base;
    }

    /** The file a reference points to (for an npz entry: the archive). */
    public Path resolve(String reference) {
        int at = reference.indexOf(".npz:");
        return base.resolve(at < 0 ? reference : reference.substring(0, at + 4));
    }

    /**
     * The shape of the array a reference names, without reading an npy file's payload (an npz archive is read
     * once, as {@link #read} does). For checking sizes before anything of that size is allocated.
     *
     * @throws IllegalArgumentException naming the file (and key) if it is missing or malformed
     */
    public int[] shape(String reference) {
        if (reference != null && !reference.isBlank() && !reference.contains(".npz:")) {
            return NpyReader.header(base.resolve(reference)).shape();
        }
        return read(reference).shape();
    }

    /**
     * Reads the array a reference names.
     *
     * @throws IllegalArgumentException naming the file (and key) if it is missing or malformed
     */
    public NpyArray read(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("empty array reference; expected a path to an .npy file or archive.npz:key");
        }
        int at = reference.indexOf(".npz:");
        if (at < 0) {
            Path file = base.resolve(reference);
            return NpyReader.read(file);
        }
        Path file = base.resolve(reference.substring(0, at + 4));
        String key = reference.substring(at + 5);
        Map<String, NpyArray> archive = archives.computeIfAbsent(file.normalize(), f -> NpzArchive.read(file));
        NpyArray a = archive.get(key);
        if (a == null) {
            throw new IllegalArgumentException(file + ": no entry '" + key + "'; the archive holds " + archive.keySet());
        }
        return a;
    }
}
