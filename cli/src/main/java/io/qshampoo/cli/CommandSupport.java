package io.qshampoo.cli;

import java.util.function.Consumer;

import io.qshampoo.quant.BlockLayout;

/** Option parsing and output conventions shared by the experiment commands. */
final class CommandSupport {

    private CommandSupport() {
    }

    /** Prints "qshampoo COMMAND: message" (no stack trace) and returns exit code 2, bad input. */
    static int badInput(String command, IllegalArgumentException e) {
        System.err.println("qshampoo " + command + ": " + e.getMessage());
        return 2;
    }

    /**
     * Whether the process runs on a terminal (the JDK's console: stdin and stdout interactive). Progress is shown
     * only then; redirected to a file or a pipe, the commands print their results and nothing else.
     */
    static boolean onTerminal() {
        return System.console() != null;
    }

    /** Progress lines: to stderr on a terminal, dropped otherwise. */
    static Consumer<String> progress() {
        return onTerminal() ? System.err::println : line -> { };
    }

    /**
     * Refuses an output directory that exists as something else than a directory, before a long computation
     * would fail at its end.
     */
    static void requireOutputDirectory(java.nio.file.Path dir) {
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file; expected a directory (or a path to create)");
        }
    }

    /**
     * Refuses a computation whose least memory exceeds the heap, before anything is allocated.
     *
     * @param what  what needs it, e.g. "--n 100000 (three float64 matrices of order n)"
     * @param bytes a lower bound of the bytes needed, so a refusal is never wrong
     */
    static void requireHeap(String what, double bytes) {
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s needs at least %,.0f MiB; the "
                    + "heap limit is %,d MiB (raise it with QSHAMPOO_JAVA_OPTS=-Xmx…)", what, bytes / (1 << 20), heap >> 20));
        }
    }

    /** "rows" or "tiles" with block size B. */
    static BlockLayout layout(String name, int block) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "rows", "row-segments" -> BlockLayout.rowSegments(block);
            case "tiles" -> BlockLayout.tiles(block);
            default -> throw new IllegalArgumentException("layout \"" + name + "\"; expected rows or tiles");
        };
    }
}
