package io.qshampoo.shampoo;

import io.qshampoo.quant.BlockLayout;
import io.qshampoo.quant.CodeTable;
import io.qshampoo.quant.Mapping;
import io.qshampoo.quant.QuantizationConfig;

/**
 * How the preconditioner matrices are stored between steps: quantized to 3, 4 or 8 bits (Li §3, Wang et al.), in
 * fp32 (32), or exactly in float64 (64: the experiments' unquantized reference, not a format of any GPU
 * implementation). Mapping, layout and size threshold are carried but unused at 32 and 64 bits; a code table is
 * refused there.
 *
 * @param bits                 3, 4, 8, 32 or 64. Default 4
 * @param mapping              code table. Default linear-2 (Li Eq. 4)
 * @param layout               blocks sharing one scale. Default row segments of 64 (official kernels)
 * @param minQuantizedElements matrices with fewer elements stay fp32. Default 4096 (official code)
 * @param codeTable            a table given as data that replaces the mapping's built-in one (the other side's fp32
 *                             table, for replays), or null
 */
public record StorageConfig(int bits, Mapping mapping, BlockLayout layout, int minQuantizedElements, CodeTable codeTable) {

    /** Validates the combination (through {@link QuantizationConfig} when quantized). */
    public StorageConfig {
        if (bits != 3 && bits != 4 && bits != 8 && bits != 32 && bits != 64) {
            throw new IllegalArgumentException("bits is " + bits + "; expected 3, 4, 8, 32 (fp32) or 64 (exact)");
        }
        if (mapping == null || layout == null) {
            throw new IllegalArgumentException("mapping and layout must be non-null");
        }
        if (minQuantizedElements < 0) {
            throw new IllegalArgumentException("minQuantizedElements is " + minQuantizedElements + "; expected >= 0");
        }
        if (bits <= 8) {
            new QuantizationConfig(mapping, bits, layout, minQuantizedElements, codeTable);
        } else if (codeTable != null) {
            throw new IllegalArgumentException("a code table is given but bits is " + bits + "; it applies to 3, 4 or 8 bits");
        }
    }

    /** 4-bit linear-2, row segments of 64, fp32 below 4096 elements: the official 4-bit Shampoo storage. */
    public static StorageConfig quantized4() {
        return new StorageConfig(4, Mapping.LINEAR_2, BlockLayout.rowSegments(64), QuantizationConfig.DEFAULT_MIN_ELEMENTS,
                null);
    }

    /** fp32 storage (32-bit Shampoo). */
    public static StorageConfig fp32() {
        return quantized4().withBits(32);
    }

    /** This storage with another bit width. */
    public StorageConfig withBits(int b) {
        return new StorageConfig(b, mapping, layout, minQuantizedElements, b <= 8 ? codeTable : null);
    }

    /** Whether matrices are quantized (3, 4 or 8 bits) rather than kept in fp32 or float64. */
    public boolean quantized() {
        return bits <= 8;
    }

    /** The quantization, or null at 32 and 64 bits. */
    public QuantizationConfig quantization() {
        return quantized() ? new QuantizationConfig(mapping, bits, layout, minQuantizedElements, codeTable) : null;
    }
}
