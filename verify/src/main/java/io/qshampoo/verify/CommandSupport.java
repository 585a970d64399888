package io.qshampoo.verify;

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

    /** "rows" or "tiles" with block size B. */
    static BlockLayout layout(String name, int block) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "rows", "row-segments" -> BlockLayout.rowSegments(block);
            case "tiles" -> BlockLayout.tiles(block);
            default -> throw new IllegalArgumentException("layout \"" + name + "\"; expected rows or tiles");
        };
    }
}
