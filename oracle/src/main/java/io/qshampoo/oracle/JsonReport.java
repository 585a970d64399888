package io.qshampoo.oracle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes a check's report as pretty-printed JSON (records and maps through Jackson; NaN and infinities as the
 * strings "NaN", "Infinity").
 */
public final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /**
     * Writes {@code report} to {@code file}, creating parent directories.
     *
     * @throws IllegalArgumentException naming the file if it cannot be written
     */
    public static void write(Path file, Object report) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            MAPPER.writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot write the JSON report (" + e.getMessage() + ")");
        }
    }

    /** A JSON object with the given keys and values, in this order: {@code object("a", 1, "b", 2)}. */
    public static java.util.Map<String, Object> object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("object needs key, value pairs; got " + keysAndValues.length + " arguments");
        }
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) {
            m.put((String) keysAndValues[k], keysAndValues[k + 1]);
        }
        return m;
    }

    /** The shared mapper (also used to read manifests). */
    static ObjectMapper mapper() {
        return MAPPER;
    }
}
