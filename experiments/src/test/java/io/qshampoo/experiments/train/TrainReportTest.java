package io.qshampoo.experiments.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

class TrainReportTest {

    @Test
    void lossAxisIsLogarithmicOnlyOverTwoDecades() {
        Function<double[], List<TrainResult>> results = losses -> {
            List<TrainResult.Epoch> epochs = new ArrayList<>();
            for (int i = 0; i < losses.length; i++) {
                epochs.add(new TrainResult.Epoch(i + 1, i + 1, losses[i], 0, 0, 0, Map.of(), 0, 0, 0));
            }
            return List.of(new TrainResult("sgdm", "SGD-M", "sgdm", 0.1, epochs, null, false, 0));
        };
        assertTrue(!TrainReport.useLogScale(results.apply(new double[] {0.53, 0.18})));
        assertTrue(TrainReport.useLogScale(results.apply(new double[] {1.0, 0.1, 0.005})));
        assertTrue(!TrainReport.useLogScale(results.apply(new double[] {Double.NaN, 0.3})));
    }
}
