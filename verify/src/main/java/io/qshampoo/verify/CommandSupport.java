package io.qshampoo.verify;

import io.qshampoo.quant.BlockLayout;

/** Option parsing shared by the experiment commands. */
final class CommandSupport {

    private CommandSupport() {
    }

    /** Prints "qshampoo COMMAND: message" (no stack trace) and returns exit code 2, bad input. */
    static int badInput(String command, IllegalArgumentException e) {
        System.err.println("qshampoo " + command + ": " + e.getMessage());
        return 2;
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
