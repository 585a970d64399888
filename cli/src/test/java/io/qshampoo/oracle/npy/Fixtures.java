package io.qshampoo.oracle.npy;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Paths of the committed test resources (written by the {@code make_fixtures.py} scripts beside them). */
public final class Fixtures {

    private Fixtures() {
    }

    /** The resource {@code /dir/name} as a file path. */
    public static Path resource(String dir, String name) {
        URL url = Fixtures.class.getResource("/" + dir + "/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource /" + dir + "/" + name + " is missing; run make_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file of {@code src/test/resources/npy}. */
    public static Path npy(String name) {
        return resource("npy", name);
    }

    /** A file of {@code src/test/resources/safetensors}. */
    public static Path safetensors(String name) {
        return resource("safetensors", name);
    }

    /** A file of {@code src/test/resources/oracle}. */
    public static Path oracle(String name) {
        return resource("oracle", name);
    }
}
