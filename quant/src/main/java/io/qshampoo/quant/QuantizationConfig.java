package io.qshampoo.quant;

/**
 * What a quantized matrix is made of: the mapping and bit width of its code table, the block layout, and
 * the size below which a matrix is not quantized at all.
 *
 * @param mapping     code-table construction
 * @param bits        3, 4 or 8
 * @param layout      blocks sharing one scale
 * @param minElements matrices with fewer than this many elements (rows·cols) stay fp32; the official code's
 *                    default is 4096 ({@code min_lowbit_size}), so a 64 × 64 matrix is quantized, 63 × 64 is not
 * @param customTable a table given as data ({@link CodeTable#custom}) that replaces {@code CodeTable.of(mapping,
 *                    bits)}, or null for the built-in table
 */
public record QuantizationConfig(Mapping mapping, int bits, BlockLayout layout, int minElements, CodeTable customTable) {

    /** The official {@code min_lowbit_size}. */
    public static final int DEFAULT_MIN_ELEMENTS = 4096;

    /**
     * @throws IllegalArgumentException on a null mapping or layout, bits ∉ {3, 4, 8}, or minElements &lt; 0
     */
    public QuantizationConfig {
        if (mapping == null) {
            throw new IllegalArgumentException("mapping must not be null");
        }
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        CodeTable.bitsSlot(bits);
        if (minElements < 0) {
            throw new IllegalArgumentException("minElements must be ≥ 0, got " + minElements);
        }
        if (customTable != null && (customTable.bits() != bits || customTable.mapping() != mapping)) {
            throw new IllegalArgumentException("custom code table is " + customTable + "; expected a " + mapping.id()
                    + " table of " + bits + " bits");
        }
    }

    /** A config with the built-in table of its mapping. */
    public QuantizationConfig(Mapping mapping, int bits, BlockLayout layout, int minElements) {
        this(mapping, bits, layout, minElements, null);
    }

    /** 4-bit linear-2, row segments of 64, fp32 below 4096 elements: the official 4-bit Shampoo setting. */
    public static QuantizationConfig defaults() {
        return new QuantizationConfig(Mapping.LINEAR_2, 4, BlockLayout.DEFAULT, DEFAULT_MIN_ELEMENTS);
    }

    /** This config with another mapping. */
    public QuantizationConfig withMapping(Mapping m) {
        return new QuantizationConfig(m, bits, layout, minElements);
    }

    /** This config with another bit width. */
    public QuantizationConfig withBits(int b) {
        return new QuantizationConfig(mapping, b, layout, minElements);
    }

    /** This config with another layout. */
    public QuantizationConfig withLayout(BlockLayout l) {
        return new QuantizationConfig(mapping, bits, l, minElements, customTable);
    }

    /** This config with another size threshold. */
    public QuantizationConfig withMinElements(int n) {
        return new QuantizationConfig(mapping, bits, layout, n, customTable);
    }

    /** This config with a table given as data (null: the built-in table). */
    public QuantizationConfig withCustomTable(CodeTable t) {
        return new QuantizationConfig(mapping, bits, layout, minElements, t);
    }

    /** The code table: the custom one if set, else {@code CodeTable.of(mapping, bits)}. */
    public CodeTable table() {
        return customTable != null ? customTable : CodeTable.of(mapping, bits);
    }

    /** Whether a rows × cols matrix is quantized (rows·cols ≥ minElements) rather than kept in fp32. */
    public boolean quantizes(int rows, int cols) {
        return (long) rows * cols >= minElements;
    }

    /** The single-threaded CPU reference quantizer for this config. */
    public BlockQuantizer quantizer() {
        return CpuBlockQuantizer.sequential(table(), layout);
    }
}
