package io.qshampoo.verify;

import io.qshampoo.quant.BlockLayout;

/** Option parsing shared by the experiment commands. */
final class CommandSupport {

    private CommandSupport() {
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
