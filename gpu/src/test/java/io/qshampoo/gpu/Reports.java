package io.qshampoo.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Measurements the device tests make (differences, timings), printed and appended to
 * {@code <qshampoo.gpu.reportDir>/<name>.txt} when that system property is set (Surefire sets
 * {@code target/gpu-reports}; gpu/run-on-device.sh sets {@code $OUT}).
 */
final class Reports {

    private Reports() {
    }

    static void write(String name, String text) {
        System.out.println("[" + name + "] " + text);
        String dir = System.getProperty("qshampoo.gpu.reportDir");
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            Files.writeString(d.resolve(name + ".txt"), text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
