package io.qshampoo.cli;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.qshampoo.quant.Mapping;
import io.qshampoo.shampoo.Variant;
import io.qshampoo.experiments.LayerShape;
import io.qshampoo.experiments.Spectrum;
import io.qshampoo.oracle.Precision;

/**
 * Coverage-guided fuzzing of every option string the commands parse themselves: shape lists ({@code memory
 * --shapes}), matrix shapes ({@code dequantize --shape}), spectra ({@code tables --spectrum}), layouts, mappings,
 * variants and precisions. Each either parses or throws an {@link IllegalArgumentException}; anything else is a
 * finding. A parsed shape list must have positive dimensions and counts. Regression inputs:
 * {@code src/test/resources/io/qshampoo/cli/OptionStringsFuzzTestInputs/options/}.
 */
class OptionStringsFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void options(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 6);
        String text = data.consumeRemainingAsString();
        try {
            switch (which) {
                case 0 -> {
                    for (LayerShape s : LayerShape.parseList(text)) {
                        if (s.count() < 1 || s.elements() < 1) {
                            throw new AssertionError(text + " parsed to " + s);
                        }
                    }
                }
                case 1 -> {
                    int[] rc = DequantizeCommand.parseShape(text);
                    if (rc.length != 2 || rc[0] < 1 || rc[1] < 1) {
                        throw new AssertionError(text + " parsed to " + java.util.Arrays.toString(rc));
                    }
                }
                case 2 -> Spectrum.parse(text).expand(64);
                case 3 -> CommandSupport.layout(text, 64);
                case 4 -> Mapping.fromId(text);
                case 5 -> Variant.fromId(text);
                default -> Precision.fromId(text);
            }
        } catch (IllegalArgumentException expected) {
            // refused with a message
        }
    }
}
