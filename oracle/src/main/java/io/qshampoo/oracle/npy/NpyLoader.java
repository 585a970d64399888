package io.qshampoo.oracle.npy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves array references relative to a base directory and reads them: {@code path/to/x.npy},
 * {@code path/to/archive.npz:key} for the entry {@code key.npy} of an npz archive, or
 * {@code path/to/file.safetensors:name} for the tensor {@code name} of a safetensors file
 * ({@link SafetensorsFile}). The key is everything after the first ".npz:" or ".safetensors:", so keys such as
 * {@code w#0.left.C} or {@code layer.0.weight} work. Containers are read once and kept, so a trace that names
 * many entries of one file reads it once. Not thread-safe.
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

    /** The container suffixes, each followed by ':' and a key in a reference. */
    private static final String[] CONTAINERS = {".npz", ".safetensors"};

    /** Where a reference's container name ends (before its ':'), or −1 for a plain npy file. */
    private static int containerEnd(String reference) {
        int best = -1;
        for (String c : CONTAINERS) {
            int at = reference.indexOf(c + ":");
            if (at >= 0 && (best < 0 || at + c.length() < best)) {
                best = at + c.length();
            }
        }
        return best;
    }

    /** The file a reference points to (for an npz entry or a safetensors tensor: the container). */
    public Path resolve(String reference) {
        int end = containerEnd(reference);
        return base.resolve(end < 0 ? reference : reference.substring(0, end));
    }

    /**
     * The shape of the array a reference names, without reading an npy file's payload (an npz archive or a
     * safetensors file is read once, as {@link #read} does). For checking sizes before anything of that size is
     * allocated.
     *
     * @throws IllegalArgumentException naming the file (and key) if it is missing or malformed
     */
    public int[] shape(String reference) {
        if (reference != null && !reference.isBlank() && containerEnd(reference) < 0) {
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
            throw new IllegalArgumentException("empty array reference; expected a path to an .npy file, "
                    + "archive.npz:key or file.safetensors:name");
        }
        int end = containerEnd(reference);
        if (end < 0) {
            Path file = base.resolve(reference);
            for (String c : CONTAINERS) {
                if (reference.endsWith(c)) {
                    throw new IllegalArgumentException(file + ": a " + c + " file holds named arrays; name one as "
                            + reference + ":NAME (it holds " + container(file, c).keySet() + ")");
                }
            }
            return NpyReader.read(file);
        }
        Path file = base.resolve(reference.substring(0, end));
        String key = reference.substring(end + 1);
        Map<String, NpyArray> container = container(file, reference.substring(0, end).endsWith(".npz") ? ".npz"
                : ".safetensors");
        NpyArray a = container.get(key);
        if (a == null) {
            throw new IllegalArgumentException(file + ": no entry '" + key + "'; the file holds " + container.keySet());
        }
        return a;
    }

    private Map<String, NpyArray> container(Path file, String suffix) {
        return archives.computeIfAbsent(file.normalize(),
                f -> suffix.equals(".npz") ? NpzArchive.read(file) : SafetensorsFile.read(file));
    }
}
