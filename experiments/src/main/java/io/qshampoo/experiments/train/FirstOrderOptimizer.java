package io.qshampoo.experiments.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.qshampoo.shampoo.BaseOptimizer;
import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.ParameterUpdate;
import io.qshampoo.shampoo.StateBytes;
import io.qshampoo.shampoo.StateKind;

/**
 * A plain first-order optimizer: a {@link BaseOptimizer}'s {@link ParameterUpdate} applied to each
 * parameter with the gradient itself as the direction — no preconditioner, no grafting. This is the
 * baseline the Shampoo variants are compared with (SGD with momentum, AdamW).
 *
 * <p>State bytes: the base optimizer's buffers ({@link ParameterUpdate#stateBytes()}) plus the 8-byte
 * step counter ({@link StateKind#SCALARS}), counted as {@link io.qshampoo.shampoo.ShampooOptimizer}
 * counts its counters. A step allocates nothing.
 */
public final class FirstOrderOptimizer implements TrainOptimizer {

    private record Slot(String name, DenseTensor param, ParameterUpdate update, double[] direction) {
    }

    private final List<Slot> slots = new ArrayList<>();
    private final double learningRate;
    private long step;

    public FirstOrderOptimizer(BaseOptimizer base, double learningRate, Map<String, DenseTensor> parameters) {
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate is " + learningRate + "; expected a finite value >= 0");
        }
        this.learningRate = learningRate;
        new LinkedHashMap<>(parameters).forEach((name, p) -> slots.add(
                new Slot(name, p, base.newState(p.size()), new double[p.size()])));
    }

    @Override
    public void step(Map<String, DenseTensor> gradients) {
        if (gradients.size() != slots.size()) {
            throw new IllegalArgumentException("gradients are given for " + gradients.keySet() + "; expected one per parameter");
        }
        long k = step + 1;
        for (int i = 0; i < slots.size(); i++) { // indexed loops: a step allocates nothing, not even an iterator
            Slot s = slots.get(i);
            DenseTensor g = gradients.get(s.name());
            if (g == null || g.size() != s.param().size()) {
                throw new IllegalArgumentException("gradient of '" + s.name() + "' is "
                        + (g == null ? "missing" : "of shape " + g.shapeString()) + "; expected shape "
                        + s.param().shapeString());
            }
            double[] d = s.direction();
            g.copyTo(d);
            for (int j = 0; j < d.length; j++) {
                if (!Double.isFinite(d[j])) {
                    throw new IllegalArgumentException("gradient of '" + s.name() + "' at step " + k + " has " + d[j]
                            + " at index " + g.indexString(j) + "; expected finite values");
                }
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            s.update().apply(s.param(), s.direction(), k, learningRate);
        }
        step = k;
    }

    @Override
    public StateBytes stateBytes() {
        StateBytes total = StateBytes.of(StateKind.SCALARS, 8);
        for (Slot s : slots) {
            total = total.plus(s.update().stateBytes());
        }
        return total;
    }
}
