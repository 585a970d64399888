package io.qshampoo.experiments.train;

import java.util.Map;

import io.qshampoo.shampoo.DenseTensor;
import io.qshampoo.shampoo.StateBytes;

/** What {@code qshampoo train} needs of an optimizer: a step on named gradients and its exact state size. */
public interface TrainOptimizer {

    /** One step with a gradient for every parameter; parameters are updated in place. */
    void step(Map<String, DenseTensor> gradients);

    /** Exact bytes of the optimizer's state, by kind. */
    StateBytes stateBytes();

    /** Inverse-root refreshes that failed so far (the previous root was kept); 0 for first-order methods. */
    default int rootFailures() {
        return 0;
    }
}
